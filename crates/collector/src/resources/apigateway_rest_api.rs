//! `AWS::ApiGateway::RestApi`: the REST APIs of a region with their resource policies and
//! endpoint types, all from GetRestApis (no call per API). API Gateway returns a policy as JSON
//! text whose quotes are escaped once more (`{\"Version\":…}`); the reader undoes that escaping
//! so that the evaluator reads the document AWS enforces.

use perimeter_model::{ApiGatewayRestApiInputs, ResourceInputs, ResourceType};

use crate::account::{AccountCtx, Collected};
use crate::listing;
use crate::pacing::Api;

const TYPE: ResourceType = ResourceType::ApiGatewayRestApi;

pub async fn read(ctx: &AccountCtx, region: &str, fan_out: usize) -> Collected {
    let apigw = ctx.clients(region).apigateway;
    let pages = || apigw.get_rest_apis().limit(500).into_paginator().send();
    let apis = listing::all_pages(ctx, Api::at(region, "apigateway:GetRestApis"), pages, |p| {
        p.items()
            .iter()
            .filter_map(|api| {
                let id = api.id()?.to_string();
                let endpoint_types = api
                    .endpoint_configuration()
                    .map(|c| c.types().iter().map(|t| t.as_str().to_string()).collect())
                    .unwrap_or_default();
                let policy = listing::policy_text(api.policy().map(unescape).as_deref());
                Some(ApiGatewayRestApiInputs { name: api.name().unwrap_or(&id).to_string(), id, policy, endpoint_types })
            })
            .collect()
    })
    .await;
    listing::scope(ctx, region, TYPE, apis, fan_out, |inputs| async move {
        let arn = format!("arn:aws:apigateway:{region}::/restapis/{}", inputs.id);
        Ok(Some(ctx.record(region, arn, ResourceInputs::ApiGatewayRestApi(inputs))))
    })
    .await
}

/// The policy document in API Gateway's `policy` field: the field is the document written as a
/// JSON string's contents (`{\"Version\":…}`), so it is read back as one; a field that is
/// already a plain document (or not a valid string's contents) is kept as it is, and the
/// evaluator judges it.
fn unescape(field: &str) -> String {
    if serde_json::from_str::<serde_json::Value>(field).is_ok() {
        return field.to_string();
    }
    serde_json::from_str::<String>(&format!("\"{field}\"")).unwrap_or_else(|_| field.to_string())
}

#[cfg(test)]
mod tests {
    use super::unescape;

    #[test]
    fn the_policy_field_is_read_back_as_the_document() {
        let escaped = r#"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"execute-api:Invoke\",\"Resource\":\"arn:aws:execute-api:us-east-1:111111111111:abc/*\"}]}"#;
        let doc: serde_json::Value = serde_json::from_str(&unescape(escaped)).expect("a document");
        assert_eq!(doc["Statement"][0]["Principal"], "*");
        let plain = r#"{"Version":"2012-10-17","Statement":[]}"#;
        assert_eq!(unescape(plain), plain);
        // A value with an escaped backslash keeps it once.
        let with_backslash = r#"{\"Sid\":\"a\\\\b\"}"#;
        let doc: serde_json::Value = serde_json::from_str(&unescape(with_backslash)).expect("a document");
        assert_eq!(doc["Sid"], "a\\b");
    }
}
