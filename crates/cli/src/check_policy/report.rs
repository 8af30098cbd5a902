//! The verdicts of many policies (infrastructure code), analysed in parallel, and their three
//! outputs: text lines, a JSON report (`schema_version` 1), and SARIF 2.1.0 for code scanning
//! (stable rule IDs, the file and line of the resource, fingerprints that stay the same from run
//! to run). The exit code is over all inputs: 2 if any could not be read, parsed or analysed,
//! else 1 if any grants external access that no resource control policy given stops, else 0.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use perimeter_evaluator::{Analysis, Rcp};
use perimeter_model::{Finding, ResourceRecord, ResourceType, Zone};
use rayon::prelude::*;
use serde_json::{json, Value};

use super::infra::{self, Deployment, Document, Found, Input};
use super::{finding_json, finding_lines, Args, Format};
use crate::console;

/// The verdict on one policy.
#[derive(Debug, Clone)]
pub enum Verdict {
    Access(Vec<Finding>),
    NoAccess,
    /// Its value is not known before deployment, or its type is not analysed yet.
    NotAnalysed { pointer: String, why: String },
    /// It does not parse (or is otherwise invalid), at `pointer` inside the document.
    Invalid { code: String, pointer: String, message: String },
}

impl Verdict {
    /// An access that no RCP given stops (what makes exit code 1).
    pub fn is_open_access(&self) -> bool {
        matches!(self, Verdict::Access(findings) if findings.iter().any(|f| !f.is_blocked()))
    }

    pub fn of(analysis: Analysis) -> Verdict {
        if let Some(e) = analysis.errors.first() {
            return Verdict::Invalid { code: e.code.as_str().into(), pointer: e.pointer.clone(), message: format!("{}: {}", e.document, e.message) };
        }
        if analysis.findings.is_empty() { Verdict::NoAccess } else { Verdict::Access(analysis.findings) }
    }
}

/// One policy checked.
#[derive(Debug, Clone)]
pub struct Checked {
    pub file: PathBuf,
    pub resource: String,
    pub pointer: String,
    pub line: Option<usize>,
    pub resource_type: Option<ResourceType>,
    pub resource_arn: String,
    pub verdict: Verdict,
}

impl Checked {
    /// The one policy of the single-document mode.
    pub fn single(file: &Path, t: ResourceType, arn: &str, verdict: Verdict) -> Checked {
        Checked { file: file.to_path_buf(), resource: arn.to_string(), pointer: String::new(), line: Some(1), resource_type: Some(t), resource_arn: arn.to_string(), verdict }
    }
}

/// A file that holds no infrastructure code.
#[derive(Debug, Clone)]
pub struct Skipped {
    pub file: PathBuf,
    pub why: String,
}

pub fn run(args: &Args, zone: &Zone, rcps: &[Arc<Rcp>]) -> anyhow::Result<ExitCode> {
    let deployment = Deployment { account: args.owner_account.clone(), region: args.region.clone(), partition: "aws".into() };
    let files = infra::files(&args.files);
    let inputs: Vec<Input> = files.par_iter().flat_map_iter(|f| infra::read(f, &deployment)).collect();
    let (checked, skipped) = check(inputs, &args.owner_account, zone, rcps);
    let code = exit_code(&checked, &skipped);
    match args.format {
        Format::Json => {
            console::out(&serde_json::to_string_pretty(&json_report(&checked, &skipped))?);
        }
        Format::Sarif => {
            console::out(&serde_json::to_string_pretty(&sarif(&checked, &skipped))?);
        }
        Format::Text => {
            for line in text(&checked, &skipped) {
                if !console::out(&console::printable(&line)) {
                    break;
                }
            }
        }
    }
    Ok(ExitCode::from(code))
}

/// Analyses every policy found, in parallel.
fn check(inputs: Vec<Input>, owner: &str, zone: &Zone, rcps: &[Arc<Rcp>]) -> (Vec<Checked>, Vec<Skipped>) {
    let mut found: Vec<Found> = Vec::new();
    let mut checked = Vec::new();
    let mut skipped = Vec::new();
    for input in inputs {
        match input {
            Input::Policies(list) => found.extend(list),
            Input::Skipped { file, why } => skipped.push(Skipped { file, why }),
            Input::Unreadable { file, message } => checked.push(Checked {
                file,
                resource: String::new(),
                pointer: String::new(),
                line: None,
                resource_type: None,
                resource_arn: String::new(),
                verdict: Verdict::Invalid { code: "PARSE_ERROR".into(), pointer: String::new(), message },
            }),
            Input::Unsupported { file, resource, pointer, line, why } => checked.push(Checked {
                file,
                resource,
                pointer: pointer.clone(),
                line,
                resource_type: None,
                resource_arn: String::new(),
                verdict: Verdict::NotAnalysed { pointer, why },
            }),
        }
    }
    checked.par_extend(found.into_par_iter().map(|f| {
        let verdict = match f.document {
            Document::NotKnown { pointer, why } => Verdict::NotAnalysed { pointer, why },
            Document::Known(text) => {
                let record = ResourceRecord::from_policy(f.resource_type, &f.resource_arn, owner, text);
                Verdict::of(perimeter_evaluator::analyze_guarded(&record, zone, rcps))
            }
        };
        Checked {
            file: f.file,
            resource: f.resource,
            pointer: f.pointer,
            line: f.line,
            resource_type: Some(f.resource_type),
            resource_arn: f.resource_arn,
            verdict,
        }
    }));
    checked.sort_by(|a, b| (&a.file, a.line, &a.resource, &a.pointer).cmp(&(&b.file, b.line, &b.resource, &b.pointer)));
    (checked, skipped)
}

