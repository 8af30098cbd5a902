//! Terraform plans (`terraform show -json plan.out`): the planned values of every resource of
//! the root module and its child modules, and for each resource type perimeter knows, its
//! policy with the ARN it will have. A value the plan marks as known only after apply
//! (`resource_changes[].change.after_unknown`) makes that policy not known, never clean.

use std::collections::BTreeMap;
use std::path::Path;

use perimeter_model::ResourceType;
use serde_json::Value;

use super::infra::{segment, Deployment, Document, Found, Input, Permission};

/// A plan has a `format_version` and planned values or resource changes.
pub fn is_plan(doc: &Value) -> bool {
    doc.get("format_version").is_some() && (doc.get("planned_values").is_some() || doc.get("resource_changes").is_some())
}

/// Terraform resource types with a resource policy that perimeter does not analyse yet.
const NOT_YET: &[(&str, &str)] = &[
    ("aws_sns_topic_policy", "policy"),
    ("aws_sns_topic", "policy"),
    ("aws_secretsmanager_secret_policy", "policy"),
    ("aws_ecr_repository_policy", "policy"),
    ("aws_efs_file_system_policy", "policy"),
    ("aws_cloudwatch_event_bus_policy", "policy"),
    ("aws_opensearch_domain_policy", "access_policies"),
    ("aws_api_gateway_rest_api_policy", "policy"),
    ("aws_backup_vault_policy", "policy"),
    ("aws_glacier_vault", "access_policy"),
    ("aws_dynamodb_resource_policy", "policy"),
];

/// One resource of the plan: where its values are in the file, and which are unknown.
struct PlannedResource<'a> {
    address: String,
    kind: String,
    name: String,
    values: &'a Value,
    pointer: String,
    unknown: Option<&'a Value>,
}

pub fn policies(file: &Path, doc: &Value, deployment: &Deployment) -> Vec<Input> {
    let unknown: BTreeMap<&str, &Value> = doc
        .get("resource_changes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|c| Some((c.get("address")?.as_str()?, c.get("change")?.get("after_unknown")?)))
        .collect();
    let mut resources = Vec::new();
    if let Some(root) = doc.get("planned_values").and_then(|p| p.get("root_module")) {
        module(root, "/planned_values/root_module", &unknown, &mut resources);
    }
    let mut found = Vec::new();
    let mut out = Vec::new();
    for r in &resources {
        let d = deployment;
        let text = |key: &str| r.values.get(key).and_then(Value::as_str).filter(|s| !s.is_empty());
        let mut policy = |resource_type: ResourceType, arn: String, key: &str| {
            let pointer = format!("{}/{}", r.pointer, segment(key));
            let document = if is_unknown(r.unknown, key) {
                Document::NotKnown { pointer: pointer.clone(), why: format!("`{}.{key}` is known only after apply", r.address) }
            } else {
                match r.values.get(key) {
                    Some(Value::String(s)) => Document::Known(s.clone()),
                    Some(Value::Null) | None => return, // no policy on this resource
                    Some(other) => Document::Known(other.to_string()),
                }
            };
            found.push(Found { file: file.to_path_buf(), resource: r.address.clone(), pointer, line: None, resource_type, resource_arn: arn, document });
        };
        let arn_or = |key: &str, built: String| text(key).filter(|a| a.starts_with("arn:")).map_or(built, str::to_string);
        match r.kind.as_str() {
            "aws_s3_bucket_policy" | "aws_s3_bucket" => {
                let bucket = text("bucket").unwrap_or(&r.name).to_string();
                policy(ResourceType::S3Bucket, format!("arn:{}:s3:::{bucket}", d.partition), "policy");
            }
            "aws_sqs_queue_policy" => {
                let name = text("queue_url").and_then(|u| u.rsplit('/').next()).unwrap_or(&r.name).to_string();
                policy(ResourceType::SqsQueue, format!("arn:{}:sqs:{}:{}:{name}", d.partition, d.region, d.account), "policy");
            }
            "aws_sqs_queue" => {
                let name = text("name").unwrap_or(&r.name).to_string();
                let arn = arn_or("arn", format!("arn:{}:sqs:{}:{}:{name}", d.partition, d.region, d.account));
                policy(ResourceType::SqsQueue, arn, "policy");
            }
            "aws_iam_role" => {
                let name = text("name").unwrap_or(&r.name).to_string();
                let arn = arn_or("arn", format!("arn:{}:iam::{}:role/{name}", d.partition, d.account));
                policy(ResourceType::IamRole, arn, "assume_role_policy");
            }
            "aws_kms_key" => {
                let arn = arn_or("arn", format!("arn:{}:kms:{}:{}:key/{}", d.partition, d.region, d.account, r.name));
                policy(ResourceType::KmsKey, arn, "policy");
            }
            "aws_lambda_permission" => found.push(lambda_permission(file, r, deployment)),
            "aws_lambda_layer_version_permission" => found.push(layer_permission(file, r, deployment)),
            kind => {
                if let Some((_, key)) = NOT_YET.iter().find(|(k, key)| *k == kind && r.values.get(*key).is_some_and(|v| !v.is_null())) {
                    out.push(Input::Unsupported {
                        file: file.to_path_buf(),
                        resource: r.address.clone(),
                        pointer: format!("{}/{key}", r.pointer),
                        line: None,
                        why: format!("{kind} carries a resource policy that perimeter does not analyse yet"),
                    });
                }
            }
        }
    }
    out.insert(0, Input::Policies(found));
    out
}

fn module<'a>(m: &'a Value, pointer: &str, unknown: &BTreeMap<&str, &'a Value>, out: &mut Vec<PlannedResource<'a>>) {
    for (i, r) in m.get("resources").and_then(Value::as_array).into_iter().flatten().enumerate() {
        if r.get("mode").and_then(Value::as_str).is_some_and(|m| m != "managed") {
            continue; // data sources carry no policy of their own
        }
        let address = r.get("address").and_then(Value::as_str).unwrap_or_default().to_string();
        let Some(values) = r.get("values") else { continue };
        out.push(PlannedResource {
            kind: r.get("type").and_then(Value::as_str).unwrap_or_default().to_string(),
            name: r.get("name").and_then(Value::as_str).unwrap_or_default().to_string(),
            unknown: unknown.get(address.as_str()).copied(),
            address,
            values,
            pointer: format!("{pointer}/resources/{i}/values"),
        });
    }
    for (i, child) in m.get("child_modules").and_then(Value::as_array).into_iter().flatten().enumerate() {
        module(child, &format!("{pointer}/child_modules/{i}"), unknown, out);
    }
}

