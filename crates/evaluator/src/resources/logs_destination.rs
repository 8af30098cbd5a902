//! CloudWatch Logs destination: its access policy, searched over the `logs` actions on destinations
//! on the destination's ARN (`logs:PutSubscriptionFilter`: another account streams its logs in).

use perimeter_model::{LogsDestinationInputs, ResourceRecord, Zone};

use super::{simple, PathResults, Services};
use crate::policy::ResourceElement;

pub const SERVICES: Services = &[("logs", &["destination"])];

pub(super) fn analyze(record: &ResourceRecord, x: &LogsDestinationInputs, zone: &Zone, out: &mut PathResults) {
    if let Some(text) = &x.policy
        && let Some(policy) = out.parse("destination policy", text, ResourceElement::Required)
    {
        simple(&policy, SERVICES[0], &record.arn, zone, out);
    }
}
