//! `AWS::Backup::BackupVault`: the backup vaults of a region (ListBackupVaults) with their
//! access policies (one GetBackupVaultAccessPolicy per vault; ResourceNotFoundException is the
//! answer for a vault without one).

use perimeter_model::{BackupVaultInputs, ResourceInputs, ResourceType};

use crate::account::{AccountCtx, Collected, Read};
use crate::listing;
use crate::pacing::Api;

const TYPE: ResourceType = ResourceType::BackupVault;

pub async fn read(ctx: &AccountCtx, region: &str, fan_out: usize) -> Collected {
    let backup = ctx.clients(region).backup;
    let pages = || backup.list_backup_vaults().into_paginator().send();
    let vaults = listing::all_pages(ctx, Api::at(region, "backup:ListBackupVaults"), pages, |p| {
        p.backup_vault_list()
            .iter()
            .filter_map(|v| Some((v.backup_vault_arn()?.to_string(), v.backup_vault_name()?.to_string())))
            .collect()
    })
    .await;
    listing::scope(ctx, region, TYPE, vaults, fan_out, |(arn, name)| vault(ctx, region, &backup, arn, name)).await
}

async fn vault(ctx: &AccountCtx, region: &str, backup: &aws_sdk_backup::Client, arn: String, name: String) -> Read {
    let call = || backup.get_backup_vault_access_policy().backup_vault_name(&name).send();
    // The same code says "no policy" and "no vault": a vault deleted meanwhile is reported
    // without a policy, which grants nothing.
    let out = listing::unless_absent(ctx.call(Api::at(region, "backup:GetBackupVaultAccessPolicy"), call).await, &["ResourceNotFoundException"], "GetBackupVaultAccessPolicy")
        .map_err(|f| ctx.resource_error(region, TYPE, &arn, f))?;
    let policy = out.and_then(|o| listing::policy_text(o.policy()));
    Ok(Some(ctx.record(region, arn, ResourceInputs::BackupVault(BackupVaultInputs { name, policy }))))
}
