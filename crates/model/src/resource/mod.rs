//! Resource records: what the collector read for one resource, exactly the inputs that
//! semantics.md section 6 names for its type. Policies are kept as the raw JSON text AWS
//! returned, so that a malformed document reaches the evaluator and becomes a parse error there.
//!
//! Each resource type is one module here (its inputs and what every crate asks of them: its
//! name, its documents, a record made from one policy); [`ResourceType`] and
//! [`ResourceInputs`] tie them together with exhaustive matches, so that a new type makes the
//! compiler point at every place to extend. `docs/adding-a-resource-type.md` lists the rest.

mod apigateway_rest_api;
mod backup_vault;
mod codeartifact_domain;
mod codeartifact_repository;
mod dynamodb_stream;
mod dynamodb_table;
mod ec2_image;
mod ec2_snapshot;
mod ecr_repository;
mod efs_file_system;
mod events_event_bus;
mod glacier_vault;
mod glue_data_catalog;
mod iam_role;
mod kinesis_stream;
mod kms_key;
mod lambda_function;
mod lambda_layer_version;
mod logs_destination;
mod logs_resource_policy;
mod opensearch_domain;
mod rds_snapshot;
mod s3_bucket;
mod s3express_directory_bucket;
mod secrets_manager_secret;
mod ses_email_identity;
mod sns_topic;
mod sqs_queue;

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

pub use iam_role::IamRoleInputs;
pub use kms_key::{GrantConstraints, KmsGrant, KmsKeyInputs};
pub use lambda_function::{FunctionUrl, LambdaFunctionInputs, QualifiedPolicy};
pub use lambda_layer_version::LambdaLayerVersionInputs;
pub use s3_bucket::{
    AclGrant, AclGrantee, AclPermission, BlockPublicAccess, NetworkOrigin, ObjectOwnership, S3AccessPoint, S3Acl,
    S3BucketInputs,
};
pub use sqs_queue::SqsQueueInputs;
pub use ec2_snapshot::{Ec2SnapshotInputs, SnapshotBlockPublicAccess, VolumePermission};
pub use rds_snapshot::RdsSnapshotInputs;
pub use dynamodb_stream::DynamoDbStreamInputs;
pub use dynamodb_table::DynamoDbTableInputs;
pub use secrets_manager_secret::SecretsManagerSecretInputs;
pub use sns_topic::SnsTopicInputs;
pub use ecr_repository::EcrRepositoryInputs;
pub use efs_file_system::EfsFileSystemInputs;
pub use s3express_directory_bucket::S3ExpressDirectoryBucketInputs;
pub use apigateway_rest_api::ApiGatewayRestApiInputs;
pub use events_event_bus::EventsEventBusInputs;
pub use opensearch_domain::OpenSearchDomainInputs;
pub use glacier_vault::GlacierVaultInputs;
pub use backup_vault::BackupVaultInputs;
pub use logs_resource_policy::LogsResourcePolicyInputs;
pub use logs_destination::LogsDestinationInputs;
pub use glue_data_catalog::GlueDataCatalogInputs;
pub use ses_email_identity::SesEmailIdentityInputs;
pub use codeartifact_domain::CodeArtifactDomainInputs;
pub use codeartifact_repository::CodeArtifactRepositoryInputs;
pub use kinesis_stream::KinesisStreamInputs;
pub use ec2_image::{Ec2ImageInputs, ImageBlockPublicAccess, LaunchPermission};

/// The region of the records and scopes of global resource types (IAM).
pub const GLOBAL_REGION: &str = "global";

