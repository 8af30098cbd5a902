//! Infrastructure code as `check-policy` reads it: the files and directories named, each file
//! recognised as a CloudFormation template (JSON or YAML), a Terraform plan (`terraform show
//! -json`), or neither (skipped, and said so), and every resource policy found in it with its
//! resource type and ARN derived from the resource it is attached to. A policy whose value is
//! not known before deployment (an intrinsic function that cannot be resolved offline, a
//! computed value) is a [`Found`] with `NotKnown`, never a clean policy.

use std::path::{Path, PathBuf};

use perimeter_model::ResourceType;
use serde_json::{json, Map, Value};

use super::{cloudformation, terraform};

/// Where the templates deploy to: the values that pseudo parameters and built ARNs take.
#[derive(Debug, Clone)]
pub struct Deployment {
    pub account: String,
    pub region: String,
    pub partition: String,
}

/// One resource policy found in a file.
#[derive(Debug, Clone)]
pub struct Found {
    pub file: PathBuf,
    /// The resource it belongs to: a CloudFormation logical ID or a Terraform address.
    pub resource: String,
    /// Where its document is: a JSON pointer into the template or plan.
    pub pointer: String,
    /// The line of the resource in the file, where the format has lines (templates).
    pub line: Option<usize>,
    pub resource_type: ResourceType,
    pub resource_arn: String,
    pub document: Document,
}

/// A policy document as the file gives it.
#[derive(Debug, Clone)]
pub enum Document {
    /// The document's JSON text, every value known.
    Known(String),
    /// Not known before deployment: why, and where.
    NotKnown { pointer: String, why: String },
}

/// What reading one input gave.
#[derive(Debug, Clone)]
pub enum Input {
    Policies(Vec<Found>),
    /// The file is none of the formats check-policy reads.
    Skipped { file: PathBuf, why: String },
    /// The file could not be read or parsed.
    Unreadable { file: PathBuf, message: String },
    /// A resource whose policy perimeter cannot analyse (a type it does not know yet).
    Unsupported { file: PathBuf, resource: String, pointer: String, line: Option<usize>, why: String },
}

/// The files under `paths` (directories walked, sorted; hidden entries and `node_modules`,
/// `.terraform` left out) that may hold infrastructure code.
pub fn files(paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            walk(p, &mut out);
        } else {
            out.push(p.clone());
        }
    }
    out
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        out.push(dir.to_path_buf()); // reported as unreadable when read
        return;
    };
    let mut entries: Vec<PathBuf> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
        if name.starts_with('.') || name == "node_modules" {
            continue;
        }
        if path.is_dir() {
            walk(&path, out);
        } else if [".json", ".yaml", ".yml", ".template"].iter().any(|x| name.ends_with(x)) {
            out.push(path);
        }
    }
}

/// Reads one file and finds its policies.
pub fn read(file: &Path, deployment: &Deployment) -> Vec<Input> {
    let text = match std::fs::read_to_string(file) {
        Ok(t) => t,
        Err(e) => return vec![Input::Unreadable { file: file.to_path_buf(), message: format!("reading {}: {e}", file.display()) }],
    };
    let is_yaml = file.extension().is_some_and(|x| x == "yaml" || x == "yml");
    let parsed = if is_yaml { parse_yaml(&text) } else { parse_json(&text) };
    let doc = match parsed {
        Ok(v) => v,
        Err(message) => return vec![Input::Unreadable { file: file.to_path_buf(), message: format!("{}: {message}", file.display()) }],
    };
    if cloudformation::is_template(&doc) {
        cloudformation::policies(file, &text, &doc, deployment)
    } else if terraform::is_plan(&doc) {
        terraform::policies(file, &doc, deployment)
    } else {
        vec![Input::Skipped {
            file: file.to_path_buf(),
            why: "neither a CloudFormation template nor a Terraform plan (`terraform show -json`)".into(),
        }]
    }
}

/// JSON read as strictly as a policy: a key written twice is an error at its pointer.
fn parse_json(text: &str) -> Result<Value, String> {
    perimeter_evaluator::json::parse(text).map_err(|e| match e.pointer() {
        "" => e.to_string(),
        pointer => format!("at `{pointer}`: {e}"),
    })
}

/// YAML into JSON values; CloudFormation's short-form tags (`!Ref x`, `!Sub s`, `!GetAtt a.b`)
/// become their long forms (`{"Ref": "x"}`, `{"Fn::Sub": "s"}`, `{"Fn::GetAtt": "a.b"}`).
fn parse_yaml(text: &str) -> Result<Value, String> {
    let yaml: serde_yaml_ng::Value = serde_yaml_ng::from_str(text).map_err(|e| format!("not valid YAML: {e}"))?;
    yaml_to_json(yaml)
}

