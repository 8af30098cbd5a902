//! Account (restJson1): `POST /listRegions`, the configured regions (ENABLED_BY_DEFAULT) and the
//! disabled ones (DISABLED), filtered by `RegionOptStatusContains`, paginated.

use http::{Method, Response};
use serde_json::{json, Value};

use super::{page, page_size, Ctx};
use crate::protocol::{json_ok, ApiError, Incoming, Protocol};

pub fn route(req: &Incoming) -> Result<&'static str, String> {
    if req.method == Method::POST && req.path == "/listRegions" {
        Ok("ListRegions")
    } else {
        Err(format!("{} {}", req.method, req.path))
    }
}

pub fn answer(operation: &str, ctx: &Ctx<'_>) -> Result<Response<String>, ApiError> {
    if operation != "ListRegions" {
        return Err(super::Service::Account.unsupported(operation));
    }
    let input = ctx.req.json();
    let wanted: Vec<&str> = input
        .get("RegionOptStatusContains")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let all: Vec<(String, &str)> = ctx
        .config
        .regions
        .iter()
        .filter(|r| !ctx.config.disabled_regions.contains(*r))
        .map(|r| (r.clone(), "ENABLED_BY_DEFAULT"))
        .chain(ctx.config.disabled_regions.iter().map(|r| (r.clone(), "DISABLED")))
        .filter(|(_, status)| wanted.is_empty() || wanted.contains(status))
        .collect();
    let size = page_size(input.get("MaxResults").and_then(Value::as_u64), 20, 50);
    let (regions, next) = page(&all, input.get("NextToken").and_then(Value::as_str), size)?;
    let mut out = json!({"Regions": regions.iter().map(|(r, s)| json!({"RegionName": r, "RegionOptStatus": s})).collect::<Vec<_>>()});
    if let (Some(n), Some(obj)) = (next, out.as_object_mut()) {
        obj.insert("NextToken".to_string(), json!(n));
    }
    Ok(json_ok(Protocol::RestJson, &out, ctx.id))
}
