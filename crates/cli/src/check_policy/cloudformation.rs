//! CloudFormation templates (JSON or YAML): the resource policies of the resource types
//! perimeter knows, each with the ARN of the resource it is attached to (built from the
//! deployment's account and region where the template names a resource without one).
//! Intrinsic functions are resolved offline where their value is known before deployment:
//! `Ref` to a pseudo parameter or to a resource of the template, `Fn::GetAtt` of its `Arn`,
//! `Fn::Sub` and `Fn::Join` over those. Anything else (a parameter, `Fn::If`, an import) makes
//! the policy not known, never clean.
//!
//! A name that CloudFormation generates (no `BucketName`, `TopicName`, … given) is stood for by
//! the resource's logical ID, a file system's or REST API's ID likewise; a secret's random ARN
//! suffix and a stream's label by fixed stand-ins ([`infra::settle`] says when the policy decides
//! instead).

use std::path::Path;

use perimeter_model::ResourceType;
use serde_json::{Map, Value};

use super::infra::{self, key_lines, segment, BusPermission, Deployment, Document, Found, Generated, Input, Permission, SECRET_SUFFIX, STREAM_LABEL};

/// A template has a `Resources` object and either the format version or a resource with an
/// `AWS::` type.
pub fn is_template(doc: &Value) -> bool {
    let Some(resources) = doc.get("Resources").and_then(Value::as_object) else { return false };
    doc.get("AWSTemplateFormatVersion").is_some()
        || resources.values().any(|r| r.get("Type").and_then(Value::as_str).is_some_and(|t| t.starts_with("AWS::")))
}

/// Policy-bearing types perimeter cannot analyse yet (the evaluator does not know their
/// resource type): reported as not analysed, never clean. Every type the evaluator knows is
/// mapped now; the list stays for the next one.
const NOT_YET: &[(&str, &str)] = &[];

/// The types mapped with the types added beyond Access Analyzer's, whose name, when the template
/// gives it by anything but a literal (a parameter, `Fn::Sub`), is not taken for the logical ID:
/// their own policy's ARN is resolved from it or not known, and so is a `Ref` or `Fn::GetAtt`
/// to them ([`Template::name_known`]).
const NAME_CHECKED: &[&str] = &[
    "AWS::ApiGateway::RestApi",
    "AWS::Events::EventBus",
    "AWS::OpenSearchService::Domain",
    "AWS::Elasticsearch::Domain",
    "AWS::Backup::BackupVault",
    "AWS::Logs::ResourcePolicy",
    "AWS::Logs::Destination",
    "AWS::CodeArtifact::Domain",
    "AWS::CodeArtifact::Repository",
    "AWS::Kinesis::Stream",
];

/// One policy of a resource, before its ARN is settled.
struct Pending {
    resource_type: ResourceType,
    arn: Result<String, Unresolved>,
    /// The pointer of the document.
    pointer: String,
    document: Document,
    /// The length of the stand-in at the end of the ARN for a part AWS generates, and which.
    generated: Option<(usize, Generated)>,
}

struct Template<'a> {
    resources: &'a Map<String, Value>,
    deployment: &'a Deployment,
}