fn is_unknown(unknown: Option<&Value>, key: &str) -> bool {
    unknown.and_then(|u| u.get(key)).is_some_and(|v| v == &Value::Bool(true))
}

/// The first of `keys` that is unknown after apply, if any.
fn first_unknown(r: &PlannedResource<'_>, keys: &[&str]) -> Option<Document> {
    keys.iter().find(|k| is_unknown(r.unknown, k)).map(|k| Document::NotKnown {
        pointer: format!("{}/{k}", r.pointer),
        why: format!("`{}.{k}` is known only after apply", r.address),
    })
}

fn lambda_permission(file: &Path, r: &PlannedResource<'_>, d: &Deployment) -> Found {
    let text = |key: &str| r.values.get(key).and_then(Value::as_str).filter(|s| !s.is_empty());
    let function = text("function_name").unwrap_or(&r.name);
    let mut arn = if function.starts_with("arn:") {
        function.to_string()
    } else {
        format!("arn:{}:lambda:{}:{}:function:{function}", d.partition, d.region, d.account)
    };
    if let Some(q) = text("qualifier") {
        arn = format!("{arn}:{q}");
    }
    let keys = ["function_name", "action", "principal", "source_arn", "source_account", "principal_org_id", "function_url_auth_type"];
    let document = first_unknown(r, &keys).unwrap_or_else(|| match (text("action"), text("principal")) {
        (Some(action), Some(principal)) => Document::Known(
            Permission {
                sid: text("statement_id").unwrap_or(&r.name),
                action,
                principal,
                resource: &arn,
                source_arn: text("source_arn"),
                source_account: text("source_account"),
                principal_org_id: text("principal_org_id"),
                function_url_auth_type: text("function_url_auth_type"),
            }
            .policy(),
        ),
        _ => Document::NotKnown { pointer: r.pointer.clone(), why: format!("`{}` has no action or principal", r.address) },
    });
    Found { file: file.to_path_buf(), resource: r.address.clone(), pointer: r.pointer.clone(), line: None, resource_type: ResourceType::LambdaFunction, resource_arn: arn, document }
}

fn layer_permission(file: &Path, r: &PlannedResource<'_>, d: &Deployment) -> Found {
    let text = |key: &str| r.values.get(key).and_then(Value::as_str).filter(|s| !s.is_empty());
    let layer = text("layer_name").unwrap_or(&r.name);
    let version = r.values.get("version_number").and_then(Value::as_i64).unwrap_or(1);
    let arn = if layer.starts_with("arn:") {
        format!("{layer}:{version}")
    } else {
        format!("arn:{}:lambda:{}:{}:layer:{layer}:{version}", d.partition, d.region, d.account)
    };
    let keys = ["layer_name", "version_number", "principal", "organization_id", "action"];
    let document = first_unknown(r, &keys).unwrap_or_else(|| match text("principal") {
        Some(principal) => Document::Known(
            Permission {
                sid: text("statement_id").unwrap_or(&r.name),
                action: text("action").unwrap_or("lambda:GetLayerVersion"),
                principal,
                resource: &arn,
                source_arn: None,
                source_account: None,
                principal_org_id: text("organization_id"),
                function_url_auth_type: None,
            }
            .policy(),
        ),
        None => Document::NotKnown { pointer: r.pointer.clone(), why: format!("`{}` has no principal", r.address) },
    });
    Found { file: file.to_path_buf(), resource: r.address.clone(), pointer: r.pointer.clone(), line: None, resource_type: ResourceType::LambdaLayerVersion, resource_arn: arn, document }
}
