//! Policies generated for the regression tests and the benchmark: the shapes that once made the
//! analysis slow (reliability probe D4), at the size limit of an S3 bucket policy.

use perimeter_model::{ResourceRecord, ResourceType};
use serde_json::{json, Value};

/// The bucket every generated policy is attached to, and its owner.
pub const BUCKET_ARN: &str = "arn:aws:s3:::example-bucket";
pub const OWNER: &str = "111111111111";

/// `Allow * s3:*` plus `n` Denies of `s3:GetObject`, each unless the caller's tag `t<i>` is
/// like `x*`.
pub fn deny_fences(n: usize) -> Value {
    let mut statements: Vec<Value> = (0..n)
        .map(|i| {
            json!({"Effect": "Deny", "Principal": "*", "Action": "s3:GetObject", "Resource": "*",
                   "Condition": {"StringNotLike": {format!("aws:PrincipalTag/t{i}"): "x*"}}})
        })
        .collect();
    statements.push(json!({"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "*"}));
    json!({"Version": "2012-10-17", "Statement": statements})
}

/// `Allow * s3:*` plus one Deny per action of `actions`: every S3 action but that one, unless
/// the caller's tag `t<i>` is like `x*`.
pub fn not_action_fences(actions: &[&str]) -> Value {
    let mut statements: Vec<Value> = actions
        .iter()
        .enumerate()
        .map(|(i, a)| {
            json!({"Effect": "Deny", "Principal": "*", "NotAction": a, "Resource": "*",
                   "Condition": {"StringNotLike": {format!("aws:PrincipalTag/t{i}"): "x*"}}})
        })
        .collect();
    statements.push(json!({"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "*"}));
    json!({"Version": "2012-10-17", "Statement": statements})
}

/// The first `n` S3 actions of the action catalog, in catalog order.
pub fn s3_actions(n: usize) -> Vec<&'static str> {
    perimeter_evaluator::catalog::all().iter().filter(|a| a.service() == "s3").map(|a| a.name).take(n).collect()
}

/// A bucket with `policy` as its bucket policy.
pub fn bucket(policy: &Value) -> ResourceRecord {
    ResourceRecord::from_policy(ResourceType::S3Bucket, BUCKET_ARN, OWNER, policy.to_string())
}
