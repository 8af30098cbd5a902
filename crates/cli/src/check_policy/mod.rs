//! `perimeter check-policy`: resource policies checked offline, with no AWS access, for CI
//! pipelines and tests. Two modes:
//! - one policy document (`FILE --resource-type T --resource-arn ARN`), as before;
//! - infrastructure code: any number of files and directories holding CloudFormation templates
//!   and Terraform plans ([`infra`]), every policy in them with its type and ARN derived from
//!   the resource it is attached to, reported per file and policy as text, JSON or SARIF 2.1.0.
//!
//! With `--rcp FILE` (repeatable) the organization's resource control policies are in force on
//! every resource checked: an access they refuse entirely is still reported, with `blocked_by`,
//! and does not count for exit code 1 (semantics.md section 8).
//!
//! Exit 0 when nothing outside the zone gets in, 1 when something does, 2 when any input could
//! not be read, parsed or analysed (a policy whose value is not known before deployment is never
//! clean).

mod cloudformation;
mod infra;
mod report;
mod terraform;

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use perimeter_evaluator::Rcp;
use perimeter_model::{Finding, ResourceRecord, ResourceType, Zone, ZoneAccount, ZoneAccountKind};
use serde_json::json;

use crate::config::Config;
use crate::console;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Policy documents, CloudFormation templates (JSON or YAML), Terraform plans
    /// (`terraform show -json`), or directories of them; `-` reads one policy from standard input.
    #[arg(required = true, value_name = "PATH")]
    files: Vec<PathBuf>,
    /// For one policy document: its resource type, as Access Analyzer names it.
    #[arg(long, value_parser = crate::plan::resource_type, long_help = crate::plan::resource_types_help(), requires = "resource_arn")]
    resource_type: Option<ResourceType>,
    /// For one policy document: the ARN of the resource it is attached to.
    #[arg(long, requires = "resource_type")]
    resource_arn: Option<String>,
    /// The account that owns the resource, or that the templates deploy to (always inside the zone).
    #[arg(long)]
    owner_account: String,
    /// The region the templates deploy to (for the ARNs built from them).
    #[arg(long, default_value = "us-east-1")]
    region: String,
    /// Another account inside the zone of trust (repeatable).
    #[arg(long = "zone-account")]
    zone_accounts: Vec<String>,
    /// Organization ID of the zone (`o-…`): its accounts and OU paths are inside.
    #[arg(long)]
    zone_org: Option<String>,
    /// The scan config: its `[zone]` (organization ID, member accounts) and trusted accounts
    /// join the zone, so that scans and CI checks judge by the same zone.
    #[arg(long)]
    config: Option<PathBuf>,
    /// A resource control policy of the organization (a JSON document, as `aws organizations
    /// describe-policy` gives its `Content`), in force on every resource checked (repeatable):
    /// an access it refuses entirely is reported with `blocked_by` and does not count for exit
    /// code 1.
    #[arg(long = "rcp", value_name = "FILE")]
    rcps: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t = Format::Json)]
    format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    Json,
    Text,
    /// SARIF 2.1.0, for code scanning (GitHub and others).
    Sarif,
}

/// Why a check could not be made: shown as `{"error": …}` with `--format json`, as a line
/// with `--format text`; exit code 2 either way.
struct CheckError {
    code: &'static str,
    pointer: String,
    message: String,
}

impl CheckError {
    fn new(code: &'static str, message: impl Into<String>) -> CheckError {
        CheckError { code, pointer: String::new(), message: message.into() }
    }
}

pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let (zone, rcps) = match zone_of(args).and_then(|zone| Ok((zone, rcps_of(args)?))) {
        Ok(both) => both,
        Err(e) => {
            report_error(args.format, &e);
            return Ok(ExitCode::from(2));
        }
    };
    match (&args.resource_type, &args.resource_arn) {
        (Some(t), Some(arn)) => {
            let one = match args.files.as_slice() {
                [file] => Ok(file),
                _ => Err(CheckError::new("INVALID_ARGUMENT", "--resource-type and --resource-arn check one policy document: give one file")),
            };
            match one.and_then(|file| check_arguments(args, *t, arn).map(|()| file)).and_then(|file| read_policy(file)) {
                Ok(policy) => analyse(args, &zone, &rcps, *t, arn, policy),
                Err(e) => {
                    report_error(args.format, &e);
                    Ok(ExitCode::from(2))
                }
            }
        }
        _ => report::run(args, &zone, &rcps),
    }
}

