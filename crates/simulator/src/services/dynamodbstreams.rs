//! DynamoDB Streams (awsJson 1.0, `DynamoDBStreams_20120810.<Op>`; signed as `dynamodb`, like
//! DynamoDB): ListStreams (ExclusiveStartStreamArn/Limit, stream ARNs in lexicographic order, at
//! most 100 per page, `LastEvaluatedStreamArn` while more remain; `TableName` for one table's
//! streams, an unknown table being 400 ResourceNotFoundException). A stream's policy is read
//! with DynamoDB's GetResourcePolicy.

use http::Response;
use serde_json::{json, Value};

use super::{page_size, Ctx};
use crate::org::{PolicyResource, STREAM_LABEL};
use crate::protocol::{json_ok, ApiError, Protocol};

/// The `X-Amz-Target` prefix.
pub const TARGET: &str = "DynamoDBStreams_20120810";
/// The namespace of the error codes (`__type`: `<namespace>#<code>`).
pub const NAMESPACE: &str = "com.amazonaws.dynamodb.v20120810";
pub const OPERATIONS: &[&str] = &["ListStreams"];

pub fn answer(operation: &str, ctx: &Ctx<'_>) -> Result<Response<String>, ApiError> {
    let input = ctx.req.json();
    let here = ctx.caller.region(ctx.region);
    let out = match operation {
        "ListStreams" => {
            let mut streams: Vec<&PolicyResource> = here.map(|r| r.streams.iter().collect()).unwrap_or_default();
            if let Some(table) = input.get("TableName").and_then(Value::as_str) {
                if !here.is_some_and(|r| r.tables.iter().any(|t| t.name == table)) {
                    return Err(ApiError::new(400, "ResourceNotFoundException", format!("Requested resource not found: Table: {table} not found")));
                }
                streams.retain(|s| s.name == table);
            }
            streams.sort_unstable_by(|a, b| a.arn.cmp(&b.arn));
            // The page starts after the named stream, as DynamoDB Streams' does.
            let start = input.get("ExclusiveStartStreamArn").and_then(Value::as_str).map_or(0, |s| streams.partition_point(|p| p.arn.as_str() <= s));
            let size = page_size(input.get("Limit").and_then(Value::as_u64), 100, 100);
            let end = (start + size).min(streams.len());
            let list = &streams[start..end];
            let entries: Vec<Value> = list.iter().map(|s| json!({"StreamArn": s.arn, "TableName": s.name, "StreamLabel": STREAM_LABEL})).collect();
            let mut out = json!({"Streams": entries});
            if let (true, Some(last), Some(obj)) = (end < streams.len(), list.last(), out.as_object_mut()) {
                obj.insert("LastEvaluatedStreamArn".to_string(), json!(last.arn));
            }
            out
        }
        other => return Err(super::Service::DynamoDbStreams.unsupported(other)),
    };
    Ok(json_ok(Protocol::AwsJson10 { namespace: NAMESPACE }, &out, ctx.id))
}
