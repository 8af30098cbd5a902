//! SQS: the queues of a region with their queue policies (one GetQueueAttributes per queue for
//! `Policy` and `QueueArn`).

use futures::stream::{self, StreamExt};
use perimeter_model::{ResourceInputs, ResourceRecord, ResourceType, SqsQueueInputs};

use crate::account::{AccountCtx, Collected, Read};
use crate::failure::classify;

const TYPE: Option<ResourceType> = Some(ResourceType::SqsQueue);

pub async fn collect(ctx: &AccountCtx, region: &str, fan_out: usize) -> Collected {
    use aws_sdk_sqs::types::QueueAttributeName;
    let mut out = Collected::default();
    let sqs = ctx.clients(region).sqs;
    let mut urls = Vec::new();
    let mut pages = sqs.list_queues().into_paginator().send();
    while let Some(page) = ctx.call(pages.next()).await {
        match page {
            Ok(page) => urls.extend(page.queue_urls().iter().cloned()),
            Err(e) => {
                out.errors.push(ctx.error(Some(region), TYPE, None, classify(&e).reading("ListQueues")));
                return out;
            }
        }
    }
    let results = stream::iter(urls.into_iter().map(|url| {
        let sqs = sqs.clone();
        async move {
            let name = url.rsplit('/').next().unwrap_or_default().to_string();
            let fallback_arn = format!("arn:aws:sqs:{region}:{}:{name}", ctx.account);
            let attrs = ctx
                .call(
                    sqs.get_queue_attributes()
                        .queue_url(&url)
                        .attribute_names(QueueAttributeName::Policy)
                        .attribute_names(QueueAttributeName::QueueArn)
                        .send(),
                )
                .await
                .map_err(|e| Box::new(ctx.error(Some(region), TYPE, Some(&fallback_arn), classify(&e).reading("GetQueueAttributes"))))?;
            let attributes = attrs.attributes();
            let get = |k: QueueAttributeName| attributes.and_then(|a| a.get(&k)).cloned();
            let read: Read = Ok(Some(ResourceRecord {
                arn: get(QueueAttributeName::QueueArn).unwrap_or(fallback_arn),
                account: ctx.account.clone(),
                region: region.to_string(),
                inputs: ResourceInputs::SqsQueue(SqsQueueInputs {
                    name,
                    url: Some(url),
                    policy: get(QueueAttributeName::Policy).filter(|p| !p.trim().is_empty()),
                }),
            }));
            read
        }
    }))
    .buffer_unordered(fan_out)
    .collect::<Vec<_>>()
    .await;
    out.absorb(results);
    out
}
