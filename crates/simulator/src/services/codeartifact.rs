//! CodeArtifact (restJson1): ListDomains (`POST /v1/domains`, `maxResults` and `nextToken` in
//! the JSON body, at most 1,000 per page, 100 by default), GetDomainPermissionsPolicy
//! (`GET /v1/domain/permissions/policy?domain=&domain-owner=`), ListRepositories
//! (`POST /v1/repositories?max-results=&next-token=&repository-prefix=`: every domain's
//! repositories of the (account, region)) and GetRepositoryPermissionsPolicy
//! (`GET /v1/repository/permissions/policy?domain=&domain-owner=&repository=`); a policy is
//! answered as `{"policy": {"resourceArn", "document", "revision"}}`. An unknown domain or
//! repository, one of another owner, and one without a policy are 404
//! ResourceNotFoundException; a foreign token is 400 ValidationException.

use http::{Method, Response};
use serde_json::{json, Value};

use super::{page, page_size, Ctx};
use crate::org::{codeartifact_domain, PolicyResource, CREATED};
use crate::protocol::{json_ok, ApiError, Incoming, Protocol};

pub fn route(req: &Incoming) -> Result<&'static str, String> {
    let s: Vec<&str> = req.segments.iter().map(String::as_str).collect();
    let op = match (&req.method, s.as_slice()) {
        (&Method::POST, ["v1", "domains"]) => "ListDomains",
        (&Method::GET, ["v1", "domain", "permissions", "policy"]) => "GetDomainPermissionsPolicy",
        (&Method::POST, ["v1", "repositories"]) => "ListRepositories",
        (&Method::GET, ["v1", "repository", "permissions", "policy"]) => "GetRepositoryPermissionsPolicy",
        _ => return Err(format!("{} {}", req.method, req.path)),
    };
    Ok(op)
}

fn not_found(message: String) -> ApiError {
    ApiError::new(404, "ResourceNotFoundException", message)
}

fn validation(e: ApiError) -> ApiError {
    ApiError::new(400, "ValidationException", e.message)
}

/// The policy answer of a domain or repository.
fn policy_answer(p: &PolicyResource, what: &str) -> Result<Value, ApiError> {
    let document = p.policy.as_ref().ok_or_else(|| not_found(format!("No resource policy found on {what} {}", p.arn)))?;
    let revision = crate::org::canonical_id(document)[..44].to_string();
    Ok(json!({"policy": {"resourceArn": p.arn, "document": document, "revision": revision}}))
}

pub fn answer(operation: &str, ctx: &Ctx<'_>) -> Result<Response<String>, ApiError> {
    let account = ctx.caller.id.as_str();
    let empty = Default::default();
    let here = ctx.caller.region(ctx.region).unwrap_or(&empty);
    // `domain-owner` defaults to the caller; another owner's domains are not the caller's to read.
    let owner_ok = ctx.req.query("domain-owner").is_none_or(|o| o == account);
    let domain_name = ctx.req.query("domain").unwrap_or_default();
    let domain = || {
        here.codeartifact_domains
            .iter()
            .find(|d| owner_ok && d.name == domain_name)
            .ok_or_else(|| not_found(format!("Domain '{domain_name}' not found in account '{account}'")))
    };
    let out = match operation {
        "ListDomains" => {
            let input = ctx.req.json();
            let size = page_size(input.get("maxResults").and_then(Value::as_u64), 100, 1000);
            let (list, next) =
                page(&here.codeartifact_domains, input.get("nextToken").and_then(Value::as_str), size).map_err(validation)?;
            let list: Vec<Value> = list
                .iter()
                .map(|d| {
                    json!({"name": d.name, "owner": account, "arn": d.arn, "status": "Active", "createdTime": CREATED,
                        "encryptionKey": format!("arn:aws:kms:{}:{account}:key/aws/codeartifact", ctx.region)})
                })
                .collect();
            let mut out = json!({"domains": list});
            if let (Some(n), Some(obj)) = (next, out.as_object_mut()) {
                obj.insert("nextToken".to_string(), json!(n));
            }
            out
        }
        "GetDomainPermissionsPolicy" => policy_answer(domain()?, "Domain")?,
        "ListRepositories" => {
            let prefix = ctx.req.query("repository-prefix").unwrap_or_default();
            let repositories: Vec<&PolicyResource> =
                here.codeartifact_repositories.iter().filter(|r| r.name.starts_with(prefix)).collect();
            let size = page_size(ctx.req.query("max-results").and_then(|n| n.parse().ok()), 100, 1000);
            let (list, next) = page(&repositories, ctx.req.query("next-token"), size).map_err(validation)?;
            let list: Vec<Value> = list
                .iter()
                .map(|r| {
                    json!({"name": r.name, "administratorAccount": account, "domainName": codeartifact_domain(&r.arn),
                        "domainOwner": account, "arn": r.arn, "description": "", "createdTime": CREATED})
                })
                .collect();
            let mut out = json!({"repositories": list});
            if let (Some(n), Some(obj)) = (next, out.as_object_mut()) {
                obj.insert("nextToken".to_string(), json!(n));
            }
            out
        }
        "GetRepositoryPermissionsPolicy" => {
            let d = domain()?;
            let name = ctx.req.query("repository").unwrap_or_default();
            let r = here
                .codeartifact_repositories
                .iter()
                .find(|r| r.name == name && codeartifact_domain(&r.arn) == d.name)
                .ok_or_else(|| not_found(format!("Repository '{name}' not found in domain '{}'", d.name)))?;
            policy_answer(r, "Repository")?
        }
        other => return Err(super::Service::CodeArtifact.unsupported(other)),
    };
    Ok(json_ok(Protocol::RestJson, &out, ctx.id))
}
