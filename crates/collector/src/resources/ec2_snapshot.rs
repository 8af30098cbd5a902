//! `AWS::EC2::Snapshot`: the account's own EBS snapshots of a region (DescribeSnapshots with
//! owner `self`), each one's `createVolumePermission` (one DescribeSnapshotAttribute per
//! snapshot), and the region's snapshot Block Public Access state
//! (GetSnapshotBlockPublicAccessState, read at the same time as the listing). A state that
//! cannot be read is an error for the scope: the snapshots are still reported, judged without
//! it (their public findings kept).

use aws_sdk_ec2::types::{SnapshotAttributeName, SnapshotBlockPublicAccessState};
use perimeter_model::{Ec2SnapshotInputs, ResourceInputs, ResourceRecord, ResourceType, SnapshotBlockPublicAccess, VolumePermission};

use crate::account::{AccountCtx, Collected, Read};
use crate::failure::classify;
use crate::listing;
use crate::pacing::Api;

const TYPE: ResourceType = ResourceType::Ec2Snapshot;

/// A snapshot of the listing: ID, encrypted, key.
type Listed = (String, bool, Option<String>);

pub async fn read(ctx: &AccountCtx, region: &str, fan_out: usize) -> Collected {
    let ec2 = ctx.clients(region).ec2;
    let pages = || ec2.describe_snapshots().owner_ids("self").into_paginator().send();
    let listing = listing::all_pages(ctx, Api::at(region, "ec2:DescribeSnapshots"), pages, |p| {
        p.snapshots()
            .iter()
            .filter_map(|s| {
                let encrypted = s.encrypted().unwrap_or(false);
                Some((s.snapshot_id()?.to_string(), encrypted, s.kms_key_id().filter(|_| encrypted).map(str::to_string)))
            })
            .collect::<Vec<Listed>>()
    });
    let (state, snapshots) = tokio::join!(ctx.call(Api::at(region, "ec2:GetSnapshotBlockPublicAccessState"), || ec2.get_snapshot_block_public_access_state().send()), listing);
    let (state, state_error) = match state {
        Ok(out) => (
            out.state().map(|s| match s {
                SnapshotBlockPublicAccessState::BlockAllSharing => SnapshotBlockPublicAccess::BlockAllSharing,
                SnapshotBlockPublicAccessState::BlockNewSharing => SnapshotBlockPublicAccess::BlockNewSharing,
                _ => SnapshotBlockPublicAccess::Unblocked,
            }),
            None,
        ),
        Err(e) => (None, Some(classify(&e).reading("GetSnapshotBlockPublicAccessState"))),
    };
    let mut out =
        listing::scope(ctx, region, TYPE, snapshots, fan_out, |(id, encrypted, key)| snapshot(ctx, region, &ec2, id, encrypted, key, state))
            .await;
    if let Some(f) = state_error {
        out.errors.push(ctx.error(Some(region), Some(TYPE), None, f));
    }
    out
}

async fn snapshot(
    ctx: &AccountCtx,
    region: &str,
    ec2: &aws_sdk_ec2::Client,
    id: String,
    encrypted: bool,
    kms_key_id: Option<String>,
    state: Option<SnapshotBlockPublicAccess>,
) -> Read {
    let arn = format!("arn:aws:ec2:{region}:{}:snapshot/{id}", ctx.account);
    let call = || ec2.describe_snapshot_attribute().snapshot_id(&id).attribute(SnapshotAttributeName::CreateVolumePermission).send();
    let out = listing::unless_absent(ctx.call(Api::at(region, "ec2:DescribeSnapshotAttribute"), call).await, &["InvalidSnapshot.NotFound"], "DescribeSnapshotAttribute")
        .map_err(|f| Box::new(ctx.error(Some(region), Some(TYPE), Some(&arn), f)))?;
    // Deleted between the listing and the read: gone, nothing to report.
    let Some(out) = out else { return Ok(None) };
    let create_volume_permissions = out
        .create_volume_permissions()
        .iter()
        .map(|p| VolumePermission {
            group: p.group().map(|g| g.as_str().to_string()),
            user_id: p.user_id().map(str::to_string),
        })
        .collect();
    Ok(Some(ResourceRecord {
        arn,
        account: ctx.account.clone(),
        region: region.to_string(),
        inputs: ResourceInputs::Ec2Snapshot(Ec2SnapshotInputs {
            snapshot_id: id,
            encrypted,
            kms_key_id,
            create_volume_permissions,
            block_public_access: state,
        }),
    }))
}
