//! perimeter-simulator: a simulated AWS endpoint for tests and benchmarks only, never for
//! production. It answers exactly the API subset the collector uses (STS, IAM, Organizations,
//! Account, S3 and S3 Control, S3 Express One Zone directory buckets and their access points,
//! KMS, Lambda, SQS, Secrets Manager, SNS, ECR, EFS, EC2 snapshots, AMIs, VPCs and VPC
//! endpoints, RDS DB and DB cluster snapshots, DynamoDB tables and resource policies, DynamoDB
//! Streams, CloudFront's origin access identities, Kinesis, EventBridge, Backup, CodeArtifact,
//! CloudWatch Logs, SES v2, Glacier, OpenSearch Service, API Gateway and Glue),
//! in the wire protocols the AWS SDK for Rust expects, for a synthetic organization of up to
//! thousands of accounts generated from a seed ([`org`]), with per-request latency, fault
//! injection and a request counter ([`faults`]).
//!
//! Two faces: the library, [`Simulator::handle`] (one request in, one [`Outcome`] out, no I/O),
//! and the server, [`serve`] (hyper 1.x, HTTP/1.1), which sleeps the latency, closes the
//! connection for [`Outcome::Drop`] and never answers [`Outcome::Hang`].
//!
//! Requests are not authenticated: the SigV4 credential scope only tells the access key (base
//! credentials act as the management account; `ASIASIM<account>` keys, issued by AssumeRole,
//! act as that account), the region and the service.

pub mod config;
pub mod error;
pub mod faults;
pub mod org;
pub mod protocol;
pub mod server;
mod services;

use std::collections::BTreeMap;
use std::time::Duration;

pub use config::SimConfig;
pub use error::Error;
pub use org::{Org, Tally};
pub use server::serve;

use faults::{Fault, Faults, Ledger};
use protocol::{error_response, ApiError, Incoming};
use services::{Ctx, Service};

/// A request as received: method, URI (path and query), headers and the whole body.
pub type Request = http::Request<bytes::Bytes>;

/// What to do with a request.
#[derive(Debug)]
pub enum Outcome {
    /// Answer, after `delay`.
    Respond { response: http::Response<String>, delay: Duration },
    /// Close the connection without answering (an injected fault).
    Drop,
    /// Never answer: the client's timeout must fire (a region in `hang_regions`).
    Hang,
}

/// The simulated endpoint: the organization, the fault plan and the ledger of requests.
#[derive(Debug)]
pub struct Simulator {
    config: SimConfig,
    org: Org,
    faults: Faults,
    ledger: Ledger,
}

impl Simulator {
    /// Replaces the policy of one bucket (to serve a malformed document, say); `false` when no
    /// bucket has that name.
    pub fn set_bucket_policy(&mut self, bucket: &str, policy: &str) -> bool {
        let found = self.org.accounts.iter_mut().flat_map(|a| a.buckets.iter_mut()).find(|b| b.name == bucket);
        match found {
            Some(b) => {
                b.policy = policy.to_string();
                true
            }
            None => false,
        }
    }

