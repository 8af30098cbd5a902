//! Glue (awsJson 1.1, `AWSGlue.<Op>`): GetResourcePolicy without `ResourceArn` (or with the
//! catalog's ARN): the Data Catalog's policy, `PolicyInJson` with `PolicyHash`, `CreateTime` and
//! `UpdateTime`. A region without a catalog policy (no `DataCatalog` slot there, or the policy
//! removed), or another ARN, is 400 EntityNotFoundException, as Glue answers.

use http::Response;
use serde_json::{json, Value};

use super::Ctx;
use crate::org::{canonical_id, CREATED};
use crate::protocol::{json_ok, ApiError, Protocol};

/// The `X-Amz-Target` prefix.
pub const TARGET: &str = "AWSGlue";
pub const OPERATIONS: &[&str] = &["GetResourcePolicy"];

pub fn answer(operation: &str, ctx: &Ctx<'_>) -> Result<Response<String>, ApiError> {
    if operation != "GetResourcePolicy" {
        return Err(super::Service::Glue.unsupported(operation));
    }
    let input = ctx.req.json();
    let wanted = input.get("ResourceArn").and_then(Value::as_str);
    let catalog = ctx.caller.region(ctx.region).and_then(|r| r.data_catalogs.first()).filter(|c| wanted.is_none_or(|w| w == c.arn));
    let policy = catalog
        .and_then(|c| c.policy.as_ref())
        .ok_or_else(|| ApiError::new(400, "EntityNotFoundException", "Policy not found"))?;
    let out = json!({"PolicyInJson": policy, "PolicyHash": &canonical_id(policy)[..44], "CreateTime": CREATED, "UpdateTime": CREATED});
    Ok(json_ok(Protocol::AwsJson11, &out, ctx.id))
}
