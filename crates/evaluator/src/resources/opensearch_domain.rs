//! OpenSearch Service domain: the domain access policy, searched over the `es` actions on
//! domains. The HTTP actions (`es:ESHttp*`) name a path under the domain
//! (`domain/<name>/<index>/…`), so they are tried on the domain's ARN and on paths under it;
//! the other actions on the domain's ARN. A domain with VPC access is reached only from inside
//! its VPC: it is never public (semantics.md section 6), and each finding says so.

use perimeter_model::{OpenSearchDomainInputs, ResourceRecord, Zone};

use super::{named_under, never_public, scope, targets_for, PathResults, Services};
use crate::policy::ResourceElement;
use crate::search;
use perimeter_model::SharedVia;

pub const SERVICES: Services = &[("es", &["domain"])];

/// The index an HTTP request names when the policy names no path.
const WITNESS_PATH: &str = "perimeter-witness-index";

pub(super) fn analyze(record: &ResourceRecord, x: &OpenSearchDomainInputs, zone: &Zone, out: &mut PathResults) {
    let Some(text) = &x.policy else { return };
    let Some(policy) = out.parse("domain access policy", text, ResourceElement::Required) else { return };
    let mut http: Vec<String> = vec![record.arn.clone()];
    http.extend(named_under(&policy, &format!("{}/", record.arn), WITNESS_PATH));
    let mut targets = targets_for(&policy, zone, SERVICES[0], &http);
    let domain_only: std::sync::Arc<[String]> = std::sync::Arc::from([record.arn.clone()]);
    for t in &mut targets {
        let is_http = t.action.get(..9).is_some_and(|p| p.eq_ignore_ascii_case("es:ESHttp"));
        if !is_http && !t.whole_service {
            t.resources = domain_only.clone();
        }
    }
    let from = out.findings.len();
    out.add(search::search(&policy, &scope(zone, &targets, out)), SharedVia::Policy);
    if let Some(vpc) = &x.vpc_id {
        never_public(out, from, &format!("the domain has VPC access: only requests from inside VPC {vpc} reach it"));
    }
}
