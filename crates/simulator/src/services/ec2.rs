//! EC2 (ec2Query, version 2016-11-15; answers without a `…Result` wrapper, lists of `<item>`):
//! DescribeSnapshots (the caller's own snapshots only: `Owner.N` = `self` or the caller's
//! account, else none; `SnapshotId.N` too; MaxResults/NextToken, at most 1,000 per page),
//! DescribeSnapshotAttribute (`createVolumePermission`: a `<group>all</group>` item for a public
//! snapshot, `<userId>` items for accounts; `productCodes`: none) and
//! GetSnapshotBlockPublicAccessState (the account's [`crate::org::Account::snapshot_bpa`],
//! `managedBy` account), DescribeVpcs (`<vpcSet>`: the (account, region)'s one VPC; `VpcId.N`
//! too) and DescribeVpcEndpoints (`<vpcEndpointSet>`: its S3 gateway endpoint;
//! `VpcEndpointId.N` too); AMIs: DescribeImages (`<imagesSet>`, the caller's own images only, as
//! for snapshots: `Owner.N` = `self` or the caller's account; `ImageId.N` too),
//! DescribeImageAttribute (`launchPermission`: `<group>`, `<userId>`, `<organizationArn>` or
//! `<organizationalUnitArn>` items; `productCodes`: none) and GetImageBlockPublicAccessState
//! (the account's [`crate::org::Account::image_bpa`], `managedBy` account). The four Describe
//! calls page alike: MaxResults (at most 1,000, the default) and NextToken, answered
//! `<nextToken>` when more remain, 400 InvalidPaginationToken for a token the simulator did not
//! give; `Filter.N` and `ExecutableBy.N` are not read. An unknown snapshot is 400
//! InvalidSnapshot.NotFound, an unknown VPC 400 InvalidVpcID.NotFound, an unknown endpoint 400
//! InvalidVpcEndpointId.NotFound, an unknown image 400 InvalidAMIID.NotFound.

use http::Response;

use super::{page, page_size, Ctx};
use crate::org::{Image, LaunchPermission, Snapshot, Vpc, VpcEndpoint, CREATED};
use crate::protocol::{ec2_ok, el, form_get, iso8601_at, ApiError};

pub const NAMESPACE: &str = "http://ec2.amazonaws.com/doc/2016-11-15/";
pub const VERSION: &str = "2016-11-15";
pub const OPERATIONS: &[&str] = &[
    "DescribeSnapshots",
    "DescribeSnapshotAttribute",
    "GetSnapshotBlockPublicAccessState",
    "DescribeVpcs",
    "DescribeVpcEndpoints",
    "DescribeImages",
    "DescribeImageAttribute",
    "GetImageBlockPublicAccessState",
];

/// The values of a flattened list parameter (`Prefix.1`, `Prefix.2`, …), in order.
fn list<'a>(form: &'a [(String, String)], prefix: &str) -> Vec<&'a str> {
    let mut items: Vec<(usize, &str)> = form
        .iter()
        .filter_map(|(k, v)| k.strip_prefix(prefix)?.strip_prefix('.')?.parse().ok().map(|n| (n, v.as_str())))
        .collect();
    items.sort_by_key(|(n, _)| *n);
    items.into_iter().map(|(_, v)| v).collect()
}

fn not_found(id: &str) -> ApiError {
    ApiError::new(400, "InvalidSnapshot.NotFound", format!("The snapshot '{id}' does not exist."))
}

/// The snapshot of that ID in the caller's account and the request's region.
fn find<'a>(snapshots: &'a [Snapshot], id: &str) -> Result<&'a Snapshot, ApiError> {
    snapshots.iter().find(|s| s.id == id).ok_or_else(|| not_found(id))
}

/// The items of those IDs (`wanted`; all when empty), each found by `id` or refused by
/// `missing`.
fn by_ids<'a, T>(items: &'a [T], wanted: &[&str], id: impl Fn(&T) -> &str, missing: impl Fn(&str) -> ApiError) -> Result<Vec<&'a T>, ApiError> {
    if wanted.is_empty() {
        return Ok(items.iter().collect());
    }
    wanted.iter().map(|w| items.iter().find(|i| id(i) == *w).ok_or_else(|| missing(w))).collect()
}

