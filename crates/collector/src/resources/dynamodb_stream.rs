//! `AWS::DynamoDB::Stream`: the table streams of a region (DynamoDB Streams ListStreams) with
//! their resource-based policies (one DynamoDB GetResourcePolicy per stream; none is an
//! answer).

use perimeter_model::{DynamoDbStreamInputs, ResourceInputs, ResourceRecord, ResourceType};

use crate::account::{AccountCtx, Collected, Read};
use crate::failure::{classify, Failure};
use crate::listing;
use crate::pacing::Api;

const TYPE: ResourceType = ResourceType::DynamoDbStream;

/// A stream of the listing: ARN, table, label.
type Listed = (String, String, String);

pub async fn read(ctx: &AccountCtx, region: &str, fan_out: usize) -> Collected {
    let clients = ctx.clients(region);
    let streams = list(ctx, region, &clients.dynamodbstreams).await;
    let ddb = clients.dynamodb;
    listing::scope(ctx, region, TYPE, streams, fan_out, |(arn, table, label)| stream(ctx, region, &ddb, arn, table, label)).await
}

/// Every stream, page by page (the SDK has no paginator for ListStreams).
async fn list(ctx: &AccountCtx, region: &str, streams: &aws_sdk_dynamodbstreams::Client) -> Result<Vec<Listed>, Failure> {
    let mut out = Vec::new();
    let mut start: Option<String> = None;
    loop {
        let page = ctx
            .call(Api::at(region, "dynamodbstreams:ListStreams"), || streams.list_streams().set_exclusive_start_stream_arn(start.clone()).send())
            .await
            .map_err(|e| classify(&e).reading("ListStreams"))?;
        out.extend(page.streams().iter().filter_map(|s| {
            Some((s.stream_arn()?.to_string(), s.table_name().unwrap_or_default().to_string(), s.stream_label().unwrap_or_default().to_string()))
        }));
        match page.last_evaluated_stream_arn() {
            Some(next) if start.as_deref() != Some(next) => start = Some(next.to_string()),
            _ => return Ok(out),
        }
    }
}

async fn stream(ctx: &AccountCtx, region: &str, ddb: &aws_sdk_dynamodb::Client, arn: String, table_name: String, stream_label: String) -> Read {
    let policy = super::dynamodb_table::policy_of(ctx, region, ddb, &arn)
        .await
        .map_err(|f| Box::new(ctx.error(Some(region), Some(TYPE), Some(&arn), f)))?;
    let Some(policy) = policy else { return Ok(None) };
    Ok(Some(ResourceRecord {
        arn,
        account: ctx.account.clone(),
        region: region.to_string(),
        inputs: ResourceInputs::DynamoDbStream(DynamoDbStreamInputs { table_name, stream_label, policy }),
    }))
}
