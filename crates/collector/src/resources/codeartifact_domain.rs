//! `AWS::CodeArtifact::Domain`: the domains of a region (ListDomains) with their permissions
//! policies (one GetDomainPermissionsPolicy per domain; ResourceNotFoundException is the answer
//! for a domain without one).

use perimeter_model::{CodeArtifactDomainInputs, ResourceInputs, ResourceType};

use crate::account::{AccountCtx, Collected, Read};
use crate::listing;
use crate::pacing::Api;

const TYPE: ResourceType = ResourceType::CodeArtifactDomain;

pub async fn read(ctx: &AccountCtx, region: &str, fan_out: usize) -> Collected {
    let ca = ctx.clients(region).codeartifact;
    let pages = || ca.list_domains().into_paginator().send();
    let domains = listing::all_pages(ctx, Api::at(region, "codeartifact:ListDomains"), pages, |p| {
        p.domains()
            .iter()
            .filter_map(|d| Some((d.arn()?.to_string(), d.name()?.to_string(), d.owner().unwrap_or(&ctx.account).to_string())))
            .collect()
    })
    .await;
    listing::scope(ctx, region, TYPE, domains, fan_out, |(arn, name, owner)| domain(ctx, region, &ca, arn, name, owner)).await
}

async fn domain(ctx: &AccountCtx, region: &str, ca: &aws_sdk_codeartifact::Client, arn: String, name: String, owner: String) -> Read {
    let call = || ca.get_domain_permissions_policy().domain(&name).domain_owner(&owner).send();
    // The same code says "no policy" and "no domain": a domain deleted meanwhile is reported
    // without a policy, which grants nothing.
    let out = listing::unless_absent(ctx.call(Api::at(region, "codeartifact:GetDomainPermissionsPolicy"), call).await, &["ResourceNotFoundException"], "GetDomainPermissionsPolicy")
        .map_err(|f| ctx.resource_error(region, TYPE, &arn, f))?;
    let policy = out.and_then(|o| listing::policy_text(o.policy().and_then(|p| p.document())));
    Ok(Some(ctx.record(region, arn, ResourceInputs::CodeArtifactDomain(CodeArtifactDomainInputs { name, policy }))))
}
