//! `AWS::S3::Bucket`: the account's buckets (ListBuckets once per account), each bucket's region, policy, ACL,
//! Block Public Access and ownership controls (in the bucket's region), the account's Block
//! Public Access, and the access points of every scanned region with their policies.
//! "Not configured" answers (`NoSuchBucketPolicy`, …) are `None`, never errors. An access point
//! may serve a bucket of another account of the organization: it is attached to its bucket
//! once every account is read ([`attach_access_points`]).


use perimeter_model::{
    AclGrant, AclGrantee, AclPermission, BlockPublicAccess, NetworkOrigin, ObjectOwnership, ResourceInputs, ResourceRecord,
    ResourceType, S3AccessPoint, S3Acl, S3BucketInputs,
};

use crate::account::{AccountCtx, Collected};
use crate::failure::{classify, Failure};
use crate::listing;
use crate::pacing::Api;

const TYPE: Option<ResourceType> = Some(ResourceType::S3Bucket);
const NO_POLICY: &[&str] = &["NoSuchBucketPolicy"];
const NO_BPA: &[&str] = &["NoSuchPublicAccessBlockConfiguration"];
const NO_OWNERSHIP: &[&str] = &["OwnershipControlsNotFoundError"];
const NO_AP_POLICY: &[&str] = &["NoSuchAccessPointPolicy"];

/// Buckets in `regions` and the access points of those regions.
pub async fn read(ctx: &AccountCtx, regions: &[String], fan_out: usize) -> Collected {
    // The three parts are independent: read them at the same time.
    let per_region: Vec<_> = regions.iter().map(String::as_str).map(|r| access_points(ctx, r, fan_out)).collect();
    let ((account_bpa, mut out), access_points, buckets) =
        tokio::join!(account_block_public_access(ctx), futures::future::join_all(per_region), list_buckets(ctx));
    for part in access_points {
        out.merge(part);
    }
    let buckets = match buckets {
        Ok((buckets, owner_id)) => {
            out.canonical_ids.extend(owner_id);
            buckets
        }
        Err(e) => {
            out.errors.push(*e);
            return out;
        }
    };
    let results = listing::each(buckets, fan_out, |(name, region)| bucket(ctx, name, region, regions, account_bpa)).await;
    for r in results {
        match r {
            Ok(Some((record, owner_id))) => {
                out.canonical_ids.extend(owner_id);
                out.resources.push(record);
            }
            Ok(None) => {}
            Err(e) => out.errors.push(*e),
        }
    }
    // Every bucket was listed and read: each scanned region is finished (an error record of a
    // bucket or of a region's access points still makes its scope incomplete).
    for region in regions {
        out.finish(ctx, region, ResourceType::S3Bucket);
    }
    out
}

/// The account's Block Public Access (`None` when not configured), and the error if unreadable.
async fn account_block_public_access(ctx: &AccountCtx) -> (Option<BlockPublicAccess>, Collected) {
    let mut out = Collected::default();
    let home = ctx.clients(&ctx.home_region);
    let got = ctx.call(Api::at(&ctx.home_region, "s3control:GetPublicAccessBlock"), || home.s3control.get_public_access_block().account_id(&ctx.account).send()).await;
    let bpa = match listing::unless_absent(got, NO_BPA, "GetPublicAccessBlock (account)") {
        Ok(o) => o.and_then(|o| {
            o.public_access_block_configuration().map(|c| {
                bpa(c.block_public_acls(), c.ignore_public_acls(), c.block_public_policy(), c.restrict_public_buckets())
            })
        }),
        Err(f) => {
            out.errors.push(ctx.error(None, TYPE, None, f));
            None
        }
    };
    (bpa, out)
}

/// The account's buckets with the region ListBuckets gives (if any), and the owner's canonical ID.
async fn list_buckets(ctx: &AccountCtx) -> Result<(Vec<(String, Option<String>)>, Option<String>), Box<perimeter_model::ErrorRecord>> {
    let home = ctx.clients(&ctx.home_region);
    let list = ctx
        .call(Api::at(&ctx.home_region, "s3:ListBuckets"), || home.s3.list_buckets().send())
        .await
        .map_err(|e| Box::new(ctx.error(None, TYPE, None, classify(&e).reading("ListBuckets"))))?;
    let owner = list.owner().and_then(|o| o.id()).map(str::to_string);
    let buckets = list
        .buckets()
        .iter()
        .filter_map(|b| b.name().map(|n| (n.to_string(), b.bucket_region().map(str::to_string))))
        .collect();
    Ok((buckets, owner))
}

