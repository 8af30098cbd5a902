//! `perimeter check-policy`: one policy document, one resource, no AWS access. Exit 0 when
//! nothing outside the zone gets in, 1 when something does, 2 on error.

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

use perimeter_model::{ResourceRecord, ResourceType, Zone};
use serde_json::json;

use crate::console;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The policy document (JSON); `-` reads standard input.
    file: PathBuf,
    /// Resource type, as Access Analyzer names it.
    #[arg(long, value_parser = crate::plan::resource_type, long_help = crate::plan::resource_types_help())]
    resource_type: ResourceType,
    /// ARN of the resource the policy is attached to.
    #[arg(long)]
    resource_arn: String,
    /// Account that owns the resource (always inside the zone).
    #[arg(long)]
    owner_account: String,
    /// Another account inside the zone of trust (repeatable).
    #[arg(long = "zone-account")]
    zone_accounts: Vec<String>,
    /// Organization ID of the zone (`o-…`): its accounts and OU paths are inside.
    #[arg(long)]
    zone_org: Option<String>,
    #[arg(long, value_enum, default_value_t = Format::Json)]
    format: Format,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Format {
    Json,
    Text,
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
    match check_arguments(args).and_then(|()| read_policy(&args.file)) {
        Ok(policy) => analyse(args, policy),
        Err(e) => {
            report_error(args.format, &e);
            Ok(ExitCode::from(2))
        }
    }
}

fn report_error(format: Format, e: &CheckError) {
    match format {
        Format::Json => {
            let v = json!({"error": {"code": e.code, "pointer": e.pointer, "message": e.message}});
            console::out(&serde_json::to_string_pretty(&v).unwrap_or_default());
        }
        Format::Text => {
            console::out(&format!("error: {}", console::printable(&e.message)));
        }
    }
}

/// The zone and the resource, checked before the document is read: account IDs, the
/// organization ID, and an ARN of the type's service in the owner account.
fn check_arguments(args: &Args) -> Result<(), CheckError> {
    let bad = |m: String| Err(CheckError::new("INVALID_ARGUMENT", m));
    for account in std::iter::once(&args.owner_account).chain(&args.zone_accounts) {
        if !crate::plan::is_account_id(account) {
            return bad(format!("`{account}` is not a 12-digit account ID"));
        }
    }
    if let Some(org) = &args.zone_org
        && !is_org_id(org)
    {
        return bad(format!("--zone-org `{org}` is not an organization ID (`o-` and 10 to 32 lowercase letters or digits)"));
    }
    let t = args.resource_type;
    let arn = &args.resource_arn;
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

fn analyse(args: &Args, policy: String) -> anyhow::Result<ExitCode> {
    let record = ResourceRecord::from_policy(args.resource_type, &args.resource_arn, &args.owner_account, policy);
    let accounts = std::iter::once(args.owner_account.clone()).chain(args.zone_accounts.iter().cloned());
    let zone = Zone::of_accounts(args.zone_org.as_deref(), accounts);
    let analysis = perimeter_evaluator::analyze(&record, &zone);

    if let Some(error) = analysis.errors.first() {
        let e = CheckError {
            code: error.code.as_str(),
            pointer: error.pointer.clone(),
            message: match args.format {
                Format::Json => error.message.clone(),
                Format::Text => format!("{}: {}", error.document, error.message),
            },
        };
        report_error(args.format, &e);
        return Ok(ExitCode::from(2));
    }
    match args.format {
        Format::Json => {
            let findings: Vec<_> = analysis
                .findings
                .iter()
                .map(|f| {
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
                    v
                })
                .collect();
            console::out(&serde_json::to_string_pretty(&json!({ "findings": findings }))?);
        }
        Format::Text => {
            // Policy text is printed with its control characters escaped: a value can neither
            // erase the PUBLIC line nor forge a "no external access" one.
            let mut lines = Vec::new();
            if analysis.findings.is_empty() {
                lines.push("no external access".to_string());
            }
            for f in &analysis.findings {
                let kind = if f.is_public { "PUBLIC" } else { "CROSS-ACCOUNT" };
                let condition: Vec<String> =
                    f.condition.iter().map(|(k, v)| format!("{k} = {}", v.join(" | "))).collect();
                lines.push(format!("{kind} {} via {}: {}", f.principal, f.shared_via.as_str(), f.actions.join(", ")));
                if !condition.is_empty() {
                    lines.push(format!("    when {}", condition.join("; ")));
                }
                if let Some(reason) = &f.conservative {
                    lines.push(format!("    conservative: {reason}"));
                }
            }
            for line in lines {
                if !console::out(&console::printable(&line)) {
                    break;
                }
            }
        }
    }
    Ok(ExitCode::from(if analysis.findings.is_empty() { 0 } else { 1 }))
}
