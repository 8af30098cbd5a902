//! `AWS::EFS::FileSystem`: the file systems of a region (DescribeFileSystems) with their file
//! system policies (one DescribeFileSystemPolicy per file system; none is an answer).

use perimeter_model::{EfsFileSystemInputs, ResourceInputs, ResourceRecord, ResourceType};

use crate::account::{AccountCtx, Collected, Read};
use crate::listing;
use crate::pacing::Api;

const TYPE: ResourceType = ResourceType::EfsFileSystem;

pub async fn read(ctx: &AccountCtx, region: &str, fan_out: usize) -> Collected {
    let efs = ctx.clients(region).efs;
    let pages = || efs.describe_file_systems().into_paginator().send();
    let account = ctx.account.clone();
    let file_systems = listing::all_pages(ctx, Api::at(region, "efs:DescribeFileSystems"), pages, |p| {
        p.file_systems()
            .iter()
            .map(|f| {
                let id = f.file_system_id().to_string();
                let arn = f
                    .file_system_arn()
                    .map_or_else(|| format!("arn:aws:elasticfilesystem:{region}:{account}:file-system/{id}"), str::to_string);
                (arn, id)
            })
            .collect()
    })
    .await;
    listing::scope(ctx, region, TYPE, file_systems, fan_out, |(arn, id)| file_system(ctx, region, &efs, arn, id)).await
}

async fn file_system(ctx: &AccountCtx, region: &str, efs: &aws_sdk_efs::Client, arn: String, id: String) -> Read {
    let out = listing::unless_absent(
        ctx.call(Api::at(region, "efs:DescribeFileSystemPolicy"), || efs.describe_file_system_policy().file_system_id(&id).send()).await,
        &["PolicyNotFound"],
        "DescribeFileSystemPolicy",
    )
    .map_err(|f| Box::new(ctx.error(Some(region), Some(TYPE), Some(&arn), f)))?;
    let policy = out.and_then(|o| o.policy().map(str::to_string)).filter(|p| !p.trim().is_empty());
    Ok(Some(ResourceRecord {
        arn,
        account: ctx.account.clone(),
        region: region.to_string(),
        inputs: ResourceInputs::EfsFileSystem(EfsFileSystemInputs { file_system_id: id, policy }),
    }))
}
