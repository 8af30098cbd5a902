//! Starts the simulated AWS endpoint on a port (tests and benchmarks only) and prints it.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use clap::Parser;
use perimeter_simulator::{serve, SimConfig, Simulator};

/// A simulated AWS endpoint for a synthetic organization (never for production).
#[derive(Debug, Parser)]
struct Args {
    #[arg(long, default_value_t = 0)]
    port: u16,
    #[arg(long, default_value_t = 10)]
    accounts: usize,
    #[arg(long, value_delimiter = ',', default_value = "us-east-1,eu-west-1")]
    regions: Vec<String>,
    #[arg(long, default_value_t = 12)]
    resources: usize,
    #[arg(long, default_value_t = 0.1)]
    external_rate: f64,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,
    #[arg(long, default_value_t = 0.0)]
    throttle_rate: f64,
    #[arg(long, default_value_t = 0.0)]
    error_rate: f64,
    #[arg(long, default_value_t = 0.0)]
    drop_rate: f64,
    #[arg(long, value_delimiter = ',')]
    refuse_assume_role: Vec<String>,
    #[arg(long, value_delimiter = ',')]
    hang_regions: Vec<String>,
    #[arg(long, value_delimiter = ',')]
    disabled_regions: Vec<String>,
    /// Only the first N regions hold resources; the others only their default VPC.
    #[arg(long)]
    populated_regions: Option<usize>,
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let a = Args::parse();
    let set = |v: Vec<String>| v.into_iter().collect::<BTreeSet<_>>();
    let config = SimConfig {
        accounts: a.accounts,
        regions: a.regions,
        resources_per_account_region: a.resources,
        external_grant_rate: a.external_rate,
        seed: a.seed,
        latency: Duration::from_millis(a.latency_ms),
        throttle_rate: a.throttle_rate,
        error_rate: a.error_rate,
        drop_rate: a.drop_rate,
        refuse_assume_role: set(a.refuse_assume_role),
        hang_regions: set(a.hang_regions),
        disabled_regions: set(a.disabled_regions),
        populated_regions: a.populated_regions,
        ..SimConfig::default()
    };
    let sim = Arc::new(Simulator::new(config));
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", a.port)).await?;
    #[allow(clippy::print_stdout)]
    {
        println!("endpoint http://{}", listener.local_addr()?);
        println!("resources {} external_grants {}", sim.resource_count(), sim.external_grants());
    }
    serve(sim, listener).await;
    Ok(())
}
