//! `AWS::Logs::Destination`: a CloudWatch Logs destination's access policy (who may subscribe log groups to it).

use serde::{Deserialize, Serialize};

use super::{arn_tail, Document, TypeInputs};

/// `AWS::Logs::Destination`: a CloudWatch Logs destination's access policy (who may subscribe log groups to it) (semantics.md section 6).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogsDestinationInputs {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<String>,
}

impl TypeInputs for LogsDestinationInputs {
    fn name(&self) -> &str {
        &self.name
    }

    fn documents(&self) -> Vec<Document<'_>> {
        self.policy.iter().map(|p| Document { name: "destination policy".into(), text: p }).collect()
    }

    fn from_policy(arn: &str, policy: String) -> Self {
        LogsDestinationInputs { name: arn_tail(arn).to_string(), policy: Some(policy) }
    }
}
