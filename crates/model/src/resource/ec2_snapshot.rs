//! `AWS::EC2::Snapshot`: an EBS snapshot's `createVolumePermission` attribute (who may create a
//! volume from it or copy it) and its region's snapshot Block Public Access state. It has no
//! policy document.

use serde::{Deserialize, Serialize};

use super::{arn_tail, Document, TypeInputs};

/// EBS snapshot: who it is shared with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ec2SnapshotInputs {
    pub snapshot_id: String,
    #[serde(default)]
    pub encrypted: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key_id: Option<String>,
    /// The `createVolumePermission` entries: `{"group": "all"}` (anyone) or `{"user_id": "<account>"}`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub create_volume_permissions: Vec<VolumePermission>,
    /// The account's snapshot Block Public Access state in the snapshot's region; `None` when
    /// not read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block_public_access: Option<SnapshotBlockPublicAccess>,
}

/// One `createVolumePermission` entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VolumePermission {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
}

/// EBS snapshot Block Public Access (`GetSnapshotBlockPublicAccessState`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SnapshotBlockPublicAccess {
    Unblocked,
    /// New public shares are refused; snapshots already public stay public.
    BlockNewSharing,
    /// No snapshot of the account is public, whatever its attribute says.
    BlockAllSharing,
}

impl TypeInputs for Ec2SnapshotInputs {
    fn name(&self) -> &str {
        &self.snapshot_id
    }

    fn documents(&self) -> Vec<Document<'_>> {
        Vec::new()
    }

    /// A snapshot has no policy document: the inputs of one that is shared with nobody.
    fn from_policy(arn: &str, _policy: String) -> Self {
        Ec2SnapshotInputs {
            snapshot_id: arn_tail(arn).to_string(),
            encrypted: false,
            kms_key_id: None,
            create_volume_permissions: Vec::new(),
            block_public_access: None,
        }
    }
}
