//! `AWS::RDS::DBSnapshot`: the manual DB snapshots of a region (DescribeDBSnapshots with
//! `SnapshotType=manual`: automated ones cannot be shared) and each one's `restore` attribute
//! (one DescribeDBSnapshotAttributes per snapshot).

use perimeter_model::{RdsSnapshotInputs, ResourceInputs, ResourceRecord, ResourceType};

use crate::account::{AccountCtx, Collected, Read};
use crate::listing;
use crate::pacing::Api;

const TYPE: ResourceType = ResourceType::RdsDbSnapshot;

pub async fn read(ctx: &AccountCtx, region: &str, fan_out: usize) -> Collected {
    let rds = ctx.clients(region).rds;
    let pages = || rds.describe_db_snapshots().snapshot_type("manual").into_paginator().send();
    let snapshots = listing::all_pages(ctx, Api::at(region, "rds:DescribeDBSnapshots"), pages, |p| {
        p.db_snapshots()
            .iter()
            .filter_map(|s| {
                let id = s.db_snapshot_identifier()?.to_string();
                let arn = s.db_snapshot_arn().map_or_else(|| format!("arn:aws:rds:{region}:{}:snapshot:{id}", ctx.account), str::to_string);
                Some((arn, listed(id, s.encrypted(), s.kms_key_id())))
            })
            .collect()
    })
    .await;
    listing::scope(ctx, region, TYPE, snapshots, fan_out, |(arn, inputs)| snapshot(ctx, region, &rds, arn, inputs)).await
}

async fn snapshot(ctx: &AccountCtx, region: &str, rds: &aws_sdk_rds::Client, arn: String, mut inputs: RdsSnapshotInputs) -> Read {
    let call = || rds.describe_db_snapshot_attributes().db_snapshot_identifier(&inputs.snapshot_id).send();
    let out = listing::unless_absent(ctx.call(Api::at(region, "rds:DescribeDBSnapshotAttributes"), call).await, &["DBSnapshotNotFound"], "DescribeDBSnapshotAttributes")
        .map_err(|f| Box::new(ctx.error(Some(region), Some(TYPE), Some(&arn), f)))?;
    let Some(out) = out else { return Ok(None) };
    let attributes = out.db_snapshot_attributes_result().map(|r| r.db_snapshot_attributes()).unwrap_or_default();
    inputs.restore = restore(attributes.iter().map(|a| (a.attribute_name(), a.attribute_values())));
    Ok(Some(ResourceRecord { arn, account: ctx.account.clone(), region: region.to_string(), inputs: ResourceInputs::RdsDbSnapshot(inputs) }))
}

/// A snapshot as the listing gives it, its `restore` still to read. The key is kept only for
/// an encrypted snapshot (an emulator may name one for any).
pub(super) fn listed(snapshot_id: String, encrypted: Option<bool>, kms_key_id: Option<&str>) -> RdsSnapshotInputs {
    let encrypted = encrypted.unwrap_or(false);
    RdsSnapshotInputs { snapshot_id, encrypted, kms_key_id: kms_key_id.filter(|_| encrypted).map(str::to_string), restore: Vec::new() }
}

/// The values of the `restore` attribute among a snapshot's (name, values) attributes.
pub(super) fn restore<'a>(attributes: impl Iterator<Item = (Option<&'a str>, &'a [String])>) -> Vec<String> {
    attributes.filter(|(name, _)| *name == Some("restore")).flat_map(|(_, values)| values.iter().cloned()).collect()
}
