//! perimeter-collector: everything perimeter reads from AWS, and the only crate that links the
//! AWS SDK. It discovers the organization, assumes the audit role in every member account,
//! collects the resource policies of every scanned region concurrently (bounded accounts in
//! flight and requests per account), and returns inventory records: resources, the zone, the
//! scopes read to the end, and an error record for anything that could not be read, as narrow
//! as the failure.

pub mod access;
pub mod account;
pub mod aws;
pub mod calls;
pub mod failure;
mod iam;
pub mod inventory;
mod kms;
mod lambda;
pub mod organization;
mod s3;
mod sqs;

use std::collections::{BTreeMap, BTreeSet};

use futures::stream::{self, StreamExt};
use perimeter_model::{
    AccountRecord, AccountStatus, ErrorCode, ErrorRecord, ResourceInputs, ResourceType, ScopeRecord, Zone, ZoneAccount,
    ZoneAccountKind,
};

pub use access::RoleSpec;
pub use aws::AwsSettings;
pub use calls::{required_action, CallLog};
pub use iam::GLOBAL as GLOBAL_REGION;
pub use inventory::Inventory;
pub use lambda::normalize_policy as normalize_lambda_policy;

use account::{AccountCtx, Collected};
use failure::Failure;

/// A failure that stops the whole scan (nothing can be read at all).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot identify the caller's account (sts:GetCallerIdentity): {0}")]
    Caller(String),
    #[error("cannot read the organization: {0}")]
    Organization(String),
    #[error("inventory line {line}: {message}")]
    Inventory { line: usize, message: String },
    #[error("inventory: {0}")]
    Io(#[from] std::io::Error),
}

/// What to scan and how hard to push.
#[derive(Debug, Clone)]
pub struct CollectOptions {
    /// Regions to scan; `None` = the regions enabled in each account (account:ListRegions).
    pub regions: Option<Vec<String>>,
    pub role: RoleSpec,
    /// Only these accounts (empty = all).
    pub accounts: Vec<String>,
    pub exclude_accounts: Vec<String>,
    pub resource_types: Vec<ResourceType>,
    /// Accounts scanned at the same time.
    pub account_concurrency: usize,
    /// Requests in flight per account.
    pub request_concurrency: usize,
}

impl Default for CollectOptions {
    fn default() -> Self {
        CollectOptions {
            regions: None,
            role: RoleSpec { name: "OrganizationAccountAccessRole".into(), external_id: None },
            accounts: Vec::new(),
            exclude_accounts: Vec::new(),
            resource_types: ResourceType::ALL.to_vec(),
            account_concurrency: 8,
            request_concurrency: 16,
        }
    }
}

/// Progress of a scan, for a progress bar or log lines.
#[derive(Debug, Clone)]
pub enum Progress {
    /// The organization is known: this many accounts will be scanned.
    Discovered { accounts: usize },
    AccountDone { account: String, resources: usize, errors: usize },
}