pub fn policies(file: &Path, text: &str, doc: &Value, deployment: &Deployment) -> Vec<Input> {
    let empty = Map::new();
    let resources = doc.get("Resources").and_then(Value::as_object).unwrap_or(&empty);
    let t = Template { resources, deployment };
    let mut found = Vec::new();
    let mut out = Vec::new();
    let lines = key_lines(text);
    for (id, resource) in resources {
        let kind = resource.get("Type").and_then(Value::as_str).unwrap_or_default();
        let props = resource.get("Properties").cloned().unwrap_or(Value::Null);
        let props_at = format!("/Resources/{}/Properties", segment(id));
        let at = |prop: &str| format!("{props_at}/{prop}");
        let line = lines.get(id.as_str()).copied();
        let mut policies: Vec<Pending> = Vec::new();
        // The policy at `path` (segments under `Properties`, `/`-separated) of this resource.
        let mut document_at = |resource_type, arn: Result<String, Unresolved>, path: &str, generated: Option<(usize, Generated)>| {
            let pointer = at(path);
            let document = match props.pointer(&format!("/{path}")) {
                Some(d) => t.document(d, &pointer),
                None => match t.intrinsic_on(&props, path, &props_at) {
                    Some((p, why)) => Document::NotKnown { pointer: p, why },
                    None => Document::NotKnown { pointer: pointer.clone(), why: format!("`{path}` is missing") },
                },
            };
            policies.push(Pending { resource_type, arn, pointer, document, generated });
        };
        match kind {
            "AWS::S3::BucketPolicy" => {
                let arn = t.string(props.get("Bucket"), &at("Bucket")).map(|b| format!("arn:{}:s3:::{b}", deployment.partition));
                document_at(ResourceType::S3Bucket, arn, "PolicyDocument", None);
            }
            "AWS::SQS::QueuePolicy" => {
                let queues = props.get("Queues").and_then(Value::as_array).cloned().unwrap_or_default();
                if queues.is_empty() {
                    document_at(ResourceType::SqsQueue, Err((at("Queues"), "`Queues` is missing or empty".into())), "PolicyDocument", None);
                }
                for (i, q) in queues.iter().enumerate() {
                    document_at(ResourceType::SqsQueue, t.queue_arn(q, &at(&format!("Queues/{i}"))), "PolicyDocument", None);
                }
            }
            "AWS::SQS::Queue" if props.get("Policy").is_some() => {
                document_at(ResourceType::SqsQueue, Ok(t.arn_of(id, kind)), "Policy", None);
            }
            "AWS::IAM::Role" => document_at(ResourceType::IamRole, Ok(t.arn_of(id, kind)), "AssumeRolePolicyDocument", None),
            "AWS::KMS::Key" => document_at(ResourceType::KmsKey, Ok(t.arn_of(id, kind)), "KeyPolicy", None),
            "AWS::SecretsManager::ResourcePolicy" => {
                let arn = t.secret_arn(props.get("SecretId"), &at("SecretId"));
                // A secret named (or referred to) without its random suffix has the stand-in.
                let generated = arn.as_ref().ok().filter(|a| a.ends_with(&format!("-{SECRET_SUFFIX}"))).map(|_| (SECRET_SUFFIX.len(), Generated::SecretSuffix));
                document_at(ResourceType::SecretsManagerSecret, arn, "ResourcePolicy", generated);
            }
            "AWS::SNS::TopicPolicy" => {
                let topics = props.get("Topics").and_then(Value::as_array).cloned().unwrap_or_default();
                if topics.is_empty() {
                    let why = match props.get("Topics") {
                        Some(v) if !v.is_array() => "`Topics` is not a list known before deployment",
                        _ => "`Topics` is missing or empty",
                    };
                    document_at(ResourceType::SnsTopic, Err((at("Topics"), why.into())), "PolicyDocument", None);
                }
                for (i, topic) in topics.iter().enumerate() {
                    document_at(ResourceType::SnsTopic, t.topic_arn(topic, &at(&format!("Topics/{i}"))), "PolicyDocument", None);
                }
            }
            "AWS::ECR::Repository" if props.get("RepositoryPolicyText").is_some() => {
                document_at(ResourceType::EcrRepository, Ok(t.arn_of(id, kind)), "RepositoryPolicyText", None);
            }
            "AWS::EFS::FileSystem" if props.get("FileSystemPolicy").is_some() => {
                // The file system's ID is generated: the logical ID stands for it.
                let generated = Some((t.physical_name(id, kind).len(), Generated::FileSystemId));
                document_at(ResourceType::EfsFileSystem, Ok(t.arn_of(id, kind)), "FileSystemPolicy", generated);
            }
            "AWS::DynamoDB::Table" => {
                let table = t.arn_of(id, kind);
                if props.get("ResourcePolicy").is_some() {
                    document_at(ResourceType::DynamoDbTable, Ok(table.clone()), "ResourcePolicy/PolicyDocument", None);
                }
                if props.get("StreamSpecification").is_some_and(|s| mentions(s, "ResourcePolicy")) {
                    let stream = Ok(format!("{table}/stream/{STREAM_LABEL}"));
                    let generated = Some((STREAM_LABEL.len(), Generated::StreamLabel));
                    document_at(ResourceType::DynamoDbStream, stream, "StreamSpecification/ResourcePolicy/PolicyDocument", generated);
                }
            }
            "AWS::DynamoDB::GlobalTable" => {
                let name = t.physical_name(id, kind);
                match props.get("Replicas") {
                    Some(Value::Array(replicas)) => {
                        for (i, replica) in replicas.iter().enumerate() {
                            let here = format!("Replicas/{i}");
                            let region = match t.intrinsic_on(&props, &format!("{here}/Region"), &props_at) {
                                Some(unresolved) => Err(unresolved),
                                None => t.string(replica.get("Region"), &at(&format!("{here}/Region"))),
                            };
                            let table = region.map(|r| format!("arn:{}:dynamodb:{r}:{}:table/{name}", deployment.partition, deployment.account));
                            if replica.get("ResourcePolicy").is_some() || (replica.get("Region").is_none() && mentions(replica, "ResourcePolicy")) {
                                document_at(ResourceType::DynamoDbTable, table.clone(), &format!("{here}/ResourcePolicy/PolicyDocument"), None);
                            }
                            if replica.get("ReplicaStreamSpecification").is_some_and(|s| mentions(s, "ResourcePolicy")) {
                                let stream = table.map(|t| format!("{t}/stream/{STREAM_LABEL}"));
                                let generated = Some((STREAM_LABEL.len(), Generated::StreamLabel));
                                document_at(ResourceType::DynamoDbStream, stream, &format!("{here}/ReplicaStreamSpecification/ResourcePolicy/PolicyDocument"), generated);
                            }
                        }
                    }
                    Some(other) if mentions(other, "ResourcePolicy") => {
                        let why = "`Replicas` is not a list known before deployment".to_string();
                        document_at(ResourceType::DynamoDbTable, Err((at("Replicas"), why)), "Replicas", None);
                    }
                    _ => {}
                }
            }
            "AWS::S3Express::BucketPolicy" => {
                let arn = t.string(props.get("Bucket"), &at("Bucket")).map(|b| {
                    if b.starts_with("arn:") { b } else { format!("arn:{}:s3express:{}:{}:bucket/{b}", deployment.partition, deployment.region, deployment.account) }
                });
                document_at(ResourceType::S3ExpressDirectoryBucket, arn, "PolicyDocument", None);
            }
            "AWS::ApiGateway::RestApi" if props.get("Policy").is_some() => {
                // The API's ID is generated: the logical ID stands for it.
                let generated = Some((t.physical_name(id, kind).len(), Generated::RestApiId));
                document_at(ResourceType::ApiGatewayRestApi, Ok(t.arn_of(id, kind)), "Policy", generated);
            }
            "AWS::Events::EventBus" if props.get("Policy").is_some() => {
                document_at(ResourceType::EventsEventBus, t.own_arn(id, kind, &props_at), "Policy", None);
            }
            "AWS::Events::EventBusPolicy" => {
                let bus = t.bus_arn(props.get("EventBusName"), &at("EventBusName"));
                if let Some(statement) = props.get("Statement") {
                    // One statement object: the policy of that one statement.
                    let pointer = at("Statement");
                    let document = match t.document(statement, &pointer) {
                        Document::Known(text) => Document::Known(match serde_json::from_str::<Value>(&text) {
                            Ok(Value::Array(list)) => infra::policy_of(&list),
                            Ok(one) => infra::policy_of(std::slice::from_ref(&one)),
                            Err(_) => text, // the evaluator names the parse error
                        }),
                        not_known => not_known,
                    };
                    policies.push(Pending { resource_type: ResourceType::EventsEventBus, arn: bus, pointer, document, generated: None });
                } else {
                    // The legacy form: the statement PutPermission writes.
                    let document = match (&bus, t.bus_permission(id, &props, &props_at)) {
                        (Ok(arn), Ok(fields)) => Document::Known(fields.policy_for(arn, &deployment.partition)),
                        (_, Err((p, why))) => Document::NotKnown { pointer: p, why },
                        (Err((p, why)), _) => Document::NotKnown { pointer: p.clone(), why: why.clone() },
                    };
                    policies.push(Pending { resource_type: ResourceType::EventsEventBus, arn: bus, pointer: props_at.clone(), document, generated: None });
                }
            }
            "AWS::OpenSearchService::Domain" | "AWS::Elasticsearch::Domain" if props.get("AccessPolicies").is_some() => {
                document_at(ResourceType::OpenSearchDomain, t.own_arn(id, kind, &props_at), "AccessPolicies", None);
            }
            "AWS::Backup::BackupVault" if props.get("AccessPolicy").is_some() => {
                document_at(ResourceType::BackupVault, t.own_arn(id, kind, &props_at), "AccessPolicy", None);
            }
            "AWS::Logs::ResourcePolicy" => {
                document_at(ResourceType::LogsResourcePolicy, t.own_arn(id, kind, &props_at), "PolicyDocument", None);
            }
            "AWS::Logs::Destination" if props.get("DestinationPolicy").is_some() => {
                document_at(ResourceType::LogsDestination, t.own_arn(id, kind, &props_at), "DestinationPolicy", None);
            }
            "AWS::CodeArtifact::Domain" if props.get("PermissionsPolicyDocument").is_some() => {
                document_at(ResourceType::CodeArtifactDomain, t.own_arn(id, kind, &props_at), "PermissionsPolicyDocument", None);
            }
            "AWS::CodeArtifact::Repository" if props.get("PermissionsPolicyDocument").is_some() => {
                document_at(ResourceType::CodeArtifactRepository, t.own_arn(id, kind, &props_at), "PermissionsPolicyDocument", None);
            }
            "AWS::Kinesis::ResourcePolicy" => {
                let unsupported = |why: String| Input::Unsupported { file: file.to_path_buf(), resource: id.clone(), pointer: at("ResourcePolicy"), line, why };
                match t.string(props.get("ResourceArn"), &at("ResourceArn")) {
                    // A consumer's policy (`…:stream/<name>/consumer/<consumer>:<time>`) is not read.
                    Ok(arn) if arn.contains("/consumer/") => out.push(unsupported(format!(
                        "`{arn}` is a stream consumer's ARN: perimeter reads the policies of Kinesis streams, not of their consumers"
                    ))),
                    Ok(arn) => {
                        let stream = if infra::is_stream_arn(&arn) { Ok(arn) } else { Err((at("ResourceArn"), format!("`{arn}` is not a Kinesis stream ARN"))) };
                        document_at(ResourceType::KinesisStream, stream, "ResourcePolicy", None);
                    }
                    Err((pointer, why)) => out.push(unsupported(format!(
                        "{why} at `{pointer}`: neither the ARN nor whether it is a stream's or a consumer's is known before"
                    ))),
                }
            }
            "AWS::Lambda::Permission" => {
                let function = t.function_arn(props.get("FunctionName"), &at("FunctionName"));
                let document = match (&function, t.permission(&props, &props_at)) {
                    (Ok(arn), Ok(fields)) => Document::Known(fields.policy_for(id, arn)),
                    (_, Err((p, why))) => Document::NotKnown { pointer: p, why },
                    (Err((p, why)), _) => Document::NotKnown { pointer: p.clone(), why: why.clone() },
                };
                policies.push(Pending { resource_type: ResourceType::LambdaFunction, arn: function, pointer: props_at.clone(), document, generated: None });
            }
            "AWS::Lambda::LayerVersionPermission" => {
                let arn = t.string(props.get("LayerVersionArn"), &at("LayerVersionArn"));
                let document = match (&arn, t.layer_permission(id, &props, &props_at)) {
                    (Ok(arn), Ok(policy_of)) => Document::Known(policy_of(arn)),
                    (_, Err((p, why))) => Document::NotKnown { pointer: p, why },
                    (Err((p, why)), _) => Document::NotKnown { pointer: p.clone(), why: why.clone() },
                };
                policies.push(Pending { resource_type: ResourceType::LambdaLayerVersion, arn, pointer: props_at.clone(), document, generated: None });
            }
            _ => {
                if let Some((_, prop)) = NOT_YET.iter().find(|(k, p)| *k == kind && props.get(*p).is_some()) {
                    out.push(Input::Unsupported {
                        file: file.to_path_buf(),
                        resource: id.clone(),
                        pointer: at(prop),
                        line,
                        why: format!("{kind} carries a resource policy that perimeter does not analyse yet"),
                    });
                }
            }
        }
        for Pending { resource_type, arn, pointer, document, generated } in policies {
            // A stand-in for a generated part of the ARN, settled by the policy.
            let arn = match (arn, generated) {
                (Ok(arn), Some((len, Generated::RestApiId))) => infra::settle_api_id(&arn, len, &deployment.account, &document, &pointer),
                (Ok(arn), Some((len, part))) => infra::settle(&arn, len, part, &document, &pointer),
                (arn, _) => arn,
            };
            // An ARN that is not known makes the policy not known: its Resource lines cannot be judged.
            let (resource_arn, document) = match arn {
                Ok(arn) => (arn, document),
                Err((p, why)) => (String::new(), Document::NotKnown { pointer: p, why }),
            };
            found.push(Found { file: file.to_path_buf(), resource: id.clone(), pointer, line, resource_type, resource_arn, document });
        }
    }
    out.insert(0, Input::Policies(found));
    out
}