    /// Replaces the policy of one Secrets Manager secret, SNS topic, ECR repository, EFS file
    /// system, DynamoDB table, DynamoDB stream, directory bucket, directory-bucket access point,
    /// Kinesis stream, event bus, Backup vault, CodeArtifact domain or repository, Logs resource
    /// policy or destination, SES identity, Glue Data Catalog, Glacier vault (its access
    /// policy), OpenSearch domain or REST API (by the ARN of [`org`]'s records), or removes it
    /// (`None`: to serve a resource without a policy, which each service answers its own way);
    /// `false` when no such resource has that ARN. The counts ([`Self::resource_count`],
    /// [`Self::external_grants`]) stay those of the generation.
    pub fn set_resource_policy(&mut self, arn: &str, policy: Option<&str>) -> bool {
        let access_point = self
            .org
            .accounts
            .iter_mut()
            .flat_map(|a| a.regions.values_mut())
            .flat_map(|r| r.directory_access_points.iter_mut())
            .find(|p| p.arn == arn);
        if let Some(p) = access_point {
            p.policy = policy.map(str::to_string);
            return true;
        }
        // The kinds whose records are not `PolicyResource`s.
        for r in self.org.accounts.iter_mut().flat_map(|a| a.regions.values_mut()) {
            let slot = r
                .glacier_vaults
                .iter_mut()
                .find(|v| v.arn == arn)
                .map(|v| &mut v.policy)
                .or_else(|| r.opensearch_domains.iter_mut().find(|d| d.arn == arn).map(|d| &mut d.policy))
                .or_else(|| r.rest_apis.iter_mut().find(|a| a.arn == arn).map(|a| &mut a.policy));
            if let Some(slot) = slot {
                *slot = policy.map(str::to_string);
                return true;
            }
        }
        let found = self
            .org
            .accounts
            .iter_mut()
            .flat_map(|a| a.regions.values_mut())
            .flat_map(|r| {
                r.secrets
                    .iter_mut()
                    .chain(r.topics.iter_mut())
                    .chain(r.repositories.iter_mut())
                    .chain(r.file_systems.iter_mut())
                    .chain(r.tables.iter_mut())
                    .chain(r.streams.iter_mut())
                    .chain(r.directory_buckets.iter_mut())
                    .chain(r.kinesis_streams.iter_mut())
                    .chain(r.event_buses.iter_mut())
                    .chain(r.backup_vaults.iter_mut())
                    .chain(r.codeartifact_domains.iter_mut())
                    .chain(r.codeartifact_repositories.iter_mut())
                    .chain(r.logs_resource_policies.iter_mut())
                    .chain(r.logs_destinations.iter_mut())
                    .chain(r.email_identities.iter_mut())
                    .chain(r.data_catalogs.iter_mut())
            })
            .find(|p| p.arn == arn);
        match found {
            Some(p) => {
                p.policy = policy.map(str::to_string);
                true
            }
            None => false,
        }
    }

    /// Generates the organization of `config` (deterministic in its seed).
    pub fn new(config: SimConfig) -> Simulator {
        let org = Org::generate(&config);
        let faults = Faults::new(&config);
        Simulator { config, org, faults, ledger: Ledger::default() }
    }

    pub fn config(&self) -> &SimConfig {
        &self.config
    }

    pub fn org(&self) -> &Org {
        &self.org
    }

    /// Resources that carry one grant to an outsider (cross-account or public).
    pub fn external_grants(&self) -> usize {
        self.org.external_grants()
    }

    /// Resources a complete scan reads (buckets, roles, customer keys, functions, layer
    /// versions, queues, secrets, topics, repositories, file systems, EBS snapshots, DB snapshots,
    /// DB cluster snapshots, DynamoDB tables, DynamoDB streams, directory buckets, Kinesis
    /// streams, custom event buses, Backup vaults, CodeArtifact domains and repositories, Logs
    /// resource policies and destinations, SES identities, Glacier vaults, OpenSearch domains,
    /// REST APIs, Data Catalogs, AMIs).
    pub fn resource_count(&self) -> usize {
        self.org.resource_count()
    }

    /// Requests per `Service:Operation` (SDK service names: `S3:GetBucketPolicy`,
    /// `S3Control:ListAccessPoints`, `Secrets Manager:ListSecrets`, `EC2:DescribeSnapshots`,
    /// `RDS:DescribeDBSnapshots`, `DynamoDB:GetResourcePolicy`, `DynamoDB Streams:ListStreams`,
    /// `CloudFront:ListCloudFrontOriginAccessIdentities`; the S3 client's directory bucket calls,
    /// signed as `s3express`, are `S3Express:ListDirectoryBuckets` and `S3Express:GetBucketPolicy`,
    /// and S3 Control's directory-bucket access point calls, signed as `s3express` or `s3`, are
    /// `S3ExpressControl:ListAccessPointsForDirectoryBuckets` and
    /// `S3ExpressControl:GetAccessPointPolicy`; the added services as their SDKs name
    /// themselves: `Kinesis:`, `EventBridge:`, `Backup:`, `codeartifact:`, `CloudWatch Logs:`,
    /// `SESv2:`, `Glacier:`, `OpenSearch:`, `API Gateway:`, `Glue:`), every attempt counted:
    /// faulted, hung and unsupported ones too.
    pub fn counts(&self) -> BTreeMap<String, u64> {
        self.ledger.counts()
    }

