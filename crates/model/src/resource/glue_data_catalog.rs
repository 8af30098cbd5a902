//! `AWS::Glue::DataCatalog`: a Glue Data Catalog's resource policy (one catalog per account and region; its name is the catalog ID, the account ID).

use serde::{Deserialize, Serialize};

use super::{arn_tail, Document, TypeInputs};

/// `AWS::Glue::DataCatalog`: a Glue Data Catalog's resource policy (one catalog per account and region; its name is the catalog ID, the account ID) (semantics.md section 6).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GlueDataCatalogInputs {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<String>,
}

impl TypeInputs for GlueDataCatalogInputs {
    fn name(&self) -> &str {
        &self.name
    }

    fn documents(&self) -> Vec<Document<'_>> {
        self.policy.iter().map(|p| Document { name: "catalog policy".into(), text: p }).collect()
    }

    fn from_policy(arn: &str, policy: String) -> Self {
        // The catalog ID is the account ID, the ARN's fifth field.
        GlueDataCatalogInputs { name: arn.split(':').nth(4).unwrap_or(arn_tail(arn)).to_string(), policy: Some(policy) }
    }
}
