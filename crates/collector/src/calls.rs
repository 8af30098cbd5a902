//! The record of every API call the collector sends: an SDK interceptor on every client that
//! logs (account, region, service, operation, input). It counts calls per operation, finds a
//! call made twice for the same thing, and maps operations to the IAM actions they need (the
//! least-privilege policy in `config/perimeter-audit-role-policy.json` is checked against it).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use aws_config::Region;
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::BeforeSerializationInterceptorContextRef;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;

/// One API call as sent (before retries: a retried call counts once).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Call {
    /// The account whose credentials signed it (the scanned account).
    pub account: String,
    pub region: String,
    /// SDK service name (`S3`, `IAM`, …) and operation (`GetBucketPolicy`).
    pub service: String,
    pub operation: String,
    /// The request's parameters, as the SDK prints them.
    pub input: String,
    /// The API the call was paced as (`service:Operation`, [`crate::pacing`]), `None` for a
    /// call that went around the pacing. [`Call::paced_as_itself`] checks it.
    pub paced_as: Option<&'static str>,
}

impl Call {
    /// Whether the call was paced as the API it is: its service (lowercased, without spaces)
    /// and operation.
    pub fn paced_as_itself(&self) -> bool {
        self.paced_as == Some(format!("{}:{}", self.service.to_ascii_lowercase().replace(' ', ""), self.operation).as_str())
    }
}

/// Shared log of calls; cheap to clone. It counts calls per operation, and keeps every call
/// (for tests and the collector's benchmark, which look for a call made twice) unless made with
/// [`CallLog::counting`]: a scan of 10,000 accounts sends millions of calls.
#[derive(Debug, Clone)]
pub struct CallLog {
    calls: Arc<Mutex<Vec<Call>>>,
    counts: Arc<Mutex<BTreeMap<String, usize>>>,
    keep: bool,
}

impl Default for CallLog {
    fn default() -> CallLog {
        CallLog { calls: Arc::default(), counts: Arc::default(), keep: true }
    }
}

impl CallLog {
    /// A log that only counts calls per operation (memory does not grow with the calls).
    pub fn counting() -> CallLog {
        CallLog { keep: false, ..CallLog::default() }
    }


    /// An interceptor that records the calls of clients acting for `account`.
    pub fn interceptor(&self, account: &str) -> CallInterceptor {
        CallInterceptor { log: self.clone(), account: account.to_string(), service: None }
    }

    /// An interceptor that records the calls of a client as calls of `service`: S3's directory
    /// bucket operations go through the S3 client but are S3 Express's actions (`S3Express`).
    pub fn interceptor_as(&self, account: &str, service: &str) -> CallInterceptor {
        CallInterceptor { log: self.clone(), account: account.to_string(), service: Some(service.to_string()) }
    }

    pub fn calls(&self) -> Vec<Call> {
        self.calls.lock().map(|c| c.clone()).unwrap_or_default()
    }

    /// Calls per `service:operation`.
    pub fn counts(&self) -> BTreeMap<String, usize> {
        self.counts.lock().map(|c| c.clone()).unwrap_or_default()
    }

    /// All calls sent.
    pub fn total(&self) -> usize {
        self.counts.lock().map(|c| c.values().sum()).unwrap_or_default()
    }

    /// Calls sent more than once with the same account, region, operation and parameters.
    pub fn repeated(&self) -> Vec<(Call, usize)> {
        let mut seen: BTreeMap<Call, usize> = BTreeMap::new();
        for c in self.calls() {
            *seen.entry(c).or_insert(0) += 1;
        }
        seen.into_iter().filter(|(_, n)| *n > 1).collect()
    }
}

/// The interceptor placed on every client (see [`CallLog::interceptor`]).
#[derive(Debug)]
pub struct CallInterceptor {
    log: CallLog,
    account: String,
    /// The service name to record instead of the SDK's.
    service: Option<String>,
}

