//! `AWS::SNS::Topic`: the topics of a region (ListTopics) with their topic policies (one
//! GetTopicAttributes per topic, for `Policy`).

use perimeter_model::{ResourceInputs, ResourceRecord, ResourceType, SnsTopicInputs};

use crate::account::{AccountCtx, Collected, Read};
use crate::listing;
use crate::pacing::Api;

const TYPE: ResourceType = ResourceType::SnsTopic;

pub async fn read(ctx: &AccountCtx, region: &str, fan_out: usize) -> Collected {
    let sns = ctx.clients(region).sns;
    let pages = || sns.list_topics().into_paginator().send();
    let arns = listing::all_pages(ctx, Api::at(region, "sns:ListTopics"), pages, |p| p.topics().iter().filter_map(|t| t.topic_arn().map(str::to_string)).collect()).await;
    listing::scope(ctx, region, TYPE, arns, fan_out, |arn| topic(ctx, region, &sns, arn)).await
}

async fn topic(ctx: &AccountCtx, region: &str, sns: &aws_sdk_sns::Client, arn: String) -> Read {
    let out = listing::unless_absent(ctx.call(Api::at(region, "sns:GetTopicAttributes"), || sns.get_topic_attributes().topic_arn(&arn).send()).await, &["NotFound"], "GetTopicAttributes")
        .map_err(|f| Box::new(ctx.error(Some(region), Some(TYPE), Some(&arn), f)))?;
    let Some(out) = out else { return Ok(None) };
    let policy = out.attributes().and_then(|a| a.get("Policy")).filter(|p| !p.trim().is_empty()).cloned();
    let name = arn.rsplit(':').next().unwrap_or_default().to_string();
    Ok(Some(ResourceRecord {
        arn,
        account: ctx.account.clone(),
        region: region.to_string(),
        inputs: ResourceInputs::SnsTopic(SnsTopicInputs { name, policy }),
    }))
}
