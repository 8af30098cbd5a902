//! What the simulator simulates: the size and shape of the synthetic organization (from a seed),
//! how slow every answer is, and which faults it injects.

use std::collections::BTreeSet;
use std::time::Duration;

/// The simulation's settings. Everything about the organization is derived from these and
/// `seed`: the same settings give the same organization, byte for byte.
#[derive(Debug, Clone, PartialEq)]
pub struct SimConfig {
    /// Accounts in the organization, the management account included (at least 1).
    pub accounts: usize,
    /// Enabled regions; the first one also holds the account's IAM roles (IAM is global).
    pub regions: Vec<String>,
    /// Resources generated in each (account, region).
    pub resources_per_account_region: usize,
    /// Probability that a resource also carries one grant to someone outside the organization.
    pub external_grant_rate: f64,
    pub seed: u64,
    /// Delay before every answer (the server sleeps it; [`crate::Simulator::handle`] reports it).
    pub latency: Duration,
    /// Per-attempt probability of a throttling error.
    pub throttle_rate: f64,
    /// Per-attempt probability of a 500 internal error.
    pub error_rate: f64,
    /// Per-attempt probability of closing the connection without an answer.
    pub drop_rate: f64,
    /// The same logical request is never faulted more often than this in a row.
    pub max_consecutive_faults: u32,
    /// Accounts whose role cannot be assumed (AssumeRole answers 403 AccessDenied).
    pub refuse_assume_role: BTreeSet<String>,
    /// Regions whose requests never get an answer (global services excepted).
    pub hang_regions: BTreeSet<String>,
    /// Regions that account:ListRegions reports as DISABLED in every account; requests signed
    /// for them are refused as real AWS refuses them (invalid token).
    pub disabled_regions: BTreeSet<String>,
    /// Requests whose parameters contain one of these texts (a bucket name, a key ID, …) are
    /// refused with 403 AccessDenied, as a bucket policy's or an SCP's Deny would refuse them.
    pub deny_params: BTreeSet<String>,
    /// How long the credentials that AssumeRole issues last (AWS's default: one hour).
    pub credential_lifetime: Duration,
    /// Only the first this many enabled regions hold resources; the others hold only their
    /// default VPC, as the many regions a real organization enables but does not use (`None`:
    /// every region holds resources).
    pub populated_regions: Option<usize>,
    /// Keep the arrival time of every request, per caller account, region and operation
    /// ([`crate::Simulator::arrivals`]): tests check the client's pacing with it.
    pub record_arrivals: bool,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            accounts: 10,
            regions: vec!["us-east-1".to_string(), "eu-west-1".to_string()],
            resources_per_account_region: 12,
            external_grant_rate: 0.1,
            seed: 1,
            latency: Duration::ZERO,
            throttle_rate: 0.0,
            error_rate: 0.0,
            drop_rate: 0.0,
            max_consecutive_faults: 2,
            refuse_assume_role: BTreeSet::new(),
            hang_regions: BTreeSet::new(),
            disabled_regions: BTreeSet::new(),
            deny_params: BTreeSet::new(),
            credential_lifetime: Duration::from_secs(3600),
            populated_regions: None,
            record_arrivals: false,
        }
    }
}
