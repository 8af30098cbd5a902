//! CloudFront (restXml, API version 2020-05-31, wrapped `<ErrorResponse>` errors; global: it
//! answers in every region and never hangs): ListCloudFrontOriginAccessIdentities, `GET
//! /2020-05-31/origin-access-identity/cloudfront` with `Marker` and `MaxItems` (100 by default,
//! at most 1,000), the caller's origin access identities in a `<CloudFrontOriginAccessIdentityList>`
//! (`Marker` as asked, `NextMarker` when truncated, `MaxItems`, `IsTruncated`, `Quantity`,
//! `<Items>` of `<CloudFrontOriginAccessIdentitySummary>` with `Id`, `S3CanonicalUserId` and
//! `Comment`). A marker the simulator did not give, or a `MaxItems` that is not a number, is 400
//! InvalidArgument.

use http::{Method, Response};

use super::{page, page_size, Ctx};
use crate::org::OriginAccessIdentity;
use crate::protocol::{el, xml_ok, ApiError, Incoming};

const NS: &str = "http://cloudfront.amazonaws.com/doc/2020-05-31/";
/// The API version, the first segment of every path.
pub const VERSION: &str = "2020-05-31";

/// The operation: routed on the method and the path.
pub fn route(req: &Incoming) -> Result<&'static str, String> {
    let s: Vec<&str> = req.segments.iter().map(String::as_str).collect();
    match (&req.method, s.as_slice()) {
        (&Method::GET, [VERSION, "origin-access-identity", "cloudfront"]) => Ok("ListCloudFrontOriginAccessIdentities"),
        _ => Err(format!("{} {}", req.method, req.path)),
    }
}

fn invalid(message: String) -> ApiError {
    ApiError::new(400, "InvalidArgument", message)
}

/// The list document of one page of `identities`, from `marker` (as the request gave it; empty
/// for the first page), at most `max_items` long.
fn identity_list(identities: &[OriginAccessIdentity], marker: &str, max_items: usize) -> Result<String, ApiError> {
    let (list, next) = page(identities, Some(marker), max_items).map_err(|e| invalid(e.message))?;
    let items: String = list
        .iter()
        .map(|o| {
            format!(
                "<CloudFrontOriginAccessIdentitySummary>{}{}{}</CloudFrontOriginAccessIdentitySummary>",
                el("Id", &o.id),
                el("S3CanonicalUserId", &o.canonical_id),
                el("Comment", &o.comment)
            )
        })
        .collect();
    let items = if list.is_empty() { String::new() } else { format!("<Items>{items}</Items>") };
    let truncated = next.is_some();
    let next = next.map(|n| el("NextMarker", &n)).unwrap_or_default();
    Ok(format!(
        "<CloudFrontOriginAccessIdentityList xmlns=\"{NS}\">{}{next}{}{}{}{items}</CloudFrontOriginAccessIdentityList>",
        el("Marker", marker),
        el("MaxItems", &max_items.to_string()),
        el("IsTruncated", if truncated { "true" } else { "false" }),
        el("Quantity", &list.len().to_string()),
    ))
}

pub fn answer(operation: &str, ctx: &Ctx<'_>) -> Result<Response<String>, ApiError> {
    let body = match operation {
        "ListCloudFrontOriginAccessIdentities" => {
            let requested = match ctx.req.query("MaxItems").filter(|m| !m.is_empty()) {
                None => None,
                Some(m) => Some(m.parse::<u64>().map_err(|_| invalid(format!("MaxItems {m} is not a number")))?),
            };
            let max_items = page_size(requested, 100, 1000);
            identity_list(&ctx.caller.origin_access_identities, ctx.req.query("Marker").unwrap_or_default(), max_items)?
        }
        other => return Err(super::Service::CloudFront.unsupported(other)),
    };
    Ok(xml_ok(body, ctx.id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::org::origin_access_identity;

    fn tags(xml: &str, tag: &str) -> Vec<String> {
        xml.split(&format!("<{tag}>")).skip(1).filter_map(|p| p.split_once(&format!("</{tag}>")).map(|(t, _)| t.to_string())).collect()
    }

    #[test]
    fn pages_follow_the_marker_to_the_end() {
        let all: Vec<OriginAccessIdentity> = ["100000000000", "100000000001", "100000000002"].map(origin_access_identity).to_vec();
        let (mut marker, mut ids, mut pages) = (String::new(), Vec::new(), 0);
        loop {
            let xml = identity_list(&all, &marker, 2).expect("a page");
            pages += 1;
            assert_eq!(tags(&xml, "Marker"), [marker.as_str()]);
            assert_eq!(tags(&xml, "MaxItems"), ["2"]);
            let listed = tags(&xml, "Id");
            assert_eq!(tags(&xml, "Quantity"), [listed.len().to_string()]);
            ids.extend(listed);
            match tags(&xml, "NextMarker").pop() {
                Some(next) => {
                    assert_eq!(tags(&xml, "IsTruncated"), ["true"]);
                    marker = next;
                }
                None => {
                    assert_eq!(tags(&xml, "IsTruncated"), ["false"]);
                    break;
                }
            }
        }
        assert_eq!(pages, 2);
        assert_eq!(ids, all.iter().map(|o| o.id.clone()).collect::<Vec<_>>());
        // Past the end: an empty list without <Items>; a foreign marker: InvalidArgument.
        let empty = identity_list(&all, "sim-3", 2).expect("the end");
        assert!(empty.contains("<IsTruncated>false</IsTruncated><Quantity>0</Quantity></CloudFrontOriginAccessIdentityList>"), "{empty}");
        assert_eq!(identity_list(&all, "E123", 2).map_err(|e| e.code), Err("InvalidArgument".to_string()));
    }
}
