//! AWS Backup (restJson1): ListBackupVaults (`GET /backup-vaults/`, `maxResults` up to 1,000,
//! the default, and `nextToken`; `vaultType` other than `BACKUP_VAULT` lists none) and
//! GetBackupVaultAccessPolicy (`GET /backup-vaults/<name>/access-policy`: the vault's name, ARN
//! and `Policy`). As Backup answers: a vault without a policy is 400 ResourceNotFoundException
//! ("… has no associated POLICY"), an unknown vault 403 AccessDeniedException, a foreign token
//! 400 InvalidParameterValueException.

use http::{Method, Response};
use serde_json::json;

use super::{page, page_size, Ctx};
use crate::org::{PolicyResource, CREATED};
use crate::protocol::{json_ok, ApiError, Incoming, Protocol};

pub fn route(req: &Incoming) -> Result<&'static str, String> {
    let s: Vec<&str> = req.segments.iter().map(String::as_str).collect();
    let op = match (&req.method, s.as_slice()) {
        (&Method::GET, ["backup-vaults"]) => "ListBackupVaults",
        (&Method::GET, ["backup-vaults", _, "access-policy"]) => "GetBackupVaultAccessPolicy",
        _ => return Err(format!("{} {}", req.method, req.path)),
    };
    Ok(op)
}

/// The vault of that name in the caller's account and the request's region.
fn find<'a>(ctx: &Ctx<'a>, name: &str) -> Result<&'a PolicyResource, ApiError> {
    ctx.caller
        .region(ctx.region)
        .and_then(|r| r.backup_vaults.iter().find(|v| v.name == name))
        .ok_or_else(|| ApiError::new(403, "AccessDeniedException", "Insufficient privileges to perform this action."))
}

pub fn answer(operation: &str, ctx: &Ctx<'_>) -> Result<Response<String>, ApiError> {
    let out = match operation {
        "ListBackupVaults" => {
            let vaults: &[PolicyResource] = ctx.caller.region(ctx.region).map_or(&[], |r| r.backup_vaults.as_slice());
            let vaults = if ctx.req.query("vaultType").is_some_and(|t| t != "BACKUP_VAULT") { &[] } else { vaults };
            let size = page_size(ctx.req.query("maxResults").and_then(|n| n.parse().ok()), 1000, 1000);
            let (list, next) = page(vaults, ctx.req.query("nextToken"), size)
                .map_err(|e| ApiError::new(400, "InvalidParameterValueException", e.message))?;
            let list: Vec<serde_json::Value> = list
                .iter()
                .map(|v| {
                    json!({"BackupVaultName": v.name, "BackupVaultArn": v.arn, "VaultType": "BACKUP_VAULT",
                        "VaultState": "AVAILABLE", "CreationDate": CREATED, "NumberOfRecoveryPoints": 0,
                        "Locked": false, "EncryptionKeyType": "AWS_OWNED_KMS_KEY"})
                })
                .collect();
            let mut out = json!({"BackupVaultList": list});
            if let (Some(n), Some(obj)) = (next, out.as_object_mut()) {
                obj.insert("NextToken".to_string(), json!(n));
            }
            out
        }
        "GetBackupVaultAccessPolicy" => {
            let v = find(ctx, ctx.req.segments.get(1).map_or("", String::as_str))?;
            let policy = v.policy.as_ref().ok_or_else(|| {
                ApiError::new(400, "ResourceNotFoundException", format!("Backup Vault {} has no associated POLICY", v.arn))
            })?;
            json!({"BackupVaultName": v.name, "BackupVaultArn": v.arn, "Policy": policy})
        }
        other => return Err(super::Service::Backup.unsupported(other)),
    };
    Ok(json_ok(Protocol::RestJson, &out, ctx.id))
}
