//! `AWS::EC2::Image`: an AMI's `launchPermission` attribute (who may launch or copy it: anyone,
//! accounts, organizations, OUs) and its region's image Block Public Access state. It has no
//! policy document.

use serde::{Deserialize, Serialize};

use super::{arn_tail, Document, TypeInputs};

/// AMI: who it is shared with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ec2ImageInputs {
    pub image_id: String,
    /// The `launchPermission` entries.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub launch_permissions: Vec<LaunchPermission>,
    /// The account's image Block Public Access state in the image's region; `None` when not read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block_public_access: Option<ImageBlockPublicAccess>,
}

/// One `launchPermission` entry: exactly one of its fields is set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LaunchPermission {
    /// `all`: anyone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// `arn:aws:organizations::<management account>:organization/o-…`
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization_arn: Option<String>,
    /// `arn:aws:organizations::<management account>:ou/o-…/ou-…`
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organizational_unit_arn: Option<String>,
}

/// Image Block Public Access (`GetImageBlockPublicAccessState`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ImageBlockPublicAccess {
    Unblocked,
    /// New public shares are refused; AMIs already public stay public.
    BlockNewSharing,
}

impl TypeInputs for Ec2ImageInputs {
    fn name(&self) -> &str {
        &self.image_id
    }

    fn documents(&self) -> Vec<Document<'_>> {
        Vec::new()
    }

    /// An AMI has no policy document: the inputs of one that is shared with nobody.
    fn from_policy(arn: &str, _policy: String) -> Self {
        Ec2ImageInputs { image_id: arn_tail(arn).to_string(), launch_permissions: Vec::new(), block_public_access: None }
    }
}
