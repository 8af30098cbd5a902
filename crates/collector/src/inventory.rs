//! The inventory: everything a scan read, as JSON Lines of [`InventoryRecord`]s, written out and
//! read back for an offline evaluation (`perimeter scan --from-inventory`). The records may come
//! in any order but one: the end record is last, and counts the others (a file cut short is never
//! a smaller complete scan). A streaming scan writes the plan first, each resource as it is
//! read, and the accounts, scopes, errors and zone (only whole at the end) last ([`Writer`]).

use std::io::{BufRead, Write};

use std::collections::BTreeSet;

use perimeter_model::{
    AccountRecord, EndRecord, ErrorRecord, InventoryRecord, PlanRecord, ResourceControls, ResourceRecord, ResourceType,
    ScopeRecord, Zone,
};

use crate::calls::CallLog;
use crate::Error;

/// Writes an inventory one record at a time, and the end record that counts them.
#[derive(Debug)]
pub struct Writer<W: Write> {
    out: W,
    counts: EndRecord,
}

impl<W: Write> Writer<W> {
    pub fn new(out: W) -> Writer<W> {
        Writer { out, counts: EndRecord::default() }
    }

    /// Writes one record (an end record is written by [`Writer::finish`] only).
    pub fn record(&mut self, record: &InventoryRecord) -> Result<(), Error> {
        match record {
            InventoryRecord::Account(_) => self.counts.accounts += 1,
            InventoryRecord::Resource(_) => self.counts.resources += 1,
            InventoryRecord::Scope(_) => self.counts.scopes += 1,
            InventoryRecord::Error(_) => self.counts.errors += 1,
            InventoryRecord::ResourceControls(_) => self.counts.resource_controls += 1,
            InventoryRecord::Zone(_) | InventoryRecord::Plan(_) => {}
            InventoryRecord::End(_) => return Ok(()),
        }
        serde_json::to_writer(&mut self.out, record).map_err(std::io::Error::from)?;
        self.out.write_all(b"\n")?;
        Ok(())
    }

    /// Writes the end record and flushes.
    pub fn finish(mut self) -> Result<(), Error> {
        let end = InventoryRecord::End(std::mem::take(&mut self.counts));
        serde_json::to_writer(&mut self.out, &end).map_err(std::io::Error::from)?;
        self.out.write_all(b"\n")?;
        self.out.flush()?;
        Ok(())
    }
}

/// Everything one scan read.
#[derive(Debug, Default)]
pub struct Inventory {
    pub zone: Zone,
    /// The resource types the scan was asked to read.
    pub resource_types: Vec<ResourceType>,
    /// The organization's resource control policies; `None` outside an organization or when
    /// they could not be read (error records then cover the scopes they govern).
    pub resource_controls: Option<ResourceControls>,
    pub accounts: Vec<AccountRecord>,
    pub resources: Vec<ResourceRecord>,
    /// The (account, region, type) scopes read to the end.
    pub scopes: Vec<ScopeRecord>,
    pub errors: Vec<ErrorRecord>,
    /// The API calls made (empty for an inventory read from a file).
    pub calls: CallLog,
}