/// Resource types, named as AWS IAM Access Analyzer names them. The list of types
/// ([`ResourceType::ALL`]) and the names are derived from this one definition.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, strum::VariantArray, strum::IntoStaticStr, strum::EnumString,
)]
#[strum(ascii_case_insensitive)]
pub enum ResourceType {
    #[strum(serialize = "AWS::S3::Bucket")]
    S3Bucket,
    #[strum(serialize = "AWS::IAM::Role")]
    IamRole,
    #[strum(serialize = "AWS::KMS::Key")]
    KmsKey,
    #[strum(serialize = "AWS::Lambda::Function")]
    LambdaFunction,
    #[strum(serialize = "AWS::Lambda::LayerVersion")]
    LambdaLayerVersion,
    #[strum(serialize = "AWS::SQS::Queue")]
    SqsQueue,
    #[strum(serialize = "AWS::SecretsManager::Secret")]
    SecretsManagerSecret,
    #[strum(serialize = "AWS::SNS::Topic")]
    SnsTopic,
    #[strum(serialize = "AWS::ECR::Repository")]
    EcrRepository,
    #[strum(serialize = "AWS::EFS::FileSystem")]
    EfsFileSystem,
    #[strum(serialize = "AWS::EC2::Snapshot")]
    Ec2Snapshot,
    #[strum(serialize = "AWS::RDS::DBSnapshot")]
    RdsDbSnapshot,
    #[strum(serialize = "AWS::RDS::DBClusterSnapshot")]
    RdsDbClusterSnapshot,
    #[strum(serialize = "AWS::DynamoDB::Table")]
    DynamoDbTable,
    #[strum(serialize = "AWS::DynamoDB::Stream")]
    DynamoDbStream,
    #[strum(serialize = "AWS::S3Express::DirectoryBucket")]
    S3ExpressDirectoryBucket,
    #[strum(serialize = "AWS::ApiGateway::RestApi")]
    ApiGatewayRestApi,
    #[strum(serialize = "AWS::Events::EventBus")]
    EventsEventBus,
    #[strum(serialize = "AWS::OpenSearchService::Domain")]
    OpenSearchDomain,
    #[strum(serialize = "AWS::Glacier::Vault")]
    GlacierVault,
    #[strum(serialize = "AWS::Backup::BackupVault")]
    BackupVault,
    #[strum(serialize = "AWS::Logs::ResourcePolicy")]
    LogsResourcePolicy,
    #[strum(serialize = "AWS::Logs::Destination")]
    LogsDestination,
    #[strum(serialize = "AWS::EC2::Image")]
    Ec2Image,
    #[strum(serialize = "AWS::Glue::DataCatalog")]
    GlueDataCatalog,
    #[strum(serialize = "AWS::SES::EmailIdentity")]
    SesEmailIdentity,
    #[strum(serialize = "AWS::CodeArtifact::Domain")]
    CodeArtifactDomain,
    #[strum(serialize = "AWS::CodeArtifact::Repository")]
    CodeArtifactRepository,
    #[strum(serialize = "AWS::Kinesis::Stream")]
    KinesisStream,
}

/// A resource type name that perimeter does not know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownResourceType(pub String);

impl fmt::Display for UnknownResourceType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let known: Vec<&str> = ResourceType::ALL.iter().map(|t| t.as_str()).collect();
        write!(f, "unknown resource type `{}` (known: {})", self.0, known.join(", "))
    }
}

impl std::error::Error for UnknownResourceType {}

impl ResourceType {
    /// Every type, in declaration order.
    pub const ALL: &'static [ResourceType] = <ResourceType as strum::VariantArray>::VARIANTS;

    /// The Access Analyzer name (`AWS::S3::Bucket`).
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// Parses an Access Analyzer name, case-insensitively: the one place every command and the
    /// config parse type names.
    pub fn parse(s: &str) -> Result<ResourceType, UnknownResourceType> {
        ResourceType::from_str(s.trim()).map_err(|_| UnknownResourceType(s.to_string()))
    }

