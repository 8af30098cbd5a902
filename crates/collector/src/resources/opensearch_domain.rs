//! `AWS::OpenSearchService::Domain`: the OpenSearch Service (and Elasticsearch) domains of a
//! region (ListDomainNames, one page) with their access policies and VPC options
//! (DescribeDomains, five domains per call as the API allows).

use perimeter_model::{OpenSearchDomainInputs, ResourceInputs, ResourceType};

use crate::account::{AccountCtx, Collected};
use crate::failure::classify;
use crate::listing;
use crate::pacing::Api;

const TYPE: ResourceType = ResourceType::OpenSearchDomain;

/// The most domains one DescribeDomains call may name.
const PER_CALL: usize = 5;

pub async fn read(ctx: &AccountCtx, region: &str, fan_out: usize) -> Collected {
    let os = ctx.clients(region).opensearch;
    let names = match ctx.call(Api::at(region, "opensearch:ListDomainNames"), || os.list_domain_names().send()).await {
        Ok(out) => Ok(out.domain_names().iter().filter_map(|d| d.domain_name().map(str::to_string)).collect::<Vec<_>>()),
        Err(e) => Err(classify(&e).reading("ListDomainNames")),
    };
    let batches = names.map(|n| n.chunks(PER_CALL).map(<[String]>::to_vec).collect::<Vec<_>>());
    let mut out = Collected::default();
    match batches {
        Ok(batches) => {
            for described in listing::each(batches, fan_out, |batch| describe(ctx, region, &os, batch)).await {
                out.merge(described);
            }
            out.finish(ctx, region, TYPE);
        }
        Err(f) => out.errors.push(ctx.error(Some(region), Some(TYPE), None, f)),
    }
    out
}

/// One DescribeDomains call: the records of the domains it describes; a failed call is an
/// error of each domain it named.
async fn describe(ctx: &AccountCtx, region: &str, os: &aws_sdk_opensearch::Client, batch: Vec<String>) -> Collected {
    let mut out = Collected::default();
    match ctx.call(Api::at(region, "opensearch:DescribeDomains"), || os.describe_domains().set_domain_names(Some(batch.clone())).send()).await {
        Ok(described) => {
            for d in described.domain_status_list() {
                let inputs = OpenSearchDomainInputs {
                    name: d.domain_name().to_string(),
                    policy: listing::policy_text(d.access_policies()),
                    vpc_id: d.vpc_options().and_then(|v| v.vpc_id()).map(str::to_string),
                };
                out.resources.push(ctx.record(region, d.arn().to_string(), ResourceInputs::OpenSearchDomain(inputs)));
            }
        }
        Err(e) => {
            let f = classify(&e).reading("DescribeDomains");
            for name in batch {
                let arn = format!("arn:aws:es:{region}:{}:domain/{name}", ctx.account);
                out.errors.push(ctx.error(Some(region), Some(TYPE), Some(&arn), f.clone()));
            }
        }
    }
    out
}
