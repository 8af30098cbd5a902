//! `report.html`: one self-contained page (no network, no CDN: it opens from a mail attachment or
//! a file share) for people who would rather look than read a CSV: the month's headline (new,
//! resolved, still open, public first), charts of open findings over the stored scans and by
//! account and type (inline SVG), a sortable, filterable table of findings with the condition
//! and the witness shown readably, the errors, and the archive rules with what they matched.
//! Every text from AWS or a policy is HTML-escaped: the page shows hostile names, it never runs
//! them.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write;

use perimeter_model::ErrorRecord;

use crate::archive::ArchiveRule;
use crate::labels::known_accounts_version;
use crate::store::{ScanRecord, Status, StoredFinding};
use crate::Error;

/// Everything the page shows.
#[derive(Debug)]
pub struct HtmlReport<'a> {
    pub generated: &'a str,
    pub complete: bool,
    pub new: usize,
    pub reopened: usize,
    pub resolved: usize,
    pub findings: &'a PageFindings,
    pub errors: &'a [ErrorRecord],
    pub rules: &'a [ArchiveRule],
    pub lapsed_rules: &'a [String],
    /// The stored scans, oldest first.
    pub history: &'a [ScanRecord],
    /// Trusted accounts of the config that no policy names.
    pub unused_trusted: &'a [String],
    /// Accounts and regions not scanned, with why.
    pub skipped: &'a [String],
}

/// At most this many findings are listed on the page, in the page's order (open first, those no
/// RCP stops first, public first); the counts and charts cover every finding, and the CSV and
/// JSON list every one. A page of more rows is too large for a browser to be of use.
pub const PAGE_ROWS: usize = 5000;

/// What the page shows of a report's findings: counts and charts of them all, and the rows
/// it lists (read one at a time, so that only [`PAGE_ROWS`] of them are ever held).
#[derive(Debug, Clone, Default)]
pub struct PageFindings {
    /// The rows listed, in page order.
    pub rows: Vec<StoredFinding>,
    pub total: usize,
    pub open: usize,
    /// Public and open, and not stopped by the organization's RCPs: what needs a fix.
    pub public_open: usize,
    pub blocked_open: usize,
    pub archived: usize,
    /// Open findings by account (its name when known) and by type.
    pub by_account: BTreeMap<String, usize>,
    pub by_type: BTreeMap<String, usize>,
    /// Findings by the archive rule that archived them.
    pub by_rule: BTreeMap<String, usize>,
}

/// A row's place on the page.
type RowKey = (bool, bool, bool, String, String);

fn row_key(f: &StoredFinding) -> RowKey {
    (!is_open(f), f.finding.is_blocked(), !f.finding.is_public, f.finding.resource_arn.clone(), f.finding.id.clone())
}

struct Ranked(RowKey, StoredFinding);

impl PartialEq for Ranked {
    fn eq(&self, other: &Ranked) -> bool {
        self.0 == other.0
    }
}
impl Eq for Ranked {}
impl PartialOrd for Ranked {
    fn partial_cmp(&self, other: &Ranked) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Ranked {
    fn cmp(&self, other: &Ranked) -> std::cmp::Ordering {
        self.0.cmp(&other.0)
    }
}

impl PageFindings {
    /// The page's view of findings read one at a time, listing at most `limit` of them.
    pub fn collect(findings: &mut dyn Iterator<Item = Result<StoredFinding, Error>>, limit: usize) -> Result<PageFindings, Error> {
        let mut page = PageFindings::default();
        // The `limit` first rows in page order: a max-heap whose top is the last of them.
        let mut kept: std::collections::BinaryHeap<Ranked> = std::collections::BinaryHeap::new();
        for f in findings {
            let f = f?;
            page.total += 1;
            if is_open(&f) {
                page.open += 1;
                page.public_open += usize::from(f.finding.is_public && !f.finding.is_blocked());
                page.blocked_open += usize::from(f.finding.is_blocked());
                let name = if f.labels.account_name.is_empty() { f.finding.resource_owner_account.clone() } else { f.labels.account_name.clone() };
                *page.by_account.entry(name).or_default() += 1;
                *page.by_type.entry(f.finding.resource_type.as_str().trim_start_matches("AWS::").to_string()).or_default() += 1;
            }
            if f.status == Status::Archived {
                page.archived += 1;
            }
            if let Some(rule) = &f.archive_rule {
                *page.by_rule.entry(rule.clone()).or_default() += 1;
            }
            if limit == 0 {
                continue;
            }
            let key = row_key(&f);
            if kept.len() < limit {
                kept.push(Ranked(key, f));
            } else if kept.peek().is_some_and(|last| key < last.0) {
                kept.pop();
                kept.push(Ranked(key, f));
            }
        }
        page.rows = kept.into_sorted_vec().into_iter().map(|r| r.1).collect();
        Ok(page)
    }

