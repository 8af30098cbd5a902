//! The CloudFront origin access identities of each scanned account
//! (ListCloudFrontOriginAccessIdentities, a global listing, paged by marker): an identity
//! found in a zone account is inside the zone, by its ARN and by its S3 canonical user ID
//! (semantics.md section 2). A listing that fails is an error record of the account that covers
//! no resource scope: the identities it would have named stay outside (reported as
//! cross-account findings, the conservative reading), and the scan says it is incomplete.

use perimeter_model::GLOBAL_REGION;

use crate::account::{AccountCtx, Collected};
use crate::listing;
use crate::pacing::Api;

/// Identities asked for per page (CloudFront's maximum is 100).
const PAGE: i32 = 100;

pub async fn read(ctx: &AccountCtx) -> Collected {
    let cloudfront = ctx.clients(&ctx.home_region).cloudfront;
    let pages = || cloudfront.list_cloud_front_origin_access_identities().max_items(PAGE).into_paginator().send();
    let listed = listing::all_pages(ctx, Api::at(&ctx.home_region, "cloudfront:ListCloudFrontOriginAccessIdentities"), pages, |p| {
        p.cloud_front_origin_access_identity_list().map(|l| l.items().to_vec()).unwrap_or_default()
    })
    .await;
    let mut out = Collected::default();
    match listed {
        Ok(identities) => {
            for oai in identities {
                out.origin_access_identities.insert(oai.id().to_string(), ctx.account.clone());
                out.canonical_ids.insert(oai.s3_canonical_user_id().to_string());
            }
        }
        Err(f) => out.errors.push(ctx.zone_fact_error(
            GLOBAL_REGION,
            &format!("arn:aws:cloudfront::{}:origin-access-identity/*", ctx.account),
            f,
            "this account's origin access identities are taken to be outside the zone",
        )),
    }
    out
}
