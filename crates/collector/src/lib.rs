//! perimeter-collector: everything perimeter reads from AWS, and the only crate that links the
//! AWS SDK. It discovers the organization, assumes the audit role in every member account,
//! collects the resource policies of every scanned region concurrently (bounded accounts in
//! flight and requests per account), and hands over inventory records as they are read
//! ([`scan`]: the head, then one batch per account, which [`Assembly`] puts together):
//! resources, the zone, the scopes read to the end, and an error record for anything that
//! could not be read, as narrow as the failure. [`collect`] gathers a whole scan in memory.

pub mod access;
pub mod assembly;
pub mod account;
pub mod aws;
pub mod calls;
pub mod completeness;
pub mod failure;
pub mod inventory;
mod listing;
mod networks;
pub mod organization;
pub mod pacing;
mod origin_access_identities;
pub mod resource_controls;
mod resources;

use std::collections::BTreeSet;
use std::sync::Arc;

use futures::stream::{self, StreamExt};
use futures::FutureExt;
use perimeter_model::{
    AccountRecord, AccountStatus, ErrorCode, ErrorRecord, ResourceControls, ResourceType, ScopeRecord, Zone, ZoneAccount,
    ZoneAccountKind,
};
use tokio::sync::mpsc;

pub use access::RoleSpec;
pub use assembly::{Assembled, Assembly, Held};
pub use aws::AwsSettings;
pub use calls::{required_action, CallLog};
pub use inventory::Inventory;
pub use perimeter_model::GLOBAL_REGION;
pub use resources::lambda_function::normalize_policy as normalize_lambda_policy;

pub use account::Collected;
use account::{AccountCtx, Bounds};
use failure::Failure;

/// A failure that stops the whole scan (nothing can be read at all).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot identify the caller's account (sts:GetCallerIdentity): {0}")]
    Caller(String),
    #[error("cannot read the organization: {0}")]
    Organization(String),
    /// `--accounts` / `--exclude-accounts` name an account that is not in the organization, or
    /// select none: a scan of nothing must never look like a clean scan.
    #[error("account selection: {0}")]
    Selection(String),
    #[error("inventory line {line}: {message}")]
    Inventory { line: usize, message: String },
    /// What is wrong with the inventory as a whole (no line to name).
    #[error("inventory: {0}")]
    InventoryFile(String),
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
    /// Accounts' worth of requests in flight for the whole scan (times the requests per
    /// account); up to twice as many accounts are read at once.
    pub account_concurrency: usize,
    /// Requests in flight per account.
    pub request_concurrency: usize,
    /// The share (0 to 1] of each AWS request quota the scan may use ([`pacing`]); the
    /// account's own workloads keep the rest.
    pub quota_share: f64,
    /// Keep every call in the call log (tests, benchmarks); otherwise it only counts them.
    pub keep_calls: bool,
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
            quota_share: pacing::DEFAULT_QUOTA_SHARE,
            keep_calls: true,
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

/// What a streaming scan hands over, in this order: the head, then one batch per account.
#[derive(Debug)]
pub enum Delivery {
    Head(Head),
    Account(AccountBatch),
}

/// What is known before any account is read.
#[derive(Debug, Clone)]
pub struct Head {
    /// The organization and its accounts; the identifiers and networks collected in the
    /// accounts join it as their batches arrive ([`Assembly::add`]).
    pub zone: Zone,
    /// Every account of the organization, the skipped ones with the reason.
    pub accounts: Vec<AccountRecord>,
    /// The organization's resource control policies; `None` outside an organization or when
    /// they could not be read (error records then cover the scopes they govern).
    pub resource_controls: Option<ResourceControls>,
    pub resource_types: Vec<ResourceType>,
    /// The errors known before any account is read (RCPs that could not be read).
    pub errors: Vec<ErrorRecord>,
}

