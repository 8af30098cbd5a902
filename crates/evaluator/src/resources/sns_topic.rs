//! SNS topic: the topic policy, searched over the `sns` actions on topics on the topic's ARN. The
//! default policy (anyone, `AWS:SourceOwner` = the owner account) is internal: the source key
//! names a zone account.

use perimeter_model::{ResourceRecord, SnsTopicInputs, Zone};

use super::{simple, PathResults, Services};
use crate::policy::ResourceElement;

pub const SERVICES: Services = &[("sns", &["topic"])];

pub(super) fn analyze(record: &ResourceRecord, t: &SnsTopicInputs, zone: &Zone, out: &mut PathResults) {
    if let Some(text) = &t.policy
        && let Some(policy) = out.parse("topic policy", text, ResourceElement::Required)
    {
        simple(&policy, SERVICES[0], &record.arn, zone, out);
    }
}
