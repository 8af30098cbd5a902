//! S3: the account's buckets (ListBuckets once per account), each bucket's region, policy, ACL,
//! Block Public Access and ownership controls (in the bucket's region), the account's Block
//! Public Access, and the access points of every scanned region with their policies.
//! "Not configured" answers (`NoSuchBucketPolicy`, …) are `None`, never errors.

use futures::stream::{self, StreamExt};
use perimeter_model::{
    AclGrant, AclGrantee, AclPermission, BlockPublicAccess, NetworkOrigin, ObjectOwnership, ResourceInputs, ResourceRecord,
    ResourceType, S3AccessPoint, S3Acl, S3BucketInputs,
};

use crate::account::{AccountCtx, Collected, FoundAccessPoint};
use crate::failure::{classify, Failure};

const TYPE: Option<ResourceType> = Some(ResourceType::S3Bucket);
const NO_POLICY: &[&str] = &["NoSuchBucketPolicy"];
const NO_BPA: &[&str] = &["NoSuchPublicAccessBlockConfiguration"];
const NO_OWNERSHIP: &[&str] = &["OwnershipControlsNotFoundError"];
const NO_AP_POLICY: &[&str] = &["NoSuchAccessPointPolicy"];

/// Buckets in `regions` and the access points of those regions.
pub async fn collect(ctx: &AccountCtx, regions: &[String], fan_out: usize) -> Collected {
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
    let results = stream::iter(buckets.into_iter().map(|(name, region)| bucket(ctx, name, region, regions, account_bpa)))
        .buffer_unordered(fan_out)
        .collect::<Vec<_>>()
        .await;
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
    out
}

/// The account's Block Public Access (`None` when not configured), and the error if unreadable.
async fn account_block_public_access(ctx: &AccountCtx) -> (Option<BlockPublicAccess>, Collected) {
    let mut out = Collected::default();
    let home = ctx.clients(&ctx.home_region);
    let bpa = match ctx.call(home.s3control.get_public_access_block().account_id(&ctx.account).send()).await {
        Ok(o) => o.public_access_block_configuration().map(|c| {
            bpa(c.block_public_acls(), c.ignore_public_acls(), c.block_public_policy(), c.restrict_public_buckets())
        }),
        Err(e) => {
            let f = classify(&e);
            if !f.is_code(NO_BPA) {
                out.errors.push(ctx.error(None, TYPE, None, f.reading("GetPublicAccessBlock (account)")));
            }
            None
        }
    };
    (bpa, out)
}

/// The account's buckets with the region ListBuckets gives (if any), and the owner's canonical ID.
async fn list_buckets(ctx: &AccountCtx) -> Result<(Vec<(String, Option<String>)>, Option<String>), Box<perimeter_model::ErrorRecord>> {
    let home = ctx.clients(&ctx.home_region);
    let list = ctx
        .call(home.s3.list_buckets().send())
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
            let o = ctx.call(home.s3.get_bucket_location().bucket(&name).send()).await;
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
        ctx.call(s3.get_bucket_policy().bucket(&name).send()),
        ctx.call(s3.get_bucket_acl().bucket(&name).send()),
        ctx.call(s3.get_public_access_block().bucket(&name).send()),
        ctx.call(s3.get_bucket_ownership_controls().bucket(&name).send()),
    );
    let policy = match policy {
        Ok(o) => o.policy().map(str::to_string),
        Err(e) => {
            let f = classify(&e);
            if !f.is_code(NO_POLICY) {
                return Err(fail(f.reading("GetBucketPolicy")));
            }
            None
        }
    };
    let acl = acl.map_err(|e| fail(classify(&e).reading("GetBucketAcl")))?;
    let owner_id = acl.owner().and_then(|o| o.id()).map(str::to_string);
    let grants = acl.grants().iter().filter_map(grant).collect();
    let acl = owner_id.clone().map(|owner_id| S3Acl { owner_id, grants });
    let block = match block {
        Ok(o) => o.public_access_block_configuration().map(|c| {
            bpa(c.block_public_acls(), c.ignore_public_acls(), c.block_public_policy(), c.restrict_public_buckets())
        }),
        Err(e) => {
            let f = classify(&e);
            if !f.is_code(NO_BPA) {
                return Err(fail(f.reading("GetPublicAccessBlock")));
            }
            None
        }
    };
    let ownership = match ownership {
        Ok(o) => o.ownership_controls().and_then(|c| c.rules().first()).map(|r| match r.object_ownership().as_str() {
            "BucketOwnerEnforced" => ObjectOwnership::BucketOwnerEnforced,
            "BucketOwnerPreferred" => ObjectOwnership::BucketOwnerPreferred,
            _ => ObjectOwnership::ObjectWriter,
        }),
        Err(e) => {
            let f = classify(&e);
            if !f.is_code(NO_OWNERSHIP) {
                return Err(fail(f.reading("GetBucketOwnershipControls")));
            }
            None
        }
    };
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
    let mut listed = Vec::new();
    let mut pages = control.list_access_points().account_id(&ctx.account).into_paginator().send();
    while let Some(page) = ctx.call(pages.next()).await {
        match page {
            Ok(page) => listed.extend(page.access_point_list().iter().cloned()),
            Err(e) => {
                out.errors.push(ctx.error(Some(region), TYPE, None, classify(&e).reading("ListAccessPoints")));
                return out;
            }
        }
    }
    let found = stream::iter(listed.into_iter().map(|ap| {
        let control = control.clone();
        async move {
            let name = ap.name().to_string();
            let arn = ap
                .access_point_arn()
                .map_or_else(|| format!("arn:aws:s3:{region}:{}:accesspoint/{name}", ctx.account), str::to_string);
            let fail = |f: Failure| ctx.error(Some(region), TYPE, Some(&arn), f);
            let (details, policy) = tokio::join!(
                ctx.call(control.get_access_point().account_id(&ctx.account).name(&name).send()),
                ctx.call(control.get_access_point_policy().account_id(&ctx.account).name(&name).send()),
            );
            let details = details.map_err(|e| fail(classify(&e).reading("GetAccessPoint")))?;
            let policy = match policy {
                Ok(o) => o.policy().map(str::to_string).filter(|p| !p.trim().is_empty()),
                Err(e) => {
                    let f = classify(&e);
                    if !f.is_code(NO_AP_POLICY) {
                        return Err(fail(f.reading("GetAccessPointPolicy")));
                    }
                    None
                }
            };
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
    }))
    .buffer_unordered(fan_out)
    .collect::<Vec<_>>()
    .await;
    for f in found {
        match f {
            Ok(ap) => out.access_points.push(ap),
            Err(e) => out.errors.push(e),
        }
    }
    out
}