/// One page of a Describe call: `<{set}>` of the page's items, then `<nextToken>` when more
/// remain (MaxResults and NextToken of the request).
fn described<T>(listed: &[T], form: &[(String, String)], set: &str, item: impl Fn(&T) -> String) -> Result<String, ApiError> {
    let size = page_size(form_get(form, "MaxResults").and_then(|n| n.parse().ok()), 1000, 1000);
    let (list, next) =
        page(listed, form_get(form, "NextToken"), size).map_err(|e| ApiError::new(400, "InvalidPaginationToken", e.message))?;
    let items: String = list.iter().map(item).collect();
    let next = next.map(|n| el("nextToken", &n)).unwrap_or_default();
    Ok(format!("<{set}>{items}</{set}>{next}"))
}

fn vpc_item(v: &Vpc, account: &str) -> String {
    format!(
        "<item>{}{}{}{}{}{}</item>",
        el("vpcId", &v.id),
        el("ownerId", account),
        el("state", "available"),
        el("cidrBlock", &v.cidr),
        el("instanceTenancy", "default"),
        el("isDefault", if v.is_default { "true" } else { "false" }),
    )
}

fn vpc_endpoint_item(e: &VpcEndpoint, account: &str) -> String {
    format!(
        "<item>{}{}{}{}{}{}{}</item>",
        el("vpcEndpointId", &e.id),
        el("vpcEndpointType", e.kind),
        el("vpcId", &e.vpc),
        el("serviceName", &e.service),
        el("state", "available"),
        el("creationTimestamp", &iso8601_at(CREATED)),
        el("ownerId", account),
    )
}

fn image_item(i: &Image, account: &str) -> String {
    let public = i.launch_permissions.iter().any(|p| matches!(p, LaunchPermission::Group(g) if g == "all"));
    format!(
        "<item>{}{}{}{}{}{}{}{}{}{}{}{}{}</item>",
        el("imageId", &i.id),
        el("imageLocation", &format!("{account}/{}", i.name)),
        el("imageState", "available"),
        el("imageOwnerId", account),
        el("creationDate", &iso8601_at(CREATED).replace('Z', ".000Z")),
        el("isPublic", if public { "true" } else { "false" }),
        el("architecture", "x86_64"),
        el("imageType", "machine"),
        el("name", &i.name),
        el("rootDeviceType", "ebs"),
        el("rootDeviceName", "/dev/xvda"),
        el("virtualizationType", "hvm"),
        el("hypervisor", "xen"),
    )
}

fn launch_permission_item(p: &LaunchPermission) -> String {
    let inner = match p {
        LaunchPermission::Group(g) => el("group", g),
        LaunchPermission::UserId(u) => el("userId", u),
        LaunchPermission::OrganizationArn(a) => el("organizationArn", a),
        LaunchPermission::OrganizationalUnitArn(a) => el("organizationalUnitArn", a),
    };
    format!("<item>{inner}</item>")
}

fn item(s: &Snapshot, account: &str) -> String {
    let key = s.kms_key.as_deref().map(|k| el("kmsKeyId", k)).unwrap_or_default();
    format!(
        "<item>{}{}{}{}{}{}{}{}{key}</item>",
        el("snapshotId", &s.id),
        el("volumeId", &s.source),
        el("status", "completed"),
        el("startTime", &iso8601_at(CREATED)),
        el("progress", "100%"),
        el("ownerId", account),
        el("volumeSize", "8"),
        el("encrypted", if s.kms_key.is_some() { "true" } else { "false" }),
    )
}

