//! ECR repository: the repository policy, searched over the `ecr` actions on repositories on the
//! repository's ARN. Its statements have no `Resource`: they apply to the repository.

use perimeter_model::{EcrRepositoryInputs, ResourceRecord, Zone};

use super::{simple, PathResults, Services};
use crate::policy::ResourceElement;

pub const SERVICES: Services = &[("ecr", &["repository"])];

pub(super) fn analyze(record: &ResourceRecord, r: &EcrRepositoryInputs, zone: &Zone, out: &mut PathResults) {
    if let Some(text) = &r.policy
        && let Some(policy) = out.parse("repository policy", text, ResourceElement::NotRequired)
    {
        simple(&policy, SERVICES[0], &record.arn, zone, out);
    }
}
