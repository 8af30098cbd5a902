//! Exact external-access analysis of AWS resource policies: pure Rust, no AWS SDK, no I/O.
//!
//! [`Policy::parse`] reads a document strictly; [`evaluate()`] decides one concrete request;
//! [`analyze`] finds every external access a resource's inputs grant (semantics.md), each
//! finding with a witness request that [`evaluate()`] allows.

pub mod catalog;
pub mod condition;
mod error;
pub mod evaluate;
pub mod keys;
pub mod pattern;
pub mod policy;
mod resources;
pub mod search;

use std::collections::BTreeMap;

use perimeter_model::{ErrorCode, Finding, ResourceRecord, Zone, ZoneAccount, ZoneAccountKind};

pub use error::{Error, MAX_DOCUMENT_BYTES};
pub use evaluate::{evaluate, Decision, Evaluation};
pub use policy::Policy;

/// A document of the resource that could not be analysed; the rest of the resource still was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnalysisError {
    pub resource_arn: String,
    /// Which document: `bucket policy`, `trust policy`, `access point x policy`, …
    pub document: String,
    pub code: ErrorCode,
    /// JSON pointer into that document.
    pub pointer: String,
    pub message: String,
}

impl std::fmt::Display for AnalysisError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}: {}", self.resource_arn, self.document, self.message)
    }
}

/// Findings and errors of one resource.
#[derive(Debug, Clone, Default)]
pub struct Analysis {
    pub findings: Vec<Finding>,
    pub errors: Vec<AnalysisError>,
}

/// Analyses one resource against the zone of trust. The resource's owner account is always
/// inside the zone.
pub fn analyze(record: &ResourceRecord, zone: &Zone) -> Analysis {
    let owned;
    let zone = if zone.contains_account(&record.account) {
        zone
    } else {
        let mut z = zone.clone();
        z.accounts.insert(record.account.clone(), ZoneAccount { name: None, kind: ZoneAccountKind::Member });
        owned = z;
        &owned
    };
    let results = resources::analyze_inputs(record, zone);
    let mut merged: BTreeMap<(String, String, String, bool, bool), Finding> = BTreeMap::new();
    for pf in results.findings {
        let raw = pf.raw;
        let condition_key = serde_json::to_string(&raw.condition).unwrap_or_default();
        let principal_key = raw.principal.to_string();
        let key = (principal_key, condition_key, pf.shared_via.as_str().to_string(), raw.is_public, raw.conservative.is_some());
        match merged.get_mut(&key) {
            Some(existing) => {
                for a in raw.actions {
                    if !existing.actions.contains(&a) {
                        existing.actions.push(a);
                    }
                }
                existing.actions.sort();
                for n in raw.notes {
                    if !existing.notes.contains(&n) {
                        existing.notes.push(n);
                    }
                }
            }
            None => {
                let id = finding_id(&record.arn, &key.0, &key.1, &key.2, key.3, key.4);
                let mut actions: Vec<String> = raw.actions.into_iter().collect();
                actions.sort();
                merged.insert(
                    key,
                    Finding {
                        id,
                        resource_arn: record.arn.clone(),
                        resource_type: record.resource_type(),
                        resource_owner_account: record.account.clone(),
                        region: record.region.clone(),
                        principal: raw.principal,
                        actions,
                        condition: raw.condition,
                        is_public: raw.is_public,
                        shared_via: pf.shared_via,
                        witness: raw.witness,
                        conservative: raw.conservative,
                        notes: raw.notes,
                    },
                );
            }
        }
    }
    let errors = results
        .errors
        .into_iter()
        .map(|e| AnalysisError {
            resource_arn: record.arn.clone(),
            document: e.document,
            code: e.code,
            pointer: e.pointer,
            message: e.message,
        })
        .collect();
    Analysis { findings: merged.into_values().collect(), errors }
}

/// A stable finding ID: the same access (resource, principal, condition, path, public or not,
/// proven or conservative) keeps its ID from run to run; findings of one resource never share
/// an ID, since these are exactly the fields that keep them apart. 128 bits of two FNV-1a
/// hashes, hex.
pub fn finding_id(resource_arn: &str, principal: &str, condition: &str, shared_via: &str, is_public: bool, conservative: bool) -> String {
    let text = format!(
        "{resource_arn}\u{1f}{principal}\u{1f}{condition}\u{1f}{shared_via}\u{1f}{}{}",
        if is_public { "public" } else { "cross-account" },
        if conservative { "/conservative" } else { "" }
    );
    let fnv = |seed: u64| {
        text.bytes().fold(seed, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3))
    };
    format!("{:016x}{:016x}", fnv(0xcbf2_9ce4_8422_2325), fnv(0x8422_2325_cbf2_9ce4))
}
