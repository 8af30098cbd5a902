//! ECR (awsJson 1.1, `AmazonEC2ContainerRegistry_V20150921.<Op>`, lower-case members):
//! DescribeRepositories (maxResults/nextToken, at most 1,000 per page, 100 by default;
//! `repositoryNames` too) and GetRepositoryPolicy. A repository without a policy is 400
//! RepositoryPolicyNotFoundException, an unknown one 400 RepositoryNotFoundException.

use http::Response;
use serde_json::{json, Value};

use super::{page, page_size, Ctx};
use crate::org::{PolicyResource, CREATED};
use crate::protocol::{json_ok, ApiError, Protocol};

pub const OPERATIONS: &[&str] = &["DescribeRepositories", "GetRepositoryPolicy"];

fn not_found(name: &str, registry: &str) -> ApiError {
    ApiError::new(
        400,
        "RepositoryNotFoundException",
        format!("The repository with name '{name}' does not exist in the registry with id '{registry}'"),
    )
}

/// The repository of that name in the caller's registry (`registryId` absent or the caller's
/// account) and the request's region.
fn find<'a>(ctx: &Ctx<'a>, input: &Value, name: &str) -> Result<&'a PolicyResource, ApiError> {
    let registry = input.get("registryId").and_then(Value::as_str).unwrap_or(&ctx.caller.id);
    ctx.caller
        .region(ctx.region)
        .filter(|_| registry == ctx.caller.id)
        .and_then(|r| r.repositories.iter().find(|p| p.name == name))
        .ok_or_else(|| not_found(name, registry))
}

pub fn answer(operation: &str, ctx: &Ctx<'_>) -> Result<Response<String>, ApiError> {
    let input = ctx.req.json();
    let account = ctx.caller.id.as_str();
    let out = match operation {
        "DescribeRepositories" => {
            let repositories: Vec<&PolicyResource> = match input.get("repositoryNames").and_then(Value::as_array) {
                Some(names) => names.iter().map(|n| find(ctx, &input, n.as_str().unwrap_or_default())).collect::<Result<_, _>>()?,
                None => {
                    let registry = input.get("registryId").and_then(Value::as_str).unwrap_or(account);
                    let here = ctx.caller.region(ctx.region).filter(|_| registry == account);
                    here.map(|r| r.repositories.iter().collect()).unwrap_or_default()
                }
            };
            let size = page_size(input.get("maxResults").and_then(Value::as_u64), 100, 1000);
            let (list, next) = page(&repositories, input.get("nextToken").and_then(Value::as_str), size)
                .map_err(|e| ApiError::new(400, "InvalidParameterException", e.message))?;
            let list: Vec<Value> = list
                .iter()
                .map(|r| {
                    json!({
                        "repositoryArn": r.arn, "registryId": account, "repositoryName": r.name,
                        "repositoryUri": format!("{account}.dkr.ecr.{}.amazonaws.com/{}", ctx.region, r.name),
                        "createdAt": CREATED, "imageTagMutability": "MUTABLE",
                        "imageScanningConfiguration": {"scanOnPush": false},
                        "encryptionConfiguration": {"encryptionType": "AES256"},
                    })
                })
                .collect();
            let mut out = json!({"repositories": list});
            if let (Some(n), Some(obj)) = (next, out.as_object_mut()) {
                obj.insert("nextToken".to_string(), json!(n));
            }
            out
        }
        "GetRepositoryPolicy" => {
            let name = input.get("repositoryName").and_then(Value::as_str).unwrap_or_default();
            let r = find(ctx, &input, name)?;
            let policy = r.policy.as_ref().ok_or_else(|| {
                ApiError::new(
                    400,
                    "RepositoryPolicyNotFoundException",
                    format!("Repository policy does not exist for the repository with name '{name}' in the registry with id '{account}'"),
                )
            })?;
            json!({"registryId": account, "repositoryName": r.name, "policyText": policy})
        }
        other => return Err(super::Service::Ecr.unsupported(other)),
    };
    Ok(json_ok(Protocol::AwsJson11, &out, ctx.id))
}