pub fn exit_code(checked: &[Checked], _skipped: &[Skipped]) -> u8 {
    if checked.iter().any(|c| matches!(c.verdict, Verdict::NotAnalysed { .. } | Verdict::Invalid { .. })) {
        2
    } else if checked.iter().any(|c| c.verdict.is_open_access()) {
        1
    } else {
        0
    }
}

fn place(c: &Checked) -> String {
    let file = c.file.display();
    let at = c.line.map_or_else(String::new, |l| format!(":{l}"));
    let what = if c.resource.is_empty() { String::new() } else { format!(" {}", c.resource) };
    let kind = c.resource_type.map_or_else(String::new, |t| format!(" ({t})"));
    format!("{file}{at}:{what}{kind}")
}

fn text(checked: &[Checked], skipped: &[Skipped]) -> Vec<String> {
    let mut lines = Vec::new();
    for c in checked {
        match &c.verdict {
            Verdict::Access(findings) => {
                lines.push(place(c));
                for f in findings {
                    lines.extend(finding_lines(f, "  "));
                }
            }
            Verdict::NoAccess => lines.push(format!("{} no external access", place(c))),
            Verdict::NotAnalysed { pointer, why } => lines.push(format!("{} NOT ANALYSED at `{pointer}`: {why}", place(c))),
            Verdict::Invalid { code, pointer, message } => lines.push(format!("{} ERROR {code} at `{}{pointer}`: {message}", place(c), c.pointer)),
        }
    }
    for s in skipped {
        lines.push(format!("{}: skipped: {}", s.file.display(), s.why));
    }
    let (access, blocked, errors) = (
        checked.iter().filter(|c| c.verdict.is_open_access()).count(),
        checked.iter().filter(|c| matches!(c.verdict, Verdict::Access(_)) && !c.verdict.is_open_access()).count(),
        checked.iter().filter(|c| matches!(c.verdict, Verdict::NotAnalysed { .. } | Verdict::Invalid { .. })).count(),
    );
    let blocked = if blocked > 0 { format!(" ({blocked} more whose access the resource control policies stop)") } else { String::new() };
    lines.push(format!(
        "{} policies: {access} with external access{blocked}, {errors} not analysed or invalid; {} files skipped",
        checked.len(),
        skipped.len()
    ));
    lines
}

fn verdict_name(v: &Verdict) -> &'static str {
    match v {
        v @ Verdict::Access(_) if v.is_open_access() => "external_access",
        Verdict::Access(_) => "external_access_blocked",
        Verdict::NoAccess => "no_external_access",
        Verdict::NotAnalysed { .. } => "not_analysed",
        Verdict::Invalid { .. } => "error",
    }
}

fn json_report(checked: &[Checked], skipped: &[Skipped]) -> Value {
    let results: Vec<Value> = checked
        .iter()
        .map(|c| {
            let mut v = json!({
                "file": c.file.display().to_string(), "resource": c.resource, "pointer": c.pointer, "line": c.line,
                "resource_type": c.resource_type, "resource_arn": c.resource_arn, "verdict": verdict_name(&c.verdict),
            });
            match &c.verdict {
                Verdict::Access(findings) => v["findings"] = findings.iter().map(finding_json).collect(),
                Verdict::NoAccess => v["findings"] = json!([]),
                Verdict::NotAnalysed { pointer, why } => v["not_analysed"] = json!({"pointer": pointer, "reason": why}),
                Verdict::Invalid { code, pointer, message } => {
                    v["error"] = json!({"code": code, "pointer": format!("{}{pointer}", c.pointer), "message": message});
                }
            }
            v
        })
        .collect();
    json!({
        "schema_version": 1,
        "summary": {
            "policies": checked.len(),
            "external_access": checked.iter().filter(|c| c.verdict.is_open_access()).count(),
            "external_access_blocked": checked.iter().filter(|c| matches!(c.verdict, Verdict::Access(_)) && !c.verdict.is_open_access()).count(),
            "not_analysed": checked.iter().filter(|c| matches!(c.verdict, Verdict::NotAnalysed { .. })).count(),
            "errors": checked.iter().filter(|c| matches!(c.verdict, Verdict::Invalid { .. })).count(),
            "skipped_files": skipped.len(),
        },
        "results": results,
        "skipped": skipped.iter().map(|s| json!({"file": s.file.display().to_string(), "reason": s.why})).collect::<Vec<_>>(),
    })
}

