//! `AWS::DynamoDB::Stream`: a table stream's resource-based policy (a policy of its own,
//! apart from the table's).

use serde::{Deserialize, Serialize};

use super::{Document, TypeInputs};

/// DynamoDB stream: its resource-based policy (semantics.md section 6).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DynamoDbStreamInputs {
    pub table_name: String,
    /// The stream's label (the time it was enabled), the last part of its ARN.
    pub stream_label: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<String>,
}

impl TypeInputs for DynamoDbStreamInputs {
    fn name(&self) -> &str {
        &self.stream_label
    }

    fn documents(&self) -> Vec<Document<'_>> {
        self.policy.iter().map(|p| Document { name: "stream policy".into(), text: p }).collect()
    }

    /// From `arn:aws:dynamodb:<region>:<account>:table/<table>/stream/<label>`.
    fn from_policy(arn: &str, policy: String) -> Self {
        let path = arn.splitn(6, ':').nth(5).unwrap_or_default();
        let mut parts = path.split('/');
        let table_name = parts.nth(1).unwrap_or_default().to_string();
        let stream_label = parts.nth(1).unwrap_or_default().to_string();
        DynamoDbStreamInputs { table_name, stream_label, policy: Some(policy) }
    }
}
