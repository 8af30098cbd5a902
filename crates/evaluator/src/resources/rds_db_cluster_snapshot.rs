//! RDS DB cluster snapshot (manual): its `restore` attribute as for DB snapshots, granting
//! `rds:RestoreDBClusterFromSnapshot` and `rds:CopyDBClusterSnapshot`.

use perimeter_model::{RdsSnapshotInputs, ResourceRecord, Zone};

use super::{snapshot, PathResults, Services};

pub const SERVICES: Services = &[("rds", &["cluster-snapshot"])];

pub const ACTIONS: [&str; 2] = ["rds:CopyDBClusterSnapshot", "rds:RestoreDBClusterFromSnapshot"];

pub(super) fn analyze(record: &ResourceRecord, s: &RdsSnapshotInputs, zone: &Zone, out: &mut PathResults) {
    snapshot::analyze_restore(record, s, &ACTIONS, zone, out);
}