impl Inventory {
    /// The records in file order.
    pub fn records(&self) -> impl Iterator<Item = InventoryRecord> + '_ {
        std::iter::once(InventoryRecord::Zone(self.zone.clone()))
            .chain(std::iter::once(InventoryRecord::Plan(PlanRecord { resource_types: self.resource_types.clone() })))
            .chain(self.resource_controls.iter().cloned().map(InventoryRecord::ResourceControls))
            .chain(self.accounts.iter().cloned().map(InventoryRecord::Account))
            .chain(self.resources.iter().cloned().map(InventoryRecord::Resource))
            .chain(self.scopes.iter().cloned().map(InventoryRecord::Scope))
            .chain(self.errors.iter().cloned().map(InventoryRecord::Error))
            .chain(std::iter::once(InventoryRecord::End(EndRecord {
                accounts: self.accounts.len(),
                resources: self.resources.len(),
                scopes: self.scopes.len(),
                errors: self.errors.len(),
                resource_controls: usize::from(self.resource_controls.is_some()),
            })))
    }

    /// Writes JSON Lines.
    pub fn write_jsonl(&self, out: impl Write) -> Result<(), Error> {
        let mut writer = Writer::new(out);
        for record in self.records().filter(|r| !matches!(r, InventoryRecord::End(_))) {
            writer.record(&record)?;
        }
        writer.finish()
    }

    /// Reads JSON Lines written by [`Inventory::write_jsonl`]; a bad line is an error naming it.
    /// The file must end with its end record, whose counts must match what came before (a file
    /// cut short is an error, never a smaller complete scan). A resource record repeated word
    /// for word is read once; the same ARN with other contents is an error.
    pub fn read_jsonl(input: impl BufRead) -> Result<Inventory, Error> {
        let mut inventory = Inventory::default();
        let mut zones = 0;
        let mut plan = None;
        let mut end: Option<(usize, EndRecord)> = None;
        let mut counts = EndRecord::default();
        let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
        for (i, line) in input.lines().enumerate() {
            let line = line?;
            if line.trim().is_empty() {
                continue;
            }
            let at = |message: String| Error::Inventory { line: i + 1, message };
            if let Some((end_line, _)) = end {
                return Err(at(format!("a record after the end record of line {end_line}")));
            }
            let record: InventoryRecord = serde_json::from_str(&line).map_err(|e| at(e.to_string()))?;
            match record {
                InventoryRecord::Zone(z) => {
                    zones += 1;
                    inventory.zone = z;
                }
                InventoryRecord::Plan(p) => plan = Some(p.resource_types),
                InventoryRecord::ResourceControls(r) => {
                    counts.resource_controls += 1;
                    if inventory.resource_controls.replace(r).is_some() {
                        return Err(at("a second resource-controls record".to_string()));
                    }
                }
                InventoryRecord::Account(a) => {
                    counts.accounts += 1;
                    inventory.accounts.push(a);
                }
                InventoryRecord::Resource(r) => {
                    counts.resources += 1;
                    match seen.get(&r.arn) {
                        Some(&k) if inventory.resources[k] == r => {}
                        Some(_) => return Err(at(format!("resource {} appears twice, with different contents", r.arn))),
                        None => {
                            seen.insert(r.arn.clone(), inventory.resources.len());
                            inventory.resources.push(r);
                        }
                    }
                }
                InventoryRecord::Scope(s) => {
                    counts.scopes += 1;
                    inventory.scopes.push(s);
                }
                InventoryRecord::Error(e) => {
                    counts.errors += 1;
                    inventory.errors.push(e);
                }
                InventoryRecord::End(e) => end = Some((i + 1, e)),
            }
        }
        if zones != 1 {
            return Err(Error::InventoryFile(format!("expected one zone record, found {zones}")));
        }
        match end {
            None => {
                return Err(Error::InventoryFile(
                    "no end record: the file was cut short (or written by an older perimeter); nothing in it can be \
                     trusted as complete"
                        .into(),
                ));
            }
            Some((line, e)) if e != counts => {
                return Err(Error::Inventory {
                    line,
                    message: format!("the end record counts {e:?}, but the file holds {counts:?}: records are missing or repeated"),
                });
            }
            Some(_) => {}
        }
        // An inventory that does not say what was asked for (written before the plan record
        // existed) is held to every type: what it lacks is incomplete, never clean.
        inventory.resource_types = plan.unwrap_or_else(|| ResourceType::ALL.to_vec());
        let finished: BTreeSet<ScopeRecord> = std::mem::take(&mut inventory.scopes).into_iter().collect();
        inventory.settle(&finished, "the inventory has neither a scope record nor an error record for it");
        Ok(inventory)
    }

    /// Sets [`Inventory::scopes`] to the planned scopes that are `finished` and not covered by
    /// an error, and adds an error record for each planned scope that is neither.
    pub fn settle(&mut self, finished: &BTreeSet<ScopeRecord>, unreported: &str) {
        let mut planned = Vec::new();
        for account in self.accounts.iter().filter(|a| a.skipped.is_none()) {
            planned.extend(crate::completeness::planned_for(account, finished, &self.errors, &self.resource_types));
        }
        self.scopes = crate::completeness::settle(planned, finished, &mut self.errors, unreported);
    }
}
