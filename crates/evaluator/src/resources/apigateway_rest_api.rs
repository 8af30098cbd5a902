//! API Gateway REST API: the API's resource policy, searched over the `execute-api` actions on
//! `arn:aws:execute-api:<region>:<account>:<id>/<stage>/<method>/<path>` (the stage, method and
//! path are the caller's: a witness one, and an instance of every path the policy names). The
//! shorthand `execute-api:/…` that the API Gateway guide lets a policy write stands for the API's
//! own ARN prefix, as API Gateway expands it. An API whose only endpoint is `PRIVATE` is reached
//! only through interface VPC endpoints: it is never public (semantics.md section 6).

use perimeter_model::{ApiGatewayRestApiInputs, ResourceRecord, SharedVia, Zone};
use serde_json::Value as Json;

use super::{named_under, never_public, scope, targets_for, PathResults, Services};
use crate::policy::ResourceElement;
use crate::search;

pub const SERVICES: Services = &[("execute-api", &["execute-api-general"])];

/// The stage, method and path a request names when the policy names none.
const WITNESS_ROUTE: &str = "perimeter-witness-stage/GET/perimeter-witness-path";

/// The note on the findings of a private API.
pub const PRIVATE_NOTE: &str =
    "the API's endpoint is PRIVATE: only requests through an interface VPC endpoint (and its endpoint policy) reach it";

pub(super) fn analyze(record: &ResourceRecord, x: &ApiGatewayRestApiInputs, zone: &Zone, out: &mut PathResults) {
    let Some(text) = &x.policy else { return };
    let prefix = route_prefix(record, x);
    let rewrite = |json: &mut Json| expand_shorthand(json, &prefix);
    let Some(policy) = out.parse_rewritten("API resource policy", text, ResourceElement::Required, rewrite) else { return };
    let routes = named_under(&policy, &prefix, WITNESS_ROUTE);
    let targets = targets_for(&policy, zone, SERVICES[0], &routes);
    let from = out.findings.len();
    out.add(search::search(&policy, &scope(zone, &targets, out)), SharedVia::Policy);
    if x.is_private() {
        never_public(out, from, PRIVATE_NOTE);
    }
}

/// `arn:aws:execute-api:<region>:<account>:<id>/`: what every route of the API starts with.
pub(super) fn route_prefix(record: &ResourceRecord, x: &ApiGatewayRestApiInputs) -> String {
    format!("arn:aws:execute-api:{}:{}:{}/", record.region, record.account, x.id)
}

/// Rewrites every `Resource` / `NotResource` string `execute-api:/<rest>` to `<prefix><rest>`.
pub(super) fn expand_shorthand(json: &mut Json, prefix: &str) {
    let statements = match json.get_mut("Statement") {
        Some(Json::Array(list)) => list.iter_mut().collect::<Vec<_>>(),
        Some(one @ Json::Object(_)) => vec![one],
        _ => return,
    };
    for st in statements {
        for element in ["Resource", "NotResource"] {
            let values = match st.get_mut(element) {
                Some(Json::Array(list)) => list.iter_mut().collect::<Vec<_>>(),
                Some(one @ Json::String(_)) => vec![one],
                _ => continue,
            };
            for v in values {
                if let Json::String(s) = v
                    && let Some(rest) = s.strip_prefix("execute-api:/")
                {
                    *s = format!("{prefix}{rest}");
                }
            }
        }
    }
}
