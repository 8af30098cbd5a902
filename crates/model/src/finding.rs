//! Findings and their witnesses: one external access to one resource, with a concrete request
//! that the evaluator allows.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::resource::ResourceType;

/// A principal as a policy names it. "Anyone" is `AWS: "*"`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Principal {
    #[serde(rename = "AWS")]
    Aws(String),
    Federated(String),
    CanonicalUser(String),
    Service(String),
}

impl Principal {
    pub fn anyone() -> Principal {
        Principal::Aws("*".to_string())
    }

    pub fn is_anyone(&self) -> bool {
        matches!(self, Principal::Aws(s) if s == "*")
    }
}

impl fmt::Display for Principal {
    /// The CSV form: `*`, `AWS:<account or ARN>`, `Federated:<provider>`, `CanonicalUser:<id>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            p if p.is_anyone() => f.write_str("*"),
            Principal::Aws(s) => write!(f, "AWS:{s}"),
            Principal::Federated(s) => write!(f, "Federated:{s}"),
            Principal::CanonicalUser(s) => write!(f, "CanonicalUser:{s}"),
            Principal::Service(s) => write!(f, "Service:{s}"),
        }
    }
}

/// How the access is granted (Access Analyzer's `sharedVia`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum SharedVia {
    Policy,
    BucketAcl,
    S3AccessPoint,
    S3AccessPointAccount,
    Grant,
    FunctionUrl,
    /// A snapshot's sharing attribute (EBS `createVolumePermission`, RDS `restore`).
    SnapshotPermission,
    /// An AMI's `launchPermission` attribute.
    LaunchPermission,
}

impl SharedVia {
    pub fn as_str(self) -> &'static str {
        match self {
            SharedVia::Policy => "POLICY",
            SharedVia::BucketAcl => "BUCKET_ACL",
            SharedVia::S3AccessPoint => "S3_ACCESS_POINT",
            SharedVia::S3AccessPointAccount => "S3_ACCESS_POINT_ACCOUNT",
            SharedVia::Grant => "GRANT",
            SharedVia::FunctionUrl => "FUNCTION_URL",
            SharedVia::SnapshotPermission => "SNAPSHOT_PERMISSION",
            SharedVia::LaunchPermission => "LAUNCH_PERMISSION",
        }
    }
}

/// The caller of a concrete request.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RequestPrincipal {
    /// An unauthenticated caller.
    Anonymous,
    /// An IAM principal: the account root, a user, a role or a role session.
    Aws {
        account: String,
        arn: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        unique_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        canonical_id: Option<String>,
    },
    /// An identity of an external identity provider (as the policy's `Federated` names it).
    Federated { provider: String },
    /// An AWS service principal (`sns.amazonaws.com`).
    Service { service: String },
}

/// One fully specified request. Condition keys compare without regard to case; a key absent
/// from `context` is absent from the request. Every key may carry several values.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Request {
    pub principal: RequestPrincipal,
    pub action: String,
    pub resource: String,
    #[serde(default)]
    pub context: BTreeMap<String, Vec<String>>,
}

/// One external access (semantics.md section 7).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// Stable across runs: derived from the resource, principal, condition and path.
    pub id: String,
    pub resource_arn: String,
    pub resource_type: ResourceType,
    pub resource_owner_account: String,
    pub region: String,
    pub principal: Principal,
    pub actions: Vec<String>,
    /// Condition of the granting statement: `"<Operator> <key>"` → values as written.
    pub condition: BTreeMap<String, Vec<String>>,
    pub is_public: bool,
    pub shared_via: SharedVia,
    /// A concrete request that the evaluator allows (absent only on conservative findings).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub witness: Option<Request>,
    /// Why the analysis reported this conservatively, when it could not decide exactly.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conservative: Option<String>,
    /// Remarks a reader should see (for example an action the catalog does not know).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// The organization's resource control policies that refuse every request of this access
    /// (semantics.md section 8): the resource's own policy grants it, the RCPs stop it. Empty
    /// when nothing blocks it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub blocked_by: Vec<crate::resource_control::BlockedBy>,
}

impl Finding {
    /// Whether the organization's RCPs stop this access entirely.
    pub fn is_blocked(&self) -> bool {
        !self.blocked_by.is_empty()
    }
}

/// Why something could not be read or analysed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ErrorCode {
    AccessDenied,
    AssumeRoleFailed,
    Throttled,
    Timeout,
    NetworkError,
    ServiceError,
    ParseError,
    LimitExceeded,
    Internal,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::AccessDenied => "ACCESS_DENIED",
            ErrorCode::AssumeRoleFailed => "ASSUME_ROLE_FAILED",
            ErrorCode::Throttled => "THROTTLED",
            ErrorCode::Timeout => "TIMEOUT",
            ErrorCode::NetworkError => "NETWORK_ERROR",
            ErrorCode::ServiceError => "SERVICE_ERROR",
            ErrorCode::ParseError => "PARSE_ERROR",
            ErrorCode::LimitExceeded => "LIMIT_EXCEEDED",
            ErrorCode::Internal => "INTERNAL",
        }
    }
}
