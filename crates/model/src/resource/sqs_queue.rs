//! `AWS::SQS::Queue`: the queue policy.

use serde::{Deserialize, Serialize};

use super::{arn_tail, Document, TypeInputs};

/// SQS queue: the queue policy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SqsQueueInputs {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<String>,
}

impl TypeInputs for SqsQueueInputs {
    fn name(&self) -> &str {
        &self.name
    }

    fn documents(&self) -> Vec<Document<'_>> {
        self.policy.iter().map(|p| Document { name: "queue policy".into(), text: p }).collect()
    }

    fn from_policy(arn: &str, policy: String) -> Self {
        SqsQueueInputs { name: arn_tail(arn).to_string(), url: None, policy: Some(policy) }
    }
}