    /// The service part of the type's ARNs (`arn:aws:<service>:…`).
    pub fn arn_service(self) -> &'static str {
        match self {
            ResourceType::S3Bucket => "s3",
            ResourceType::IamRole => "iam",
            ResourceType::KmsKey => "kms",
            ResourceType::LambdaFunction | ResourceType::LambdaLayerVersion => "lambda",
            ResourceType::SqsQueue => "sqs",
            ResourceType::SecretsManagerSecret => "secretsmanager",
            ResourceType::SnsTopic => "sns",
            ResourceType::EcrRepository => "ecr",
            ResourceType::EfsFileSystem => "elasticfilesystem",
            ResourceType::Ec2Snapshot => "ec2",
            ResourceType::RdsDbSnapshot | ResourceType::RdsDbClusterSnapshot => "rds",
            ResourceType::DynamoDbTable | ResourceType::DynamoDbStream => "dynamodb",
            ResourceType::S3ExpressDirectoryBucket => "s3express",
            ResourceType::ApiGatewayRestApi => "apigateway",
            ResourceType::EventsEventBus => "events",
            ResourceType::OpenSearchDomain => "es",
            ResourceType::GlacierVault => "glacier",
            ResourceType::BackupVault => "backup",
            ResourceType::LogsResourcePolicy => "logs",
            ResourceType::LogsDestination => "logs",
            ResourceType::Ec2Image => "ec2",
            ResourceType::GlueDataCatalog => "glue",
            ResourceType::SesEmailIdentity => "ses",
            ResourceType::CodeArtifactDomain => "codeartifact",
            ResourceType::CodeArtifactRepository => "codeartifact",
            ResourceType::KinesisStream => "kinesis",
        }
    }

    /// Whether the type carries a policy document (`check-policy` analyses one); snapshots are
    /// shared through an attribute instead.
    pub fn has_policy_document(self) -> bool {
        !matches!(
            self,
            ResourceType::Ec2Snapshot | ResourceType::RdsDbSnapshot | ResourceType::RdsDbClusterSnapshot | ResourceType::Ec2Image
        )
    }

    /// The IAM service prefix of the actions the type's policies grant (a role's trust policy
    /// grants `sts:` actions).
    pub fn action_service(self) -> &'static str {
        match self {
            ResourceType::IamRole => "sts",
            ResourceType::ApiGatewayRestApi => "execute-api",
            t => t.arn_service(),
        }
    }

    /// Whether the organization's resource control policies govern requests to resources of
    /// this type ([`crate::RCP_SERVICES`]).
    pub fn rcp_governed(self) -> bool {
        crate::rcp_governs(&format!("{}:*", self.action_service()))
    }

    /// Whether the type's ARNs name the owner account (S3 bucket ARNs have no account field).
    pub fn arn_has_account(self) -> bool {
        !matches!(self, ResourceType::S3Bucket | ResourceType::ApiGatewayRestApi | ResourceType::Ec2Image)
    }

    /// Global types have one scope per account, in the region [`GLOBAL_REGION`]; the others
    /// one per scanned region.
    pub fn is_global(self) -> bool {
        match self {
            ResourceType::IamRole => true,
            ResourceType::S3Bucket
            | ResourceType::KmsKey
            | ResourceType::LambdaFunction
            | ResourceType::LambdaLayerVersion
            | ResourceType::SqsQueue
            | ResourceType::SecretsManagerSecret
            | ResourceType::SnsTopic
            | ResourceType::EcrRepository
            | ResourceType::EfsFileSystem
            | ResourceType::Ec2Snapshot
            | ResourceType::RdsDbSnapshot
            | ResourceType::RdsDbClusterSnapshot
            | ResourceType::DynamoDbTable
            | ResourceType::DynamoDbStream
            | ResourceType::S3ExpressDirectoryBucket
            | ResourceType::ApiGatewayRestApi
            | ResourceType::EventsEventBus
            | ResourceType::OpenSearchDomain
            | ResourceType::GlacierVault
            | ResourceType::BackupVault
            | ResourceType::LogsResourcePolicy
            | ResourceType::LogsDestination
            | ResourceType::Ec2Image
            | ResourceType::GlueDataCatalog
            | ResourceType::SesEmailIdentity
            | ResourceType::CodeArtifactDomain
            | ResourceType::CodeArtifactRepository
            | ResourceType::KinesisStream => false,
        }
    }

    /// Whether AWS offers the type in `region`. A type that is not offered there is skipped
    /// for that region (reported as skipped, never read, never an error). S3 Express One Zone,
    /// CodeArtifact, SES and S3 Glacier vaults are offered in some Regions only (the lists
    /// below, with their sources); a Region AWS adds later is skipped, and said so, until its
    /// list names it. The other types' services are in every commercial Region.
    pub fn offered_in(self, region: &str) -> bool {
        match self {
            ResourceType::S3ExpressDirectoryBucket => S3_EXPRESS_REGIONS.contains(&region),
            ResourceType::CodeArtifactDomain | ResourceType::CodeArtifactRepository => CODEARTIFACT_REGIONS.contains(&region),
            ResourceType::SesEmailIdentity => SES_REGIONS.contains(&region),
            ResourceType::GlacierVault => GLACIER_REGIONS.contains(&region),
            _ => true,
        }
    }
}

