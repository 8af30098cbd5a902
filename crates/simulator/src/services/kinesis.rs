//! Kinesis Data Streams (awsJson 1.1, `Kinesis_20131202.<Op>`): ListStreams (stream names in
//! lexicographic order with their `StreamSummaries`; `Limit`, at most 100 per page and 100 by
//! default; `ExclusiveStartStreamName` starts after the named stream, which need not exist;
//! `NextToken`, with `HasMoreStreams`) and GetResourcePolicy (`ResourceARN` = a stream's ARN). A
//! stream without a policy answers `{"Policy":"{}"}`, as Kinesis does; an unknown stream is 400
//! ResourceNotFoundException, a foreign token 400 InvalidArgumentException.

use http::Response;
use serde_json::{json, Value};

use super::{page, page_size, Ctx};
use crate::org::{PolicyResource, CREATED};
use crate::protocol::{json_ok, ApiError, Protocol};

/// The `X-Amz-Target` prefix.
pub const TARGET: &str = "Kinesis_20131202";
pub const OPERATIONS: &[&str] = &["ListStreams", "GetResourcePolicy"];

fn invalid(message: String) -> ApiError {
    ApiError::new(400, "InvalidArgumentException", message)
}

/// The stream of that ARN in the caller's account and the request's region.
fn find<'a>(ctx: &Ctx<'a>, arn: &str) -> Result<&'a PolicyResource, ApiError> {
    ctx.caller.region(ctx.region).and_then(|r| r.kinesis_streams.iter().find(|s| s.arn == arn)).ok_or_else(|| {
        let name = arn.rsplit_once(":stream/").map_or(arn, |(_, n)| n);
        ApiError::new(400, "ResourceNotFoundException", format!("Stream {name} under account {} not found.", ctx.caller.id))
    })
}

pub fn answer(operation: &str, ctx: &Ctx<'_>) -> Result<Response<String>, ApiError> {
    let input = ctx.req.json();
    let out = match operation {
        "ListStreams" => {
            let mut streams: Vec<&PolicyResource> =
                ctx.caller.region(ctx.region).map(|r| r.kinesis_streams.iter().collect()).unwrap_or_default();
            streams.sort_unstable_by(|a, b| a.name.cmp(&b.name));
            let token = input.get("NextToken").and_then(Value::as_str);
            let start = input.get("ExclusiveStartStreamName").and_then(Value::as_str);
            if token.is_some() && start.is_some() {
                return Err(invalid("NextToken and ExclusiveStartStreamName cannot be provided together.".to_string()));
            }
            // After the named stream, as Kinesis pages by name.
            let from = start.map_or(0, |s| streams.partition_point(|p| p.name.as_str() <= s));
            let size = page_size(input.get("Limit").and_then(Value::as_u64), 100, 100);
            let (list, next) = page(&streams[from..], token, size).map_err(|e| invalid(e.message))?;
            let summaries: Vec<Value> = list
                .iter()
                .map(|s| {
                    json!({"StreamName": s.name, "StreamARN": s.arn, "StreamStatus": "ACTIVE",
                        "StreamModeDetails": {"StreamMode": "ON_DEMAND"}, "StreamCreationTimestamp": CREATED})
                })
                .collect();
            let names: Vec<&str> = list.iter().map(|s| s.name.as_str()).collect();
            let mut out = json!({"StreamNames": names, "HasMoreStreams": next.is_some(), "StreamSummaries": summaries});
            if let (Some(n), Some(obj)) = (next, out.as_object_mut()) {
                obj.insert("NextToken".to_string(), json!(n));
            }
            out
        }
        "GetResourcePolicy" => {
            let arn = input.get("ResourceARN").and_then(Value::as_str).unwrap_or_default();
            let s = find(ctx, arn)?;
            json!({"Policy": s.policy.as_deref().unwrap_or("{}")})
        }
        other => return Err(super::Service::Kinesis.unsupported(other)),
    };
    Ok(json_ok(Protocol::AwsJson11, &out, ctx.id))
}
