//! S3 bucket: the bucket policy, the bucket ACL, Block Public Access (bucket and account),
//! Object Ownership and the access points (their policies, network origin and own Block Public
//! Access). The bucket policy is searched over bucket- and object-level actions; a finding that
//! comes only through an access point of another account (`s3:DataAccessPointAccount`) is public,
//! or with `RestrictPublicBuckets` cross-account for that account, and `RestrictPublicBuckets`
//! drops every finding of a public policy. ACL grants become synthetic policies unless Object
//! Ownership is `BucketOwnerEnforced` (`IgnorePublicAcls` drops the public groups). An access
//! point policy needs the bucket policy to allow the same request too (it is the gate); a VPC
//! access point is never public. Also owns the object ARNs requests name, and the access point
//! keys that place a request inside the zone.

use std::collections::BTreeMap;
use std::sync::Arc;

use perimeter_model::{
    AclGrant, AclGrantee, AclPermission, BlockPublicAccess, NetworkOrigin, ObjectOwnership, Principal, ResourceRecord,
    S3AccessPoint, S3Acl, S3BucketInputs, SharedVia, Zone,
};
use serde_json::json;

use super::{scope, target, PathFinding, PathResults, Services};
use crate::catalog;
use crate::policy::{Policy, ResourceElement};
use crate::search::{self, Gate, RawFinding, Scope, Target, ZoneKey};

/// Requests to the bucket name the bucket (the container, first) or its objects.
const BUCKET_TYPES: &[&str] = &["bucket", "object"];
/// Requests through an access point name the access point (the container, first) or objects
/// through it.
const ACCESS_POINT_TYPES: &[&str] = &["accesspoint", "accesspointobject"];

pub const SERVICES: Services = &[("s3", BUCKET_TYPES), ("s3", ACCESS_POINT_TYPES)];

/// A request through an access point of a zone account comes through the zone: the account the
/// access point keys name (directly, or as the account of its ARN).
pub const ACCESS_POINT_KEYS: &[ZoneKey] = &[
    ZoneKey { key: "s3:dataaccesspointaccount", account: account_itself },
    ZoneKey { key: "s3:dataaccesspointarn", account: search::arn_account },
    // Directory buckets' access points (S3 Express One Zone) name themselves with keys of
    // their own.
    ZoneKey { key: "s3express:dataaccesspointaccount", account: account_itself },
    ZoneKey { key: "s3express:dataaccesspointarn", account: search::arn_account },
];

fn account_itself(value: &str) -> Option<String> {
    Some(value.to_string())
}

/// The object a request names when the policy names no particular one.
const WITNESS_OBJECT: &str = "perimeter-witness-object";

/// Block Public Access of the bucket and of its account, combined.
struct PublicAccessBlock {
    restrict_public: bool,
    ignore_public_acls: bool,
}

pub(super) fn analyze(record: &ResourceRecord, b: &S3BucketInputs, zone: &Zone, out: &mut PathResults) {
    let bpa = |f: fn(&BlockPublicAccess) -> bool| {
        b.block_public_access.as_ref().is_some_and(f) || b.account_block_public_access.as_ref().is_some_and(f)
    };
    let block = PublicAccessBlock {
        restrict_public: bpa(|s| s.restrict_public_buckets),
        ignore_public_acls: bpa(|s| s.ignore_public_acls),
    };
    let bucket_arn = &record.arn;
    let policy = b.policy.as_deref().and_then(|text| out.parse("bucket policy", text, ResourceElement::Required));
    if let Some(policy) = &policy {
        bucket_policy(policy, bucket_arn, &block, zone, out);
    }
    if let Some(acl) = &b.acl
        && b.object_ownership != Some(ObjectOwnership::BucketOwnerEnforced) {
            for grant in &acl.grants {
                acl_grant(acl, grant, bucket_arn, &block, zone, out);
            }
        }
    for ap in &b.access_points {
        access_point(ap, policy.as_ref(), bucket_arn, &block, zone, out);
    }
}

