//! EventBridge event bus: the bus policy, searched over the `events` actions on event buses (on
//! the bus's ARN: `events:PutEvents` from another account) and on the bus's rules (on
//! `rule/<bus>/<rule>`, or `rule/<rule>` for the `default` bus: a bus policy may let another
//! account manage rules on the bus, usually with `events:creatorAccount`).

use perimeter_model::{EventsEventBusInputs, ResourceRecord, SharedVia, Zone};

use super::{container_targets, named_under, scope, PathResults, Services};
use crate::policy::ResourceElement;
use crate::search;

pub const SERVICES: Services = &[("events", &["event-bus", "rule-on-default-event-bus", "rule-on-custom-event-bus"])];

/// The rule a rule-level request names when the policy names none.
const WITNESS_RULE: &str = "perimeter-witness-rule";

pub(super) fn analyze(record: &ResourceRecord, x: &EventsEventBusInputs, zone: &Zone, out: &mut PathResults) {
    if let Some(text) = &x.policy
        && let Some(policy) = out.parse("bus policy", text, ResourceElement::Required)
    {
        let (service, all) = SERVICES[0];
        let (rule_type, rules_under) = if x.name == "default" {
            (all[1], String::new())
        } else {
            (all[2], format!("{}/", x.name))
        };
        let prefix = format!("arn:aws:events:{}:{}:rule/{rules_under}", record.region, record.account);
        let rules = named_under(&policy, &prefix, WITNESS_RULE);
        let targets = container_targets(&policy, zone, service, &[all[0], rule_type], &record.arn, &rules);
        out.add(search::search(&policy, &scope(zone, &targets, out)), SharedVia::Policy);
    }
}
