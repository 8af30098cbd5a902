//! Secrets Manager (awsJson 1.1, `secretsmanager.<Op>`): ListSecrets (MaxResults/NextToken, at
//! most 100 per page) and GetResourcePolicy (`SecretId` = the name or the ARN; a secret without
//! a policy answers without `ResourcePolicy`, as Secrets Manager does).

use http::Response;
use serde_json::{json, Value};

use super::{page, page_size, Ctx};
use crate::org::{PolicyResource, CREATED};
use crate::protocol::{json_ok, ApiError, Protocol};

pub const OPERATIONS: &[&str] = &["ListSecrets", "GetResourcePolicy"];

/// The secret a request names (by name or ARN) in the caller's account and the request's region.
fn find<'a>(ctx: &Ctx<'a>, input: &Value) -> Result<&'a PolicyResource, ApiError> {
    let wanted = input.get("SecretId").and_then(Value::as_str).unwrap_or_default();
    ctx.caller
        .region(ctx.region)
        .and_then(|r| r.secrets.iter().find(|s| s.arn == wanted || s.name == wanted))
        .ok_or_else(|| ApiError::new(400, "ResourceNotFoundException", "Secrets Manager can't find the specified secret."))
}

pub fn answer(operation: &str, ctx: &Ctx<'_>) -> Result<Response<String>, ApiError> {
    let input = ctx.req.json();
    let out = match operation {
        "ListSecrets" => {
            let secrets: &[PolicyResource] = ctx.caller.region(ctx.region).map_or(&[], |r| r.secrets.as_slice());
            let size = page_size(input.get("MaxResults").and_then(Value::as_u64), 100, 100);
            let (list, next) = page(secrets, input.get("NextToken").and_then(Value::as_str), size)
                .map_err(|e| ApiError::new(400, "InvalidNextTokenException", e.message))?;
            let list: Vec<Value> = list
                .iter()
                .map(|s| json!({"ARN": s.arn, "Name": s.name, "CreatedDate": CREATED, "LastChangedDate": CREATED}))
                .collect();
            let mut out = json!({"SecretList": list});
            if let (Some(n), Some(obj)) = (next, out.as_object_mut()) {
                obj.insert("NextToken".to_string(), json!(n));
            }
            out
        }
        "GetResourcePolicy" => {
            let s = find(ctx, &input)?;
            let mut out = json!({"ARN": s.arn, "Name": s.name});
            if let (Some(p), Some(obj)) = (&s.policy, out.as_object_mut()) {
                obj.insert("ResourcePolicy".to_string(), json!(p));
            }
            out
        }
        other => return Err(super::Service::SecretsManager.unsupported(other)),
    };
    Ok(json_ok(Protocol::AwsJson11, &out, ctx.id))
}
