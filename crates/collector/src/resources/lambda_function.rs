//! Lambda: the functions of a region with the resource policy of the function and of each alias
//! and published version (each may carry its own), the function URLs (unqualified and per alias),
//! and every layer version with its policy. `ResourceNotFoundException` means "none".
//!
//! moto (the emulator the tests use) stores `AddPermission`'s `FunctionUrlAuthType` and
//! `OrganizationId` as top-level statement keys instead of the `Condition` real Lambda writes.
//! [`normalize_policy`] rewrites exactly those keys into the condition real Lambda writes
//! (`StringEquals lambda:FunctionUrlAuthType` / `aws:PrincipalOrgID`); documents from real AWS
//! never have them, so the rewrite changes nothing there (a documented decision).

use futures::stream::{self, StreamExt};
use perimeter_model::{
    FunctionUrl, LambdaFunctionInputs, LambdaLayerVersionInputs, QualifiedPolicy, ResourceInputs, ResourceRecord, ResourceType,
};
use serde_json::Value;

use crate::account::{AccountCtx, Collected, Read};
use crate::failure::{classify, Failure};

const FUNCTION: Option<ResourceType> = Some(ResourceType::LambdaFunction);
const LAYER: Option<ResourceType> = Some(ResourceType::LambdaLayerVersion);
const NOT_FOUND: &[&str] = &["ResourceNotFoundException"];


pub async fn collect_functions(ctx: &AccountCtx, region: &str, fan_out: usize) -> Collected {
    let mut out = Collected::default();
    let lambda = ctx.clients(region).lambda;
    let mut functions = Vec::new();
    let mut pages = lambda.list_functions().into_paginator().send();
    while let Some(page) = ctx.call(pages.next()).await {
        match page {
            Ok(page) => functions.extend(
                page.functions().iter().filter_map(|f| Some((f.function_name()?.to_string(), f.function_arn()?.to_string()))),
            ),
            Err(e) => {
                out.errors.push(ctx.error(Some(region), FUNCTION, None, classify(&e).reading("ListFunctions")));
                return out;
            }
        }
    }
    let results = stream::iter(functions.into_iter().map(|(name, arn)| function(ctx, region, &lambda, name, arn)))
        .buffer_unordered(fan_out)
        .collect::<Vec<_>>()
        .await;
    out.absorb(results);
    out
}

