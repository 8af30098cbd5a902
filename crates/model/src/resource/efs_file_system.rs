//! `AWS::EFS::FileSystem`: a file system's file system policy.

use serde::{Deserialize, Serialize};

use super::{arn_tail, Document, TypeInputs};

/// `AWS::EFS::FileSystem`: a file system's file system policy (semantics.md section 6).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EfsFileSystemInputs {
    pub file_system_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<String>,
}

impl TypeInputs for EfsFileSystemInputs {
    fn name(&self) -> &str {
        &self.file_system_id
    }

    fn documents(&self) -> Vec<Document<'_>> {
        self.policy.iter().map(|p| Document { name: "file system policy".into(), text: p }).collect()
    }

    fn from_policy(arn: &str, policy: String) -> Self {
        EfsFileSystemInputs { file_system_id: arn_tail(arn).to_string(), policy: Some(policy) }
    }
}