    /// The page's view of findings in memory, every one listed.
    pub fn of(findings: &[StoredFinding]) -> PageFindings {
        PageFindings::collect(&mut findings.iter().cloned().map(Ok), usize::MAX).unwrap_or_default()
    }
}

/// Escapes text for HTML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#1b1f24}h1{margin:0 0 4px}\
.meta{color:#57606a;margin-bottom:16px}.badge{display:inline-block;padding:2px 8px;border-radius:10px;font-weight:600}\
.complete{background:#dafbe1;color:#116329}.incomplete{background:#ffebe9;color:#a40e26}\
.cards{display:flex;gap:12px;flex-wrap:wrap;margin:16px 0}.card{border:1px solid #d0d7de;border-radius:8px;padding:12px 16px;min-width:120px}\
.card .n{font-size:28px;font-weight:700}.card.alert .n{color:#a40e26}.charts{display:flex;gap:24px;flex-wrap:wrap}\
table{border-collapse:collapse;width:100%;margin:8px 0 24px}th,td{border-bottom:1px solid #d0d7de;padding:4px 6px;text-align:left;vertical-align:top;overflow-wrap:anywhere}\
#findings td:nth-child(-n+3),#findings td:nth-child(n+9),#findings th{white-space:nowrap}\
th{cursor:pointer;background:#f6f8fa;position:sticky;top:0}tr.public td.kind{color:#a40e26;font-weight:700}tr.blocked td.kind{color:#57606a;font-weight:400}tr.blocked{opacity:.8}\
code,pre{font:12px ui-monospace,monospace}pre{white-space:pre-wrap;margin:0}#filter{padding:4px 8px;width:320px}";

const SCRIPT: &str = "document.getElementById('filter').addEventListener('input',function(e){var q=e.target.value.toLowerCase();\
var n=0;document.querySelectorAll('#findings tbody tr').forEach(function(r){var s=r.textContent.toLowerCase().indexOf(q)>=0;r.style.display=s?'':'none';if(s)n++;});\
document.getElementById('shown').textContent=n;});\
document.querySelectorAll('table.sortable th').forEach(function(h,i){h.addEventListener('click',function(){var t=h.closest('table'),b=t.tBodies[0];\
var rows=Array.prototype.slice.call(b.rows),d=h.dataset.dir==='asc'?-1:1;h.dataset.dir=d>0?'asc':'desc';\
rows.sort(function(a,c){return a.cells[i].textContent.localeCompare(c.cells[i].textContent)*d;});rows.forEach(function(r){b.appendChild(r);});});});";

/// Writes the page.
pub fn write_html(mut out: impl Write, r: &HtmlReport<'_>) -> Result<(), Error> {
    out.write_all(render(r).as_bytes()).map_err(|e| Error::Output(e.to_string()))
}

fn is_open(f: &StoredFinding) -> bool {
    matches!(f.status, Status::New | Status::Active)
}

/// The page as text.
pub fn render(r: &HtmlReport<'_>) -> String {
    let page = r.findings;
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>perimeter report {gen}</title>\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\
         <style>{STYLE}</style></head><body><h1>perimeter: external access to the organization</h1>\
         <div class=\"meta\">Scan of {gen} <span id=\"completeness\" class=\"badge {cls}\">{state}</span> \
         &middot; known vendors: fwdcloudsec/known_aws_accounts {ver}</div>",
        gen = escape(r.generated),
        cls = if r.complete { "complete" } else { "incomplete" },
        state = if r.complete { "complete scan" } else { "INCOMPLETE scan" },
        ver = escape(&known_accounts_version()[..known_accounts_version().len().min(12)]),
    );
    let card = |h: &mut String, id: &str, label: &str, n: usize, alert: bool| {
        let _ = write!(h, "<div class=\"card{}\"><div class=\"n\" id=\"count-{id}\">{n}</div>{label}</div>", if alert && n > 0 { " alert" } else { "" });
    };
    h.push_str("<div class=\"cards\">");
    card(&mut h, "new", "new this scan", r.new, true);
    card(&mut h, "public", "public and open", page.public_open, true);
    card(&mut h, "open", "still open", page.open, false);
    card(&mut h, "blocked", "open, but stopped by RCPs", page.blocked_open, false);
    card(&mut h, "resolved", "resolved this scan", r.resolved, false);
    card(&mut h, "archived", "archived", page.archived, false);
    card(&mut h, "errors", "not read (errors)", r.errors.len(), true);
    h.push_str("</div>");
    if r.reopened > 0 {
        let _ = write!(h, "<p>{} of the new findings were resolved before and are back.</p>", r.reopened);
    }

    h.push_str("<div class=\"charts\">");
    let history: Vec<(String, usize)> = r.history.iter().map(|s| (s.finished.get(..10).unwrap_or(&s.finished).to_string(), s.open)).collect();
    chart(&mut h, "chart-history", "Open findings per scan", &history);
    let mut accounts: Vec<(String, usize)> = page.by_account.iter().map(|(k, v)| (k.clone(), *v)).collect();
    accounts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    accounts.truncate(10);
    chart(&mut h, "chart-accounts", "Open findings by account", &accounts);
    chart(&mut h, "chart-types", "Open findings by type", &page.by_type.iter().map(|(k, v)| (k.clone(), *v)).collect::<Vec<_>>());
    h.push_str("</div>");

    // Findings: open first, those no RCP stops first, public first, then by resource.
    let rows = &page.rows;
    let _ = write!(
        h,
        "<h2>Findings</h2><p><input id=\"filter\" type=\"search\" placeholder=\"Filter: account, principal, action, resource…\" aria-label=\"filter\"> \
         <span id=\"shown\">{}</span> of {} shown</p><table id=\"findings\" class=\"sortable\"><thead><tr>\
         <th>status</th><th>access</th><th>type</th><th>resource</th><th>account</th><th>principal</th><th>actions</th>\
         <th>condition</th><th>via</th><th>blocked by</th><th>first seen</th><th>witness</th></tr></thead><tbody>",
        rows.len(),
        rows.len()
    );
    for f in rows.iter() {
        let x = &f.finding;
        let account = if f.labels.account_name.is_empty() { x.resource_owner_account.clone() } else { format!("{} ({})", f.labels.account_name, x.resource_owner_account) };
        let principal = if f.labels.principal_label.is_empty() || x.principal.to_string().contains(&f.labels.principal_label) {
            x.principal.to_string()
        } else {
            format!("{} ({}, {})", x.principal, f.labels.principal_label, f.labels.principal_kind.as_str())
        };
        let mut condition: Vec<String> = x.condition.iter().map(|(k, v)| format!("{k} = {}", v.join(" | "))).collect();
        match (f.labels.network.as_str(), f.labels.network_owner.as_str()) {
            ("", "") => {}
            (kind, "") => condition.push(format!("network: {kind}")),
            ("", owner) => condition.push(format!("networks of {owner}")),
            (kind, owner) => condition.push(format!("network: {kind}, of {owner}")),
        }
        let witness = x.witness.as_ref().map_or_else(
            || x.conservative.clone().map_or_else(String::new, |c| format!("conservative: {c}")),
            |w| serde_json::to_string_pretty(w).unwrap_or_default(),
        );
        let _ = write!(
            h,
            "<tr class=\"finding {status_cls}{public_cls}{blocked_cls}\" data-id=\"{id}\"><td>{status}</td><td class=\"kind\">{kind}</td><td>{t}</td><td><code>{arn}</code></td>\
             <td>{account}</td><td>{principal}</td><td>{actions}</td><td><pre>{condition}</pre></td><td>{via}</td><td class=\"blocked-by\">{blocked_by}</td><td>{first}</td>\
             <td><details><summary>show</summary><pre>{witness}</pre></details></td></tr>",
            status_cls = f.status.as_str().to_ascii_lowercase(),
            public_cls = if x.is_public { " public" } else { "" },
            blocked_cls = if x.is_blocked() { " blocked" } else { "" },
            blocked_by = escape(&x.blocked_by.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")),
            id = escape(&x.id),
            status = f.status.as_str(),
            kind = match (x.is_public, x.is_blocked()) {
                (true, false) => "PUBLIC",
                (false, false) => "cross-account",
                (true, true) => "public, blocked",
                (false, true) => "cross-account, blocked",
            },
            t = escape(x.resource_type.as_str()),
            arn = escape(&x.resource_arn),
            account = escape(&account),
            principal = escape(&principal),
            actions = escape(&x.actions.join(", ")),
            condition = escape(&condition.join("\n")),
            via = escape(x.shared_via.as_str()),
            first = escape(f.first_seen.get(..10).unwrap_or(&f.first_seen)),
            witness = escape(&witness),
        );
    }
    h.push_str("</tbody></table>");
    if page.total > rows.len() {
        let _ = write!(
            h,
            "<p id=\"truncated\">The page lists the first {} of {} findings, in this order; findings.csv and findings.json list every one.</p>",
            rows.len(),
            page.total
        );
    }

    let _ = write!(h, "<h2>Not read ({})</h2>", r.errors.len());
    if r.errors.is_empty() {
        h.push_str("<p>Every account, region and resource type asked for was read to the end.</p>");
    } else {
        h.push_str("<table id=\"errors\" class=\"sortable\"><thead><tr><th>account</th><th>region</th><th>type</th><th>resource</th><th>error</th></tr></thead><tbody>");
        for e in r.errors {
            let _ = write!(
                h,
                "<tr class=\"error\"><td>{}</td><td>{}</td><td>{}</td><td><code>{}</code></td><td>{}: {}</td></tr>",
                escape(&e.account),
                escape(e.region.as_deref().unwrap_or("")),
                escape(e.resource_type.map(|t| t.as_str()).unwrap_or("")),
                escape(e.resource_arn.as_deref().unwrap_or("")),
                escape(e.code.as_str()),
                escape(&e.message)
            );
        }
        h.push_str("</tbody></table>");
    }

    let _ = write!(h, "<h2>Skipped ({})</h2>", r.skipped.len());
    if r.skipped.is_empty() {
        h.push_str("<p>No account or region was left out.</p>");
    } else {
        h.push_str("<ul id=\"skipped\">");
        for line in r.skipped {
            let _ = write!(h, "<li>{}</li>", escape(line));
        }
        h.push_str("</ul>");
    }
    if !r.unused_trusted.is_empty() {
        h.push_str("<h2>Trusted accounts named by no policy</h2><p>Likely stale: remove them from the config or say why they stay.</p><ul id=\"unused-trusted\">");
        for line in r.unused_trusted {
            let _ = write!(h, "<li>{}</li>", escape(line));
        }
        h.push_str("</ul>");
    }
    h.push_str("<h2>Archive rules</h2>");
    if r.rules.is_empty() {
        h.push_str("<p>No archive rule is configured.</p>");
    } else {
        h.push_str("<table id=\"rules\"><thead><tr><th>rule</th><th>reason</th><th>expires</th><th>matched</th></tr></thead><tbody>");
        for rule in r.rules {
            let matched = page.by_rule.get(&rule.name).copied().unwrap_or(0);
            let state = if r.lapsed_rules.contains(&rule.name) { " (lapsed)".to_string() } else { String::new() };
            let _ = write!(
                h,
                "<tr class=\"rule\"><td>{}</td><td>{}</td><td>{}{}</td><td>{}</td></tr>",
                escape(&rule.name),
                escape(&rule.reason),
                escape(rule.expires.as_deref().unwrap_or("never")),
                state,
                if matched == 0 { "nothing (stale?)".to_string() } else { matched.to_string() }
            );
        }
        h.push_str("</tbody></table>");
    }
    let _ = write!(h, "<script>{SCRIPT}</script></body></html>");
    h
}

/// A horizontal bar chart as inline SVG.
fn chart(h: &mut String, id: &str, title: &str, bars: &[(String, usize)]) {
    let max = bars.iter().map(|b| b.1).max().unwrap_or(0).max(1);
    let height = 24 + bars.len().max(1) * 22;
    let _ = write!(h, "<figure><figcaption>{}</figcaption><svg id=\"{id}\" width=\"420\" height=\"{height}\" role=\"img\" aria-label=\"{}\">", escape(title), escape(title));
    if bars.is_empty() {
        let _ = write!(h, "<text x=\"0\" y=\"20\">none</text>");
    }
    for (i, (label, n)) in bars.iter().enumerate() {
        let y = 8 + i * 22;
        let w = 220 * n / max;
        let _ = write!(
            h,
            "<text x=\"0\" y=\"{ty}\" font-size=\"12\">{label}</text><rect class=\"bar\" x=\"170\" y=\"{y}\" width=\"{w}\" height=\"16\" fill=\"#0969da\"></rect>\
             <text x=\"{tx}\" y=\"{ty}\" font-size=\"12\">{n}</text>",
            ty = y + 12,
            label = escape(&label.chars().take(26).collect::<String>()),
            tx = 176 + w,
        );
    }
    h.push_str("</svg></figure>");
}
