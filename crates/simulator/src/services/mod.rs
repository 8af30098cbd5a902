//! The simulated services: which service a request is for (the SigV4 signing name, else the
//! request's shape), which operation it asks for, the logical request's parameters, and the
//! answer from the synthetic organization. Served: STS, IAM, Organizations, Account, KMS, SQS,
//! Lambda, S3, S3 Control, S3 Express (directory buckets' control plane, and S3 Control's
//! directory-bucket access points), Secrets Manager, SNS, ECR, EFS, EC2 (snapshots, VPCs and
//! VPC endpoints), RDS (DB and DB cluster snapshots), DynamoDB (tables, and the resource
//! policies of tables and streams), DynamoDB Streams (streams), CloudFront (origin access
//! identities), Kinesis (data streams), EventBridge (event buses), Backup (vaults), CodeArtifact
//! (domains and repositories), CloudWatch Logs (resource policies and destinations), SES v2
//! (email identities), Glacier (vaults), OpenSearch Service (domains), API Gateway (REST APIs)
//! and Glue (the Data Catalog's policy), each recognised by its signing name (`kinesis`,
//! `events`, `backup`, `codeartifact`, `logs`, `ses`, `glacier`, `es`, `apigateway`, `glue`) or,
//! unsigned, by its `X-Amz-Target` prefix or its paths; EC2 serves AMIs too. DynamoDB and DynamoDB Streams both sign as `dynamodb`:
//! the `X-Amz-Target` prefix tells them apart. Directory buckets' calls are the S3 client's, but
//! signed as `s3express`: that signing name alone sends them to [`Service::S3Express`] (counted
//! as `S3Express:…`), so that a `GET /` is ListDirectoryBuckets there and ListBuckets (general
//! purpose buckets only) for `s3`. S3 Control's directory-bucket access point calls
//! (`/v20180820/accesspointfordirectory…`, and `/v20180820/accesspoint/<name>…` for a name
//! ending in `--xa-s3`) go to [`Service::S3ExpressControl`] (counted as `S3ExpressControl:…`)
//! whether signed as `s3` (the collector's fixed endpoint resolver keeps S3 Control's signing
//! name) or as `s3express` (the SDK's endpoint rules), and every `/v20180820/` request signed as
//! `s3express` goes there too.

pub(crate) mod account;
pub(crate) mod apigateway;
pub(crate) mod backup;
pub(crate) mod cloudfront;
pub(crate) mod codeartifact;
pub(crate) mod dynamodb;
pub(crate) mod dynamodbstreams;
pub(crate) mod ec2;
pub(crate) mod ecr;
pub(crate) mod efs;
pub(crate) mod eventbridge;
pub(crate) mod glacier;
pub(crate) mod glue;
pub(crate) mod iam;
pub(crate) mod kinesis;
pub(crate) mod kms;
pub(crate) mod lambda;
pub(crate) mod logs;
pub(crate) mod opensearch;
pub(crate) mod organizations;
pub(crate) mod rds;
pub(crate) mod s3;
pub(crate) mod s3express;
pub(crate) mod secretsmanager;
pub(crate) mod sesv2;
pub(crate) mod sns;
pub(crate) mod sqs;
pub(crate) mod sts;

use http::Response;

use crate::config::SimConfig;
use crate::org::{Account, Org};
use crate::protocol::{form_get, ApiError, Incoming, Protocol};

/// A service of the collector's API subset, named as the SDK names it in its metadata.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    Sts,
    Iam,
    Organizations,
    Account,
    Kms,
    Sqs,
    Lambda,
    S3,
    S3Control,
    /// The S3 client's directory bucket calls (signed as `s3express`).
    S3Express,
    /// S3 Control's directory-bucket access point calls (signed as `s3express` or `s3`).
    S3ExpressControl,
    SecretsManager,
    Sns,
    Ecr,
    Efs,
    Ec2,
    Rds,
    DynamoDb,
    DynamoDbStreams,
    CloudFront,
    Kinesis,
    EventBridge,
    Backup,
    CodeArtifact,
    Logs,
    SesV2,
    Glacier,
    OpenSearch,
    ApiGateway,
    Glue,
}

