//! Resource records: what the collector read for one resource, exactly the inputs that
//! semantics.md section 6 names for its type. Policies are kept as the raw JSON text AWS
//! returned, so that a malformed document reaches the evaluator and becomes a parse error there.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

/// Resource types, named as AWS IAM Access Analyzer names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum ResourceType {
    #[serde(rename = "AWS::S3::Bucket")]
    S3Bucket,
    #[serde(rename = "AWS::IAM::Role")]
    IamRole,
    #[serde(rename = "AWS::KMS::Key")]
    KmsKey,
    #[serde(rename = "AWS::Lambda::Function")]
    LambdaFunction,
    #[serde(rename = "AWS::Lambda::LayerVersion")]
    LambdaLayerVersion,
    #[serde(rename = "AWS::SQS::Queue")]
    SqsQueue,
}

impl ResourceType {
    pub const ALL: [ResourceType; 6] = [
        ResourceType::S3Bucket,
        ResourceType::IamRole,
        ResourceType::KmsKey,
        ResourceType::LambdaFunction,
        ResourceType::LambdaLayerVersion,
        ResourceType::SqsQueue,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ResourceType::S3Bucket => "AWS::S3::Bucket",
            ResourceType::IamRole => "AWS::IAM::Role",
            ResourceType::KmsKey => "AWS::KMS::Key",
            ResourceType::LambdaFunction => "AWS::Lambda::Function",
            ResourceType::LambdaLayerVersion => "AWS::Lambda::LayerVersion",
            ResourceType::SqsQueue => "AWS::SQS::Queue",
        }
    }

    /// Parses the Access Analyzer name, case-insensitively.
    pub fn parse(s: &str) -> Option<ResourceType> {
        ResourceType::ALL.into_iter().find(|t| t.as_str().eq_ignore_ascii_case(s))
    }
}

impl fmt::Display for ResourceType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One resource and everything read about it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResourceRecord {
    pub arn: String,
    /// The account that owns the resource.
    pub account: String,
    pub region: String,
    pub inputs: ResourceInputs,
}

impl ResourceRecord {
    pub fn resource_type(&self) -> ResourceType {
        self.inputs.resource_type()
    }
}

/// The inputs of one resource, by type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum ResourceInputs {
    #[serde(rename = "AWS::S3::Bucket")]
    S3Bucket(S3BucketInputs),
    #[serde(rename = "AWS::IAM::Role")]
    IamRole(IamRoleInputs),
    #[serde(rename = "AWS::KMS::Key")]
    KmsKey(KmsKeyInputs),
    #[serde(rename = "AWS::Lambda::Function")]
    LambdaFunction(LambdaFunctionInputs),
    #[serde(rename = "AWS::Lambda::LayerVersion")]
    LambdaLayerVersion(LambdaLayerVersionInputs),
    #[serde(rename = "AWS::SQS::Queue")]
    SqsQueue(SqsQueueInputs),
}

impl ResourceInputs {
    pub fn resource_type(&self) -> ResourceType {
        match self {
            ResourceInputs::S3Bucket(_) => ResourceType::S3Bucket,
            ResourceInputs::IamRole(_) => ResourceType::IamRole,
            ResourceInputs::KmsKey(_) => ResourceType::KmsKey,
            ResourceInputs::LambdaFunction(_) => ResourceType::LambdaFunction,
            ResourceInputs::LambdaLayerVersion(_) => ResourceType::LambdaLayerVersion,
            ResourceInputs::SqsQueue(_) => ResourceType::SqsQueue,
        }
    }
}

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

/// IAM role: the trust policy (decoded JSON text).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IamRoleInputs {
    pub name: String,
    pub trust_policy: String,
}

/// KMS customer-managed key: key policy and grants.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KmsKeyInputs {
    pub key_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub grants: Vec<KmsGrant>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KmsGrant {
    pub grant_id: String,
    /// ARN of the grantee (or an AWS service principal).
    pub grantee_principal: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retiring_principal: Option<String>,
    /// KMS operation names as in the API (`Decrypt`, `GenerateDataKey`, …).
    pub operations: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub constraints: Option<GrantConstraints>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GrantConstraints {
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub encryption_context_equals: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub encryption_context_subset: BTreeMap<String, String>,
}

/// Lambda function: the policies of the function and of each version or alias that has its
/// own, and its function URLs.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LambdaFunctionInputs {
    pub name: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub policies: Vec<QualifiedPolicy>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub urls: Vec<FunctionUrl>,
}

/// A resource policy of an unqualified function (`qualifier: None`), a version or an alias.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QualifiedPolicy {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qualifier: Option<String>,
    pub policy: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FunctionUrl {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qualifier: Option<String>,
    /// `NONE` or `AWS_IAM`.
    pub auth_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// Lambda layer version: its policy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LambdaLayerVersionInputs {
    pub layer_name: String,
    pub version: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<String>,
}

/// SQS queue: the queue policy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SqsQueueInputs {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<String>,
}
