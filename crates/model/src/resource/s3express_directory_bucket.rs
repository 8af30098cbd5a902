//! `AWS::S3Express::DirectoryBucket`: an S3 Express One Zone directory bucket's bucket policy.

use serde::{Deserialize, Serialize};

use super::{arn_tail, Document, TypeInputs};

/// `AWS::S3Express::DirectoryBucket`: the bucket policy (semantics.md section 6). Block Public
/// Access is always on for directory buckets and cannot be turned off, so there is nothing else
/// to read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct S3ExpressDirectoryBucketInputs {
    /// The bucket name (`base--use1-az4--x-s3`).
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<String>,
}

impl TypeInputs for S3ExpressDirectoryBucketInputs {
    fn name(&self) -> &str {
        &self.name
    }

    fn documents(&self) -> Vec<Document<'_>> {
        self.policy.iter().map(|p| Document { name: "bucket policy".into(), text: p }).collect()
    }

    fn from_policy(arn: &str, policy: String) -> Self {
        S3ExpressDirectoryBucketInputs { name: arn_tail(arn).to_string(), policy: Some(policy) }
    }
}