/// The Regions that offer S3 Express One Zone directory buckets (see
/// [`ResourceType::offered_in`]); directory buckets in Dedicated Local Zones are controlled from
/// their parent Region, which is among these.
pub const S3_EXPRESS_REGIONS: &[&str] =
    &["us-east-1", "us-east-2", "us-west-2", "ap-south-1", "ap-northeast-1", "eu-west-1", "eu-north-1"];

/// The Regions with a CodeArtifact endpoint: AWS's endpoint data
/// (`botocore/data/endpoints.json`, aws partition, botocore 1.43.67 of 2026-08; the General
/// Reference's "AWS CodeArtifact endpoints and quotas" lists the same 13).
pub const CODEARTIFACT_REGIONS: &[&str] = &[
    "us-east-1", "us-east-2", "us-west-2", "ap-south-1", "ap-southeast-1", "ap-southeast-2", "ap-northeast-1",
    "eu-central-1", "eu-west-1", "eu-west-2", "eu-south-1", "eu-west-3", "eu-north-1",
];

/// The Regions with an SES endpoint (`email.<region>.amazonaws.com`, API v1 and v2): the same
/// endpoint data as [`CODEARTIFACT_REGIONS`].
pub const SES_REGIONS: &[&str] = &[
    "us-east-1", "us-east-2", "us-west-1", "us-west-2", "af-south-1", "ap-south-1", "ap-south-2", "ap-southeast-1",
    "ap-southeast-2", "ap-southeast-3", "ap-southeast-5", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
    "ca-central-1", "ca-west-1", "eu-central-1", "eu-central-2", "eu-north-1", "eu-south-1", "eu-west-1", "eu-west-2",
    "eu-west-3", "il-central-1", "me-central-1", "me-south-1", "sa-east-1",
];

/// The Regions with an S3 Glacier vault endpoint (`glacier.<region>.amazonaws.com`): the same
/// endpoint data as [`CODEARTIFACT_REGIONS`]. (Since December 2025 the vault API also refuses
/// accounts that never stored data in it: the collector reports those as not enabled.)
pub const GLACIER_REGIONS: &[&str] = &[
    "us-east-1", "us-east-2", "us-west-1", "us-west-2", "af-south-1", "ap-east-1", "ap-south-1", "ap-southeast-1",
    "ap-southeast-2", "ap-southeast-3", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ca-central-1",
    "eu-central-1", "eu-north-1", "eu-south-1", "eu-west-1", "eu-west-2", "eu-west-3", "me-south-1", "sa-east-1",
];

impl fmt::Display for ResourceType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for ResourceType {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ResourceType {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        // Exact names only in stored data; the case-insensitive reading is for people.
        ResourceType::ALL
            .iter()
            .copied()
            .find(|t| t.as_str() == name)
            .ok_or_else(|| serde::de::Error::custom(UnknownResourceType(name)))
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

    /// A record of `resource_type` whose only input is `policy` (its main policy document), as
    /// `check-policy`, the corpus and the fuzz target analyse one document. The region is the
    /// ARN's, or `us-east-1` for ARNs without one.
    pub fn from_policy(resource_type: ResourceType, arn: &str, account: &str, policy: String) -> ResourceRecord {
        ResourceRecord {
            arn: arn.to_string(),
            account: account.to_string(),
            region: arn.split(':').nth(3).filter(|r| !r.is_empty()).unwrap_or("us-east-1").to_string(),
            inputs: ResourceInputs::from_policy(resource_type, arn, policy),
        }
    }
}

/// One policy document of a resource, with the name errors and findings use for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document<'a> {
    /// `bucket policy`, `access point reports policy`, `function policy (qualifier prod)`, …
    pub name: String,
    pub text: &'a str,
}

