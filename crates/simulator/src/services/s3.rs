//! S3 (restXml, path-style) and S3 Control (restXml, every request sent to the endpoint as is
//! with `x-amz-account-id`). S3: ListBuckets (global, every general purpose bucket of the
//! account with its region; directory buckets are [`super::s3express`]'s), and per bucket location, policy (the raw document), ACL, Block Public Access and
//! ownership controls; "not configured" is a 404 with the code the SDK expects. A bucket asked
//! in another region than its own is a 301 PermanentRedirect, as S3 answers. S3 Control: the
//! account's Block Public Access, and the access points of a region with their policies.

use http::{Method, Response};

use super::{page, page_size, Ctx};
use crate::org::{AccessPoint, Bucket, CREATED};
use crate::protocol::{el, iso8601_at, raw_ok, xml_ok, ApiError, Incoming};

const S3_NS: &str = "http://s3.amazonaws.com/doc/2006-03-01/";
pub(super) const CONTROL_NS: &str = "http://awss3control.amazonaws.com/doc/2018-08-20/";
const ALL_USERS: &str = "http://acs.amazonaws.com/groups/global/AllUsers";

/// The S3 operation: routed on the bucket segment and the subresource key of the query.
pub fn route(req: &Incoming) -> Result<&'static str, String> {
    let described = || format!("{} {}?{}", req.method, req.path, req.canonical_query());
    if req.method != Method::GET {
        return Err(described());
    }
    match req.segments.len() {
        // `x-id` names another operation (ListDirectoryBuckets, say) only when it is not
        // ListBuckets: never answered as ListBuckets.
        0 => match req.query("x-id") {
            None | Some("ListBuckets") => Ok("ListBuckets"),
            Some(other) => Err(format!("{} {}?x-id={other}", req.method, req.path)),
        },
        1 => [
            ("location", "GetBucketLocation"),
            ("policy", "GetBucketPolicy"),
            ("acl", "GetBucketAcl"),
            ("publicAccessBlock", "GetPublicAccessBlock"),
            ("ownershipControls", "GetBucketOwnershipControls"),
        ]
        .iter()
        .find(|(key, _)| req.has_query(key))
        .map(|(_, op)| *op)
        .ok_or_else(described),
        _ => Err(described()),
    }
}

/// The S3 Control operation (paths under `/v20180820/`).
pub fn route_control(req: &Incoming) -> Result<&'static str, String> {
    let s: Vec<&str> = req.segments.iter().map(String::as_str).collect();
    match (&req.method, s.as_slice()) {
        (&Method::GET, ["v20180820", "configuration", "publicAccessBlock"]) => Ok("GetPublicAccessBlock"),
        (&Method::GET, ["v20180820", "accesspoint"]) => Ok("ListAccessPoints"),
        (&Method::GET, ["v20180820", "accesspoint", _]) => Ok("GetAccessPoint"),
        (&Method::GET, ["v20180820", "accesspoint", _, "policy"]) => Ok("GetAccessPointPolicy"),
        _ => Err(format!("{} {}", req.method, req.path)),
    }
}

fn owner(ctx: &Ctx<'_>) -> String {
    format!("<Owner>{}{}</Owner>", el("ID", &ctx.caller.canonical_id), el("DisplayName", &ctx.caller.name))
}

fn bpa_xml(ns: &str, on: bool) -> String {
    let v = if on { "true" } else { "false" };
    let xmlns = if ns.is_empty() { String::new() } else { format!(" xmlns=\"{ns}\"") };
    format!(
        "<PublicAccessBlockConfiguration{xmlns}>{}{}{}{}</PublicAccessBlockConfiguration>",
        el("BlockPublicAcls", v),
        el("IgnorePublicAcls", v),
        el("BlockPublicPolicy", v),
        el("RestrictPublicBuckets", v)
    )
}

/// The caller's bucket, in the request's region (except for GetBucketLocation).
fn bucket<'a>(ctx: &Ctx<'a>, any_region: bool) -> Result<&'a Bucket, ApiError> {
    let name = ctx.req.segments.first().map_or("", String::as_str);
    let (account, b) = ctx
        .org
        .bucket(name)
        .ok_or_else(|| ApiError::new(404, "NoSuchBucket", format!("The specified bucket does not exist: {name}")))?;
    if account.id != ctx.caller.id {
        return Err(ApiError::new(403, "AccessDenied", "Access Denied"));
    }
    if !any_region && b.region != ctx.region {
        return Err(ApiError::new(
            301,
            "PermanentRedirect",
            format!("The bucket {name} is in {} and must be addressed there (asked in {})", b.region, ctx.region),
        ));
    }
    Ok(b)
}

