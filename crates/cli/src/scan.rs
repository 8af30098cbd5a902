//! `perimeter scan`: discover and collect (live, or from a saved inventory), evaluate every
//! resource in parallel, merge into the findings store, write findings.csv and findings.json,
//! print a summary, and turn the outcome into the exit code (0 clean, 1 findings to report,
//! 2 incomplete or failed: 2 wins, an incomplete scan never looks clean).

use std::collections::BTreeSet;
use std::io::{BufReader, IsTerminal};
use std::process::ExitCode;
use std::time::{Duration, SystemTime};

use anyhow::Context;
use perimeter_collector::{Assembly, AwsSettings, Delivery, Inventory, Progress};
use perimeter_model::{AccountRecord, ErrorRecord, ResourceType};
use perimeter_report::output::{write_csv_rows, write_json, JsonReport};
use perimeter_report::exports;
use perimeter_report::html::{write_html, HtmlReport, PageFindings, PAGE_ROWS};
use perimeter_report::{Labeler, ScanOutcome, ScanRecord, Store};
use serde::Serialize;

use crate::config::FailOn;
use crate::console;
use crate::evaluation::Evaluation;
use crate::output_files::{write_file, OutputDir, PendingFile};
pub use crate::plan::Args;
use crate::plan::{ScanPlan, Source};

/// The summary printed at the end and written into findings.json.
#[derive(Debug, Serialize)]
struct Summary {
    complete: bool,
    accounts_scanned: usize,
    accounts_skipped: usize,
    resources: usize,
    new: usize,
    reopened: usize,
    active: usize,
    archived: usize,
    resolved: usize,
    /// Open findings that the organization's resource control policies stop entirely.
    blocked: usize,
    errors: usize,
    unmatched_archive_rules: Vec<String>,
    lapsed_archive_rules: Vec<String>,
    /// Trusted accounts of the config that no policy names (likely stale).
    unused_trusted_accounts: Vec<String>,
}

pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let plan = ScanPlan::from_args(args)?;
    // Every place this run writes is checked before anything is read: the output directory,
    // the inventory's directory, and the store (whose lock stops overlapping runs at once).
    let out_dir = OutputDir::prepare(&plan.out_dir)?;
    let inventory_file = match &plan.inventory_out {
        Some(path) => {
            OutputDir::of_file(path)?;
            Some(PendingFile::create(path)?)
        }
        None => None,
    };
    let mut store = Store::open(&plan.db)?;
    let history = store.history()?;
    let mut log = Log::new();
    // The scan's time is when it starts; its findings are merged into the store as its
    // accounts are evaluated, in one transaction that commits only after the reports are
    // written (a killed scan leaves the store as it was).
    let now = humantime::format_rfc3339_seconds(SystemTime::now()).to_string();
    let mut merge = store.begin_scan(&plan.archive_rules, &now)?;

    // Each account's resources are evaluated as its batch arrives (crate::evaluation); what is
    // whole only at the end (the zone, the scopes, the held resources) is finished after.
    let trusted = plan.trusted.iter().map(|(id, a)| (id.clone(), a.clone()));
    let (mut scan, mut evaluation, rcp_errors, api_calls) = match &plan.source {
        Source::Inventory(path) => {
            let file = std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
            let inventory =
                Inventory::read_jsonl(BufReader::new(file)).with_context(|| format!("reading {}", path.display()))?;
            let (mut assembly, ready) = Assembly::from_inventory(inventory);
            assembly.trust(trusted);
            let (mut evaluation, rcp_errors) =
                Evaluation::start(&assembly, &plan.resource_types, !plan.trusted.is_empty(), inventory_file)?;
            evaluation.take(assembly.zone(), assembly.org_zone(), ready, true, &mut merge)?;
            (assembly.finish()?, evaluation, rcp_errors, None)
        }
        Source::Live(options) => {
            let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().context("starting the async runtime")?;
            let progress = |p: Progress| log.progress(&p);
            let (tx, mut rx) = tokio::sync::mpsc::channel(options.account_concurrency.max(1));
            std::thread::scope(|threads| -> anyhow::Result<_> {
                let collector = threads.spawn(|| runtime.block_on(perimeter_collector::scan(&AwsSettings::default(), options, &progress, tx)));
                let consumed = (|| -> anyhow::Result<_> {
                    let Some(Delivery::Head(head)) = rx.blocking_recv() else {
                        anyhow::bail!("the scan ended before it read the organization");
                    };
                    let mut assembly = Assembly::new(head, perimeter_collector::UNREPORTED);
                    assembly.trust(trusted);
                    let (mut evaluation, rcp_errors) =
                        Evaluation::start(&assembly, &plan.resource_types, !plan.trusted.is_empty(), inventory_file)?;
                    while let Some(delivery) = rx.blocking_recv() {
                        if let Delivery::Account(batch) = delivery {
                            let ready = assembly.add(batch)?;
                            for r in evaluation.take(assembly.zone(), assembly.org_zone(), ready, false, &mut merge)? {
                                assembly.hold(&r)?;
                            }
                        }
                    }
                    Ok((assembly.finish()?, evaluation, rcp_errors))
                })();
                // A consumer that gave up closes the channel, which stops the accounts not yet
                // started; the collector's own error (it could not start) comes first.
                drop(rx);
                let calls = collector.join().map_err(|_| anyhow::anyhow!("the collector panicked"))??;
                let (assembled, evaluation, rcp_errors) = consumed?;
                Ok((assembled, evaluation, rcp_errors, Some(calls.total())))
            })?
        }
    };
    log.finish_collect();
    evaluation.finish(&mut scan, &mut merge)?;
    // Names people recognise: account names and OU paths, known vendors, trusted accounts, and
    // the owners of the zone's networks (whole only now).
    let labeler = Labeler::new(scan.accounts.iter().map(|a| (a.id.clone(), a.name.clone(), a.org_path.clone())), &scan.zone);
    let naming_networks = std::mem::take(&mut evaluation.naming_networks);
    merge.add(&naming_networks, &labeler)?;
    let mut errors: Vec<ErrorRecord> = std::mem::take(&mut scan.errors);
    errors.extend(rcp_errors.iter().cloned());
    // The analysis errors in resource order, whatever order the accounts arrived in.
    ErrorRecord::sort(&mut evaluation.errors);
    errors.append(&mut evaluation.errors);
    log.evaluated(scan.resources, evaluation.findings + naming_networks.len(), errors.len());
    let unused_trusted = unused_trusted_accounts(&plan, &evaluation.named);
    // Only the types this scan evaluates can resolve their findings, and a scope that an
    // unreadable RCP governs resolves nothing.
    let mut complete_scopes = std::mem::take(&mut scan.scopes);
    for t in ResourceType::ALL.iter().filter(|t| !plan.resource_types.contains(t)) {
        for a in &scan.accounts {
            complete_scopes.remove(&a.id, None, Some(*t));
        }
    }
    for e in &rcp_errors {
        complete_scopes.remove(&e.account, e.region.as_deref(), e.resource_type);
    }
    let errored_resources: BTreeSet<String> = errors.iter().filter_map(|e| e.resource_arn.clone()).collect();
    let outcome = merge.close(&complete_scopes, &errored_resources, errors.is_empty(), &labeler)?;
    let csv_path = out_dir.path.join("findings.csv");
    let json_path = out_dir.path.join("findings.json");
    let html_path = out_dir.path.join("report.html");
    let ocsf_path = out_dir.path.join("findings.ocsf.json");
    let asff_path = out_dir.path.join("findings.asff.json");
    let skipped: Vec<String> = scan
        .accounts
        .iter()
        .flat_map(|a| {
            let name = a.name.as_deref().map_or_else(|| a.id.clone(), |n| format!("{n} ({})", a.id));
            a.skipped
                .iter()
                .map(|why| format!("account {name}: {why}"))
                .chain(a.skipped_regions.iter().map(|r| format!("account {name}, region {r}: not enabled in the account")))
                .chain(a.skipped_types.iter().map(|t| {
                    format!("account {name}, region {}: {} not enabled in the account ({})", t.region, t.resource_type, t.reason)
                }))
                .collect::<Vec<_>>()
        })
        .chain(not_offered(&scan.accounts, &plan.resource_types))
        .collect();
    let summary_of = |outcome: &ScanOutcome| Summary {
        complete: errors.is_empty(),
        accounts_scanned: scan.accounts.iter().filter(|a| a.skipped.is_none()).count(),
        accounts_skipped: scan.accounts.iter().filter(|a| a.skipped.is_some()).count(),
        resources: scan.resources,
        new: outcome.new,
        reopened: outcome.reopened,
        active: outcome.active,
        archived: outcome.archived,
        resolved: outcome.resolved,
        blocked: outcome.blocked_open,
        errors: errors.len(),
        unmatched_archive_rules: outcome.unmatched_rules.clone(),
        lapsed_archive_rules: outcome.lapsed_rules.clone(),
        unused_trusted_accounts: unused_trusted.clone(),
    };
    // The reports are written inside the store's transaction, before it commits: a report that
    // cannot be written leaves the store as it was, so this scan's NEW findings stay NEW. Each
    // reads the scan's findings back from the store, one at a time.
    let summary = summary_of(&outcome);
    let mut history = history;
    history.push(ScanRecord { finished: now.clone(), complete: summary.complete, open: outcome.new + outcome.active });
    let report = |e: perimeter_report::Error| anyhow::Error::from(e);
    let page_findings = merge.with_report(|rows| PageFindings::collect(rows, PAGE_ROWS))?.map_err(report)?;
    let page = HtmlReport {
        generated: &now,
        complete: summary.complete,
        new: outcome.new,
        reopened: outcome.reopened,
        resolved: outcome.resolved,
        findings: &page_findings,
        errors: &errors,
        rules: &plan.archive_rules,
        lapsed_rules: &outcome.lapsed_rules,
        history: &history,
        unused_trusted: &unused_trusted,
        skipped: &skipped,
    };
    write_file(&csv_path, |w| Ok(merge.with_report(|rows| write_csv_rows(w, rows, &errors, &labeler, &now, plan.csv_bom))??))?;
    write_file(&json_path, |w| Ok(merge.with_report(|rows| write_json(w, &JsonReport::streamed(&summary, rows, &errors, &labeler)))??))?;
    write_file(&html_path, |w| Ok(write_html(w, &page)?))?;
    write_file(&ocsf_path, |w| Ok(merge.with_report(|rows| exports::write_ocsf(w, rows))??))?;
    write_file(&asff_path, |w| Ok(merge.with_report(|rows| exports::write_asff(w, rows))??))?;
    die_here_if_asked();
    merge.commit()?;

    log.api_calls = api_calls;
    log.summary(&summary, &scan.accounts, &errors, &csv_path, &html_path, &plan.db);
    // An access the organization's RCPs stop entirely is reported, but is nothing to fix now.
    let to_report = match plan.fail_on {
        FailOn::Active => outcome.open_unblocked > 0,
        FailOn::New => outcome.new_unblocked > 0,
        FailOn::None => false,
    };
    Ok(if !summary.complete {
        ExitCode::from(2)
    } else if to_report {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Progress and summary on stderr: a progress bar on a terminal, plain lines otherwise (cron).
struct Log {
    bar: Option<indicatif::ProgressBar>,
    started: std::time::Instant,
    /// Resources and errors read so far, over all accounts.
    totals: std::sync::Mutex<(usize, usize)>,
    /// The API calls a live scan made.
    api_calls: Option<usize>,
}

impl Log {
    fn new() -> Log {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = indicatif::ProgressBar::new(0);
            bar.set_style(
                indicatif::ProgressStyle::with_template("{spinner} accounts {pos}/{len} {wide_bar} {msg}")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            bar.enable_steady_tick(Duration::from_millis(200));
            bar
        });
        Log { bar, started: std::time::Instant::now(), totals: std::sync::Mutex::new((0, 0)), api_calls: None }
    }

    fn progress(&self, p: &Progress) {
        match (p, &self.bar) {
            (Progress::Discovered { accounts }, Some(bar)) => bar.set_length(*accounts as u64),
            (Progress::Discovered { accounts }, None) => console::err(&format!("perimeter: scanning {accounts} accounts")),
            (Progress::AccountDone { resources, errors, .. }, Some(bar)) => {
                let (all_resources, all_errors) = match self.totals.lock() {
                    Ok(mut t) => {
                        t.0 += resources;
                        t.1 += errors;
                        *t
                    }
                    Err(_) => (0, 0),
                };
                bar.inc(1);
                bar.set_message(format!("{all_resources} resources, {all_errors} errors"));
            }
            (Progress::AccountDone { account, resources, errors }, None) => {
                console::err(&format!("perimeter: account {account}: {resources} resources, {errors} errors"));
            }
        }
    }

    fn finish_collect(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }

    fn evaluated(&self, resources: usize, findings: usize, errors: usize) {
        if self.bar.is_some() || resources > 0 {
            console::err(&format!("perimeter: evaluated {resources} resources: {findings} findings, {errors} errors"));
        }
    }

    fn summary(&self, s: &Summary, accounts: &[AccountRecord], errors: &[ErrorRecord], csv: &std::path::Path, html: &std::path::Path, db: &std::path::Path) {
        let incomplete: BTreeSet<&str> = errors.iter().map(|e| e.account.as_str()).collect();
        console::err(&format!(
            "perimeter: {} in {:.1} s: {} accounts scanned, {} skipped, {} resources{}",
            if s.complete { "complete scan" } else { "INCOMPLETE scan" },
            self.started.elapsed().as_secs_f64(),
            s.accounts_scanned,
            s.accounts_skipped,
            s.resources,
            self.api_calls.map_or_else(String::new, |n| format!(", {n} API calls"))
        ));
        console::err(&format!(
            "perimeter: findings: {} new ({} reopened), {} active, {} archived, {} resolved{}",
            s.new,
            s.reopened,
            s.active,
            s.archived,
            s.resolved,
            if s.blocked > 0 { format!("; {} of the open ones stopped by resource control policies", s.blocked) } else { String::new() }
        ));
        for a in accounts.iter().filter(|a| a.skipped.is_some()) {
            console::err(&format!("perimeter: skipped account {}: {}", a.id, console::printable(a.skipped.as_deref().unwrap_or_default())));
        }
        if !errors.is_empty() {
            console::err(&format!(
                "perimeter: {} errors; incomplete accounts: {} (each error is a row of the CSV)",
                errors.len(),
                incomplete.into_iter().collect::<Vec<_>>().join(", ")
            ));
            for e in errors.iter().take(10) {
                console::err(&format!(
                    "perimeter:   {} {} {}: {}",
                    e.account,
                    console::printable(e.resource_arn.as_deref().unwrap_or("-")),
                    e.code.as_str(),
                    console::printable(&e.message)
                ));
            }
        }
        for rule in &s.lapsed_archive_rules {
            console::err(&format!(
                "perimeter: archive rule `{}` has expired: its findings are active again (renew or remove it)",
                console::printable(rule)
            ));
        }
        for account in &s.unused_trusted_accounts {
            console::err(&format!("perimeter: trusted account {} is named by no policy of this scan (stale?)", console::printable(account)));
        }
        for rule in &s.unmatched_archive_rules {
            console::err(&format!("perimeter: archive rule `{}` matched no finding", console::printable(rule)));
        }
        console::err(&format!("perimeter: report {} and {} (and findings.json, findings.ocsf.json, findings.asff.json); store {}", csv.display(), html.display(), db.display()));
    }
}

/// Test hook of debug builds only (the end-to-end tests run the debug binary): with
/// `PERIMETER_TEST_DIE_BEFORE_COMMIT` set, the process dies inside the store's transaction, after
/// the reports are written, as a killed process would. Release builds have no such switch.
fn die_here_if_asked() {
    #[cfg(debug_assertions)]
    if std::env::var_os("PERIMETER_TEST_DIE_BEFORE_COMMIT").is_some() {
        std::process::abort();
    }
}

/// Trusted accounts of the config that no policy of the scan names: each resource is analysed
/// once more with the organization alone as the zone ([`Evaluation`]), and a trusted account
/// that none of those findings names is likely stale (a vendor since dropped).
fn unused_trusted_accounts(plan: &ScanPlan, named: &BTreeSet<String>) -> Vec<String> {
    plan.trusted
        .iter()
        .filter(|(id, _)| !named.contains(id))
        .map(|(id, a)| a.name.as_deref().map_or_else(|| id.clone(), |n| format!("{id} ({n})")))
        .collect()
}

/// The types skipped in scanned regions that do not offer them (S3 Express One Zone is in a
/// few Regions only): one line per type, with those regions.
fn not_offered(accounts: &[AccountRecord], types: &[ResourceType]) -> Vec<String> {
    let regions: BTreeSet<&str> = accounts
        .iter()
        .filter(|a| a.skipped.is_none())
        .flat_map(|a| a.regions.iter().flatten())
        .map(String::as_str)
        .collect();
    types
        .iter()
        .filter_map(|t| {
            let off: Vec<&str> = regions.iter().copied().filter(|r| !t.offered_in(r)).collect();
            (!off.is_empty()).then(|| format!("{t}: not offered in {} (AWS does not offer the type there)", off.join(", ")))
        })
        .collect()
}
