//! S3 Express One Zone directory buckets' control plane (restXml like S3, unwrapped `<Error>`
//! errors), as the S3 client sends it to a custom endpoint: signed as `s3express` (never `s3`),
//! the bucket in the path (an IP endpoint) or as the host's first label (a named one):
//! ListDirectoryBuckets (`GET /?x-id=ListDirectoryBuckets`, with `continuation-token` and
//! `max-directory-buckets`, at most 1,000, the default: the caller's directory buckets of the
//! Region the request is signed for, `<ListAllMyDirectoryBucketsResult>` with `<Buckets>` of
//! `<Bucket>` (`Name`, `CreationDate`, `BucketRegion`, `BucketArn`) and `<ContinuationToken>`
//! when more remain; a token the simulator did not give is 400 InvalidArgument) and
//! GetBucketPolicy (`GET /<name>?policy`: the raw document, or 404 NoSuchBucketPolicy). A
//! bucket of the caller's in another Region is a 301 PermanentRedirect, another account's 403
//! AccessDenied, an unknown one 404 NoSuchBucket. Nothing else is served (CreateSession, the
//! data plane's session call, included).
//!
//! S3 Control's directory-bucket access points ([`super::Service::S3ExpressControl`]: restXml,
//! wrapped `<ErrorResponse><Error>` errors like S3 Control's, sent path-style to the endpoint as
//! is with `x-amz-account-id`, which must be the caller's account, else 403 AccessDenied):
//! ListAccessPointsForDirectoryBuckets (`GET /v20180820/accesspointfordirectory`, with
//! `directoryBucket` (only that bucket's), `nextToken` and `maxResults` (at most 1,000, the
//! default): the caller's directory-bucket access points of the Region the request is signed
//! for, `<ListAccessPointsForDirectoryBucketsResult>` (S3 Control's namespace) with
//! `<AccessPointList>` of `<AccessPoint>` (`Name`, `NetworkOrigin` `Internet` or `VPC`,
//! `VpcConfiguration`/`VpcId` for a VPC one, `Bucket`, `AccessPointArn`, `BucketAccountId`)
//! and `<NextToken>` when more remain; a token the simulator did not give is 400
//! InvalidNextToken) and GetAccessPointPolicy (`GET /v20180820/accesspoint/<name>/policy`, the
//! name ending in `--xa-s3`: `<GetAccessPointPolicyResult><Policy>`, 404 NoSuchAccessPointPolicy
//! without a policy, 404 NoSuchAccessPoint for a name the caller has no access point of in that
//! Region). Nothing else is served (GetAccessPoint of a directory-bucket access point included).

use http::{Method, Response};

use super::s3::{control_account, CONTROL_NS};
use super::{page, page_size, Ctx};
use crate::org::{DirectoryAccessPoint, PolicyResource, CREATED};
use crate::protocol::{el, iso8601_at, raw_ok, xml_ok, ApiError, Incoming};

/// The suffix of every directory-bucket access point's name.
pub const ACCESS_POINT_SUFFIX: &str = "--xa-s3";

const S3_NS: &str = "http://s3.amazonaws.com/doc/2006-03-01/";

/// The directory bucket a request names: the host's first label when it is one (`<name>.<host>`,
/// virtual-hosted), else the first path segment.
pub fn bucket_name(req: &Incoming) -> Option<String> {
    host_bucket(req).or_else(|| req.segments.first().cloned())
}

/// The bucket of a virtual-hosted request: the host's first label, when it ends in `--x-s3`.
pub fn host_bucket(req: &Incoming) -> Option<String> {
    let host = req.header("host")?;
    let (label, _) = host.split_once('.')?;
    label.ends_with("--x-s3").then(|| label.to_string())
}

/// The operation: routed on the bucket (in the host or the path) and the subresource key.
pub fn route(req: &Incoming) -> Result<&'static str, String> {
    let described = || format!("{} {}?{}", req.method, req.path, req.canonical_query());
    if req.method != Method::GET {
        return Err(described());
    }
    let in_path = req.segments.len();
    match (host_bucket(req).is_some(), in_path) {
        (false, 0) => match req.query("x-id") {
            None | Some("ListDirectoryBuckets") => Ok("ListDirectoryBuckets"),
            Some(other) => Err(format!("{} {}?x-id={other}", req.method, req.path)),
        },
        (true, 0) | (false, 1) if req.has_query("policy") => Ok("GetBucketPolicy"),
        _ => Err(described()),
    }
}

/// The caller's directory bucket of that name in the request's Region.
fn directory_bucket<'a>(ctx: &Ctx<'a>, name: &str) -> Result<&'a PolicyResource, ApiError> {
    let here = ctx.caller.region(ctx.region).and_then(|r| r.directory_buckets.iter().find(|b| b.name == name));
    if let Some(b) = here {
        return Ok(b);
    }
    match ctx.org.directory_bucket(name) {
        Some((account, _, _)) if account.id != ctx.caller.id => Err(ApiError::new(403, "AccessDenied", "Access Denied")),
        Some((_, region, _)) => Err(ApiError::new(
            301,
            "PermanentRedirect",
            format!("The directory bucket {name} is in {region} and must be addressed there (asked in {})", ctx.region),
        )),
        None => Err(ApiError::new(404, "NoSuchBucket", format!("The specified bucket does not exist: {name}"))),
    }
}

