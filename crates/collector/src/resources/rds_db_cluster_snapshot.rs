//! `AWS::RDS::DBClusterSnapshot`: the manual DB cluster snapshots of a region
//! (DescribeDBClusterSnapshots with `SnapshotType=manual`) and each one's `restore` attribute
//! (one DescribeDBClusterSnapshotAttributes per snapshot).

use perimeter_model::{RdsSnapshotInputs, ResourceInputs, ResourceRecord, ResourceType};

use crate::account::{AccountCtx, Collected, Read};
use crate::listing;
use crate::pacing::Api;

const TYPE: ResourceType = ResourceType::RdsDbClusterSnapshot;

pub async fn read(ctx: &AccountCtx, region: &str, fan_out: usize) -> Collected {
    let rds = ctx.clients(region).rds;
    let pages = || rds.describe_db_cluster_snapshots().snapshot_type("manual").into_paginator().send();
    let snapshots = listing::all_pages(ctx, Api::at(region, "rds:DescribeDBClusterSnapshots"), pages, |p| {
        p.db_cluster_snapshots()
            .iter()
            .filter_map(|s| {
                let id = s.db_cluster_snapshot_identifier()?.to_string();
                let arn = s
                    .db_cluster_snapshot_arn()
                    .map_or_else(|| format!("arn:aws:rds:{region}:{}:cluster-snapshot:{id}", ctx.account), str::to_string);
                Some((arn, super::rds_db_snapshot::listed(id, s.storage_encrypted(), s.kms_key_id())))
            })
            .collect()
    })
    .await;
    listing::scope(ctx, region, TYPE, snapshots, fan_out, |(arn, inputs)| snapshot(ctx, region, &rds, arn, inputs)).await
}

async fn snapshot(ctx: &AccountCtx, region: &str, rds: &aws_sdk_rds::Client, arn: String, mut inputs: RdsSnapshotInputs) -> Read {
    let call = || rds.describe_db_cluster_snapshot_attributes().db_cluster_snapshot_identifier(&inputs.snapshot_id).send();
    let out = listing::unless_absent(ctx.call(Api::at(region, "rds:DescribeDBClusterSnapshotAttributes"), call).await, &["DBClusterSnapshotNotFoundFault"], "DescribeDBClusterSnapshotAttributes")
        .map_err(|f| Box::new(ctx.error(Some(region), Some(TYPE), Some(&arn), f)))?;
    let Some(out) = out else { return Ok(None) };
    let attributes = out.db_cluster_snapshot_attributes_result().map(|r| r.db_cluster_snapshot_attributes()).unwrap_or_default();
    inputs.restore = super::rds_db_snapshot::restore(attributes.iter().map(|a| (a.attribute_name(), a.attribute_values())));
    Ok(Some(ResourceRecord { arn, account: ctx.account.clone(), region: region.to_string(), inputs: ResourceInputs::RdsDbClusterSnapshot(inputs) }))
}
