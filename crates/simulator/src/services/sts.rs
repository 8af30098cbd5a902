//! STS (awsQuery, version 2011-06-15): GetCallerIdentity, and AssumeRole, whose credentials
//! carry the target account in the access key ID (`ASIASIM<account>`).

use std::time::SystemTime;

use http::Response;

use super::Ctx;
use crate::protocol::{el, form_get, iso8601, query_ok, ApiError};

pub const NAMESPACE: &str = "https://sts.amazonaws.com/doc/2011-06-15/";
pub const VERSION: &str = "2011-06-15";
pub const OPERATIONS: &[&str] = &["GetCallerIdentity", "AssumeRole"];
/// The prefix of access keys the simulator issues; the account follows.
pub const KEY_PREFIX: &str = "ASIASIM";

/// The account an access key acts as: `ASIASIM<account>` for issued keys.
pub fn key_account(access_key: &str) -> Option<&str> {
    access_key.strip_prefix(KEY_PREFIX).filter(|a| a.len() == 12 && a.bytes().all(|b| b.is_ascii_digit()))
}

pub fn answer(operation: &str, ctx: &Ctx<'_>) -> Result<Response<String>, ApiError> {
    let form = ctx.req.form();
    let account = &ctx.caller.id;
    match operation {
        "GetCallerIdentity" => {
            let issued = ctx.req.signing.as_ref().and_then(|s| key_account(&s.access_key)).is_some();
            let (user_id, arn) = if issued {
                (format!("AROASIMROLE{account}:perimeter"), format!("arn:aws:sts::{account}:assumed-role/sim-audit/perimeter"))
            } else {
                (format!("AIDASIMADMIN{account}"), format!("arn:aws:iam::{account}:user/sim-admin"))
            };
            let inner = format!("{}{}{}", el("UserId", &user_id), el("Account", account), el("Arn", &arn));
            Ok(query_ok(NAMESPACE, operation, &inner, ctx.id))
        }
        "AssumeRole" => {
            let role_arn = form_get(&form, "RoleArn").unwrap_or_default();
            let session = form_get(&form, "RoleSessionName").unwrap_or("session");
            let (target, role) = role_arn
                .strip_prefix("arn:aws:iam::")
                .and_then(|r| r.split_once(":role/"))
                .ok_or_else(|| ApiError::new(400, "ValidationError", format!("invalid RoleArn {role_arn:?}")))?;
            let denied = || {
                ApiError::new(
                    403,
                    "AccessDenied",
                    format!("User: arn:aws:iam::{account}:user/sim-admin is not authorized to perform: sts:AssumeRole on resource: {role_arn}"),
                )
            };
            if ctx.config.refuse_assume_role.contains(target) || ctx.org.account(target).is_none() {
                return Err(denied());
            }
            let expiration = iso8601(SystemTime::now() + ctx.config.credential_lifetime);
            let inner = format!(
                "<Credentials>{}{}{}{}</Credentials><AssumedRoleUser>{}{}</AssumedRoleUser>",
                el("AccessKeyId", &format!("{KEY_PREFIX}{target}")),
                el("SecretAccessKey", "simulatedsecretaccesskey"),
                el("SessionToken", &format!("simulated-session-token-{target}-{}", ctx.id)),
                el("Expiration", &expiration),
                el("AssumedRoleId", &format!("AROASIMROLE{target}:{session}")),
                el("Arn", &format!("arn:aws:sts::{target}:assumed-role/{role}/{session}")),
            );
            Ok(query_ok(NAMESPACE, operation, &inner, ctx.id))
        }
        other => Err(super::Service::Sts.unsupported(other)),
    }
}
