//! EFS (restJson1, `/2015-02-01`): DescribeFileSystems (`GET /file-systems`, Marker/MaxItems,
//! 100 per page; `FileSystemId` and `CreationToken` filters too) with every member the SDK
//! requires, and DescribeFileSystemPolicy (`GET /file-systems/<id or ARN>/policy`). Errors are
//! EFS's `{"ErrorCode", "Message"}`: 404 PolicyNotFound for a file system without a policy,
//! 404 FileSystemNotFound for an unknown one.

use http::{Method, Response};
use serde_json::{json, Value};

use super::{page, page_size, Ctx};
use crate::org::{PolicyResource, CREATED};
use crate::protocol::{json_ok, ApiError, Incoming, Protocol};

pub fn route(req: &Incoming) -> Result<&'static str, String> {
    let s: Vec<&str> = req.segments.iter().map(String::as_str).collect();
    let op = match (&req.method, s.as_slice()) {
        (&Method::GET, ["2015-02-01", "file-systems"]) => "DescribeFileSystems",
        (&Method::GET, ["2015-02-01", "file-systems", _, "policy"]) => "DescribeFileSystemPolicy",
        _ => return Err(format!("{} {}", req.method, req.path)),
    };
    Ok(op)
}

/// The file system of that ID (or ARN) in the caller's account and the request's region.
fn find<'a>(ctx: &Ctx<'a>, wanted: &str) -> Result<&'a PolicyResource, ApiError> {
    let id = wanted.rsplit_once(":file-system/").map_or(wanted, |(_, id)| id);
    ctx.caller
        .region(ctx.region)
        .and_then(|r| r.file_systems.iter().find(|f| f.name == id && (id == wanted || f.arn == wanted)))
        .ok_or_else(|| ApiError::new(404, "FileSystemNotFound", format!("File system '{id}' does not exist.")))
}

fn description(f: &PolicyResource, account: &str) -> Value {
    json!({
        "OwnerId": account, "CreationToken": format!("sim-{}", f.name), "FileSystemId": f.name,
        "FileSystemArn": f.arn, "CreationTime": CREATED, "LifeCycleState": "available",
        "NumberOfMountTargets": 1, "SizeInBytes": {"Value": 6144}, "PerformanceMode": "generalPurpose",
        "ThroughputMode": "bursting", "Encrypted": true, "Tags": [],
    })
}

pub fn answer(operation: &str, ctx: &Ctx<'_>) -> Result<Response<String>, ApiError> {
    let account = ctx.caller.id.as_str();
    let out = match operation {
        "DescribeFileSystems" => {
            let mut list: Vec<&PolicyResource> = match ctx.req.query("FileSystemId").filter(|id| !id.is_empty()) {
                Some(id) => vec![find(ctx, id)?],
                None => ctx.caller.region(ctx.region).map(|r| r.file_systems.iter().collect()).unwrap_or_default(),
            };
            if let Some(token) = ctx.req.query("CreationToken").filter(|t| !t.is_empty()) {
                list.retain(|f| format!("sim-{}", f.name) == token);
            }
            let size = page_size(ctx.req.query("MaxItems").and_then(|n| n.parse().ok()), 100, 100);
            let marker = ctx.req.query("Marker");
            let (list, next) = page(&list, marker, size).map_err(|e| ApiError::new(400, "BadRequest", e.message))?;
            let mut out = json!({"FileSystems": list.iter().map(|f| description(f, account)).collect::<Vec<_>>()});
            if let Some(obj) = out.as_object_mut() {
                if let Some(m) = marker.filter(|m| !m.is_empty()) {
                    obj.insert("Marker".to_string(), json!(m));
                }
                if let Some(n) = next {
                    obj.insert("NextMarker".to_string(), json!(n));
                }
            }
            out
        }
        "DescribeFileSystemPolicy" => {
            let f = find(ctx, ctx.req.segments.get(2).map_or("", String::as_str))?;
            let policy = f.policy.as_ref().ok_or_else(|| {
                ApiError::new(404, "PolicyNotFound", format!("Policy does not exist for file system {}.", f.name))
            })?;
            json!({"FileSystemId": f.name, "Policy": policy})
        }
        other => return Err(super::Service::Efs.unsupported(other)),
    };
    Ok(json_ok(Protocol::RestJsonEfs, &out, ctx.id))
}
