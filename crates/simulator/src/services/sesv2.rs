//! SES v2 (restJson1, signed as `ses`): ListEmailIdentities (the SDK's
//! `POST /v2/email/list-identities` with `NextToken`/`PageSize` in the JSON body, and the model's
//! `GET /v2/email/identities?NextToken=&PageSize=`; at most 1,000 per page, 100 by default) and
//! GetEmailIdentityPolicies (`GET /v2/email/identities/<identity>/policies`:
//! `{"Policies": {name: document}}`, empty for an identity without a policy). An unknown identity
//! is 404 NotFoundException, a foreign token 400 BadRequestException.

use http::{Method, Response};
use serde_json::{json, Value};

use super::{page, page_size, Ctx};
use crate::org::{PolicyResource, SES_POLICY_NAME};
use crate::protocol::{json_ok, ApiError, Incoming, Protocol};

pub fn route(req: &Incoming) -> Result<&'static str, String> {
    let s: Vec<&str> = req.segments.iter().map(String::as_str).collect();
    let op = match (&req.method, s.as_slice()) {
        (&Method::POST, ["v2", "email", "list-identities"]) | (&Method::GET, ["v2", "email", "identities"]) => "ListEmailIdentities",
        (&Method::GET, ["v2", "email", "identities", _, "policies"]) => "GetEmailIdentityPolicies",
        _ => return Err(format!("{} {}", req.method, req.path)),
    };
    Ok(op)
}

pub fn answer(operation: &str, ctx: &Ctx<'_>) -> Result<Response<String>, ApiError> {
    let identities: &[PolicyResource] = ctx.caller.region(ctx.region).map_or(&[], |r| r.email_identities.as_slice());
    let out = match operation {
        "ListEmailIdentities" => {
            // The SDK's POST carries the parameters in its body, the model's GET in its query.
            let input = ctx.req.json();
            let token = input.get("NextToken").and_then(Value::as_str).or_else(|| ctx.req.query("NextToken"));
            let requested = input.get("PageSize").and_then(Value::as_u64).or_else(|| ctx.req.query("PageSize").and_then(|n| n.parse().ok()));
            let (list, next) = page(identities, token, page_size(requested, 100, 1000))
                .map_err(|e| ApiError::new(400, "BadRequestException", e.message))?;
            let list: Vec<Value> = list
                .iter()
                .map(|i| json!({"IdentityType": "DOMAIN", "IdentityName": i.name, "SendingEnabled": true, "VerificationStatus": "SUCCESS"}))
                .collect();
            let mut out = json!({"EmailIdentities": list});
            if let (Some(n), Some(obj)) = (next, out.as_object_mut()) {
                obj.insert("NextToken".to_string(), json!(n));
            }
            out
        }
        "GetEmailIdentityPolicies" => {
            let name = ctx.req.segments.get(3).map_or("", String::as_str);
            let identity = identities
                .iter()
                .find(|i| i.name == name)
                .ok_or_else(|| ApiError::new(404, "NotFoundException", format!("Email identity {name} does not exist.")))?;
            let policies: serde_json::Map<String, Value> = identity.policy.iter().map(|p| (SES_POLICY_NAME.to_string(), json!(p))).collect();
            json!({"Policies": policies})
        }
        other => return Err(super::Service::SesV2.unsupported(other)),
    };
    Ok(json_ok(Protocol::RestJson, &out, ctx.id))
}