/// One account's reads, handed over when the account is done.
#[derive(Debug)]
pub struct AccountBatch {
    pub account: String,
    /// The regions scanned; `None` when the account could not be entered.
    pub regions: Option<Vec<String>>,
    pub skipped_regions: Vec<String>,
    pub collected: Collected,
}

/// Scans the organization and gathers the whole scan in memory (tests and benchmarks; the
/// `perimeter` binary streams with [`scan`]).
pub async fn collect(settings: &AwsSettings, options: &CollectOptions, progress: &(dyn Fn(Progress) + Sync)) -> Result<Inventory, Error> {
    let (tx, mut rx) = mpsc::channel(options.account_concurrency.max(1));
    let gather = async move {
        let mut out = Vec::new();
        while let Some(d) = rx.recv().await {
            out.push(d);
        }
        out
    };
    let (calls, deliveries) = tokio::join!(scan(settings, options, progress, tx), gather);
    let calls = calls?;
    let mut deliveries = deliveries.into_iter();
    let Some(Delivery::Head(head)) = deliveries.next() else {
        return Err(Error::Organization("the scan handed over no head (a bug in perimeter: please report it)".into()));
    };
    let mut assembly = Assembly::new(head, UNREPORTED);
    let mut resources = Vec::new();
    for d in deliveries {
        if let Delivery::Account(batch) = d {
            resources.extend(assembly.add(batch)?);
        }
    }
    let mut assembled = assembly.finish()?;
    for r in assembled.held.by_ref() {
        resources.push(r?);
    }
    resources.sort_by(|a, b| (&a.account, &a.region, &a.arn).cmp(&(&b.account, &b.region, &b.arn)));
    let mut scopes: Vec<ScopeRecord> = assembled.scopes.records().collect();
    scopes.sort();
    Ok(Inventory {
        zone: assembled.zone,
        resource_types: assembled.resource_types,
        resource_controls: assembled.resource_controls,
        accounts: assembled.accounts,
        resources,
        scopes,
        errors: assembled.errors,
        calls,
    })
}

/// Why a planned scope that no reader reported was not read.
pub const UNREPORTED: &str = "no reader reported this scope as read (a bug in perimeter: please report it)";

