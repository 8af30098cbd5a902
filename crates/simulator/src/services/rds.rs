//! RDS (awsQuery, version 2014-10-31): DescribeDBSnapshots and DescribeDBClusterSnapshots (the
//! caller's manual snapshots: `SnapshotType` absent or `manual`, any other type none; the
//! `DBSnapshotIdentifier`/`DBClusterSnapshotIdentifier` filter too; MaxRecords/Marker, at most
//! 100 per page), DescribeDBSnapshotAttributes and DescribeDBClusterSnapshotAttributes (the
//! `restore` attribute: account IDs, and `all` for a public snapshot). An unknown snapshot is
//! 404 DBSnapshotNotFound or 404 DBClusterSnapshotNotFoundFault.

use http::Response;

use super::{page, page_size, Ctx};
use crate::org::{Snapshot, CREATED};
use crate::protocol::{el, form_get, iso8601_at, query_ok, ApiError};

pub const NAMESPACE: &str = "http://rds.amazonaws.com/doc/2014-10-31/";
pub const VERSION: &str = "2014-10-31";
pub const OPERATIONS: &[&str] =
    &["DescribeDBSnapshots", "DescribeDBSnapshotAttributes", "DescribeDBClusterSnapshots", "DescribeDBClusterSnapshotAttributes"];

/// What differs between DB snapshots and DB cluster snapshots: the XML names and the error.
struct Flavor {
    /// `DBSnapshot` / `DBClusterSnapshot`: the list member, and the prefix of the other names.
    member: &'static str,
    /// The source's element: `DBInstanceIdentifier` / `DBClusterIdentifier`.
    source: &'static str,
    /// The encryption flag's element: `Encrypted` / `StorageEncrypted`.
    encrypted: &'static str,
    engine: &'static str,
    not_found: &'static str,
    /// The error message's noun.
    noun: &'static str,
}

const DB: Flavor = Flavor {
    member: "DBSnapshot",
    source: "DBInstanceIdentifier",
    encrypted: "Encrypted",
    engine: "postgres",
    not_found: "DBSnapshotNotFound",
    noun: "DBSnapshot",
};
const CLUSTER: Flavor = Flavor {
    member: "DBClusterSnapshot",
    source: "DBClusterIdentifier",
    encrypted: "StorageEncrypted",
    engine: "aurora-postgresql",
    not_found: "DBClusterSnapshotNotFoundFault",
    noun: "DBClusterSnapshot",
};

/// The snapshot of that identifier (or ARN) in the caller's account and the request's region.
fn find<'a>(snapshots: &'a [Snapshot], f: &Flavor, wanted: &str) -> Result<&'a Snapshot, ApiError> {
    snapshots
        .iter()
        .find(|s| s.id == wanted || s.arn == wanted)
        .ok_or_else(|| ApiError::new(404, f.not_found, format!("{} {wanted} not found.", f.noun)))
}

fn description(s: &Snapshot, f: &Flavor) -> String {
    let m = f.member;
    let key = s.kms_key.as_deref().map(|k| el("KmsKeyId", k)).unwrap_or_default();
    format!(
        "<{m}>{}{}{}{}{}{}{}{key}{}</{m}>",
        el(&format!("{m}Identifier"), &s.id),
        el(f.source, &s.source),
        el("SnapshotCreateTime", &iso8601_at(CREATED)),
        el("Engine", f.engine),
        el("Status", "available"),
        el("SnapshotType", "manual"),
        el(f.encrypted, if s.kms_key.is_some() { "true" } else { "false" }),
        el(&format!("{m}Arn"), &s.arn),
    )
}

fn attributes(s: &Snapshot, f: &Flavor) -> String {
    let m = f.member;
    let values: String = s.shared_with.iter().map(|v| el("AttributeValue", v)).collect();
    format!(
        "<{m}AttributesResult>{}<{m}Attributes><{m}Attribute>{}<AttributeValues>{values}</AttributeValues></{m}Attribute></{m}Attributes></{m}AttributesResult>",
        el(&format!("{m}Identifier"), &s.id),
        el("AttributeName", "restore"),
    )
}

pub fn answer(operation: &str, ctx: &Ctx<'_>) -> Result<Response<String>, ApiError> {
    let form = ctx.req.form();
    let here = ctx.caller.region(ctx.region);
    let (flavor, snapshots): (&Flavor, &[Snapshot]) = match operation {
        "DescribeDBSnapshots" | "DescribeDBSnapshotAttributes" => (&DB, here.map_or(&[], |r| r.db_snapshots.as_slice())),
        "DescribeDBClusterSnapshots" | "DescribeDBClusterSnapshotAttributes" => {
            (&CLUSTER, here.map_or(&[], |r| r.db_cluster_snapshots.as_slice()))
        }
        other => return Err(super::Service::Rds.unsupported(other)),
    };
    let identifier = form_get(&form, &format!("{}Identifier", flavor.member)).filter(|i| !i.is_empty());
    let inner = if operation.ends_with("Attributes") {
        attributes(find(snapshots, flavor, identifier.unwrap_or_default())?, flavor)
    } else {
        let manual = form_get(&form, "SnapshotType").is_none_or(|t| t.is_empty() || t == "manual");
        let listed: Vec<&Snapshot> = match (manual, identifier) {
            (false, _) => Vec::new(),
            (true, None) => snapshots.iter().collect(),
            (true, Some(id)) => vec![find(snapshots, flavor, id)?],
        };
        let size = page_size(form_get(&form, "MaxRecords").and_then(|n| n.parse().ok()), 100, 100);
        let (list, next) = page(&listed, form_get(&form, "Marker"), size)
            .map_err(|e| ApiError::new(400, "InvalidParameterValue", e.message))?;
        let items: String = list.iter().map(|s| description(s, flavor)).collect();
        let next = next.map(|n| el("Marker", &n)).unwrap_or_default();
        format!("<{m}s>{items}</{m}s>{next}", m = flavor.member)
    };
    Ok(query_ok(NAMESPACE, operation, &inner, ctx.id))
}
