//! `AWS::Lambda::Function`: the resource policies of the function and of each version or alias
//! that has its own, and its function URLs with their auth types.

use serde::{Deserialize, Serialize};

use super::{arn_tail, Document, TypeInputs};

/// Lambda function: the policies of the function and of each version or alias that has its
/// own, and its function URLs.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LambdaFunctionInputs {
    pub name: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub policies: Vec<QualifiedPolicy>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub urls: Vec<FunctionUrl>,
}

/// A resource policy of an unqualified function (`qualifier: None`), a version or an alias.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QualifiedPolicy {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qualifier: Option<String>,
    pub policy: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FunctionUrl {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qualifier: Option<String>,
    /// `NONE` or `AWS_IAM`.
    pub auth_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

impl TypeInputs for LambdaFunctionInputs {
    fn name(&self) -> &str {
        &self.name
    }

    fn documents(&self) -> Vec<Document<'_>> {
        self.policies
            .iter()
            .map(|p| Document {
                name: match &p.qualifier {
                    Some(q) => format!("function policy (qualifier {q})"),
                    None => "function policy".into(),
                },
                text: &p.policy,
            })
            .collect()
    }

    fn from_policy(arn: &str, policy: String) -> Self {
        LambdaFunctionInputs {
            name: arn_tail(arn).to_string(),
            policies: vec![QualifiedPolicy { qualifier: None, policy }],
            urls: Vec::new(),
        }
    }
}
