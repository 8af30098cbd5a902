//! Kinesis data stream: the stream's resource policy, searched over the `kinesis` actions on streams on
//! the stream's ARN (consumers carry policies of their own, not read: docs/findings.md).

use perimeter_model::{KinesisStreamInputs, ResourceRecord, Zone};

use super::{simple, PathResults, Services};
use crate::policy::ResourceElement;

pub const SERVICES: Services = &[("kinesis", &["stream"])];

pub(super) fn analyze(record: &ResourceRecord, x: &KinesisStreamInputs, zone: &Zone, out: &mut PathResults) {
    if let Some(text) = &x.policy
        && let Some(policy) = out.parse("stream policy", text, ResourceElement::Required)
    {
        simple(&policy, SERVICES[0], &record.arn, zone, out);
    }
}
