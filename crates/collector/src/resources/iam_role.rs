//! `AWS::IAM::Role`: every role with its trust policy (ListRoles carries it, URL-encoded on
//! AWS), and the unique IDs of the account's roles and users, which tell the evaluator that a
//! principal named by unique ID is inside the zone. IAM is global: one scope per account, in
//! the region [`GLOBAL_REGION`].

use perimeter_model::{IamRoleInputs, ResourceInputs, ResourceRecord, ResourceType, GLOBAL_REGION};

use crate::account::{AccountCtx, Collected};
use crate::listing;
use crate::pacing::Api;

const TYPE: ResourceType = ResourceType::IamRole;

pub async fn read(ctx: &AccountCtx) -> Collected {
    let iam = ctx.clients(&ctx.home_region).iam;
    let (roles, users) = tokio::join!(
        listing::all_pages(ctx, Api::at(&ctx.home_region, "iam:ListRoles"), || iam.list_roles().into_paginator().send(), |p| p.roles().to_vec()),
        listing::all_pages(ctx, Api::at(&ctx.home_region, "iam:ListUsers"), || iam.list_users().into_paginator().send(), |p| {
            p.users().iter().map(|u| u.user_id().to_string()).collect()
        }),
    );
    let mut out = Collected::default();
    let mut complete = true;
    match roles {
        Ok(roles) => {
            for role in roles {
                out.principal_ids.insert(role.role_id().to_string());
                out.resources.push(ResourceRecord {
                    arn: role.arn().to_string(),
                    account: ctx.account.clone(),
                    region: GLOBAL_REGION.to_string(),
                    inputs: ResourceInputs::IamRole(IamRoleInputs {
                        name: role.role_name().to_string(),
                        trust_policy: decode_document(role.assume_role_policy_document().unwrap_or_default()),
                    }),
                });
            }
        }
        Err(f) => {
            complete = false;
            out.errors.push(ctx.error(Some(GLOBAL_REGION), Some(TYPE), None, f));
        }
    }
    // A user's unique ID may name a principal; without the list, such a principal would look
    // external, so an unread list makes the scope incomplete too.
    match users {
        Ok(ids) => out.principal_ids.extend(ids),
        Err(f) => {
            complete = false;
            out.errors.push(ctx.error(Some(GLOBAL_REGION), Some(TYPE), None, f));
        }
    }
    if complete {
        out.finish(ctx, GLOBAL_REGION, TYPE);
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
