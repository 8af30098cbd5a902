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
    /// A resource whose policy perimeter cannot analyse: a type it does not know yet, or a type
    /// that only a value known after deployment would tell (`why` says which).
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

/// A part of a resource's ARN that AWS generates at deployment, for which check-policy puts a
/// stand-in into the ARN it builds: a secret's six random characters ([`SECRET_SUFFIX`]), a
/// stream's label, the time it was enabled ([`STREAM_LABEL`]), a file system's ID, a REST API's
/// ID (the resource's logical ID, or Terraform name, stands for these two, as for every other
/// generated name).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Generated {
    SecretSuffix,
    StreamLabel,
    FileSystemId,
    RestApiId,
}

/// The stand-in for a secret's random suffix (`…:secret:<name>-XXXXXX`).
pub const SECRET_SUFFIX: &str = "XXXXXX";
/// The stand-in for a stream's label (`…:table/<name>/stream/1970-01-01T00:00:00.000`).
pub const STREAM_LABEL: &str = "1970-01-01T00:00:00.000";

impl Generated {
    fn what(self) -> &'static str {
        match self {
            Generated::SecretSuffix => "the secret's random suffix",
            Generated::StreamLabel => "the stream's label",
            Generated::FileSystemId => "the file system's ID",
            Generated::RestApiId => "the API's ID",
        }
    }

    /// A character the generated part can hold.
    fn allows(self, c: char) -> bool {
        match self {
            Generated::SecretSuffix => c.is_ascii_alphanumeric(),
            Generated::StreamLabel => c.is_ascii_digit() || matches!(c, '-' | 'T' | ':' | '.'),
            Generated::FileSystemId => c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-',
            Generated::RestApiId => c.is_ascii_lowercase() || c.is_ascii_digit(),
        }
    }

    /// The length every value of the part has, where AWS fixes it.
    fn length(self) -> Option<usize> {
        match self {
            Generated::SecretSuffix => Some(SECRET_SUFFIX.len()),
            Generated::StreamLabel => Some(STREAM_LABEL.len()),
            Generated::FileSystemId | Generated::RestApiId => None,
        }
    }
}

/// The ARN to judge a policy with, when the last `generated_len` characters of `arn` are the
/// stand-in for a part AWS generates at deployment. The policy decides: a pattern that names
/// the resource with its generated part left to wildcards (`…:secret:db-*`, `…/stream/*`)
/// matches the stand-in as it matches the real value, and the stand-in is kept; a policy that
/// names the part itself, once (a template updated after the first deployment), gives the ARN
/// that value; a policy that names it twice, or by a pattern on the part (`fs-0a*`), cannot be
/// judged before deployment (`Err`, at `pointer`), never as clean.
pub fn settle(arn: &str, generated_len: usize, part: Generated, document: &Document, pointer: &str) -> Result<String, (String, String)> {
    let (base, stand_in) = arn.split_at(arn.len().saturating_sub(generated_len));
    Ok(match named_part(base, stand_in, part, document, pointer)? {
        Some(value) => format!("{base}{value}"),
        None => arn.to_string(),
    })
}

/// [`settle`] for a REST API, whose ARN (`arn:<partition>:apigateway:<region>::/restapis/<id>`)
/// ends in the stand-in for its generated ID: its policy names the API by its routes,
/// `arn:<partition>:execute-api:<region>:<account>:<id>/<stage>/<method>/<path>`, so the ID is
/// read there (the part before the first `/`). The `execute-api:/…` shorthand names no ID.
pub fn settle_api_id(arn: &str, generated_len: usize, account: &str, document: &Document, pointer: &str) -> Result<String, (String, String)> {
    let (base, stand_in) = arn.split_at(arn.len().saturating_sub(generated_len));
    let fields: Vec<&str> = arn.splitn(5, ':').collect();
    let (partition, region) = (fields.get(1).copied().unwrap_or("aws"), fields.get(3).copied().unwrap_or_default());
    let routes = format!("arn:{partition}:execute-api:{region}:{account}:");
    Ok(match named_part(&routes, stand_in, Generated::RestApiId, document, pointer)? {
        Some(value) => format!("{base}{value}"),
        None => arn.to_string(),
    })
}