pub fn answer(operation: &str, ctx: &Ctx<'_>) -> Result<Response<String>, ApiError> {
    let form = ctx.req.form();
    let account = ctx.caller.id.as_str();
    let here = ctx.caller.region(ctx.region);
    let snapshots: &[Snapshot] = here.map_or(&[], |r| r.ebs_snapshots.as_slice());
    let inner = match operation {
        "DescribeSnapshots" => {
            let owners = list(&form, "Owner");
            let mine = owners.is_empty() || owners.iter().any(|o| *o == "self" || *o == account);
            let wanted = list(&form, "SnapshotId");
            let listed: Vec<&Snapshot> = match (mine, wanted.is_empty()) {
                (false, _) => Vec::new(),
                (true, true) => snapshots.iter().collect(),
                (true, false) => wanted.iter().map(|id| find(snapshots, id)).collect::<Result<_, _>>()?,
            };
            described(&listed, &form, "snapshotSet", |s| item(s, account))?
        }
        "DescribeVpcs" => {
            let vpcs: &[Vpc] = here.map_or(&[], |r| r.vpcs.as_slice());
            let missing = |id: &str| ApiError::new(400, "InvalidVpcID.NotFound", format!("The vpc ID '{id}' does not exist"));
            let listed = by_ids(vpcs, &list(&form, "VpcId"), |v| v.id.as_str(), missing)?;
            described(&listed, &form, "vpcSet", |v| vpc_item(v, account))?
        }
        "DescribeVpcEndpoints" => {
            let endpoints: &[VpcEndpoint] = here.map_or(&[], |r| r.vpc_endpoints.as_slice());
            let missing =
                |id: &str| ApiError::new(400, "InvalidVpcEndpointId.NotFound", format!("The Vpc Endpoint Id '{id}' does not exist"));
            let listed = by_ids(endpoints, &list(&form, "VpcEndpointId"), |e| e.id.as_str(), missing)?;
            described(&listed, &form, "vpcEndpointSet", |e| vpc_endpoint_item(e, account))?
        }
        "DescribeSnapshotAttribute" => {
            let id = form_get(&form, "SnapshotId").unwrap_or_default();
            let s = find(snapshots, id)?;
            let values = match form_get(&form, "Attribute").unwrap_or_default() {
                "createVolumePermission" => {
                    let items: String = s
                        .shared_with
                        .iter()
                        .map(|who| if who == "all" { format!("<item>{}</item>", el("group", who)) } else { format!("<item>{}</item>", el("userId", who)) })
                        .collect();
                    format!("<createVolumePermission>{items}</createVolumePermission>")
                }
                "productCodes" => "<productCodes/>".to_string(),
                other => {
                    return Err(ApiError::new(400, "InvalidParameterValue", format!("Value ({other}) for parameter attribute is invalid.")));
                }
            };
            format!("{}{values}", el("snapshotId", &s.id))
        }
        "GetSnapshotBlockPublicAccessState" => format!("{}{}", el("state", ctx.caller.snapshot_bpa), el("managedBy", "account")),
        "DescribeImages" => {
            let images: &[Image] = here.map_or(&[], |r| r.images.as_slice());
            let owners = list(&form, "Owner");
            let mine = owners.is_empty() || owners.iter().any(|o| *o == "self" || *o == account);
            let missing = |id: &str| ApiError::new(400, "InvalidAMIID.NotFound", format!("The image id '[{id}]' does not exist"));
            let listed = if mine { by_ids(images, &list(&form, "ImageId"), |i| i.id.as_str(), missing)? } else { Vec::new() };
            described(&listed, &form, "imagesSet", |i| image_item(i, account))?
        }
        "DescribeImageAttribute" => {
            let id = form_get(&form, "ImageId").unwrap_or_default();
            let image = here
                .and_then(|r| r.images.iter().find(|i| i.id == id))
                .ok_or_else(|| ApiError::new(400, "InvalidAMIID.NotFound", format!("The image id '[{id}]' does not exist")))?;
            let values = match form_get(&form, "Attribute").unwrap_or_default() {
                "launchPermission" => {
                    let items: String = image.launch_permissions.iter().map(launch_permission_item).collect();
                    format!("<launchPermission>{items}</launchPermission>")
                }
                "productCodes" => "<productCodes/>".to_string(),
                other => {
                    return Err(ApiError::new(400, "InvalidParameterValue", format!("Value ({other}) for parameter attribute is invalid.")));
                }
            };
            format!("{}{values}", el("imageId", &image.id))
        }
        "GetImageBlockPublicAccessState" => {
            format!("{}{}", el("imageBlockPublicAccessState", ctx.caller.image_bpa), el("managedBy", "account"))
        }
        other => return Err(super::Service::Ec2.unsupported(other)),
    };
    Ok(ec2_ok(NAMESPACE, operation, &inner, ctx.id))
}