impl Intercept for CallInterceptor {
    fn name(&self) -> &'static str {
        "perimeter-call-log"
    }

    // Not `read_before_execution`: client interceptors run that before the operation's
    // configuration (which carries the operation's name) is in the bag.
    fn read_before_serialization(
        &self,
        context: &BeforeSerializationInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let (service, operation) =
            cfg.load::<Metadata>().map(|m| (m.service().to_string(), m.name().to_string())).unwrap_or_default();
        let service = self.service.clone().unwrap_or(service);
        if let Ok(mut counts) = self.log.counts.lock() {
            *counts.entry(format!("{service}:{operation}")).or_insert(0) += 1;
        }
        if !self.log.keep {
            return Ok(());
        }
        // The pooled clients act for the account of the call being sent.
        let account = if self.account.is_empty() { crate::aws::acting_account().map(|a| a.to_string()).unwrap_or_default() } else { self.account.clone() };
        let region = cfg.load::<Region>().map(|r| r.to_string()).unwrap_or_default();
        // The SDK prints an input as `TypeErasedBox[…]:Struct { … }`; keep the struct.
        let input = format!("{:?}", context.input());
        let input = input.split_once("]:").map_or(input.as_str(), |(_, rest)| rest).to_string();
        if let Ok(mut calls) = self.log.calls.lock() {
            let paced_as = crate::pacing::declared();
            calls.push(Call { account, region, service, operation, input, paced_as });
        }
        Ok(())
    }
}

