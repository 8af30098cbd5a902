//! RDS DB snapshot (manual): its `restore` attribute (`all` is anyone, an account ID that
//! account) as a synthetic policy granting `rds:RestoreDBInstanceFromDBSnapshot` and
//! `rds:CopyDBSnapshot`, searched like a resource policy (`shared_via = SNAPSHOT_PERMISSION`).
//! An encrypted snapshot keeps its findings, with a note naming the key.

use perimeter_model::{RdsSnapshotInputs, ResourceRecord, Zone};

use super::{snapshot, PathResults, Services};

pub const SERVICES: Services = &[("rds", &["snapshot"])];

pub const ACTIONS: [&str; 2] = ["rds:CopyDBSnapshot", "rds:RestoreDBInstanceFromDBSnapshot"];

pub(super) fn analyze(record: &ResourceRecord, s: &RdsSnapshotInputs, zone: &Zone, out: &mut PathResults) {
    snapshot::analyze_restore(record, s, &ACTIONS, zone, out);
}