impl Service {
    /// The SDK's service name (`Metadata::service`), the prefix of the counters' keys.
    pub fn name(self) -> &'static str {
        match self {
            Service::Sts => "STS",
            Service::Iam => "IAM",
            Service::Organizations => "Organizations",
            Service::Account => "Account",
            Service::Kms => "KMS",
            Service::Sqs => "SQS",
            Service::Lambda => "Lambda",
            Service::S3 => "S3",
            Service::S3Control => "S3Control",
            // The SDK's client is S3's; the collector logs its directory bucket client's calls
            // under this name, which tells them from the general purpose buckets' ones.
            Service::S3Express => "S3Express",
            // The SDK's client is S3 Control's; the collector logs its directory-bucket access
            // point calls under this name.
            Service::S3ExpressControl => "S3ExpressControl",
            Service::SecretsManager => "Secrets Manager",
            Service::Sns => "SNS",
            Service::Ecr => "ECR",
            Service::Efs => "EFS",
            Service::Ec2 => "EC2",
            Service::Rds => "RDS",
            Service::DynamoDb => "DynamoDB",
            Service::DynamoDbStreams => "DynamoDB Streams",
            Service::CloudFront => "CloudFront",
            Service::Kinesis => "Kinesis",
            Service::EventBridge => "EventBridge",
            Service::Backup => "Backup",
            // The SDK's own spelling.
            Service::CodeArtifact => "codeartifact",
            Service::Logs => "CloudWatch Logs",
            Service::SesV2 => "SESv2",
            Service::Glacier => "Glacier",
            Service::OpenSearch => "OpenSearch",
            Service::ApiGateway => "API Gateway",
            Service::Glue => "Glue",
        }
    }

    pub fn protocol(self) -> Protocol {
        match self {
            Service::Sts => Protocol::AwsQuery { namespace: sts::NAMESPACE },
            Service::Iam => Protocol::AwsQuery { namespace: iam::NAMESPACE },
            Service::Sns => Protocol::AwsQuery { namespace: sns::NAMESPACE },
            Service::Rds => Protocol::AwsQuery { namespace: rds::NAMESPACE },
            Service::Ec2 => Protocol::Ec2Query { namespace: ec2::NAMESPACE },
            Service::Organizations
            | Service::Kms
            | Service::SecretsManager
            | Service::Ecr
            | Service::Kinesis
            | Service::EventBridge
            | Service::Logs
            | Service::Glue => Protocol::AwsJson11,
            Service::Sqs => Protocol::AwsJson10Sqs,
            Service::DynamoDb => Protocol::AwsJson10 { namespace: dynamodb::NAMESPACE },
            Service::DynamoDbStreams => Protocol::AwsJson10 { namespace: dynamodbstreams::NAMESPACE },
            Service::Account
            | Service::Lambda
            | Service::Backup
            | Service::CodeArtifact
            | Service::SesV2
            | Service::Glacier
            | Service::OpenSearch
            | Service::ApiGateway => Protocol::RestJson,
            Service::Efs => Protocol::RestJsonEfs,
            Service::S3 | Service::S3Express => Protocol::RestXmlUnwrapped,
            Service::S3Control | Service::S3ExpressControl | Service::CloudFront => Protocol::RestXmlWrapped,
        }
    }

    /// Global services answer in every region and never hang.
    pub fn is_global(self) -> bool {
        matches!(self, Service::Sts | Service::Iam | Service::Organizations | Service::Account | Service::CloudFront)
    }

    /// The throttling error real AWS sends, with a code the SDK's retry classifier knows.
    pub fn throttle(self) -> ApiError {
        let message = "Rate exceeded (simulated throttling)";
        match self {
            Service::Sts | Service::Iam | Service::Sns | Service::Rds | Service::CloudFront => ApiError::new(400, "Throttling", message),
            Service::Ec2 => ApiError::new(503, "RequestLimitExceeded", "Request limit exceeded. (simulated throttling)"),
            Service::Organizations => ApiError::new(400, "TooManyRequestsException", message),
            Service::Kms
            | Service::SecretsManager
            | Service::Ecr
            | Service::DynamoDb
            | Service::DynamoDbStreams
            | Service::EventBridge
            | Service::Backup
            | Service::Logs
            | Service::Glacier
            | Service::Glue => ApiError::new(400, "ThrottlingException", message),
            // Kinesis throttles with its limit error; CodeArtifact's and OpenSearch's
            // ThrottlingException is a 429, as are SES's and API Gateway's TooManyRequests.
            Service::Kinesis => ApiError::new(400, "LimitExceededException", message),
            Service::CodeArtifact | Service::OpenSearch => ApiError::new(429, "ThrottlingException", message),
            Service::SesV2 | Service::ApiGateway => ApiError::new(429, "TooManyRequestsException", message),
            Service::Efs => ApiError::new(429, "ThrottlingException", message),
            Service::Sqs => ApiError::new(400, "RequestThrottled", message),
            Service::Account | Service::Lambda => ApiError::new(429, "TooManyRequestsException", message),
            Service::S3 | Service::S3Control | Service::S3Express | Service::S3ExpressControl => {
                ApiError::new(503, "SlowDown", "Please reduce your request rate. (simulated)")
            }
        }
    }

    /// A 500 internal error (retried by the SDK on its status).
    pub fn internal(self) -> ApiError {
        let message = "We encountered an internal error. Please try again. (simulated)";
        match self {
            Service::S3 | Service::S3Control | Service::S3Express | Service::S3ExpressControl | Service::CloudFront => {
                ApiError::new(500, "InternalError", message)
            }
            Service::Sts | Service::Iam => ApiError::new(500, "InternalFailure", message),
            Service::Kms => ApiError::new(500, "KMSInternalException", message),
            Service::Organizations => ApiError::new(500, "ServiceException", message),
            Service::Account => ApiError::new(500, "InternalServerException", message),
            Service::Lambda => ApiError::new(500, "ServiceException", message),
            Service::Sqs => ApiError::new(500, "InternalFailure", message),
            Service::SecretsManager => ApiError::new(500, "InternalServiceError", message),
            Service::Sns => ApiError::new(500, "InternalError", message),
            Service::Ecr => ApiError::new(500, "ServerException", message),
            Service::Efs => ApiError::new(500, "InternalServerError", message),
            Service::Ec2 => ApiError::new(500, "InternalError", message),
            Service::Rds => ApiError::new(500, "InternalFailure", message),
            Service::DynamoDb | Service::DynamoDbStreams => ApiError::new(500, "InternalServerError", message),
            Service::Kinesis => ApiError::new(500, "InternalFailureException", message),
            Service::EventBridge => ApiError::new(500, "InternalException", message),
            Service::Backup | Service::Logs | Service::Glacier => ApiError::new(500, "ServiceUnavailableException", message),
            Service::CodeArtifact => ApiError::new(500, "InternalServerException", message),
            Service::SesV2 => ApiError::new(500, "InternalServiceErrorException", message),
            Service::OpenSearch => ApiError::new(500, "InternalException", message),
            Service::ApiGateway => ApiError::new(503, "ServiceUnavailableException", message),
            Service::Glue => ApiError::new(500, "InternalServiceException", message),
        }
    }

    /// What real AWS answers for a request signed for a region that is not enabled.
    pub fn region_disabled(self, region: &str) -> ApiError {
        let message = format!("The security token included in the request is invalid (region {region} is not enabled)");
        match self.protocol() {
            Protocol::AwsQuery { .. } => ApiError::new(403, "InvalidClientTokenId", message),
            Protocol::Ec2Query { .. } => ApiError::new(401, "AuthFailure", message),
            Protocol::RestXmlUnwrapped | Protocol::RestXmlWrapped => ApiError::new(403, "InvalidAccessKeyId", message),
            _ => ApiError::new(403, "UnrecognizedClientException", message),
        }
    }

    /// The error for an operation the simulator does not implement.
    pub fn unsupported(self, operation: &str) -> ApiError {
        let message = format!("perimeter-simulator does not implement {}:{operation}", self.name());
        match self.protocol() {
            Protocol::AwsQuery { .. } | Protocol::Ec2Query { .. } => ApiError::new(400, "InvalidAction", message),
            Protocol::RestXmlUnwrapped | Protocol::RestXmlWrapped => ApiError::new(400, "NotImplemented", message),
            _ => ApiError::new(400, "UnknownOperationException", message),
        }
    }

    /// The service a request is for: the signing name of its credential scope (for `dynamodb`,
    /// shared by DynamoDB and DynamoDB Streams, with the `X-Amz-Target` prefix), else its shape.
    pub fn detect(req: &Incoming) -> Option<Service> {
        let target_prefix = req.header("x-amz-target").and_then(|t| t.split('.').next());
        let dynamodb_service = || {
            if target_prefix == Some(dynamodbstreams::TARGET) {
                Service::DynamoDbStreams
            } else {
                Service::DynamoDb
            }
        };
        let control = req.path.starts_with("/v20180820/") || req.path == "/v20180820";
        let s3_service = || {
            if s3express::is_directory_control(req) {
                Service::S3ExpressControl
            } else if control {
                Service::S3Control
            } else {
                Service::S3
            }
        };
        if let Some(signing) = &req.signing {
            return match signing.service.as_str() {
                "sts" => Some(Service::Sts),
                "iam" => Some(Service::Iam),
                "organizations" => Some(Service::Organizations),
                "account" => Some(Service::Account),
                "kms" => Some(Service::Kms),
                "sqs" => Some(Service::Sqs),
                "lambda" => Some(Service::Lambda),
                "s3" => Some(s3_service()),
                "s3express" if control => Some(Service::S3ExpressControl),
                "s3express" => Some(Service::S3Express),
                "cloudfront" => Some(Service::CloudFront),
                "secretsmanager" => Some(Service::SecretsManager),
                "sns" => Some(Service::Sns),
                "ecr" => Some(Service::Ecr),
                "elasticfilesystem" => Some(Service::Efs),
                "ec2" => Some(Service::Ec2),
                "rds" => Some(Service::Rds),
                "dynamodb" => Some(dynamodb_service()),
                "kinesis" => Some(Service::Kinesis),
                "events" => Some(Service::EventBridge),
                "backup" => Some(Service::Backup),
                "codeartifact" => Some(Service::CodeArtifact),
                "logs" => Some(Service::Logs),
                "ses" => Some(Service::SesV2),
                "glacier" => Some(Service::Glacier),
                "es" => Some(Service::OpenSearch),
                "apigateway" => Some(Service::ApiGateway),
                "glue" => Some(Service::Glue),
                _ => None,
            };
        }
        if let Some(prefix) = target_prefix {
            return match prefix {
                "AWSOrganizationsV20161128" => Some(Service::Organizations),
                "TrentService" => Some(Service::Kms),
                "AmazonSQS" => Some(Service::Sqs),
                "secretsmanager" => Some(Service::SecretsManager),
                "AmazonEC2ContainerRegistry_V20150921" => Some(Service::Ecr),
                dynamodb::TARGET => Some(Service::DynamoDb),
                dynamodbstreams::TARGET => Some(Service::DynamoDbStreams),
                kinesis::TARGET => Some(Service::Kinesis),
                eventbridge::TARGET => Some(Service::EventBridge),
                logs::TARGET => Some(Service::Logs),
                glue::TARGET => Some(Service::Glue),
                _ => None,
            };
        }
        if req.method == http::Method::POST && req.path == "/listRegions" {
            return Some(Service::Account);
        }
        // The restJson1 services by their paths (before the form-bodied POSTs).
        let first_two: Vec<&str> = req.segments.iter().take(2).map(String::as_str).collect();
        match first_two.as_slice() {
            ["backup-vaults", ..] => return Some(Service::Backup),
            ["v1", "domains" | "domain" | "repositories" | "repository"] => return Some(Service::CodeArtifact),
            ["v2", "email"] => return Some(Service::SesV2),
            ["restapis", ..] => return Some(Service::ApiGateway),
            [opensearch::VERSION, ..] => return Some(Service::OpenSearch),
            [account, "vaults"] if glacier::is_account_segment(account) => return Some(Service::Glacier),
            _ => {}
        }
        if req.method == http::Method::POST {
            let form = req.form();
            return match form_get(&form, "Version") {
                Some(sts::VERSION) => Some(Service::Sts),
                Some(iam::VERSION) => Some(Service::Iam),
                Some(sns::VERSION) => Some(Service::Sns),
                Some(ec2::VERSION) => Some(Service::Ec2),
                Some(rds::VERSION) => Some(Service::Rds),
                _ => None,
            };
        }
        if req.segments.first().map(String::as_str) == Some("2015-02-01") {
            return Some(Service::Efs);
        }
        if ["2015-03-31", "2018-10-31", "2021-10-31"].iter().any(|v| req.segments.first().map(String::as_str) == Some(*v)) {
            return Some(Service::Lambda);
        }
        if req.segments.first().map(String::as_str) == Some(cloudfront::VERSION) {
            return Some(Service::CloudFront);
        }
        let directory = s3express::bucket_name(req).is_some_and(|b| b.ends_with("--x-s3"));
        if directory || (req.segments.is_empty() && req.query("x-id") == Some("ListDirectoryBuckets")) {
            return Some(Service::S3Express);
        }
        Some(s3_service())
    }

    /// The operation asked for: `Ok` when implemented, `Err(name)` otherwise.
    pub fn operation(self, req: &Incoming) -> Result<&'static str, String> {
        match self {
            Service::Sts => by_name(form_get(&req.form(), "Action"), sts::OPERATIONS),
            Service::Iam => by_name(form_get(&req.form(), "Action"), iam::OPERATIONS),
            Service::Organizations => by_name(target(req), organizations::OPERATIONS),
            Service::Kms => by_name(target(req), kms::OPERATIONS),
            Service::Sqs => by_name(target(req), sqs::OPERATIONS),
            Service::SecretsManager => by_name(target(req), secretsmanager::OPERATIONS),
            Service::Ecr => by_name(target(req), ecr::OPERATIONS),
            Service::DynamoDb => by_name(target(req), dynamodb::OPERATIONS),
            Service::DynamoDbStreams => by_name(target(req), dynamodbstreams::OPERATIONS),
            Service::Kinesis => by_name(target(req), kinesis::OPERATIONS),
            Service::EventBridge => by_name(target(req), eventbridge::OPERATIONS),
            Service::Logs => by_name(target(req), logs::OPERATIONS),
            Service::Backup => backup::route(req),
            Service::CodeArtifact => codeartifact::route(req),
            Service::Glue => by_name(target(req), glue::OPERATIONS),
            Service::SesV2 => sesv2::route(req),
            Service::Glacier => glacier::route(req),
            Service::OpenSearch => opensearch::route(req),
            Service::ApiGateway => apigateway::route(req),
            Service::Sns => by_name(form_get(&req.form(), "Action"), sns::OPERATIONS),
            Service::Ec2 => by_name(form_get(&req.form(), "Action"), ec2::OPERATIONS),
            Service::Rds => by_name(form_get(&req.form(), "Action"), rds::OPERATIONS),
            Service::Efs => efs::route(req),
            Service::Account => account::route(req),
            Service::Lambda => lambda::route(req),
            Service::S3 => s3::route(req),
            Service::S3Control => s3::route_control(req),
            Service::S3Express => s3express::route(req),
            Service::S3ExpressControl => s3express::route_control(req),
            Service::CloudFront => cloudfront::route(req),
        }
    }

    /// The parameters of the logical request (what makes two requests "the same").
    pub fn params(self, req: &Incoming) -> String {
        match self.protocol() {
            Protocol::AwsQuery { .. } | Protocol::Ec2Query { .. } => {
                let mut pairs: Vec<String> = req
                    .form()
                    .into_iter()
                    .filter(|(k, _)| k != "Action" && k != "Version")
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect();
                pairs.sort();
                pairs.join("&")
            }
            Protocol::AwsJson11 | Protocol::AwsJson10Sqs | Protocol::AwsJson10 { .. } => String::from_utf8_lossy(&req.body).trim().to_string(),
            _ => {
                let mut key = format!("{} {}?{}", req.method, req.path, req.canonical_query());
                // restJson1 POSTs carry their parameters in the body (Account, CodeArtifact's
                // listings, OpenSearch's DescribeDomains, SES's ListEmailIdentities).
                if self.protocol() == Protocol::RestJson && req.method == http::Method::POST {
                    key.push_str(String::from_utf8_lossy(&req.body).trim());
                }
                if let Some(account) = req.header("x-amz-account-id") {
                    key.push_str(" account=");
                    key.push_str(account);
                }
                if let Some(bucket) = s3express::host_bucket(req).filter(|_| self == Service::S3Express) {
                    key.push_str(" bucket=");
                    key.push_str(&bucket);
                }
                key
            }
        }
    }

    /// Answers an implemented operation.
    pub fn answer(self, operation: &str, ctx: &Ctx<'_>) -> Result<Response<String>, ApiError> {
        match self {
            Service::Sts => sts::answer(operation, ctx),
            Service::Iam => iam::answer(operation, ctx),
            Service::Organizations => organizations::answer(operation, ctx),
            Service::Account => account::answer(operation, ctx),
            Service::Kms => kms::answer(operation, ctx),
            Service::Sqs => sqs::answer(operation, ctx),
            Service::Lambda => lambda::answer(operation, ctx),
            Service::S3 => s3::answer(operation, ctx),
            Service::S3Control => s3::answer_control(operation, ctx),
            Service::S3Express => s3express::answer(operation, ctx),
            Service::S3ExpressControl => s3express::answer_control(operation, ctx),
            Service::CloudFront => cloudfront::answer(operation, ctx),
            Service::SecretsManager => secretsmanager::answer(operation, ctx),
            Service::Sns => sns::answer(operation, ctx),
            Service::Ecr => ecr::answer(operation, ctx),
            Service::Efs => efs::answer(operation, ctx),
            Service::Ec2 => ec2::answer(operation, ctx),
            Service::Rds => rds::answer(operation, ctx),
            Service::DynamoDb => dynamodb::answer(operation, ctx),
            Service::DynamoDbStreams => dynamodbstreams::answer(operation, ctx),
            Service::Kinesis => kinesis::answer(operation, ctx),
            Service::EventBridge => eventbridge::answer(operation, ctx),
            Service::Backup => backup::answer(operation, ctx),
            Service::CodeArtifact => codeartifact::answer(operation, ctx),
            Service::Logs => logs::answer(operation, ctx),
            Service::SesV2 => sesv2::answer(operation, ctx),
            Service::Glacier => glacier::answer(operation, ctx),
            Service::OpenSearch => opensearch::answer(operation, ctx),
            Service::ApiGateway => apigateway::answer(operation, ctx),
            Service::Glue => glue::answer(operation, ctx),
        }
    }
}

