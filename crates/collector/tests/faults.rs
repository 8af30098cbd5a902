//! The collector against the simulated AWS endpoint (`perimeter-simulator`), for what the
//! emulator cannot do: throttling, 5xx answers and dropped connections lose nothing; an
//! AssumeRole refusal makes exactly its account incomplete; a region that never answers makes
//! exactly that region incomplete; a region that is not enabled is skipped, not an error; and
//! the organization's pagination is followed to the end.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use perimeter_collector::{collect, AwsSettings, CollectOptions, Inventory};
use perimeter_model::{ErrorCode, ResourceType};
use perimeter_simulator::{serve, SimConfig, Simulator};

const REGIONS: [&str; 2] = ["us-east-1", "eu-west-1"];

/// Starts a simulator server; the settings reach it with test credentials.
async fn simulator(config: SimConfig, settings: AwsSettings) -> (Arc<Simulator>, AwsSettings) {
    let sim = Arc::new(Simulator::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let endpoint = format!("http://{}", listener.local_addr().expect("address"));
    tokio::spawn(serve(sim.clone(), listener));
    let settings = AwsSettings {
        endpoint_url: Some(endpoint),
        region: Some("us-east-1".into()),
        static_credentials: Some(("testing".into(), "testing".into())),
        ..settings
    };
    (sim, settings)
}

/// Starts a simulator server and scans it.
async fn scan(config: SimConfig, settings: AwsSettings) -> (Inventory, Arc<Simulator>) {
    let (sim, settings) = simulator(config, settings).await;
    let options = CollectOptions { regions: Some(REGIONS.map(str::to_string).to_vec()), ..CollectOptions::default() };
    let inventory = collect(&settings, &options, &|_| {}).await.expect("the scan runs");
    (inventory, sim)
}

/// Assumes the audit role in one member of a simulated organization: the member's config and
/// the log of the calls made.
async fn assume_member(config: SimConfig) -> (aws_config::SdkConfig, perimeter_collector::CallLog) {
    let (_sim, settings) = simulator(config, AwsSettings::default()).await;
    let base = perimeter_collector::aws::load_base_config(&settings).await;
    let log = perimeter_collector::CallLog::default();
    let pacing = std::sync::Arc::new(perimeter_collector::pacing::Pacing::new(perimeter_collector::pacing::DEFAULT_QUOTA_SHARE));
    let clients = perimeter_collector::aws::Clients::new(&base, &log, "caller");
    let role = perimeter_collector::RoleSpec { name: "OrganizationAccountAccessRole".into(), external_id: None };
    let member = perimeter_collector::access::assume(&base, &clients, &pacing, "100000000001", &role).await.expect("assume");
    (member, log)
}

fn org(accounts: usize) -> SimConfig {
    SimConfig { accounts, resources_per_account_region: 8, external_grant_rate: 0.3, ..SimConfig::default() }
}

fn resources(inventory: &Inventory) -> Vec<String> {
    inventory.resources.iter().map(|r| serde_json::to_string(r).unwrap_or_default()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pagination_is_followed_to_the_end() {
    let (clean, sim) = scan(org(25), AwsSettings::default()).await;
    assert!(clean.errors.is_empty(), "{:#?}", clean.errors);
    assert_eq!(clean.resources.len(), sim.resource_count(), "every simulated resource is collected");
    assert_eq!(clean.accounts.len(), 25, "ListAccounts is followed past its first page (20)");
    assert!(sim.unsupported().is_empty(), "unsupported calls: {:?}", sim.unsupported());
    assert!(sim.repeated().is_empty(), "answered twice: {:?}", sim.repeated());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn faults_are_retried_and_lose_nothing() {
    // The adaptive retry's client-side rate limiter slows a throttled scan down a lot (by
    // design), so this organization is small.
    faults_lose_nothing(SimConfig { resources_per_account_region: 4, ..org(3) }, 0.2).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn faults_on_every_resource_type_are_retried_and_lose_nothing() {
    // A slot per kind of the simulator's rotation: every type's reads (listings and the reads
    // of each resource) meet throttling, errors and dropped connections.
    let kinds = perimeter_model::ResourceType::ALL.len();
    // Less throttling than above: the adaptive retry's rate limiter would slow this wider scan
    // down for minutes, and every reader still meets faults.
    faults_lose_nothing(SimConfig { resources_per_account_region: kinds, ..org(1) }, 0.1).await;
}

/// A scan of `small` under injected faults (throttling at `throttle_rate`, some errors and
/// dropped connections) reads exactly what a clean scan reads.
async fn faults_lose_nothing(small: SimConfig, throttle_rate: f64) {
    // Short retry delays keep the test quick; the adaptive rate limiter still works as shipped.
    let settings = AwsSettings { initial_backoff: Some(Duration::from_millis(10)), ..AwsSettings::default() };
    let (clean, _) = scan(small.clone(), settings.clone()).await;
    assert!(clean.errors.is_empty(), "{:#?}", clean.errors);
    let faulty = SimConfig { throttle_rate, error_rate: 0.02, drop_rate: 0.02, ..small };
    let (faulted, sim) = scan(faulty, settings).await;
    assert!(sim.faults() > 20, "faults were injected: {}", sim.faults());
    assert!(faulted.errors.is_empty(), "{:#?}", faulted.errors);
    assert_eq!(resources(&faulted), resources(&clean), "the same resources as the clean run");
    assert_eq!(faulted.scopes, clean.scopes);
    assert!(faulted.calls.repeated().is_empty(), "no call sent twice (retries are not new calls)");
    assert!(sim.repeated().is_empty(), "answered twice: {:?}", sim.repeated());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_assume_role_refusal_makes_exactly_its_account_incomplete() {
    let (clean, _) = scan(org(5), AwsSettings::default()).await;
    let refused = "100000000003".to_string();
    let config = SimConfig { refuse_assume_role: BTreeSet::from([refused.clone()]), ..org(5) };
    let (inventory, _) = scan(config, AwsSettings::default()).await;
    assert_eq!(inventory.errors.len(), 1, "{:#?}", inventory.errors);
    let e = &inventory.errors[0];
    assert_eq!((e.account.as_str(), e.code, e.region.as_deref(), e.resource_type), (refused.as_str(), ErrorCode::AssumeRoleFailed, None, None));
    assert!(e.message.contains("AccessDenied"), "{}", e.message);
    assert!(inventory.scopes.iter().all(|s| s.account != refused), "no scope of the refused account is complete");
    let others = |inv: &Inventory| -> Vec<String> {
        inv.resources.iter().filter(|r| r.account != refused).map(|r| serde_json::to_string(r).unwrap_or_default()).collect()
    };
    assert_eq!(others(&inventory), others(&clean), "every other account is read as in the clean run");
    let clean_scopes: Vec<_> = clean.scopes.iter().filter(|s| s.account != refused).cloned().collect();
    assert_eq!(inventory.scopes, clean_scopes);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_region_that_never_answers_makes_exactly_that_region_incomplete() {
    let settings = AwsSettings { attempt_timeout: Some(Duration::from_millis(500)), max_attempts: Some(2), ..AwsSettings::default() };
    let (clean, _) = scan(org(3), settings.clone()).await;
    let config = SimConfig { hang_regions: BTreeSet::from(["eu-west-1".to_string()]), ..org(3) };
    let (inventory, _) = scan(config, settings).await;
    assert!(!inventory.errors.is_empty(), "the hanging region is reported");
    for e in &inventory.errors {
        assert_eq!(e.region.as_deref(), Some("eu-west-1"), "{e:?}");
        assert_eq!(e.code, ErrorCode::Timeout, "{e:?}");
    }
    let in_region = |inv: &Inventory, region: &str| -> Vec<String> {
        inv.resources.iter().filter(|r| r.region == region).map(|r| serde_json::to_string(r).unwrap_or_default()).collect()
    };
    assert_eq!(in_region(&inventory, "us-east-1"), in_region(&clean, "us-east-1"));
    assert_eq!(in_region(&inventory, "global"), in_region(&clean, "global"));
    assert!(inventory.scopes.iter().all(|s| s.region != "eu-west-1"));
    let clean_scopes: Vec<_> = clean.scopes.iter().filter(|s| s.region != "eu-west-1").cloned().collect();
    assert_eq!(inventory.scopes, clean_scopes, "every other region is complete");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn glacier_refusing_an_account_without_vaults_is_a_skipped_type_not_an_error() {
    // 20 slots per region: some accounts get a Glacier vault, the others none, and Glacier
    // refuses those (NoLongerSupportedException, as since 2025-12).
    let (inventory, sim) = scan(SimConfig { resources_per_account_region: 20, ..org(6) }, AwsSettings::default()).await;
    assert!(inventory.errors.is_empty(), "{:#?}", inventory.errors);
    let mut refused = 0;
    for a in &inventory.accounts {
        let holds = sim.org().account(&a.id).is_some_and(|x| x.regions.values().any(|r| !r.glacier_vaults.is_empty()));
        let skipped: Vec<&str> =
            a.skipped_types.iter().filter(|t| t.resource_type == ResourceType::GlacierVault).map(|t| t.region.as_str()).collect();
        if holds {
            assert!(skipped.is_empty(), "{}: {:?}", a.id, a.skipped_types);
        } else {
            refused += 1;
            assert_eq!(skipped, REGIONS.to_vec(), "{}: every region skipped", a.id);
            assert!(a.skipped_types.iter().all(|t| t.reason.contains("no longer supported")), "{:?}", a.skipped_types);
        }
        // Read to the end either way: every region's Glacier scope is complete.
        let scopes = inventory.scopes.iter().filter(|s| s.account == a.id && s.resource_type == ResourceType::GlacierVault).count();
        assert_eq!(scopes, REGIONS.len(), "{}", a.id);
    }
    assert!(refused > 0 && refused < inventory.accounts.len(), "some accounts hold vaults, some do not: {refused}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_region_that_is_not_enabled_is_skipped_not_an_error() {
    let config = SimConfig { disabled_regions: BTreeSet::from(["eu-west-1".to_string()]), ..org(3) };
    let (inventory, sim) = scan(config, AwsSettings::default()).await;
    assert!(inventory.errors.is_empty(), "{:#?}", inventory.errors);
    for a in &inventory.accounts {
        assert_eq!(a.skipped_regions, vec!["eu-west-1".to_string()], "{a:?}");
    }
    assert!(inventory.scopes.iter().all(|s| s.region != "eu-west-1"));
    assert_eq!(inventory.resources.len(), sim.resource_count());
    assert!(sim.counts().keys().all(|k| !k.is_empty()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn access_denied_on_one_bucket_makes_exactly_that_bucket_an_error() {
    let (clean, sim) = scan(org(3), AwsSettings::default()).await;
    let bucket = sim.org().accounts.iter().flat_map(|a| &a.buckets).next().expect("a bucket").name.clone();
    let arn = format!("arn:aws:s3:::{bucket}");
    let config = SimConfig { deny_params: BTreeSet::from([bucket.clone()]), ..org(3) };
    let (inventory, _) = scan(config, AwsSettings::default()).await;
    assert_eq!(inventory.errors.len(), 1, "{:#?}", inventory.errors);
    let e = &inventory.errors[0];
    assert_eq!((e.code, e.resource_arn.as_deref()), (ErrorCode::AccessDenied, Some(arn.as_str())), "{e:?}");
    let without = |inv: &Inventory| -> Vec<String> {
        inv.resources.iter().filter(|r| r.arn != arn).map(|r| serde_json::to_string(r).unwrap_or_default()).collect()
    };
    assert_eq!(without(&inventory), without(&clean), "everything else is read");
    assert!(inventory.resources.iter().all(|r| r.arn != arn), "no half-read record of the denied bucket");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn assumed_role_credentials_are_assumed_once_and_shared() {
    use aws_credential_types::provider::ProvideCredentials;
    let (member, log) = assume_member(org(2)).await;
    let provider = member.credentials_provider().expect("a provider");
    let first = provider.provide_credentials().await.expect("first credentials");
    assert!(first.expiry().is_some(), "the credentials say when they expire");
    assert_eq!(log.counts().get("STS:AssumeRole"), Some(&1), "the first credentials come from the up-front call");
    // Every client of the account asks (the SDK caches per client): still one AssumeRole.
    for _ in 0..5 {
        let again = provider.provide_credentials().await.expect("cached credentials");
        assert_eq!(again.access_key_id(), first.access_key_id());
    }
    assert_eq!(log.counts().get("STS:AssumeRole"), Some(&1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn assumed_role_credentials_are_renewed_before_they_expire() {
    use aws_credential_types::provider::ProvideCredentials;
    // Credentials that last 302 s are renewed 300 s before they expire: 2 s after they came.
    let (member, log) = assume_member(SimConfig { credential_lifetime: Duration::from_secs(302), ..org(2) }).await;
    let provider = member.credentials_provider().expect("a provider");
    provider.provide_credentials().await.expect("first credentials");
    assert_eq!(log.counts().get("STS:AssumeRole"), Some(&1));
    tokio::time::sleep(Duration::from_millis(2500)).await;
    provider.provide_credentials().await.expect("renewed credentials");
    assert_eq!(log.counts().get("STS:AssumeRole"), Some(&2), "renewed by a new AssumeRole");
    // And a member-account call still works with them.
    let sqs = aws_sdk_sqs::Client::new(&member);
    sqs.list_queues().send().await.expect("a call with the renewed credentials");
}

/// Guards the list of types across crates: the simulator serves every resource type the model
/// knows, and the collector reads each of them to the end in every scanned region.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_simulator_serves_every_resource_type_and_the_collector_reads_it() {
    // Enough slots per region for every kind of the simulator's rotation.
    let kinds = perimeter_model::ResourceType::ALL.len();
    let (inventory, sim) = scan(SimConfig { resources_per_account_region: kinds, ..org(3) }, AwsSettings::default()).await;
    assert!(inventory.errors.is_empty(), "{:?}", inventory.errors);
    for t in perimeter_model::ResourceType::ALL {
        assert!(inventory.resources.iter().any(|r| r.resource_type() == *t), "the simulator served no {t}");
        let regions: BTreeSet<&str> =
            inventory.scopes.iter().filter(|s| s.resource_type == *t).map(|s| s.region.as_str()).collect();
        let want: BTreeSet<&str> = if t.is_global() {
            [perimeter_model::GLOBAL_REGION].into()
        } else {
            REGIONS.into_iter().filter(|r| t.offered_in(r)).collect()
        };
        assert_eq!(regions, want, "{t}: the scopes read to the end");
    }
    // The organization's resource control policies: both, the identity perimeter with its OU,
    // AWS's Allow-only RCPFullAWSAccess without its (unlisted) targets.
    let controls = inventory.resource_controls.as_ref().expect("the RCPs were read");
    assert!(controls.enabled);
    let ids: Vec<(&str, &[String])> = controls.policies.iter().map(|p| (p.id.as_str(), p.targets.as_slice())).collect();
    let first_ou = sim.org().ous[0].id.clone();
    assert_eq!(ids, [("p-RCPFullAWSAccess", &[][..]), ("p-sim0perimeter", &[first_ou][..])]);

    // Directory buckets come with their access points (Internet and VPC ones, with policies).
    let directory_aps: Vec<&perimeter_model::S3AccessPoint> = inventory
        .resources
        .iter()
        .filter_map(|r| match &r.inputs {
            perimeter_model::ResourceInputs::S3ExpressDirectoryBucket(b) => Some(&b.access_points),
            _ => None,
        })
        .flatten()
        .collect();
    assert!(!directory_aps.is_empty(), "the simulator's directory buckets have access points");
    for ap in &directory_aps {
        assert!(ap.policy.is_some() && ap.name.ends_with("--xa-s3"), "{ap:?}");
        assert_eq!(ap.network_origin == perimeter_model::NetworkOrigin::Vpc, ap.vpc_id.is_some(), "{ap:?}");
    }

    // What places a principal or a network in the zone: every account's origin access identity
    // (its canonical ID too) and, in every region, its VPC and VPC endpoint, with their owners.
    let zone = &inventory.zone;
    for a in &sim.org().accounts {
        let owned = |prefix: &str| zone.networks.iter().filter(|(id, owner)| id.starts_with(prefix) && **owner == a.id).count();
        assert_eq!(owned("vpc-"), REGIONS.len(), "{}: one VPC per region: {:?}", a.id, zone.networks);
        assert_eq!(owned("vpce-"), REGIONS.len(), "{}: one VPC endpoint per region", a.id);
        assert_eq!(zone.origin_access_identities.values().filter(|owner| **owner == a.id).count(), 1, "{}", a.id);
    }
    assert!(zone.canonical_ids.len() >= 2 * sim.org().accounts.len(), "accounts' and identities' canonical IDs");

    // Every action of the audit role policy is sent against the simulator (the demo test against
    // the emulator checks the other direction, and cannot send what moto does not store).
    let listed = perimeter_testkit::audit_role_actions();
    let used: BTreeSet<String> = inventory
        .calls
        .calls()
        .iter()
        .filter_map(|c| perimeter_collector::required_action(&c.service, &c.operation))
        .filter(|a| !a.is_empty())
        .map(str::to_string)
        .collect();
    // GetBucketLocation is asked only when ListBuckets does not give a bucket's region (moto's
    // answers; the simulator's give it): the demo test against the emulator sends it.
    let unused: Vec<&String> = listed.difference(&used).filter(|a| *a != "s3:GetBucketLocation").collect();
    assert!(unused.is_empty(), "audit role actions the simulator scan never sent: {unused:?}");

    // Every call of every type went through the pacing, under its own API's quota.
    let calls = inventory.calls.calls();
    let astray: Vec<_> = calls.iter().filter(|c| !c.paced_as_itself()).map(|c| (&c.service, &c.operation, c.paced_as)).collect();
    assert!(astray.is_empty(), "calls not paced as themselves (service, operation, paced as): {astray:?}");
    assert!(calls.len() > 100, "{} calls", calls.len());
}

/// D3 of the reliability probe: a selection that names an account outside the organization (a
/// typo, an account that has left) or leaves nothing to scan is an error, never "complete, 0
/// accounts".
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn d3_an_account_selection_that_names_an_unknown_account_or_selects_none_is_an_error() {
    let (sim, settings) = simulator(org(3), AwsSettings::default()).await;
    let member = sim.org().accounts[1].id.clone();
    let cases = [
        (vec!["999999999999".to_string()], vec![], "999999999999"),
        (vec![member.clone(), "999999999999".to_string()], vec![], "999999999999"),
        (vec![], vec!["999999999999".to_string()], "999999999999"),
        (vec![member.clone()], vec![member.clone()], "no active account"),
    ];
    for (accounts, exclude_accounts, needle) in cases {
        let options = CollectOptions {
            regions: Some(REGIONS.map(str::to_string).to_vec()),
            accounts: accounts.clone(),
            exclude_accounts: exclude_accounts.clone(),
            ..CollectOptions::default()
        };
        match collect(&settings, &options, &|_| {}).await {
            Err(perimeter_collector::Error::Selection(message)) => assert!(message.contains(needle), "{message}"),
            other => panic!("{accounts:?} / {exclude_accounts:?}: expected a selection error, got {:?}", other.map(|i| i.accounts.len())),
        }
    }
}

/// D20 of the reliability probe: an endpoint that accepts connections and never answers used to
/// take 150 s (5 attempts x 30 s) to fail at the first call; the first call now has its own
/// short timeout, and the error names the endpoint.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn d20_a_silent_endpoint_fails_the_first_call_fast_and_is_named() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let endpoint = format!("http://{}", listener.local_addr().expect("address"));
    // Accept every connection and keep it open without a byte of answer.
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    let settings = AwsSettings {
        endpoint_url: Some(endpoint.clone()),
        region: Some("us-east-1".into()),
        static_credentials: Some(("testing".into(), "testing".into())),
        startup_timeout: Some(Duration::from_secs(2)),
        ..AwsSettings::default()
    };
    let started = std::time::Instant::now();
    let result = collect(&settings, &CollectOptions::default(), &|_| {}).await;
    let elapsed = started.elapsed();
    match result {
        Err(perimeter_collector::Error::Caller(message)) => assert!(message.contains(&endpoint), "{message}"),
        other => panic!("expected the first call to fail, got {:?}", other.map(|i| i.accounts.len())),
    }
    assert!(elapsed < Duration::from_secs(10), "it took {elapsed:?}");
}

/// Issue 18: raising the concurrency never turns into a storm. Twelve accounts at once, 32
/// requests in flight each, at a fifth of each quota: the simulator's clock shows no second in
/// which an account (or the scanner's own account, for STS) sent more requests to one quota
/// than its bucket allows, and the pacing did hold requests back (the twelve AssumeRoles of
/// the scanner's account are spread over seconds instead of sent at once).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_stay_within_each_quota_whatever_the_concurrency() {
    use perimeter_collector::pacing::quota;
    const SHARE: f64 = 0.2;
    let config = SimConfig { resources_per_account_region: 30, record_arrivals: true, ..org(12) };
    let (sim, settings) = simulator(config, AwsSettings::default()).await;
    let options = CollectOptions {
        regions: Some(REGIONS.map(str::to_string).to_vec()),
        account_concurrency: 12,
        request_concurrency: 32,
        quota_share: SHARE,
        ..CollectOptions::default()
    };
    let inventory = collect(&settings, &options, &|_| {}).await.expect("the scan runs");
    assert!(inventory.errors.is_empty(), "{:?}", inventory.errors);

    // The arrivals of each account, region and quota: APIs that share a quota (Lambda's control
    // plane, every API Gateway call) together.
    let mut by_quota: std::collections::BTreeMap<(String, &'static str), (perimeter_collector::pacing::Quota, Vec<std::time::Instant>)> =
        std::collections::BTreeMap::new();
    for (key, times) in sim.arrivals() {
        // `account|region|Service:Operation`, the service as the SDK names it.
        let (scope, api) = key.rsplit_once('|').unwrap_or_default();
        let (service, operation) = api.split_once(':').unwrap_or_default();
        let name: &'static str = Box::leak(format!("{}:{operation}", service.to_ascii_lowercase().replace(' ', "")).into_boxed_str());
        let Some(q) = quota(name) else { continue };
        by_quota.entry((scope.to_string(), q.key)).or_insert_with(|| (q, Vec::new())).1.extend(times);
    }
    let mut paced_keys = 0;
    let mut held_back = 0;
    for ((scope, key), (q, mut times)) in by_quota {
        paced_keys += 1;
        let (rate, burst) = (q.per_second * SHARE, (q.burst * SHARE).floor().max(1.0));
        let allowed = (burst + rate).floor() as usize + 1; // one for the network's jitter
        times.sort();
        let busiest = (0..times.len()).map(|i| times[i..].iter().take_while(|t| **t < times[i] + Duration::from_secs(1)).count()).max().unwrap_or(0);
        assert!(busiest <= allowed, "{scope} {key}: {busiest} requests within one second, the quota allows {allowed}");
        if times.len() > burst as usize {
            held_back += 1;
        }
    }
    assert!(paced_keys > 20, "only {paced_keys} paced keys were seen");
    assert!(held_back > 0, "no key had more requests than its burst: the test proves nothing");
    let management = &sim.org().accounts[0].id;
    let assumes = &sim.arrivals()[&format!("{management}|us-east-1|STS:AssumeRole")];
    let (Some(last), Some(first)) = (assumes.iter().max(), assumes.iter().min()) else { panic!("no AssumeRole arrived") };
    let spread = *last - *first;
    // One AssumeRole per member at 4 per second after a burst of 4 (less the token of
    // GetCallerIdentity, plus what refilled while the organization was read): unpaced, they
    // would all come within a few milliseconds.
    let least = Duration::from_secs_f64((assumes.len() as f64 - 4.0 - 2.0) / 4.0);
    assert!(assumes.len() >= 11 && spread >= least, "the {} AssumeRoles came within {spread:?}", assumes.len());
}
