//! CodeArtifact repository: the repository's permissions policy, searched over the
//! `codeartifact` actions on repositories (on the repository's ARN) and on packages (on
//! `package/<domain>/<repository>/<format>/<namespace>/<name>`: a repository's policy governs
//! its packages, and a statement may grant `ReadFromRepository` on some packages alone).

use perimeter_model::{CodeArtifactRepositoryInputs, ResourceRecord, SharedVia, Zone};

use super::{container_targets, named_under, scope, PathResults, Services};
use crate::policy::ResourceElement;
use crate::search;

pub const SERVICES: Services = &[("codeartifact", &["repository", "package"])];

/// The packages a package-level request names when the policy names none: one of each format
/// CodeArtifact stores (without a namespace), so that a Deny on one format leaves the others.
const WITNESS_PACKAGES: [&str; 8] = [
    "npm//perimeter-witness-package",
    "pypi//perimeter-witness-package",
    "maven//perimeter-witness-package",
    "nuget//perimeter-witness-package",
    "generic//perimeter-witness-package",
    "swift//perimeter-witness-package",
    "ruby//perimeter-witness-package",
    "cargo//perimeter-witness-package",
];

pub(super) fn analyze(record: &ResourceRecord, x: &CodeArtifactRepositoryInputs, zone: &Zone, out: &mut PathResults) {
    if let Some(text) = &x.policy
        && let Some(policy) = out.parse("repository policy", text, ResourceElement::Required)
    {
        let (service, types) = SERVICES[0];
        let prefix = format!("arn:aws:codeartifact:{}:{}:package/{}/{}/", record.region, record.account, x.domain, x.name);
        let mut packages: Vec<String> = Vec::new();
        for witness in WITNESS_PACKAGES {
            for p in named_under(&policy, &prefix, witness) {
                if !packages.contains(&p) {
                    packages.push(p);
                }
            }
        }
        let targets = container_targets(&policy, zone, service, types, &record.arn, &packages);
        out.add(search::search(&policy, &scope(zone, &targets, out)), SharedVia::Policy);
    }
}
