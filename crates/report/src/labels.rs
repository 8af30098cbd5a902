//! Names people recognise on every row: the owner account's name and OU path (from
//! Organizations), and who the external principal is when that is known: one of the
//! organization's own accounts, a trusted account of the config, a known vendor or an AWS
//! service account from the community list `fwdcloudsec/known_aws_accounts` (Apache-2.0, shipped
//! as `data/known-accounts.tsv` with its source commit; `scripts/refresh-known-accounts.py`
//! refreshes it), an AWS service principal, or unknown.

use std::collections::{BTreeMap, HashMap};
use std::sync::LazyLock;

use perimeter_model::{Finding, Principal, Zone, ZoneAccountKind};
use serde::{Deserialize, Serialize};

/// What kind of principal a finding names.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PrincipalKind {
    OwnOrg,
    Trusted,
    KnownVendor,
    AwsService,
    #[default]
    Unknown,
}

impl PrincipalKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PrincipalKind::OwnOrg => "own-org",
            PrincipalKind::Trusted => "trusted",
            PrincipalKind::KnownVendor => "known-vendor",
            PrincipalKind::AwsService => "aws-service",
            PrincipalKind::Unknown => "unknown",
        }
    }
}

/// The names of one finding's row.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Labels {
    #[serde(default)]
    pub account_name: String,
    #[serde(default)]
    pub ou_path: String,
    #[serde(default)]
    pub principal_label: String,
    #[serde(default)]
    pub principal_kind: PrincipalKind,
}

/// One entry of the known-accounts list.
#[derive(Debug, Clone, Copy)]
struct Known {
    vendor: &'static str,
    kind: PrincipalKind,
}

struct KnownAccounts {
    by_id: HashMap<&'static str, Known>,
    commit: &'static str,
}

static KNOWN: LazyLock<KnownAccounts> = LazyLock::new(|| {
    let text = include_str!("../data/known-accounts.tsv");
    let mut by_id = HashMap::new();
    let mut commit = "";
    for line in text.lines() {
        if let Some(c) = line.strip_prefix("# Commit: ") {
            commit = c.trim();
            continue;
        }
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let mut fields = line.split('\t');
        let (Some(id), Some(vendor), Some(kind)) = (fields.next(), fields.next(), fields.next()) else { continue };
        let kind = if kind == "aws-service" { PrincipalKind::AwsService } else { PrincipalKind::KnownVendor };
        by_id.insert(id, Known { vendor, kind });
    }
    KnownAccounts { by_id, commit }
});

/// The source commit of the known-accounts list this build carries (the report says it).
pub fn known_accounts_version() -> &'static str {
    KNOWN.commit
}

/// How many accounts the list names.
pub fn known_accounts_count() -> usize {
    KNOWN.by_id.len()
}

/// Labels findings and error rows of one scan.
#[derive(Debug, Clone, Default)]
pub struct Labeler {
    /// Account ID → (name, OU path) of the organization's accounts.
    accounts: BTreeMap<String, (String, String)>,
    zone: Zone,
}

impl Labeler {
    /// `accounts`: each account of the organization with its name and OU path; `zone`: the zone
    /// of trust (its trusted accounts carry the config's labels).
    pub fn new(accounts: impl IntoIterator<Item = (String, Option<String>, Option<String>)>, zone: &Zone) -> Labeler {
        Labeler {
            accounts: accounts.into_iter().map(|(id, name, path)| (id, (name.unwrap_or_default(), path.unwrap_or_default()))).collect(),
            zone: zone.clone(),
        }
    }

    /// The name and OU path of an account of the organization (empty when unknown).
    pub fn account(&self, id: &str) -> (String, String) {
        self.accounts.get(id).cloned().unwrap_or_default()
    }

    /// The labels of one finding.
    pub fn label(&self, f: &Finding) -> Labels {
        let (account_name, ou_path) = self.account(&f.resource_owner_account);
        let (principal_label, principal_kind) = self.principal(&f.principal);
        Labels { account_name, ou_path, principal_label, principal_kind }
    }

    fn principal(&self, p: &Principal) -> (String, PrincipalKind) {
        match p {
            p if p.is_anyone() => ("anyone".into(), PrincipalKind::Unknown),
            Principal::Aws(value) => match account_of(value) {
                Some(account) => self.of_account(account),
                None => (String::new(), PrincipalKind::Unknown),
            },
            Principal::Service(service) => (service.clone(), PrincipalKind::AwsService),
            Principal::Federated(provider) => (provider.clone(), PrincipalKind::Unknown),
            Principal::CanonicalUser(_) => (String::new(), PrincipalKind::Unknown),
        }
    }

    fn of_account(&self, account: &str) -> (String, PrincipalKind) {
        if let Some(a) = self.zone.accounts.get(account) {
            let name = a.name.clone().unwrap_or_default();
            return match a.kind {
                ZoneAccountKind::Trusted => (name, PrincipalKind::Trusted),
                ZoneAccountKind::Management | ZoneAccountKind::Member => {
                    let own = self.account(account).0;
                    (if own.is_empty() { name } else { own }, PrincipalKind::OwnOrg)
                }
            };
        }
        match KNOWN.by_id.get(account) {
            Some(k) => (k.vendor.to_string(), k.kind),
            None => (String::new(), PrincipalKind::Unknown),
        }
    }
}

/// The account of an `AWS` principal value: a 12-digit ID, or an ARN's account field.
fn account_of(value: &str) -> Option<&str> {
    let is_account = |s: &str| s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit());
    if is_account(value) {
        return Some(value);
    }
    value.split(':').nth(4).filter(|a| is_account(a))
}

#[cfg(test)]
mod tests {
    use super::*;
    use perimeter_model::ZoneAccount;

    #[test]
    fn the_list_is_shipped_with_its_commit() {
        assert!(known_accounts_count() > 400, "{}", known_accounts_count());
        assert_eq!(known_accounts_version().len(), 40, "a full commit hash");
    }

    #[test]
    fn principals_get_their_names() {
        let mut zone = Zone::of_accounts(Some("o-a1b2c3d4e5"), ["111111111111"]);
        zone.accounts.insert("999988887777".into(), ZoneAccount { name: Some("Local vendor".into()), kind: ZoneAccountKind::Trusted });
        let labeler = Labeler::new([("111111111111".to_string(), Some("prod".to_string()), Some("o-a1b2c3d4e5/r-ab12/ou-ab12-prod/".to_string()))], &zone);
        let cases = [
            (Principal::Aws("464622532012".into()), "Datadog", PrincipalKind::KnownVendor),
            (Principal::Aws("arn:aws:iam::464622532012:role/DatadogIntegration".into()), "Datadog", PrincipalKind::KnownVendor),
            (Principal::Aws("009996457667".into()), "ELB logs", PrincipalKind::AwsService),
            (Principal::Aws("999988887777".into()), "Local vendor", PrincipalKind::Trusted),
            (Principal::Aws("111111111111".into()), "prod", PrincipalKind::OwnOrg),
            (Principal::Aws("444455556666".into()), "", PrincipalKind::Unknown),
            (Principal::Service("cloudtrail.amazonaws.com".into()), "cloudtrail.amazonaws.com", PrincipalKind::AwsService),
            (Principal::anyone(), "anyone", PrincipalKind::Unknown),
        ];
        for (p, label, kind) in cases {
            assert_eq!(labeler.principal(&p), (label.to_string(), kind), "{p}");
        }
        assert_eq!(labeler.account("111111111111").1, "o-a1b2c3d4e5/r-ab12/ou-ab12-prod/");
    }
}
