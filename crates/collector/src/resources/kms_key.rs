//! KMS: the customer-managed keys of a region (AWS-managed keys are skipped: their policies are
//! AWS's), each with its key policy and grants.

use std::collections::BTreeMap;

use futures::stream::{self, StreamExt};
use perimeter_model::{GrantConstraints, KmsGrant, KmsKeyInputs, ResourceInputs, ResourceRecord, ResourceType};

use crate::account::{AccountCtx, Collected, Read};
use crate::failure::{classify, Failure};

const TYPE: Option<ResourceType> = Some(ResourceType::KmsKey);

pub async fn collect(ctx: &AccountCtx, region: &str, fan_out: usize) -> Collected {
    let mut out = Collected::default();
    let kms = ctx.clients(region).kms;
    let mut keys = Vec::new();
    let mut pages = kms.list_keys().into_paginator().send();
    while let Some(page) = ctx.call(pages.next()).await {
        match page {
            Ok(page) => keys.extend(page.keys().iter().filter_map(|k| k.key_id().map(str::to_string))),
            Err(e) => {
                out.errors.push(ctx.error(Some(region), TYPE, None, classify(&e).reading("ListKeys")));
                return out;
            }
        }
    }
    let results = stream::iter(keys.into_iter().map(|id| key(ctx, region, &kms, id))).buffer_unordered(fan_out).collect::<Vec<_>>().await;
    out.absorb(results);
    out
}

async fn key(ctx: &AccountCtx, region: &str, kms: &aws_sdk_kms::Client, id: String) -> Read {
    let mut arn = format!("arn:aws:kms:{region}:{}:key/{id}", ctx.account);
    let described = ctx.call(kms.describe_key().key_id(&id).send()).await;
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
        ctx.call(kms.get_key_policy().key_id(&id).policy_name("default").send()),
        grants_of(ctx, kms, &id),
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

async fn grants_of(ctx: &AccountCtx, kms: &aws_sdk_kms::Client, id: &str) -> Result<Vec<KmsGrant>, Failure> {
    let mut grants = Vec::new();
    let mut pages = kms.list_grants().key_id(id).into_paginator().send();
    while let Some(page) = ctx.call(pages.next()).await {
        let page = page.map_err(|e| classify(&e).reading("ListGrants"))?;
        for g in page.grants() {
            let constraints = g.constraints().map(|c| GrantConstraints {
                encryption_context_equals: c.encryption_context_equals().map(to_btree).unwrap_or_default(),
                encryption_context_subset: c.encryption_context_subset().map(to_btree).unwrap_or_default(),
            });
            grants.push(KmsGrant {
                grant_id: g.grant_id().unwrap_or_default().to_string(),
                grantee_principal: g.grantee_principal().unwrap_or_default().to_string(),
                retiring_principal: g.retiring_principal().map(str::to_string),
                operations: g.operations().iter().map(|o| o.as_str().to_string()).collect(),
                constraints,
            });
        }
    }
    Ok(grants)
}

fn to_btree(map: &std::collections::HashMap<String, String>) -> BTreeMap<String, String> {
    map.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
}
