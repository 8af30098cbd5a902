//! Runs every case of the hand-written corpus (`tests/corpus/**.json`, format in its README):
//! the findings must equal the expected ones, and every witness must be allowed by the
//! concrete evaluator on the document it came from.

mod support;

use std::collections::BTreeSet;
use std::path::Path;

use perimeter_evaluator::{analyze_guarded, evaluate, read_documents, Decision, Policy};
use perimeter_model::{Finding, ResourceRecord, SharedVia};
use serde_json::Value;

/// Every document of the resource, read as the analysis reads it, to check witnesses against.
fn documents(record: &ResourceRecord) -> Vec<Policy> {
    read_documents(record).into_iter().filter_map(|(_, p)| p.ok()).collect()
}

fn check_case(path: &Path) -> Result<(), String> {
    let support::Case { json: case, record, zone, rcps, .. } = support::load_case(path)?;
    let analysis = analyze_guarded(&record, &zone, &rcps);

    if let Some(expected_error) = case.get("expected_error") {
        let Some(error) = analysis.errors.first() else {
            return Err(format!("expected error {expected_error}, got findings {:#?}", summary(&analysis.findings)));
        };
        if expected_error["code"].as_str() != Some(error.code.as_str()) {
            return Err(format!("expected error code {}, got {error:?}", expected_error["code"]));
        }
        if let Some(pointer) = expected_error.get("pointer").and_then(Value::as_str)
            && pointer != error.pointer {
                return Err(format!("expected error at `{pointer}`, got `{}` ({})", error.pointer, error.message));
            }
        if let Some(part) = expected_error.get("message_contains").and_then(Value::as_str)
            && !error.message.contains(part) {
                return Err(format!("error message `{}` lacks `{part}`", error.message));
            }
        return Ok(());
    }
    if let Some(error) = analysis.errors.first() {
        return Err(format!("unexpected error: {error}"));
    }

    // Witnesses: each is allowed by a document of the resource (synthetic ACL and grant
    // policies are checked inside the analysis itself); a blocked finding's witness is refused
    // by an RCP that blocks it, an unblocked one's by none in force.
    let docs = documents(&record);
    for f in &analysis.findings {
        if let Some(w) = &f.witness {
            let refused_by: Vec<&str> = rcps
                .iter()
                .filter(|r| perimeter_model::rcp_governs(&w.action) && evaluate(&r.policy, w).decision == Decision::ExplicitDeny)
                .map(|r| r.id.as_str())
                .collect();
            let blocked: Vec<&str> = f.blocked_by.iter().map(|b| b.id.as_str()).collect();
            if f.is_blocked() && !blocked.iter().any(|b| refused_by.contains(b)) {
                return Err(format!("the blocked witness of {} is refused by none of {blocked:?}: {w:#?}", f.principal));
            }
            if !f.is_blocked() && f.conservative.is_none() && !refused_by.is_empty() {
                return Err(format!("the witness of unblocked {} is refused by {refused_by:?}: {w:#?}", f.principal));
            }
        }
        match (&f.witness, &f.conservative) {
            (Some(w), _)
                if matches!(f.shared_via, SharedVia::Policy | SharedVia::FunctionUrl | SharedVia::S3AccessPointAccount)
                    && !docs.iter().any(|d| evaluate(d, w).decision == Decision::Allow) =>
            {
                return Err(format!("the witness of {} is not allowed: {w:#?}", f.principal));
            }
            (None, None) => return Err(format!("finding for {} has neither witness nor reason", f.principal)),
            _ => {}
        }
    }

    let expected = case["expected"].as_array().ok_or("no `expected` list")?;
    let mut unmatched: Vec<&Finding> = analysis.findings.iter().collect();
    for exp in expected {
        let principal: perimeter_model::Principal = serde_json::from_value(exp["principal"].clone())
            .or_else(|_| if exp["principal"] == "*" { Ok(perimeter_model::Principal::anyone()) } else { Err(()) })
            .map_err(|_| format!("bad expected principal {}", exp["principal"]))?;
        let via = exp["shared_via"].as_str().unwrap_or("POLICY");
        let pos = unmatched.iter().position(|f| {
            f.principal == principal
                && f.shared_via.as_str() == via
                && exp.get("condition").is_none_or(|c| serde_json::to_value(&f.condition).ok().as_ref() == Some(c))
                && exp.get("is_public").is_none_or(|p| p.as_bool() == Some(f.is_public))
                && exp.get("blocked_by").is_some() == f.is_blocked()
        });
        let Some(pos) = pos else {
            return Err(format!(
                "expected finding not reported: {exp}\nreported: {:#?}",
                summary(&analysis.findings)
            ));
        };
        let f = unmatched.remove(pos);
        let got: BTreeSet<&str> = f.actions.iter().map(String::as_str).collect();
        let list = |k: &str| -> Option<BTreeSet<String>> {
            exp.get(k).and_then(Value::as_array).map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
        };
        if let Some(actions) = list("actions") {
            let want: BTreeSet<&str> = actions.iter().map(String::as_str).collect();
            if want != got {
                return Err(format!("actions for {principal}: expected {want:?}, got {got:?}"));
            }
        }
        for a in list("actions_include").unwrap_or_default() {
            if !got.contains(a.as_str()) {
                return Err(format!("actions for {principal} lack {a}: {got:?}"));
            }
        }
        for a in list("actions_exclude").unwrap_or_default() {
            if got.contains(a.as_str()) {
                return Err(format!("actions for {principal} include excluded {a}"));
            }
        }
        let blocked: BTreeSet<String> = f.blocked_by.iter().map(|b| b.id.clone()).collect();
        let want_blocked = list("blocked_by").unwrap_or_default();
        if want_blocked != blocked {
            return Err(format!("blocked_by for {principal}: expected {want_blocked:?}, got {blocked:?}"));
        }
        if exp.get("conservative").and_then(Value::as_bool).unwrap_or(false) != f.conservative.is_some() {
            return Err(format!("conservative flag differs for {principal}: {:?}", f.conservative));
        }
    }
    if !unmatched.is_empty() {
        return Err(format!("unexpected findings: {:#?}", summary(&unmatched.into_iter().cloned().collect::<Vec<_>>())));
    }
    Ok(())
}

fn summary(findings: &[Finding]) -> Vec<String> {
    findings
        .iter()
        .map(|f| {
            format!(
                "{} public={} via={} blocked_by={:?} condition={} actions={:?} witness={}",
                f.principal,
                f.is_public,
                f.shared_via.as_str(),
                f.blocked_by.iter().map(|b| b.id.as_str()).collect::<Vec<_>>(),
                serde_json::to_string(&f.condition).unwrap_or_default(),
                f.actions,
                f.witness.as_ref().map(|w| serde_json::to_string(w).unwrap_or_default()).unwrap_or_default()
            )
        })
        .collect()
}

#[test]
fn corpus() {
    let root = support::corpus_root();
    let files = support::corpus_files(&root);
    assert!(files.len() >= 100, "the corpus has only {} cases", files.len());
    let mut failures = Vec::new();
    for path in &files {
        if let Err(e) = check_case(path) {
            failures.push(format!("{}: {e}", path.strip_prefix(&root).unwrap_or(path).display()));
        }
    }
    assert!(failures.is_empty(), "{} of {} corpus cases failed:\n\n{}", failures.len(), files.len(), failures.join("\n\n"));
}
