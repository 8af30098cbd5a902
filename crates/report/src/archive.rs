//! Archive rules: a named filter over finding fields with a required reason. A finding that
//! matches a rule is ARCHIVED (kept, reported as archived, not counted as to-do); rules apply to
//! existing findings as well as new ones, and a rule that matches nothing is reported.
//!
//! Fields: `resource_type`, `resource_arn`, `resource_owner_account`, `region`, `principal`
//! (as the CSV writes it), `is_public` (`true`/`false`), `actions`, `condition_keys` (the
//! `"<Operator> <key>"` names), `condition_values`, `shared_via`, and the names of the row:
//! `account_name`, `ou_path`, `principal_label`, `principal_kind` (`own-org`, `trusted`,
//! `known-vendor`, `aws-service`, `unknown`), so that a rule can archive every finding of a
//! known vendor you list, with the reason; `network` (`own`: pinned only to VPCs or VPC
//! endpoints of zone accounts; `foreign`; no value otherwise) and `network_owner`, so that a
//! rule can archive "own network only" findings on purpose. Criteria: `eq`, `neq`,
//! `contains` (substring), `exists` (true: the field has a value). On list fields (`actions`,
//! `condition_keys`, `condition_values`) `eq` and `contains` hold when any element matches, and
//! `neq` when no element equals. All criteria of a rule must hold.

use std::collections::BTreeMap;

use perimeter_model::Finding;

use crate::labels::Labels;
use serde::{Deserialize, Serialize};

use crate::Error;

/// One archive rule as the config writes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArchiveRule {
    pub name: String,
    /// Why findings matching this rule are accepted (required, shown in the report).
    pub reason: String,
    /// Field name → criterion.
    pub filter: BTreeMap<String, Criterion>,
    /// The last day (`YYYY-MM-DD`, UTC) the rule applies: after it the rule stops matching, its
    /// findings come back ACTIVE, and the scan's summary says the rule lapsed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
}

/// What a field must satisfy.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Criterion {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eq: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub neq: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contains: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exists: Option<bool>,
}

const FIELDS: &[&str] = &[
    "resource_type",
    "resource_arn",
    "resource_owner_account",
    "region",
    "principal",
    "is_public",
    "actions",
    "condition_keys",
    "condition_values",
    "shared_via",
    "account_name",
    "ou_path",
    "principal_label",
    "principal_kind",
    "network",
    "network_owner",
];

impl ArchiveRule {
    /// Checks that the rule is usable: a reason, a non-empty filter of known fields, each with
    /// at least one criterion.
    pub fn validate(&self) -> Result<(), Error> {
        let bad = |message: String| Err(Error::Rule { rule: self.name.clone(), message });
        if self.name.trim().is_empty() {
            return bad("a rule needs a name".into());
        }
        if self.reason.trim().is_empty() {
            return bad("a rule needs a reason".into());
        }
        if self.filter.is_empty() {
            return bad("a rule needs a filter (a rule matching everything would hide every finding)".into());
        }
        if let Some(date) = &self.expires
            && !is_date(date)
        {
            return bad(format!("`expires = \"{date}\"` is not a date (YYYY-MM-DD)"));
        }
        for (field, c) in &self.filter {
            if !FIELDS.contains(&field.as_str()) {
                return bad(format!("unknown field `{field}` (known: {})", FIELDS.join(", ")));
            }
            if c.eq.is_none() && c.neq.is_none() && c.contains.is_none() && c.exists.is_none() {
                return bad(format!("field `{field}` has no criterion (eq, neq, contains, exists)"));
            }
        }
        Ok(())
    }

    /// Whether the rule has lapsed at `now` (an RFC 3339 time): the day after its `expires`.
    pub fn lapsed(&self, now: &str) -> bool {
        self.expires.as_deref().is_some_and(|last_day| now.get(..10).is_some_and(|today| today > last_day))
    }

    /// Whether the finding (with the names of its row) matches every criterion of the rule.
    pub fn matches(&self, f: &Finding, labels: &Labels) -> bool {
        self.filter.iter().all(|(field, c)| c.holds(&field_values(f, labels, field)))
    }
}

/// `YYYY-MM-DD` with a month 01-12 and a day 01-31.
fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| b.get(r.clone()).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    let num = |r: std::ops::Range<usize>| s.get(r).and_then(|x| x.parse::<u32>().ok()).unwrap_or(0);
    s.len() == 10
        && digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10)
        && (1..=12).contains(&num(5..7))
        && (1..=31).contains(&num(8..10))
}

impl Criterion {
    fn holds(&self, values: &[String]) -> bool {
        self.exists.is_none_or(|exists| exists != values.is_empty())
            && self.eq.as_ref().is_none_or(|eq| values.iter().any(|v| eq.contains(v)))
            && self.neq.as_ref().is_none_or(|neq| !values.iter().any(|v| neq.contains(v)))
            && self.contains.as_ref().is_none_or(|parts| values.iter().any(|v| parts.iter().any(|p| v.contains(p.as_str()))))
    }
}

/// The values of one field of a finding, as strings (empty = no value).
pub fn field_values(f: &Finding, labels: &Labels, field: &str) -> Vec<String> {
    let text = |s: &str| if s.is_empty() { Vec::new() } else { vec![s.to_string()] };
    match field {
        "account_name" => text(&labels.account_name),
        "ou_path" => text(&labels.ou_path),
        "principal_label" => text(&labels.principal_label),
        "principal_kind" => vec![labels.principal_kind.as_str().to_string()],
        "network" => text(labels.network.as_str()),
        "network_owner" => labels.network_owner.split("; ").filter(|s| !s.is_empty()).map(str::to_string).collect(),
        "resource_type" => vec![f.resource_type.as_str().to_string()],
        "resource_arn" => vec![f.resource_arn.clone()],
        "resource_owner_account" => vec![f.resource_owner_account.clone()],
        "region" => vec![f.region.clone()],
        "principal" => vec![f.principal.to_string()],
        "is_public" => vec![f.is_public.to_string()],
        "actions" => f.actions.clone(),
        "condition_keys" => f.condition.keys().cloned().collect(),
        "condition_values" => f.condition.values().flatten().cloned().collect(),
        "shared_via" => vec![f.shared_via.as_str().to_string()],
        _ => Vec::new(),
    }
}