/// The bucket policy: direct findings, and those through another account's access points.
fn bucket_policy(policy: &Policy, bucket_arn: &str, block: &PublicAccessBlock, zone: &Zone, out: &mut PathResults) {
    let objects = super::named_under(policy, &format!("{bucket_arn}/"), WITNESS_OBJECT);
    let targets = super::container_targets(policy, zone, "s3", BUCKET_TYPES, bucket_arn, &objects);
    let raws = search::search(policy, &scope(zone, &targets, out));
    add_bucket_policy_findings(raws, "s3:DataAccessPointAccount", block.restrict_public, out);
}

/// The findings of a bucket policy (general purpose or directory bucket): direct ones, and
/// those through another account's access points (`ap_key` names that account in the
/// witness). `RestrictPublicBuckets` drops every direct finding of a public policy and makes a
/// finding through a foreign access point a cross-account one for that account.
pub(super) fn add_bucket_policy_findings(raws: Vec<RawFinding>, ap_key: &str, restrict_public: bool, out: &mut PathResults) {
    let (via_ap_account, direct): (Vec<RawFinding>, Vec<RawFinding>) =
        raws.into_iter().partition(|r| ap_account_of(r, ap_key).is_some());
    let policy_is_public = direct.iter().chain(&via_ap_account).any(|r| r.is_public);
    if !(restrict_public && policy_is_public) {
        out.add(direct, SharedVia::Policy);
    }
    let via_ap_account = via_ap_account
        .into_iter()
        .map(|mut r| {
            if restrict_public {
                if let Some(account) = ap_account_of(&r, ap_key) {
                    r.principal = Principal::Aws(account);
                }
                r.is_public = false;
            } else {
                r.is_public = true;
            }
            r
        })
        .collect();
    out.add(via_ap_account, SharedVia::S3AccessPointAccount);
}

/// The foreign access point account a bucket-policy finding's witness came through.
fn ap_account_of(r: &RawFinding, ap_key: &str) -> Option<String> {
    let w = r.witness.as_ref()?;
    w.context.get(ap_key).and_then(|v| v.first().cloned())
}

/// One ACL grant, as a synthetic policy granting its permission's actions.
fn acl_grant(acl: &S3Acl, grant: &AclGrant, bucket_arn: &str, block: &PublicAccessBlock, zone: &Zone, out: &mut PathResults) {
    let (principal, group) = match &grant.grantee {
        AclGrantee::Group { uri } if uri.ends_with("/AllUsers") => (json!("*"), Some("AllUsers")),
        AclGrantee::Group { uri } if uri.ends_with("/AuthenticatedUsers") => (json!({"AWS": "*"}), Some("AuthenticatedUsers")),
        AclGrantee::Group { .. } => return, // LogDelivery: an AWS service group
        AclGrantee::CanonicalUser { id } if *id == acl.owner_id => return,
        AclGrantee::CanonicalUser { id } => (json!({"CanonicalUser": id}), None),
        AclGrantee::Email { address } => {
            out.findings.push(email_grant_finding(address, grant.permission));
            return;
        }
    };
    if group.is_some() && block.ignore_public_acls {
        return;
    }
    let actions = acl_actions(grant.permission);
    let mut statement = json!({"Effect": "Allow", "Principal": principal, "Action": actions,
        "Resource": [bucket_arn, format!("{bucket_arn}/*")]});
    if group == Some("AuthenticatedUsers") {
        statement["Condition"] = json!({"Null": {"aws:PrincipalAccount": "false"}});
    }
    let synthetic = json!({"Version": "2012-10-17", "Statement": [statement]});
    let Ok(policy) = Policy::from_json(&synthetic) else { return };
    let object_list: Arc<[String]> = Arc::from([format!("{bucket_arn}/{WITNESS_OBJECT}")]);
    let bucket_only: Arc<[String]> = Arc::from([bucket_arn.to_string()]);
    let targets: Vec<Target> = actions
        .iter()
        .map(|a| {
            let object_level = catalog::lookup(a).is_some_and(|i| i.applies_to("object"));
            target(a, if object_level { object_list.clone() } else { bucket_only.clone() })
        })
        .collect();
    let mut raws = search::search(&policy, &scope(zone, &targets, out));
    for r in &mut raws {
        r.set_grant_condition(group.map_or_else(BTreeMap::new, |g| BTreeMap::from([("AclGroup".to_string(), vec![g.to_string()])])));
        if group.is_some() {
            r.principal = Principal::anyone();
        }
    }
    out.add(raws, SharedVia::BucketAcl);
}

