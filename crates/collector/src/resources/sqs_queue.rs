//! `AWS::SQS::Queue`: the queues of a region (ListQueues) with their queue policies (one
//! GetQueueAttributes per queue for `Policy` and `QueueArn`).

use aws_sdk_sqs::types::QueueAttributeName;
use perimeter_model::{ResourceInputs, ResourceRecord, ResourceType, SqsQueueInputs};

use crate::account::{AccountCtx, Collected, Read};
use crate::failure::classify;
use crate::listing;
use crate::pacing::Api;

const TYPE: ResourceType = ResourceType::SqsQueue;

pub async fn read(ctx: &AccountCtx, region: &str, fan_out: usize) -> Collected {
    let sqs = ctx.clients(region).sqs;
    let urls =
        listing::all_pages(ctx, Api::at(region, "sqs:ListQueues"), || sqs.list_queues().into_paginator().send(), |p| p.queue_urls().to_vec()).await;
    listing::scope(ctx, region, TYPE, urls, fan_out, |url| queue(ctx, region, &sqs, url)).await
}

async fn queue(ctx: &AccountCtx, region: &str, sqs: &aws_sdk_sqs::Client, url: String) -> Read {
    let name = url.rsplit('/').next().unwrap_or_default().to_string();
    let fallback_arn = format!("arn:aws:sqs:{region}:{}:{name}", ctx.account);
    let attrs = ctx
        .call(
            Api::at(region, "sqs:GetQueueAttributes"),
            || sqs.get_queue_attributes()
                .queue_url(&url)
                .attribute_names(QueueAttributeName::Policy)
                .attribute_names(QueueAttributeName::QueueArn)
                .send(),
        )
        .await
        .map_err(|e| Box::new(ctx.error(Some(region), Some(TYPE), Some(&fallback_arn), classify(&e).reading("GetQueueAttributes"))))?;
    let attributes = attrs.attributes();
    let get = |k: QueueAttributeName| attributes.and_then(|a| a.get(&k)).cloned();
    Ok(Some(ResourceRecord {
        arn: get(QueueAttributeName::QueueArn).unwrap_or(fallback_arn),
        account: ctx.account.clone(),
        region: region.to_string(),
        inputs: ResourceInputs::SqsQueue(SqsQueueInputs {
            name,
            url: Some(url),
            policy: get(QueueAttributeName::Policy).filter(|p| !p.trim().is_empty()),
        }),
    }))
}
