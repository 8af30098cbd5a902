//! Pacing of requests within AWS's published request quotas. Every call names its API
//! (`service:Operation`, as the call log names it) and region; the APIs whose quota AWS
//! publishes (or that are known to be low) are paced per account, region and quota, at a share
//! of the quota (`scan.quota_share`, half by default) so that the account's own workloads keep
//! the rest. The table and its sources are in docs/performance.md ("Request quotas").
//!
//! A quota is a token bucket (AWS's own model, EC2's page describes it): `burst` requests at
//! once, then one every `1 / rate` seconds. The pacer is the virtual-scheduling form of it
//! (GCRA): each request reserves the earliest send time the bucket allows and waits for it,
//! before it takes a place among the account's requests in flight, and outside the SDK's
//! attempt timeout. Retries are not paced here: a throttled answer is retried by the SDK's
//! adaptive mode, which slows down on its own.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// One API call as paced: the region of its endpoint and `service:Operation`, where the service
/// is the SDK's name lowercased without spaces (`s3control`, `dynamodbstreams`) or the name the
/// call log records it under (`s3express`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Api<'a> {
    pub region: &'a str,
    pub name: &'static str,
}

impl<'a> Api<'a> {
    pub fn at(region: &'a str, name: &'static str) -> Api<'a> {
        Api { region, name }
    }

    /// The operation alone (`GetPolicy`), as error messages name it.
    pub fn operation(&self) -> &'static str {
        self.name.split_once(':').map_or(self.name, |(_, op)| op)
    }
}

/// The region under which the scanner's own account's calls are paced (Organizations, and STS:
/// one budget for the whole scan, whatever endpoint serves it).
pub const GLOBAL: &str = "global";

/// The quota an API's requests count against, per account and region.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Quota {
    /// The quota's name: the API itself, or the service when its APIs share one quota.
    pub key: &'static str,
    /// Requests per second once the burst is spent.
    pub per_second: f64,
    /// Requests at once.
    pub burst: f64,
}

/// The quota of an API, or `None` for an API that is not paced (its quota is not published and
/// not known to be low: the account's bound on requests in flight and the SDK's adaptive
/// retries keep it in check). docs/performance.md gives the source of each number.
pub fn quota(name: &'static str) -> Option<Quota> {
    let q = |key, per_second, burst| Some(Quota { key, per_second, burst });
    let service = name.split_once(':').map_or(name, |(s, _)| s);
    match (service, name) {
        // Account Management quotas: ListRegions 5 per second, burst 5.
        (_, "account:ListRegions") => q(name, 5.0, 5.0),
        // "You can call ListStreams at a maximum rate of 5 times per second" (DynamoDB Streams).
        (_, "dynamodbstreams:ListStreams") => q(name, 5.0, 5.0),
        // "ListStreams has a limit of 5 transactions per second per account" (Kinesis).
        (_, "kinesis:ListStreams") => q(name, 5.0, 5.0),
        // API Gateway: 10 requests per second, burst 40, for all management calls together.
        ("apigateway", _) => q("apigateway", 10.0, 40.0),
        // Lambda: GetPolicy 15 per second; the rest of the control plane 15 per second together.
        (_, "lambda:GetPolicy") => q(name, 15.0, 15.0),
        ("lambda", _) => q("lambda", 15.0, 15.0),
        // EC2: a token bucket per API; non-mutating APIs hold 100 tokens and refill 20 per second.
        ("ec2", _) => q(name, 20.0, 100.0),
        // SNS: "This action is throttled at 30 transactions per second" (ListTopics).
        (_, "sns:ListTopics") => q(name, 30.0, 30.0),
        // Secrets Manager: GetResourcePolicy 50 per second (with the other resource-policy
        // APIs), ListSecrets 100 per second.
        (_, "secretsmanager:GetResourcePolicy") => q(name, 50.0, 50.0),
        (_, "secretsmanager:ListSecrets") => q(name, 100.0, 100.0),
        // DynamoDB's control plane: 2,500 per second. CodeArtifact: 800 reads per second.
        ("dynamodb", _) => q("dynamodb", 2500.0, 2500.0),
        ("codeartifact", _) => q("codeartifact", 800.0, 800.0),
        // Not published, and low: STS and Organizations count against the scanner's own account
        // however many accounts are scanned; IAM is one global endpoint per account.
        ("sts", _) => q("sts", 20.0, 20.0),
        ("organizations", _) => q("organizations", 10.0, 10.0),
        ("iam", _) => q("iam", 10.0, 10.0),
        _ => None,
    }
}

