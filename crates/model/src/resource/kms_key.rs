//! `AWS::KMS::Key`: a customer-managed key's key policy and its grants.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{arn_tail, Document, TypeInputs};

/// KMS customer-managed key: key policy and grants.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KmsKeyInputs {
    pub key_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub grants: Vec<KmsGrant>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KmsGrant {
    pub grant_id: String,
    /// ARN of the grantee (or an AWS service principal).
    pub grantee_principal: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retiring_principal: Option<String>,
    /// KMS operation names as in the API (`Decrypt`, `GenerateDataKey`, …).
    pub operations: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub constraints: Option<GrantConstraints>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GrantConstraints {
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub encryption_context_equals: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub encryption_context_subset: BTreeMap<String, String>,
}

impl TypeInputs for KmsKeyInputs {
    fn name(&self) -> &str {
        &self.key_id
    }

    fn documents(&self) -> Vec<Document<'_>> {
        self.policy.iter().map(|p| Document { name: "key policy".into(), text: p }).collect()
    }

    fn from_policy(arn: &str, policy: String) -> Self {
        KmsKeyInputs { key_id: arn_tail(arn).to_string(), policy: Some(policy), grants: Vec::new() }
    }
}
