//! Inventory records: the JSON Lines stream the collector writes and the pipeline reads, with
//! error records in the same stream so that nothing unread can pass for clean.

use serde::{Deserialize, Serialize};

use crate::finding::ErrorCode;
use crate::resource::{ResourceRecord, ResourceType};
use crate::resource_control::ResourceControls;
use crate::zone::Zone;

/// One line of an inventory.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "record", rename_all = "snake_case")]
pub enum InventoryRecord {
    /// The zone of trust as discovered (organization, accounts, canonical and unique IDs).
    Zone(Zone),
    /// What the scan set out to read: with each account's scanned regions, the scopes that must
    /// each have a scope record or an error record.
    Plan(PlanRecord),
    /// The organization's resource control policies and where each is attached; absent when
    /// there is no organization, or when they could not be read (an error record then says so).
    ResourceControls(ResourceControls),
    Account(AccountRecord),
    Resource(ResourceRecord),
    /// A scope (account, region, resource type) that was read to the end.
    Scope(ScopeRecord),
    Error(ErrorRecord),
    /// The last line: how many records of each kind came before it, so that a file cut short
    /// (even at a line boundary) is known to be incomplete.
    End(EndRecord),
}

/// The counts of an inventory's records, written as its last line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EndRecord {
    pub accounts: usize,
    pub resources: usize,
    pub scopes: usize,
    pub errors: usize,
    /// Resource-controls records (0 or 1; absent in files written before RCPs were read).
    #[serde(default)]
    pub resource_controls: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AccountStatus {
    Active,
    Suspended,
    PendingClosure,
    Other,
}

/// An account of the organization and whether it was scanned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountRecord {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub status: AccountStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org_path: Option<String>,
    /// Why the account was not scanned, when it was not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skipped: Option<String>,
    /// Regions asked for that are not enabled in the account (skipped, not errors).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skipped_regions: Vec<String>,
    /// Resource types the account does not have enabled in a scanned region (the service
    /// refuses the account: S3 Glacier vaults for accounts that never stored in Glacier). Such
    /// a scope is read to the end (there is nothing in it) and reported skipped, not an error.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skipped_types: Vec<SkippedType>,
    /// The regions scanned in the account; `None` when it was not scanned, or could not be
    /// entered (an error record then says why).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regions: Option<Vec<String>>,
}

/// A resource type the account does not have enabled in one region, and what the service said.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SkippedType {
    pub region: String,
    pub resource_type: ResourceType,
    pub reason: String,
}

/// The resource types a scan was asked to read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanRecord {
    pub resource_types: Vec<ResourceType>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScopeRecord {
    pub account: String,
    pub region: String,
    pub resource_type: ResourceType,
}

/// Something that could not be read or analysed: as wide as the failure and no wider.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorRecord {
    pub account: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_type: Option<ResourceType>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_arn: Option<String>,
    pub code: ErrorCode,
    pub message: String,
}

impl ErrorRecord {
    /// The order error rows are listed in: by account, region and resource (the order in which
    /// accounts or resources were read does not show).
    pub fn sort(errors: &mut [ErrorRecord]) {
        errors.sort_by(|a, b| (&a.account, &a.region, &a.resource_arn).cmp(&(&b.account, &b.region, &b.resource_arn)));
    }
}