type BucketResult = Result<Option<(ResourceRecord, Option<String>)>, Box<perimeter_model::ErrorRecord>>;

/// One bucket: `None` when its region is not scanned. The ACL owner's canonical ID comes back
/// too (moto reports another ID in ListBuckets than in the ACL; real S3 reports the same).
async fn bucket(
    ctx: &AccountCtx,
    name: String,
    listed_region: Option<String>,
    regions: &[String],
    account_bpa: Option<BlockPublicAccess>,
) -> BucketResult {
    let arn = format!("arn:aws:s3:::{name}");
    let fail = |f: Failure| Box::new(ctx.error(None, TYPE, Some(&arn), f));
    let region = match listed_region {
        Some(r) if !r.is_empty() => r,
        _ => {
            let home = ctx.clients(&ctx.home_region);
            let o = ctx.call(Api::at(&ctx.home_region, "s3:GetBucketLocation"), || home.s3.get_bucket_location().bucket(&name).send()).await;
            let o = o.map_err(|e| fail(classify(&e).reading("GetBucketLocation")))?;
            match o.location_constraint().map(|c| c.as_str()) {
                None | Some("") => "us-east-1".to_string(),
                Some("EU") => "eu-west-1".to_string(),
                Some(r) => r.to_string(),
            }
        }
    };
    if !regions.contains(&region) {
        return Ok(None);
    }
    let fail = |f: Failure| Box::new(ctx.error(Some(&region), TYPE, Some(&arn), f));
    let s3 = ctx.clients(&region).s3;
    let (policy, acl, block, ownership) = tokio::join!(
        ctx.call(Api::at(&region, "s3:GetBucketPolicy"), || s3.get_bucket_policy().bucket(&name).send()),
        ctx.call(Api::at(&region, "s3:GetBucketAcl"), || s3.get_bucket_acl().bucket(&name).send()),
        ctx.call(Api::at(&region, "s3:GetPublicAccessBlock"), || s3.get_public_access_block().bucket(&name).send()),
        ctx.call(Api::at(&region, "s3:GetBucketOwnershipControls"), || s3.get_bucket_ownership_controls().bucket(&name).send()),
    );
    let policy = listing::unless_absent(policy, NO_POLICY, "GetBucketPolicy").map_err(fail)?.and_then(|o| o.policy().map(str::to_string));
    let acl = acl.map_err(|e| fail(classify(&e).reading("GetBucketAcl")))?;
    let owner_id = acl.owner().and_then(|o| o.id()).map(str::to_string);
    let grants = acl.grants().iter().filter_map(grant).collect();
    let acl = owner_id.clone().map(|owner_id| S3Acl { owner_id, grants });
    let block = listing::unless_absent(block, NO_BPA, "GetPublicAccessBlock").map_err(fail)?.and_then(|o| {
        o.public_access_block_configuration().map(|c| {
            bpa(c.block_public_acls(), c.ignore_public_acls(), c.block_public_policy(), c.restrict_public_buckets())
        })
    });
    let ownership = listing::unless_absent(ownership, NO_OWNERSHIP, "GetBucketOwnershipControls").map_err(fail)?.and_then(|o| {
        o.ownership_controls().and_then(|c| c.rules().first()).map(|r| match r.object_ownership().as_str() {
            "BucketOwnerEnforced" => ObjectOwnership::BucketOwnerEnforced,
            "BucketOwnerPreferred" => ObjectOwnership::BucketOwnerPreferred,
            _ => ObjectOwnership::ObjectWriter,
        })
    });
    let record = ResourceRecord {
        arn: arn.clone(),
        account: ctx.account.clone(),
        region,
        inputs: ResourceInputs::S3Bucket(S3BucketInputs {
            name,
            policy,
            acl,
            block_public_access: block,
            account_block_public_access: account_bpa,
            object_ownership: ownership,
            access_points: Vec::new(),
        }),
    };
    Ok(Some((record, owner_id)))
}

