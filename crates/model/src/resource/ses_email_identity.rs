//! `AWS::SES::EmailIdentity`: an SES identity (an email address or a domain) and its sending
//! authorization policies, each a document with its own name.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{arn_tail, Document, TypeInputs};

/// `AWS::SES::EmailIdentity`: an identity's sending authorization policies (semantics.md
/// section 6).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SesEmailIdentityInputs {
    pub name: String,
    /// Policy name → policy document.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub policies: BTreeMap<String, String>,
}

impl TypeInputs for SesEmailIdentityInputs {
    fn name(&self) -> &str {
        &self.name
    }

    fn documents(&self) -> Vec<Document<'_>> {
        self.policies
            .iter()
            .map(|(name, text)| Document { name: format!("sending authorization policy {name}"), text })
            .collect()
    }

    fn from_policy(arn: &str, policy: String) -> Self {
        SesEmailIdentityInputs { name: arn_tail(arn).to_string(), policies: BTreeMap::from([("policy".to_string(), policy)]) }
    }
}
