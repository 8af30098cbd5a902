//! EBS snapshot: its `createVolumePermission` attribute as a synthetic policy (group `all` is
//! anyone, a user ID is that account) granting `ec2:CreateVolume` and `ec2:CopySnapshot` on the
//! snapshot, searched like a resource policy (`shared_via = SNAPSHOT_PERMISSION`). The account's
//! snapshot Block Public Access in `block-all-sharing` removes the public finding (AWS then
//! refuses every public use); `block-new-sharing` leaves an existing public share public. An
//! encrypted snapshot keeps its findings, with a note naming the key (semantics.md section 6).

use perimeter_model::{Ec2SnapshotInputs, ResourceRecord, SharedVia, SnapshotBlockPublicAccess, Zone};
use serde_json::json;

use super::snapshot::{self, Share};
use super::{PathResults, Services};

pub const SERVICES: Services = &[("ec2", &["snapshot"])];

/// What a `createVolumePermission` lets its grantee do with the snapshot.
pub const ACTIONS: [&str; 2] = ["ec2:CopySnapshot", "ec2:CreateVolume"];

pub(super) fn analyze(record: &ResourceRecord, s: &Ec2SnapshotInputs, zone: &Zone, out: &mut PathResults) {
    let shares: Vec<Share> = s
        .create_volume_permissions
        .iter()
        .filter_map(|p| match (&p.group, &p.user_id) {
            (Some(g), _) if g == "all" => Some(Share::to(json!("*"))),
            (_, Some(account)) => Some(Share::to(json!({"AWS": account}))),
            _ => None,
        })
        .collect();
    let block_public = s.block_public_access == Some(SnapshotBlockPublicAccess::BlockAllSharing);
    let key = s.encrypted.then(|| s.kms_key_id.as_deref().unwrap_or("the snapshot's KMS key"));
    snapshot::analyze(record, &shares, &ACTIONS, block_public, key, SharedVia::SnapshotPermission, zone, out);
}
