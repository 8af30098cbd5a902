//! What an analysis returns: the raw findings of every path, merged into [`Finding`]s with
//! stable IDs, and the documents that could not be analysed. Raw findings that differ only in
//! their actions or notes (same principal, condition, path, public or not, proven or
//! conservative) are one finding.

use std::collections::BTreeMap;

use perimeter_model::{ErrorCode, Finding, ResourceRecord};

use crate::resources::{DocumentError, PathFinding, PathResults};

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
    /// The work units the searches spent, out of [`RESOURCE_BOUND`](crate::RESOURCE_BOUND):
    /// deterministic (counted, not timed).
    pub work: u64,
    /// Some identifier the policies name that only the collection can place in the zone (a
    /// unique ID, an S3 canonical user ID, a CloudFront origin access identity) was judged
    /// outside because the zone does not list it. Facts only ever add to a zone, so an analysis
    /// against a zone still being collected is final unless this is set: then it must be made
    /// again once the zone is whole (a streaming scan holds such a resource until the end).
    pub relies_on_absent_ids: bool,
}

/// What keeps two findings of one resource apart: principal, condition (as JSON), path,
/// public, conservative, blocked by RCPs (the RCPs of findings merged are merged too).
type MergeKey = (String, String, String, bool, bool, bool);

/// The analysis of one resource from what its paths produced.
pub(crate) fn analysis(record: &ResourceRecord, results: PathResults) -> Analysis {
    let mut merged: BTreeMap<MergeKey, Finding> = BTreeMap::new();
    for pf in results.findings {
        let key = merge_key(&pf);
        match merged.get_mut(&key) {
            Some(existing) => merge_into(existing, pf),
            None => {
                let finding = new_finding(record, &key, pf);
                merged.insert(key, finding);
            }
        }
    }
    let errors = results.errors.into_iter().map(|e| analysis_error(record, e)).collect();
    Analysis {
        findings: merged.into_values().collect(),
        errors,
        work: results.budget.used(),
        relies_on_absent_ids: results.budget.relies_on_absent_ids(),
    }
}

fn merge_key(pf: &PathFinding) -> MergeKey {
    let raw = &pf.raw;
    let condition_key = serde_json::to_string(&raw.condition).unwrap_or_default();
    (
        raw.principal.to_string(),
        condition_key,
        pf.shared_via.as_str().to_string(),
        raw.is_public,
        raw.conservative.is_some(),
        !raw.blocked_by.is_empty(),
    )
}

/// Adds a raw finding's actions and notes to the finding it merges into.
fn merge_into(existing: &mut Finding, pf: PathFinding) {
    for a in pf.raw.actions {
        if !existing.actions.contains(&a) {
            existing.actions.push(a);
        }
    }
    existing.actions.sort();
    for b in pf.raw.blocked_by {
        if !existing.blocked_by.contains(&b) {
            existing.blocked_by.push(b);
        }
    }
    for n in pf.raw.notes {
        if !existing.notes.contains(&n) {
            existing.notes.push(n);
        }
    }
}

/// The first raw finding of a merge key, as a finding of the resource.
fn new_finding(record: &ResourceRecord, key: &MergeKey, pf: PathFinding) -> Finding {
    let raw = pf.raw;
    let id = finding_id(&record.arn, &key.0, &key.1, &key.2, key.3, key.4, key.5);
    let mut actions: Vec<String> = raw.actions.into_iter().collect();
    actions.sort();
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
        blocked_by: raw.blocked_by,
    }
}

fn analysis_error(record: &ResourceRecord, e: DocumentError) -> AnalysisError {
    AnalysisError {
        resource_arn: record.arn.clone(),
        document: e.document,
        code: e.code,
        pointer: e.pointer,
        message: e.message,
    }
}

/// A stable finding ID: the same access (resource, principal, condition, path, public or not,
/// proven or conservative, blocked by RCPs or not) keeps its ID from run to run; findings of
/// one resource never share an ID, since these are exactly the fields that keep them apart
/// (which RCPs block it is not: the same access blocked by a renamed RCP keeps its ID). 128
/// bits of two FNV-1a hashes, hex.
pub fn finding_id(
    resource_arn: &str,
    principal: &str,
    condition: &str,
    shared_via: &str,
    is_public: bool,
    conservative: bool,
    blocked: bool,
) -> String {
    // The hashed text: the fields joined by U+001F, then the kind of access.
    let kind = [
        if is_public { "public" } else { "cross-account" },
        if conservative { "/conservative" } else { "" },
        if blocked { "/blocked" } else { "" },
    ];
    let parts = [resource_arn, "\u{1f}", principal, "\u{1f}", condition, "\u{1f}", shared_via, "\u{1f}"];
    let (mut a, mut b) = (0xcbf2_9ce4_8422_2325_u64, 0x8422_2325_cbf2_9ce4_u64);
    for byte in parts.iter().chain(&kind).flat_map(|p| p.bytes()) {
        a = (a ^ u64::from(byte)).wrapping_mul(FNV_PRIME);
        b = (b ^ u64::from(byte)).wrapping_mul(FNV_PRIME);
    }
    format!("{a:016x}{b:016x}")
}

/// The 64-bit FNV prime.
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

#[cfg(test)]
mod tests {
    use super::*;

    /// IDs live on in the findings store from run to run: these are the IDs of the text
    /// `<arn>␟<principal>␟<condition>␟<path>␟<kind>` under both FNV-1a seeds, as every
    /// earlier version computed them.
    #[test]
    fn finding_ids_stay_what_they_were() {
        assert_eq!(finding_id("arn:aws:s3:::example-bucket", "*", "{}", "POLICY", true, false, false), "14f3c23cec4f085121080c140c23d9ac");
        assert_eq!(
            finding_id(
                "arn:aws:sqs:us-east-1:111111111111:q",
                "444455556666",
                r#"{"StringEquals aws:SourceArn":["x"]}"#,
                "POLICY",
                false,
                true,
                true
            ),
            "992ae3e95492945d4f037c6c37c997e8"
        );
    }
}