/// What every crate asks of one type's inputs. Implemented once per type module.
pub trait TypeInputs {
    /// The resource's name as its service names it (bucket name, role name, key ID, …).
    fn name(&self) -> &str;
    /// Every policy document the resource carries (absent ones are left out).
    fn documents(&self) -> Vec<Document<'_>>;
    /// Inputs whose only content is `policy` as the type's main document.
    fn from_policy(arn: &str, policy: String) -> Self;
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
    #[serde(rename = "AWS::SecretsManager::Secret")]
    SecretsManagerSecret(SecretsManagerSecretInputs),
    #[serde(rename = "AWS::SNS::Topic")]
    SnsTopic(SnsTopicInputs),
    #[serde(rename = "AWS::ECR::Repository")]
    EcrRepository(EcrRepositoryInputs),
    #[serde(rename = "AWS::EFS::FileSystem")]
    EfsFileSystem(EfsFileSystemInputs),
    #[serde(rename = "AWS::EC2::Snapshot")]
    Ec2Snapshot(Ec2SnapshotInputs),
    #[serde(rename = "AWS::RDS::DBSnapshot")]
    RdsDbSnapshot(RdsSnapshotInputs),
    #[serde(rename = "AWS::RDS::DBClusterSnapshot")]
    RdsDbClusterSnapshot(RdsSnapshotInputs),
    #[serde(rename = "AWS::DynamoDB::Table")]
    DynamoDbTable(DynamoDbTableInputs),
    #[serde(rename = "AWS::DynamoDB::Stream")]
    DynamoDbStream(DynamoDbStreamInputs),
    #[serde(rename = "AWS::S3Express::DirectoryBucket")]
    S3ExpressDirectoryBucket(S3ExpressDirectoryBucketInputs),
    #[serde(rename = "AWS::ApiGateway::RestApi")]
    ApiGatewayRestApi(ApiGatewayRestApiInputs),
    #[serde(rename = "AWS::Events::EventBus")]
    EventsEventBus(EventsEventBusInputs),
    #[serde(rename = "AWS::OpenSearchService::Domain")]
    OpenSearchDomain(OpenSearchDomainInputs),
    #[serde(rename = "AWS::Glacier::Vault")]
    GlacierVault(GlacierVaultInputs),
    #[serde(rename = "AWS::Backup::BackupVault")]
    BackupVault(BackupVaultInputs),
    #[serde(rename = "AWS::Logs::ResourcePolicy")]
    LogsResourcePolicy(LogsResourcePolicyInputs),
    #[serde(rename = "AWS::Logs::Destination")]
    LogsDestination(LogsDestinationInputs),
    #[serde(rename = "AWS::EC2::Image")]
    Ec2Image(Ec2ImageInputs),
    #[serde(rename = "AWS::Glue::DataCatalog")]
    GlueDataCatalog(GlueDataCatalogInputs),
    #[serde(rename = "AWS::SES::EmailIdentity")]
    SesEmailIdentity(SesEmailIdentityInputs),
    #[serde(rename = "AWS::CodeArtifact::Domain")]
    CodeArtifactDomain(CodeArtifactDomainInputs),
    #[serde(rename = "AWS::CodeArtifact::Repository")]
    CodeArtifactRepository(CodeArtifactRepositoryInputs),
    #[serde(rename = "AWS::Kinesis::Stream")]
    KinesisStream(KinesisStreamInputs),
}