/// Scans the organization with the standard credential chain (or `settings`' test credentials).
pub async fn collect(settings: &AwsSettings, options: &CollectOptions, progress: &(dyn Fn(Progress) + Sync)) -> Result<Inventory, Error> {
    let base = aws::load_base_config(settings).await;
    let home_region = base.region().map_or_else(|| "us-east-1".to_string(), |r| r.to_string());
    let log = CallLog::default();
    let caller_clients = aws::Clients::new(&base, &log, "caller");
    let identity = caller_clients.sts.get_caller_identity().send().await.map_err(|e| Error::Caller(failure::classify(&e).message))?;
    let caller = identity.account().unwrap_or_default().to_string();
    let base_clients = aws::Clients::new(&base, &log, &caller);
    let org = organization::discover(&base_clients, &caller).await.map_err(|f| Error::Organization(f.message))?;

    let mut inventory = Inventory::default();
    let mut to_scan = Vec::new();
    for a in &org.accounts {
        let skipped = if a.status != AccountStatus::Active {
            Some(format!("account status is {:?}", a.status).to_uppercase())
        } else if !options.accounts.is_empty() && !options.accounts.contains(&a.id) {
            Some("not among the accounts selected for this scan".to_string())
        } else if options.exclude_accounts.contains(&a.id) {
            Some("excluded from this scan".to_string())
        } else {
            to_scan.push(a.id.clone());
            None
        };
        inventory.accounts.push(AccountRecord {
            id: a.id.clone(),
            name: a.name.clone(),
            status: a.status,
            org_path: a.org_path.clone(),
            skipped,
            skipped_regions: Vec::new(),
        });
    }
    progress(Progress::Discovered { accounts: to_scan.len() });

    let scans = stream::iter(to_scan.iter().map(|account| {
        let (base, log, base_clients, home_region, caller) = (&base, &log, &base_clients, &home_region, &caller);
        async move {
            let result = scan_account(base, base_clients, log, caller, account, home_region, options).await;
            progress(Progress::AccountDone {
                account: account.clone(),
                resources: result.collected.resources.len(),
                errors: result.collected.errors.len(),
            });
            result
        }
    }))
    .buffer_unordered(options.account_concurrency.max(1))
    .collect::<Vec<_>>()
    .await;

    let mut all = Collected::default();
    let mut scanned_regions: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for s in scans {
        if let Some(regions) = s.regions {
            scanned_regions.insert(s.account.clone(), regions);
        }
        if let Some(record) = inventory.accounts.iter_mut().find(|a| a.id == s.account) {
            record.skipped_regions = s.skipped_regions;
        }
        all.merge(s.collected);
    }
    attach_access_points(&mut all);
    inventory.zone = Zone {
        org_id: org.id.clone(),
        accounts: org
            .accounts
            .iter()
            .map(|a| {
                let kind = if a.id == org.management_account { ZoneAccountKind::Management } else { ZoneAccountKind::Member };
                (a.id.clone(), ZoneAccount { name: a.name.clone(), kind })
            })
            .collect(),
        canonical_ids: all.canonical_ids,
        principal_ids: all.principal_ids,
    };
    inventory.scopes = complete_scopes(&scanned_regions, &options.resource_types, &all.errors);
    all.resources.sort_by(|a, b| (&a.account, &a.region, &a.arn).cmp(&(&b.account, &b.region, &b.arn)));
    all.errors.sort_by(|a, b| (&a.account, &a.region, &a.resource_arn).cmp(&(&b.account, &b.region, &b.resource_arn)));
    inventory.resources = all.resources;
    inventory.errors = all.errors;
    inventory.calls = log;
    Ok(inventory)
}

struct AccountScan {
    account: String,
    /// The regions scanned; `None` when the account could not be entered.
    regions: Option<Vec<String>>,
    skipped_regions: Vec<String>,
    collected: Collected,
}

async fn scan_account(
    base: &aws_config::SdkConfig,
    base_clients: &aws::Clients,
    log: &CallLog,
    caller: &str,
    account: &str,
    home_region: &str,
    options: &CollectOptions,
) -> AccountScan {
    let mut scan = AccountScan { account: account.to_string(), regions: None, skipped_regions: Vec::new(), collected: Collected::default() };
    let config = if account == caller {
        base.clone()
    } else {
        match access::assume(base, &base_clients.sts, account, &options.role).await {
            Ok(c) => c,
            Err(f) => {
                scan.collected.errors.push(ErrorRecord {
                    account: account.to_string(),
                    region: None,
                    resource_type: None,
                    resource_arn: None,
                    code: ErrorCode::AssumeRoleFailed,
                    message: format!("{} ({}): nothing in this account was read", f.message, f.code.as_str()),
                });
                return scan;
            }
        }
    };
    let ctx = AccountCtx::new(account, home_region, config, log.clone(), options.request_concurrency);
    match &options.regions {
        // Configured regions: read them while asking which are enabled (one round trip less),
        // then drop what was read in a region that turns out not enabled: it is skipped.
        Some(wanted) => {
            let (enabled, mut collected) = tokio::join!(enabled_regions(&ctx), collect_parts(&ctx, wanted, options));
            let regions = match enabled {
                Ok(enabled) => {
                    let (on, off): (Vec<String>, Vec<String>) = wanted.iter().cloned().partition(|r| enabled.contains(r));
                    collected.resources.retain(|r| !off.contains(&r.region));
                    collected.errors.retain(|e| e.region.as_ref().is_none_or(|r| !off.contains(r)));
                    collected.access_points.retain(|ap| !off.iter().any(|r| ap.access_point.arn.contains(&format!(":{r}:"))));
                    scan.skipped_regions = off;
                    on
                }
                // Without the list every configured region counts: one that is not enabled
                // then fails loudly (error records), never quietly.
                Err(_) => wanted.clone(),
            };
            scan.collected.merge(collected);
            scan.regions = Some(regions);
        }
        None => {
            let regions = match enabled_regions(&ctx).await {
                Ok(enabled) => enabled.into_iter().collect(),
                Err(f) => {
                    let f = f.reading("cannot list the account's regions; regional resources were not read");
                    scan.collected.errors.push(ctx.error(None, None, None, f));
                    Vec::new()
                }
            };
            scan.collected.merge(collect_parts(&ctx, &regions, options).await);
            scan.regions = Some(regions);
        }
    }
    scan
}

