//! `AWS::Lambda::LayerVersion`: one version of a layer and its layer version policy.

use serde::{Deserialize, Serialize};

use super::{Document, TypeInputs};

/// Lambda layer version: its policy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LambdaLayerVersionInputs {
    pub layer_name: String,
    pub version: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<String>,
}

impl TypeInputs for LambdaLayerVersionInputs {
    fn name(&self) -> &str {
        &self.layer_name
    }

    fn documents(&self) -> Vec<Document<'_>> {
        self.policy.iter().map(|p| Document { name: "layer version policy".into(), text: p }).collect()
    }

    /// The ARN is `arn:aws:lambda:REGION:ACCOUNT:layer:NAME:VERSION`.
    fn from_policy(arn: &str, policy: String) -> Self {
        LambdaLayerVersionInputs {
            layer_name: arn.split(':').nth(6).unwrap_or_default().to_string(),
            version: arn.rsplit(':').next().and_then(|v| v.parse().ok()).unwrap_or(0),
            policy: Some(policy),
        }
    }
}