/// Scans the organization with the standard credential chain (or `settings`' test
/// credentials), handing over the head and then each account's batch as soon as the account is
/// read. A closed channel (the receiver gave up) stops the accounts not yet started. Returns
/// the log of the API calls made.
pub async fn scan(
    settings: &AwsSettings,
    options: &CollectOptions,
    progress: &(dyn Fn(Progress) + Sync),
    deliver: mpsc::Sender<Delivery>,
) -> Result<CallLog, Error> {
    let base = aws::load_base_config(settings).await;
    let home_region = base.region().map_or_else(|| "us-east-1".to_string(), |r| r.to_string());
    let log = if options.keep_calls { CallLog::default() } else { CallLog::counting() };
    // The scanner's own account: STS and Organizations calls count against it, whatever account
    // they are about.
    let caller_pacing = Arc::new(pacing::Pacing::new(options.quota_share));
    let caller_clients = aws::Clients::new(&base, &log, "caller");
    // The first call fails fast on a dead or silent endpoint, and says which endpoint it was.
    let startup = aws_config::timeout::TimeoutConfig::builder()
        .operation_timeout(settings.startup_timeout.unwrap_or(aws::STARTUP_TIMEOUT))
        .build();
    let identity = caller_clients.sts.get_caller_identity().customize().config_override(aws_sdk_sts::config::Builder::default().timeout_config(startup));
    let identity = caller_pacing
        .call(pacing::Api::at(pacing::GLOBAL, "sts:GetCallerIdentity"), identity.send())
        .await
        .map_err(|e| {
            let endpoint = base.endpoint_url().map_or_else(|| format!("the AWS endpoint of region {home_region}"), |u| format!("endpoint {u}"));
            Error::Caller(format!("{endpoint}: {}", failure::classify(&e).message))
        })?;
    let caller = identity.account().unwrap_or_default().to_string();
    let base_clients = aws::Clients::new(&base, &log, &caller);
    let org = organization::discover(&base_clients, &caller_pacing, &caller).await.map_err(|f| Error::Organization(f.message))?;

    check_selection(&org, options)?;
    let mut accounts = Vec::new();
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
        accounts.push(AccountRecord {
            id: a.id.clone(),
            name: a.name.clone(),
            status: a.status,
            org_path: a.org_path.clone(),
            skipped,
            skipped_regions: Vec::new(),
            skipped_types: Vec::new(),
            regions: None,
        });
    }
    if to_scan.is_empty() {
        return Err(Error::Selection(format!(
            "no active account of the organization is left to scan ({} accounts, {} selected, {} excluded)",
            org.accounts.len(),
            options.accounts.len(),
            options.exclude_accounts.len()
        )));
    }
    progress(Progress::Discovered { accounts: to_scan.len() });

    // The organization's RCPs are read while the accounts are scanned; the head goes out once
    // they are, and no account's batch before it.
    let zone = Zone {
        org_id: org.id.clone(),
        accounts: org
            .accounts
            .iter()
            .map(|a| {
                let kind = if a.id == org.management_account { ZoneAccountKind::Management } else { ZoneAccountKind::Member };
                (a.id.clone(), ZoneAccount { name: a.name.clone(), kind })
            })
            .collect(),
        ..Zone::default()
    };
    let head = {
        let deliver = deliver.clone();
        let (base_clients, caller_pacing, org, types) = (&base_clients, &caller_pacing, &org, &options.resource_types);
        async move {
            let rcps = resource_controls::read(base_clients, caller_pacing, org.rcps_enabled).await;
            let errors = rcp_errors(&rcps, &accounts, &org.management_account, types);
            let head = Head { zone, accounts, resource_controls: rcps.controls, resource_types: types.clone(), errors };
            let _ = deliver.send(Delivery::Head(head)).await;
        }
    }
    .shared();
    // The scan's requests in flight are `account_concurrency` accounts' worth, and twice as many
    // accounts are read at once: an account's first and last rounds of calls (AssumeRole and
    // ListRegions; the reads that wait on a listing) have fewer requests than its share, and
    // another account's take up the rest, so that the scan's budget is never left idle.
    let in_flight = Arc::new(tokio::sync::Semaphore::new(options.account_concurrency.max(1) * options.request_concurrency.max(1)));
    // Every account's calls go through one set of clients per region, each call with its
    // account's credentials.
    let pool = Arc::new(aws::ClientPool::new(&base, &log));
    let scan_wide = ScanWide {
        base: &base,
        base_clients: &base_clients,
        caller_pacing: &caller_pacing,
        pool: &pool,
        caller: &caller,
        home_region: &home_region,
        options,
        in_flight: &in_flight,
    };
    let scans = stream::iter(to_scan.iter()).for_each_concurrent(options.account_concurrency.max(1) * ACCOUNTS_PER_SHARE, |account| {
        let (scan_wide, head, deliver) = (&scan_wide, head.clone(), &deliver);
        async move {
            if deliver.is_closed() {
                return;
            }
            let batch = scan_account(scan_wide, account).await;
            progress(Progress::AccountDone {
                account: account.clone(),
                resources: batch.collected.resources.len(),
                errors: batch.collected.errors.len(),
            });
            head.await;
            let _ = deliver.send(Delivery::Account(batch)).await;
        }
    });
    tokio::join!(head.clone(), scans);
    Ok(log)
}

