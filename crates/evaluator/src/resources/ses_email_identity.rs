//! SES identity: its sending authorization policies, read as one policy (SES evaluates an
//! identity's policies together: an Allow in any grants, a Deny in any refuses), searched over
//! the `ses` actions on identities on the identity's ARN (`ses:SendEmail`, `ses:SendRawEmail`:
//! another account sends as this address or domain).

use perimeter_model::{ResourceRecord, SesEmailIdentityInputs, Zone};

use super::{combined, simple, PathResults, Services};
use crate::policy::ResourceElement;

pub const SERVICES: Services = &[("ses", &["identity"])];

pub(super) fn analyze(record: &ResourceRecord, x: &SesEmailIdentityInputs, zone: &Zone, out: &mut PathResults) {
    let texts = x.policies.iter().map(|(name, text)| (format!("sending authorization policy {name}"), text.as_str()));
    if let Some(policy) = combined(out, texts, ResourceElement::Required) {
        simple(&policy, SERVICES[0], &record.arn, zone, out);
    }
}
