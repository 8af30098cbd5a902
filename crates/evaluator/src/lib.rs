//! Exact external-access analysis of AWS resource policies: pure Rust, no AWS SDK, no I/O.
//!
//! [`Policy::parse`] reads a document strictly; [`evaluate()`] decides one concrete request;
//! [`analyze`] finds every external access a resource's inputs grant (semantics.md), each
//! finding with a witness request that [`evaluate()`] allows.
//!
//! Layers: `policy` (with `json`, `pattern` and `condition`) reads documents, `evaluate` decides one
//! request, `search` finds the external requests one policy allows, `resources` reads each
//! resource type's documents and combines their results, `finding` merges them into findings;
//! `resource_control` holds the organization's RCPs, whose Denies a search adds.

pub mod catalog;
pub mod condition;
mod error;
pub mod evaluate;
mod finding;
pub mod json;
pub mod keys;
pub mod pattern;
pub mod policy;
pub mod resource_control;
mod resources;
pub mod search;

use perimeter_model::{ResourceRecord, ResourceType, Zone};

pub use error::{Error, Place, MAX_DOCUMENT_BYTES};
pub use evaluate::{evaluate, Decision, Evaluation};
pub use finding::{finding_id, Analysis, AnalysisError};
pub use policy::Policy;
pub use resource_control::{Guardrails, Rcp, RcpError};
pub use resources::Services;
pub use search::RESOURCE_BOUND;

/// Analyses one resource against the zone of trust. The resource's owner account is always
/// inside the zone.
pub fn analyze(record: &ResourceRecord, zone: &Zone) -> Analysis {
    analyze_guarded(record, zone, &[])
}

/// Analyses one resource under the resource control policies in force on it
/// ([`Guardrails::in_force`]): an access they refuse entirely is a finding with `blocked_by`,
/// one they narrow has their condition (semantics.md section 8).
pub fn analyze_guarded(record: &ResourceRecord, zone: &Zone, rcps: &[std::sync::Arc<Rcp>]) -> Analysis {
    finding::analysis(record, resources::analyze_inputs(record, zone, rcps))
}

/// The services whose actions the policies of `t` grant, each with the SAR resource types that
/// `t`'s analysis passes to the action catalog.
pub fn resource_services(t: ResourceType) -> Services {
    resources::services(t)
}

/// Every policy document of a resource as the analysis reads it (a service's documented
/// shorthand expanded: API Gateway's `execute-api:/…`), each with its name; for tests and tools
/// that check a request against the documents themselves.
pub fn read_documents(record: &ResourceRecord) -> Vec<(String, Result<Policy, Error>)> {
    resources::read_documents(record)
}

/// The catalog actions of [`resource_services`]`(t)`, each once.
pub fn resource_actions(t: ResourceType) -> Vec<&'static str> {
    resources::actions(t)
}
