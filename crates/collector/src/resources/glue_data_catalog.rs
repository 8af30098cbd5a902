//! `AWS::Glue::DataCatalog`: the account's Data Catalog of a region and its resource policy
//! (GetResourcePolicy without a resource ARN: the catalog's; EntityNotFoundException is the
//! answer for a catalog without one). Every account has one catalog per region: it is a record
//! only when it carries a policy (without one there is nothing to judge).

use perimeter_model::{GlueDataCatalogInputs, ResourceInputs, ResourceType};

use crate::account::{AccountCtx, Collected};
use crate::listing;
use crate::pacing::Api;

const TYPE: ResourceType = ResourceType::GlueDataCatalog;

pub async fn read(ctx: &AccountCtx, region: &str, fan_out: usize) -> Collected {
    let glue = ctx.clients(region).glue;
    let arn = format!("arn:aws:glue:{region}:{}:catalog", ctx.account);
    let answer = listing::unless_absent(ctx.call(Api::at(region, "glue:GetResourcePolicy"), || glue.get_resource_policy().send()).await, &["EntityNotFoundException"], "GetResourcePolicy");
    let catalog = answer.map(|out| listing::policy_text(out.as_ref().and_then(|o| o.policy_in_json())).into_iter().collect::<Vec<_>>());
    listing::scope(ctx, region, TYPE, catalog, fan_out, |policy| {
        let arn = arn.clone();
        async move {
            let inputs = GlueDataCatalogInputs { name: ctx.account.clone(), policy: Some(policy) };
            Ok(Some(ctx.record(region, arn, ResourceInputs::GlueDataCatalog(inputs))))
        }
    })
    .await
}
