//! Terraform plans (`terraform show -json plan.out`): the planned values of every resource of
//! the root module and its child modules, and for each resource type perimeter knows, its
//! policy with the ARN it will have. A value the plan marks as known only after apply
//! (`resource_changes[].change.after_unknown`) makes that policy not known, never clean: the
//! policy itself, or, for a policy resource attached to another resource (`secret_arn`, `arn`,
//! `repository`, `file_system_id`, `resource_arn`, `rest_api_id`, `event_bus_name`,
//! `domain_name`, `vault_name`, `backup_vault_name`, `destination_name`, `identity`, `domain`),
//! the value that names that resource.

use std::collections::BTreeMap;
use std::path::Path;

use perimeter_model::ResourceType;
use serde_json::Value;

use super::infra::{self, segment, Deployment, Document, Found, Generated, Input, Permission, SECRET_SUFFIX};

/// A plan has a `format_version` and planned values or resource changes.
pub fn is_plan(doc: &Value) -> bool {
    doc.get("format_version").is_some() && (doc.get("planned_values").is_some() || doc.get("resource_changes").is_some())
}

/// Terraform resource types with a resource policy that perimeter does not analyse yet (the
/// evaluator does not know their resource type). Every type the evaluator knows is mapped now;
/// the list stays for the next one.
const NOT_YET: &[(&str, &str)] = &[];

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
        // The value that names the resource a policy is attached to: not known when the plan
        // knows it only after apply, or does not give it.
        let named = |key: &str| -> Result<&str, (String, String)> {
            let pointer = format!("{}/{}", r.pointer, segment(key));
            if is_unknown(r.unknown, key) {
                Err((pointer, format!("`{}.{key}` is known only after apply", r.address)))
            } else {
                text(key).ok_or_else(|| (pointer, format!("`{}.{key}` is missing", r.address)))
            }
        };
        let mut policy = |resource_type: ResourceType, arn: Result<String, (String, String)>, key: &str, generated: Option<(usize, Generated)>| {
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
            // A stand-in for a generated part of the ARN, settled by the policy.
            let arn = match (arn, generated) {
                (Ok(arn), Some((len, Generated::RestApiId))) => infra::settle_api_id(&arn, len, &d.account, &document, &pointer),
                (Ok(arn), Some((len, part))) => infra::settle(&arn, len, part, &document, &pointer),
                (arn, _) => arn,
            };
            // An ARN that is not known makes the policy not known: its Resource lines cannot be judged.
            let (resource_arn, document) = match arn {
                Ok(arn) => (arn, document),
                Err((pointer, why)) => (String::new(), Document::NotKnown { pointer, why }),
            };
            found.push(Found { file: file.to_path_buf(), resource: r.address.clone(), pointer, line: None, resource_type, resource_arn, document });
        };
        let arn_or = |key: &str, built: String| text(key).filter(|a| a.starts_with("arn:")).map_or(built, str::to_string);
        let (partition, region, account) = (&d.partition, &d.region, &d.account);
        // A secret's ARN from a name: with the stand-in for the random suffix.
        let secret = |name: &str| (format!("arn:{partition}:secretsmanager:{region}:{account}:secret:{name}-{SECRET_SUFFIX}"), Some((SECRET_SUFFIX.len(), Generated::SecretSuffix)));
        match r.kind.as_str() {
            "aws_s3_bucket_policy" if text("bucket").is_some_and(|b| b.ends_with("--x-s3")) || (text("bucket").is_none() && names_s3express(r.values.get("policy"))) => {
                // A directory bucket's (its name ends in `--x-s3`; when the plan does not know the
                // name, a policy of `s3express:` actions or ARNs is one).
                let bucket = text("bucket").unwrap_or(&r.name).to_string();
                policy(ResourceType::S3ExpressDirectoryBucket, Ok(format!("arn:{partition}:s3express:{region}:{account}:bucket/{bucket}")), "policy", None);
            }
            "aws_s3_bucket_policy" | "aws_s3_bucket" => {
                let bucket = text("bucket").unwrap_or(&r.name).to_string();
                policy(ResourceType::S3Bucket, Ok(format!("arn:{}:s3:::{bucket}", d.partition)), "policy", None);
            }
            "aws_sqs_queue_policy" => {
                let name = text("queue_url").and_then(|u| u.rsplit('/').next()).unwrap_or(&r.name).to_string();
                policy(ResourceType::SqsQueue, Ok(format!("arn:{}:sqs:{}:{}:{name}", d.partition, d.region, d.account)), "policy", None);
            }
            "aws_sqs_queue" => {
                let name = text("name").unwrap_or(&r.name).to_string();
                let arn = arn_or("arn", format!("arn:{}:sqs:{}:{}:{name}", d.partition, d.region, d.account));
                policy(ResourceType::SqsQueue, Ok(arn), "policy", None);
            }
            "aws_iam_role" => {
                let name = text("name").unwrap_or(&r.name).to_string();
                let arn = arn_or("arn", format!("arn:{}:iam::{}:role/{name}", d.partition, d.account));
                policy(ResourceType::IamRole, Ok(arn), "assume_role_policy", None);
            }
            "aws_kms_key" => {
                let arn = arn_or("arn", format!("arn:{}:kms:{}:{}:key/{}", d.partition, d.region, d.account, r.name));
                policy(ResourceType::KmsKey, Ok(arn), "policy", None);
            }
            "aws_secretsmanager_secret_policy" => {
                let (arn, generated) = match named("secret_arn") {
                    Ok(a) if a.starts_with("arn:") => (Ok(a.to_string()), None),
                    Ok(name) => {
                        let (arn, generated) = secret(name);
                        (Ok(arn), generated)
                    }
                    Err(e) => (Err(e), None),
                };
                policy(ResourceType::SecretsManagerSecret, arn, "policy", generated);
            }
            "aws_secretsmanager_secret" => {
                let (arn, generated) = match text("arn").filter(|a| a.starts_with("arn:")) {
                    Some(a) => (a.to_string(), None),
                    None => secret(text("name").unwrap_or(&r.name)),
                };
                policy(ResourceType::SecretsManagerSecret, Ok(arn), "policy", generated);
            }
            "aws_sns_topic_policy" => {
                let arn = named("arn").map(str::to_string);
                policy(ResourceType::SnsTopic, arn, "policy", None);
            }
            "aws_sns_topic" => {
                let name = text("name").unwrap_or(&r.name).to_string();
                let arn = arn_or("arn", format!("arn:{partition}:sns:{region}:{account}:{name}"));
                policy(ResourceType::SnsTopic, Ok(arn), "policy", None);
            }
            "aws_ecr_repository_policy" => {
                let arn = named("repository").map(|n| {
                    if n.starts_with("arn:") { n.to_string() } else { format!("arn:{partition}:ecr:{region}:{account}:repository/{n}") }
                });
                policy(ResourceType::EcrRepository, arn, "policy", None);
            }
            "aws_efs_file_system_policy" => {
                let arn = named("file_system_id").map(|id| {
                    if id.starts_with("arn:") { id.to_string() } else { format!("arn:{partition}:elasticfilesystem:{region}:{account}:file-system/{id}") }
                });
                policy(ResourceType::EfsFileSystem, arn, "policy", None);
            }
            "aws_dynamodb_resource_policy" => match named("resource_arn") {
                // A table's ARN or a stream's (`…:table/<name>/stream/<label>`) decides the type.
                Ok(arn) => {
                    let t = if arn.contains("/stream/") { ResourceType::DynamoDbStream } else { ResourceType::DynamoDbTable };
                    policy(t, Ok(arn.to_string()), "policy", None);
                }
                Err((pointer, why)) => out.push(Input::Unsupported {
                    file: file.to_path_buf(),
                    resource: r.address.clone(),
                    pointer: format!("{}/policy", r.pointer),
                    line: None,
                    why: format!("{why} at `{pointer}`: neither the ARN nor whether it is a table's or a stream's is known before"),
                }),
            },
            "aws_api_gateway_rest_api" => {
                // The API's ID is generated: while the plan does not know it, the resource's name
                // stands for it.
                let (id, generated) = match text("id").filter(|_| !is_unknown(r.unknown, "id")) {
                    Some(id) => (id.to_string(), None),
                    None => (r.name.clone(), Some((r.name.len(), Generated::RestApiId))),
                };
                policy(ResourceType::ApiGatewayRestApi, Ok(format!("arn:{partition}:apigateway:{region}::/restapis/{id}")), "policy", generated);
            }
            "aws_api_gateway_rest_api_policy" => {
                let arn = named("rest_api_id").map(|id| format!("arn:{partition}:apigateway:{region}::/restapis/{id}"));
                policy(ResourceType::ApiGatewayRestApi, arn, "policy", None);
            }
            "aws_cloudwatch_event_bus_policy" => {
                // The default bus when no name is given.
                let bus = if text("event_bus_name").is_none() && !is_unknown(r.unknown, "event_bus_name") { Ok("default") } else { named("event_bus_name") };
                let arn = bus.map(|b| if b.starts_with("arn:") { b.to_string() } else { format!("arn:{partition}:events:{region}:{account}:event-bus/{b}") });
                policy(ResourceType::EventsEventBus, arn, "policy", None);
            }
            "aws_opensearch_domain" | "aws_elasticsearch_domain" => {
                let name = text("domain_name").unwrap_or(&r.name).to_string();
                let arn = arn_or("arn", format!("arn:{partition}:es:{region}:{account}:domain/{name}"));
                policy(ResourceType::OpenSearchDomain, Ok(arn), "access_policies", None);
            }
            "aws_opensearch_domain_policy" | "aws_elasticsearch_domain_policy" => {
                let arn = named("domain_name").map(|n| format!("arn:{partition}:es:{region}:{account}:domain/{n}"));
                policy(ResourceType::OpenSearchDomain, arn, "access_policies", None);
            }
            "aws_glacier_vault" => {
                let name = text("name").unwrap_or(&r.name).to_string();
                let arn = arn_or("arn", format!("arn:{partition}:glacier:{region}:{account}:vaults/{name}"));
                policy(ResourceType::GlacierVault, Ok(arn), "access_policy", None);
            }
            "aws_glacier_vault_lock" => {
                // The vault lock policy, analysed as the vault's document on its own.
                let arn = named("vault_name").map(|n| format!("arn:{partition}:glacier:{region}:{account}:vaults/{n}"));
                policy(ResourceType::GlacierVault, arn, "policy", None);
            }
            "aws_backup_vault_policy" => {
                let arn = named("backup_vault_name").map(|n| format!("arn:{partition}:backup:{region}:{account}:backup-vault:{n}"));
                policy(ResourceType::BackupVault, arn, "policy", None);
            }
            "aws_cloudwatch_log_resource_policy" => {
                let name = text("policy_name").unwrap_or(&r.name).to_string();
                policy(ResourceType::LogsResourcePolicy, Ok(format!("arn:{partition}:logs:{region}:{account}:resource-policy:{name}")), "policy_document", None);
            }
            "aws_cloudwatch_log_destination_policy" => {
                let arn = named("destination_name").map(|n| format!("arn:{partition}:logs:{region}:{account}:destination:{n}"));
                policy(ResourceType::LogsDestination, arn, "access_policy", None);
            }
            "aws_glue_resource_policy" => {
                // One catalog per account and region.
                policy(ResourceType::GlueDataCatalog, Ok(format!("arn:{partition}:glue:{region}:{account}:catalog")), "policy", None);
            }
            "aws_ses_identity_policy" => {
                let arn = named("identity").map(|i| if i.starts_with("arn:") { i.to_string() } else { format!("arn:{partition}:ses:{region}:{account}:identity/{i}") });
                policy(ResourceType::SesEmailIdentity, arn, "policy", None);
            }
            "aws_codeartifact_domain_permissions_policy" => {
                let arn = named("domain").map(|n| format!("arn:{partition}:codeartifact:{region}:{account}:domain/{n}"));
                policy(ResourceType::CodeArtifactDomain, arn, "policy_document", None);
            }
            "aws_codeartifact_repository_permissions_policy" => {
                let arn = named("domain").and_then(|domain| {
                    named("repository").map(|n| format!("arn:{partition}:codeartifact:{region}:{account}:repository/{domain}/{n}"))
                });
                policy(ResourceType::CodeArtifactRepository, arn, "policy_document", None);
            }
            "aws_kinesis_resource_policy" => match named("resource_arn") {
                // A consumer's policy (`…:stream/<name>/consumer/<consumer>:<time>`) is not read.
                Ok(arn) if arn.contains("/consumer/") => out.push(Input::Unsupported {
                    file: file.to_path_buf(),
                    resource: r.address.clone(),
                    pointer: format!("{}/policy", r.pointer),
                    line: None,
                    why: format!("`{arn}` is a stream consumer's ARN: perimeter reads the policies of Kinesis streams, not of their consumers"),
                }),
                Ok(arn) => {
                    let pointer = format!("{}/resource_arn", r.pointer);
                    let stream = if infra::is_stream_arn(arn) { Ok(arn.to_string()) } else { Err((pointer, format!("`{arn}` is not a Kinesis stream ARN"))) };
                    policy(ResourceType::KinesisStream, stream, "policy", None);
                }
                Err((pointer, why)) => out.push(Input::Unsupported {
                    file: file.to_path_buf(),
                    resource: r.address.clone(),
                    pointer: format!("{}/policy", r.pointer),
                    line: None,
                    why: format!("{why} at `{pointer}`: neither the ARN nor whether it is a stream's or a consumer's is known before"),
                }),
            },
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

/// Whether a policy (a JSON string in the plan) names `s3express:` actions or ARNs: only a
/// directory bucket's policy does.
fn names_s3express(policy: Option<&Value>) -> bool {
    policy.and_then(Value::as_str).is_some_and(|p| p.contains("s3express:") || p.contains(":s3express:"))
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