type Unresolved = (String, String);

/// The property that names a resource of `kind` (none: the name or ID is generated).
fn name_property(kind: &str) -> &'static str {
    match kind {
        "AWS::S3::Bucket" | "AWS::S3Express::DirectoryBucket" => "BucketName",
        "AWS::SQS::Queue" => "QueueName",
        "AWS::IAM::Role" => "RoleName",
        "AWS::Lambda::Function" => "FunctionName",
        "AWS::SNS::Topic" => "TopicName",
        "AWS::SecretsManager::Secret" | "AWS::Events::EventBus" | "AWS::Kinesis::Stream" => "Name",
        "AWS::ECR::Repository" => "RepositoryName",
        "AWS::DynamoDB::Table" | "AWS::DynamoDB::GlobalTable" => "TableName",
        "AWS::OpenSearchService::Domain" | "AWS::Elasticsearch::Domain" | "AWS::CodeArtifact::Domain" => "DomainName",
        "AWS::Backup::BackupVault" => "BackupVaultName",
        "AWS::Logs::ResourcePolicy" => "PolicyName",
        "AWS::Logs::Destination" => "DestinationName",
        "AWS::CodeArtifact::Repository" => "RepositoryName",
        _ => "",
    }
}

/// Whether `v` holds an object with the key `key`, at any depth (a property that an intrinsic
/// function wraps still shows its keys).
fn mentions(v: &Value, key: &str) -> bool {
    match v {
        Value::Object(map) => map.contains_key(key) || map.values().any(|x| mentions(x, key)),
        Value::Array(items) => items.iter().any(|x| mentions(x, key)),
        _ => false,
    }
}

