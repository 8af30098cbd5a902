//! `AWS::RDS::DBSnapshot` and `AWS::RDS::DBClusterSnapshot`: a manual snapshot's `restore`
//! attribute (the accounts that may restore or copy it, `all` for anyone). The two types read
//! the same inputs; neither has a policy document.

use serde::{Deserialize, Serialize};

use super::{arn_tail, Document, TypeInputs};

/// A manual RDS DB snapshot or DB cluster snapshot: who it is shared with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RdsSnapshotInputs {
    pub snapshot_id: String,
    #[serde(default)]
    pub encrypted: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key_id: Option<String>,
    /// The `restore` attribute's values: account IDs, or `all`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub restore: Vec<String>,
}

impl TypeInputs for RdsSnapshotInputs {
    fn name(&self) -> &str {
        &self.snapshot_id
    }

    fn documents(&self) -> Vec<Document<'_>> {
        Vec::new()
    }

    /// A snapshot has no policy document: the inputs of one that is shared with nobody.
    fn from_policy(arn: &str, _policy: String) -> Self {
        RdsSnapshotInputs { snapshot_id: arn_tail(arn).to_string(), encrypted: false, kms_key_id: None, restore: Vec::new() }
    }
}
