//! `AWS::OpenSearchService::Domain`: an OpenSearch Service (or Elasticsearch) domain's access
//! policy and whether the domain sits inside a VPC (such a domain is never public).

use serde::{Deserialize, Serialize};

use super::{arn_tail, Document, TypeInputs};

/// `AWS::OpenSearchService::Domain`: a domain's access policy (semantics.md section 6).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpenSearchDomainInputs {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<String>,
    /// The VPC of a domain with VPC access (`VPCOptions.VPCId`); `None` for a public endpoint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc_id: Option<String>,
}

impl TypeInputs for OpenSearchDomainInputs {
    fn name(&self) -> &str {
        &self.name
    }

    fn documents(&self) -> Vec<Document<'_>> {
        self.policy.iter().map(|p| Document { name: "domain access policy".into(), text: p }).collect()
    }

    fn from_policy(arn: &str, policy: String) -> Self {
        OpenSearchDomainInputs { name: arn_tail(arn).to_string(), policy: Some(policy), vpc_id: None }
    }
}
