//! SNS (awsQuery, version 2010-03-31): ListTopics (100 per page with NextToken, as SNS pages)
//! and GetTopicAttributes (`Policy`, `TopicArn`, `Owner`; a topic without a policy has no
//! `Policy` entry). An unknown topic is 404 NotFound.

use http::Response;

use super::{page, Ctx};
use crate::org::PolicyResource;
use crate::protocol::{el, form_get, query_ok, ApiError};

pub const NAMESPACE: &str = "http://sns.amazonaws.com/doc/2010-03-31/";
pub const VERSION: &str = "2010-03-31";
pub const OPERATIONS: &[&str] = &["ListTopics", "GetTopicAttributes"];

/// `<entry><key>…</key><value>…</value></entry>` of an attribute map.
fn entry(key: &str, value: &str) -> String {
    format!("<entry>{}{}</entry>", el("key", key), el("value", value))
}

pub fn answer(operation: &str, ctx: &Ctx<'_>) -> Result<Response<String>, ApiError> {
    let form = ctx.req.form();
    let topics: &[PolicyResource] = ctx.caller.region(ctx.region).map_or(&[], |r| r.topics.as_slice());
    let inner = match operation {
        "ListTopics" => {
            let (list, next) = page(topics, form_get(&form, "NextToken"), 100)
                .map_err(|e| ApiError::new(400, "InvalidParameter", e.message))?;
            let members: String = list.iter().map(|t| format!("<member>{}</member>", el("TopicArn", &t.arn))).collect();
            let next = next.map(|n| el("NextToken", &n)).unwrap_or_default();
            format!("<Topics>{members}</Topics>{next}")
        }
        "GetTopicAttributes" => {
            let arn = form_get(&form, "TopicArn").unwrap_or_default();
            let topic = topics
                .iter()
                .find(|t| t.arn == arn)
                .ok_or_else(|| ApiError::new(404, "NotFound", "Topic does not exist"))?;
            let policy = topic.policy.as_deref().map(|p| entry("Policy", p)).unwrap_or_default();
            format!("<Attributes>{policy}{}{}</Attributes>", entry("TopicArn", &topic.arn), entry("Owner", &ctx.caller.id))
        }
        other => return Err(super::Service::Sns.unsupported(other)),
    };
    Ok(query_ok(NAMESPACE, operation, &inner, ctx.id))
}
