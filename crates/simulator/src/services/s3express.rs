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

use http::{Method, Response};

use super::{page, page_size, Ctx};
use crate::org::{PolicyResource, CREATED};
use crate::protocol::{el, iso8601_at, raw_ok, xml_ok, ApiError, Incoming};

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
