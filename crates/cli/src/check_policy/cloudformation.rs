//! CloudFormation templates (JSON or YAML): the resource policies of the resource types
//! perimeter knows, each with the ARN of the resource it is attached to (built from the
//! deployment's account and region where the template names a resource without one).
//! Intrinsic functions are resolved offline where their value is known before deployment:
//! `Ref` to a pseudo parameter or to a resource of the template, `Fn::GetAtt` of its `Arn`,
//! `Fn::Sub` and `Fn::Join` over those. Anything else (a parameter, `Fn::If`, an import) makes
//! the policy not known, never clean.

use std::path::Path;

use perimeter_model::ResourceType;
use serde_json::{Map, Value};

use super::infra::{key_lines, segment, Deployment, Document, Found, Input, Permission};

/// A template has a `Resources` object and either the format version or a resource with an
/// `AWS::` type.
pub fn is_template(doc: &Value) -> bool {
    let Some(resources) = doc.get("Resources").and_then(Value::as_object) else { return false };
    doc.get("AWSTemplateFormatVersion").is_some()
        || resources.values().any(|r| r.get("Type").and_then(Value::as_str).is_some_and(|t| t.starts_with("AWS::")))
}

/// Policy-bearing types perimeter cannot analyse yet: reported as not analysed, never clean.
const NOT_YET: &[(&str, &str)] = &[
    ("AWS::SNS::TopicPolicy", "PolicyDocument"),
    ("AWS::SecretsManager::ResourcePolicy", "ResourcePolicy"),
    ("AWS::ECR::Repository", "RepositoryPolicyText"),
    ("AWS::EFS::FileSystem", "FileSystemPolicy"),
    ("AWS::Events::EventBusPolicy", "Statement"),
    ("AWS::OpenSearchService::Domain", "AccessPolicies"),
    ("AWS::ApiGateway::RestApi", "Policy"),
    ("AWS::Backup::BackupVault", "AccessPolicy"),
    ("AWS::Logs::ResourcePolicy", "PolicyDocument"),
    ("AWS::S3Express::BucketPolicy", "PolicyDocument"),
    ("AWS::DynamoDB::Table", "ResourcePolicy"),
];

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
        // (type, ARN, the document's pointer, the document) of each policy of this resource.
        let mut policies: Vec<(ResourceType, Result<String, Unresolved>, String, Document)> = Vec::new();
        let mut document_at = |resource_type, arn: Result<String, Unresolved>, prop: &str| {
            let pointer = at(prop);
            let document = match props.get(prop) {
                Some(d) => t.document(d, &pointer),
                None => Document::NotKnown { pointer: pointer.clone(), why: format!("`{prop}` is missing") },
            };
            policies.push((resource_type, arn, pointer, document));
        };
        match kind {
            "AWS::S3::BucketPolicy" => {
                let arn = t.string(props.get("Bucket"), &at("Bucket")).map(|b| format!("arn:{}:s3:::{b}", deployment.partition));
                document_at(ResourceType::S3Bucket, arn, "PolicyDocument");
            }
            "AWS::SQS::QueuePolicy" => {
                let queues = props.get("Queues").and_then(Value::as_array).cloned().unwrap_or_default();
                if queues.is_empty() {
                    document_at(ResourceType::SqsQueue, Err((at("Queues"), "`Queues` is missing or empty".into())), "PolicyDocument");
                }
                for (i, q) in queues.iter().enumerate() {
                    document_at(ResourceType::SqsQueue, t.queue_arn(q, &at(&format!("Queues/{i}"))), "PolicyDocument");
                }
            }
            "AWS::SQS::Queue" if props.get("Policy").is_some() => {
                document_at(ResourceType::SqsQueue, Ok(t.arn_of(id, kind)), "Policy");
            }
            "AWS::IAM::Role" => document_at(ResourceType::IamRole, Ok(t.arn_of(id, kind)), "AssumeRolePolicyDocument"),
            "AWS::KMS::Key" => document_at(ResourceType::KmsKey, Ok(t.arn_of(id, kind)), "KeyPolicy"),
            "AWS::Lambda::Permission" => {
                let function = t.function_arn(props.get("FunctionName"), &at("FunctionName"));
                let document = match (&function, t.permission(&props, &props_at)) {
                    (Ok(arn), Ok(fields)) => Document::Known(fields.policy_for(id, arn)),
                    (_, Err((p, why))) => Document::NotKnown { pointer: p, why },
                    (Err((p, why)), _) => Document::NotKnown { pointer: p.clone(), why: why.clone() },
                };
                policies.push((ResourceType::LambdaFunction, function, props_at.clone(), document));
            }
            "AWS::Lambda::LayerVersionPermission" => {
                let arn = t.string(props.get("LayerVersionArn"), &at("LayerVersionArn"));
                let document = match (&arn, t.layer_permission(id, &props, &props_at)) {
                    (Ok(arn), Ok(policy_of)) => Document::Known(policy_of(arn)),
                    (_, Err((p, why))) => Document::NotKnown { pointer: p, why },
                    (Err((p, why)), _) => Document::NotKnown { pointer: p.clone(), why: why.clone() },
                };
                policies.push((ResourceType::LambdaLayerVersion, arn, props_at.clone(), document));
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
        for (resource_type, arn, pointer, document) in policies {
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
            Ok(v) => Document::Known(v.to_string()),
            Err((pointer, why)) => Document::NotKnown { pointer, why },
        }
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
                match (attr, self.resources.get(res).and_then(|r| r.get("Type")).and_then(Value::as_str)) {
                    ("Arn", Some(kind)) => Ok(self.arn_of(res, kind)),
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
                    Some((res, "Arn")) => self.intrinsic("Fn::GetAtt", &serde_json::json!([res, "Arn"]), pointer)?,
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
                Some(match kind {
                    // Ref of a queue is its URL.
                    "AWS::SQS::Queue" => format!("https://sqs.{}.amazonaws.com/{}/{}", d.region, d.account, self.physical_name(name, kind)),
                    "AWS::KMS::Key" => self.physical_name(name, kind),
                    _ => self.physical_name(name, kind),
                })
            }
        }
    }

    /// The name the resource will have: its name property when the template gives one as
    /// text, else its logical ID (CloudFormation generates a name; the logical ID stands for it).
    fn physical_name(&self, id: &str, kind: &str) -> String {
        let prop = match kind {
            "AWS::S3::Bucket" => "BucketName",
            "AWS::SQS::Queue" => "QueueName",
            "AWS::IAM::Role" => "RoleName",
            "AWS::Lambda::Function" => "FunctionName",
            _ => "",
        };
        self.resources
            .get(id)
            .and_then(|r| r.get("Properties"))
            .and_then(|p| p.get(prop))
            .and_then(Value::as_str)
            .map_or_else(|| if kind == "AWS::S3::Bucket" { id.to_ascii_lowercase() } else { id.to_string() }, str::to_string)
    }

    /// The ARN a resource of the template will have.
    fn arn_of(&self, id: &str, kind: &str) -> String {
        let d = self.deployment;
        let name = self.physical_name(id, kind);
        match kind {
            "AWS::S3::Bucket" => format!("arn:{}:s3:::{name}", d.partition),
            "AWS::SQS::Queue" => format!("arn:{}:sqs:{}:{}:{name}", d.partition, d.region, d.account),
            "AWS::IAM::Role" => format!("arn:{}:iam::{}:role/{name}", d.partition, d.account),
            "AWS::KMS::Key" => format!("arn:{}:kms:{}:{}:key/{name}", d.partition, d.region, d.account),
            "AWS::Lambda::Function" => format!("arn:{}:lambda:{}:{}:function:{name}", d.partition, d.region, d.account),
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