/// The error records of the RCPs that could not be read: one for each scanned member account
/// and RCP-governed type that such an RCP (possibly) governs, so that those scopes resolve
/// nothing and the scan is incomplete.
fn rcp_errors(
    rcps: &resource_controls::RcpRead,
    accounts: &[AccountRecord],
    management: &str,
    types: &[ResourceType],
) -> Vec<ErrorRecord> {
    let mut out = Vec::new();
    for f in &rcps.failures {
        for a in accounts.iter().filter(|a| a.skipped.is_none() && a.id != management) {
            let governed = f.targets.as_ref().is_none_or(|targets| {
                targets.iter().any(|t| perimeter_model::resource_control::governs(t, &a.id, a.org_path.as_deref()))
            });
            if !governed {
                continue;
            }
            for t in types.iter().filter(|t| t.rcp_governed()) {
                out.push(ErrorRecord {
                    account: a.id.clone(),
                    region: None,
                    resource_type: Some(*t),
                    resource_arn: None,
                    code: f.failure.code,
                    message: format!(
                        "{} could not be read: {}; the findings of this scope are reported without it, and none is resolved",
                        f.what, f.failure.message
                    ),
                });
            }
        }
    }
    out
}

/// Every account named in the selection must be an account of the organization (a typo, or an
/// account that has left, is an error rather than a quiet "0 accounts scanned").
fn check_selection(org: &organization::Organization, options: &CollectOptions) -> Result<(), Error> {
    for (flag, list) in [("--accounts", &options.accounts), ("--exclude-accounts", &options.exclude_accounts)] {
        let unknown: Vec<&str> =
            list.iter().filter(|id| !org.accounts.iter().any(|a| a.id == **id)).map(String::as_str).collect();
        if !unknown.is_empty() {
            return Err(Error::Selection(format!(
                "{flag} names {} that {} not in the organization {}",
                unknown.join(", "),
                if unknown.len() == 1 { "is" } else { "are" },
                org.id.as_deref().unwrap_or("(unknown)")
            )));
        }
    }
    Ok(())
}


/// Accounts read at once per account's share of the requests in flight (see [`scan`]).
const ACCOUNTS_PER_SHARE: usize = 2;

/// What every account's scan shares.
struct ScanWide<'a> {
    base: &'a aws_config::SdkConfig,
    base_clients: &'a aws::Clients,
    /// The pacing of the scanner's own account (STS, Organizations).
    caller_pacing: &'a Arc<pacing::Pacing>,
    pool: &'a Arc<aws::ClientPool>,
    caller: &'a str,
    home_region: &'a str,
    options: &'a CollectOptions,
    /// The scan's requests in flight.
    in_flight: &'a Arc<tokio::sync::Semaphore>,
}

