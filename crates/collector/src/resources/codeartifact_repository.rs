//! `AWS::CodeArtifact::Repository`: the repositories of a region (ListRepositories) with their
//! permissions policies (one GetRepositoryPermissionsPolicy per repository;
//! ResourceNotFoundException is the answer for a repository without one).

use perimeter_model::{CodeArtifactRepositoryInputs, ResourceInputs, ResourceType};

use crate::account::{AccountCtx, Collected, Read};
use crate::listing;
use crate::pacing::Api;

const TYPE: ResourceType = ResourceType::CodeArtifactRepository;

/// A repository of the listing: ARN, name, domain, domain owner.
type Listed = (String, String, String, String);

pub async fn read(ctx: &AccountCtx, region: &str, fan_out: usize) -> Collected {
    let ca = ctx.clients(region).codeartifact;
    let pages = || ca.list_repositories().into_paginator().send();
    let repositories = listing::all_pages(ctx, Api::at(region, "codeartifact:ListRepositories"), pages, |p| {
        p.repositories()
            .iter()
            .filter_map(|r| {
                let owner = r.domain_owner().unwrap_or(&ctx.account).to_string();
                Some((r.arn()?.to_string(), r.name()?.to_string(), r.domain_name()?.to_string(), owner))
            })
            .collect::<Vec<Listed>>()
    })
    .await;
    listing::scope(ctx, region, TYPE, repositories, fan_out, |r| repository(ctx, region, &ca, r)).await
}

async fn repository(ctx: &AccountCtx, region: &str, ca: &aws_sdk_codeartifact::Client, (arn, name, domain, owner): Listed) -> Read {
    let call = || ca.get_repository_permissions_policy().domain(&domain).domain_owner(&owner).repository(&name).send();
    // The same code says "no policy" and "no repository": one deleted meanwhile is reported
    // without a policy, which grants nothing.
    let out = listing::unless_absent(ctx.call(Api::at(region, "codeartifact:GetRepositoryPermissionsPolicy"), call).await, &["ResourceNotFoundException"], "GetRepositoryPermissionsPolicy")
        .map_err(|f| ctx.resource_error(region, TYPE, &arn, f))?;
    let policy = out.and_then(|o| listing::policy_text(o.policy().and_then(|p| p.document())));
    let inputs = CodeArtifactRepositoryInputs { name, domain, policy };
    Ok(Some(ctx.record(region, arn, ResourceInputs::CodeArtifactRepository(inputs))))
}
