//! Lambda layer version: the layer version policy, searched over the `lambda` actions on layer
//! versions (`lambda:GetLayerVersion`, …) on the layer version's ARN. A layer shared with
//! `aws:PrincipalOrgID` = the own organization is internal.

use perimeter_model::{LambdaLayerVersionInputs, ResourceRecord, Zone};

use super::{simple, PathResults, Services};
use crate::policy::ResourceElement;

pub const SERVICES: Services = &[("lambda", &["layerVersion"])];

pub(super) fn analyze(record: &ResourceRecord, l: &LambdaLayerVersionInputs, zone: &Zone, out: &mut PathResults) {
    if let Some(text) = &l.policy
        && let Some(policy) = out.parse("layer version policy", text, ResourceElement::Required) {
            simple(&policy, SERVICES[0], &record.arn, zone, out);
        }
}
