//! `AWS::DynamoDB::Table`: the tables of a region (ListTables) with their resource-based
//! policies (one GetResourcePolicy per table; none is an answer).

use perimeter_model::{DynamoDbTableInputs, ResourceInputs, ResourceRecord, ResourceType};

use crate::account::{AccountCtx, Collected, Read};
use crate::listing;
use crate::pacing::Api;

const TYPE: ResourceType = ResourceType::DynamoDbTable;

pub async fn read(ctx: &AccountCtx, region: &str, fan_out: usize) -> Collected {
    let ddb = ctx.clients(region).dynamodb;
    let pages = || ddb.list_tables().into_paginator().send();
    let names = listing::all_pages(ctx, Api::at(region, "dynamodb:ListTables"), pages, |p| p.table_names().to_vec()).await;
    listing::scope(ctx, region, TYPE, names, fan_out, |name| table(ctx, region, &ddb, name)).await
}

async fn table(ctx: &AccountCtx, region: &str, ddb: &aws_sdk_dynamodb::Client, name: String) -> Read {
    let arn = format!("arn:aws:dynamodb:{region}:{}:table/{name}", ctx.account);
    let policy = policy_of(ctx, region, ddb, &arn).await.map_err(|f| Box::new(ctx.error(Some(region), Some(TYPE), Some(&arn), f)))?;
    // A table deleted between the listing and the read is gone.
    let Some(policy) = policy else { return Ok(None) };
    Ok(Some(ResourceRecord {
        arn,
        account: ctx.account.clone(),
        region: region.to_string(),
        inputs: ResourceInputs::DynamoDbTable(DynamoDbTableInputs { name, policy }),
    }))
}

/// The resource-based policy of a table or stream: `Ok(Some(None))` when it has none,
/// `Ok(None)` when the resource is gone.
pub(super) async fn policy_of(ctx: &AccountCtx, region: &str, ddb: &aws_sdk_dynamodb::Client, arn: &str) -> Result<Option<Option<String>>, crate::failure::Failure> {
    match ctx.call(Api::at(region, "dynamodb:GetResourcePolicy"), || ddb.get_resource_policy().resource_arn(arn).send()).await {
        Ok(out) => Ok(Some(out.policy().filter(|p| !p.trim().is_empty()).map(str::to_string))),
        Err(e) => {
            let f = crate::failure::classify(&e);
            if f.is_code(&["PolicyNotFoundException"]) {
                Ok(Some(None))
            } else if f.is_code(&["ResourceNotFoundException"]) {
                Ok(None)
            } else {
                Err(f.reading("GetResourcePolicy"))
            }
        }
    }
}
