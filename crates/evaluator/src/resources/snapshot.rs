//! What the snapshot types and AMIs share: a sharing attribute read as a synthetic policy that
//! grants the attribute's principals the type's actions on the snapshot or image, searched like
//! a resource policy, so that every finding has a witness and the zone decides who is inside.

use std::sync::Arc;

use perimeter_model::{RdsSnapshotInputs, ResourceRecord, SharedVia, Zone};
use serde_json::{json, Map, Value};

use super::{scope, target, PathResults};
use crate::policy::Policy;
use crate::search::{self, Target};

/// RDS `restore` values: `all` is anyone, anything else an account ID.
pub(super) fn analyze_restore(record: &ResourceRecord, s: &RdsSnapshotInputs, actions: &[&str], zone: &Zone, out: &mut PathResults) {
    let shares: Vec<Share> =
        s.restore.iter().map(|v| Share::to(if v == "all" { json!("*") } else { json!({"AWS": v}) })).collect();
    let key = s.encrypted.then(|| s.kms_key_id.as_deref().unwrap_or("the snapshot's KMS key"));
    analyze(record, &shares, actions, false, key, SharedVia::SnapshotPermission, zone, out);
}

/// One entry of a sharing attribute: whom it names (a policy principal value) and, for an
/// organization or OU, the condition that narrows anyone to its members.
pub(super) struct Share {
    pub principal: Value,
    pub condition: Option<Value>,
}

impl Share {
    pub fn to(principal: Value) -> Share {
        Share { principal, condition: None }
    }
}

/// The findings of a snapshot or image shared with `shares`. With `block_public`, public
/// findings are dropped; with `key`, each finding notes that the grantee also needs that key.
#[allow(clippy::too_many_arguments)]
pub(super) fn analyze(
    record: &ResourceRecord,
    shares: &[Share],
    actions: &[&str],
    block_public: bool,
    key: Option<&str>,
    shared_via: SharedVia,
    zone: &Zone,
    out: &mut PathResults,
) {
    if shares.is_empty() {
        return;
    }
    let statements: Vec<Value> = shares
        .iter()
        .map(|share| {
            let mut st = Map::new();
            st.insert("Effect".into(), json!("Allow"));
            st.insert("Principal".into(), share.principal.clone());
            st.insert("Action".into(), json!(actions));
            st.insert("Resource".into(), json!(record.arn));
            if let Some(c) = &share.condition {
                st.insert("Condition".into(), c.clone());
            }
            Value::Object(st)
        })
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
    out.add(raws, shared_via);
}
