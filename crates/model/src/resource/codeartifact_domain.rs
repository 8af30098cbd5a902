//! `AWS::CodeArtifact::Domain`: a CodeArtifact domain's permissions policy.

use serde::{Deserialize, Serialize};

use super::{arn_tail, Document, TypeInputs};

/// `AWS::CodeArtifact::Domain`: a CodeArtifact domain's permissions policy (semantics.md section 6).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CodeArtifactDomainInputs {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<String>,
}

impl TypeInputs for CodeArtifactDomainInputs {
    fn name(&self) -> &str {
        &self.name
    }

    fn documents(&self) -> Vec<Document<'_>> {
        self.policy.iter().map(|p| Document { name: "domain policy".into(), text: p }).collect()
    }

    fn from_policy(arn: &str, policy: String) -> Self {
        CodeArtifactDomainInputs { name: arn_tail(arn).to_string(), policy: Some(policy) }
    }
}
