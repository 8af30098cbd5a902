//! The scan benchmark (issue 6): a whole collection of a synthetic organization served by the
//! simulated AWS endpoint with a fixed latency per call. Prints the wall time, the lower bound
//! that the latency and the configured concurrency imply, their ratio, the API calls made (and
//! whether any was made twice for the same thing), and the process's peak memory.
//!
//! `cargo bench -p perimeter-collector --bench scan` runs 1,000 accounts x 2 regions x 20
//! resources at 50 ms per call. Sizes come from the environment: PERIMETER_BENCH_ACCOUNTS,
//! _REGIONS, _RESOURCES (per account and region), _LATENCY_MS, _ACCOUNT_CONCURRENCY,
//! _REQUEST_CONCURRENCY.
#![allow(clippy::print_stdout, clippy::unwrap_used)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use perimeter_collector::{collect, AwsSettings, CollectOptions};
use perimeter_simulator::{serve, SimConfig, Simulator};

fn env(name: &str, default: u64) -> u64 {
    std::env::var(format!("PERIMETER_BENCH_{name}")).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// Peak resident memory of this process (VmHWM), in MiB.
fn peak_memory_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn main() {
    let accounts = env("ACCOUNTS", 1000) as usize;
    let regions: Vec<String> =
        ["us-east-1", "eu-west-1", "ap-southeast-2", "us-west-2"].iter().take(env("REGIONS", 2) as usize).map(|r| r.to_string()).collect();
    let resources = env("RESOURCES", 20) as usize;
    let latency = Duration::from_millis(env("LATENCY_MS", 50));
    let account_concurrency = env("ACCOUNT_CONCURRENCY", 8) as usize;
    let request_concurrency = env("REQUEST_CONCURRENCY", 16) as usize;

    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    let config = SimConfig {
        accounts,
        regions: regions.clone(),
        resources_per_account_region: resources,
        external_grant_rate: 0.05,
        latency,
        ..SimConfig::default()
    };
    let sim = Arc::new(Simulator::new(config));
    let listener = runtime.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    runtime.spawn(serve(sim.clone(), listener));

    let settings = AwsSettings {
        endpoint_url: Some(endpoint),
        region: Some("us-east-1".into()),
        static_credentials: Some(("testing".into(), "testing".into())),
        ..AwsSettings::default()
    };
    let options = CollectOptions { regions: Some(regions.clone()), account_concurrency, request_concurrency, ..CollectOptions::default() };
    let started = Instant::now();
    let inventory = runtime.block_on(collect(&settings, &options, &|_| {})).unwrap();
    let wall = started.elapsed();

    let calls = inventory.calls.calls().len();
    // Every call takes at least one latency, and at most account_concurrency x
    // request_concurrency calls are in flight (discovery, before the accounts, runs alone).
    let in_flight = (account_concurrency * request_concurrency) as f64;
    let lower_bound = latency.as_secs_f64() * calls as f64 / in_flight;
    println!(
        "scan: {accounts} accounts x {} regions x {resources} resources/region, {} ms per call, {account_concurrency} accounts x {request_concurrency} requests in flight",
        regions.len(),
        latency.as_millis()
    );
    println!("  resources collected: {} (simulated: {}), errors: {}", inventory.resources.len(), sim.resource_count(), inventory.errors.len());
    println!("  API calls: {calls} (server answered {}), made twice for the same thing: {} (server: {})", sim.total(), inventory.calls.repeated().len(), sim.repeated().len());
    println!("  wall time: {:.1} s; lower bound from latency and concurrency: {:.1} s; ratio: {:.2}", wall.as_secs_f64(), lower_bound, wall.as_secs_f64() / lower_bound);
    println!("  peak memory: {:.0} MiB", peak_memory_mib());
    for (call, n) in inventory.calls.repeated().iter().take(5) {
        println!("  made {n} times: {}:{} in {} {}: {}", call.service, call.operation, call.account, call.region, call.input);
    }
}
