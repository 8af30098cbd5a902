//! KMS key: the key policy and every grant. The key policy is searched over the `kms` actions
//! on keys. Each grant becomes a synthetic policy that allows its grantee the grant's
//! operations (`kms:<operation>`) and its retiring principal `kms:RetireGrant`, under the
//! grant's encryption-context constraints; a holder outside the zone is a cross-account finding
//! (`shared_via = GRANT`).

use std::collections::BTreeMap;
use std::sync::Arc;

use perimeter_model::{KmsGrant, KmsKeyInputs, ResourceRecord, SharedVia, Zone};
use serde_json::json;

use super::{scope, simple, target, PathResults, Services};
use crate::policy::{Policy, ResourceElement};
use crate::search::{self, Target};

pub const SERVICES: Services = &[("kms", &["key"])];

pub(super) fn analyze(record: &ResourceRecord, k: &KmsKeyInputs, zone: &Zone, out: &mut PathResults) {
    if let Some(text) = &k.policy
        && let Some(policy) = out.parse("key policy", text, ResourceElement::Required) {
            simple(&policy, SERVICES[0], &record.arn, zone, out);
        }
    for grant in &k.grants {
        analyze_grant(record, grant, zone, out);
    }
}

/// One grant: a synthetic policy per holder (grantee, retiring principal).
fn analyze_grant(record: &ResourceRecord, grant: &KmsGrant, zone: &Zone, out: &mut PathResults) {
    let actions: Vec<String> = grant.operations.iter().map(|op| format!("kms:{op}")).collect();
    let (condition, conditions) = constraints(grant);
    let mut holders = vec![(grant.grantee_principal.clone(), actions.clone())];
    if let Some(retiring) = &grant.retiring_principal {
        holders.push((retiring.clone(), vec!["kms:RetireGrant".to_string()]));
    }
    for (holder, actions) in holders {
        let principal = if holder.starts_with("arn:") || holder.chars().all(|c| c.is_ascii_digit()) {
            json!({"AWS": holder})
        } else {
            json!({"Service": holder})
        };
        let mut statement = json!({"Effect": "Allow", "Principal": principal, "Action": actions, "Resource": "*"});
        if !conditions.is_empty() {
            statement["Condition"] = json!({"StringEquals": conditions.clone()});
        }
        let synthetic = json!({"Version": "2012-10-17", "Statement": [statement]});
        let policy = match Policy::from_json(&synthetic) {
            Ok(p) => p,
            Err(e) => {
                out.error(&format!("grant {}", grant.grant_id), &e);
                continue;
            }
        };
        let targets: Vec<Target> = actions.iter().map(|a| target(a, Arc::from([record.arn.clone()]))).collect();
        let mut raws = search::search(&policy, &scope(zone, &targets, out));
        for r in &mut raws {
            r.set_grant_condition(condition.clone());
            r.notes.push(format!("grant {}", grant.grant_id));
        }
        out.add(raws, SharedVia::Grant);
    }
}

/// The grant's constraints: as findings report them (`EncryptionContextEquals
/// kms:EncryptionContext:<key>`), and as the synthetic policy's `StringEquals` block.
fn constraints(grant: &KmsGrant) -> (BTreeMap<String, Vec<String>>, serde_json::Map<String, serde_json::Value>) {
    let mut condition = BTreeMap::new();
    let mut conditions = serde_json::Map::new();
    if let Some(c) = &grant.constraints {
        for (name, map) in [("EncryptionContextEquals", &c.encryption_context_equals), ("EncryptionContextSubset", &c.encryption_context_subset)] {
            for (key, value) in map {
                condition.insert(format!("{name} kms:EncryptionContext:{key}"), vec![value.clone()]);
                conditions.insert(format!("kms:EncryptionContext:{key}"), json!(value));
            }
        }
    }
    (condition, conditions)
}
