//! The zone of trust: the accounts, organization and identifiers whose access is internal.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

/// Everything the analysis needs to tell inside from outside (semantics.md section 1).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Zone {
    /// The organization ID (`o-…`), when the zone is an organization.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org_id: Option<String>,
    /// Every account inside the zone, by 12-digit ID.
    #[serde(default)]
    pub accounts: BTreeMap<String, ZoneAccount>,
    /// S3 canonical user IDs of zone accounts.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub canonical_ids: BTreeSet<String>,
    /// Unique IDs (`AROA…`, `AIDA…`) of roles and users collected inside the zone.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub principal_ids: BTreeSet<String>,
    /// CloudFront origin access identities of zone accounts: ID (`E2…`) → the owning account.
    /// Their S3 canonical user IDs are among [`Zone::canonical_ids`].
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub origin_access_identities: BTreeMap<String, String>,
    /// The VPCs (`vpc-…`) and VPC endpoints (`vpce-…`) of zone accounts → the owning account
    /// (semantics.md section 6, "Own networks"): a finding pinned to one names its owner.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub networks: BTreeMap<String, String>,
}

/// One account of the zone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ZoneAccount {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub kind: ZoneAccountKind,
}

/// Why an account is inside the zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ZoneAccountKind {
    Management,
    Member,
    /// An account outside the organization that the config trusts (a vendor, say).
    Trusted,
}

impl Zone {
    /// A zone of the given accounts (all members) and organization, for tests and `check-policy`.
    pub fn of_accounts<I, S>(org_id: Option<&str>, accounts: I) -> Zone
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Zone {
            org_id: org_id.map(str::to_string),
            accounts: accounts
                .into_iter()
                .map(|a| (a.into(), ZoneAccount { name: None, kind: ZoneAccountKind::Member }))
                .collect(),
            ..Zone::default()
        }
    }

    pub fn contains_account(&self, account: &str) -> bool {
        self.accounts.contains_key(account)
    }

    pub fn is_own_org(&self, org_id: &str) -> bool {
        self.org_id.as_deref() == Some(org_id)
    }

    /// An OU path (`o-…/r-…/ou-…/`) inside the own organization.
    pub fn contains_org_path(&self, path: &str) -> bool {
        match (&self.org_id, path.split_once('/')) {
            (Some(org), Some((first, _))) => first == org,
            (Some(org), None) => path == org,
            (None, _) => false,
        }
    }

    pub fn contains_canonical_id(&self, id: &str) -> bool {
        self.canonical_ids.contains(id)
    }

    pub fn contains_principal_id(&self, id: &str) -> bool {
        self.principal_ids.contains(id)
    }

    /// Whether a CloudFront origin access identity (its ARN,
    /// `arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity <ID>`, or its ID) was
    /// found in a zone account.
    pub fn contains_origin_access_identity(&self, oai: &str) -> bool {
        let id = oai.rsplit(' ').next().unwrap_or(oai);
        self.origin_access_identities.contains_key(id)
    }

    /// The zone account that owns a VPC or VPC endpoint, when it is a zone network.
    pub fn network_owner(&self, id: &str) -> Option<&str> {
        self.networks.get(id).map(String::as_str)
    }
}
