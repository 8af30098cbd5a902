//! The CloudFront origin access identities of each scanned account
//! (ListCloudFrontOriginAccessIdentities, a global listing, paged by marker): an identity
//! found in a zone account is inside the zone, by its ARN and by its S3 canonical user ID
//! (semantics.md section 2). A listing that fails is an error record of the account that covers
//! no resource scope: the identities it would have named stay outside (reported as
//! cross-account findings, the conservative reading), and the scan says it is incomplete.

use perimeter_model::GLOBAL_REGION;

use crate::account::{AccountCtx, Collected};
use crate::failure::classify;

/// Identities asked for per page (CloudFront's maximum is 100).
const PAGE: i32 = 100;

pub async fn read(ctx: &AccountCtx) -> Collected {
    let cloudfront = ctx.clients(&ctx.home_region).cloudfront;
    let mut out = Collected::default();
    let mut marker: Option<String> = None;
    loop {
        let request = cloudfront.list_cloud_front_origin_access_identities().max_items(PAGE).set_marker(marker.clone());
        let page = match ctx.call(request.send()).await {
            Ok(page) => page,
            Err(e) => {
                let f = classify(&e).reading("ListCloudFrontOriginAccessIdentities");
                let arn = format!("arn:aws:cloudfront::{}:origin-access-identity/*", ctx.account);
                let f = crate::failure::Failure {
                    message: format!(
                        "{}; this account's origin access identities are taken to be outside the zone",
                        f.message
                    ),
                    ..f
                };
                out.errors.push(ctx.error(Some(GLOBAL_REGION), None, Some(&arn), f));
                return out;
            }
        };
        let Some(list) = page.cloud_front_origin_access_identity_list() else { return out };
        for oai in list.items() {
            out.origin_access_identities.insert(oai.id().to_string(), ctx.account.clone());
            out.canonical_ids.insert(oai.s3_canonical_user_id().to_string());
        }
        match list.next_marker().filter(|m| list.is_truncated() && !m.is_empty()) {
            Some(next) if marker.as_deref() != Some(next) => marker = Some(next.to_string()),
            _ => return out,
        }
    }
}
