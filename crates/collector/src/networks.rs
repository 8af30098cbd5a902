//! The zone's own networks: the VPCs and VPC endpoints that each scanned account sees in each
//! scanned region (DescribeVpcs, DescribeVpcEndpoints), each with the account that owns it (a
//! VPC shared with a participant account lists its owner), so that a finding pinned by
//! `aws:SourceVpc` / `aws:SourceVpce` to one of them can name its owner (semantics.md section 6,
//! "Own networks"). A listing that fails is an error record of that account and region that
//! covers no resource scope: findings are still judged and resolved, only their networks go
//! unnamed, and the scan says it is incomplete.

use crate::account::{AccountCtx, Collected};
use crate::listing;
use crate::pacing::Api;

pub async fn read(ctx: &AccountCtx, region: &str) -> Collected {
    let ec2 = ctx.clients(region).ec2;
    let vpcs = listing::all_pages(ctx, Api::at(region, "ec2:DescribeVpcs"), || ec2.describe_vpcs().max_results(1000).into_paginator().send(), |p| {
        p.vpcs().iter().filter_map(|v| Some((v.vpc_id()?.to_string(), v.owner_id()?.to_string()))).collect()
    });
    let endpoints = listing::all_pages(ctx, Api::at(region, "ec2:DescribeVpcEndpoints"),
        || ec2.describe_vpc_endpoints().max_results(1000).into_paginator().send(),
        |p| p.vpc_endpoints().iter().filter_map(|e| Some((e.vpc_endpoint_id()?.to_string(), e.owner_id()?.to_string()))).collect(),
    );
    let (vpcs, endpoints) = tokio::join!(vpcs, endpoints);
    let mut out = Collected::default();
    for (listing, what) in [(vpcs, "vpc"), (endpoints, "vpc-endpoint")] {
        match listing {
            Ok(found) => out.networks.extend(found),
            Err(f) => out.errors.push(ctx.zone_fact_error(
                region,
                &format!("arn:aws:ec2:{region}:{}:{what}/*", ctx.account),
                f,
                &format!("findings pinned to this account's networks in {region} are reported without naming it as their owner"),
            )),
        }
    }
    out
}
