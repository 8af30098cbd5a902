//! `AWS::Lambda::LayerVersion`: every version of every layer of a region (ListLayers, then
//! ListLayerVersions per layer) with its layer version policy. `ResourceNotFoundException`
//! means "no policy".

use perimeter_model::{LambdaLayerVersionInputs, ResourceInputs, ResourceRecord, ResourceType};

use crate::account::{AccountCtx, Collected};
use crate::listing;
use crate::resources::lambda_function::{normalize_policy, NOT_FOUND};
use crate::pacing::Api;

const LAYER: Option<ResourceType> = Some(ResourceType::LambdaLayerVersion);

pub async fn read(ctx: &AccountCtx, region: &str, fan_out: usize) -> Collected {
    let lambda = ctx.clients(region).lambda;
    let layers = listing::all_pages(ctx, Api::at(region, "lambda:ListLayers"), || lambda.list_layers().into_paginator().send(), |p| {
        p.layers().iter().filter_map(|l| l.layer_name().map(str::to_string)).collect()
    })
    .await;
    // The versions of each layer: a layer whose versions cannot be listed is an error record of
    // that layer, and the scope's other layers are still read.
    let mut out = Collected::default();
    let layers = match layers {
        Ok(layers) => layers,
        Err(f) => {
            out.errors.push(ctx.error(Some(region), LAYER, None, f));
            return out;
        }
    };
    let listings = listing::each(layers, fan_out, |layer| {
        let lambda = lambda.clone();
        async move {
            let pages = || lambda.list_layer_versions().layer_name(&layer).into_paginator().send();
            let versions = listing::all_pages(ctx, Api::at(region, "lambda:ListLayerVersions"), pages, |p| {
                p.layer_versions()
                    .iter()
                    .map(|v| {
                        let arn = v.layer_version_arn().map_or_else(
                            || format!("arn:aws:lambda:{region}:{}:layer:{layer}:{}", ctx.account, v.version()),
                            str::to_string,
                        );
                        (layer.clone(), v.version(), arn)
                    })
                    .collect()
            })
            .await;
            versions.map_err(|f| ctx.error(Some(region), LAYER, Some(&format!("arn:aws:lambda:{region}:{}:layer:{layer}", ctx.account)), f))
        }
    })
    .await;
    let mut versions = Vec::new();
    for listing in listings {
        match listing {
            Ok(found) => versions.extend(found),
            Err(e) => out.errors.push(e),
        }
    }
    let read = |(layer, version, arn)| version_of(ctx, region, &lambda, layer, version, arn);
    out.merge(listing::scope(ctx, region, ResourceType::LambdaLayerVersion, Ok(versions), fan_out, read).await);
    out
}

async fn version_of(
    ctx: &AccountCtx,
    region: &str,
    lambda: &aws_sdk_lambda::Client,
    layer: String,
    version: i64,
    arn: String,
) -> crate::account::Read {
    let got = ctx.call(Api::at(region, "lambda:GetLayerVersionPolicy"), || lambda.get_layer_version_policy().layer_name(&layer).version_number(version).send()).await;
    let policy = listing::unless_absent(got, NOT_FOUND, "GetLayerVersionPolicy")
        .map_err(|f| Box::new(ctx.error(Some(region), LAYER, Some(&arn), f)))?
        .and_then(|o| o.policy().map(normalize_policy));
    Ok(Some(ResourceRecord {
        arn,
        account: ctx.account.clone(),
        region: region.to_string(),
        inputs: ResourceInputs::LambdaLayerVersion(LambdaLayerVersionInputs { layer_name: layer, version, policy }),
    }))
}
