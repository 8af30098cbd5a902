//! `perimeter scan`'s arguments (as clap reads them) and the scan plan they are validated into,
//! together with the config, before anything runs (ripgrep's low-level/high-level split): every
//! flag that overrides a config key is resolved here, every value is checked with an error that
//! names it, and the rest of the scan sees only the [`ScanPlan`].

use std::path::PathBuf;

use anyhow::{ensure, Context};
use perimeter_collector::{CollectOptions, RoleSpec};
use perimeter_model::{ResourceType, ZoneAccount, ZoneAccountKind};
use perimeter_report::ArchiveRule;

use crate::config::{Config, FailOn, TrustedAccount};

/// At most this many accounts are scanned at once: beyond it, AWS's per-account API quotas
/// (STS, Organizations) throttle more than concurrency gains.
pub const MAX_ACCOUNT_CONCURRENCY: usize = 256;
/// At most this many requests in flight per account.
pub const MAX_REQUEST_CONCURRENCY: usize = 128;

/// Parses a resource type name for clap (the model parses every type name).
pub fn resource_type(s: &str) -> Result<ResourceType, String> {
    ResourceType::parse(s).map_err(|e| e.to_string())
}

/// The long help of a resource type argument: every name the model knows.
pub fn resource_types_help() -> String {
    let names: Vec<&str> = ResourceType::ALL.iter().map(|t| t.as_str()).collect();
    format!("Resource types, as Access Analyzer names them: {}", names.join(", "))
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The TOML config (see config/perimeter.example.toml).
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Evaluate a saved inventory (JSON Lines) instead of reading AWS.
    #[arg(long, value_name = "FILE")]
    pub from_inventory: Option<PathBuf>,
    /// Regions to scan (comma separated); default: the regions enabled in each account.
    #[arg(long, value_delimiter = ',')]
    pub regions: Option<Vec<String>>,
    #[arg(long)]
    pub role_name: Option<String>,
    #[arg(long)]
    pub external_id: Option<String>,
    /// Only these accounts (comma separated).
    #[arg(long, value_delimiter = ',')]
    pub accounts: Option<Vec<String>>,
    #[arg(long, value_delimiter = ',')]
    pub exclude_accounts: Option<Vec<String>>,
    /// Resource types (comma separated Access Analyzer names); default: every type.
    #[arg(long, value_delimiter = ',', value_parser = resource_type, long_help = resource_types_help())]
    pub resource_types: Option<Vec<ResourceType>>,
    /// Accounts' worth of requests in flight for the whole scan (times the requests per
    /// account); up to twice as many accounts are read at once.
    #[arg(long)]
    pub concurrency: Option<usize>,
    /// Directory for findings.csv and findings.json.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// The findings store (SQLite).
    #[arg(long, value_name = "FILE")]
    pub db: Option<PathBuf>,
    /// Also write the inventory read (JSON Lines).
    #[arg(long, value_name = "FILE")]
    pub inventory_out: Option<PathBuf>,
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
    /// Start findings.csv with a UTF-8 byte order mark.
    #[arg(long)]
    pub csv_bom: bool,
}

/// Where the scan's records come from.
#[derive(Debug, Clone)]
pub enum Source {
    /// The organization, read live with the standard credential chain.
    Live(CollectOptions),
    /// A saved inventory (JSON Lines), evaluated offline.
    Inventory(PathBuf),
}

/// Everything a scan does, validated.
#[derive(Debug, Clone)]
pub struct ScanPlan {
    pub source: Source,
    /// The types evaluated and reported.
    pub resource_types: Vec<ResourceType>,
    pub db: PathBuf,
    pub out_dir: PathBuf,
    pub inventory_out: Option<PathBuf>,
    pub fail_on: FailOn,
    pub csv_bom: bool,
    /// Accounts outside the organization that are inside the zone.
    pub trusted: Vec<(String, ZoneAccount)>,
    pub archive_rules: Vec<ArchiveRule>,
}

impl ScanPlan {
    /// Reads the config named by the arguments (if any) and validates both into a plan.
    pub fn from_args(args: &Args) -> anyhow::Result<ScanPlan> {
        let config = match &args.config {
            Some(path) => Config::load(path)?,
            None => Config::default(),
        };
        ScanPlan::new(args, config)
    }