/// The value of the generated part that the policy names after `base` (where the stand-in
/// stands), if it names one; `Err` when it cannot be told before deployment.
fn named_part(base: &str, stand_in: &str, part: Generated, document: &Document, pointer: &str) -> Result<Option<String>, (String, String)> {
    let Document::Known(text) = document else { return Ok(None) };
    let Ok(value) = serde_json::from_str::<Value>(text) else { return Ok(None) }; // the evaluator names the error
    let mut strings = Vec::new();
    strings_in(&value, &mut strings);
    let mut named: Vec<&str> = Vec::new();
    for s in strings {
        let Some(tail) = s.strip_prefix(base) else { continue };
        // A route names the API's ID before its stage, method and path.
        let tail = if part == Generated::RestApiId { tail.split('/').next().unwrap_or(tail) } else { tail };
        if tail == stand_in {
            continue; // the template's own reference to the resource
        }
        let literal: Vec<char> = tail.chars().filter(|c| !matches!(c, '*' | '?')).collect();
        let marks = tail.chars().filter(|c| *c == '?').count();
        if !tail.contains(['*', '?']) {
            // A value: this resource's own if it is one the part can be.
            let possible = !tail.is_empty() && tail.chars().all(|c| part.allows(c)) && part.length().is_none_or(|n| n == tail.len());
            if possible && !named.contains(&tail) {
                named.push(tail);
            }
        } else if literal.is_empty() && (marks == 0 || part.length().is_some()) {
            // Wildcards only: `*`s match any value; `?`s count characters, and where every value
            // of the part has one length the stand-in has it too, so it matches them exactly
            // when the real value does.
        } else if literal.iter().all(|c| part.allows(*c)) {
            return Err((pointer.to_string(), format!("the policy names `{s}`: {} is generated at deployment, so whether the pattern matches it is not known before", part.what())));
        }
    }
    match named.as_slice() {
        [] => Ok(None),
        [one] => Ok(Some((*one).to_string())),
        several => Err((pointer.to_string(), format!("the policy names {} values of {} (`{}`), which is generated at deployment", several.len(), part.what(), several.join("`, `")))),
    }
}

fn strings_in<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
    match v {
        Value::String(s) => out.push(s),
        Value::Array(items) => items.iter().for_each(|x| strings_in(x, out)),
        Value::Object(map) => map.values().for_each(|x| strings_in(x, out)),
        _ => {}
    }
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

/// An event bus permission in its legacy form (CloudFormation's `AWS::Events::EventBusPolicy`
/// with `Action`, `Principal` and `Condition` instead of `Statement`), as the one statement
/// EventBridge's PutPermission writes for it: `Allow`, the `Principal` (`*`, or the account's
/// root), the `Action` (`events:PutEvents`, the only one PutPermission takes, when none is
/// given), the bus's ARN as `Resource`, and the condition `{Type: {Key: Value}}`.
pub struct BusPermission<'a> {
    pub sid: &'a str,
    pub action: Option<&'a str>,
    pub principal: &'a str,
    pub bus_arn: &'a str,
    pub partition: &'a str,
    /// The condition's `Type`, `Key` and `Value`.
    pub condition: Option<(&'a str, &'a str, &'a str)>,
}

impl BusPermission<'_> {
    /// The policy document of this one statement.
    pub fn policy(&self) -> String {
        let p = self.principal;
        let principal = if p.len() == 12 && p.bytes().all(|b| b.is_ascii_digit()) {
            json!({"AWS": format!("arn:{}:iam::{p}:root", self.partition)})
        } else {
            principal_value(p)
        };
        let mut statement = json!({"Sid": self.sid, "Effect": "Allow", "Principal": principal,
                                   "Action": self.action.unwrap_or("events:PutEvents"), "Resource": self.bus_arn});
        if let Some((op, key, value)) = self.condition {
            statement["Condition"] = json!({ op: { key: value } });
        }
        json!({"Version": "2012-10-17", "Statement": [statement]}).to_string()
    }
}

/// The policy of `statements`, for a resource that holds a statement instead of a policy
/// (`AWS::Events::EventBusPolicy`'s `Statement`).
pub fn policy_of(statements: &[Value]) -> String {
    json!({"Version": "2012-10-17", "Statement": statements}).to_string()
}

