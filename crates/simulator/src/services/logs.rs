//! CloudWatch Logs (awsJson 1.1, `Logs_20140328.<Op>`, lower-case members, timestamps in epoch
//! milliseconds): DescribeResourcePolicies (the account-level policies, `policyScope`
//! `ACCOUNT`; none for `policyScope` `RESOURCE` or a `resourceArn`, as no policy is scoped to a
//! log group; `limit` at most 50, the default, and `nextToken`) and DescribeDestinations
//! (`DestinationNamePrefix`; `limit` at most 50, the default, and `nextToken`; a destination
//! without a policy has no `accessPolicy`). A foreign token is 400 InvalidParameterException.

use http::Response;
use serde_json::{json, Value};

use super::{page, page_size, Ctx};
use crate::org::{PolicyResource, CREATED};
use crate::protocol::{json_ok, ApiError, Protocol};

/// The `X-Amz-Target` prefix.
pub const TARGET: &str = "Logs_20140328";
pub const OPERATIONS: &[&str] = &["DescribeResourcePolicies", "DescribeDestinations"];

/// One page of `items` under `key`, with `nextToken` while more remain.
fn paged(key: &str, items: &[Value], input: &Value) -> Result<Value, ApiError> {
    let size = page_size(input.get("limit").and_then(Value::as_u64), 50, 50);
    let (list, next) = page(items, input.get("nextToken").and_then(Value::as_str), size)
        .map_err(|e| ApiError::new(400, "InvalidParameterException", e.message))?;
    let mut out = json!({ key: list });
    if let (Some(n), Some(obj)) = (next, out.as_object_mut()) {
        obj.insert("nextToken".to_string(), json!(n));
    }
    Ok(out)
}

pub fn answer(operation: &str, ctx: &Ctx<'_>) -> Result<Response<String>, ApiError> {
    let input = ctx.req.json();
    let empty = Default::default();
    let here = ctx.caller.region(ctx.region).unwrap_or(&empty);
    let millis = CREATED * 1000;
    let out = match operation {
        "DescribeResourcePolicies" => {
            let scoped = input.get("resourceArn").is_some() || input.get("policyScope").and_then(Value::as_str) == Some("RESOURCE");
            // A policy without a document is no policy: not listed.
            let policies: Vec<Value> = here
                .logs_resource_policies
                .iter()
                .filter(|_| !scoped)
                .filter_map(|p: &PolicyResource| {
                    let doc = p.policy.as_ref()?;
                    Some(json!({"policyName": p.name, "policyDocument": doc, "lastUpdatedTime": millis, "policyScope": "ACCOUNT"}))
                })
                .collect();
            paged("resourcePolicies", &policies, &input)?
        }
        "DescribeDestinations" => {
            let prefix = input.get("DestinationNamePrefix").and_then(Value::as_str).unwrap_or_default();
            let (account, region) = (ctx.caller.id.as_str(), ctx.region);
            let destinations: Vec<Value> = here
                .logs_destinations
                .iter()
                .filter(|d| d.name.starts_with(prefix))
                .map(|d| {
                    let n = d.name.strip_prefix("sim-destination-").unwrap_or(&d.name);
                    let mut out = json!({"destinationName": d.name, "arn": d.arn, "creationTime": millis,
                        "targetArn": format!("arn:aws:firehose:{region}:{account}:deliverystream/sim-delivery-{n}"),
                        "roleArn": format!("arn:aws:iam::{account}:role/sim-logs-destination")});
                    if let (Some(p), Some(obj)) = (&d.policy, out.as_object_mut()) {
                        obj.insert("accessPolicy".to_string(), json!(p));
                    }
                    out
                })
                .collect();
            paged("destinations", &destinations, &input)?
        }
        other => return Err(super::Service::Logs.unsupported(other)),
    };
    Ok(json_ok(Protocol::AwsJson11, &out, ctx.id))
}
