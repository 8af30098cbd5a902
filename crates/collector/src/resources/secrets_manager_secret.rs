//! `AWS::SecretsManager::Secret`: the secrets of a region (ListSecrets) with their resource
//! policies (one GetResourcePolicy per secret; a secret without one has no policy).

use perimeter_model::{ResourceInputs, ResourceRecord, ResourceType, SecretsManagerSecretInputs};

use crate::account::{AccountCtx, Collected, Read};
use crate::listing;
use crate::pacing::Api;

const TYPE: ResourceType = ResourceType::SecretsManagerSecret;

pub async fn read(ctx: &AccountCtx, region: &str, fan_out: usize) -> Collected {
    let sm = ctx.clients(region).secretsmanager;
    let pages = || sm.list_secrets().into_paginator().send();
    let secrets = listing::all_pages(ctx, Api::at(region, "secretsmanager:ListSecrets"), pages, |p| {
        p.secret_list().iter().filter_map(|s| Some((s.arn()?.to_string(), s.name().unwrap_or_default().to_string()))).collect()
    })
    .await;
    listing::scope(ctx, region, TYPE, secrets, fan_out, |(arn, name)| secret(ctx, region, &sm, arn, name)).await
}

async fn secret(ctx: &AccountCtx, region: &str, sm: &aws_sdk_secretsmanager::Client, arn: String, name: String) -> Read {
    let out = listing::unless_absent(ctx.call(Api::at(region, "secretsmanager:GetResourcePolicy"), || sm.get_resource_policy().secret_id(&arn).send()).await, &["ResourceNotFoundException"], "GetResourcePolicy")
        .map_err(|f| Box::new(ctx.error(Some(region), Some(TYPE), Some(&arn), f)))?;
    // A secret deleted between the listing and the read is gone: nothing to report.
    let Some(out) = out else { return Ok(None) };
    Ok(Some(ResourceRecord {
        arn,
        account: ctx.account.clone(),
        region: region.to_string(),
        inputs: ResourceInputs::SecretsManagerSecret(SecretsManagerSecretInputs {
            name,
            policy: out.resource_policy().filter(|p| !p.trim().is_empty()).map(str::to_string),
        }),
    }))
}
