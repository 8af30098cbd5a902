//! `AWS::IAM::Role`: the role's trust policy (who may assume it).

use serde::{Deserialize, Serialize};

use super::{arn_tail, Document, TypeInputs};

/// IAM role: the trust policy (decoded JSON text).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IamRoleInputs {
    pub name: String,
    pub trust_policy: String,
}

impl TypeInputs for IamRoleInputs {
    fn name(&self) -> &str {
        &self.name
    }

    fn documents(&self) -> Vec<Document<'_>> {
        vec![Document { name: "trust policy".into(), text: &self.trust_policy }]
    }

    fn from_policy(arn: &str, policy: String) -> Self {
        IamRoleInputs { name: arn_tail(arn).to_string(), trust_policy: policy }
    }
}