fn yaml_to_json(v: serde_yaml_ng::Value) -> Result<Value, String> {
    use serde_yaml_ng::Value as Y;
    Ok(match v {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => serde_json::to_value(&n).map_err(|e| e.to_string())?,
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => Value::Array(items.into_iter().map(yaml_to_json).collect::<Result<_, _>>()?),
        Y::Mapping(map) => {
            let mut out = Map::new();
            for (k, v) in map {
                let key = match k {
                    Y::String(s) => s,
                    Y::Number(n) => n.to_string(),
                    Y::Bool(b) => b.to_string(),
                    other => return Err(format!("a mapping key that is not a string: {other:?}")),
                };
                if out.contains_key(&key) {
                    return Err(format!("the key `{key}` appears twice in one mapping"));
                }
                out.insert(key, yaml_to_json(v)?);
            }
            Value::Object(out)
        }
        Y::Tagged(tagged) => {
            let tag = tagged.tag.to_string();
            let name = tag.trim_start_matches('!');
            let value = yaml_to_json(tagged.value)?;
            let long = if name == "Ref" || name == "Condition" { name.to_string() } else { format!("Fn::{name}") };
            // `!GetAtt a.b` is `Fn::GetAtt: [a, b]`.
            let value = match (name, value) {
                ("GetAtt", Value::String(s)) => match s.split_once('.') {
                    Some((a, b)) => json!([a, b]),
                    None => Value::String(s),
                },
                (_, v) => v,
            };
            json!({ long: value })
        }
    })
}

/// The 1-based line of each mapping key that starts a line of `text` (a quoted JSON key or a
/// YAML key), first occurrence kept: to point a reader at a resource. Built once per file.
pub fn key_lines(text: &str) -> std::collections::HashMap<&str, usize> {
    let mut out = std::collections::HashMap::new();
    for (i, line) in text.lines().enumerate() {
        let t = line.trim_start();
        let key = if let Some(rest) = t.strip_prefix('"') {
            rest.split_once('"').filter(|(_, after)| after.trim_start().starts_with(':')).map(|(k, _)| k)
        } else {
            t.split_once(':').map(|(k, _)| k).filter(|k| !k.is_empty() && !k.contains([' ', '"', '\'', '#', '-']))
        };
        if let Some(k) = key {
            out.entry(k).or_insert(i + 1);
        }
    }
    out
}

/// A JSON pointer segment (`~` and `/` escaped).
pub fn segment(s: &str) -> String {
    s.replace('~', "~0").replace('/', "~1")
}

/// A Lambda permission (CloudFormation's `AWS::Lambda::Permission`, Terraform's
/// `aws_lambda_permission`) as the one policy statement Lambda's AddPermission writes for it.
pub struct Permission<'a> {
    pub sid: &'a str,
    pub action: &'a str,
    pub principal: &'a str,
    pub resource: &'a str,
    pub source_arn: Option<&'a str>,
    pub source_account: Option<&'a str>,
    pub principal_org_id: Option<&'a str>,
    pub function_url_auth_type: Option<&'a str>,
}

impl Permission<'_> {
    /// The policy document of this one statement.
    pub fn policy(&self) -> String {
        let principal = principal_value(self.principal);
        let mut condition = Map::new();
        let mut add = |op: &str, key: &str, value: Option<&str>| {
            if let Some(v) = value {
                let block = condition.entry(op.to_string()).or_insert_with(|| json!({}));
                block[key] = json!(v);
            }
        };
        add("ArnLike", "AWS:SourceArn", self.source_arn);
        add("StringEquals", "AWS:SourceAccount", self.source_account);
        add("StringEquals", "aws:PrincipalOrgID", self.principal_org_id);
        add("StringEquals", "lambda:FunctionUrlAuthType", self.function_url_auth_type);
        let mut statement = json!({"Sid": self.sid, "Effect": "Allow", "Principal": principal,
                                   "Action": self.action, "Resource": self.resource});
        if !condition.is_empty() {
            statement["Condition"] = Value::Object(condition);
        }
        json!({"Version": "2012-10-17", "Statement": [statement]}).to_string()
    }
}

/// The `Principal` of a permission: `*`, an account or ARN (`AWS`), or a service.
pub fn principal_value(p: &str) -> Value {
    if p == "*" {
        json!("*")
    } else if p.ends_with(".amazonaws.com") || p.ends_with(".amazonaws.com.cn") {
        json!({"Service": p})
    } else {
        json!({"AWS": p})
    }
}