/// Everything of one account in `regions`, each (type, region) part at the same time.
async fn collect_parts(ctx: &AccountCtx, regions: &[String], options: &CollectOptions) -> Collected {
    let fan_out = options.request_concurrency.max(1) * 2;
    let types = &options.resource_types;
    let mut parts: Vec<std::pin::Pin<Box<dyn std::future::Future<Output = Collected> + Send + '_>>> = Vec::new();
    if types.contains(&ResourceType::IamRole) {
        parts.push(Box::pin(iam::collect(ctx)));
    }
    if types.contains(&ResourceType::S3Bucket) {
        parts.push(Box::pin(s3::collect(ctx, regions, fan_out)));
    }
    for region in regions {
        if types.contains(&ResourceType::KmsKey) {
            parts.push(Box::pin(kms::collect(ctx, region, fan_out)));
        }
        if types.contains(&ResourceType::LambdaFunction) {
            parts.push(Box::pin(lambda::collect_functions(ctx, region, fan_out)));
        }
        if types.contains(&ResourceType::LambdaLayerVersion) {
            parts.push(Box::pin(lambda::collect_layers(ctx, region, fan_out)));
        }
        if types.contains(&ResourceType::SqsQueue) {
            parts.push(Box::pin(sqs::collect(ctx, region, fan_out)));
        }
    }
    let mut out = Collected::default();
    for part in futures::future::join_all(parts).await {
        out.merge(part);
    }
    out
}

/// The regions enabled in the account (account:ListRegions).
async fn enabled_regions(ctx: &AccountCtx) -> Result<BTreeSet<String>, Failure> {
    use aws_sdk_account::types::RegionOptStatus;
    let client = ctx.clients(&ctx.home_region).account;
    let mut out = BTreeSet::new();
    let mut pages = client
        .list_regions()
        .region_opt_status_contains(RegionOptStatus::Enabled)
        .region_opt_status_contains(RegionOptStatus::EnabledByDefault)
        .into_paginator()
        .send();
    while let Some(page) = ctx.call(pages.next()).await {
        let page = page.map_err(|e| failure::classify(&e).reading("ListRegions"))?;
        out.extend(page.regions().iter().filter_map(|r| r.region_name().map(str::to_string)));
    }
    Ok(out)
}

/// Attaches every access point found to its bucket, wherever in the organization it was found.
fn attach_access_points(all: &mut Collected) {
    let mut by_bucket: BTreeMap<(String, String), Vec<perimeter_model::S3AccessPoint>> = BTreeMap::new();
    for ap in all.access_points.drain(..) {
        by_bucket.entry((ap.bucket_account, ap.bucket)).or_default().push(ap.access_point);
    }
    for r in &mut all.resources {
        if let ResourceInputs::S3Bucket(b) = &mut r.inputs
            && let Some(mut aps) = by_bucket.remove(&(r.account.clone(), b.name.clone()))
        {
            aps.sort_by(|a, b| a.arn.cmp(&b.arn));
            b.access_points = aps;
        }
    }
}

/// Every (account, region, type) read to the end: scanned, and no error record covers it.
fn complete_scopes(scanned: &BTreeMap<String, Vec<String>>, types: &[ResourceType], errors: &[ErrorRecord]) -> Vec<perimeter_model::ScopeRecord> {
    let mut out = Vec::new();
    for (account, regions) in scanned {
        for t in types {
            let scope_regions: Vec<&str> =
                if *t == ResourceType::IamRole { vec![GLOBAL_REGION] } else { regions.iter().map(String::as_str).collect() };
            for region in scope_regions {
                let covered = errors.iter().any(|e| {
                    e.account == *account
                        && e.region.as_deref().is_none_or(|r| r == region)
                        && e.resource_type.is_none_or(|et| et == *t)
                });
                if !covered {
                    out.push(ScopeRecord { account: account.clone(), region: region.to_string(), resource_type: *t });
                }
            }
        }
    }
    out
}
