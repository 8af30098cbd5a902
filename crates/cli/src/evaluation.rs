//! The evaluation of a streaming scan: each account's resources are analysed (in parallel) as
//! soon as its batch arrives, written to the inventory file when one is asked for, and dropped;
//! only their findings and errors are kept. A resource whose analysis relied on the zone's
//! collected identifiers (a unique ID, canonical user ID or origin access identity judged
//! outside because no account read so far has it) is held, and analysed again once the zone is
//! whole ([`perimeter_evaluator::Analysis::relies_on_absent_ids`]): facts only ever add to the
//! zone, so every other analysis is already final.

use std::collections::BTreeSet;
use std::fs::File;
use std::io::BufWriter;

use perimeter_collector::inventory::Writer;
use perimeter_collector::{Assembled, Assembly};
use perimeter_model::{ErrorRecord, Finding, InventoryRecord, PlanRecord, ResourceRecord, ResourceType, Zone};
use perimeter_report::{Labeler, ScanMerge};
use rayon::prelude::*;

use crate::output_files::PendingFile;
use crate::resource_controls::ScanGuardrails;

/// What the scan's evaluation has produced so far.
pub struct Evaluation {
    types: Vec<ResourceType>,
    /// Whether the config trusts accounts outside the organization: then each resource is also
    /// analysed with the organization alone as the zone, to tell the trusted accounts no
    /// policy names (likely stale).
    trusted: bool,
    guardrails: ScanGuardrails,
    /// Names the findings merged as the scan goes: the organization's accounts, the trusted
    /// accounts and the known vendors, all known before any account is read.
    labeler: Labeler,
    /// The findings merged into the store so far.
    pub findings: usize,
    /// Findings pinned by a condition to networks (`aws:SourceVpc`, `aws:SourceVpce`), whose
    /// owners are known only once every account is read: merged at the end.
    pub naming_networks: Vec<Finding>,
    /// The analysis errors (unparseable documents), as error rows.
    pub errors: Vec<ErrorRecord>,
    /// The accounts that findings name when the zone is the organization alone.
    pub named: BTreeSet<String>,
    inventory: Option<(PendingFile, Writer<BufWriter<File>>)>,
}

impl Evaluation {
    /// Starts once the scan's head is known: its RCPs and, when asked, the inventory file.
    pub fn start(
        scan: &Assembly,
        types: &[ResourceType],
        trusted: bool,
        inventory: Option<PendingFile>,
    ) -> anyhow::Result<(Evaluation, Vec<ErrorRecord>)> {
        let (guardrails, rcp_errors) = ScanGuardrails::new(scan, types);
        let inventory = match inventory {
            Some(file) => {
                let mut writer = Writer::new(BufWriter::new(file.reopen()?));
                writer.record(&InventoryRecord::Plan(PlanRecord { resource_types: scan.resource_types().to_vec() }))?;
                if let Some(rc) = scan.resource_controls() {
                    writer.record(&InventoryRecord::ResourceControls(rc.clone()))?;
                }
                Some((file, writer))
            }
            None => None,
        };
        let labeler = Labeler::new(scan.accounts().iter().map(|a| (a.id.clone(), a.name.clone(), a.org_path.clone())), scan.zone());
        let evaluation = Evaluation {
            types: types.to_vec(),
            trusted,
            guardrails,
            labeler,
            findings: 0,
            naming_networks: Vec::new(),
            errors: Vec::new(),
            named: BTreeSet::new(),
            inventory,
        };
        Ok((evaluation, rcp_errors))
    }

    /// Analyses resources against `zone` (and `org_zone`, the organization alone). Unless the
    /// zone is `whole`, returns the resources to hold until it is (their results are dropped).
    pub fn take(
        &mut self,
        zone: &Zone,
        org_zone: &Zone,
        records: Vec<ResourceRecord>,
        whole: bool,
        merge: &mut ScanMerge<'_>,
    ) -> anyhow::Result<Vec<ResourceRecord>> {
        let (types, guardrails, trusted) = (&self.types, &self.guardrails, self.trusted);
        let analyses: Vec<_> = records
            .into_par_iter()
            .map(|r| {
                if !types.contains(&r.resource_type()) {
                    return (r, None);
                }
                let analysis = perimeter_evaluator::analyze_guarded(&r, zone, &guardrails.in_force(&r.account));
                let org_analysis = trusted.then(|| perimeter_evaluator::analyze(&r, org_zone));
                (r, Some((analysis, org_analysis)))
            })
            .collect();
        let mut held = Vec::new();
        let mut findings = Vec::new();
        for (record, result) in analyses {
            if let Some((analysis, org_analysis)) = result {
                let relies = analysis.relies_on_absent_ids || org_analysis.as_ref().is_some_and(|a| a.relies_on_absent_ids);
                if relies && !whole {
                    held.push(record);
                    continue;
                }
                for f in analysis.findings {
                    if Labeler::names_networks(&f) {
                        self.naming_networks.push(f);
                    } else {
                        findings.push(f);
                    }
                }
                self.errors.extend(analysis.errors.into_iter().map(|e| ErrorRecord {
                    account: record.account.clone(),
                    region: Some(record.region.clone()),
                    resource_type: Some(record.resource_type()),
                    resource_arn: Some(e.resource_arn.clone()),
                    code: e.code,
                    message: format!("{} at `{}`: {}", e.document, e.pointer, e.message),
                }));
                self.named.extend(org_analysis.into_iter().flat_map(|a| a.findings).filter_map(|f| named_account(&f.principal)));
            }
            if let Some((_, writer)) = &mut self.inventory {
                writer.record(&InventoryRecord::Resource(record))?;
            }
        }
        self.findings += findings.len();
        merge.add(&findings, &self.labeler)?;
        Ok(held)
    }

    /// Analyses the held resources against the whole zone, and finishes the inventory file
    /// with what is whole only now: the accounts, scopes, errors and zone (the organization's,
    /// without the trusted accounts, as the scan read it).
    pub fn finish(&mut self, scan: &mut Assembled, merge: &mut ScanMerge<'_>) -> anyhow::Result<()> {
        let (zone, held) = (&scan.zone, &mut scan.held);
        let org_zone = scan.org_zone.as_ref().unwrap_or(zone);
        let mut chunk = Vec::new();
        loop {
            let next = held.next().transpose()?;
            let done = next.is_none();
            chunk.extend(next);
            if chunk.len() >= 1024 || (done && !chunk.is_empty()) {
                self.take(zone, org_zone, std::mem::take(&mut chunk), true, merge)?;
            }
            if done {
                break;
            }
        }
        if let Some((file, mut writer)) = self.inventory.take() {
            for a in &scan.accounts {
                writer.record(&InventoryRecord::Account(a.clone()))?;
            }
            for a in &scan.accounts {
                for s in scan.scopes.records_of(&a.id) {
                    writer.record(&InventoryRecord::Scope(s))?;
                }
            }
            for e in &scan.errors {
                writer.record(&InventoryRecord::Error(e.clone()))?;
            }
            writer.record(&InventoryRecord::Zone(org_zone.clone()))?;
            writer.finish()?;
            file.commit()?;
        }
        Ok(())
    }
}

/// The account a principal of a finding names, if it names one.
fn named_account(principal: &perimeter_model::Principal) -> Option<String> {
    match principal {
        perimeter_model::Principal::Aws(p) => {
            Some(if p.len() == 12 { p.clone() } else { p.split(':').nth(4).unwrap_or_default().to_string() })
        }
        _ => None,
    }
}
