//! S3 Express One Zone directory bucket: the bucket policy, searched over the `s3express`
//! actions on directory buckets (on the bucket's ARN; objects are reached through
//! `s3express:CreateSession` on the bucket), and the directory-bucket access points. Block
//! Public Access is always on for directory buckets and their access points and cannot be
//! turned off (semantics.md section 6): `RestrictPublicBuckets` applies, so a policy that is
//! public grants nobody outside the owner account anything, and every direct finding of such a
//! policy is dropped, as for a general purpose bucket with that setting. A grant through access
//! points of the owner's account (`s3express:DataAccessPointAccount`) is internal (the access
//! point decides); through another account's access points it is a cross-account finding for
//! that account (`S3_ACCESS_POINT_ACCOUNT`). An access point's policy needs the bucket policy to
//! allow the same request too (it is the gate, seeing the bucket's ARN and the access point's
//! keys), a public access point policy grants nothing, and a VPC access point is never public.

use perimeter_model::{ResourceRecord, S3AccessPoint, S3ExpressDirectoryBucketInputs, Zone};

use super::{s3_bucket, scope, targets_for, PathResults, Services};
use crate::policy::{Policy, ResourceElement};
use crate::search::{self, Gate, Scope};

pub const SERVICES: Services = &[("s3express", &["bucket"]), ("s3express", &["accesspoint"])];

pub(super) fn analyze(record: &ResourceRecord, b: &S3ExpressDirectoryBucketInputs, zone: &Zone, out: &mut PathResults) {
    let policy = b.policy.as_deref().and_then(|text| out.parse("bucket policy", text, ResourceElement::Required));
    if let Some(policy) = &policy {
        let targets = targets_for(policy, zone, SERVICES[0], std::slice::from_ref(&record.arn));
        let raws = search::search(policy, &scope(zone, &targets, out));
        // RestrictPublicBuckets, always on: a public policy lets in only AWS services and the
        // owner's own principals.
        s3_bucket::add_bucket_policy_findings(raws, "s3express:DataAccessPointAccount", true, out);
    }
    for ap in &b.access_points {
        access_point(ap, policy.as_ref(), &record.arn, zone, out);
    }
}

/// One access point's policy, gated by the bucket policy (no bucket policy: no delegation, no
/// access through it).
fn access_point(ap: &S3AccessPoint, bucket_policy: Option<&Policy>, bucket_arn: &str, zone: &Zone, out: &mut PathResults) {
    let Some(text) = &ap.policy else { return };
    let document = format!("access point {} policy", ap.name);
    let Some(ap_policy) = out.parse(&document, text, ResourceElement::Required) else { return };
    let Some(bucket_policy) = bucket_policy else { return };
    let targets = targets_for(&ap_policy, zone, SERVICES[1], std::slice::from_ref(&ap.arn));
    let to_bucket = |_: &str| bucket_arn.to_string();
    let gate = Gate {
        policy: bucket_policy,
        map_resource: &to_bucket,
        context: vec![
            ("s3express:dataaccesspointarn".into(), vec![ap.arn.clone()]),
            ("s3express:dataaccesspointaccount".into(), vec![ap.account.clone()]),
        ],
    };
    let scope = Scope { gate: Some(gate), ..scope(zone, &targets, out) };
    let raws = search::search(&ap_policy, &scope);
    // Block Public Access, always on for the access point too.
    s3_bucket::add_access_point_findings(raws, ap, true, out);
}