async fn function(ctx: &AccountCtx, region: &str, lambda: &aws_sdk_lambda::Client, name: String, arn: String) -> Read {
    let fail = |f: Failure| Box::new(ctx.error(Some(region), FUNCTION, Some(&arn), f));
    let (aliases, versions) = tokio::join!(aliases_of(ctx, lambda, &name), versions_of(ctx, lambda, &name));
    let (aliases, versions) = (aliases.map_err(fail)?, versions.map_err(fail)?);
    // Policies of the function, each alias and each version; URLs of the function and each
    // alias: all independent, read at the same time.
    let policy_qualifiers: Vec<Option<String>> =
        std::iter::once(None).chain(aliases.iter().cloned().map(Some)).chain(versions.into_iter().map(Some)).collect();
    let url_qualifiers: Vec<Option<String>> = std::iter::once(None).chain(aliases.into_iter().map(Some)).collect();
    let name = name.as_str();
    let policy_reads = policy_qualifiers.into_iter().map(|qualifier| async move {
        let got = ctx.call(lambda.get_policy().function_name(name).set_qualifier(qualifier.clone()).send()).await;
        match got {
            Ok(o) => Ok(o.policy().map(|p| QualifiedPolicy { qualifier, policy: normalize_policy(p) })),
            Err(e) => {
                let f = classify(&e);
                if f.is_code(NOT_FOUND) {
                    Ok(None)
                } else {
                    Err(f.reading(&format!("GetPolicy {}", qualifier.as_deref().unwrap_or("(function)"))))
                }
            }
        }
    });
    let url_reads = url_qualifiers.into_iter().map(|qualifier| async move {
        let got = ctx.call(lambda.get_function_url_config().function_name(name).set_qualifier(qualifier.clone()).send()).await;
        match got {
            Ok(o) => Ok(Some(FunctionUrl {
                qualifier,
                auth_type: o.auth_type().as_str().to_string(),
                url: Some(o.function_url().to_string()).filter(|u| !u.is_empty()),
            })),
            Err(e) => {
                let f = classify(&e);
                if f.is_code(NOT_FOUND) {
                    Ok(None)
                } else {
                    Err(f.reading(&format!("GetFunctionUrlConfig {}", qualifier.as_deref().unwrap_or("(function)"))))
                }
            }
        }
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

async fn aliases_of(ctx: &AccountCtx, lambda: &aws_sdk_lambda::Client, name: &str) -> Result<Vec<String>, Failure> {
    let mut aliases = Vec::new();
    let mut pages = lambda.list_aliases().function_name(name).into_paginator().send();
    while let Some(page) = ctx.call(pages.next()).await {
        let page = page.map_err(|e| classify(&e).reading("ListAliases"))?;
        aliases.extend(page.aliases().iter().filter_map(|a| a.name().map(str::to_string)));
    }
    Ok(aliases)
}

/// Published versions (not `$LATEST`, whose policy is the function's).
async fn versions_of(ctx: &AccountCtx, lambda: &aws_sdk_lambda::Client, name: &str) -> Result<Vec<String>, Failure> {
    let mut versions = Vec::new();
    let mut pages = lambda.list_versions_by_function().function_name(name).into_paginator().send();
    while let Some(page) = ctx.call(pages.next()).await {
        let page = page.map_err(|e| classify(&e).reading("ListVersionsByFunction"))?;
        versions.extend(page.versions().iter().filter_map(|v| v.version()).filter(|v| *v != "$LATEST").map(str::to_string));
    }
    Ok(versions)
}

pub async fn collect_layers(ctx: &AccountCtx, region: &str, fan_out: usize) -> Collected {
    let mut out = Collected::default();
    let lambda = ctx.clients(region).lambda;
    let mut layers = Vec::new();
    let mut pages = lambda.list_layers().into_paginator().send();
    while let Some(page) = ctx.call(pages.next()).await {
        match page {
            Ok(page) => layers.extend(page.layers().iter().filter_map(|l| l.layer_name().map(str::to_string))),
            Err(e) => {
                out.errors.push(ctx.error(Some(region), LAYER, None, classify(&e).reading("ListLayers")));
                return out;
            }
        }
    }
    let listings = stream::iter(layers.into_iter().map(|layer| {
        let lambda = lambda.clone();
        async move {
            let mut found = Vec::new();
            let mut pages = lambda.list_layer_versions().layer_name(&layer).into_paginator().send();
            while let Some(page) = ctx.call(pages.next()).await {
                match page {
                    Ok(page) => found.extend(page.layer_versions().iter().map(|v| {
                        let arn = v.layer_version_arn().map_or_else(
                            || format!("arn:aws:lambda:{region}:{}:layer:{layer}:{}", ctx.account, v.version()),
                            str::to_string,
                        );
                        (layer.clone(), v.version(), arn)
                    })),
                    Err(e) => {
                        let arn = format!("arn:aws:lambda:{region}:{}:layer:{layer}", ctx.account);
                        return Err(ctx.error(Some(region), LAYER, Some(&arn), classify(&e).reading("ListLayerVersions")));
                    }
                }
            }
            Ok(found)
        }
    }))
    .buffer_unordered(fan_out)
    .collect::<Vec<_>>()
    .await;
    let mut versions = Vec::new();
    for listing in listings {
        match listing {
            Ok(found) => versions.extend(found),
            Err(e) => out.errors.push(e),
        }
    }
    let results = stream::iter(versions.into_iter().map(|(layer, version, arn)| {
        let lambda = lambda.clone();
        async move {
            let got = ctx.call(lambda.get_layer_version_policy().layer_name(&layer).version_number(version).send()).await;
            let policy = match got {
                Ok(o) => o.policy().map(normalize_policy),
                Err(e) => {
                    let f = classify(&e);
                    if !f.is_code(NOT_FOUND) {
                        return Err(Box::new(ctx.error(Some(region), LAYER, Some(&arn), f.reading("GetLayerVersionPolicy"))));
                    }
                    None
                }
            };
            Ok(Some(ResourceRecord {
                arn,
                account: ctx.account.clone(),
                region: region.to_string(),
                inputs: ResourceInputs::LambdaLayerVersion(LambdaLayerVersionInputs { layer_name: layer, version, policy }),
            }))
        }
    }))
    .buffer_unordered(fan_out)
    .collect::<Vec<_>>()
    .await;
    out.absorb(results);
    out
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
