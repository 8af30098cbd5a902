//! One module per resource type, each reading that type in one account: chosen by one
//! exhaustive `match` on [`ResourceType`] (no catch-all arm), so that a new type makes the
//! compiler point here. Every reader reports the scopes it read to the end
//! ([`Collected::finish`]); a requested scope that no reader finished is an error record
//! ([`crate::completeness`]), never an empty complete scope.

pub mod apigateway_rest_api;
pub mod backup_vault;
pub mod codeartifact_domain;
pub mod codeartifact_repository;
pub mod dynamodb_stream;
pub mod dynamodb_table;
pub mod ec2_image;
pub mod ec2_snapshot;
pub mod ecr_repository;
pub mod efs_file_system;
pub mod events_event_bus;
pub mod glacier_vault;
pub mod glue_data_catalog;
pub mod iam_role;
pub mod kinesis_stream;
pub mod kms_key;
pub mod lambda_function;
pub mod lambda_layer_version;
pub mod logs_destination;
pub mod logs_resource_policy;
pub mod opensearch_domain;
pub mod rds_db_cluster_snapshot;
pub mod rds_db_snapshot;
pub mod s3_bucket;
pub mod s3express_directory_bucket;
pub mod secrets_manager_secret;
pub mod ses_email_identity;
pub mod sns_topic;
pub mod sqs_queue;

use std::future::Future;
use std::pin::Pin;

use perimeter_model::ResourceType;

use crate::account::{AccountCtx, Collected};

/// One independent part of an account's reading.
pub type Part<'a> = Pin<Box<dyn Future<Output = Collected> + Send + 'a>>;

/// A part not started yet: it is made when it starts. A part's future reserves room for every
/// call it may wait on (a few KB); an account has about 30 parts per region, and made all at
/// once they held about half a MiB per region for the whole of the account's scan.
pub type Deferred<'a> = Box<dyn FnOnce() -> Part<'a> + Send + 'a>;

/// The reads of one resource type in one account over `regions` (global types once).
pub fn parts<'a>(resource_type: ResourceType, ctx: &'a AccountCtx, regions: &'a [String], fan_out: usize) -> Vec<Deferred<'a>> {
    // A region that does not offer the type is not read (the plan skips it, and says so).
    let per_region = |read: fn(&'a AccountCtx, &'a str, usize) -> Part<'a>| -> Vec<Deferred<'a>> {
        regions
            .iter()
            .filter(|r| resource_type.offered_in(r))
            .map(|r| -> Deferred<'a> { Box::new(move || read(ctx, r, fan_out)) })
            .collect()
    };
    let once = |start: Deferred<'a>| vec![start];
    match resource_type {
        ResourceType::S3Bucket => once(Box::new(move || Box::pin(s3_bucket::read(ctx, regions, fan_out)))),
        ResourceType::IamRole => once(Box::new(move || Box::pin(iam_role::read(ctx)))),
        ResourceType::KmsKey => per_region(|c, r, f| Box::pin(kms_key::read(c, r, f))),
        ResourceType::LambdaFunction => per_region(|c, r, f| Box::pin(lambda_function::read(c, r, f))),
        ResourceType::LambdaLayerVersion => per_region(|c, r, f| Box::pin(lambda_layer_version::read(c, r, f))),
        ResourceType::SqsQueue => per_region(|c, r, f| Box::pin(sqs_queue::read(c, r, f))),
        ResourceType::SecretsManagerSecret => per_region(|c, r, f| Box::pin(secrets_manager_secret::read(c, r, f))),
        ResourceType::SnsTopic => per_region(|c, r, f| Box::pin(sns_topic::read(c, r, f))),
        ResourceType::EcrRepository => per_region(|c, r, f| Box::pin(ecr_repository::read(c, r, f))),
        ResourceType::EfsFileSystem => per_region(|c, r, f| Box::pin(efs_file_system::read(c, r, f))),
        ResourceType::Ec2Snapshot => per_region(|c, r, f| Box::pin(ec2_snapshot::read(c, r, f))),
        ResourceType::RdsDbSnapshot => per_region(|c, r, f| Box::pin(rds_db_snapshot::read(c, r, f))),
        ResourceType::RdsDbClusterSnapshot => per_region(|c, r, f| Box::pin(rds_db_cluster_snapshot::read(c, r, f))),
        ResourceType::DynamoDbTable => per_region(|c, r, f| Box::pin(dynamodb_table::read(c, r, f))),
        ResourceType::DynamoDbStream => per_region(|c, r, f| Box::pin(dynamodb_stream::read(c, r, f))),
        ResourceType::S3ExpressDirectoryBucket => {
            per_region(|c, r, f| Box::pin(s3express_directory_bucket::read(c, r, f)))
        }
        ResourceType::ApiGatewayRestApi => per_region(|c, r, f| Box::pin(apigateway_rest_api::read(c, r, f))),
        ResourceType::EventsEventBus => per_region(|c, r, f| Box::pin(events_event_bus::read(c, r, f))),
        ResourceType::OpenSearchDomain => per_region(|c, r, f| Box::pin(opensearch_domain::read(c, r, f))),
        ResourceType::GlacierVault => per_region(|c, r, f| Box::pin(glacier_vault::read(c, r, f))),
        ResourceType::BackupVault => per_region(|c, r, f| Box::pin(backup_vault::read(c, r, f))),
        ResourceType::LogsResourcePolicy => per_region(|c, r, f| Box::pin(logs_resource_policy::read(c, r, f))),
        ResourceType::LogsDestination => per_region(|c, r, f| Box::pin(logs_destination::read(c, r, f))),
        ResourceType::Ec2Image => per_region(|c, r, f| Box::pin(ec2_image::read(c, r, f))),
        ResourceType::GlueDataCatalog => per_region(|c, r, f| Box::pin(glue_data_catalog::read(c, r, f))),
        ResourceType::SesEmailIdentity => per_region(|c, r, f| Box::pin(ses_email_identity::read(c, r, f))),
        ResourceType::CodeArtifactDomain => per_region(|c, r, f| Box::pin(codeartifact_domain::read(c, r, f))),
        ResourceType::CodeArtifactRepository => per_region(|c, r, f| Box::pin(codeartifact_repository::read(c, r, f))),
        ResourceType::KinesisStream => per_region(|c, r, f| Box::pin(kinesis_stream::read(c, r, f))),
    }
}
