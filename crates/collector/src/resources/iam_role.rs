//! IAM: every role with its trust policy (ListRoles carries it, URL-encoded on AWS), and the
//! unique IDs of the account's roles and users, which tell the evaluator that a principal named
//! by unique ID is inside the zone.

use perimeter_model::{IamRoleInputs, ResourceInputs, ResourceRecord, ResourceType};

use crate::account::{AccountCtx, Collected};
use crate::failure::classify;

const TYPE: Option<ResourceType> = Some(ResourceType::IamRole);
/// IAM is global; its records and scopes carry this region.
pub const GLOBAL: &str = "global";

pub async fn collect(ctx: &AccountCtx) -> Collected {
    let (mut out, users) = tokio::join!(roles(ctx), users(ctx));
    out.merge(users);
    out
}

async fn roles(ctx: &AccountCtx) -> Collected {
    let mut out = Collected::default();
    let iam = ctx.clients(&ctx.home_region).iam;
    let mut pages = iam.list_roles().into_paginator().send();
    while let Some(page) = ctx.call(pages.next()).await {
        let page = match page {
            Ok(p) => p,
            Err(e) => {
                out.errors.push(ctx.error(Some(GLOBAL), TYPE, None, classify(&e).reading("ListRoles")));
                break;
            }
        };
        for role in page.roles() {
            out.principal_ids.insert(role.role_id().to_string());
            out.resources.push(ResourceRecord {
                arn: role.arn().to_string(),
                account: ctx.account.clone(),
                region: GLOBAL.to_string(),
                inputs: ResourceInputs::IamRole(IamRoleInputs {
                    name: role.role_name().to_string(),
                    trust_policy: decode_document(role.assume_role_policy_document().unwrap_or_default()),
                }),
            });
        }
    }
    out
}

/// The unique IDs of the account's users (a policy may name a principal by unique ID).
async fn users(ctx: &AccountCtx) -> Collected {
    let mut out = Collected::default();
    let iam = ctx.clients(&ctx.home_region).iam;
    let mut pages = iam.list_users().into_paginator().send();
    while let Some(page) = ctx.call(pages.next()).await {
        match page {
            Ok(page) => out.principal_ids.extend(page.users().iter().map(|u| u.user_id().to_string())),
            Err(e) => {
                out.errors.push(ctx.error(Some(GLOBAL), TYPE, None, classify(&e).reading("ListUsers")));
                break;
            }
        }
    }
    out
}

/// IAM returns policy documents URL-encoded (RFC 3986); moto returns some as plain JSON. A
/// document that already starts with `{` is kept as is.
pub fn decode_document(raw: &str) -> String {
    let text = raw.trim_start();
    if text.starts_with('{') {
        return text.to_string();
    }
    percent_encoding::percent_decode_str(text).decode_utf8().map_or_else(|_| text.to_string(), |d| d.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_decode_once() {
        assert_eq!(decode_document("%7B%22Version%22%3A%222012-10-17%22%7D"), r#"{"Version":"2012-10-17"}"#);
        assert_eq!(decode_document(r#" {"a":"%41"}"#), r#"{"a":"%41"}"#);
    }
}
