//! Plain data shared by every perimeter crate: the zone of trust, the inventory records the
//! collector produces, and the findings the evaluator derives from them. Serde only, no logic
//! beyond small lookups, so that every other crate can depend on it cheaply.

pub mod finding;
pub mod inventory;
pub mod resource;
pub mod resource_control;
pub mod scopes;
pub mod zone;

pub use finding::{ErrorCode, Finding, Principal, Request, RequestPrincipal, SharedVia};
pub use inventory::{AccountRecord, AccountStatus, EndRecord, ErrorRecord, InventoryRecord, PlanRecord, ScopeRecord, SkippedType};
pub use resource::{
    Document, TypeInputs, UnknownResourceType, GLOBAL_REGION,
    AclGrant, AclGrantee, AclPermission, BlockPublicAccess, FunctionUrl, GrantConstraints,
    IamRoleInputs, KmsGrant, KmsKeyInputs, LambdaFunctionInputs, LambdaLayerVersionInputs,
    NetworkOrigin, ObjectOwnership, QualifiedPolicy, ResourceInputs, ResourceRecord,
    ResourceType, S3AccessPoint, S3Acl, S3BucketInputs, SqsQueueInputs,
    EcrRepositoryInputs, EfsFileSystemInputs, SecretsManagerSecretInputs, SnsTopicInputs, Ec2SnapshotInputs,
    RdsSnapshotInputs, SnapshotBlockPublicAccess, VolumePermission, DynamoDbStreamInputs, DynamoDbTableInputs,
    S3ExpressDirectoryBucketInputs, S3_EXPRESS_REGIONS,
    ApiGatewayRestApiInputs, BackupVaultInputs, CodeArtifactDomainInputs, CodeArtifactRepositoryInputs,
    Ec2ImageInputs, EventsEventBusInputs, GlacierVaultInputs, GlueDataCatalogInputs, ImageBlockPublicAccess,
    KinesisStreamInputs, LaunchPermission, LogsDestinationInputs, LogsResourcePolicyInputs, OpenSearchDomainInputs,
    SesEmailIdentityInputs,
};
pub use resource_control::{rcp_governs, BlockedBy, ResourceControlPolicy, ResourceControls, RCP_SERVICES};
pub use scopes::ScopeSet;
pub use zone::{Zone, ZoneAccount, ZoneAccountKind};