/// The `--rcp` documents, each read and checked as an RCP; named by their file (ID: the path
/// as given; name: the file name without its extension).
fn rcps_of(args: &Args) -> Result<Vec<Arc<Rcp>>, CheckError> {
    let mut out = Vec::new();
    for path in &args.rcps {
        let text = read_policy(path)?;
        let id = path.display().to_string();
        let name = path.file_stem().map_or_else(|| id.clone(), |s| s.to_string_lossy().into_owned());
        let rcp = Rcp::parse(&id, &name, &text).map_err(|e| CheckError {
            code: e.code().as_str(),
            pointer: e.pointer().to_string(),
            message: format!("resource control policy {id}: {e}"),
        })?;
        out.push(Arc::new(rcp));
    }
    Ok(out)
}

/// The zone: the owner account, `--zone-account`s and `--zone-org`, and with `--config` its
/// `[zone]` and trusted accounts.
fn zone_of(args: &Args) -> Result<Zone, CheckError> {
    let bad = |m: String| CheckError::new("INVALID_ARGUMENT", m);
    for account in std::iter::once(&args.owner_account).chain(&args.zone_accounts) {
        if !crate::plan::is_account_id(account) {
            return Err(bad(format!("`{account}` is not a 12-digit account ID")));
        }
    }
    if let Some(org) = &args.zone_org
        && !is_org_id(org)
    {
        return Err(bad(format!("--zone-org `{org}` is not an organization ID (`o-` and 10 to 32 lowercase letters or digits)")));
    }
    let config = match &args.config {
        Some(path) => Config::load(path).map_err(|e| bad(console::chain(&e)))?,
        None => Config::default(),
    };
    if let Some(org) = &config.zone.org_id
        && !is_org_id(org)
    {
        return Err(bad(format!("zone.org_id `{org}` is not an organization ID")));
    }
    let org = args.zone_org.clone().or(config.zone.org_id.clone());
    let accounts = std::iter::once(args.owner_account.clone()).chain(args.zone_accounts.iter().cloned()).chain(config.zone.accounts.iter().cloned());
    let mut zone = Zone::of_accounts(org.as_deref(), accounts);
    for t in &config.trusted_accounts {
        zone.accounts.entry(t.id.clone()).or_insert(ZoneAccount { name: Some(t.label.clone()), kind: ZoneAccountKind::Trusted });
    }
    Ok(zone)
}

fn report_error(format: Format, e: &CheckError) {
    match format {
        Format::Json | Format::Sarif => {
            let v = json!({"error": {"code": e.code, "pointer": e.pointer, "message": e.message}});
            console::out(&serde_json::to_string_pretty(&v).unwrap_or_default());
        }
        Format::Text => {
            console::out(&format!("error: {}", console::printable(&e.message)));
        }
    }
}

/// The resource of one policy document, checked before the document is read: an ARN of the
/// type's service in the owner account.
fn check_arguments(args: &Args, t: ResourceType, arn: &str) -> Result<(), CheckError> {
    let bad = |m: String| Err(CheckError::new("INVALID_ARGUMENT", m));
    if !t.has_policy_document() {
        return bad(format!("{t} has no policy document to check: it is shared through an attribute, which a scan reads"));
    }
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    if parts.len() != 6 || parts[0] != "arn" || parts[1].is_empty() || parts[5].is_empty() {
        return bad(format!("--resource-arn `{arn}` is not an ARN (arn:partition:service:region:account:resource)"));
    }
    if parts[2] != t.arn_service() {
        return bad(format!("--resource-arn `{arn}` is an ARN of service `{}`, not of {t} (`{}`)", parts[2], t.arn_service()));
    }
    if t.arn_has_account() && parts[4] != args.owner_account {
        return bad(format!("--resource-arn `{arn}` names account `{}`, not the owner account {}", parts[4], args.owner_account));
    }
    Ok(())
}

fn is_org_id(s: &str) -> bool {
    s.strip_prefix("o-").is_some_and(|rest| (10..=32).contains(&rest.len()) && rest.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()))
}

