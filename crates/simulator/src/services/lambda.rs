//! Lambda (restJson1): functions (ListFunctions, GetPolicy with or without a qualifier,
//! ListAliases, ListVersionsByFunction, GetFunctionUrlConfig) and layers (ListLayers,
//! ListLayerVersions, GetLayerVersionPolicy). "None" is 404 ResourceNotFoundException.

use http::{Method, Response};
use serde_json::{json, Value};

use super::{page, page_size, Ctx};
use crate::org::{Function, Layer, CREATED};
use crate::protocol::{iso8601_at, json_ok, ApiError, Incoming, Protocol};

pub fn route(req: &Incoming) -> Result<&'static str, String> {
    let s: Vec<&str> = req.segments.iter().map(String::as_str).collect();
    let op = match (&req.method, s.as_slice()) {
        (&Method::GET, ["2015-03-31", "functions"]) => "ListFunctions",
        (&Method::GET, ["2015-03-31", "functions", _, "policy"]) => "GetPolicy",
        (&Method::GET, ["2015-03-31", "functions", _, "aliases"]) => "ListAliases",
        (&Method::GET, ["2015-03-31", "functions", _, "versions"]) => "ListVersionsByFunction",
        (&Method::GET, ["2021-10-31", "functions", _, "url"]) => "GetFunctionUrlConfig",
        (&Method::GET, ["2018-10-31", "layers"]) => "ListLayers",
        (&Method::GET, ["2018-10-31", "layers", _, "versions"]) => "ListLayerVersions",
        (&Method::GET, ["2018-10-31", "layers", _, "versions", _, "policy"]) => "GetLayerVersionPolicy",
        _ => return Err(format!("{} {}", req.method, req.path)),
    };
    Ok(op)
}

fn not_found(what: &str) -> ApiError {
    ApiError::new(404, "ResourceNotFoundException", what.to_string())
}

fn function<'a>(ctx: &Ctx<'a>, name: &str) -> Result<&'a Function, ApiError> {
    // A name, or an ARN (`arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>]`).
    let short = name.split_once(":function:").map_or(name, |(_, rest)| rest.split(':').next().unwrap_or(rest));
    ctx.caller
        .region(ctx.region)
        .and_then(|r| r.functions.iter().find(|f| f.name == short))
        .ok_or_else(|| not_found(&format!("Function not found: arn:aws:lambda:{}:{}:function:{short}", ctx.region, ctx.caller.id)))
}

fn layer<'a>(ctx: &Ctx<'a>, name: &str) -> Result<&'a Layer, ApiError> {
    let short = name.split_once(":layer:").map_or(name, |(_, rest)| rest.split(':').next().unwrap_or(rest));
    ctx.caller
        .region(ctx.region)
        .and_then(|r| r.layers.iter().find(|l| l.name == short))
        .ok_or_else(|| not_found(&format!("Layer not found: {short}")))
}

fn configuration(f: &Function, version: &str, account: &str) -> Value {
    let arn = if version == "$LATEST" { f.arn.clone() } else { format!("{}:{version}", f.arn) };
    json!({
        "FunctionName": f.name, "FunctionArn": arn, "Runtime": "python3.12",
        "Role": format!("arn:aws:iam::{account}:role/sim-lambda-exec"), "Handler": "index.handler",
        "CodeSize": 1024, "Description": "", "Timeout": 3, "MemorySize": 128,
        "LastModified": "2024-01-01T00:00:00.000+0000", "Version": version, "PackageType": "Zip",
        "Architectures": ["x86_64"], "State": "Active", "LastUpdateStatus": "Successful",
    })
}

fn paged(key: &str, items: Vec<Value>, ctx: &Ctx<'_>) -> Result<Value, ApiError> {
    let size = page_size(ctx.req.query("MaxItems").and_then(|n| n.parse().ok()), 50, 50);
    let (items, next) = page(&items, ctx.req.query("Marker"), size)?;
    let mut out = json!({ key: items });
    if let (Some(n), Some(obj)) = (next, out.as_object_mut()) {
        obj.insert("NextMarker".to_string(), json!(n));
    }
    Ok(out)
}

