//! Lambda function: the function policies (unqualified, and those of versions and aliases,
//! each on its qualified ARN) and the function URLs. A URL fixes
//! `lambda:FunctionUrlAuthType` for the actions on that URL (`lambda:InvokeFunctionUrl`,
//! `lambda:GetFunctionUrlConfig`, `lambda:DeleteFunctionUrlConfig`) on the same qualifier; for
//! the actions that set a URL's auth type (`lambda:CreateFunctionUrlConfig`,
//! `lambda:UpdateFunctionUrlConfig`) the caller chooses the value, and so for
//! `lambda:ListFunctionUrlConfigs`, which spans every URL of the function (semantics.md section
//! 6); for every other action the key is absent. A finding that only invokes a URL with
//! `AuthType = NONE` is shared through the URL (`shared_via = FUNCTION_URL`).

use perimeter_model::{FunctionUrl, LambdaFunctionInputs, ResourceRecord, SharedVia, Zone};

use super::{scope, targets_for, PathResults, Services};
use crate::policy::ResourceElement;
use crate::search;

pub const SERVICES: Services = &[("lambda", &["function"])];

const AUTH_TYPE_KEY: &str = "lambda:functionurlauthtype";
const INVOKE_URL: &str = "lambda:InvokeFunctionUrl";
/// Actions on an existing URL: the key is that URL's auth type.
const ON_THE_URL: [&str; 3] = [INVOKE_URL, "lambda:GetFunctionUrlConfig", "lambda:DeleteFunctionUrlConfig"];
/// Actions whose auth type the request itself sets (or that span every URL): the key is the
/// caller's to choose and restricts nothing.
const CALLER_SETS: [&str; 3] =
    ["lambda:CreateFunctionUrlConfig", "lambda:UpdateFunctionUrlConfig", "lambda:ListFunctionUrlConfigs"];

pub(super) fn analyze(record: &ResourceRecord, f: &LambdaFunctionInputs, zone: &Zone, out: &mut PathResults) {
    for qp in &f.policies {
        let (document, arn) = match &qp.qualifier {
            Some(q) => (format!("function policy (qualifier {q})"), format!("{}:{q}", record.arn)),
            None => ("function policy".to_string(), record.arn.clone()),
        };
        let Some(policy) = out.parse(&document, &qp.policy, ResourceElement::Required) else { continue };
        let url: Option<&FunctionUrl> = f.urls.iter().find(|u| u.qualifier == qp.qualifier);
        let mut targets = targets_for(&policy, zone, SERVICES[0], std::slice::from_ref(&arn));
        for t in &mut targets {
            if ON_THE_URL.iter().any(|a| t.action.eq_ignore_ascii_case(a)) {
                // No URL yet: one created later makes the grant live, whatever its auth type.
                if let Some(url) = url {
                    t.fixed = vec![(AUTH_TYPE_KEY.into(), Some(url.auth_type.clone()))];
                }
            } else if !CALLER_SETS.iter().any(|a| t.action.eq_ignore_ascii_case(a)) {
                t.fixed = vec![(AUTH_TYPE_KEY.into(), None)];
            }
        }
        let public_url = url.is_some_and(|u| u.auth_type.eq_ignore_ascii_case("NONE"));
        for mut raw in search::search(&policy, &scope(zone, &targets, out)) {
            if let Some(q) = &qp.qualifier {
                raw.notes.push(format!("policy of qualifier `{q}`"));
            }
            let url_only = raw.actions.len() == 1 && raw.actions.contains(INVOKE_URL);
            let via = if url_only && public_url { SharedVia::FunctionUrl } else { SharedVia::Policy };
            out.add(vec![raw], via);
        }
    }
}
