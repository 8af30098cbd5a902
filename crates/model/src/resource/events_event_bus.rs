//! `AWS::Events::EventBus`: an EventBridge event bus's bus policy (the permissions that `PutPermission` writes).

use serde::{Deserialize, Serialize};

use super::{arn_tail, Document, TypeInputs};

/// `AWS::Events::EventBus`: an EventBridge event bus's bus policy (the permissions that `PutPermission` writes) (semantics.md section 6).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventsEventBusInputs {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<String>,
}

impl TypeInputs for EventsEventBusInputs {
    fn name(&self) -> &str {
        &self.name
    }

    fn documents(&self) -> Vec<Document<'_>> {
        self.policy.iter().map(|p| Document { name: "bus policy".into(), text: p }).collect()
    }

    fn from_policy(arn: &str, policy: String) -> Self {
        EventsEventBusInputs { name: arn_tail(arn).to_string(), policy: Some(policy) }
    }
}
