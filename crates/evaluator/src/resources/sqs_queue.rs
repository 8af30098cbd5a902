//! SQS queue: the queue policy, searched over the `sqs` actions on queues on the queue's ARN.

use perimeter_model::{ResourceRecord, SqsQueueInputs, Zone};

use super::{simple, PathResults, Services};
use crate::policy::ResourceElement;

pub const SERVICES: Services = &[("sqs", &["queue"])];

pub(super) fn analyze(record: &ResourceRecord, q: &SqsQueueInputs, zone: &Zone, out: &mut PathResults) {
    if let Some(text) = &q.policy
        && let Some(policy) = out.parse("queue policy", text, ResourceElement::Required) {
            simple(&policy, SERVICES[0], &record.arn, zone, out);
        }
}
