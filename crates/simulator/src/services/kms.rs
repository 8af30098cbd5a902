//! KMS (awsJson 1.1, `TrentService.<Op>`): ListKeys (Marker/Truncated), DescribeKey (customer
//! keys and one AWS-managed key per region), GetKeyPolicy (`default`) and ListGrants.

use http::Response;
use serde_json::{json, Value};

use super::{page, page_size, Ctx};
use crate::org::{Key, CREATED};
use crate::protocol::{json_ok, ApiError, Protocol};

pub const OPERATIONS: &[&str] = &["ListKeys", "DescribeKey", "GetKeyPolicy", "ListGrants"];

/// The key a request names (by ID or ARN) in the caller's account and the request's region.
fn find<'a>(ctx: &Ctx<'a>, input: &Value) -> Result<&'a Key, ApiError> {
    let wanted = input.get("KeyId").and_then(Value::as_str).unwrap_or_default();
    let id = wanted.rsplit_once(":key/").map_or(wanted, |(_, id)| id);
    ctx.caller
        .region(ctx.region)
        .and_then(|r| r.keys.iter().find(|k| k.id == id))
        .ok_or_else(|| ApiError::new(400, "NotFoundException", format!("Key '{wanted}' does not exist")))
}

fn with_marker(mut v: Value, next: Option<String>) -> Value {
    if let Some(obj) = v.as_object_mut() {
        obj.insert("Truncated".to_string(), json!(next.is_some()));
        if let Some(n) = next {
            obj.insert("NextMarker".to_string(), json!(n));
        }
    }
    v
}

pub fn answer(operation: &str, ctx: &Ctx<'_>) -> Result<Response<String>, ApiError> {
    let input = ctx.req.json();
    let marker = input.get("Marker").and_then(Value::as_str);
    let size = page_size(input.get("Limit").and_then(Value::as_u64), 100, 1000);
    let out = match operation {
        "ListKeys" => {
            let keys: &[Key] = ctx.caller.region(ctx.region).map_or(&[], |r| r.keys.as_slice());
            let (keys, next) = page(keys, marker, size)
                .map_err(|e| ApiError::new(400, "InvalidMarkerException", e.message))?;
            let list: Vec<Value> = keys.iter().map(|k| json!({"KeyId": k.id, "KeyArn": k.arn})).collect();
            with_marker(json!({"Keys": list}), next)
        }
        "DescribeKey" => {
            let k = find(ctx, &input)?;
            json!({"KeyMetadata": {
                "AWSAccountId": ctx.caller.id, "KeyId": k.id, "Arn": k.arn, "CreationDate": CREATED,
                "Enabled": true, "Description": if k.aws_managed { "Default key that protects my S3 objects when no other key is defined" } else { "perimeter simulator key" },
                "KeyUsage": "ENCRYPT_DECRYPT", "KeyState": "Enabled", "Origin": "AWS_KMS",
                "KeyManager": if k.aws_managed { "AWS" } else { "CUSTOMER" },
                "CustomerMasterKeySpec": "SYMMETRIC_DEFAULT", "KeySpec": "SYMMETRIC_DEFAULT",
                "EncryptionAlgorithms": ["SYMMETRIC_DEFAULT"], "MultiRegion": false,
            }})
        }
        "GetKeyPolicy" => {
            let k = find(ctx, &input)?;
            let name = input.get("PolicyName").and_then(Value::as_str).unwrap_or("default");
            if name != "default" {
                return Err(ApiError::new(400, "NotFoundException", format!("No such policy: {name}")));
            }
            json!({"Policy": k.policy, "PolicyName": "default"})
        }
        "ListGrants" => {
            let k = find(ctx, &input)?;
            let grants: Vec<Value> = k
                .grant
                .iter()
                .map(|g| {
                    json!({
                        "KeyId": k.arn, "GrantId": g.id, "Name": "sim-grant", "CreationDate": CREATED,
                        "GranteePrincipal": g.grantee, "IssuingAccount": format!("arn:aws:iam::{}:root", ctx.caller.id),
                        "Operations": ["Decrypt", "Encrypt", "GenerateDataKey"],
                    })
                })
                .collect();
            let (grants, next) = page(&grants, marker, size)
                .map_err(|e| ApiError::new(400, "InvalidMarkerException", e.message))?;
            with_marker(json!({"Grants": grants}), next)
        }
        other => return Err(super::Service::Kms.unsupported(other)),
    };
    Ok(json_ok(Protocol::AwsJson11, &out, ctx.id))
}
