//! AMI: its `launchPermission` attribute as a synthetic policy granting `ec2:CopyImage` and
//! `ec2:RunInstances` on the image, searched like a resource policy
//! (`shared_via = LAUNCH_PERMISSION`): group `all` is anyone, a user ID is that account, an
//! organization ARN is anyone whose `aws:PrincipalOrgID` is that organization, an OU ARN anyone
//! whose `aws:PrincipalOrgPaths` passes through that OU. The zone then decides: the own
//! organization and its OUs are inside, another organization is a cross-account finding. Image
//! Block Public Access (`block-new-sharing`) refuses new public shares only: an AMI that is
//! already public stays public (the EC2 guide), so its finding stays, with a note.

use perimeter_model::{Ec2ImageInputs, ImageBlockPublicAccess, LaunchPermission, ResourceRecord, SharedVia, Zone};
use serde_json::json;

use super::snapshot::{self, Share};
use super::{PathResults, Services};

pub const SERVICES: Services = &[("ec2", &["image"])];

/// What a launch permission lets its grantee do with the image: launch instances from it and
/// copy it into its own account.
pub const ACTIONS: [&str; 2] = ["ec2:CopyImage", "ec2:RunInstances"];

/// The note on a public finding while image Block Public Access is on.
pub const BLOCK_NEW_SHARING_NOTE: &str = "image Block Public Access is on (block-new-sharing): it refuses new public \
     shares only, and this image was made public before, so it stays public";

pub(super) fn analyze(record: &ResourceRecord, x: &Ec2ImageInputs, zone: &Zone, out: &mut PathResults) {
    let mut shares: Vec<Share> = Vec::new();
    for (i, p) in x.launch_permissions.iter().enumerate() {
        match share(p) {
            Some(s) => shares.push(s),
            None => out.errors.push(super::DocumentError {
                document: "launch permission".into(),
                code: perimeter_model::ErrorCode::ParseError,
                pointer: format!("/launch_permissions/{i}"),
                message: format!("a launch permission perimeter cannot read: {p:?}"),
            }),
        }
    }
    let from = out.findings.len();
    snapshot::analyze(record, &shares, &ACTIONS, false, None, SharedVia::LaunchPermission, zone, out);
    if x.block_public_access == Some(ImageBlockPublicAccess::BlockNewSharing) {
        for f in out.findings[from..].iter_mut().filter(|f| f.raw.is_public) {
            f.raw.notes.push(BLOCK_NEW_SHARING_NOTE.to_string());
        }
    }
}

/// The share one launch permission makes, or `None` for an entry of no known form.
fn share(p: &LaunchPermission) -> Option<Share> {
    if p.group.as_deref() == Some("all") {
        return Some(Share::to(json!("*")));
    }
    if let Some(account) = &p.user_id {
        return Some(Share::to(json!({"AWS": account})));
    }
    if let Some(arn) = &p.organization_arn {
        let org = arn.rsplit_once(":organization/").map(|(_, o)| o).filter(|o| o.starts_with("o-"))?;
        return Some(Share {
            principal: json!("*"),
            condition: Some(json!({"StringEquals": {"aws:PrincipalOrgID": org}})),
        });
    }
    if let Some(arn) = &p.organizational_unit_arn {
        let (org, ou) = arn.rsplit_once(":ou/").and_then(|(_, path)| path.split_once('/'))?;
        if !org.starts_with("o-") || !ou.starts_with("ou-") || ou.contains('/') {
            return None;
        }
        return Some(Share {
            principal: json!("*"),
            condition: Some(json!({"ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": format!("{org}/*/{ou}/*")}})),
        });
    }
    None
}
