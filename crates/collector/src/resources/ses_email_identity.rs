//! `AWS::SES::EmailIdentity`: the SES identities of a region (SES v2 ListEmailIdentities) with
//! their sending authorization policies (one GetEmailIdentityPolicies per identity).

use std::collections::BTreeMap;

use perimeter_model::{ResourceInputs, ResourceType, SesEmailIdentityInputs};

use crate::account::{AccountCtx, Collected, Read};
use crate::listing;
use crate::pacing::Api;

const TYPE: ResourceType = ResourceType::SesEmailIdentity;

pub async fn read(ctx: &AccountCtx, region: &str, fan_out: usize) -> Collected {
    let ses = ctx.clients(region).ses;
    let pages = || ses.list_email_identities().into_paginator().send();
    let names = listing::all_pages(ctx, Api::at(region, "sesv2:ListEmailIdentities"), pages, |p| {
        p.email_identities().iter().filter_map(|i| i.identity_name().map(str::to_string)).collect()
    })
    .await;
    listing::scope(ctx, region, TYPE, names, fan_out, |name| identity(ctx, region, &ses, name)).await
}

async fn identity(ctx: &AccountCtx, region: &str, ses: &aws_sdk_sesv2::Client, name: String) -> Read {
    let arn = format!("arn:aws:ses:{region}:{}:identity/{name}", ctx.account);
    let call = || ses.get_email_identity_policies().email_identity(&name).send();
    let out = listing::unless_absent(ctx.call(Api::at(region, "sesv2:GetEmailIdentityPolicies"), call).await, &["NotFoundException"], "GetEmailIdentityPolicies")
        .map_err(|f| ctx.resource_error(region, TYPE, &arn, f))?;
    // An identity deleted between the listing and the read is gone: nothing to report.
    let Some(out) = out else { return Ok(None) };
    let policies: BTreeMap<String, String> = out
        .policies()
        .into_iter()
        .flatten()
        .filter_map(|(k, v)| Some((k.clone(), listing::policy_text(Some(v))?)))
        .collect();
    Ok(Some(ctx.record(region, arn, ResourceInputs::SesEmailIdentity(SesEmailIdentityInputs { name, policies }))))
}
