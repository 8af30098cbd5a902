//! `AWS::ApiGateway::RestApi`: a REST API's resource policy and its endpoint types (a `PRIVATE`
//! API is reachable only through interface VPC endpoints, so it is never public).

use serde::{Deserialize, Serialize};

use super::{arn_tail, Document, TypeInputs};

/// `AWS::ApiGateway::RestApi`: a REST API (semantics.md section 6). Its record ARN is the API
/// Gateway resource ARN, `arn:aws:apigateway:<region>::/restapis/<id>` (no account field); its
/// policy grants `execute-api:` actions on `arn:aws:execute-api:<region>:<account>:<id>/…`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiGatewayRestApiInputs {
    pub name: String,
    /// The API ID (`restapis/<id>`).
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<String>,
    /// `endpointConfiguration.types`: `EDGE`, `REGIONAL` or `PRIVATE`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub endpoint_types: Vec<String>,
}

impl ApiGatewayRestApiInputs {
    /// Whether the API has only a private endpoint.
    pub fn is_private(&self) -> bool {
        !self.endpoint_types.is_empty() && self.endpoint_types.iter().all(|t| t.eq_ignore_ascii_case("PRIVATE"))
    }
}

impl TypeInputs for ApiGatewayRestApiInputs {
    fn name(&self) -> &str {
        &self.name
    }

    fn documents(&self) -> Vec<Document<'_>> {
        self.policy.iter().map(|p| Document { name: "API resource policy".into(), text: p }).collect()
    }

    fn from_policy(arn: &str, policy: String) -> Self {
        let id = arn_tail(arn).to_string();
        ApiGatewayRestApiInputs { name: id.clone(), id, policy: Some(policy), endpoint_types: Vec::new() }
    }
}
