//! What the snapshot types share: a sharing attribute read as a synthetic policy that grants
//! the attribute's principals the type's actions on the snapshot, searched like a resource
//! policy, so that every finding has a witness and the zone decides who is inside.

use std::sync::Arc;

use perimeter_model::{RdsSnapshotInputs, ResourceRecord, SharedVia, Zone};
use serde_json::{json, Value};

use super::{scope, target, PathResults};
use crate::policy::Policy;
use crate::search::{self, Target};

/// RDS `restore` values: `all` is anyone, anything else an account ID.
pub(super) fn analyze_restore(record: &ResourceRecord, s: &RdsSnapshotInputs, actions: &[&str], zone: &Zone, out: &mut PathResults) {
    let principals: Vec<Value> =
        s.restore.iter().map(|v| if v == "all" { json!("*") } else { json!({"AWS": v}) }).collect();
    let key = s.encrypted.then(|| s.kms_key_id.as_deref().unwrap_or("the snapshot's KMS key"));
    analyze(record, &principals, actions, false, key, zone, out);
}

/// The findings of a snapshot shared with `principals` (policy principal values). With
/// `block_public`, public findings are dropped; with `key`, each finding notes that the grantee
/// also needs that key.
pub(super) fn analyze(
    record: &ResourceRecord,
    principals: &[Value],
    actions: &[&str],
    block_public: bool,
    key: Option<&str>,
    zone: &Zone,
    out: &mut PathResults,
) {
    if principals.is_empty() {
        return;
    }
    let statements: Vec<Value> = principals
        .iter()
        .map(|p| json!({"Effect": "Allow", "Principal": p, "Action": actions, "Resource": record.arn}))
        .collect();
    let synthetic = json!({"Version": "2012-10-17", "Statement": statements});
    let policy = match Policy::from_json(&synthetic) {
        Ok(p) => p,
        Err(e) => {
            // An account ID that is not one (the attribute holds only IDs and `all`).
            out.error("sharing attribute", &e);
            return;
        }
    };
    let resources: Arc<[String]> = Arc::from([record.arn.clone()]);
    let targets: Vec<Target> = actions.iter().map(|a| target(a, resources.clone())).collect();
    let mut raws = search::search(&policy, &scope(zone, &targets, out));
    if block_public {
        raws.retain(|r| !r.is_public);
    }
    if let Some(key) = key {
        for r in &mut raws {
            r.notes.push(format!(
                "the snapshot is encrypted with {key}: the grantee also needs that key (its key policy or a grant) to use it"
            ));
        }
    }
    out.add(raws, SharedVia::SnapshotPermission);
}
