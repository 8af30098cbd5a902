//! `AWS::ECR::Repository`: the private repositories of a region (DescribeRepositories) with
//! their repository policies (one GetRepositoryPolicy per repository; none is an answer).

use perimeter_model::{EcrRepositoryInputs, ResourceInputs, ResourceRecord, ResourceType};

use crate::account::{AccountCtx, Collected, Read};
use crate::listing;
use crate::pacing::Api;

const TYPE: ResourceType = ResourceType::EcrRepository;

pub async fn read(ctx: &AccountCtx, region: &str, fan_out: usize) -> Collected {
    let ecr = ctx.clients(region).ecr;
    let pages = || ecr.describe_repositories().into_paginator().send();
    let repositories = listing::all_pages(ctx, Api::at(region, "ecr:DescribeRepositories"), pages, |p| {
        p.repositories()
            .iter()
            .filter_map(|r| Some((r.repository_arn()?.to_string(), r.repository_name()?.to_string())))
            .collect()
    })
    .await;
    listing::scope(ctx, region, TYPE, repositories, fan_out, |(arn, name)| repository(ctx, region, &ecr, arn, name)).await
}

async fn repository(ctx: &AccountCtx, region: &str, ecr: &aws_sdk_ecr::Client, arn: String, name: String) -> Read {
    let out = listing::unless_absent(
        ctx.call(Api::at(region, "ecr:GetRepositoryPolicy"), || ecr.get_repository_policy().repository_name(&name).send()).await,
        &["RepositoryPolicyNotFoundException"],
        "GetRepositoryPolicy",
    )
    .map_err(|f| Box::new(ctx.error(Some(region), Some(TYPE), Some(&arn), f)))?;
    let policy = out.and_then(|o| o.policy_text().map(str::to_string)).filter(|p| !p.trim().is_empty());
    Ok(Some(ResourceRecord {
        arn,
        account: ctx.account.clone(),
        region: region.to_string(),
        inputs: ResourceInputs::EcrRepository(EcrRepositoryInputs { name, policy }),
    }))
}