/// Block Public Access settings from the four flags of any of the three APIs (S3, S3 Control
/// account, access point); an unset flag is off.
fn bpa(acls: Option<bool>, ignore: Option<bool>, policy: Option<bool>, restrict: Option<bool>) -> BlockPublicAccess {
    BlockPublicAccess {
        block_public_acls: acls.unwrap_or(false),
        ignore_public_acls: ignore.unwrap_or(false),
        block_public_policy: policy.unwrap_or(false),
        restrict_public_buckets: restrict.unwrap_or(false),
    }
}

fn grant(g: &aws_sdk_s3::types::Grant) -> Option<AclGrant> {
    let grantee = g.grantee()?;
    let grantee = if let Some(uri) = grantee.uri() {
        AclGrantee::Group { uri: uri.to_string() }
    } else if let Some(id) = grantee.id() {
        AclGrantee::CanonicalUser { id: id.to_string() }
    } else {
        AclGrantee::Email { address: grantee.email_address()?.to_string() }
    };
    let permission = match g.permission()?.as_str() {
        "FULL_CONTROL" => AclPermission::FullControl,
        "READ" => AclPermission::Read,
        "WRITE" => AclPermission::Write,
        "READ_ACP" => AclPermission::ReadAcp,
        "WRITE_ACP" => AclPermission::WriteAcp,
        _ => return None,
    };
    Some(AclGrant { grantee, permission })
}

/// The access points of one region with their policies and settings.
async fn access_points(ctx: &AccountCtx, region: &str, fan_out: usize) -> Collected {
    let mut out = Collected::default();
    let control = ctx.clients(region).s3control;
    let pages = || control.list_access_points().account_id(&ctx.account).into_paginator().send();
    let listed = match listing::all_pages(ctx, Api::at(region, "s3control:ListAccessPoints"), pages, |p| p.access_point_list().to_vec()).await {
        Ok(listed) => listed,
        Err(f) => {
            out.errors.push(ctx.error(Some(region), TYPE, None, f));
            return out;
        }
    };
    let found = listing::each(listed, fan_out, |ap| {
        let control = control.clone();
        async move {
            let name = ap.name().to_string();
            let arn = ap
                .access_point_arn()
                .map_or_else(|| format!("arn:aws:s3:{region}:{}:accesspoint/{name}", ctx.account), str::to_string);
            let fail = |f: Failure| ctx.error(Some(region), TYPE, Some(&arn), f);
            let (details, policy) = tokio::join!(
                ctx.call(Api::at(region, "s3control:GetAccessPoint"), || control.get_access_point().account_id(&ctx.account).name(&name).send()),
                ctx.call(Api::at(region, "s3control:GetAccessPointPolicy"), || control.get_access_point_policy().account_id(&ctx.account).name(&name).send()),
            );
            let details = details.map_err(|e| fail(classify(&e).reading("GetAccessPoint")))?;
            let policy = listing::unless_absent(policy, NO_AP_POLICY, "GetAccessPointPolicy")
                .map_err(fail)?
                .and_then(|o| o.policy().map(str::to_string))
                .filter(|p| !p.trim().is_empty());
            let vpc_id = ap.vpc_configuration().map(|v| v.vpc_id().to_string());
            let network_origin = if ap.network_origin().as_str() == "VPC" || vpc_id.is_some() {
                NetworkOrigin::Vpc
            } else {
                NetworkOrigin::Internet
            };
            let block = details.public_access_block_configuration().map(|c| {
                bpa(c.block_public_acls(), c.ignore_public_acls(), c.block_public_policy(), c.restrict_public_buckets())
            });
            Ok(FoundAccessPoint {
                bucket_account: ap.bucket_account_id().unwrap_or(&ctx.account).to_string(),
                bucket: ap.bucket().to_string(),
                access_point: S3AccessPoint {
                    name,
                    arn: arn.clone(),
                    account: ctx.account.clone(),
                    policy,
                    network_origin,
                    vpc_id,
                    block_public_access: block,
                },
            })
        }
    })
    .await;
    for f in found {
        match f {
            Ok(ap) => out.access_points.push(ap),
            Err(e) => out.errors.push(e),
        }
    }
    out
}

/// An access point found in a scanned account, to be attached to its bucket (which may be in
/// another account of the organization) once every account is read.
#[derive(Debug, Clone, PartialEq)]
pub struct FoundAccessPoint {
    pub bucket_account: String,
    pub bucket: String,
    pub access_point: S3AccessPoint,
}