pub fn answer(operation: &str, ctx: &Ctx<'_>) -> Result<Response<String>, ApiError> {
    let seg = |i: usize| ctx.req.segments.get(i).map_or("", String::as_str);
    let account = ctx.caller.id.as_str();
    let empty = Default::default();
    let here = ctx.caller.region(ctx.region).unwrap_or(&empty);
    let qualifier = ctx.req.query("Qualifier").filter(|q| !q.is_empty());
    let out = match operation {
        "ListFunctions" => {
            let list = here.functions.iter().map(|f| configuration(f, "$LATEST", account)).collect();
            paged("Functions", list, ctx)?
        }
        "GetPolicy" => {
            let f = function(ctx, seg(2))?;
            let policy = match qualifier {
                None | Some("$LATEST") => Some(&f.policy),
                Some(q) => f.alias.as_ref().filter(|a| a.name == q).map(|a| &a.policy),
            };
            let policy = policy.ok_or_else(|| not_found("The resource you requested does not exist."))?;
            json!({"Policy": policy, "RevisionId": format!("{:08x}-0000-4000-8000-000000000000", policy.len())})
        }
        "ListAliases" => {
            let f = function(ctx, seg(2))?;
            let list = f
                .alias
                .iter()
                .map(|a| json!({"AliasArn": format!("{}:{}", f.arn, a.name), "Name": a.name, "FunctionVersion": "1", "Description": ""}))
                .collect();
            paged("Aliases", list, ctx)?
        }
        "ListVersionsByFunction" => {
            let f = function(ctx, seg(2))?;
            let mut list = vec![configuration(f, "$LATEST", account)];
            if f.alias.is_some() {
                list.push(configuration(f, "1", account));
            }
            paged("Versions", list, ctx)?
        }
        "GetFunctionUrlConfig" => {
            let f = function(ctx, seg(2))?;
            let alias = f.alias.as_ref().filter(|a| qualifier == Some(a.name.as_str()));
            let a = alias.ok_or_else(|| not_found("The resource you requested does not exist."))?;
            json!({
                "FunctionUrl": format!("https://{}.lambda-url.{}.on.aws/", a.url_id, ctx.region),
                "FunctionArn": format!("{}:{}", f.arn, a.name), "AuthType": "AWS_IAM",
                "CreationTime": iso8601_at(CREATED), "LastModifiedTime": iso8601_at(CREATED), "InvokeMode": "BUFFERED",
            })
        }
        "ListLayers" => {
            let list = here
                .layers
                .iter()
                .map(|l| {
                    json!({"LayerName": l.name, "LayerArn": l.arn.rsplit_once(':').map_or(l.arn.as_str(), |(a, _)| a),
                        "LatestMatchingVersion": {"LayerVersionArn": l.arn, "Version": l.version,
                            "CreatedDate": "2024-01-01T00:00:00.000+0000", "CompatibleRuntimes": ["python3.12"]}})
                })
                .collect();
            paged("Layers", list, ctx)?
        }
        "ListLayerVersions" => {
            let l = layer(ctx, seg(2))?;
            let list = vec![json!({"LayerVersionArn": l.arn, "Version": l.version,
                "CreatedDate": "2024-01-01T00:00:00.000+0000", "CompatibleRuntimes": ["python3.12"]})];
            paged("LayerVersions", list, ctx)?
        }
        "GetLayerVersionPolicy" => {
            let l = layer(ctx, seg(2))?;
            if seg(4).parse::<i64>().ok() != Some(l.version) {
                return Err(not_found("The resource you requested does not exist."));
            }
            json!({"Policy": l.policy, "RevisionId": format!("{:08x}-0000-4000-8000-000000000000", l.policy.len())})
        }
        other => return Err(super::Service::Lambda.unsupported(other)),
    };
    Ok(json_ok(Protocol::RestJson, &out, ctx.id))
}
