//! Resource control policies (RCPs): the organization's own Deny guard rails on the resources
//! of its member accounts (semantics.md section 8), as the collector reads them, and the
//! record of an RCP that blocks a finding.

use serde::{Deserialize, Serialize};

/// The services whose resources RCPs govern (the Organizations guide, "List of AWS services
/// that support RCPs": S3, STS, KMS, SQS and Secrets Manager at launch in 2024, ECR and
/// OpenSearch Serverless in June 2025, Cognito and CloudWatch Logs later in 2025), as IAM
/// action prefixes. A request to any other service is never refused by an RCP: a service
/// missing here only leaves its findings unblocked (never hides one).
pub const RCP_SERVICES: &[&str] = &["s3", "sts", "kms", "sqs", "secretsmanager", "ecr", "aoss", "cognito-idp", "logs"];

/// Actions an RCP never restricts, whatever its `Action` says (the KMS guide: "The
/// kms:RetireGrant permission is not effective in an RCP").
pub const RCP_EXEMPT_ACTIONS: &[&str] = &["kms:RetireGrant"];

/// Whether RCPs govern requests for `action` (`service:Name`, any case).
pub fn rcp_governs(action: &str) -> bool {
    let service = action.split_once(':').map_or(action, |(s, _)| s);
    RCP_SERVICES.iter().any(|s| s.eq_ignore_ascii_case(service))
        && !RCP_EXEMPT_ACTIONS.iter().any(|a| a.eq_ignore_ascii_case(action))
}

/// Whether an RCP attached to `target` (a root, OU or account ID) governs the resources of
/// `account`, whose OU path (`o-…/r-…/ou-…/`) is `org_path`: the target is the account, or the
/// root or an OU on the path. Without a path, any root or OU may be on it.
pub fn governs(target: &str, account: &str, org_path: Option<&str>) -> bool {
    target == account
        || match org_path {
            Some(path) => path.split('/').skip(1).any(|s| !s.is_empty() && s == target),
            None => target.starts_with("r-") || target.starts_with("ou-"),
        }
}

/// The organization's RCPs as one scan read them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResourceControls {
    /// Whether the RCP policy type is enabled on the organization's root: when it is not, no
    /// RCP is in force (AWS detaches them all when the type is disabled).
    pub enabled: bool,
    /// Every RCP of the organization, AWS-managed ones (`RCPFullAWSAccess`) included.
    #[serde(default)]
    pub policies: Vec<ResourceControlPolicy>,
}

/// One RCP: its document and where it is attached.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResourceControlPolicy {
    /// `p-…`
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub aws_managed: bool,
    /// The policy document as Organizations returns it.
    pub document: String,
    /// The roots (`r-…`), OUs (`ou-…`) and accounts (12 digits) it is attached to.
    #[serde(default)]
    pub targets: Vec<String>,
}

/// An RCP that refuses every request of a finding (the finding's `blocked_by`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BlockedBy {
    /// `p-…`
    pub id: String,
    pub name: String,
}

impl std::fmt::Display for BlockedBy {
    /// `name (p-…)`, as the CSV shows it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.name, self.id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rcps_govern_their_services_only_and_never_retire_grant() {
        assert!(rcp_governs("s3:GetObject"));
        assert!(rcp_governs("STS:AssumeRole"));
        assert!(rcp_governs("kms:Decrypt"));
        assert!(!rcp_governs("kms:RetireGrant"));
        assert!(!rcp_governs("lambda:InvokeFunction"));
        assert!(!rcp_governs("sns:Publish"));
        assert!(!rcp_governs("s3express:CreateSession"));
    }
}
