//! The TOML configuration (`config/perimeter.example.toml` documents every key). Unknown keys
//! are an error that names the key and its line. Credentials never come from this file.

use std::path::{Path, PathBuf};

use anyhow::Context;
use perimeter_report::ArchiveRule;
use serde::Deserialize;


/// When the exit code of a scan is 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum FailOn {
    /// Any NEW or ACTIVE finding.
    Active,
    /// Only NEW findings.
    New,
    /// Never (errors still give 2).
    None,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub scan: ScanSection,
    #[serde(default)]
    pub output: OutputSection,
    #[serde(default)]
    pub store: StoreSection,
    /// The zone of trust for offline checks (`check-policy --config`); a scan reads it from
    /// the organization itself.
    #[serde(default)]
    pub zone: ZoneSection,
    /// Accounts outside the organization whose access is trusted (a vendor, say).
    #[serde(default)]
    pub trusted_accounts: Vec<TrustedAccount>,
    #[serde(default)]
    pub archive_rules: Vec<ArchiveRule>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScanSection {
    /// Regions to scan; absent = the regions enabled in each account.
    pub regions: Option<Vec<String>>,
    pub role_name: Option<String>,
    pub external_id: Option<String>,
    #[serde(default)]
    pub accounts: Vec<String>,
    #[serde(default)]
    pub exclude_accounts: Vec<String>,
    /// Access Analyzer type names (`AWS::S3::Bucket`, …); absent = all.
    pub resource_types: Option<Vec<String>>,
    /// Accounts' worth of requests in flight for the whole scan (times the requests per
    /// account); up to twice as many accounts are read at once.
    pub concurrency: Option<usize>,
    /// Requests in flight per account.
    pub requests_per_account: Option<usize>,
    /// The share (0 to 1] of each AWS request quota the scan may use (docs/performance.md).
    pub quota_share: Option<f64>,
    pub fail_on: Option<FailOn>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutputSection {
    /// Directory for findings.csv and findings.json.
    pub dir: Option<PathBuf>,
    /// Start findings.csv with a UTF-8 byte order mark (for Excel).
    #[serde(default)]
    pub csv_bom: bool,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ZoneSection {
    /// The organization ID (`o-…`).
    pub org_id: Option<String>,
    /// The organization's member accounts.
    #[serde(default)]
    pub accounts: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoreSection {
    pub path: Option<PathBuf>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrustedAccount {
    pub id: String,
    pub label: String,
}

impl Config {
    /// Reads and checks a config file.
    pub fn load(path: &Path) -> anyhow::Result<Config> {
        let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        Config::parse(&text).with_context(|| format!("config {}", path.display()))
    }

    pub fn parse(text: &str) -> anyhow::Result<Config> {
        let config: Config = toml::from_str(text).map_err(|e| anyhow::anyhow!("{e}"))?;
        for t in &config.trusted_accounts {
            anyhow::ensure!(
                t.id.len() == 12 && t.id.bytes().all(|b| b.is_ascii_digit()),
                "trusted account `{}` ({}) is not a 12-digit account ID",
                t.id,
                t.label
            );
        }
        for a in &config.zone.accounts {
            anyhow::ensure!(crate::plan::is_account_id(a), "zone.accounts: `{a}` is not a 12-digit account ID");
        }
        let mut names = std::collections::BTreeSet::new();
        for rule in &config.archive_rules {
            rule.validate()?;
            anyhow::ensure!(names.insert(rule.name.as_str()), "two archive rules are named `{}`; each rule needs its own name", rule.name);
        }
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_config_parses() {
        let text = include_str!("../../../config/perimeter.example.toml");
        let config = Config::parse(text).expect("the example config is valid");
        assert!(!config.archive_rules.is_empty());
        assert!(!config.trusted_accounts.is_empty());
    }

    #[test]
    fn unknown_keys_are_named_with_their_line() {
        let err = Config::parse("[scan]\nregions = [\"us-east-1\"]\nrole = \"x\"\n").expect_err("unknown key");
        let text = format!("{err:#}");
        assert!(text.contains("role") && text.contains("line 3"), "{text}");
    }

    #[test]
    fn d18_archive_rule_names_are_unique() {
        let rule = "[[archive_rules]]\nname = \"r1\"\nreason = \"x\"\n[archive_rules.filter]\nregion = { eq = [\"us-east-1\"] }\n";
        let err = Config::parse(&format!("{rule}{rule}")).expect_err("duplicate names");
        assert!(format!("{err:#}").contains("`r1`"), "{err:#}");
    }

    #[test]
    fn archive_rules_need_a_reason() {
        let err = Config::parse("[[archive_rules]]\nname = \"x\"\nreason = \"\"\n[archive_rules.filter]\nregion = { eq = [\"us-east-1\"] }\n")
            .expect_err("no reason");
        assert!(format!("{err:#}").contains("reason"));
    }
}