pub fn answer(operation: &str, ctx: &Ctx<'_>) -> Result<Response<String>, ApiError> {
    let body = match operation {
        "ListBuckets" => {
            let size = page_size(ctx.req.query("max-buckets").and_then(|n| n.parse().ok()), 10_000, 10_000);
            let (buckets, next) = page(&ctx.caller.buckets, ctx.req.query("continuation-token"), size)?;
            let list: String = buckets
                .iter()
                .map(|b| {
                    format!(
                        "<Bucket>{}{}{}</Bucket>",
                        el("Name", &b.name),
                        el("CreationDate", &iso8601_at(CREATED)),
                        el("BucketRegion", &b.region)
                    )
                })
                .collect();
            let token = next.map(|t| el("ContinuationToken", &t)).unwrap_or_default();
            format!("<ListAllMyBucketsResult xmlns=\"{S3_NS}\">{}<Buckets>{list}</Buckets>{token}</ListAllMyBucketsResult>", owner(ctx))
        }
        "GetBucketLocation" => {
            let b = bucket(ctx, true)?;
            // us-east-1 is the empty constraint.
            let constraint = if b.region == "us-east-1" { "" } else { b.region.as_str() };
            format!("<LocationConstraint xmlns=\"{S3_NS}\">{}</LocationConstraint>", crate::protocol::xml_escape(constraint))
        }
        "GetBucketPolicy" => {
            let b = bucket(ctx, false)?;
            return Ok(raw_ok("application/json", b.policy.clone(), ctx.id));
        }
        "GetBucketAcl" => {
            let b = bucket(ctx, false)?;
            let grantee = |kind: &str, inner: String| {
                format!("<Grantee xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"{kind}\">{inner}</Grantee>")
            };
            let mut grants = format!(
                "<Grant>{}{}</Grant>",
                grantee("CanonicalUser", format!("{}{}", el("ID", &ctx.caller.canonical_id), el("DisplayName", &ctx.caller.name))),
                el("Permission", "FULL_CONTROL")
            );
            if b.acl_public {
                grants.push_str(&format!("<Grant>{}{}</Grant>", grantee("Group", el("URI", ALL_USERS)), el("Permission", "READ")));
            }
            format!("<AccessControlPolicy xmlns=\"{S3_NS}\">{}<AccessControlList>{grants}</AccessControlList></AccessControlPolicy>", owner(ctx))
        }
        "GetPublicAccessBlock" => {
            let b = bucket(ctx, false)?;
            let on = b.bpa.ok_or_else(|| {
                ApiError::new(404, "NoSuchPublicAccessBlockConfiguration", "The public access block configuration was not found")
            })?;
            bpa_xml(S3_NS, on)
        }
        "GetBucketOwnershipControls" => {
            let b = bucket(ctx, false)?;
            let rule = b.ownership.ok_or_else(|| {
                ApiError::new(404, "OwnershipControlsNotFoundError", "The bucket ownership controls were not found")
            })?;
            format!("<OwnershipControls xmlns=\"{S3_NS}\"><Rule>{}</Rule></OwnershipControls>", el("ObjectOwnership", rule))
        }
        other => return Err(super::Service::S3.unsupported(other)),
    };
    Ok(xml_ok(body, ctx.id))
}

fn access_point_xml(ap: &AccessPoint, account: &str) -> String {
    format!(
        "<AccessPoint>{}{}{}{}{}{}</AccessPoint>",
        el("Name", &ap.name),
        el("NetworkOrigin", "Internet"),
        el("Bucket", &ap.bucket),
        el("AccessPointArn", &ap.arn),
        el("Alias", &ap.alias),
        el("BucketAccountId", account)
    )
}

/// S3 Control's `x-amz-account-id` must be the caller's account (none: the caller's).
pub(super) fn control_account(ctx: &Ctx<'_>) -> Result<(), ApiError> {
    let account = ctx.req.header("x-amz-account-id").unwrap_or(&ctx.caller.id);
    if account != ctx.caller.id {
        return Err(ApiError::new(403, "AccessDenied", format!("Access Denied (account {account} asked with {}'s credentials)", ctx.caller.id)));
    }
    Ok(())
}

pub fn answer_control(operation: &str, ctx: &Ctx<'_>) -> Result<Response<String>, ApiError> {
    control_account(ctx)?;
    let points: &[AccessPoint] = ctx.caller.region(ctx.region).map_or(&[], |r| r.access_points.as_slice());
    let find = || {
        let name = ctx.req.segments.get(2).map_or("", String::as_str);
        points
            .iter()
            .find(|p| p.name == name)
            .ok_or_else(|| ApiError::new(404, "NoSuchAccessPoint", format!("The specified accesspoint does not exist: {name}")))
    };
    let body = match operation {
        "GetPublicAccessBlock" => {
            if !ctx.caller.has_account_bpa {
                return Err(ApiError::new(
                    404,
                    "NoSuchPublicAccessBlockConfiguration",
                    "The public access block configuration was not found",
                ));
            }
            bpa_xml(CONTROL_NS, false)
        }
        "ListAccessPoints" => {
            let bucket = ctx.req.query("bucket");
            let matching: Vec<&AccessPoint> = points.iter().filter(|p| bucket.is_none_or(|b| p.bucket == b)).collect();
            let size = page_size(ctx.req.query("maxResults").and_then(|n| n.parse().ok()), 1000, 1000);
            let (list, next) = page(&matching, ctx.req.query("nextToken"), size)?;
            let items: String = list.iter().map(|p| access_point_xml(p, &ctx.caller.id)).collect();
            let token = next.map(|t| el("NextToken", &t)).unwrap_or_default();
            format!("<ListAccessPointsResult xmlns=\"{CONTROL_NS}\"><AccessPointList>{items}</AccessPointList>{token}</ListAccessPointsResult>")
        }
        "GetAccessPoint" => {
            let p = find()?;
            format!(
                "<GetAccessPointResult xmlns=\"{CONTROL_NS}\">{}{}{}{}{}{}{}{}</GetAccessPointResult>",
                el("Name", &p.name),
                el("Bucket", &p.bucket),
                el("NetworkOrigin", "Internet"),
                bpa_xml("", true),
                el("CreationDate", &iso8601_at(CREATED)),
                el("Alias", &p.alias),
                el("AccessPointArn", &p.arn),
                el("BucketAccountId", &ctx.caller.id)
            )
        }
        "GetAccessPointPolicy" => {
            let p = find()?;
            format!("<GetAccessPointPolicyResult xmlns=\"{CONTROL_NS}\">{}</GetAccessPointPolicyResult>", el("Policy", &p.policy))
        }
        other => return Err(super::Service::S3Control.unsupported(other)),
    };
    Ok(xml_ok(body, ctx.id))
}