/// The SARIF rules, with IDs that never change.
const RULES: &[(&str, &str, &str, &str)] = &[
    ("PERIMETER001", "public-access", "error", "A resource policy lets anyone outside the organization in."),
    ("PERIMETER002", "cross-account-access", "warning", "A resource policy lets named accounts or identities outside the organization in."),
    ("PERIMETER003", "not-analysed", "error", "A resource policy could not be analysed offline (its value is known only at deployment, or its type is not analysed yet)."),
    ("PERIMETER004", "invalid-policy", "error", "A resource policy or the file holding it does not parse."),
    ("PERIMETER005", "blocked-access", "note", "A resource policy lets someone outside the organization in, but the organization's resource control policies stop every such request (a detached RCP would open it)."),
];

/// A SARIF 2.1.0 log of the results.
pub fn sarif(checked: &[Checked], _skipped: &[Skipped]) -> Value {
    let rules: Vec<Value> = RULES
        .iter()
        .map(|(id, name, level, text)| {
            json!({"id": id, "name": name, "shortDescription": {"text": text}, "defaultConfiguration": {"level": level},
                   "helpUri": "https://github.com/perimeter-audit/perimeter/blob/main/docs/findings.md"})
        })
        .collect();
    let mut results = Vec::new();
    for c in checked {
        let location = location(c);
        match &c.verdict {
            Verdict::Access(findings) => {
                for f in findings {
                    let rule = if f.is_blocked() { 4 } else if f.is_public { 0 } else { 1 };
                    let condition = if f.condition.is_empty() { String::new() } else { format!(" when {}", serde_json::to_string(&f.condition).unwrap_or_default()) };
                    let blocked = if f.is_blocked() {
                        format!("; stopped by {}", f.blocked_by.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "))
                    } else {
                        String::new()
                    };
                    let text = format!(
                        "{} `{}` lets {} in through {}: {}{condition}{blocked}",
                        c.resource_type.map_or("resource", |t| t.as_str()),
                        c.resource,
                        f.principal,
                        f.shared_via.as_str(),
                        f.actions.join(", ")
                    );
                    results.push(result(rule, &text, &location, fingerprint(c, &f.id)));
                }
            }
            Verdict::NoAccess => {}
            Verdict::NotAnalysed { pointer, why } => {
                results.push(result(2, &format!("`{}` not analysed at `{pointer}`: {why}", c.resource), &location, fingerprint(c, "not-analysed")));
            }
            Verdict::Invalid { code, pointer, message } => {
                results.push(result(3, &format!("{code} at `{}{pointer}`: {message}", c.pointer), &location, fingerprint(c, "invalid")));
            }
        }
    }
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "perimeter", "version": env!("CARGO_PKG_VERSION"),
                                "informationUri": "https://github.com/perimeter-audit/perimeter", "rules": rules}},
            "results": results,
        }],
    })
}

fn location(c: &Checked) -> Value {
    let uri = c.file.to_string_lossy().replace('\\', "/");
    let uri = uri.strip_prefix("./").unwrap_or(&uri).to_string();
    let mut physical = json!({"artifactLocation": {"uri": uri}});
    if let Some(line) = c.line {
        physical["region"] = json!({"startLine": line});
    }
    let mut location = json!({"physicalLocation": physical});
    if !c.resource.is_empty() {
        location["logicalLocations"] = json!([{"name": c.resource, "fullyQualifiedName": format!("{}{}", c.resource, c.pointer), "kind": "resource"}]);
    }
    location
}

fn result(rule: usize, text: &str, location: &Value, fingerprint: String) -> Value {
    let (id, _, level, _) = RULES[rule];
    json!({"ruleId": id, "ruleIndex": rule, "level": level, "message": {"text": text},
           "locations": [location], "partialFingerprints": {"perimeterFinding/v1": fingerprint}})
}

/// A fingerprint that stays the same from run to run for the same access at the same place:
/// the file, the resource and the finding's own stable ID (which hashes the resource, principal,
/// condition and path), not the line number.
fn fingerprint(c: &Checked, what: &str) -> String {
    perimeter_evaluator::finding_id(&c.file.to_string_lossy(), &c.resource, &c.pointer, what, false, false, false)
}
