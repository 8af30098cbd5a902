//! `AWS::RDS::DBSnapshot`: the manual DB snapshots of a region (DescribeDBSnapshots with
//! `SnapshotType=manual`: automated ones cannot be shared) and each one's `restore` attribute
//! (one DescribeDBSnapshotAttributes per snapshot).

use perimeter_model::{RdsSnapshotInputs, ResourceInputs, ResourceRecord, ResourceType};

use crate::account::{AccountCtx, Collected, Read};
use crate::listing;

const TYPE: ResourceType = ResourceType::RdsDbSnapshot;

pub async fn read(ctx: &AccountCtx, region: &str, fan_out: usize) -> Collected {
    let rds = ctx.clients(region).rds;
    let pages = rds.describe_db_snapshots().snapshot_type("manual").into_paginator().send();
    let snapshots = listing::all_pages(ctx, "DescribeDBSnapshots", pages, |p| {
        p.db_snapshots()
            .iter()
            .filter_map(|s| {
                let id = s.db_snapshot_identifier()?.to_string();
                let arn = s.db_snapshot_arn().map_or_else(|| format!("arn:aws:rds:{region}:{}:snapshot:{id}", ctx.account), str::to_string);
                // The key only of an encrypted snapshot (an emulator may name one for any).
                let encrypted = s.encrypted().unwrap_or(false);
                let kms_key_id = s.kms_key_id().filter(|_| encrypted).map(str::to_string);
                Some((arn, RdsSnapshotInputs { snapshot_id: id, encrypted, kms_key_id, restore: Vec::new() }))
            })
            .collect()
    })
    .await;
    listing::scope(ctx, region, TYPE, snapshots, fan_out, |(arn, inputs)| snapshot(ctx, region, &rds, arn, inputs)).await
}

async fn snapshot(ctx: &AccountCtx, region: &str, rds: &aws_sdk_rds::Client, arn: String, mut inputs: RdsSnapshotInputs) -> Read {
    let call = rds.describe_db_snapshot_attributes().db_snapshot_identifier(&inputs.snapshot_id).send();
    let out = listing::unless_absent(ctx.call(call).await, &["DBSnapshotNotFound"], "DescribeDBSnapshotAttributes")
        .map_err(|f| Box::new(ctx.error(Some(region), Some(TYPE), Some(&arn), f)))?;
    let Some(out) = out else { return Ok(None) };
    inputs.restore = out
        .db_snapshot_attributes_result()
        .map(|r| r.db_snapshot_attributes())
        .unwrap_or_default()
        .iter()
        .filter(|a| a.attribute_name() == Some("restore"))
        .flat_map(|a| a.attribute_values().iter().cloned())
        .collect();
    Ok(Some(ResourceRecord { arn, account: ctx.account.clone(), region: region.to_string(), inputs: ResourceInputs::RdsDbSnapshot(inputs) }))
}
