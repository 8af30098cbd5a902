//! `AWS::KMS::Key`: the customer-managed keys of a region (AWS-managed keys are skipped: their policies are
//! AWS's), each with its key policy and grants.

use std::collections::BTreeMap;

use perimeter_model::{GrantConstraints, KmsGrant, KmsKeyInputs, ResourceInputs, ResourceRecord, ResourceType};

use crate::account::{AccountCtx, Collected, Read};
use crate::failure::{classify, Failure};
use crate::listing;
use crate::pacing::Api;

const TYPE: Option<ResourceType> = Some(ResourceType::KmsKey);

pub async fn read(ctx: &AccountCtx, region: &str, fan_out: usize) -> Collected {
    let kms = ctx.clients(region).kms;
    let keys = listing::all_pages(ctx, Api::at(region, "kms:ListKeys"), || kms.list_keys().into_paginator().send(), |p| {
        p.keys().iter().filter_map(|k| k.key_id().map(str::to_string)).collect()
    })
    .await;
    listing::scope(ctx, region, ResourceType::KmsKey, keys, fan_out, |id| key(ctx, region, &kms, id)).await
}

async fn key(ctx: &AccountCtx, region: &str, kms: &aws_sdk_kms::Client, id: String) -> Read {
    let mut arn = format!("arn:aws:kms:{region}:{}:key/{id}", ctx.account);
    let described = ctx.call(Api::at(region, "kms:DescribeKey"), || kms.describe_key().key_id(&id).send()).await;
    let described = described.map_err(|e| Box::new(ctx.error(Some(region), TYPE, Some(&arn), classify(&e).reading("DescribeKey"))))?;
    if let Some(meta) = described.key_metadata() {
        if meta.key_manager().is_some_and(|m| m.as_str() == "AWS") {
            return Ok(None);
        }
        if let Some(a) = meta.arn() {
            arn = a.to_string();
        }
    }
    let fail = |f: Failure| Box::new(ctx.error(Some(region), TYPE, Some(&arn), f));
    // moto needs the policy name; AWS's only name is `default`. Policy and grants are independent.
    let (policy, grants) = tokio::join!(
        ctx.call(Api::at(region, "kms:GetKeyPolicy"), || kms.get_key_policy().key_id(&id).policy_name("default").send()),
        grants_of(ctx, region, kms, &id),
    );
    let policy = policy.map_err(|e| fail(classify(&e).reading("GetKeyPolicy")))?.policy().map(str::to_string);
    let grants = grants.map_err(fail)?;
    Ok(Some(ResourceRecord {
        arn,
        account: ctx.account.clone(),
        region: region.to_string(),
        inputs: ResourceInputs::KmsKey(KmsKeyInputs { key_id: id, policy, grants }),
    }))
}

async fn grants_of(ctx: &AccountCtx, region: &str, kms: &aws_sdk_kms::Client, id: &str) -> Result<Vec<KmsGrant>, Failure> {
    listing::all_pages(ctx, Api::at(region, "kms:ListGrants"), || kms.list_grants().key_id(id).into_paginator().send(), |p| {
        p.grants().iter().map(grant).collect()
    })
    .await
}

fn grant(g: &aws_sdk_kms::types::GrantListEntry) -> KmsGrant {
    let constraints = g.constraints().map(|c| GrantConstraints {
        encryption_context_equals: c.encryption_context_equals().map(to_btree).unwrap_or_default(),
        encryption_context_subset: c.encryption_context_subset().map(to_btree).unwrap_or_default(),
    });
    KmsGrant {
        grant_id: g.grant_id().unwrap_or_default().to_string(),
        grantee_principal: g.grantee_principal().unwrap_or_default().to_string(),
        retiring_principal: g.retiring_principal().map(str::to_string),
        operations: g.operations().iter().map(|o| o.as_str().to_string()).collect(),
        constraints,
    }
}

fn to_btree(map: &std::collections::HashMap<String, String>) -> BTreeMap<String, String> {
    map.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
}