/// The fields of an event bus permission in its legacy form, resolved.
struct BusFields {
    sid: String,
    action: Option<String>,
    principal: String,
    condition: Option<(String, String, String)>,
}

impl BusFields {
    fn policy_for(&self, bus_arn: &str, partition: &str) -> String {
        BusPermission {
            sid: &self.sid,
            action: self.action.as_deref(),
            principal: &self.principal,
            bus_arn,
            partition,
            condition: self.condition.as_ref().map(|(t, k, v)| (t.as_str(), k.as_str(), v.as_str())),
        }
        .policy()
    }
}

/// The fields of a Lambda permission, resolved.
struct PermissionFields {
    action: String,
    principal: String,
    source_arn: Option<String>,
    source_account: Option<String>,
    principal_org_id: Option<String>,
    function_url_auth_type: Option<String>,
}

impl PermissionFields {
    fn policy_for(&self, sid: &str, function_arn: &str) -> String {
        Permission {
            sid,
            action: &self.action,
            principal: &self.principal,
            resource: function_arn,
            source_arn: self.source_arn.as_deref(),
            source_account: self.source_account.as_deref(),
            principal_org_id: self.principal_org_id.as_deref(),
            function_url_auth_type: self.function_url_auth_type.as_deref(),
        }
        .policy()
    }
}