    /// Validates the arguments over the config (a flag wins over its config key).
    pub fn new(args: &Args, config: Config) -> anyhow::Result<ScanPlan> {
        let resource_types = match args.resource_types.clone() {
            Some(types) => types,
            None => match &config.scan.resource_types {
                Some(names) => names
                    .iter()
                    .map(|n| ResourceType::parse(n))
                    .collect::<Result<Vec<_>, _>>()
                    .context("config key scan.resource_types")?,
                None => ResourceType::ALL.to_vec(),
            },
        };
        ensure!(!resource_types.is_empty(), "no resource type to scan (`--resource-types` or scan.resource_types is empty)");
        let resource_types = dedup(resource_types);

        let accounts = args.accounts.clone().unwrap_or(config.scan.accounts.clone());
        let exclude_accounts = args.exclude_accounts.clone().unwrap_or(config.scan.exclude_accounts.clone());
        for (what, list) in [("--accounts / scan.accounts", &accounts), ("--exclude-accounts / scan.exclude_accounts", &exclude_accounts)] {
            for id in list {
                ensure!(is_account_id(id), "{what}: `{id}` is not a 12-digit account ID");
            }
        }
        let account_concurrency = args.concurrency.or(config.scan.concurrency).unwrap_or(8);
        ensure!(
            (1..=MAX_ACCOUNT_CONCURRENCY).contains(&account_concurrency),
            "--concurrency / scan.concurrency must be between 1 and {MAX_ACCOUNT_CONCURRENCY} (it is {account_concurrency})"
        );
        let request_concurrency = config.scan.requests_per_account.unwrap_or(16);
        ensure!(
            (1..=MAX_REQUEST_CONCURRENCY).contains(&request_concurrency),
            "scan.requests_per_account must be between 1 and {MAX_REQUEST_CONCURRENCY} (it is {request_concurrency})"
        );
        let quota_share = config.scan.quota_share.unwrap_or(perimeter_collector::pacing::DEFAULT_QUOTA_SHARE);
        ensure!(
            quota_share > 0.0 && quota_share <= 1.0,
            "scan.quota_share must be more than 0 and at most 1 (it is {quota_share}): the share of each AWS request quota the scan may use"
        );
        let regions = args.regions.clone().or(config.scan.regions.clone());
        if let Some(regions) = &regions {
            ensure!(!regions.is_empty(), "--regions / scan.regions is empty (leave it out to scan every enabled region)");
            for r in regions {
                ensure!(is_region_name(r), "`{r}` is not an AWS region name (like `us-east-1`)");
            }
        }

        let source = match &args.from_inventory {
            Some(path) => Source::Inventory(path.clone()),
            None => Source::Live(CollectOptions {
                regions: regions.map(dedup),
                role: RoleSpec {
                    name: args
                        .role_name
                        .clone()
                        .or(config.scan.role_name.clone())
                        .unwrap_or_else(|| "OrganizationAccountAccessRole".into()),
                    external_id: args.external_id.clone().or(config.scan.external_id.clone()),
                },
                accounts,
                exclude_accounts,
                resource_types: resource_types.clone(),
                account_concurrency,
                request_concurrency,
                quota_share,
                // The binary only counts its calls: it does not keep millions of them.
                keep_calls: false,
            }),
        };
        Ok(ScanPlan {
            source,
            resource_types,
            db: args.db.clone().or(config.store.path.clone()).unwrap_or_else(|| PathBuf::from("perimeter.db")),
            out_dir: args.out.clone().or(config.output.dir.clone()).unwrap_or_else(|| PathBuf::from("perimeter-out")),
            inventory_out: args.inventory_out.clone(),
            fail_on: args.fail_on.or(config.scan.fail_on).unwrap_or(FailOn::Active),
            csv_bom: args.csv_bom || config.output.csv_bom,
            trusted: config.trusted_accounts.iter().map(trusted).collect(),
            archive_rules: config.archive_rules,
        })
    }
}

