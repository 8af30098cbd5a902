//! IAM (awsQuery, version 2010-05-08): ListRoles (at most 100 per page, trust policies
//! URL-encoded as real IAM returns them) and ListUsers.

use http::Response;

use super::{page, page_size, Ctx};
use crate::org::CREATED;
use crate::protocol::{el, form_get, iso8601_at, query_ok, url_encode, ApiError};

pub const NAMESPACE: &str = "https://iam.amazonaws.com/doc/2010-05-08/";
pub const VERSION: &str = "2010-05-08";
pub const OPERATIONS: &[&str] = &["ListRoles", "ListUsers"];

pub fn answer(operation: &str, ctx: &Ctx<'_>) -> Result<Response<String>, ApiError> {
    let form = ctx.req.form();
    let size = page_size(form_get(&form, "MaxItems").and_then(|n| n.parse().ok()), 100, 100);
    let marker = form_get(&form, "Marker");
    let created = iso8601_at(CREATED);
    let (list, truncated) = match operation {
        "ListRoles" => {
            let (roles, next) = page(&ctx.caller.roles, marker, size)?;
            let members: String = roles
                .iter()
                .map(|r| {
                    format!(
                        "<member>{}{}{}{}{}{}{}</member>",
                        el("Path", "/"),
                        el("RoleName", &r.name),
                        el("RoleId", &r.id),
                        el("Arn", &r.arn),
                        el("CreateDate", &created),
                        el("AssumeRolePolicyDocument", &url_encode(&r.trust_policy)),
                        el("MaxSessionDuration", "3600"),
                    )
                })
                .collect();
            (format!("<Roles>{members}</Roles>"), next)
        }
        "ListUsers" => {
            let (users, next) = page(&ctx.caller.users, marker, size)?;
            let members: String = users
                .iter()
                .map(|u| {
                    format!(
                        "<member>{}{}{}{}{}</member>",
                        el("Path", "/"),
                        el("UserName", &u.name),
                        el("UserId", &u.id),
                        el("Arn", &u.arn),
                        el("CreateDate", &created),
                    )
                })
                .collect();
            (format!("<Users>{members}</Users>"), next)
        }
        other => return Err(super::Service::Iam.unsupported(other)),
    };
    let tail = match truncated {
        Some(m) => format!("{}{}", el("IsTruncated", "true"), el("Marker", &m)),
        None => el("IsTruncated", "false"),
    };
    Ok(query_ok(NAMESPACE, operation, &format!("{list}{tail}"), ctx.id))
}