/// Calls one [`TypeInputs`] method on whichever type the inputs are.
macro_rules! each_type {
    ($inputs:expr, $x:ident => $body:expr) => {
        match $inputs {
            ResourceInputs::S3Bucket($x) => $body,
            ResourceInputs::IamRole($x) => $body,
            ResourceInputs::KmsKey($x) => $body,
            ResourceInputs::LambdaFunction($x) => $body,
            ResourceInputs::LambdaLayerVersion($x) => $body,
            ResourceInputs::SqsQueue($x) => $body,
            ResourceInputs::SecretsManagerSecret($x) => $body,
            ResourceInputs::SnsTopic($x) => $body,
            ResourceInputs::EcrRepository($x) => $body,
            ResourceInputs::EfsFileSystem($x) => $body,
            ResourceInputs::Ec2Snapshot($x) => $body,
            ResourceInputs::RdsDbSnapshot($x) => $body,
            ResourceInputs::RdsDbClusterSnapshot($x) => $body,
            ResourceInputs::DynamoDbTable($x) => $body,
            ResourceInputs::DynamoDbStream($x) => $body,
            ResourceInputs::S3ExpressDirectoryBucket($x) => $body,
            ResourceInputs::ApiGatewayRestApi($x) => $body,
            ResourceInputs::EventsEventBus($x) => $body,
            ResourceInputs::OpenSearchDomain($x) => $body,
            ResourceInputs::GlacierVault($x) => $body,
            ResourceInputs::BackupVault($x) => $body,
            ResourceInputs::LogsResourcePolicy($x) => $body,
            ResourceInputs::LogsDestination($x) => $body,
            ResourceInputs::Ec2Image($x) => $body,
            ResourceInputs::GlueDataCatalog($x) => $body,
            ResourceInputs::SesEmailIdentity($x) => $body,
            ResourceInputs::CodeArtifactDomain($x) => $body,
            ResourceInputs::CodeArtifactRepository($x) => $body,
            ResourceInputs::KinesisStream($x) => $body,
        }
    };
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
            ResourceInputs::SecretsManagerSecret(_) => ResourceType::SecretsManagerSecret,
            ResourceInputs::SnsTopic(_) => ResourceType::SnsTopic,
            ResourceInputs::EcrRepository(_) => ResourceType::EcrRepository,
            ResourceInputs::EfsFileSystem(_) => ResourceType::EfsFileSystem,
            ResourceInputs::Ec2Snapshot(_) => ResourceType::Ec2Snapshot,
            ResourceInputs::RdsDbSnapshot(_) => ResourceType::RdsDbSnapshot,
            ResourceInputs::RdsDbClusterSnapshot(_) => ResourceType::RdsDbClusterSnapshot,
            ResourceInputs::DynamoDbTable(_) => ResourceType::DynamoDbTable,
            ResourceInputs::DynamoDbStream(_) => ResourceType::DynamoDbStream,
            ResourceInputs::S3ExpressDirectoryBucket(_) => ResourceType::S3ExpressDirectoryBucket,
            ResourceInputs::ApiGatewayRestApi(_) => ResourceType::ApiGatewayRestApi,
            ResourceInputs::EventsEventBus(_) => ResourceType::EventsEventBus,
            ResourceInputs::OpenSearchDomain(_) => ResourceType::OpenSearchDomain,
            ResourceInputs::GlacierVault(_) => ResourceType::GlacierVault,
            ResourceInputs::BackupVault(_) => ResourceType::BackupVault,
            ResourceInputs::LogsResourcePolicy(_) => ResourceType::LogsResourcePolicy,
            ResourceInputs::LogsDestination(_) => ResourceType::LogsDestination,
            ResourceInputs::Ec2Image(_) => ResourceType::Ec2Image,
            ResourceInputs::GlueDataCatalog(_) => ResourceType::GlueDataCatalog,
            ResourceInputs::SesEmailIdentity(_) => ResourceType::SesEmailIdentity,
            ResourceInputs::CodeArtifactDomain(_) => ResourceType::CodeArtifactDomain,
            ResourceInputs::CodeArtifactRepository(_) => ResourceType::CodeArtifactRepository,
            ResourceInputs::KinesisStream(_) => ResourceType::KinesisStream,
        }
    }

    /// Inputs of `resource_type` whose only content is `policy`.
    pub fn from_policy(resource_type: ResourceType, arn: &str, policy: String) -> ResourceInputs {
        match resource_type {
            ResourceType::S3Bucket => ResourceInputs::S3Bucket(TypeInputs::from_policy(arn, policy)),
            ResourceType::IamRole => ResourceInputs::IamRole(TypeInputs::from_policy(arn, policy)),
            ResourceType::KmsKey => ResourceInputs::KmsKey(TypeInputs::from_policy(arn, policy)),
            ResourceType::LambdaFunction => ResourceInputs::LambdaFunction(TypeInputs::from_policy(arn, policy)),
            ResourceType::LambdaLayerVersion => ResourceInputs::LambdaLayerVersion(TypeInputs::from_policy(arn, policy)),
            ResourceType::SqsQueue => ResourceInputs::SqsQueue(TypeInputs::from_policy(arn, policy)),
            ResourceType::SecretsManagerSecret => ResourceInputs::SecretsManagerSecret(TypeInputs::from_policy(arn, policy)),
            ResourceType::SnsTopic => ResourceInputs::SnsTopic(TypeInputs::from_policy(arn, policy)),
            ResourceType::EcrRepository => ResourceInputs::EcrRepository(TypeInputs::from_policy(arn, policy)),
            ResourceType::EfsFileSystem => ResourceInputs::EfsFileSystem(TypeInputs::from_policy(arn, policy)),
            ResourceType::Ec2Snapshot => ResourceInputs::Ec2Snapshot(TypeInputs::from_policy(arn, policy)),
            ResourceType::RdsDbSnapshot => ResourceInputs::RdsDbSnapshot(TypeInputs::from_policy(arn, policy)),
            ResourceType::RdsDbClusterSnapshot => ResourceInputs::RdsDbClusterSnapshot(TypeInputs::from_policy(arn, policy)),
            ResourceType::DynamoDbTable => ResourceInputs::DynamoDbTable(TypeInputs::from_policy(arn, policy)),
            ResourceType::DynamoDbStream => ResourceInputs::DynamoDbStream(TypeInputs::from_policy(arn, policy)),
            ResourceType::S3ExpressDirectoryBucket => {
                ResourceInputs::S3ExpressDirectoryBucket(TypeInputs::from_policy(arn, policy))
            }
            ResourceType::ApiGatewayRestApi => ResourceInputs::ApiGatewayRestApi(TypeInputs::from_policy(arn, policy)),
            ResourceType::EventsEventBus => ResourceInputs::EventsEventBus(TypeInputs::from_policy(arn, policy)),
            ResourceType::OpenSearchDomain => ResourceInputs::OpenSearchDomain(TypeInputs::from_policy(arn, policy)),
            ResourceType::GlacierVault => ResourceInputs::GlacierVault(TypeInputs::from_policy(arn, policy)),
            ResourceType::BackupVault => ResourceInputs::BackupVault(TypeInputs::from_policy(arn, policy)),
            ResourceType::LogsResourcePolicy => ResourceInputs::LogsResourcePolicy(TypeInputs::from_policy(arn, policy)),
            ResourceType::LogsDestination => ResourceInputs::LogsDestination(TypeInputs::from_policy(arn, policy)),
            ResourceType::Ec2Image => ResourceInputs::Ec2Image(TypeInputs::from_policy(arn, policy)),
            ResourceType::GlueDataCatalog => ResourceInputs::GlueDataCatalog(TypeInputs::from_policy(arn, policy)),
            ResourceType::SesEmailIdentity => ResourceInputs::SesEmailIdentity(TypeInputs::from_policy(arn, policy)),
            ResourceType::CodeArtifactDomain => ResourceInputs::CodeArtifactDomain(TypeInputs::from_policy(arn, policy)),
            ResourceType::CodeArtifactRepository => ResourceInputs::CodeArtifactRepository(TypeInputs::from_policy(arn, policy)),
            ResourceType::KinesisStream => ResourceInputs::KinesisStream(TypeInputs::from_policy(arn, policy)),
        }
    }

    pub fn name(&self) -> &str {
        each_type!(self, x => x.name())
    }

    pub fn documents(&self) -> Vec<Document<'_>> {
        each_type!(self, x => x.documents())
    }
}