fn trusted(t: &TrustedAccount) -> (String, ZoneAccount) {
    (t.id.clone(), ZoneAccount { name: Some(t.label.clone()), kind: ZoneAccountKind::Trusted })
}

/// The list with repeats removed, first occurrence kept (a region or type named twice is
/// scanned once).
fn dedup<T: PartialEq>(list: Vec<T>) -> Vec<T> {
    let mut out: Vec<T> = Vec::with_capacity(list.len());
    for x in list {
        if !out.contains(&x) {
            out.push(x);
        }
    }
    out
}

pub fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// `us-east-1`, `ap-southeast-2`, `us-gov-west-1`, `eu-central-2`: lowercase words joined by
/// `-`, ending in a number.
fn is_region_name(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() >= 3
        && parts.last().is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        && parts[..parts.len() - 1].iter().all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Debug, Parser)]
    struct Cli {
        #[command(flatten)]
        args: Args,
    }

    fn plan(argv: &[&str], config: &str) -> anyhow::Result<ScanPlan> {
        let cli = Cli::try_parse_from(std::iter::once("scan").chain(argv.iter().copied()))?;
        ScanPlan::new(&cli.args, Config::parse(config)?)
    }

    #[test]
    fn flags_override_the_config_and_every_type_is_the_default() {
        let p = plan(&["--concurrency", "3", "--regions", "eu-west-1,eu-west-1"], "[scan]\nconcurrency = 5\nregions = [\"us-east-1\"]\n")
            .expect("plan");
        let Source::Live(options) = &p.source else { panic!("a live scan") };
        assert_eq!(options.account_concurrency, 3);
        assert_eq!(options.regions, Some(vec!["eu-west-1".to_string()]), "flag wins, repeats removed");
        assert_eq!(p.resource_types, ResourceType::ALL.to_vec());
        assert_eq!(p.fail_on, FailOn::Active);
    }

    #[test]
    fn d18_bad_values_are_errors_that_name_them() {
        for (argv, config, needle) in [
            (&["--resource-types", "AWS::S3::Buckets"][..], "", "AWS::S3::Buckets"),
            (&[][..], "[scan]\nresource_types = [\"AWS::SNS::Topix\"]\n", "AWS::SNS::Topix"),
            (&["--accounts", "12345"][..], "", "`12345`"),
            (&["--exclude-accounts", "1111111111111"][..], "", "`1111111111111`"),
            (&["--concurrency", "0"][..], "", "--concurrency"),
            (&["--concurrency", "100000"][..], "", "between 1 and"),
            (&[][..], "[scan]\nquota_share = 0.0\n", "quota_share"),
            (&[][..], "[scan]\nquota_share = 1.5\n", "quota_share"),
            (&[][..], "[scan]\nrequests_per_account = 0\n", "requests_per_account"),
            (&["--regions", "us-east1"][..], "", "`us-east1`"),
            (&[][..], "[scan]\nregions = []\n", "empty"),
        ] {
            let err = plan(argv, config).expect_err(needle);
            assert!(format!("{err:#}").contains(needle), "{argv:?} {config:?}: {err:#}");
        }
    }

    #[test]
    fn d7_a_repeated_region_or_type_is_read_once() {
        let p = plan(&["--regions", "us-east-1,eu-west-1,us-east-1", "--resource-types", "AWS::SQS::Queue,aws::sqs::queue"], "")
            .expect("plan");
        let Source::Live(options) = &p.source else { panic!("a live scan") };
        assert_eq!(options.regions, Some(vec!["us-east-1".to_string(), "eu-west-1".to_string()]));
        assert_eq!(p.resource_types, vec![ResourceType::SqsQueue]);
        assert_eq!(options.resource_types, vec![ResourceType::SqsQueue]);
    }

    #[test]
    fn region_names() {
        for ok in ["us-east-1", "ap-southeast-2", "us-gov-west-1", "eu-central-2", "il-central-1"] {
            assert!(is_region_name(ok), "{ok}");
        }
        for bad in ["us-east", "US-EAST-1", "us-east-1a", "", "global", "us--1"] {
            assert!(!is_region_name(bad), "{bad}");
        }
    }
}
