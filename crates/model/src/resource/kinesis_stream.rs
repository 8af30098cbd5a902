//! `AWS::Kinesis::Stream`: a Kinesis data stream's resource policy.

use serde::{Deserialize, Serialize};

use super::{arn_tail, Document, TypeInputs};

/// `AWS::Kinesis::Stream`: a Kinesis data stream's resource policy (semantics.md section 6).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KinesisStreamInputs {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<String>,
}

impl TypeInputs for KinesisStreamInputs {
    fn name(&self) -> &str {
        &self.name
    }

    fn documents(&self) -> Vec<Document<'_>> {
        self.policy.iter().map(|p| Document { name: "stream policy".into(), text: p }).collect()
    }

    fn from_policy(arn: &str, policy: String) -> Self {
        KinesisStreamInputs { name: arn_tail(arn).to_string(), policy: Some(policy) }
    }
}
