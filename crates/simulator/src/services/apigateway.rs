//! API Gateway (restJson1, signed as `apigateway`): GetRestApis (`GET /restapis`, `limit` at
//! most 500, 25 by default, and `position`; `{"item": [...], "position": …}`), each API with its
//! `endpointConfiguration` (`types`, and the account's VPC endpoint for a `PRIVATE` one) and its
//! `policy`. As API Gateway writes it, the policy is a JSON string whose text is the document
//! with every `"` escaped as `\"` and every `/` as `\/` (so the string decodes to
//! `{\"Version\":\"2012-10-17\",…}`, not to the document); an API without a policy has no
//! `policy`. A foreign position is 400 BadRequestException.

use http::{Method, Response};
use serde_json::{json, Value};

use super::{page, page_size, Ctx};
use crate::org::{vpc_endpoint_id, RestApi, CREATED};
use crate::protocol::{json_ok, ApiError, Incoming, Protocol};

pub fn route(req: &Incoming) -> Result<&'static str, String> {
    let s: Vec<&str> = req.segments.iter().map(String::as_str).collect();
    match (&req.method, s.as_slice()) {
        (&Method::GET, ["restapis"]) => Ok("GetRestApis"),
        _ => Err(format!("{} {}", req.method, req.path)),
    }
}

/// A policy document as API Gateway returns it in `policy`: `"` written `\"`, `/` written `\/`.
pub fn escaped_policy(document: &str) -> String {
    document.replace('"', "\\\"").replace('/', "\\/")
}

fn item(api: &RestApi, account: &str, region: &str) -> Value {
    let mut endpoint = json!({"types": [api.endpoint_type], "ipAddressType": "ipv4"});
    if let (true, Some(obj)) = (api.endpoint_type == "PRIVATE", endpoint.as_object_mut()) {
        obj.insert("vpcEndpointIds".to_string(), json!([vpc_endpoint_id(account, region)]));
    }
    let mut out = json!({"id": api.id, "name": api.name, "createdDate": CREATED, "apiKeySource": "HEADER",
        "endpointConfiguration": endpoint, "disableExecuteApiEndpoint": false, "rootResourceId": &api.id[..6]});
    if let (Some(p), Some(obj)) = (&api.policy, out.as_object_mut()) {
        obj.insert("policy".to_string(), json!(escaped_policy(p)));
    }
    out
}

pub fn answer(operation: &str, ctx: &Ctx<'_>) -> Result<Response<String>, ApiError> {
    if operation != "GetRestApis" {
        return Err(super::Service::ApiGateway.unsupported(operation));
    }
    let apis: &[RestApi] = ctx.caller.region(ctx.region).map_or(&[], |r| r.rest_apis.as_slice());
    let size = page_size(ctx.req.query("limit").and_then(|n| n.parse().ok()), 25, 500);
    let (list, next) = page(apis, ctx.req.query("position"), size).map_err(|e| ApiError::new(400, "BadRequestException", e.message))?;
    let items: Vec<Value> = list.iter().map(|a| item(a, &ctx.caller.id, ctx.region)).collect();
    let mut out = json!({"item": items});
    if let (Some(n), Some(obj)) = (next, out.as_object_mut()) {
        obj.insert("position".to_string(), json!(n));
    }
    Ok(json_ok(Protocol::RestJson, &out, ctx.id))
}
