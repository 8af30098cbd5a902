//! `AWS::Logs::ResourcePolicy`: a CloudWatch Logs resource policy of a region. An account-level
//! policy governs every log group of the account in that region; a policy scoped to one log
//! group (`policyScope = RESOURCE`) governs that group. CloudWatch Logs gives these policies a
//! name, not an ARN: the record's ARN is perimeter's own,
//! `arn:aws:logs:<region>:<account>:resource-policy:<name>` (docs/findings.md).

use serde::{Deserialize, Serialize};

use super::{arn_tail, Document, TypeInputs};

/// `AWS::Logs::ResourcePolicy`: one resource policy (semantics.md section 6).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogsResourcePolicyInputs {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<String>,
    /// The log group a resource-scoped policy governs; `None` for an account-level policy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_arn: Option<String>,
}

impl TypeInputs for LogsResourcePolicyInputs {
    fn name(&self) -> &str {
        &self.name
    }

    fn documents(&self) -> Vec<Document<'_>> {
        self.policy.iter().map(|p| Document { name: "logs resource policy".into(), text: p }).collect()
    }

    fn from_policy(arn: &str, policy: String) -> Self {
        LogsResourcePolicyInputs { name: arn_tail(arn).to_string(), policy: Some(policy), resource_arn: None }
    }
}
