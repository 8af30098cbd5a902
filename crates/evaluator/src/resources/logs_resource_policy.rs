//! CloudWatch Logs resource policy: searched over the `logs` actions on log groups and log
//! streams. An account-level policy governs every log group of the account in its region: a
//! witness group and stream, and an instance of every log group or stream ARN the policy names.
//! A policy scoped to one log group governs that group and its streams. Such policies mostly
//! let AWS services deliver logs (`delivery.logs.amazonaws.com`, Route 53): a service pinned to
//! zone accounts by `aws:SourceAccount` / `aws:SourceArn` is internal.

use perimeter_model::{LogsResourcePolicyInputs, ResourceRecord, SharedVia, Zone};

use super::{named_under, scope, typed_targets, PathResults, Services};
use crate::policy::ResourceElement;
use crate::search;

pub const SERVICES: Services = &[("logs", &["log-group", "log-stream"])];

const WITNESS_GROUP: &str = "perimeter-witness-group";
const WITNESS_STREAM: &str = "perimeter-witness-stream";
const STREAM: &str = ":log-stream:";

pub(super) fn analyze(record: &ResourceRecord, x: &LogsResourcePolicyInputs, zone: &Zone, out: &mut PathResults) {
    let Some(text) = &x.policy else { return };
    let Some(policy) = out.parse("logs resource policy", text, ResourceElement::Required) else { return };
    let (groups, mut streams): (Vec<String>, Vec<String>) = match &x.resource_arn {
        Some(group) => {
            let group = group.strip_suffix(":*").unwrap_or(group).to_string();
            let streams = named_under(&policy, &format!("{group}{STREAM}"), WITNESS_STREAM);
            (vec![group], streams)
        }
        None => {
            let prefix = format!("arn:aws:logs:{}:{}:log-group:", record.region, record.account);
            let named = named_under(&policy, &prefix, WITNESS_GROUP);
            let (streams, groups): (Vec<String>, Vec<String>) = named.into_iter().partition(|a| a.contains(STREAM));
            (groups, streams)
        }
    };
    for g in &groups {
        let stream = format!("{g}{STREAM}{WITNESS_STREAM}");
        if !streams.contains(&stream) {
            streams.push(stream);
        }
    }
    let targets = typed_targets(&policy, zone, SERVICES[0].0, &[("log-group", &groups), ("log-stream", &streams)]);
    out.add(search::search(&policy, &scope(zone, &targets, out)), SharedVia::Policy);
}
