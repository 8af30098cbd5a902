//! Everything perimeter reads from AWS: organization discovery, role assumption into member
//! accounts, and per-account, per-region collection of resource policies into inventory records.
//! This is the only crate that links the AWS SDK.

pub mod aws;
