//! `AWS::Logs::ResourcePolicy`: the CloudWatch Logs resource policies of a region, all from
//! DescribeResourcePolicies (account-level ones, and those scoped to one log group with their
//! log group's ARN). They have names, not ARNs: the record's ARN is perimeter's
//! `arn:aws:logs:<region>:<account>:resource-policy:<name>`.

use perimeter_model::{LogsResourcePolicyInputs, ResourceInputs, ResourceType};

use crate::account::{AccountCtx, Collected};
use crate::listing;
use crate::pacing::Api;

const TYPE: ResourceType = ResourceType::LogsResourcePolicy;

pub async fn read(ctx: &AccountCtx, region: &str, fan_out: usize) -> Collected {
    let logs = ctx.clients(region).logs;
    let send = |token: Option<String>| logs.describe_resource_policies().set_next_token(token).limit(50).send();
    let policies = listing::token_pages(ctx, Api::at(region, "cloudwatchlogs:DescribeResourcePolicies"), send, |p| {
        let items = p
            .resource_policies()
            .iter()
            .filter_map(|r| {
                let name = r.policy_name()?.to_string();
                let scoped = r.policy_scope().is_some_and(|s| s.as_str() == "RESOURCE");
                let resource_arn = r.resource_arn().filter(|_| scoped).map(str::to_string);
                Some(LogsResourcePolicyInputs { name, policy: listing::policy_text(r.policy_document()), resource_arn })
            })
            .collect();
        (items, p.next_token().map(str::to_string))
    })
    .await;
    listing::scope(ctx, region, TYPE, policies, fan_out, |inputs| async move {
        let arn = format!("arn:aws:logs:{region}:{}:resource-policy:{}", ctx.account, inputs.name);
        Ok(Some(ctx.record(region, arn, ResourceInputs::LogsResourcePolicy(inputs))))
    })
    .await
}
