//! `AWS::Lambda::Function`: the functions of a region with the resource policy of the function
//! and of each alias and published version (each may carry its own), and the function URLs
//! (unqualified and per alias). `ResourceNotFoundException` means "none".
//!
//! moto (the emulator the tests use) stores `AddPermission`'s `FunctionUrlAuthType` and
//! `OrganizationId` as top-level statement keys instead of the `Condition` real Lambda writes.
//! [`normalize_policy`] rewrites exactly those keys into the condition real Lambda writes
//! (`StringEquals lambda:FunctionUrlAuthType` / `aws:PrincipalOrgID`); documents from real AWS
//! never have them, so the rewrite changes nothing there (a documented decision).

use perimeter_model::{FunctionUrl, LambdaFunctionInputs, QualifiedPolicy, ResourceInputs, ResourceRecord, ResourceType};
use serde_json::Value;

use crate::account::{AccountCtx, Collected, Read};
use crate::failure::Failure;
use crate::listing;
use crate::pacing::Api;

const FUNCTION: Option<ResourceType> = Some(ResourceType::LambdaFunction);
/// The answer Lambda gives for "there is none" (no policy, no URL configuration).
pub const NOT_FOUND: &[&str] = &["ResourceNotFoundException"];

pub async fn read(ctx: &AccountCtx, region: &str, fan_out: usize) -> Collected {
    let lambda = ctx.clients(region).lambda;
    let functions = listing::all_pages(ctx, Api::at(region, "lambda:ListFunctions"), || lambda.list_functions().into_paginator().send(), |p| {
        p.functions().iter().filter_map(|f| Some((f.function_name()?.to_string(), f.function_arn()?.to_string()))).collect()
    })
    .await;
    let read = |(name, arn)| function(ctx, region, &lambda, name, arn);
    listing::scope(ctx, region, ResourceType::LambdaFunction, functions, fan_out, read).await
}

async fn function(ctx: &AccountCtx, region: &str, lambda: &aws_sdk_lambda::Client, name: String, arn: String) -> Read {
    let fail = |f: Failure| Box::new(ctx.error(Some(region), FUNCTION, Some(&arn), f));
    let (aliases, versions) = tokio::join!(aliases_of(ctx, region, lambda, &name), versions_of(ctx, region, lambda, &name));
    let (aliases, versions) = (aliases.map_err(fail)?, versions.map_err(fail)?);
    // Policies of the function, each alias and each version; URLs of the function and each
    // alias: all independent, read at the same time.
    let policy_qualifiers: Vec<Option<String>> =
        std::iter::once(None).chain(aliases.iter().cloned().map(Some)).chain(versions.into_iter().map(Some)).collect();
    let url_qualifiers: Vec<Option<String>> = std::iter::once(None).chain(aliases.into_iter().map(Some)).collect();
    let name = name.as_str();
    let policy_reads = policy_qualifiers.into_iter().map(|qualifier| async move {
        let got = ctx.call(Api::at(region, "lambda:GetPolicy"), || lambda.get_policy().function_name(name).set_qualifier(qualifier.clone()).send()).await;
        let operation = format!("GetPolicy {}", qualifier.as_deref().unwrap_or("(function)"));
        let got = listing::unless_absent(got, NOT_FOUND, &operation)?;
        Ok(got.and_then(|o| o.policy().map(|p| QualifiedPolicy { qualifier, policy: normalize_policy(p) })))
    });
    let url_reads = url_qualifiers.into_iter().map(|qualifier| async move {
        let got = ctx.call(Api::at(region, "lambda:GetFunctionUrlConfig"), || lambda.get_function_url_config().function_name(name).set_qualifier(qualifier.clone()).send()).await;
        let operation = format!("GetFunctionUrlConfig {}", qualifier.as_deref().unwrap_or("(function)"));
        let got = listing::unless_absent(got, NOT_FOUND, &operation)?;
        Ok::<_, Failure>(got.map(|o| FunctionUrl {
            qualifier,
            auth_type: o.auth_type().as_str().to_string(),
            url: Some(o.function_url().to_string()).filter(|u| !u.is_empty()),
        }))
    });
    let (policies, urls) = tokio::join!(futures::future::join_all(policy_reads), futures::future::join_all(url_reads));
    let mut out = LambdaFunctionInputs { name: name.to_string(), policies: Vec::new(), urls: Vec::new() };
    for p in policies {
        out.policies.extend(p.map_err(fail)?);
    }
    for u in urls {
        out.urls.extend(u.map_err(fail)?);
    }
    Ok(Some(ResourceRecord {
        arn: arn.clone(),
        account: ctx.account.clone(),
        region: region.to_string(),
        inputs: ResourceInputs::LambdaFunction(out),
    }))
}

