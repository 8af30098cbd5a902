//! `AWS::S3Express::DirectoryBucket`: the S3 Express One Zone directory buckets of a region
//! (ListDirectoryBuckets, which lists the buckets of the Regional endpoint it is sent to) with
//! their bucket policies (one GetBucketPolicy per bucket). Block Public Access is always on for
//! directory buckets, so there is nothing else to read. Only Regions that offer S3 Express One
//! Zone are read ([`ResourceType::offered_in`]); the others are skipped, and reported so.

use perimeter_model::{ResourceInputs, ResourceRecord, ResourceType, S3ExpressDirectoryBucketInputs};

use crate::account::{AccountCtx, Collected, Read};
use crate::listing;

const TYPE: ResourceType = ResourceType::S3ExpressDirectoryBucket;

pub async fn read(ctx: &AccountCtx, region: &str, fan_out: usize) -> Collected {
    if !TYPE.offered_in(region) {
        return Collected::default();
    }
    let s3 = ctx.clients(region).s3express;
    let pages = s3.list_directory_buckets().into_paginator().send();
    let names = listing::all_pages(ctx, "ListDirectoryBuckets", pages, |p| {
        p.buckets().iter().filter_map(|b| b.name().map(str::to_string)).collect()
    })
    .await;
    listing::scope(ctx, region, TYPE, names, fan_out, |name| bucket(ctx, region, &s3, name)).await
}

async fn bucket(ctx: &AccountCtx, region: &str, s3: &aws_sdk_s3::Client, name: String) -> Read {
    let arn = format!("arn:aws:s3express:{region}:{}:bucket/{name}", ctx.account);
    let got = ctx.call(s3.get_bucket_policy().bucket(&name).send()).await;
    // A bucket deleted since the listing is gone: nothing to report.
    if let Err(e) = &got
        && crate::failure::classify(e).is_code(&["NoSuchBucket"])
    {
        return Ok(None);
    }
    let out = listing::unless_absent(got, &["NoSuchBucketPolicy"], "GetBucketPolicy")
        .map_err(|f| Box::new(ctx.error(Some(region), Some(TYPE), Some(&arn), f)))?;
    let policy = out.and_then(|o| o.policy().map(str::to_string)).filter(|p| !p.trim().is_empty());
    Ok(Some(ResourceRecord {
        arn,
        account: ctx.account.clone(),
        region: region.to_string(),
        inputs: ResourceInputs::S3ExpressDirectoryBucket(S3ExpressDirectoryBucketInputs { name, policy }),
    }))
}
