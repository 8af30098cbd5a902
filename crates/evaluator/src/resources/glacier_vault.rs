//! Glacier vault: the vault access policy and the vault lock policy, read as one policy (both
//! govern the vault: an Allow in either grants, a Deny in either refuses; a lock policy is
//! usually Denies that hold whatever the access policy says), searched over the `glacier`
//! actions on vaults on the vault's ARN. Every archive request (`DeleteArchive`, `InitiateJob`)
//! carries `glacier:ArchiveAgeInDays` (the SAR lists it for those two actions): the key is never
//! absent there, so a lock policy's "Deny while younger than N days" narrows those actions to
//! old archives, and is never escaped by leaving the key out.

use perimeter_model::{GlacierVaultInputs, ResourceRecord, Zone};

use super::{combined, scope, targets_for, PathResults, Services};
use crate::policy::ResourceElement;
use crate::search;
use perimeter_model::SharedVia;

pub const SERVICES: Services = &[("glacier", &["vault"])];

/// The actions whose requests always carry the archive's age.
const ARCHIVE_ACTIONS: [&str; 2] = ["glacier:DeleteArchive", "glacier:InitiateJob"];
const ARCHIVE_AGE: &[&str] = &["glacier:archiveageindays"];

pub(super) fn analyze(record: &ResourceRecord, x: &GlacierVaultInputs, zone: &Zone, out: &mut PathResults) {
    let documents = [("vault access policy", &x.access_policy), ("vault lock policy", &x.lock_policy)];
    let texts = documents.into_iter().filter_map(|(name, text)| Some((name.to_string(), text.as_deref()?)));
    if let Some(policy) = combined(out, texts, ResourceElement::Required) {
        let mut targets = targets_for(&policy, zone, SERVICES[0], std::slice::from_ref(&record.arn));
        for t in targets.iter_mut().filter(|t| ARCHIVE_ACTIONS.iter().any(|a| a.eq_ignore_ascii_case(&t.action))) {
            t.present = ARCHIVE_AGE;
        }
        out.add(search::search(&policy, &scope(zone, &targets, out)), SharedVia::Policy);
    }
}