    /// All requests received.
    pub fn total(&self) -> u64 {
        self.ledger.total()
    }

    /// Faults injected (throttling, internal errors, dropped connections).
    pub fn faults(&self) -> u64 {
        self.ledger.faults()
    }

    /// Requests left without an answer (hang regions).
    pub fn hung(&self) -> u64 {
        self.ledger.hung()
    }

    /// Hanging requests whose client has not gone away yet (the server drops a hanging request
    /// when its client closes the connection).
    pub fn hanging_now(&self) -> u64 {
        self.ledger.hanging_now()
    }

    pub(crate) fn ledger(&self) -> &Ledger {
        &self.ledger
    }

    /// `Service:Operation` (or method and path) of every request the simulator does not implement.
    pub fn unsupported(&self) -> Vec<String> {
        self.ledger.unsupported_list()
    }

    /// When each request arrived, per `account|region|Service:Operation` (the calling account,
    /// the signing region), if the config asked to record it (`record_arrivals`).
    pub fn arrivals(&self) -> BTreeMap<String, Vec<std::time::Instant>> {
        self.ledger.arrivals()
    }

    /// Logical requests (`account|region|Service:Operation|parameters`) that got a real answer
    /// more than once, with how many: empty when no API call was made twice for the same thing.
    pub fn repeated(&self) -> Vec<(String, u64)> {
        self.ledger.repeated()
    }

    /// Answers one request (no I/O: the caller sleeps the delay, see [`serve`]).
    pub fn handle(&self, req: Request) -> Outcome {
        let incoming = Incoming::new(&req);
        let respond = |response| Outcome::Respond { response, delay: self.config.latency };
        let Some(service) = Service::detect(&incoming) else {
            let what = format!("Unknown:{} {}", incoming.method, incoming.path);
            let id = self.ledger.request(&what);
            self.ledger.unsupported(&what);
            let err = ApiError::new(400, "UnknownService", format!("perimeter-simulator does not simulate this service ({what})"));
            return respond(error_response(protocol::Protocol::RestJson, &err, id));
        };
        let protocol = service.protocol();
        let operation = service.operation(&incoming);
        let name = format!("{}:{}", service.name(), operation.as_ref().map_or_else(|o| o.as_str(), |o| *o));
        let id = self.ledger.request(&name);
        let operation = match operation {
            Ok(op) => op,
            Err(op) => {
                self.ledger.unsupported(&name);
                return respond(error_response(protocol, &service.unsupported(&op), id));
            }
        };
        let region = incoming.signing.as_ref().map_or("us-east-1", |s| s.region.as_str());
        let global = service.is_global() || (service == Service::S3 && operation == "ListBuckets");
        if !global && self.config.hang_regions.contains(region) {
            self.ledger.hang();
            return Outcome::Hang;
        }
        let caller = incoming
            .signing
            .as_ref()
            .and_then(|s| services::sts::key_account(&s.access_key))
            .and_then(|a| self.org.account(a))
            .unwrap_or_else(|| self.org.management());
        if self.config.record_arrivals {
            self.ledger.arrived(format!("{}|{region}|{name}", caller.id));
        }
        let params = service.params(&incoming);
        if self.config.deny_params.iter().any(|d| params.contains(d.as_str())) {
            let err = ApiError::new(403, "AccessDenied", format!("Access Denied ({name}, simulated)"));
            return respond(error_response(protocol, &err, id));
        }
        let key = format!("{}|{region}|{name}|{params}", caller.id);
        if let Some(fault) = self.faults.decide(&key) {
            self.ledger.fault();
            return match fault {
                Fault::Throttle => respond(error_response(protocol, &service.throttle(), id)),
                Fault::Error => respond(error_response(protocol, &service.internal(), id)),
                Fault::Drop => Outcome::Drop,
            };
        }
        let response = if !global && self.config.disabled_regions.contains(region) {
            error_response(protocol, &service.region_disabled(region), id)
        } else {
            let ctx = Ctx { org: &self.org, config: &self.config, caller, region, req: &incoming, id };
            service.answer(operation, &ctx).unwrap_or_else(|e| error_response(protocol, &e, id))
        };
        self.ledger.answered(&key);
        respond(response)
    }
}
