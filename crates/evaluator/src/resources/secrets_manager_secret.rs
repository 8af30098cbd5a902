//! Secrets Manager secret: the secret's resource policy, searched over the `secretsmanager`
//! actions on secrets on the secret's ARN.

use perimeter_model::{ResourceRecord, SecretsManagerSecretInputs, Zone};

use super::{simple, PathResults, Services};
use crate::policy::ResourceElement;

pub const SERVICES: Services = &[("secretsmanager", &["Secret"])];

pub(super) fn analyze(record: &ResourceRecord, s: &SecretsManagerSecretInputs, zone: &Zone, out: &mut PathResults) {
    if let Some(text) = &s.policy
        && let Some(policy) = out.parse("secret policy", text, ResourceElement::Required)
    {
        simple(&policy, SERVICES[0], &record.arn, zone, out);
    }
}
