//! EC2 (ec2Query, version 2016-11-15; answers without a `…Result` wrapper, lists of `<item>`):
//! DescribeSnapshots (the caller's own snapshots only: `Owner.N` = `self` or the caller's
//! account, else none; `SnapshotId.N` too; MaxResults/NextToken, at most 1,000 per page),
//! DescribeSnapshotAttribute (`createVolumePermission`: a `<group>all</group>` item for a public
//! snapshot, `<userId>` items for accounts; `productCodes`: none) and
//! GetSnapshotBlockPublicAccessState (the account's [`crate::org::Account::snapshot_bpa`],
//! `managedBy` account). An
//! unknown snapshot is 400 InvalidSnapshot.NotFound.

use http::Response;

use super::{page, page_size, Ctx};
use crate::org::{Snapshot, CREATED};
use crate::protocol::{ec2_ok, el, form_get, iso8601_at, ApiError};

pub const NAMESPACE: &str = "http://ec2.amazonaws.com/doc/2016-11-15/";
pub const VERSION: &str = "2016-11-15";
pub const OPERATIONS: &[&str] = &["DescribeSnapshots", "DescribeSnapshotAttribute", "GetSnapshotBlockPublicAccessState"];

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
    let snapshots: &[Snapshot] = ctx.caller.region(ctx.region).map_or(&[], |r| r.ebs_snapshots.as_slice());
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
            let size = page_size(form_get(&form, "MaxResults").and_then(|n| n.parse().ok()), 1000, 1000);
            let (list, next) = page(&listed, form_get(&form, "NextToken"), size)
                .map_err(|e| ApiError::new(400, "InvalidPaginationToken", e.message))?;
            let items: String = list.iter().map(|s| item(s, account)).collect();
            let next = next.map(|n| el("nextToken", &n)).unwrap_or_default();
            format!("<snapshotSet>{items}</snapshotSet>{next}")
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
        other => return Err(super::Service::Ec2.unsupported(other)),
    };
    Ok(ec2_ok(NAMESPACE, operation, &inner, ctx.id))
}
