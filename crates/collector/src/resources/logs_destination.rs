//! `AWS::Logs::Destination`: the CloudWatch Logs destinations of a region with their access
//! policies, all from DescribeDestinations (no call per destination).

use perimeter_model::{LogsDestinationInputs, ResourceInputs, ResourceType};

use crate::account::{AccountCtx, Collected};
use crate::listing;
use crate::pacing::Api;

const TYPE: ResourceType = ResourceType::LogsDestination;

pub async fn read(ctx: &AccountCtx, region: &str, fan_out: usize) -> Collected {
    let logs = ctx.clients(region).logs;
    let pages = || logs.describe_destinations().into_paginator().send();
    let destinations = listing::all_pages(ctx, Api::at(region, "cloudwatchlogs:DescribeDestinations"), pages, |p| {
        p.destinations()
            .iter()
            .filter_map(|d| Some((d.arn()?.to_string(), d.destination_name()?.to_string(), listing::policy_text(d.access_policy()))))
            .collect()
    })
    .await;
    listing::scope(ctx, region, TYPE, destinations, fan_out, |(arn, name, policy)| async move {
        Ok(Some(ctx.record(region, arn, ResourceInputs::LogsDestination(LogsDestinationInputs { name, policy }))))
    })
    .await
}