/// Whether `arn` is a Kinesis data stream's (`arn:<partition>:kinesis:<region>:<account>:stream/<name>`),
/// not a stream consumer's (`…:stream/<name>/consumer/<consumer>:<time>`) nor another service's.
pub fn is_stream_arn(arn: &str) -> bool {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    matches!(parts.as_slice(), ["arn", _, "kinesis", _, _, resource] if resource.strip_prefix("stream/").is_some_and(|n| !n.is_empty() && !n.contains('/')))
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

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(resources: &[&str]) -> Document {
        Document::Known(json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": resources}]}).to_string())
    }

    const SECRET: &str = "arn:aws:secretsmanager:us-east-1:111111111111:secret:db-creds-XXXXXX";

    fn secret(resources: &[&str]) -> Result<String, (String, String)> {
        settle(SECRET, SECRET_SUFFIX.len(), Generated::SecretSuffix, &policy(resources), "/p")
    }

    #[test]
    fn wildcards_over_the_generated_part_keep_the_stand_in() {
        let base = "arn:aws:secretsmanager:us-east-1:111111111111:secret:db-creds-";
        for r in ["*", &format!("{base}*"), &format!("{base}??????"), SECRET, &format!("{base}???")] {
            assert_eq!(secret(&[r]).as_deref(), Ok(SECRET), "{r}");
        }
        // Another secret whose name starts like this one's is not this one.
        assert_eq!(secret(&[&format!("{base}other-AbCdEf")]).as_deref(), Ok(SECRET));
        // A document that does not parse is left to the evaluator.
        let broken = Document::Known("{".into());
        assert_eq!(settle(SECRET, 6, Generated::SecretSuffix, &broken, "/p").as_deref(), Ok(SECRET));
    }

    #[test]
    fn a_value_the_policy_names_is_taken_once_and_is_ambiguous_twice() {
        let base = "arn:aws:secretsmanager:us-east-1:111111111111:secret:db-creds-";
        let named = format!("{base}AbCdEf");
        assert_eq!(secret(&[&named, &named]), Ok(named.clone()));
        let (pointer, why) = secret(&[&named, &format!("{base}GhIjKl")]).expect_err("two values");
        assert_eq!(pointer, "/p");
        assert!(why.contains("2 values") && why.contains("AbCdEf") && why.contains("GhIjKl"), "{why}");
        let (_, why) = secret(&[&format!("{base}Ab*")]).expect_err("a pattern on the suffix");
        assert!(why.contains("db-creds-Ab*"), "{why}");
    }

    #[test]
    fn a_file_system_id_has_no_fixed_length_so_a_question_mark_is_not_known() {
        let arn = "arn:aws:elasticfilesystem:us-east-1:111111111111:file-system/Shared";
        let base = "arn:aws:elasticfilesystem:us-east-1:111111111111:file-system/";
        let fs = |r: &str| settle(arn, "Shared".len(), Generated::FileSystemId, &policy(&[r]), "/p");
        assert_eq!(fs(&format!("{base}*")).as_deref(), Ok(arn));
        assert!(fs(&format!("{base}????????????")).is_err());
        assert!(fs(&format!("{base}fs-*")).is_err());
        assert_eq!(fs(&format!("{base}fs-0123abcd")).as_deref(), Ok("arn:aws:elasticfilesystem:us-east-1:111111111111:file-system/fs-0123abcd"));
        // Not a file system ID (uppercase, a path): another resource's ARN, left alone.
        assert_eq!(fs(&format!("{base}Other")).as_deref(), Ok(arn));
    }

    #[test]
    fn a_stream_label_is_taken_from_the_policy() {
        let arn = format!("arn:aws:dynamodb:us-east-1:111111111111:table/orders/stream/{STREAM_LABEL}");
        let base = "arn:aws:dynamodb:us-east-1:111111111111:table/orders/stream/";
        let stream = |r: &str| settle(&arn, STREAM_LABEL.len(), Generated::StreamLabel, &policy(&[r]), "/p");
        assert_eq!(stream(&format!("{base}*")), Ok(arn.clone()));
        assert_eq!(stream(&format!("{base}2024-05-01T12:00:00.000")), Ok(format!("{base}2024-05-01T12:00:00.000")));
        assert!(stream(&format!("{base}2024-*")).is_err());
        // The table's own ARN and its indexes are not the stream's.
        assert_eq!(stream("arn:aws:dynamodb:us-east-1:111111111111:table/orders/index/byDate"), Ok(arn.clone()));
    }
}
