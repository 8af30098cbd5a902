//! `AWS::S3::Bucket`: the bucket policy, ACL, Block Public Access (bucket and account), Object
//! Ownership, and the access points attached to the bucket (each with its own policy).

use serde::{Deserialize, Serialize};

use super::{arn_tail, Document, TypeInputs};

/// S3 bucket: policy, ACL, Block Public Access (bucket and account), Object Ownership and
/// access points.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct S3BucketInputs {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acl: Option<S3Acl>,
    /// The bucket's own Block Public Access settings; `None` when none are configured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block_public_access: Option<BlockPublicAccess>,
    /// The owner account's Block Public Access settings; `None` when none are configured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_block_public_access: Option<BlockPublicAccess>,
    /// `None` when no ownership controls are configured (ACLs then apply: `ObjectWriter`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object_ownership: Option<ObjectOwnership>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub access_points: Vec<S3AccessPoint>,
}

/// A bucket ACL: its owner and its grants.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct S3Acl {
    /// Canonical user ID of the bucket owner as the ACL states it.
    pub owner_id: String,
    #[serde(default)]
    pub grants: Vec<AclGrant>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AclGrant {
    pub grantee: AclGrantee,
    pub permission: AclPermission,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum AclGrantee {
    CanonicalUser { id: String },
    /// A predefined group by URI (`http://acs.amazonaws.com/groups/global/AllUsers`, …).
    Group { uri: String },
    /// A grant by e-mail address (legacy regions only); the account behind it is unknown.
    Email { address: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AclPermission {
    FullControl,
    Read,
    Write,
    ReadAcp,
    WriteAcp,
}

/// S3 Block Public Access settings (bucket, account or access point).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BlockPublicAccess {
    #[serde(default)]
    pub block_public_acls: bool,
    #[serde(default)]
    pub ignore_public_acls: bool,
    #[serde(default)]
    pub block_public_policy: bool,
    #[serde(default)]
    pub restrict_public_buckets: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ObjectOwnership {
    BucketOwnerEnforced,
    BucketOwnerPreferred,
    ObjectWriter,
}

/// An S3 access point attached to the bucket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct S3AccessPoint {
    pub name: String,
    pub arn: String,
    /// The account that owns the access point (may differ from the bucket owner).
    pub account: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<String>,
    pub network_origin: NetworkOrigin,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block_public_access: Option<BlockPublicAccess>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum NetworkOrigin {
    Internet,
    #[serde(rename = "VPC")]
    Vpc,
}

impl TypeInputs for S3BucketInputs {
    fn name(&self) -> &str {
        &self.name
    }

    fn documents(&self) -> Vec<Document<'_>> {
        bucket_documents(self.policy.as_deref(), &self.access_points)
    }

    fn from_policy(arn: &str, policy: String) -> Self {
        S3BucketInputs { name: arn_tail(arn).to_string(), policy: Some(policy), ..Default::default() }
    }
}

/// The documents of a bucket (general purpose or directory): its bucket policy, then each
/// access point's policy.
pub(super) fn bucket_documents<'a>(policy: Option<&'a str>, access_points: &'a [S3AccessPoint]) -> Vec<Document<'a>> {
    let bucket = policy.into_iter().map(|p| Document { name: "bucket policy".into(), text: p });
    let access_points = access_points.iter().filter_map(|ap| {
        ap.policy.as_deref().map(|p| Document { name: format!("access point {} policy", ap.name), text: p })
    });
    bucket.chain(access_points).collect()
}