async fn scan_account(scan_wide: &ScanWide<'_>, account: &str) -> AccountBatch {
    let ScanWide { base, base_clients, caller_pacing, pool, caller, home_region, options, in_flight } = *scan_wide;
    let mut scan = AccountBatch { account: account.to_string(), regions: None, skipped_regions: Vec::new(), collected: Collected::default() };
    let credentials = if account == caller {
        access::kept(base)
    } else {
        match access::assume(base, base_clients, caller_pacing, account, &options.role).await {
            Ok(c) => c.credentials_provider(),
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
    let Some(credentials) = credentials else {
        scan.collected.errors.push(ErrorRecord {
            account: account.to_string(),
            region: None,
            resource_type: None,
            resource_arn: None,
            code: ErrorCode::Internal,
            message: "no credentials provider for the account: nothing in this account was read".to_string(),
        });
        return scan;
    };
    let ctx = AccountCtx::new(account, home_region, credentials, pool.clone(), Bounds {
        requests_in_flight: options.request_concurrency,
        scan_in_flight: in_flight.clone(),
        quota_share: options.quota_share,
    });
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
                    collected.finished.retain(|s| !off.contains(&s.region));
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

/// Everything of one account in `regions`: every part of every requested type at the same time.
async fn collect_parts(ctx: &AccountCtx, regions: &[String], options: &CollectOptions) -> Collected {
    let fan_out = options.request_concurrency.max(1) * 2;
    let mut parts: Vec<resources::Deferred<'_>> =
        options.resource_types.iter().flat_map(|t| resources::parts(*t, ctx, regions, fan_out)).collect();
    // What places a principal or a network in the zone: read beside the resources.
    parts.push(Box::new(|| Box::pin(origin_access_identities::read(ctx))));
    parts.extend(regions.iter().map(|r| -> resources::Deferred<'_> { Box::new(move || Box::pin(networks::read(ctx, r))) }));
    // Four times as many parts at once as the account has requests in flight: every request
    // slot stays busy (a part of an empty region is one call), and only those parts are made.
    let at_once = options.request_concurrency.max(1) * 4;
    let mut done: Vec<(usize, Collected)> =
        stream::iter(parts.into_iter().enumerate()).map(|(i, start)| async move { (i, start().await) }).buffer_unordered(at_once).collect().await;
    // Merged in the order of the parts, whatever order they ended in.
    done.sort_by_key(|(i, _)| *i);
    let mut out = Collected::default();
    for (_, part) in done {
        out.merge(part);
    }
    out
}

/// The regions enabled in the account (account:ListRegions).
async fn enabled_regions(ctx: &AccountCtx) -> Result<BTreeSet<String>, Failure> {
    use aws_sdk_account::types::RegionOptStatus;
    let client = ctx.clients(&ctx.home_region).account;
    let pages = || client
        .list_regions()
        .region_opt_status_contains(RegionOptStatus::Enabled)
        .region_opt_status_contains(RegionOptStatus::EnabledByDefault)
        .into_paginator()
        .send();
    let regions = listing::all_pages(ctx, pacing::Api::at(&ctx.home_region, "account:ListRegions"), pages, |p| {
        p.regions().iter().filter_map(|r| r.region_name().map(str::to_string)).collect()
    })
    .await?;
    Ok(regions.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use resource_controls::{RcpFailure, RcpRead};

    fn account(id: &str, path: &str) -> AccountRecord {
        AccountRecord {
            id: id.into(),
            name: None,
            status: AccountStatus::Active,
            org_path: Some(path.into()),
            skipped: None,
            skipped_regions: Vec::new(),
            skipped_types: Vec::new(),
            regions: Some(vec!["us-east-1".into()]),
        }
    }

    #[test]
    fn an_unreadable_rcp_is_an_error_for_each_governed_scope_it_may_govern_outside_the_management_account() {
        let accounts = [
            account("100000000000", "o-x/r-1/"),
            account("100000000001", "o-x/r-1/ou-1/"),
            account("100000000002", "o-x/r-1/ou-2/"),
        ];
        let types = [ResourceType::SqsQueue, ResourceType::LambdaFunction, ResourceType::IamRole];
        let failure = |targets: Option<Vec<String>>| RcpRead {
            controls: None,
            failures: vec![RcpFailure {
                what: "resource control policy p-1 (x)".into(),
                targets,
                failure: Failure::new(ErrorCode::AccessDenied, "DescribePolicy p-1: denied"),
            }],
        };
        let on_ou = rcp_errors(&failure(Some(vec!["ou-1".into()])), &accounts, "100000000000", &types);
        let scopes: Vec<(&str, Option<ResourceType>)> = on_ou.iter().map(|e| (e.account.as_str(), e.resource_type)).collect();
        // Lambda is not governed by RCPs; SQS and roles (STS) are.
        assert_eq!(scopes, [("100000000001", Some(ResourceType::SqsQueue)), ("100000000001", Some(ResourceType::IamRole))]);
        assert!(on_ou.iter().all(|e| e.region.is_none() && e.code == ErrorCode::AccessDenied), "{on_ou:?}");
        // Targets unknown: every member account, never the management account.
        let unknown = rcp_errors(&failure(None), &accounts, "100000000000", &types);
        assert_eq!(unknown.len(), 4);
        assert!(unknown.iter().all(|e| e.account != "100000000000"));
    }
}
