//! `AWS::Kinesis::Stream`: the data streams of a region (ListStreams) with their resource
//! policies (one GetResourcePolicy per stream; Kinesis answers `{}` for a stream without one).

use perimeter_model::{KinesisStreamInputs, ResourceInputs, ResourceType};

use crate::account::{AccountCtx, Collected, Read};
use crate::listing;
use crate::pacing::Api;

const TYPE: ResourceType = ResourceType::KinesisStream;

pub async fn read(ctx: &AccountCtx, region: &str, fan_out: usize) -> Collected {
    let kinesis = ctx.clients(region).kinesis;
    let pages = || kinesis.list_streams().into_paginator().send();
    let streams = listing::all_pages(ctx, Api::at(region, "kinesis:ListStreams"), pages, |p| {
        p.stream_summaries().iter().map(|s| (s.stream_arn().to_string(), s.stream_name().to_string())).collect()
    })
    .await;
    listing::scope(ctx, region, TYPE, streams, fan_out, |(arn, name)| stream(ctx, region, &kinesis, arn, name)).await
}

async fn stream(ctx: &AccountCtx, region: &str, kinesis: &aws_sdk_kinesis::Client, arn: String, name: String) -> Read {
    let call = || kinesis.get_resource_policy().resource_arn(&arn).send();
    let out = listing::unless_absent(ctx.call(Api::at(region, "kinesis:GetResourcePolicy"), call).await, &["ResourceNotFoundException"], "GetResourcePolicy")
        .map_err(|f| ctx.resource_error(region, TYPE, &arn, f))?;
    // A stream deleted between the listing and the read is gone: nothing to report.
    let Some(out) = out else { return Ok(None) };
    let policy = listing::policy_text(Some(out.policy()));
    Ok(Some(ctx.record(region, arn, ResourceInputs::KinesisStream(KinesisStreamInputs { name, policy }))))
}
