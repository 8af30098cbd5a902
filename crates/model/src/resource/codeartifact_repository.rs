//! `AWS::CodeArtifact::Repository`: a CodeArtifact repository's permissions policy (which also
//! governs the packages in the repository).

use serde::{Deserialize, Serialize};

use super::{arn_tail, Document, TypeInputs};

/// `AWS::CodeArtifact::Repository`: a repository's permissions policy (semantics.md section 6).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CodeArtifactRepositoryInputs {
    pub name: String,
    /// The domain the repository belongs to (the ARN's `repository/<domain>/<name>`).
    pub domain: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<String>,
}

impl TypeInputs for CodeArtifactRepositoryInputs {
    fn name(&self) -> &str {
        &self.name
    }

    fn documents(&self) -> Vec<Document<'_>> {
        self.policy.iter().map(|p| Document { name: "repository policy".into(), text: p }).collect()
    }

    fn from_policy(arn: &str, policy: String) -> Self {
        // `arn:aws:codeartifact:<region>:<account>:repository/<domain>/<name>`
        let path = arn.splitn(6, ':').nth(5).unwrap_or_default();
        let domain = path.split('/').nth(1).unwrap_or_default().to_string();
        CodeArtifactRepositoryInputs { name: arn_tail(arn).to_string(), domain, policy: Some(policy) }
    }
}