/// The operation of an `X-Amz-Target: Prefix.Operation` header.
fn target(req: &Incoming) -> Option<&str> {
    req.header("x-amz-target").and_then(|t| t.rsplit_once('.')).map(|(_, op)| op)
}

fn by_name(name: Option<&str>, known: &[&'static str]) -> Result<&'static str, String> {
    let name = name.unwrap_or("(none)");
    known.iter().find(|k| **k == name).copied().ok_or_else(|| name.to_string())
}

/// Everything an answer is made from.
#[derive(Debug)]
pub struct Ctx<'a> {
    pub org: &'a Org,
    pub config: &'a SimConfig,
    /// The account the request acts as (from its access key).
    pub caller: &'a Account,
    /// The region of the request's signature.
    pub region: &'a str,
    pub req: &'a Incoming,
    /// The request's sequence number (request IDs).
    pub id: u64,
}

/// Pagination over a list: the page starting at `token` (an index written as text), at most
/// `size` long, and the next token when more remain.
pub fn page<'a, T>(items: &'a [T], token: Option<&str>, size: usize) -> Result<(&'a [T], Option<String>), ApiError> {
    let start = match token.filter(|t| !t.is_empty()) {
        None => 0,
        Some(t) => t
            .strip_prefix("sim-")
            .and_then(|n| n.parse::<usize>().ok())
            .filter(|n| *n <= items.len())
            .ok_or_else(|| ApiError::new(400, "InvalidNextToken", format!("invalid pagination token {t}")))?,
    };
    let size = size.max(1);
    let end = (start + size).min(items.len());
    let next = (end < items.len()).then(|| format!("sim-{end}"));
    Ok((&items[start..end], next))
}

/// A page size from an optional request value, capped.
pub fn page_size(requested: Option<u64>, default: usize, max: usize) -> usize {
    requested.map_or(default, |n| usize::try_from(n).unwrap_or(max)).clamp(1, max)
}
