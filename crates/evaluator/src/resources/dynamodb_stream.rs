//! DynamoDB stream: the stream's resource-based policy, searched over the `dynamodb` actions on streams on the stream's ARN.

use perimeter_model::{DynamoDbStreamInputs, ResourceRecord, Zone};

use super::{simple, PathResults, Services};
use crate::policy::ResourceElement;

pub const SERVICES: Services = &[("dynamodb", &["stream"])];

pub(super) fn analyze(record: &ResourceRecord, x: &DynamoDbStreamInputs, zone: &Zone, out: &mut PathResults) {
    if let Some(text) = &x.policy
        && let Some(policy) = out.parse("stream policy", text, ResourceElement::Required)
    {
        simple(&policy, SERVICES[0], &record.arn, zone, out);
    }
}
