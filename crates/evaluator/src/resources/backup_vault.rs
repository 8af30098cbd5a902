//! Backup vault: the vault's access policy, searched over the `backup` actions on backup vaults on
//! the vault's ARN (`backup:CopyIntoBackupVault` is the usual cross-account grant).

use perimeter_model::{BackupVaultInputs, ResourceRecord, Zone};

use super::{simple, PathResults, Services};
use crate::policy::ResourceElement;

pub const SERVICES: Services = &[("backup", &["backupVault"])];

pub(super) fn analyze(record: &ResourceRecord, x: &BackupVaultInputs, zone: &Zone, out: &mut PathResults) {
    if let Some(text) = &x.policy
        && let Some(policy) = out.parse("vault access policy", text, ResourceElement::Required)
    {
        simple(&policy, SERVICES[0], &record.arn, zone, out);
    }
}