async fn aliases_of(ctx: &AccountCtx, region: &str, lambda: &aws_sdk_lambda::Client, name: &str) -> Result<Vec<String>, Failure> {
    listing::all_pages(ctx, Api::at(region, "lambda:ListAliases"), || lambda.list_aliases().function_name(name).into_paginator().send(), |p| {
        p.aliases().iter().filter_map(|a| a.name().map(str::to_string)).collect()
    })
    .await
}

/// Published versions (not `$LATEST`, whose policy is the function's).
async fn versions_of(ctx: &AccountCtx, region: &str, lambda: &aws_sdk_lambda::Client, name: &str) -> Result<Vec<String>, Failure> {
    let pages = || lambda.list_versions_by_function().function_name(name).into_paginator().send();
    listing::all_pages(ctx, Api::at(region, "lambda:ListVersionsByFunction"), pages, |p| {
        p.versions().iter().filter_map(|v| v.version()).filter(|v| *v != "$LATEST").map(str::to_string).collect()
    })
    .await
}

/// Rewrites moto's top-level `FunctionUrlAuthType` / `OrganizationId` statement keys into the
/// `Condition` real Lambda writes; any other document is returned unchanged, byte for byte.
pub fn normalize_policy(text: &str) -> String {
    let Ok(mut doc) = serde_json::from_str::<Value>(text) else { return text.to_string() };
    let mut changed = false;
    if let Some(statements) = doc.get_mut("Statement").and_then(Value::as_array_mut) {
        for st in statements.iter_mut().filter_map(Value::as_object_mut) {
            for (field, key) in [("FunctionUrlAuthType", "lambda:FunctionUrlAuthType"), ("OrganizationId", "aws:PrincipalOrgID")] {
                let Some(value) = st.remove(field) else { continue };
                changed = true;
                let condition = st.entry("Condition").or_insert_with(|| Value::Object(Default::default()));
                if let Some(ops) = condition.as_object_mut() {
                    let equals = ops.entry("StringEquals").or_insert_with(|| Value::Object(Default::default()));
                    if let Some(map) = equals.as_object_mut() {
                        map.insert(key.to_string(), value);
                    }
                }
            }
        }
    }
    if changed { doc.to_string() } else { text.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moto_top_level_keys_become_conditions() {
        let moto = r#"{"Version":"2012-10-17","Statement":[{"Sid":"u","Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunctionUrl","Resource":"arn:aws:lambda:us-east-1:111111111111:function:f","FunctionUrlAuthType":"NONE"}]}"#;
        let fixed: Value = serde_json::from_str(&normalize_policy(moto)).expect("JSON");
        assert_eq!(fixed["Statement"][0]["Condition"]["StringEquals"]["lambda:FunctionUrlAuthType"], "NONE");
        assert!(fixed["Statement"][0].get("FunctionUrlAuthType").is_none());
        let real = r#"{"Version":"2012-10-17","Statement":[]}"#;
        assert_eq!(normalize_policy(real), real);
        assert_eq!(normalize_policy("not json"), "not json");
    }
}