/// The share of each quota the scan may use, when the config does not say.
pub const DEFAULT_QUOTA_SHARE: f64 = 0.5;

/// The pacers of one account (or of the scanner's own account), one per region and quota,
/// made on first use.
#[derive(Debug)]
pub struct Pacing {
    share: f64,
    pacers: Mutex<HashMap<(String, &'static str), Arc<Pacer>>>,
}

impl Pacing {
    /// Pacing at `share` (0 to 1] of each quota.
    pub fn new(share: f64) -> Pacing {
        Pacing { share: share.clamp(f64::MIN_POSITIVE, 1.0), pacers: Mutex::new(HashMap::new()) }
    }

    /// The pacer of `api`'s quota, or `None` for an API that is not paced.
    pub fn pacer(&self, api: Api<'_>) -> Option<Arc<Pacer>> {
        let quota = quota(api.name)?;
        let mut pacers = match self.pacers.lock() {
            Ok(p) => p,
            Err(poisoned) => poisoned.into_inner(),
        };
        let pacer = pacers
            .entry((api.region.to_string(), quota.key))
            .or_insert_with(|| Arc::new(Pacer::new(quota.per_second * self.share, (quota.burst * self.share).floor().max(1.0))));
        Some(pacer.clone())
    }

    /// Waits for `api`'s turn under its quota, then runs `request` (with `api` declared, for
    /// the call log to check).
    pub async fn call<F: Future>(&self, api: Api<'_>, request: F) -> F::Output {
        if let Some(pacer) = self.pacer(api) {
            let at = pacer.reserve(Instant::now());
            tokio::time::sleep_until(tokio::time::Instant::from_std(at)).await;
        }
        DECLARED.scope(api.name, request).await
    }
}

tokio::task_local! {
    /// The API the request being sent was paced as.
    static DECLARED: &'static str;
}

/// The API the current request was paced as, if it went through [`Pacing::call`].
pub fn declared() -> Option<&'static str> {
    DECLARED.try_with(|name| *name).ok()
}

/// One quota's token bucket, as a schedule of send times.
#[derive(Debug)]
pub struct Pacer {
    /// Time between two requests once the burst is spent.
    interval: Duration,
    /// How far ahead of the schedule a request may go: the burst less one interval.
    tolerance: Duration,
    /// The theoretical arrival time of the next request; `None` before the first.
    next: Mutex<Option<Instant>>,
}

impl Pacer {
    /// A bucket of `burst` requests refilled at `per_second`.
    pub fn new(per_second: f64, burst: f64) -> Pacer {
        let interval = Duration::from_secs_f64(1.0 / per_second.clamp(f64::MIN_POSITIVE, 1e9));
        let tolerance = interval.mul_f64((burst.max(1.0) - 1.0).min(1e6));
        Pacer { interval, tolerance, next: Mutex::new(None) }
    }

