//! The inventory: everything a scan read, as JSON Lines of [`InventoryRecord`]s (zone first,
//! then accounts, resources, complete scopes and errors), written out and read back for an
//! offline evaluation (`perimeter scan --from-inventory`).

use std::io::{BufRead, Write};

use perimeter_model::{AccountRecord, ErrorRecord, InventoryRecord, ResourceRecord, ScopeRecord, Zone};

use crate::calls::CallLog;
use crate::Error;

/// Everything one scan read.
#[derive(Debug, Default)]
pub struct Inventory {
    pub zone: Zone,
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
            .chain(self.accounts.iter().cloned().map(InventoryRecord::Account))
            .chain(self.resources.iter().cloned().map(InventoryRecord::Resource))
            .chain(self.scopes.iter().cloned().map(InventoryRecord::Scope))
            .chain(self.errors.iter().cloned().map(InventoryRecord::Error))
    }

    /// Writes JSON Lines.
    pub fn write_jsonl(&self, mut out: impl Write) -> Result<(), Error> {
        for record in self.records() {
            serde_json::to_writer(&mut out, &record).map_err(std::io::Error::from)?;
            out.write_all(b"\n")?;
        }
        out.flush()?;
        Ok(())
    }

    /// Reads JSON Lines written by [`Inventory::write_jsonl`]; a bad line is an error naming it.
    pub fn read_jsonl(input: impl BufRead) -> Result<Inventory, Error> {
        let mut inventory = Inventory::default();
        let mut zones = 0;
        for (i, line) in input.lines().enumerate() {
            let line = line?;
            if line.trim().is_empty() {
                continue;
            }
            let record: InventoryRecord =
                serde_json::from_str(&line).map_err(|e| Error::Inventory { line: i + 1, message: e.to_string() })?;
            match record {
                InventoryRecord::Zone(z) => {
                    zones += 1;
                    inventory.zone = z;
                }
                InventoryRecord::Account(a) => inventory.accounts.push(a),
                InventoryRecord::Resource(r) => inventory.resources.push(r),
                InventoryRecord::Scope(s) => inventory.scopes.push(s),
                InventoryRecord::Error(e) => inventory.errors.push(e),
            }
        }
        if zones != 1 {
            return Err(Error::Inventory { line: 0, message: format!("expected one zone record, found {zones}") });
        }
        Ok(inventory)
    }
}
