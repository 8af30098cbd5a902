//! EFS file system: the file system policy, searched over the `elasticfilesystem` actions on file
//! systems on the file system's ARN (`Resource` may be left out: it applies to the file system).
//! A finding still needs a network path to a mount target (semantics.md section 6): each says
//! so in a note, and none is dropped for it.

use perimeter_model::{EfsFileSystemInputs, ResourceRecord, Zone};

use super::{simple, PathResults, Services};
use crate::policy::ResourceElement;

pub const SERVICES: Services = &[("elasticfilesystem", &["file-system"])];

/// The note on every file system finding.
pub const NETWORK_NOTE: &str = "the file system policy grants this, but mounting also needs a network path to one of the \
     file system's mount targets (its VPC, a peered network or a VPN); perimeter does not read the network, so the \
     access is reported as the policy grants it";

pub(super) fn analyze(record: &ResourceRecord, f: &EfsFileSystemInputs, zone: &Zone, out: &mut PathResults) {
    if let Some(text) = &f.policy
        && let Some(policy) = out.parse("file system policy", text, ResourceElement::NotRequired)
    {
        let before = out.findings.len();
        simple(&policy, SERVICES[0], &record.arn, zone, out);
        for f in &mut out.findings[before..] {
            f.raw.notes.push(NETWORK_NOTE.to_string());
        }
    }
}