    /// Reserves the earliest time at or after `now` a request may be sent, and counts it.
    pub fn reserve(&self, now: Instant) -> Instant {
        let mut next = match self.next.lock() {
            Ok(n) => n,
            Err(poisoned) => poisoned.into_inner(),
        };
        let theoretical = next.map_or(now, |n| n.max(now));
        let at = theoretical.checked_sub(self.tolerance).map_or(now, |t| t.max(now));
        *next = Some(theoretical + self.interval);
        at
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The send times of `n` requests all made at `start`.
    fn schedule(pacer: &Pacer, start: Instant, n: usize) -> Vec<Duration> {
        (0..n).map(|_| pacer.reserve(start) - start).collect()
    }

    #[test]
    fn a_burst_goes_at_once_and_the_rest_at_the_rate() {
        let pacer = Pacer::new(5.0, 3.0);
        let start = Instant::now();
        let ms: Vec<u128> = schedule(&pacer, start, 6).iter().map(Duration::as_millis).collect();
        assert_eq!(ms, vec![0, 0, 0, 200, 400, 600]);
    }

    #[test]
    fn no_window_of_one_second_holds_more_than_burst_plus_rate() {
        // Requests arrive in clumps at random-looking times; whatever the arrivals, the sends
        // in any window of a second are at most burst + rate (the bucket's own bound).
        let pacer = Pacer::new(10.0, 4.0);
        let start = Instant::now();
        let mut sends = Vec::new();
        for i in 0..200u64 {
            let arrival = start + Duration::from_millis((i * 37) % 1000 + (i / 50) * 1000);
            sends.push(pacer.reserve(arrival));
        }
        sends.sort();
        for (i, first) in sends.iter().enumerate() {
            let in_window = sends[i..].iter().take_while(|s| **s < *first + Duration::from_secs(1)).count();
            assert!(in_window <= 14, "{in_window} sends within a second of {:?}", *first - start);
        }
    }

    #[test]
    fn an_idle_bucket_fills_up_again_but_no_further_than_its_burst() {
        let pacer = Pacer::new(2.0, 2.0);
        let start = Instant::now();
        assert_eq!(schedule(&pacer, start, 3), vec![Duration::ZERO, Duration::ZERO, Duration::from_millis(500)]);
        // Ten seconds later the bucket holds two again, not twenty.
        let later = start + Duration::from_secs(10);
        assert_eq!(schedule(&pacer, later, 3), vec![Duration::ZERO, Duration::ZERO, Duration::from_millis(500)]);
    }

    #[test]
    fn the_share_scales_rate_and_burst_and_apis_of_one_quota_share_a_pacer() {
        let pacing = Pacing::new(0.5);
        let get_policy = pacing.pacer(Api::at("eu-west-1", "lambda:GetPolicy")).expect("a paced API");
        let list = pacing.pacer(Api::at("eu-west-1", "lambda:ListFunctions")).expect("a paced API");
        let aliases = pacing.pacer(Api::at("eu-west-1", "lambda:ListAliases")).expect("a paced API");
        let elsewhere = pacing.pacer(Api::at("us-east-1", "lambda:ListAliases")).expect("a paced API");
        assert!(Arc::ptr_eq(&list, &aliases), "the rest of Lambda's control plane shares one quota");
        assert!(!Arc::ptr_eq(&get_policy, &list), "GetPolicy has its own");
        assert!(!Arc::ptr_eq(&aliases, &elsewhere), "quotas are per region");
        // 15 per second at half: 7 at once, then one every 1/7.5 s.
        let start = Instant::now();
        let times = schedule(&get_policy, start, 8);
        assert_eq!(times[6], Duration::ZERO);
        assert_eq!(times[7].as_millis(), 133);
        assert!(pacing.pacer(Api::at("eu-west-1", "s3:GetBucketPolicy")).is_none(), "S3 publishes no such quota");
        // EC2's buckets are per API.
        let vpcs = pacing.pacer(Api::at("eu-west-1", "ec2:DescribeVpcs")).expect("a paced API");
        let snapshots = pacing.pacer(Api::at("eu-west-1", "ec2:DescribeSnapshots")).expect("a paced API");
        assert!(!Arc::ptr_eq(&vpcs, &snapshots));
    }

    #[test]
    fn the_operation_is_the_part_after_the_service() {
        assert_eq!(Api::at("us-east-1", "s3control:GetAccessPointPolicy").operation(), "GetAccessPointPolicy");
    }
}
