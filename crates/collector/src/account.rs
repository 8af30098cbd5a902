//! One account being scanned: its credentials (every call it sends acts for it), the pacing of
//! its requests within AWS's quotas, the bound on requests in flight, and what its collection
//! produced. Its clients are the scan's, one set per region ([`ClientPool`]).

use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;
use std::sync::Arc;

use aws_sdk_sts::config::SharedCredentialsProvider;
use perimeter_model::{ErrorRecord, ResourceRecord, ResourceType, ScopeRecord, SkippedType};
use tokio::sync::Semaphore;

use crate::aws::{acting, Acting, ClientPool, Clients};
use crate::failure::Failure;
use crate::pacing::{Api, Pacing};
use crate::resources::s3_bucket::FoundAccessPoint;

/// How hard one account's scan may push.
#[derive(Debug, Clone)]
pub struct Bounds {
    /// The account's requests in flight.
    pub requests_in_flight: usize,
    /// The whole scan's requests in flight, shared with the other accounts.
    pub scan_in_flight: Arc<Semaphore>,
    /// The share of each AWS request quota the scan may use ([`crate::pacing`]).
    pub quota_share: f64,
}

/// The scanning context of one account.
#[derive(Debug)]
pub struct AccountCtx {
    pub account: String,
    /// Region for global services (IAM, S3 ListBuckets, S3 Control account settings).
    pub home_region: String,
    /// Who the account's calls act as.
    acting: Acting,
    pool: Arc<ClientPool>,
    permits: Arc<Semaphore>,
    /// The whole scan's requests in flight, shared by every account.
    scan_permits: Arc<Semaphore>,
    pacing: Pacing,
}

impl AccountCtx {
    pub fn new(account: &str, home_region: &str, credentials: SharedCredentialsProvider, pool: Arc<ClientPool>, bounds: Bounds) -> AccountCtx {
        AccountCtx {
            account: account.to_string(),
            home_region: home_region.to_string(),
            acting: Acting { account: account.into(), credentials },
            pool,
            permits: Arc::new(Semaphore::new(bounds.requests_in_flight.max(1))),
            scan_permits: bounds.scan_in_flight,
            pacing: Pacing::new(bounds.quota_share),
        }
    }

    /// The clients of one region (the scan's; each call made through [`AccountCtx::call`]
    /// acts for this account).
    pub fn clients(&self, region: &str) -> Clients {
        self.pool.clients(region)
    }

    /// Runs one request of `api` for this account: it waits for its turn under the API's quota
    /// (per account and region), then for a place among the account's requests in flight, then
    /// among the scan's, and is sent with the account's credentials. The request is made (by
    /// `request`) only once it may go, and on the heap: an SDK call's future is about 5 KB, and
    /// a scan has thousands of calls waiting (every listing of every region of every account in
    /// flight), which would otherwise each hold one from the start.
    pub async fn call<F: Future>(&self, api: Api<'_>, request: impl FnOnce() -> F) -> F::Output {
        self.pacing
            .call(api, async {
                let _account = self.permits.acquire().await;
                let _scan = self.scan_permits.acquire().await;
                acting(self.acting.clone(), Box::pin(request())).await
            })
            .await
    }

    /// The error record of something read beside the resources (the zone's networks, origin
    /// access identities) that could not be: it names what by an ARN pattern and no resource
    /// type, so that it covers no scope ([`crate::completeness::covers`]), and says what follows.
    pub fn zone_fact_error(&self, region: &str, arn_pattern: &str, failure: Failure, consequence: &str) -> ErrorRecord {
        let failure = Failure { message: format!("{}; {consequence}", failure.message), ..failure };
        self.error(Some(region), None, Some(arn_pattern), failure)
    }

    /// An error record of this account.
    /// The record of a resource of this account in `region`.
    pub fn record(&self, region: &str, arn: String, inputs: perimeter_model::ResourceInputs) -> ResourceRecord {
        ResourceRecord { arn, account: self.account.clone(), region: region.to_string(), inputs }
    }

    /// The error record of one resource whose read failed, boxed as [`Read`] carries it.
    pub fn resource_error(&self, region: &str, resource_type: ResourceType, arn: &str, failure: Failure) -> Box<ErrorRecord> {
        Box::new(self.error(Some(region), Some(resource_type), Some(arn), failure))
    }

    pub fn error(&self, region: Option<&str>, resource_type: Option<ResourceType>, arn: Option<&str>, failure: Failure) -> ErrorRecord {
        ErrorRecord {
            account: self.account.clone(),
            region: region.map(str::to_string),
            resource_type,
            resource_arn: arn.map(str::to_string),
            code: failure.code,
            message: failure.message,
        }
    }
}

/// What one part of a scan produced.
#[derive(Debug, Default)]
pub struct Collected {
    pub resources: Vec<ResourceRecord>,
    pub errors: Vec<ErrorRecord>,
    pub canonical_ids: BTreeSet<String>,
    pub principal_ids: BTreeSet<String>,
    pub access_points: Vec<FoundAccessPoint>,
    /// CloudFront origin access identities found (ID → owning account).
    pub origin_access_identities: BTreeMap<String, String>,
    /// VPCs and VPC endpoints found (ID → owning account).
    pub networks: BTreeMap<String, String>,
    /// The scopes their readers read to the end (an error record may still cover one).
    pub finished: Vec<ScopeRecord>,
    /// The scopes of types this account does not have enabled (finished too: nothing is there).
    pub not_enabled: Vec<SkippedType>,
}

/// One resource read, skipped (`None`: not in scope), or an error record for it.
pub type Read = Result<Option<ResourceRecord>, Box<ErrorRecord>>;

impl Collected {
    /// Keeps the records and error records of per-resource reads.
    pub fn absorb(&mut self, reads: impl IntoIterator<Item = Read>) {
        for read in reads {
            match read {
                Ok(record) => self.resources.extend(record),
                Err(e) => self.errors.push(*e),
            }
        }
    }

    /// Reports one scope of this account read to the end: only the reader that read it says so.
    pub fn finish(&mut self, ctx: &AccountCtx, region: &str, resource_type: ResourceType) {
        self.finished.push(ScopeRecord { account: ctx.account.clone(), region: region.to_string(), resource_type });
    }

    /// Reports one scope of a type the service says this account does not have enabled: read
    /// to the end, with nothing in it, and reported skipped with the service's words.
    pub fn not_enabled(&mut self, ctx: &AccountCtx, region: &str, resource_type: ResourceType, reason: String) {
        self.finish(ctx, region, resource_type);
        self.not_enabled.push(SkippedType { region: region.to_string(), resource_type, reason });
    }

    pub fn merge(&mut self, other: Collected) {
        self.resources.extend(other.resources);
        self.errors.extend(other.errors);
        self.canonical_ids.extend(other.canonical_ids);
        self.principal_ids.extend(other.principal_ids);
        self.access_points.extend(other.access_points);
        self.origin_access_identities.extend(other.origin_access_identities);
        self.networks.extend(other.networks);
        self.finished.extend(other.finished);
        self.not_enabled.extend(other.not_enabled);
    }
}