/// Reads the document: at most the size AWS allows plus one byte (an endless input stops
/// there), UTF-8 without a byte order mark.
fn read_policy(file: &std::path::Path) -> Result<String, CheckError> {
    let limit = perimeter_evaluator::MAX_DOCUMENT_BYTES;
    let (name, reader): (String, Box<dyn Read>) = if file.as_os_str() == "-" {
        ("standard input".into(), Box::new(std::io::stdin()))
    } else {
        let opened = std::fs::File::open(file).map_err(|e| CheckError::new("READ_ERROR", format!("reading {}: {e}", file.display())))?;
        (file.display().to_string(), Box::new(opened))
    };
    let mut bytes = Vec::new();
    reader
        .take(limit as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| CheckError::new("READ_ERROR", format!("reading {name}: {e}")))?;
    if bytes.len() > limit {
        return Err(CheckError::new("LIMIT_EXCEEDED", format!("{name} is larger than {limit} bytes, the most a policy document may hold")));
    }
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        return Err(CheckError::new("PARSE_ERROR", format!("{name} starts with a UTF-8 byte order mark (U+FEFF); a policy document must not")));
    }
    String::from_utf8(bytes).map_err(|e| {
        CheckError::new("PARSE_ERROR", format!("{name} is not valid UTF-8: invalid byte at offset {}", e.utf8_error().valid_up_to()))
    })
}

fn analyse(args: &Args, zone: &Zone, rcps: &[Arc<Rcp>], t: ResourceType, arn: &str, policy: String) -> anyhow::Result<ExitCode> {
    let record = ResourceRecord::from_policy(t, arn, &args.owner_account, policy);
    let analysis = perimeter_evaluator::analyze_guarded(&record, zone, rcps);

    if let Some(error) = analysis.errors.first() {
        let e = CheckError {
            code: error.code.as_str(),
            pointer: error.pointer.clone(),
            message: match args.format {
                Format::Json | Format::Sarif => error.message.clone(),
                Format::Text => format!("{}: {}", error.document, error.message),
            },
        };
        report_error(args.format, &e);
        return Ok(ExitCode::from(2));
    }
    match args.format {
        Format::Json => {
            let findings: Vec<_> = analysis.findings.iter().map(finding_json).collect();
            console::out(&serde_json::to_string_pretty(&json!({ "findings": findings }))?);
        }
        Format::Sarif => {
            let verdict = report::Verdict::of(analysis);
            let result = report::Checked::single(&args.files[0], t, arn, verdict);
            console::out(&serde_json::to_string_pretty(&report::sarif(std::slice::from_ref(&result), &[]))?);
            return Ok(ExitCode::from(report::exit_code(std::slice::from_ref(&result), &[])));
        }
        Format::Text => {
            // Policy text is printed with its control characters escaped: a value can neither
            // erase the PUBLIC line nor forge a "no external access" one.
            let mut lines = Vec::new();
            if analysis.findings.is_empty() {
                lines.push("no external access".to_string());
            }
            for f in &analysis.findings {
                lines.extend(finding_lines(f, ""));
            }
            for line in lines {
                if !console::out(&console::printable(&line)) {
                    break;
                }
            }
        }
    }
    Ok(ExitCode::from(if analysis.findings.iter().all(Finding::is_blocked) { 0 } else { 1 }))
}

/// A finding as check-policy's JSON shows it.
fn finding_json(f: &Finding) -> serde_json::Value {
    let mut v = json!({
        "principal": f.principal, "actions": f.actions, "condition": f.condition,
        "is_public": f.is_public, "shared_via": f.shared_via, "witness": f.witness,
    });
    if let Some(reason) = &f.conservative {
        v["conservative"] = json!(reason);
    }
    if !f.notes.is_empty() {
        v["notes"] = json!(f.notes);
    }
    if f.is_blocked() {
        v["blocked_by"] = json!(f.blocked_by);
    }
    v
}

/// A finding as text lines (control characters are escaped by the caller).
fn finding_lines(f: &Finding, indent: &str) -> Vec<String> {
    let kind = if f.is_public { "PUBLIC" } else { "CROSS-ACCOUNT" };
    let condition: Vec<String> = f.condition.iter().map(|(k, v)| format!("{k} = {}", v.join(" | "))).collect();
    let mut lines = vec![format!("{indent}{kind} {} via {}: {}", f.principal, f.shared_via.as_str(), f.actions.join(", "))];
    if !condition.is_empty() {
        lines.push(format!("{indent}    when {}", condition.join("; ")));
    }
    if let Some(reason) = &f.conservative {
        lines.push(format!("{indent}    conservative: {reason}"));
    }
    if f.is_blocked() {
        let names: Vec<String> = f.blocked_by.iter().map(ToString::to_string).collect();
        lines.push(format!("{indent}    blocked by resource control policies: {}", names.join(", ")));
    }
    lines
}
