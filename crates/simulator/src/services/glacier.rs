//! S3 Glacier (restJson1, `/<account ID>/vaults…`, the SDK sending `-` for the caller's
//! account): ListVaults (`GET /-/vaults`, `limit` at most 1,000, 10 by default, and `marker`;
//! `Marker` is `null` on the last page, as Glacier writes it; timestamps are ISO 8601 strings),
//! GetVaultAccessPolicy (`GET /-/vaults/<name>/access-policy`: the body is the
//! `VaultAccessPolicy` structure itself, `{"Policy": "<document>"}`) and GetVaultLock
//! (`GET /-/vaults/<name>/lock-policy`: `Policy`, `State`, `CreationDate` and, while
//! `InProgress`, `ExpirationDate`). An unknown vault, a vault without an access policy and one
//! without a lock are 404 ResourceNotFoundException; another account's ID is 403
//! AccessDeniedException; a foreign marker or a bad limit 400 InvalidParameterValueException. An
//! account with no vault in any region is refused every call with 400
//! NoLongerSupportedException, as Glacier refuses accounts without Glacier data since 2025-12.

use http::{Method, Response};
use serde_json::{json, Value};

use super::{page, page_size, Ctx};
use crate::org::{GlacierVault, CREATED};
use crate::protocol::{json_ok, ApiError, Incoming, Protocol};

pub fn route(req: &Incoming) -> Result<&'static str, String> {
    let s: Vec<&str> = req.segments.iter().map(String::as_str).collect();
    let op = match (&req.method, s.as_slice()) {
        (&Method::GET, [_, "vaults"]) => "ListVaults",
        (&Method::GET, [_, "vaults", _, "access-policy"]) => "GetVaultAccessPolicy",
        (&Method::GET, [_, "vaults", _, "lock-policy"]) => "GetVaultLock",
        _ => return Err(format!("{} {}", req.method, req.path)),
    };
    Ok(op)
}

/// Whether the first segment is an account ID (`-` or 12 digits): Glacier's paths.
pub fn is_account_segment(segment: &str) -> bool {
    segment == "-" || (segment.len() == 12 && segment.bytes().all(|b| b.is_ascii_digit()))
}

/// Glacier's timestamps: ISO 8601 with milliseconds.
fn timestamp(secs: u64) -> String {
    crate::protocol::iso8601_at(secs).replace('Z', ".000Z")
}

/// Glacier's words to an account without Glacier data (the API reference's
/// `NoLongerSupportedException`).
pub const NO_LONGER_SUPPORTED: &str = "This API is no longer supported for new accounts";

fn invalid(message: String) -> ApiError {
    ApiError::new(400, "InvalidParameterValueException", message)
}

pub fn answer(operation: &str, ctx: &Ctx<'_>) -> Result<Response<String>, ApiError> {
    let account = ctx.caller.id.as_str();
    let path_account = ctx.req.segments.first().map_or("-", String::as_str);
    if path_account != "-" && path_account != account {
        return Err(ApiError::new(403, "AccessDeniedException", format!("Access denied to the vaults of account {path_account}")));
    }
    // Since 2025-12-15 the vault API refuses accounts that hold no Glacier data: every call.
    if ctx.caller.regions.values().all(|r| r.glacier_vaults.is_empty()) {
        return Err(ApiError::new(400, "NoLongerSupportedException", NO_LONGER_SUPPORTED));
    }
    let vaults: &[GlacierVault] = ctx.caller.region(ctx.region).map_or(&[], |r| r.glacier_vaults.as_slice());
    let vault = || {
        let name = ctx.req.segments.get(2).map_or("", String::as_str);
        let arn = format!("arn:aws:glacier:{}:{account}:vaults/{name}", ctx.region);
        vaults.iter().find(|v| v.name == name).ok_or_else(|| ApiError::new(404, "ResourceNotFoundException", format!("Vault not found for ARN: {arn}")))
    };
    let out = match operation {
        "ListVaults" => {
            let limit = match ctx.req.query("limit") {
                None => None,
                Some(l) => Some(l.parse::<u64>().ok().filter(|n| (1..=1000).contains(n)).ok_or_else(|| invalid(format!("Invalid limit: {l}")))?),
            };
            let (list, next) = page(vaults, ctx.req.query("marker"), page_size(limit, 10, 1000)).map_err(|e| invalid(e.message))?;
            let list: Vec<Value> = list
                .iter()
                .map(|v| {
                    json!({"VaultARN": v.arn, "VaultName": v.name, "CreationDate": timestamp(CREATED),
                        "LastInventoryDate": timestamp(CREATED), "NumberOfArchives": 0, "SizeInBytes": 0})
                })
                .collect();
            json!({"VaultList": list, "Marker": next})
        }
        "GetVaultAccessPolicy" => {
            let v = vault()?;
            let policy = v.policy.as_ref().ok_or_else(|| {
                ApiError::new(404, "ResourceNotFoundException", format!("No vault access policy is set for: Vault: {}", v.arn))
            })?;
            json!({"Policy": policy})
        }
        "GetVaultLock" => {
            let v = vault()?;
            let lock = v.lock.as_ref().ok_or_else(|| {
                ApiError::new(404, "ResourceNotFoundException", format!("No vault lock policy is set for: Vault: {}", v.arn))
            })?;
            let mut out = json!({"Policy": lock.policy, "State": lock.state, "CreationDate": timestamp(CREATED)});
            // An InProgress lock expires 24 hours after it was initiated.
            if let (true, Some(obj)) = (lock.state == "InProgress", out.as_object_mut()) {
                obj.insert("ExpirationDate".to_string(), json!(timestamp(CREATED + 86_400)));
            }
            out
        }
        other => return Err(super::Service::Glacier.unsupported(other)),
    };
    Ok(json_ok(Protocol::RestJson, &out, ctx.id))
}
