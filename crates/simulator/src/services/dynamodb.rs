//! DynamoDB (awsJson 1.0, `DynamoDB_20120810.<Op>`): ListTables (ExclusiveStartTableName/Limit,
//! names in lexicographic order, at most 100 per page, `LastEvaluatedTableName` while more
//! remain) and GetResourcePolicy (`ResourceArn` = a table's or a stream's ARN; the policy with a
//! `RevisionId`). A resource without a policy is 400 PolicyNotFoundException, an unknown one 400
//! ResourceNotFoundException.

use http::Response;
use serde_json::{json, Value};

use super::{page_size, Ctx};
use crate::org::{PolicyResource, CREATED};
use crate::protocol::{json_ok, ApiError, Protocol};

/// The `X-Amz-Target` prefix (DynamoDB Streams signs as `dynamodb` too: the prefix tells them apart).
pub const TARGET: &str = "DynamoDB_20120810";
/// The namespace of the error codes (`__type`: `<namespace>#<code>`).
pub const NAMESPACE: &str = "com.amazonaws.dynamodb.v20120810";
pub const OPERATIONS: &[&str] = &["ListTables", "GetResourcePolicy"];

/// The table or stream of that ARN in the caller's account and the request's region.
fn find<'a>(ctx: &Ctx<'a>, arn: &str) -> Result<&'a PolicyResource, ApiError> {
    ctx.caller
        .region(ctx.region)
        .and_then(|r| r.tables.iter().chain(&r.streams).find(|p| p.arn == arn))
        .ok_or_else(|| ApiError::new(400, "ResourceNotFoundException", format!("Requested resource not found: {arn}")))
}

pub fn answer(operation: &str, ctx: &Ctx<'_>) -> Result<Response<String>, ApiError> {
    let input = ctx.req.json();
    let out = match operation {
        "ListTables" => {
            let mut names: Vec<&str> = ctx.caller.region(ctx.region).map(|r| r.tables.iter().map(|t| t.name.as_str()).collect()).unwrap_or_default();
            names.sort_unstable();
            // The page starts after the named table (which need not exist), as DynamoDB's does.
            let start = input.get("ExclusiveStartTableName").and_then(Value::as_str).map_or(0, |s| names.partition_point(|n| *n <= s));
            let size = page_size(input.get("Limit").and_then(Value::as_u64), 100, 100);
            let end = (start + size).min(names.len());
            let list = &names[start..end];
            let mut out = json!({"TableNames": list});
            if let (true, Some(last), Some(obj)) = (end < names.len(), list.last(), out.as_object_mut()) {
                obj.insert("LastEvaluatedTableName".to_string(), json!(last));
            }
            out
        }
        "GetResourcePolicy" => {
            let arn = input.get("ResourceArn").and_then(Value::as_str).unwrap_or_default();
            let p = find(ctx, arn)?;
            let policy = p.policy.as_ref().ok_or_else(|| {
                ApiError::new(400, "PolicyNotFoundException", format!("Resource-based policy not found for the provided ResourceArn: {arn}"))
            })?;
            json!({"Policy": policy, "RevisionId": (CREATED * 1000).to_string()})
        }
        other => return Err(super::Service::DynamoDb.unsupported(other)),
    };
    Ok(json_ok(Protocol::AwsJson10 { namespace: NAMESPACE }, &out, ctx.id))
}
