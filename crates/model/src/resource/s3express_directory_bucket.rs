//! `AWS::S3Express::DirectoryBucket`: an S3 Express One Zone directory bucket's bucket policy
//! and its access points.

use serde::{Deserialize, Serialize};

use super::{arn_tail, Document, S3AccessPoint, TypeInputs};

/// `AWS::S3Express::DirectoryBucket`: the bucket policy and the directory-bucket access points
/// with their policies and network origins (semantics.md section 6). Block Public Access is
/// always on for directory buckets and their access points and cannot be turned off, so there
/// is nothing else to read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct S3ExpressDirectoryBucketInputs {
    /// The bucket name (`base--use1-az4--x-s3`).
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<String>,
    /// The bucket's access points (`<name>--<zone>--xa-s3`); their `block_public_access` is
    /// never read (always on).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub access_points: Vec<S3AccessPoint>,
}

impl TypeInputs for S3ExpressDirectoryBucketInputs {
    fn name(&self) -> &str {
        &self.name
    }

    fn documents(&self) -> Vec<Document<'_>> {
        super::s3_bucket::bucket_documents(self.policy.as_deref(), &self.access_points)
    }

    fn from_policy(arn: &str, policy: String) -> Self {
        S3ExpressDirectoryBucketInputs { name: arn_tail(arn).to_string(), policy: Some(policy), access_points: Vec::new() }
    }
}
