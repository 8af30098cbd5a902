//! EventBridge (awsJson 1.1, `AWSEvents.<Op>`): ListEventBuses (the `default` bus, without a
//! policy, then the custom buses, each with its `Policy` when it has one; `NamePrefix`; `Limit`,
//! at most 100 per page and 100 by default; `NextToken`). A foreign token is 400
//! ValidationException.

use http::Response;
use serde_json::{json, Value};

use super::{page, page_size, Ctx};
use crate::org::CREATED;
use crate::protocol::{json_ok, ApiError, Protocol};

/// The `X-Amz-Target` prefix.
pub const TARGET: &str = "AWSEvents";
pub const OPERATIONS: &[&str] = &["ListEventBuses"];

pub fn answer(operation: &str, ctx: &Ctx<'_>) -> Result<Response<String>, ApiError> {
    if operation != "ListEventBuses" {
        return Err(super::Service::EventBridge.unsupported(operation));
    }
    let input = ctx.req.json();
    let (account, region) = (ctx.caller.id.as_str(), ctx.region);
    let default = json!({"Name": "default", "Arn": format!("arn:aws:events:{region}:{account}:event-bus/default"),
        "CreationTime": CREATED, "LastModifiedTime": CREATED});
    let custom = ctx.caller.region(region).map(|r| r.event_buses.as_slice()).unwrap_or_default().iter().map(|b| {
        let mut bus = json!({"Name": b.name, "Arn": b.arn, "CreationTime": CREATED, "LastModifiedTime": CREATED});
        if let (Some(p), Some(obj)) = (&b.policy, bus.as_object_mut()) {
            obj.insert("Policy".to_string(), json!(p));
        }
        bus
    });
    // The default bus exists in every region, the organization's or not.
    let prefix = input.get("NamePrefix").and_then(Value::as_str).unwrap_or_default();
    let buses: Vec<Value> =
        std::iter::once(default).chain(custom).filter(|b| b["Name"].as_str().is_some_and(|n| n.starts_with(prefix))).collect();
    let size = page_size(input.get("Limit").and_then(Value::as_u64), 100, 100);
    let (list, next) = page(&buses, input.get("NextToken").and_then(Value::as_str), size)
        .map_err(|e| ApiError::new(400, "ValidationException", e.message))?;
    let mut out = json!({"EventBuses": list});
    if let (Some(n), Some(obj)) = (next, out.as_object_mut()) {
        obj.insert("NextToken".to_string(), json!(n));
    }
    Ok(json_ok(Protocol::AwsJson11, &out, ctx.id))
}