impl Template<'_> {
    /// The document with every intrinsic function resolved, as JSON text.
    fn document(&self, d: &Value, pointer: &str) -> Document {
        // A policy may be given as a JSON string (some templates do).
        let d = match d {
            Value::String(s) => match serde_json::from_str::<Value>(s) {
                Ok(v) => v,
                Err(_) => return Document::Known(s.clone()), // the evaluator names the parse error
            },
            other => other.clone(),
        };
        match self.resolve(&d, pointer) {
            // `Fn::Sub` or `Fn::Join` writing the policy as a JSON string: that string is the policy.
            Ok(Value::String(s)) => Document::Known(s),
            Ok(v) => Document::Known(v.to_string()),
            Err((pointer, why)) => Document::NotKnown { pointer, why },
        }
    }

    /// Where the way down `path` (under `Properties`, at `at`) meets an intrinsic function, if
    /// it does: the value below it is not known before deployment.
    fn intrinsic_on(&self, props: &Value, path: &str, at: &str) -> Option<Unresolved> {
        let mut v = props;
        let mut pointer = at.to_string();
        for seg in path.split('/') {
            if let Value::Object(map) = v
                && map.len() == 1
                && let Some(k) = map.keys().next().filter(|k| *k == "Ref" || k.starts_with("Fn::"))
            {
                return Some((format!("{pointer}/{}", segment(k)), format!("`{k}` is not known before deployment")));
            }
            v = match v {
                Value::Object(map) => map.get(seg)?,
                Value::Array(items) => items.get(seg.parse::<usize>().ok()?)?,
                _ => return None,
            };
            pointer = format!("{pointer}/{seg}");
        }
        None
    }

    /// Resolves every intrinsic function inside `v`.
    fn resolve(&self, v: &Value, pointer: &str) -> Result<Value, Unresolved> {
        match v {
            Value::Object(map) if map.len() == 1 => {
                let (k, arg) = map.iter().next().map(|(k, a)| (k.as_str(), a)).unwrap_or(("", &Value::Null));
                if k == "Ref" || k.starts_with("Fn::") {
                    return self.intrinsic(k, arg, &format!("{pointer}/{}", segment(k))).map(Value::String);
                }
                let inner = self.resolve(arg, &format!("{pointer}/{}", segment(k)))?;
                Ok(Value::Object(Map::from_iter([(k.to_string(), inner)])))
            }
            Value::Object(map) => {
                let mut out = Map::new();
                for (k, x) in map {
                    out.insert(k.clone(), self.resolve(x, &format!("{pointer}/{}", segment(k)))?);
                }
                Ok(Value::Object(out))
            }
            Value::Array(items) => {
                items.iter().enumerate().map(|(i, x)| self.resolve(x, &format!("{pointer}/{i}"))).collect::<Result<_, _>>().map(Value::Array)
            }
            other => Ok(other.clone()),
        }
    }

    fn intrinsic(&self, name: &str, arg: &Value, pointer: &str) -> Result<String, Unresolved> {
        let unknown = |why: String| Err((pointer.to_string(), why));
        match name {
            "Ref" => match arg.as_str() {
                Some(r) => self.reference(r).ok_or_else(|| (pointer.to_string(), format!("`Ref: {r}` is not known before deployment"))),
                None => unknown("`Ref` needs a name".into()),
            },
            "Fn::GetAtt" => {
                let (res, attr) = match arg {
                    Value::Array(a) if a.len() == 2 => (a[0].as_str().unwrap_or_default(), a[1].as_str().unwrap_or_default()),
                    Value::String(s) => s.split_once('.').unwrap_or((s.as_str(), "")),
                    _ => return unknown("`Fn::GetAtt` needs a resource and an attribute".into()),
                };
                let kind = self.resources.get(res).and_then(|r| r.get("Type")).and_then(Value::as_str);
                if kind.is_some_and(|k| !self.name_known(res, k)) {
                    return unknown(format!("`Fn::GetAtt {res}.{attr}` is not known before deployment: the resource's name is not"));
                }
                match (attr, kind) {
                    ("Arn", Some(kind))
                    | ("TopicArn", Some(kind @ "AWS::SNS::Topic"))
                    | ("Id", Some(kind @ "AWS::SecretsManager::Secret"))
                    | ("DomainArn", Some(kind @ ("AWS::OpenSearchService::Domain" | "AWS::Elasticsearch::Domain")))
                    | ("BackupVaultArn", Some(kind @ "AWS::Backup::BackupVault")) => Ok(self.arn_of(res, kind)),
                    ("TopicName", Some(kind @ "AWS::SNS::Topic"))
                    | ("FileSystemId", Some(kind @ "AWS::EFS::FileSystem"))
                    | ("RestApiId", Some(kind @ "AWS::ApiGateway::RestApi"))
                    | ("BackupVaultName", Some(kind @ "AWS::Backup::BackupVault"))
                    | ("Name", Some(kind @ ("AWS::CodeArtifact::Domain" | "AWS::CodeArtifact::Repository"))) => Ok(self.physical_name(res, kind)),
                    ("StreamArn", Some(kind @ ("AWS::DynamoDB::Table" | "AWS::DynamoDB::GlobalTable"))) => {
                        Ok(format!("{}/stream/{STREAM_LABEL}", self.arn_of(res, kind)))
                    }
                    _ => unknown(format!("`Fn::GetAtt {res}.{attr}` is not known before deployment")),
                }
            }
            "Fn::Sub" => {
                let (template, vars) = match arg {
                    Value::String(s) => (s.as_str(), None),
                    Value::Array(a) if a.len() == 2 => (a[0].as_str().unwrap_or_default(), a[1].as_object()),
                    _ => return unknown("`Fn::Sub` needs a string".into()),
                };
                self.substitute(template, vars, pointer)
            }
            "Fn::Join" => {
                let Some([sep, Value::Array(parts)]) = arg.as_array().map(Vec::as_slice) else {
                    return unknown("`Fn::Join` needs a delimiter and a list".into());
                };
                let sep = sep.as_str().unwrap_or_default();
                let parts: Vec<String> = parts
                    .iter()
                    .enumerate()
                    .map(|(i, p)| self.scalar(p, &format!("{pointer}/1/{i}")))
                    .collect::<Result<_, _>>()?;
                Ok(parts.join(sep))
            }
            other => unknown(format!("`{other}` is not known before deployment")),
        }
    }

    fn scalar(&self, v: &Value, pointer: &str) -> Result<String, Unresolved> {
        match self.resolve(v, pointer)? {
            Value::String(s) => Ok(s),
            Value::Number(n) => Ok(n.to_string()),
            Value::Bool(b) => Ok(b.to_string()),
            _ => Err((pointer.to_string(), "a list or object where a string is needed".into())),
        }
    }

    fn substitute(&self, template: &str, vars: Option<&Map<String, Value>>, pointer: &str) -> Result<String, Unresolved> {
        let mut out = String::new();
        let mut rest = template;
        while let Some(start) = rest.find("${") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            if let Some(literal) = after.strip_prefix('!') {
                // `${!Literal}` is the text `${Literal}`.
                out.push_str("${");
                rest = literal;
                continue;
            }
            let Some(end) = after.find('}') else {
                return Err((pointer.to_string(), "an unclosed `${` in `Fn::Sub`".into()));
            };
            let name = &after[..end];
            let value = match vars.and_then(|v| v.get(name)) {
                Some(v) => self.scalar(v, pointer)?,
                None => match name.split_once('.') {
                    Some((res, attr)) => self.intrinsic("Fn::GetAtt", &serde_json::json!([res, attr]), pointer)?,
                    _ => self.reference(name).ok_or_else(|| (pointer.to_string(), format!("`${{{name}}}` is not known before deployment")))?,
                },
            };
            out.push_str(&value);
            rest = &after[end + 1..];
        }
        out.push_str(rest);
        Ok(out)
    }

    /// The value of `Ref` to a pseudo parameter or a resource of the template.
    fn reference(&self, name: &str) -> Option<String> {
        let d = self.deployment;
        match name {
            "AWS::AccountId" => Some(d.account.clone()),
            "AWS::Region" => Some(d.region.clone()),
            "AWS::Partition" => Some(d.partition.clone()),
            "AWS::URLSuffix" => Some("amazonaws.com".into()),
            _ => {
                let r = self.resources.get(name)?;
                let kind = r.get("Type").and_then(Value::as_str)?;
                if !self.name_known(name, kind) {
                    return None;
                }
                Some(match kind {
                    // Ref of a queue is its URL.
                    "AWS::SQS::Queue" => format!("https://sqs.{}.amazonaws.com/{}/{}", d.region, d.account, self.physical_name(name, kind)),
                    // Ref of a topic, a secret, a CodeArtifact domain or repository is its ARN.
                    "AWS::SNS::Topic" | "AWS::SecretsManager::Secret" | "AWS::CodeArtifact::Domain" | "AWS::CodeArtifact::Repository" => {
                        self.arn_of(name, kind)
                    }
                    // Of a key, a repository, a file system, a table, a directory bucket, a REST
                    // API, an event bus, a domain, a vault, a destination, a stream: its ID or name.
                    _ => self.physical_name(name, kind),
                })
            }
        }
    }

    /// The name the resource will have: its name property when the template gives one as
    /// text, else its logical ID (CloudFormation generates a name; the logical ID stands for it,
    /// in lowercase where names must be, and with the `--<zone>--x-s3` ending a directory
    /// bucket's name has). A file system's, key's or REST API's ID is generated too: the
    /// logical ID.
    fn physical_name(&self, id: &str, kind: &str) -> String {
        let prop = name_property(kind);
        let props = self.resources.get(id).and_then(|r| r.get("Properties"));
        if let Some(name) = props.and_then(|p| p.get(prop)).and_then(Value::as_str) {
            return name.to_string();
        }
        match kind {
            "AWS::S3::Bucket"
            | "AWS::ECR::Repository"
            | "AWS::OpenSearchService::Domain"
            | "AWS::Elasticsearch::Domain"
            | "AWS::CodeArtifact::Domain"
            | "AWS::CodeArtifact::Repository" => id.to_ascii_lowercase(),
            "AWS::S3Express::DirectoryBucket" => match props.and_then(|p| p.get("LocationName")).and_then(Value::as_str) {
                Some(zone) => format!("{}--{zone}--x-s3", id.to_ascii_lowercase()),
                None => format!("{}--x-s3", id.to_ascii_lowercase()),
            },
            _ => id.to_string(),
        }
    }

    /// Whether the name that a `Ref` or `Fn::GetAtt` to this resource builds on is known before
    /// deployment: always for the types mapped first (a name that is not a literal is stood for
    /// by the logical ID, as before); for the [`NAME_CHECKED`] types only when the name property
    /// (and a CodeArtifact repository's `DomainName`) is absent or a literal.
    fn name_known(&self, id: &str, kind: &str) -> bool {
        if !NAME_CHECKED.contains(&kind) {
            return true;
        }
        let props = self.resources.get(id).and_then(|r| r.get("Properties"));
        let literal = |prop: &str| props.and_then(|p| p.get(prop)).is_none_or(Value::is_string);
        let domain = kind != "AWS::CodeArtifact::Repository" || props.and_then(|p| p.get("DomainName")).is_some_and(Value::is_string);
        literal(name_property(kind)) && domain
    }

    /// The ARN of a resource of the template that carries its own policy, for the
    /// [`NAME_CHECKED`] types: its name property resolved (`Fn::Sub` over pseudo parameters),
    /// or the logical ID when it gives none; a name that is not known before deployment makes
    /// the ARN not known (at `at`, the resource's `Properties`).
    fn own_arn(&self, id: &str, kind: &str, at: &str) -> Result<String, Unresolved> {
        let props = self.resources.get(id).and_then(|r| r.get("Properties")).cloned().unwrap_or(Value::Null);
        let resolved = |prop: &str| -> Result<Option<String>, Unresolved> {
            match props.get(prop) {
                None => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.clone())),
                Some(v) => self.scalar(v, &format!("{at}/{prop}")).map(Some),
            }
        };
        let name = match resolved(name_property(kind))? {
            Some(name) => name,
            None => self.physical_name(id, kind),
        };
        let domain = if kind == "AWS::CodeArtifact::Repository" {
            resolved("DomainName")?.ok_or_else(|| (format!("{at}/DomainName"), "`DomainName` is missing".to_string()))?
        } else {
            String::new()
        };
        Ok(self.arn_named(kind, &name, &domain))
    }

    /// The ARN a resource of the template will have.
    fn arn_of(&self, id: &str, kind: &str) -> String {
        let props = self.resources.get(id).and_then(|r| r.get("Properties"));
        let domain = props.and_then(|p| p.get("DomainName")).and_then(Value::as_str).unwrap_or_default();
        self.arn_named(kind, &self.physical_name(id, kind), domain)
    }

    /// The ARN of a resource of `kind` named `name` (a CodeArtifact repository's in `domain`).
    fn arn_named(&self, kind: &str, name: &str, domain: &str) -> String {
        let d = self.deployment;
        match kind {
            "AWS::S3::Bucket" => format!("arn:{}:s3:::{name}", d.partition),
            "AWS::SQS::Queue" => format!("arn:{}:sqs:{}:{}:{name}", d.partition, d.region, d.account),
            "AWS::IAM::Role" => format!("arn:{}:iam::{}:role/{name}", d.partition, d.account),
            "AWS::KMS::Key" => format!("arn:{}:kms:{}:{}:key/{name}", d.partition, d.region, d.account),
            "AWS::Lambda::Function" => format!("arn:{}:lambda:{}:{}:function:{name}", d.partition, d.region, d.account),
            "AWS::SNS::Topic" => format!("arn:{}:sns:{}:{}:{name}", d.partition, d.region, d.account),
            "AWS::SecretsManager::Secret" => format!("arn:{}:secretsmanager:{}:{}:secret:{name}-{SECRET_SUFFIX}", d.partition, d.region, d.account),
            "AWS::ECR::Repository" => format!("arn:{}:ecr:{}:{}:repository/{name}", d.partition, d.region, d.account),
            "AWS::EFS::FileSystem" => format!("arn:{}:elasticfilesystem:{}:{}:file-system/{name}", d.partition, d.region, d.account),
            "AWS::DynamoDB::Table" | "AWS::DynamoDB::GlobalTable" => format!("arn:{}:dynamodb:{}:{}:table/{name}", d.partition, d.region, d.account),
            "AWS::S3Express::DirectoryBucket" => format!("arn:{}:s3express:{}:{}:bucket/{name}", d.partition, d.region, d.account),
            "AWS::ApiGateway::RestApi" => format!("arn:{}:apigateway:{}::/restapis/{name}", d.partition, d.region),
            "AWS::Events::EventBus" => format!("arn:{}:events:{}:{}:event-bus/{name}", d.partition, d.region, d.account),
            "AWS::OpenSearchService::Domain" | "AWS::Elasticsearch::Domain" => format!("arn:{}:es:{}:{}:domain/{name}", d.partition, d.region, d.account),
            "AWS::Backup::BackupVault" => format!("arn:{}:backup:{}:{}:backup-vault:{name}", d.partition, d.region, d.account),
            "AWS::Logs::ResourcePolicy" => format!("arn:{}:logs:{}:{}:resource-policy:{name}", d.partition, d.region, d.account),
            "AWS::Logs::Destination" => format!("arn:{}:logs:{}:{}:destination:{name}", d.partition, d.region, d.account),
            "AWS::CodeArtifact::Domain" => format!("arn:{}:codeartifact:{}:{}:domain/{name}", d.partition, d.region, d.account),
            "AWS::CodeArtifact::Repository" => format!("arn:{}:codeartifact:{}:{}:repository/{domain}/{name}", d.partition, d.region, d.account),
            "AWS::Kinesis::Stream" => format!("arn:{}:kinesis:{}:{}:stream/{name}", d.partition, d.region, d.account),
            _ => format!("arn:{}:cloudformation:{}:{}:{kind}/{name}", d.partition, d.region, d.account),
        }
    }

    fn string(&self, v: Option<&Value>, pointer: &str) -> Result<String, Unresolved> {
        match v {
            Some(v) => self.scalar(v, pointer),
            None => Err((pointer.to_string(), "missing".into())),
        }
    }

    /// A queue's ARN from its URL (literal or `Ref`).
    fn queue_arn(&self, v: &Value, pointer: &str) -> Result<String, Unresolved> {
        let url = self.scalar(v, pointer)?;
        let mut parts = url.trim_end_matches('/').rsplit('/');
        let name = parts.next().unwrap_or_default();
        let account = parts.next().filter(|a| a.len() == 12).unwrap_or(&self.deployment.account);
        let region = url.split('.').nth(1).filter(|r| r.contains('-')).unwrap_or(&self.deployment.region);
        Ok(format!("arn:{}:sqs:{region}:{account}:{name}", self.deployment.partition))
    }

    /// A topic's ARN from an entry of `Topics` (an ARN, `Ref` to a topic, `Fn::GetAtt …TopicArn`).
    fn topic_arn(&self, v: &Value, pointer: &str) -> Result<String, Unresolved> {
        let arn = self.scalar(v, pointer)?;
        if arn.starts_with("arn:") && arn.split(':').nth(2) == Some("sns") {
            Ok(arn)
        } else {
            Err((pointer.to_string(), format!("`{arn}` is not a topic ARN")))
        }
    }

    /// A secret's ARN from a `SecretId` (an ARN, `Ref` to a secret, or a name: the ARN is the
    /// name's with the stand-in for the random suffix Secrets Manager adds).
    fn secret_arn(&self, v: Option<&Value>, pointer: &str) -> Result<String, Unresolved> {
        let id = self.string(v, pointer)?;
        let d = self.deployment;
        Ok(if id.starts_with("arn:") {
            id
        } else {
            format!("arn:{}:secretsmanager:{}:{}:secret:{id}-{SECRET_SUFFIX}", d.partition, d.region, d.account)
        })
    }

    /// A function's ARN from a `FunctionName` (a name, an ARN, `Ref`, or `Fn::GetAtt …Arn`).
    fn function_arn(&self, v: Option<&Value>, pointer: &str) -> Result<String, Unresolved> {
        let name = self.string(v, pointer)?;
        let d = self.deployment;
        Ok(if name.starts_with("arn:") {
            name
        } else {
            format!("arn:{}:lambda:{}:{}:function:{name}", d.partition, d.region, d.account)
        })
    }

    /// An event bus's ARN from an `EventBusName` (a name, `Ref` to a bus of the template, or an
    /// ARN); the `default` bus when none is given.
    fn bus_arn(&self, v: Option<&Value>, pointer: &str) -> Result<String, Unresolved> {
        let name = match v {
            Some(v) => self.scalar(v, pointer)?,
            None => "default".to_string(),
        };
        let d = self.deployment;
        Ok(if name.starts_with("arn:") { name } else { format!("arn:{}:events:{}:{}:event-bus/{name}", d.partition, d.region, d.account) })
    }

    /// The fields of an event bus permission in its legacy form (`Action`, `Principal`,
    /// `Condition` with `Type`, `Key`, `Value`; `StatementId` is the `Sid`).
    fn bus_permission(&self, id: &str, props: &Value, at: &str) -> Result<BusFields, Unresolved> {
        let condition = match props.get("Condition") {
            None => None,
            Some(c) if c.is_object() && !c.as_object().is_some_and(|m| m.keys().any(|k| k == "Ref" || k.starts_with("Fn::"))) => {
                let here = format!("{at}/Condition");
                Some((self.required(c, "Type", &here)?, self.required(c, "Key", &here)?, self.required(c, "Value", &here)?))
            }
            Some(_) => return Err((format!("{at}/Condition"), "`Condition` is not an object known before deployment".into())),
        };
        Ok(BusFields {
            sid: self.optional(props, "StatementId", at)?.unwrap_or_else(|| id.to_string()),
            action: self.optional(props, "Action", at)?,
            principal: self.required(props, "Principal", at)?,
            condition,
        })
    }

    /// An optional property, resolved (`at` is the pointer of the resource's `Properties`).
    fn optional(&self, props: &Value, key: &str, at: &str) -> Result<Option<String>, Unresolved> {
        props.get(key).map(|v| self.scalar(v, &format!("{at}/{key}"))).transpose()
    }

    fn required(&self, props: &Value, key: &str, at: &str) -> Result<String, Unresolved> {
        self.optional(props, key, at)?.ok_or_else(|| (format!("{at}/{key}"), format!("`{key}` is missing")))
    }

    fn permission(&self, props: &Value, at: &str) -> Result<PermissionFields, Unresolved> {
        Ok(PermissionFields {
            action: self.required(props, "Action", at)?,
            principal: self.required(props, "Principal", at)?,
            source_arn: self.optional(props, "SourceArn", at)?,
            source_account: self.optional(props, "SourceAccount", at)?,
            principal_org_id: self.optional(props, "PrincipalOrgID", at)?,
            function_url_auth_type: self.optional(props, "FunctionUrlAuthType", at)?,
        })
    }

    /// The policy of a layer version permission, for the layer version's ARN.
    #[expect(clippy::type_complexity, reason = "a closure over the resolved fields")]
    fn layer_permission(&self, id: &str, props: &Value, at: &str) -> Result<Box<dyn Fn(&str) -> String>, Unresolved> {
        let action = self.required(props, "Action", at)?;
        let principal = self.required(props, "Principal", at)?;
        let org = self.optional(props, "OrganizationId", at)?;
        let sid = id.to_string();
        Ok(Box::new(move |arn: &str| {
            Permission {
                sid: &sid,
                action: &action,
                principal: &principal,
                resource: arn,
                source_arn: None,
                source_account: None,
                principal_org_id: org.as_deref(),
                function_url_auth_type: None,
            }
            .policy()
        }))
    }
}
