//! SQS (awsJson 1.0, `AmazonSQS.<Op>`): ListQueues (QueueNamePrefix, MaxResults/NextToken; all
//! queues in one page without MaxResults, as SQS does up to 1,000) and GetQueueAttributes
//! (`Policy`, `QueueArn`, or `All`).

use std::collections::BTreeMap;

use http::Response;
use serde_json::{json, Value};

use super::{page, page_size, Ctx};
use crate::org::Queue;
use crate::protocol::{json_ok, ApiError, Protocol};

pub const OPERATIONS: &[&str] = &["ListQueues", "GetQueueAttributes"];

pub fn answer(operation: &str, ctx: &Ctx<'_>) -> Result<Response<String>, ApiError> {
    let input = ctx.req.json();
    let queues: &[Queue] = ctx.caller.region(ctx.region).map_or(&[], |r| r.queues.as_slice());
    let out = match operation {
        "ListQueues" => {
            let prefix = input.get("QueueNamePrefix").and_then(Value::as_str).unwrap_or_default();
            let matching: Vec<&Queue> = queues.iter().filter(|q| q.name.starts_with(prefix)).collect();
            let max = input.get("MaxResults").and_then(Value::as_u64);
            let (list, next) = match max {
                Some(n) => page(&matching, input.get("NextToken").and_then(Value::as_str), page_size(Some(n), 1000, 1000))?,
                None => (&matching[..matching.len().min(1000)], None),
            };
            let mut out = json!({"QueueUrls": list.iter().map(|q| q.url.clone()).collect::<Vec<_>>()});
            if let (Some(n), Some(obj)) = (next, out.as_object_mut()) {
                obj.insert("NextToken".to_string(), json!(n));
            }
            out
        }
        "GetQueueAttributes" => {
            let url = input.get("QueueUrl").and_then(Value::as_str).unwrap_or_default();
            let mut parts = url.trim_end_matches('/').rsplit('/');
            let (name, account) = (parts.next().unwrap_or_default(), parts.next().unwrap_or_default());
            let queue = queues
                .iter()
                .find(|q| q.name == name && account == ctx.caller.id)
                .ok_or_else(|| ApiError::new(400, "QueueDoesNotExist", "The specified queue does not exist."))?;
            let names: Vec<&str> = input
                .get("AttributeNames")
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let all = names.contains(&"All");
            let mut attrs = BTreeMap::new();
            if all || names.contains(&"Policy") {
                attrs.insert("Policy", queue.policy.clone());
            }
            if all || names.contains(&"QueueArn") {
                attrs.insert("QueueArn", queue.arn.clone());
            }
            if all {
                attrs.insert("VisibilityTimeout", "30".to_string());
            }
            json!({"Attributes": attrs})
        }
        other => return Err(super::Service::Sqs.unsupported(other)),
    };
    Ok(json_ok(Protocol::AwsJson10Sqs, &out, ctx.id))
}
