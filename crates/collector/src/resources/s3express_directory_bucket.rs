//! `AWS::S3Express::DirectoryBucket`: the S3 Express One Zone directory buckets of a region
//! (ListDirectoryBuckets, which lists the buckets of the Regional endpoint it is sent to) with
//! their bucket policies (one GetBucketPolicy per bucket) and their access points
//! (ListAccessPointsForDirectoryBuckets, only in a Region that has directory buckets, then one
//! GetAccessPointPolicy per access point). Block Public Access is always on for directory
//! buckets and their access points, so there is nothing else to read. Only Regions that offer
//! S3 Express One Zone are read ([`ResourceType::offered_in`]); the others are skipped, and
//! reported so. A failed listing is an error for the whole scope; a failed read, for its bucket.

use std::collections::BTreeMap;

use perimeter_model::{NetworkOrigin, ResourceInputs, ResourceRecord, ResourceType, S3AccessPoint, S3ExpressDirectoryBucketInputs};

use crate::account::{AccountCtx, Collected, Read};
use crate::failure::{classify, Failure};
use crate::listing;
use crate::pacing::Api;

const TYPE: ResourceType = ResourceType::S3ExpressDirectoryBucket;

/// A directory-bucket access point as listed (its policy not read yet).
struct Listed {
    name: String,
    arn: String,
    network_origin: NetworkOrigin,
    vpc_id: Option<String>,
}

pub async fn read(ctx: &AccountCtx, region: &str, fan_out: usize) -> Collected {
    let s3 = ctx.clients(region).s3express;
    let pages = || s3.list_directory_buckets().into_paginator().send();
    let names = listing::all_pages(ctx, Api::at(region, "s3express:ListDirectoryBuckets"), pages, |p| {
        p.buckets().iter().filter_map(|b| b.name().map(str::to_string)).collect()
    })
    .await;
    // Access points can exist only where there are directory buckets: no call otherwise.
    let listing = match names {
        Ok(names) if names.is_empty() => Ok(Vec::new()),
        Ok(names) => access_points(ctx, region).await.map(|mut by_bucket| {
            names.into_iter().map(|n| {
                let aps = by_bucket.remove(&n).unwrap_or_default();
                (n, aps)
            }).collect()
        }),
        Err(f) => Err(f),
    };
    listing::scope(ctx, region, TYPE, listing, fan_out, |(name, aps)| bucket(ctx, region, &s3, name, aps)).await
}

/// The region's directory-bucket access points of this account, by bucket name.
async fn access_points(ctx: &AccountCtx, region: &str) -> Result<BTreeMap<String, Vec<Listed>>, Failure> {
    let control = ctx.clients(region).s3express_control;
    let pages = || control.list_access_points_for_directory_buckets().account_id(&ctx.account).into_paginator().send();
    let listed = listing::all_pages(ctx, Api::at(region, "s3expresscontrol:ListAccessPointsForDirectoryBuckets"), pages, |p| p.access_point_list().to_vec()).await?;
    let mut by_bucket: BTreeMap<String, Vec<Listed>> = BTreeMap::new();
    for ap in listed {
        // Directory-bucket access points belong to their bucket's account.
        if ap.bucket_account_id().is_some_and(|a| a != ctx.account) {
            continue;
        }
        let name = ap.name().to_string();
        let arn = ap.access_point_arn().map_or_else(|| format!("arn:aws:s3express:{region}:{}:accesspoint/{name}", ctx.account), str::to_string);
        let vpc_id = ap.vpc_configuration().map(|v| v.vpc_id().to_string());
        let network_origin =
            if ap.network_origin().as_str() == "VPC" || vpc_id.is_some() { NetworkOrigin::Vpc } else { NetworkOrigin::Internet };
        by_bucket.entry(ap.bucket().to_string()).or_default().push(Listed { name, arn, network_origin, vpc_id });
    }
    Ok(by_bucket)
}

async fn bucket(ctx: &AccountCtx, region: &str, s3: &aws_sdk_s3::Client, name: String, aps: Vec<Listed>) -> Read {
    let arn = format!("arn:aws:s3express:{region}:{}:bucket/{name}", ctx.account);
    let fail = |f: Failure| Box::new(ctx.error(Some(region), Some(TYPE), Some(&arn), f));
    let got = ctx.call(Api::at(region, "s3express:GetBucketPolicy"), || s3.get_bucket_policy().bucket(&name).send()).await;
    // A bucket deleted since the listing is gone: nothing to report.
    if let Err(e) = &got
        && classify(e).is_code(&["NoSuchBucket"])
    {
        return Ok(None);
    }
    let policy = listing::unless_absent(got, &["NoSuchBucketPolicy"], "GetBucketPolicy")
        .map_err(fail)?
        .and_then(|o| o.policy().map(str::to_string))
        .filter(|p| !p.trim().is_empty());
    let control = ctx.clients(region).s3express_control;
    let mut access_points = Vec::new();
    for ap in aps {
        let got = ctx.call(Api::at(region, "s3expresscontrol:GetAccessPointPolicy"), || control.get_access_point_policy().account_id(&ctx.account).name(&ap.name).send()).await;
        // An access point deleted since the listing is gone too.
        if let Err(e) = &got
            && classify(e).is_code(&["NoSuchAccessPoint"])
        {
            continue;
        }
        let policy = listing::unless_absent(got, &["NoSuchAccessPointPolicy"], "GetAccessPointPolicy")
            .map_err(|f| f.reading(&format!("access point {}", ap.name)))
            .map_err(fail)?
            .and_then(|o| o.policy().map(str::to_string))
            .filter(|p| !p.trim().is_empty());
        access_points.push(S3AccessPoint {
            name: ap.name,
            arn: ap.arn,
            account: ctx.account.clone(),
            policy,
            network_origin: ap.network_origin,
            vpc_id: ap.vpc_id,
            block_public_access: None,
        });
    }
    Ok(Some(ResourceRecord {
        arn,
        account: ctx.account.clone(),
        region: region.to_string(),
        inputs: ResourceInputs::S3ExpressDirectoryBucket(S3ExpressDirectoryBucketInputs { name, policy, access_points }),
    }))
}