/// One access point's policy, gated by the bucket policy (no bucket policy: no delegation, no
/// access through it).
fn access_point(
    ap: &S3AccessPoint,
    bucket_policy: Option<&Policy>,
    bucket_arn: &str,
    block: &PublicAccessBlock,
    zone: &Zone,
    out: &mut PathResults,
) {
    let Some(text) = &ap.policy else { return };
    let document = format!("access point {} policy", ap.name);
    let Some(ap_policy) = out.parse(&document, text, ResourceElement::Required) else { return };
    let Some(bucket_policy) = bucket_policy else { return };
    let ap_prefix = format!("{}/object/", ap.arn);
    let ap_objects = super::named_under(&ap_policy, &ap_prefix, WITNESS_OBJECT);
    let targets = super::container_targets(&ap_policy, zone, "s3", ACCESS_POINT_TYPES, &ap.arn, &ap_objects);
    let bucket_for = |resource: &str| match resource.strip_prefix(&ap_prefix) {
        Some(key) => format!("{bucket_arn}/{key}"),
        None => bucket_arn.to_string(),
    };
    let gate = Gate {
        policy: bucket_policy,
        map_resource: &bucket_for,
        context: vec![
            ("s3:dataaccesspointarn".into(), vec![ap.arn.clone()]),
            ("s3:dataaccesspointaccount".into(), vec![ap.account.clone()]),
        ],
    };
    let scope = Scope { gate: Some(gate), ..scope(zone, &targets, out) };
    let raws = search::search(&ap_policy, &scope);
    let ap_restrict = block.restrict_public || ap.block_public_access.as_ref().is_some_and(|s| s.restrict_public_buckets);
    add_access_point_findings(raws, ap, ap_restrict, out);
}

/// The findings through one access point (general purpose or directory bucket): with
/// `RestrictPublicBuckets`, a public access point policy grants nothing; a VPC access point is
/// never public; each finding notes the access point.
pub(super) fn add_access_point_findings(mut raws: Vec<RawFinding>, ap: &S3AccessPoint, restrict_public: bool, out: &mut PathResults) {
    let vpc = ap.network_origin == NetworkOrigin::Vpc;
    if restrict_public && !vpc && raws.iter().any(|r| r.is_public) {
        return;
    }
    for r in &mut raws {
        if vpc {
            r.is_public = false;
            r.notes.push(format!(
                "access point `{}` accepts requests only from VPC {}",
                ap.name,
                ap.vpc_id.as_deref().unwrap_or("(unknown)")
            ));
        } else {
            r.notes.push(format!("through access point `{}`", ap.name));
        }
    }
    out.add(raws, SharedVia::S3AccessPoint);
}

/// The actions an ACL permission grants (semantics.md section 6).
fn acl_actions(permission: AclPermission) -> Vec<&'static str> {
    let read = ["s3:ListBucket", "s3:ListBucketMultipartUploads", "s3:ListBucketVersions"];
    let write = ["s3:DeleteObject", "s3:PutObject"];
    match permission {
        AclPermission::Read => read.to_vec(),
        AclPermission::Write => write.to_vec(),
        AclPermission::ReadAcp => vec!["s3:GetBucketAcl"],
        AclPermission::WriteAcp => vec!["s3:PutBucketAcl"],
        AclPermission::FullControl => {
            let mut all = read.to_vec();
            all.extend(write);
            all.extend(["s3:GetBucketAcl", "s3:PutBucketAcl"]);
            all
        }
    }
}

/// A grant by e-mail address names an account we cannot identify: reported conservatively.
fn email_grant_finding(address: &str, permission: AclPermission) -> PathFinding {
    PathFinding {
        raw: RawFinding {
            principal: Principal::Aws(format!("email:{address}")),
            condition: BTreeMap::new(),
            is_public: false,
            actions: acl_actions(permission).into_iter().map(str::to_string).collect(),
            witness: None,
            conservative: Some("an ACL grant by e-mail address names an account that cannot be identified".into()),
            notes: Vec::new(),
            blocked_by: Vec::new(),
            origin: (0, 0),
        },
        shared_via: SharedVia::BucketAcl,
    }
}
