//! Names people recognise on every row: the owner account's name and OU path (from
//! Organizations), and who the external principal is when that is known: one of the
//! organization's own accounts, a trusted account of the config, a known vendor or an AWS
//! service account from the community list `fwdcloudsec/known_aws_accounts` (Apache-2.0, shipped
//! as `data/known-accounts.tsv` with its source commit; `scripts/refresh-known-accounts.py`
//! refreshes it), an AWS service principal, or unknown; and whose networks a finding is pinned
//! to: a VPC or VPC endpoint that a zone account owns is named with its owner (semantics.md
//! section 6, "Own networks"), so that a rule can archive "own network only" findings on purpose.

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

/// Whose networks a finding's access is pinned to (`aws:SourceVpc` / `aws:SourceVpce`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum NetworkKind {
    /// The finding is not pinned to fixed networks.
    #[default]
    None,
    /// Pinned only to networks that zone accounts own.
    Own,
    /// Pinned to fixed networks, at least one of which no zone account owns (as far as the scan
    /// read: a network of an account that was not scanned counts as foreign).
    Foreign,
}

impl NetworkKind {
    /// The CSV form (empty for [`NetworkKind::None`]).
    pub fn as_str(self) -> &'static str {
        match self {
            NetworkKind::None => "",
            NetworkKind::Own => "own",
            NetworkKind::Foreign => "foreign",
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
    #[serde(default)]
    pub network: NetworkKind,
    /// The zone accounts owning the networks the finding is pinned to: `name (id)`, `; `-joined.
    #[serde(default)]
    pub network_owner: String,
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
        let (network, network_owner) = self.network(f);
        Labels { account_name, ou_path, principal_label, principal_kind, network, network_owner }
    }

    /// Whether a condition of the finding names networks (`aws:SourceVpc`, `aws:SourceVpce`):
    /// only such a finding has network labels, which depend on the zone's networks.
    pub fn names_networks(f: &Finding) -> bool {
        f.condition.keys().any(|entry| {
            let key = entry.rsplit(' ').next().unwrap_or_default();
            key.eq_ignore_ascii_case("aws:SourceVpc") || key.eq_ignore_ascii_case("aws:SourceVpce")
        })
    }

    /// Whose networks the finding is pinned to. Only conditions that admit a request from the
    /// named networks alone count: an Allow's `StringEquals`/`StringLike` family, or a Deny's
    /// (or an RCP's) negated one, without `IfExists` (a request without the key passes those).
    fn network(&self, f: &Finding) -> (NetworkKind, String) {
        let mut values: Vec<&str> = Vec::new();
        for (entry, vals) in &f.condition {
            let mut words: Vec<&str> = entry.split(' ').collect();
            let Some(key) = words.pop() else { continue };
            if !(key.eq_ignore_ascii_case("aws:SourceVpc") || key.eq_ignore_ascii_case("aws:SourceVpce")) {
                continue;
            }
            let denies = matches!(words.first(), Some(&("Deny" | "RCP")));
            let operator = words.last().copied().unwrap_or_default();
            let base = operator.rsplit(':').next().unwrap_or(operator);
            let pins = !base.ends_with("IfExists")
                && if denies { base.starts_with("StringNot") } else { base.starts_with("String") && !base.starts_with("StringNot") };
            if !pins {
                return (NetworkKind::None, String::new());
            }
            values.extend(vals.iter().map(String::as_str));
        }
        if values.is_empty() || values.iter().any(|v| v.contains(['*', '?']) || v.contains("${")) {
            return (NetworkKind::None, String::new());
        }
        let mut owners: Vec<String> = Vec::new();
        let mut foreign = false;
        for v in values {
            match self.zone.network_owner(v) {
                Some(account) => {
                    let name = self.account(account).0;
                    let owner = if name.is_empty() { account.to_string() } else { format!("{name} ({account})") };
                    if !owners.contains(&owner) {
                        owners.push(owner);
                    }
                }
                None => foreign = true,
            }
        }
        let kind = if foreign {
            NetworkKind::Foreign
        } else if f.is_public {
            NetworkKind::None
        } else {
            NetworkKind::Own
        };
        (kind, owners.join("; "))
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

    #[test]
    fn findings_pinned_to_zone_networks_name_their_owners() {
        let mut zone = Zone::of_accounts(Some("o-a1b2c3d4e5"), ["111111111111", "222222222222"]);
        zone.networks.insert("vpce-0a1b2c3d4e5f67890".into(), "222222222222".into());
        zone.networks.insert("vpc-0a1b2c3d4e5f60718".into(), "111111111111".into());
        let labeler = Labeler::new([("222222222222".to_string(), Some("shared".to_string()), None)], &zone);
        let finding = |entries: &[(&str, &[&str])], public: bool| Finding {
            id: "x".into(),
            resource_arn: "arn:aws:s3:::b".into(),
            resource_type: perimeter_model::ResourceType::S3Bucket,
            resource_owner_account: "111111111111".into(),
            region: "us-east-1".into(),
            principal: Principal::Aws("444455556666".into()),
            actions: vec!["s3:GetObject".into()],
            condition: entries.iter().map(|(k, v)| (k.to_string(), v.iter().map(|s| s.to_string()).collect())).collect(),
            is_public: public,
            shared_via: perimeter_model::SharedVia::Policy,
            witness: None,
            conservative: None,
            notes: Vec::new(),
            blocked_by: Vec::new(),
        };
        let own = ("own", "shared (222222222222)");
        let cases: &[(&[(&str, &[&str])], bool, (&str, &str))] = &[
            (&[("StringEquals aws:SourceVpce", &["vpce-0a1b2c3d4e5f67890"])], false, own),
            (&[("Deny StringNotEquals aws:sourcevpce", &["vpce-0a1b2c3d4e5f67890"])], false, own),
            (&[("RCP StringNotEqualsIgnoreCase aws:SourceVpce", &["vpce-0a1b2c3d4e5f67890"])], false, own),
            (&[("ForAnyValue:StringEquals aws:SourceVpc", &["vpc-0a1b2c3d4e5f60718"])], false, ("own", "111111111111")),
            // One of the networks is nobody's in the zone.
            (&[("StringEquals aws:SourceVpce", &["vpce-0a1b2c3d4e5f67890", "vpce-0fffffffffffffff0"])], false, ("foreign", "shared (222222222222)")),
            (&[("StringEquals aws:SourceVpce", &["vpce-0fffffffffffffff0"])], false, ("foreign", "")),
            // Conditions that do not keep the access inside those networks.
            (&[("StringEqualsIfExists aws:SourceVpce", &["vpce-0a1b2c3d4e5f67890"])], false, ("", "")),
            (&[("StringNotEquals aws:SourceVpce", &["vpce-0a1b2c3d4e5f67890"])], false, ("", "")),
            (&[("Deny StringEquals aws:SourceVpce", &["vpce-0a1b2c3d4e5f67890"])], false, ("", "")),
            (&[("StringLike aws:SourceVpce", &["vpce-*"])], false, ("", "")),
            (&[("StringEquals aws:SourceVpce", &["vpce-0a1b2c3d4e5f67890"])], true, ("", "shared (222222222222)")),
            (&[("StringEquals aws:SourceAccount", &["222222222222"])], false, ("", "")),
            (&[], false, ("", "")),
        ];
        for (entries, public, (kind, owner)) in cases {
            let labels = labeler.label(&finding(entries, *public));
            assert_eq!((labels.network.as_str(), labels.network_owner.as_str()), (*kind, *owner), "{entries:?} public {public}");
        }
    }
}