/// The IAM action an SDK operation needs, from the Service Authorization Reference (where the
/// name differs from the operation's, the table says so). `Some("")` for an operation that needs
/// no permission; `None` for an operation the collector is not meant to call.
pub fn required_action(service: &str, operation: &str) -> Option<&'static str> {
    // SDK service names are `S3`, `S3 Control`, `IAM`, …
    let service = service.to_ascii_lowercase().replace(' ', "");
    let action = match (service.as_str(), operation) {
        ("sts", "GetCallerIdentity") => "", // "No permissions are required" (STS API reference)
        ("sts", "AssumeRole") => "sts:AssumeRole",
        ("organizations", "DescribeOrganization") => "organizations:DescribeOrganization",
        ("organizations", "ListAccounts") => "organizations:ListAccounts",
        ("organizations", "ListRoots") => "organizations:ListRoots",
        ("organizations", "ListOrganizationalUnitsForParent") => "organizations:ListOrganizationalUnitsForParent",
        ("organizations", "ListAccountsForParent") => "organizations:ListAccountsForParent",
        ("organizations", "ListPolicies") => "organizations:ListPolicies",
        ("organizations", "DescribePolicy") => "organizations:DescribePolicy",
        ("organizations", "ListTargetsForPolicy") => "organizations:ListTargetsForPolicy",
        ("account", "ListRegions") => "account:ListRegions",
        ("iam", "ListRoles") => "iam:ListRoles",
        ("iam", "ListUsers") => "iam:ListUsers",
        ("s3", "ListBuckets") => "s3:ListAllMyBuckets",
        ("s3", "GetBucketLocation") => "s3:GetBucketLocation",
        ("s3", "GetBucketPolicy") => "s3:GetBucketPolicy",
        ("s3", "GetBucketAcl") => "s3:GetBucketAcl",
        ("s3", "GetPublicAccessBlock") => "s3:GetBucketPublicAccessBlock",
        ("s3", "GetBucketOwnershipControls") => "s3:GetBucketOwnershipControls",
        ("s3control", "GetPublicAccessBlock") => "s3:GetAccountPublicAccessBlock",
        ("s3control", "ListAccessPoints") => "s3:ListAccessPoints",
        ("s3control", "GetAccessPoint") => "s3:GetAccessPoint",
        ("s3control", "GetAccessPointPolicy") => "s3:GetAccessPointPolicy",
        ("kms", "ListKeys") => "kms:ListKeys",
        ("kms", "DescribeKey") => "kms:DescribeKey",
        ("kms", "GetKeyPolicy") => "kms:GetKeyPolicy",
        ("kms", "ListGrants") => "kms:ListGrants",
        ("lambda", "ListFunctions") => "lambda:ListFunctions",
        ("lambda", "GetPolicy") => "lambda:GetPolicy",
        ("lambda", "ListAliases") => "lambda:ListAliases",
        ("lambda", "ListVersionsByFunction") => "lambda:ListVersionsByFunction",
        ("lambda", "GetFunctionUrlConfig") => "lambda:GetFunctionUrlConfig",
        ("lambda", "ListLayers") => "lambda:ListLayers",
        ("lambda", "ListLayerVersions") => "lambda:ListLayerVersions",
        ("lambda", "GetLayerVersionPolicy") => "lambda:GetLayerVersionPolicy",
        ("sqs", "ListQueues") => "sqs:ListQueues",
        ("sqs", "GetQueueAttributes") => "sqs:GetQueueAttributes",
        ("secretsmanager", "ListSecrets") => "secretsmanager:ListSecrets",
        ("secretsmanager", "GetResourcePolicy") => "secretsmanager:GetResourcePolicy",
        ("sns", "ListTopics") => "sns:ListTopics",
        ("sns", "GetTopicAttributes") => "sns:GetTopicAttributes",
        ("ecr", "DescribeRepositories") => "ecr:DescribeRepositories",
        ("ecr", "GetRepositoryPolicy") => "ecr:GetRepositoryPolicy",
        ("efs", "DescribeFileSystems") => "elasticfilesystem:DescribeFileSystems",
        ("efs", "DescribeFileSystemPolicy") => "elasticfilesystem:DescribeFileSystemPolicy",
        ("ec2", "DescribeSnapshots") => "ec2:DescribeSnapshots",
        ("ec2", "DescribeSnapshotAttribute") => "ec2:DescribeSnapshotAttribute",
        ("ec2", "GetSnapshotBlockPublicAccessState") => "ec2:GetSnapshotBlockPublicAccessState",
        ("rds", "DescribeDBSnapshots") => "rds:DescribeDBSnapshots",
        ("rds", "DescribeDBSnapshotAttributes") => "rds:DescribeDBSnapshotAttributes",
        ("rds", "DescribeDBClusterSnapshots") => "rds:DescribeDBClusterSnapshots",
        ("rds", "DescribeDBClusterSnapshotAttributes") => "rds:DescribeDBClusterSnapshotAttributes",
        ("dynamodb", "ListTables") => "dynamodb:ListTables",
        ("dynamodb", "GetResourcePolicy") => "dynamodb:GetResourcePolicy",
        // The IAM action of DynamoDB Streams' ListStreams is in the `dynamodb` namespace.
        ("dynamodbstreams", "ListStreams") => "dynamodb:ListStreams",
        ("s3express", "ListDirectoryBuckets") => "s3express:ListAllMyDirectoryBuckets",
        ("s3express", "GetBucketPolicy") => "s3express:GetBucketPolicy",
        ("s3expresscontrol", "ListAccessPointsForDirectoryBuckets") => "s3express:ListAccessPointsForDirectoryBuckets",
        ("s3expresscontrol", "GetAccessPointPolicy") => "s3express:GetAccessPointPolicy",
        ("ec2", "DescribeVpcs") => "ec2:DescribeVpcs",
        ("ec2", "DescribeVpcEndpoints") => "ec2:DescribeVpcEndpoints",
        ("cloudfront", "ListCloudFrontOriginAccessIdentities") => "cloudfront:ListCloudFrontOriginAccessIdentities",
        ("kinesis", "ListStreams") => "kinesis:ListStreams",
        ("kinesis", "GetResourcePolicy") => "kinesis:GetResourcePolicy",
        ("eventbridge", "ListEventBuses") => "events:ListEventBuses",
        ("backup", "ListBackupVaults") => "backup:ListBackupVaults",
        ("backup", "GetBackupVaultAccessPolicy") => "backup:GetBackupVaultAccessPolicy",
        ("codeartifact", "ListDomains") => "codeartifact:ListDomains",
        ("codeartifact", "GetDomainPermissionsPolicy") => "codeartifact:GetDomainPermissionsPolicy",
        ("codeartifact", "ListRepositories") => "codeartifact:ListRepositories",
        ("codeartifact", "GetRepositoryPermissionsPolicy") => "codeartifact:GetRepositoryPermissionsPolicy",
        ("cloudwatchlogs", "DescribeResourcePolicies") => "logs:DescribeResourcePolicies",
        ("cloudwatchlogs", "DescribeDestinations") => "logs:DescribeDestinations",
        ("sesv2", "ListEmailIdentities") => "ses:ListEmailIdentities",
        ("sesv2", "GetEmailIdentityPolicies") => "ses:GetEmailIdentityPolicies",
        ("glacier", "ListVaults") => "glacier:ListVaults",
        ("glacier", "GetVaultAccessPolicy") => "glacier:GetVaultAccessPolicy",
        ("glacier", "GetVaultLock") => "glacier:GetVaultLock",
        ("opensearch", "ListDomainNames") => "es:ListDomainNames",
        ("opensearch", "DescribeDomains") => "es:DescribeDomains",
        ("glue", "GetResourcePolicy") => "glue:GetResourcePolicy",
        ("ec2", "DescribeImages") => "ec2:DescribeImages",
        ("ec2", "DescribeImageAttribute") => "ec2:DescribeImageAttribute",
        ("ec2", "GetImageBlockPublicAccessState") => "ec2:GetImageBlockPublicAccessState",
        // API Gateway's IAM actions are HTTP methods on its resource paths (the SAR: GetRestApis is `apigateway:GET`).
        ("apigateway", "GetRestApis") => "apigateway:GET",
        _ => return None,
    };
    Some(action)
}
