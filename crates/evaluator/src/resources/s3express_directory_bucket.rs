//! S3 Express One Zone directory bucket: the bucket policy, searched over the `s3express`
//! actions on directory buckets (on the bucket's ARN; objects are reached through
//! `s3express:CreateSession` on the bucket). Block Public Access is always on for directory
//! buckets and cannot be turned off (semantics.md section 6): `RestrictPublicBuckets` applies,
//! so a policy that is public grants nobody outside the owner account anything, and every
//! direct finding of such a policy is dropped, as for a general purpose bucket with that
//! setting. A grant through access points of the owner's account
//! (`s3express:DataAccessPointAccount`) is internal (the access point decides); through another
//! account's access points it is a cross-account finding for that account
//! (`S3_ACCESS_POINT_ACCOUNT`). Directory-bucket access points themselves are not read yet.

use perimeter_model::{ResourceRecord, S3ExpressDirectoryBucketInputs, Zone};

use super::{s3_bucket, scope, targets_for, PathResults, Services};
use crate::policy::ResourceElement;
use crate::search;

pub const SERVICES: Services = &[("s3express", &["bucket"])];

pub(super) fn analyze(record: &ResourceRecord, b: &S3ExpressDirectoryBucketInputs, zone: &Zone, out: &mut PathResults) {
    if let Some(text) = &b.policy
        && let Some(policy) = out.parse("bucket policy", text, ResourceElement::Required)
    {
        let targets = targets_for(&policy, SERVICES[0], std::slice::from_ref(&record.arn));
        let raws = search::search(&policy, &scope(zone, &targets, out));
        // RestrictPublicBuckets, always on: a public policy lets in only AWS services and the
        // owner's own principals.
        s3_bucket::add_bucket_policy_findings(raws, "s3express:DataAccessPointAccount", true, out);
    }
}
