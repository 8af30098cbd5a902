//! S3 Express One Zone directory bucket: the bucket policy, searched over the `s3express`
//! actions on directory buckets (on the bucket's ARN; objects are reached through
//! `s3express:CreateSession` on the bucket). Block Public Access is always on for directory
//! buckets and cannot be turned off (semantics.md section 6): `RestrictPublicBuckets` applies,
//! so a policy that is public grants nobody outside the owner account anything, and every
//! finding of such a policy is dropped, as for a general purpose bucket with that setting.

use perimeter_model::{ResourceRecord, S3ExpressDirectoryBucketInputs, SharedVia, Zone};

use super::{scope, targets_for, PathResults, Services};
use crate::policy::ResourceElement;
use crate::search;

pub const SERVICES: Services = &[("s3express", &["bucket"])];

pub(super) fn analyze(record: &ResourceRecord, b: &S3ExpressDirectoryBucketInputs, zone: &Zone, out: &mut PathResults) {
    if let Some(text) = &b.policy
        && let Some(policy) = out.parse("bucket policy", text, ResourceElement::Required)
    {
        let targets = targets_for(&policy, SERVICES[0], std::slice::from_ref(&record.arn));
        let raws = search::search(&policy, &scope(zone, &targets, out));
        // RestrictPublicBuckets: a public policy lets in only AWS services and the owner's own
        // principals.
        if !raws.iter().any(|r| r.is_public) {
            out.add(raws, SharedVia::Policy);
        }
    }
}