/// The last `:` or `/` separated part of an ARN: the name most ARNs end with.
pub(crate) fn arn_tail(arn: &str) -> &str {
    arn.rsplit([':', '/']).next().unwrap_or(arn)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_names_round_trip_and_match_the_inputs_tags() {
        assert!(!ResourceType::ALL.is_empty());
        for t in ResourceType::ALL {
            assert_eq!(ResourceType::parse(t.as_str()), Ok(*t));
            assert_eq!(ResourceType::parse(&t.as_str().to_ascii_lowercase()), Ok(*t));
            assert_eq!(serde_json::to_value(t).ok(), Some(serde_json::json!(t.as_str())));
            let inputs = ResourceInputs::from_policy(*t, "arn:aws:svc:us-east-1:111111111111:thing/x", "{}".into());
            assert_eq!(inputs.resource_type(), *t);
            // The serde tag of the inputs is the type's name.
            let tag = serde_json::to_value(&inputs).ok().and_then(|v| v["type"].as_str().map(str::to_string));
            assert_eq!(tag.as_deref(), Some(t.as_str()));
            if t.has_policy_document() {
                assert_eq!(inputs.documents().len(), 1, "{t}: the policy is its one document");
                assert_eq!(inputs.documents()[0].text, "{}");
            } else {
                assert!(inputs.documents().is_empty(), "{t}: shared by an attribute, no document");
            }
        }
        let err = ResourceType::parse("AWS::S3::Buckets").expect_err("unknown");
        assert!(err.to_string().contains("AWS::SQS::Queue"), "{err}");
    }
}
