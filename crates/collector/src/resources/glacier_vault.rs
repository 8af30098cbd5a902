//! `AWS::Glacier::Vault`: the vaults of a region (ListVaults) with their access policy and vault
//! lock policy (GetVaultAccessPolicy and GetVaultLock per vault, at the same time;
//! ResourceNotFoundException is the answer for a vault without that policy). Since December 2025
//! Glacier's vault API refuses accounts that never stored data in it (`NoLongerSupportedException`
//! on every call): such an account has no vaults, and the scope is reported skipped, "not enabled
//! in the account", never an error.

use perimeter_model::{GlacierVaultInputs, ResourceInputs, ResourceType};

use crate::account::{AccountCtx, Collected, Read};
use crate::failure::Failure;
use crate::listing;
use crate::pacing::Api;

const TYPE: ResourceType = ResourceType::GlacierVault;

pub async fn read(ctx: &AccountCtx, region: &str, fan_out: usize) -> Collected {
    let glacier = ctx.clients(region).glacier;
    let pages = || glacier.list_vaults().account_id("-").into_paginator().send();
    let vaults = listing::all_pages(ctx, Api::at(region, "glacier:ListVaults"), pages, |p| {
        p.vault_list().iter().filter_map(|v| Some((v.vault_arn()?.to_string(), v.vault_name()?.to_string()))).collect()
    })
    .await;
    if let Err(f) = &vaults
        && f.is_code(&[NOT_FOR_THIS_ACCOUNT])
    {
        let mut out = Collected::default();
        out.not_enabled(ctx, region, TYPE, not_enabled_reason(f));
        return out;
    }
    listing::scope(ctx, region, TYPE, vaults, fan_out, |(arn, name)| vault(ctx, region, &glacier, arn, name)).await
}

/// Glacier's answer to an account that has never stored data in its vaults.
const NOT_FOR_THIS_ACCOUNT: &str = "NoLongerSupportedException";

fn not_enabled_reason(f: &Failure) -> String {
    format!("S3 Glacier's vault API is closed to accounts without Glacier data: {}", f.message)
}

async fn vault(ctx: &AccountCtx, region: &str, glacier: &aws_sdk_glacier::Client, arn: String, name: String) -> Read {
    let access = ctx.call(Api::at(region, "glacier:GetVaultAccessPolicy"), || glacier.get_vault_access_policy().account_id("-").vault_name(&name).send());
    let lock = ctx.call(Api::at(region, "glacier:GetVaultLock"), || glacier.get_vault_lock().account_id("-").vault_name(&name).send());
    let (access, lock) = tokio::join!(access, lock);
    // The same code says "no such policy" and "no vault": a vault deleted meanwhile is reported
    // without policies, which grant nothing.
    let none = &["ResourceNotFoundException"];
    let access = listing::unless_absent(access, none, "GetVaultAccessPolicy").map_err(|f| ctx.resource_error(region, TYPE, &arn, f))?;
    let lock = listing::unless_absent(lock, none, "GetVaultLock").map_err(|f| ctx.resource_error(region, TYPE, &arn, f))?;
    let access_policy = access.and_then(|o| listing::policy_text(o.policy().and_then(|p| p.policy())));
    let lock_state = lock.as_ref().and_then(|o| o.state().map(str::to_string));
    let lock_policy = lock.and_then(|o| listing::policy_text(o.policy()));
    let inputs = GlacierVaultInputs { name, access_policy, lock_policy, lock_state };
    Ok(Some(ctx.record(region, arn, ResourceInputs::GlacierVault(inputs))))
}
