//! `AWS::Glacier::Vault`: an S3 Glacier vault's access policy and its vault lock policy. Both
//! govern the vault together: an Allow in either grants, a Deny in either refuses.

use serde::{Deserialize, Serialize};

use super::{arn_tail, Document, TypeInputs};

/// `AWS::Glacier::Vault`: a vault's two policies (semantics.md section 6).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GlacierVaultInputs {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_policy: Option<String>,
    /// The vault lock policy (`GetVaultLock`), in force whether `InProgress` or `Locked`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lock_policy: Option<String>,
    /// The lock's state (`InProgress`, `Locked`), when there is a lock.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lock_state: Option<String>,
}

impl TypeInputs for GlacierVaultInputs {
    fn name(&self) -> &str {
        &self.name
    }

    fn documents(&self) -> Vec<Document<'_>> {
        let access = self.access_policy.iter().map(|p| Document { name: "vault access policy".into(), text: p });
        let lock = self.lock_policy.iter().map(|p| Document { name: "vault lock policy".into(), text: p });
        access.chain(lock).collect()
    }

    fn from_policy(arn: &str, policy: String) -> Self {
        GlacierVaultInputs { name: arn_tail(arn).to_string(), access_policy: Some(policy), lock_policy: None, lock_state: None }
    }
}