pub fn answer(operation: &str, ctx: &Ctx<'_>) -> Result<Response<String>, ApiError> {
    let body = match operation {
        "ListDirectoryBuckets" => {
            let buckets: &[PolicyResource] = ctx.caller.region(ctx.region).map_or(&[], |r| r.directory_buckets.as_slice());
            let size = page_size(ctx.req.query("max-directory-buckets").and_then(|n| n.parse().ok()), 1000, 1000);
            let (list, next) = page(buckets, ctx.req.query("continuation-token"), size)
                .map_err(|_| ApiError::new(400, "InvalidArgument", "The continuation token provided is incorrect"))?;
            let list: String = list
                .iter()
                .map(|b| {
                    format!(
                        "<Bucket>{}{}{}{}</Bucket>",
                        el("Name", &b.name),
                        el("CreationDate", &iso8601_at(CREATED)),
                        el("BucketRegion", ctx.region),
                        el("BucketArn", &b.arn)
                    )
                })
                .collect();
            let token = next.map(|t| el("ContinuationToken", &t)).unwrap_or_default();
            format!("<ListAllMyDirectoryBucketsResult xmlns=\"{S3_NS}\"><Buckets>{list}</Buckets>{token}</ListAllMyDirectoryBucketsResult>")
        }
        "GetBucketPolicy" => {
            let name = bucket_name(ctx.req).unwrap_or_default();
            let b = directory_bucket(ctx, &name)?;
            let policy = b
                .policy
                .clone()
                .ok_or_else(|| ApiError::new(404, "NoSuchBucketPolicy", "The bucket policy does not exist"))?;
            return Ok(raw_ok("application/json", policy, ctx.id));
        }
        other => return Err(super::Service::S3Express.unsupported(other)),
    };
    Ok(xml_ok(body, ctx.id))
}

/// Whether an S3 Control request is for directory-bucket access points:
/// ListAccessPointsForDirectoryBuckets (`/v20180820/accesspointfordirectory…`) or a call on an
/// access point whose name ends in `--xa-s3` (`/v20180820/accesspoint/<name>…`).
pub fn is_directory_control(req: &Incoming) -> bool {
    let s: Vec<&str> = req.segments.iter().map(String::as_str).collect();
    match s.as_slice() {
        ["v20180820", "accesspointfordirectory", ..] => true,
        ["v20180820", "accesspoint", name, ..] => name.ends_with(ACCESS_POINT_SUFFIX),
        _ => false,
    }
}

/// The S3 Control operation on directory-bucket access points.
pub fn route_control(req: &Incoming) -> Result<&'static str, String> {
    let s: Vec<&str> = req.segments.iter().map(String::as_str).collect();
    match (&req.method, s.as_slice()) {
        (&Method::GET, ["v20180820", "accesspointfordirectory"]) => Ok("ListAccessPointsForDirectoryBuckets"),
        (&Method::GET, ["v20180820", "accesspoint", _, "policy"]) => Ok("GetAccessPointPolicy"),
        _ => Err(format!("{} {}", req.method, req.path)),
    }
}

fn directory_access_point_xml(ap: &DirectoryAccessPoint, account: &str) -> String {
    let vpc = ap.vpc.as_deref().map(|v| format!("<VpcConfiguration>{}</VpcConfiguration>", el("VpcId", v))).unwrap_or_default();
    format!(
        "<AccessPoint>{}{}{vpc}{}{}{}</AccessPoint>",
        el("Name", &ap.name),
        el("NetworkOrigin", ap.network_origin()),
        el("Bucket", &ap.bucket),
        el("AccessPointArn", &ap.arn),
        el("BucketAccountId", account)
    )
}

pub fn answer_control(operation: &str, ctx: &Ctx<'_>) -> Result<Response<String>, ApiError> {
    control_account(ctx)?;
    let points: &[DirectoryAccessPoint] = ctx.caller.region(ctx.region).map_or(&[], |r| r.directory_access_points.as_slice());
    let body = match operation {
        "ListAccessPointsForDirectoryBuckets" => {
            let bucket = ctx.req.query("directoryBucket");
            let matching: Vec<&DirectoryAccessPoint> = points.iter().filter(|p| bucket.is_none_or(|b| p.bucket == b)).collect();
            let size = page_size(ctx.req.query("maxResults").and_then(|n| n.parse().ok()), 1000, 1000);
            let (list, next) = page(&matching, ctx.req.query("nextToken"), size)?;
            let items: String = list.iter().map(|p| directory_access_point_xml(p, &ctx.caller.id)).collect();
            let token = next.map(|t| el("NextToken", &t)).unwrap_or_default();
            format!(
                "<ListAccessPointsForDirectoryBucketsResult xmlns=\"{CONTROL_NS}\"><AccessPointList>{items}</AccessPointList>{token}</ListAccessPointsForDirectoryBucketsResult>"
            )
        }
        "GetAccessPointPolicy" => {
            let name = ctx.req.segments.get(2).map_or("", String::as_str);
            let p = points
                .iter()
                .find(|p| p.name == name)
                .ok_or_else(|| ApiError::new(404, "NoSuchAccessPoint", format!("The specified accesspoint does not exist: {name}")))?;
            let policy = p
                .policy
                .as_deref()
                .ok_or_else(|| ApiError::new(404, "NoSuchAccessPointPolicy", format!("The specified accesspoint policy does not exist: {name}")))?;
            format!("<GetAccessPointPolicyResult xmlns=\"{CONTROL_NS}\">{}</GetAccessPointPolicyResult>", el("Policy", policy))
        }
        other => return Err(super::Service::S3ExpressControl.unsupported(other)),
    };
    Ok(xml_ok(body, ctx.id))
}
