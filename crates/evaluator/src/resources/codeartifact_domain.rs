//! CodeArtifact domain: the domain's permissions policy, searched over the `codeartifact` actions
//! on domains on the domain's ARN.

use perimeter_model::{CodeArtifactDomainInputs, ResourceRecord, Zone};

use super::{simple, PathResults, Services};
use crate::policy::ResourceElement;

pub const SERVICES: Services = &[("codeartifact", &["domain"])];

pub(super) fn analyze(record: &ResourceRecord, x: &CodeArtifactDomainInputs, zone: &Zone, out: &mut PathResults) {
    if let Some(text) = &x.policy
        && let Some(policy) = out.parse("domain policy", text, ResourceElement::Required)
    {
        simple(&policy, SERVICES[0], &record.arn, zone, out);
    }
}
