//! `AWS::DynamoDB::Table`: a table's resource-based policy.

use serde::{Deserialize, Serialize};

use super::{arn_tail, Document, TypeInputs};

/// DynamoDB table: its resource-based policy (semantics.md section 6).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DynamoDbTableInputs {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<String>,
}

impl TypeInputs for DynamoDbTableInputs {
    fn name(&self) -> &str {
        &self.name
    }

    fn documents(&self) -> Vec<Document<'_>> {
        self.policy.iter().map(|p| Document { name: "table policy".into(), text: p }).collect()
    }

    fn from_policy(arn: &str, policy: String) -> Self {
        DynamoDbTableInputs { name: arn_tail(arn).to_string(), policy: Some(policy) }
    }
}
