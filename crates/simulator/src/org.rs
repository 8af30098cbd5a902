//! The synthetic organization: accounts (management `100000000000`, members `100000000001`…),
//! one OU per 100 member accounts, and in every (account, region) about
//! `resources_per_account_region` resources (S3 buckets, IAM roles in the first region's share,
//! KMS keys, Lambda functions and layer versions, SQS queues, Secrets Manager secrets, SNS topics,
//! ECR repositories, EFS file systems, EBS snapshots, RDS DB snapshots, RDS DB cluster
//! snapshots, DynamoDB tables and DynamoDB streams, Kinesis data streams, EventBridge event
//! buses, Backup vaults, CodeArtifact domains and repositories, CloudWatch Logs resource
//! policies and destinations, SES email identities, Glacier vaults, OpenSearch domains, API
//! Gateway REST APIs, Glue Data Catalogs and EC2 AMIs), each with a policy (or, for snapshots
//! and AMIs, a share attribute) that lets the organization in and, at `external_grant_rate`, one
//! grant to an outsider. Everything is drawn from one `fastrand::Rng` seeded with the
//! configuration's seed, in a fixed order, so the same configuration always gives the same
//! organization.
//!
//! A `Table` slot makes a DynamoDB table `sim-table-<n>` without a stream; a `Stream` slot makes
//! a table `sim-streamtable-<n>` with a stream (label [`STREAM_LABEL`]): two resources, each with
//! its own resource policy (the table's drawn first), so an (account, region) may hold one more
//! resource than it has slots.
//!
//! Snapshots have no policy: EC2's `createVolumePermission` and RDS's `restore` attribute name
//! the accounts that may restore them. Each is shared with another member account of the
//! organization and, at the external rate, with [`EXTERNAL_ACCOUNT`] or with `all` (public).
//! Every 3rd snapshot of each type (counted over the organization, in generation order) is
//! encrypted with a customer key of its (account, region); real RDS refuses to share an encrypted
//! snapshot publicly, so an encrypted RDS snapshot's outsider is always [`EXTERNAL_ACCOUNT`].
//!
//! EC2's account-level snapshot Block Public Access ([`Account::snapshot_bpa`]) is
//! `block-all-sharing` for member accounts whose index is a multiple of 4 (`100000000004`,
//! `100000000008`, …), `block-new-sharing` for those whose index is 1 more (`100000000001`,
//! `100000000005`, …) and `unblocked` for the others and the management account. It is reported
//! only: the shares, [`Org::external_grants`] and [`Tally::external`] stay those generated; only
//! [`Tally::findings`] leaves out the public shares that `block-all-sharing` takes away.
//!
//! S3 Express One Zone: in the Regions of [`S3_EXPRESS_ZONES`], one in
//! [`DIRECTORY_BUCKET_SHARE`] of the `Bucket` slots (counted over the organization in generation
//! order, the first one included) makes a directory bucket `sim-<account>-<n>--<zone>--x-s3`
//! instead of a general purpose bucket, with a bucket policy (`s3express:CreateSession`) drawn
//! like the other policy types: the organization's statement and, at the external rate, the
//! outsider's, cross-account or public. A public one gives no finding (Block Public Access,
//! RestrictPublicBuckets included, is always on for directory buckets): it counts in
//! [`Tally::external`], not in [`Tally::findings`].
//!
//! Directory-bucket access points: every 2nd directory bucket (counted over the organization in
//! generation order, the first one included) gets one access point `sim-dap-<n>--<zone>--xa-s3`
//! (`<n>` and `<zone>` those of its bucket, `sim-<account>-<n>--<zone>--x-s3`), ARN
//! `arn:aws:s3express:<region>:<account>:accesspoint/<name>` ([`DirectoryAccessPoint`]). Counted
//! over the organization, the k-th access point's network origin alternates `Internet` (k
//! even) and `VPC` (k odd; the VPC of its (account, region), [`vpc_id`]), and its policy, one
//! statement allowing `s3express:CreateSession` on the access point's ARN, alternates by pairs
//! (k mod 4 of 0 or 1, then 2 or 3) an outsider's grant (Sid `External`, [`EXTERNAL_ACCOUNT`]'s
//! root: cross-account, never public) and the organization's (Sid `OrgSession`, `"AWS": "*"`
//! with `aws:PrincipalOrgID`), so that every pair of origin and grant occurs. Its bucket's
//! policy delegates to the account's access points with one more statement (Sid
//! `DelegateToAccessPoints`: `"Principal": "*"`, `s3express:CreateSession` on the bucket's ARN,
//! `s3express:DataAccessPointAccount` = the owner account), internal. None of this draws from
//! the RNG: everything else (the buckets' other statements included) is what the same seed gave
//! without access points, and the outsiders' grants of access points do not follow
//! `external_grant_rate` (there are some at rate 0). Access points are not resources: an access point's outsider is one of its directory
//! bucket's, and the counts stay counts of resources. A directory bucket with an outsider in
//! its own policy, its access point's or both counts once in [`Org::external_grants`] and in
//! [`Tally::external`]; it counts once in [`Tally::findings`] when its own outsider is
//! cross-account or its access point's is there (a cross-account grant, which Block Public
//! Access does not take away, whatever the network origin): a public bucket policy whose
//! bucket's access point grants an outsider gives one finding, through the access point.
//!
//! The kinds added after the directory buckets sit at the end of the rotation (first region:
//! slots 15 to 27 of 28; the others: 14 to 26 of 27), in this order; each policy is the
//! organization's statement and, at the external rate, the outsider's (public allowed), with the
//! kind's action (and `Resource`):
//! - Kinesis data stream `sim-stream-<n>` (`kinesis:GetRecords` on the stream's ARN); a stream
//!   without a policy answers GetResourcePolicy with `{"Policy":"{}"}`.
//! - EventBridge event bus `sim-bus-<n>` (`events:PutEvents` on the bus's ARN). Every (account,
//!   region) also has the `default` bus, without a policy, listed first by ListEventBuses: it is
//!   context, not a resource (never counted, like the AWS-managed key).
//! - Backup vault `sim-backupvault-<n>` (`backup:CopyIntoBackupVault` on the vault's ARN).
//! - CodeArtifact domain `sim-domain-<n>` (`codeartifact:GetAuthorizationToken` on the domain's
//!   ARN) and repository `sim-repository-<n>` inside the domain `sim-domain-<n>` of the same
//!   (account, region) (its slot follows the domain's, so the domain is always there;
//!   `codeartifact:ReadFromRepository` on the repository's ARN).
//! - CloudWatch Logs account-level resource policy `sim-logs-policy-<n>` (`logs:PutLogEvents` on
//!   `arn:aws:logs:<region>:<account>:log-group:*`; the record ARN, perimeter's own, is
//!   `arn:aws:logs:<region>:<account>:resource-policy:<name>`) and destination
//!   `sim-destination-<n>` (`logs:PutSubscriptionFilter` on the destination's ARN).
//! - SES email identity `sim-identity-<n>.example.com` (a domain; one sending authorization
//!   policy, [`SES_POLICY_NAME`], `ses:SendEmail` on the identity's ARN).
//! - Glacier vault `sim-vault-<n>` (`glacier:InitiateJob` and `glacier:GetJobOutput` on the
//!   vault's ARN). Counted over the organization, every 2nd vault from the first has a vault lock
//!   ([`VaultLock`]: a Deny-only policy, `Locked` for k mod 4 = 0, `InProgress` for 2), which
//!   grants nothing.
//! - OpenSearch domain `sim-search-<n>` (`es:ESHttpGet` on `<domain ARN>/*`); counted over the
//!   organization, every 2nd from the 2nd is a VPC domain (the VPC of its (account, region)).
//! - API Gateway REST API `sim-api-<n>` (ID: 10 lower-case letters and digits; record ARN
//!   `arn:aws:apigateway:<region>::/restapis/<id>`; `execute-api:Invoke` on
//!   `arn:aws:execute-api:<region>:<account>:<id>/*`); counted over the organization, every 2nd
//!   from the 2nd is `PRIVATE` (with the account's VPC endpoint), the others alternate
//!   `REGIONAL` and `EDGE`.
//! - Glue Data Catalog (name: the account ID; `glue:GetTable` on
//!   `arn:aws:glue:<region>:<account>:table/*/*`): one per (account, region), made by the first
//!   `DataCatalog` slot; a later one in the same (account, region) makes nothing (one resource
//!   fewer than slots).
//! - EC2 AMI `ami-<17 hex>` named `sim-image-<n>`, shared by its `launchPermission`, not a
//!   policy, and not at the external rate: counted over the organization, the k-th image is
//!   shared with [`EXTERNAL_ACCOUNT`] (k even: a cross-account outsider) or with the
//!   organization's ARN ([`organization_arn`], k odd: internal). Never public.
//!   [`Account::image_bpa`] is `block-new-sharing` for member accounts of odd index and
//!   `unblocked` for the others (reported only).
//!
//! Context the collector reads besides the resources (never counted as resources): every
//! (account, region) has one VPC ([`vpc_id`]; the default VPC `172.31.0.0/16` in accounts of
//! even index, `10.<b>.0.0/16` otherwise) with one S3 gateway endpoint ([`vpc_endpoint_id`]),
//! and every account one CloudFront origin access identity ([`origin_access_identity`]), all
//! derived from the account and region (no draw from the RNG). Among the general purpose
//! buckets, counted over the organization, every [`OAI_BUCKET_SHARE`]th from the 2nd on also lets
//! its account's origin access identity read (internal), and every 2nd cross-account one pins
//! its outsider's statement with `aws:SourceVpce` = its account's endpoint in its region (still
//! a cross-account finding).

use std::collections::{BTreeMap, HashMap};

use fastrand::Rng;
use serde_json::{json, Value};

use crate::config::SimConfig;

pub const MANAGEMENT_ACCOUNT: &str = "100000000000";
pub const ORG_ID: &str = "o-sim0000001";
pub const ROOT_ID: &str = "r-sim0";
/// The outsider every cross-account grant names.
pub const EXTERNAL_ACCOUNT: &str = "999999999999";
/// Member accounts per OU.
pub const ACCOUNTS_PER_OU: usize = 100;
/// A fixed creation instant for everything (2024-01-01T00:00:00Z).
pub const CREATED: u64 = 1_704_067_200;
/// The label of every DynamoDB stream (the stream's creation time, as DynamoDB writes it).
pub const STREAM_LABEL: &str = "2024-01-01T00:00:00.000";
/// The Regions that offer S3 Express One Zone, each with the Availability Zone ID its directory
/// buckets are named after.
pub const S3_EXPRESS_ZONES: [(&str, &str); 7] = [
    ("us-east-1", "use1-az4"),
    ("us-east-2", "use2-az1"),
    ("us-west-2", "usw2-az1"),
    ("ap-south-1", "aps1-az1"),
    ("ap-northeast-1", "apne1-az4"),
    ("eu-west-1", "euw1-az1"),
    ("eu-north-1", "eun1-az1"),
];
/// One in this many `Bucket` slots in an S3 Express Region makes a directory bucket.
pub const DIRECTORY_BUCKET_SHARE: usize = 20;
/// One in this many general purpose buckets names its account's origin access identity.
pub const OAI_BUCKET_SHARE: usize = 4;
/// The name of every SES identity's one sending authorization policy.
pub const SES_POLICY_NAME: &str = "sim-sending-authorization";

/// The kind of resource a slot of an (account, region) gets, in rotation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Bucket,
    Role,
    Key,
    Function,
    Layer,
    Queue,
    Secret,
    Topic,
    Repository,
    FileSystem,
    EbsSnapshot,
    DbSnapshot,
    DbClusterSnapshot,
    Table,
    Stream,
    KinesisStream,
    EventBus,
    BackupVault,
    CodeArtifactDomain,
    CodeArtifactRepository,
    LogsResourcePolicy,
    LogsDestination,
    EmailIdentity,
    GlacierVault,
    OpenSearchDomain,
    RestApi,
    DataCatalog,
    Image,
}

/// The kinds at the end of each rotation that arrived with the types beyond Access Analyzer's
/// (Kinesis streams to AMIs): [`slot_kind`] spreads them over the accounts.
const NEWER_KINDS: usize = 13;

/// The kind of `slot` of an account (its `account` index) with `per_region` slots per region:
/// the rotation in order, except that the newer kinds start at an offset that moves on with
/// each account (by the account's slots past the older kinds), so that an organization whose
/// regions hold fewer slots than there are kinds still has every kind across its accounts. The
/// first account, and every account of an organization with no more slots than older kinds,
/// keep the plain rotation; within each round of the rotation a kind comes once.
fn slot_kind(kinds: &[Kind], slot: usize, account: usize, per_region: usize) -> Kind {
    let older = kinds.len() - NEWER_KINDS;
    let i = slot % kinds.len();
    if i < older {
        return kinds[i];
    }
    let shift = account * per_region.saturating_sub(older).max(1);
    kinds[older + (i - older + shift) % NEWER_KINDS]
}

// New kinds go at the end, so that the earlier slots keep their kinds.
const FIRST_REGION_KINDS: [Kind; 28] = [
    Kind::Bucket,
    Kind::Role,
    Kind::Key,
    Kind::Function,
    Kind::Layer,
    Kind::Queue,
    Kind::Secret,
    Kind::Topic,
    Kind::Repository,
    Kind::FileSystem,
    Kind::EbsSnapshot,
    Kind::DbSnapshot,
    Kind::DbClusterSnapshot,
    Kind::Table,
    Kind::Stream,
    Kind::KinesisStream,
    Kind::EventBus,
    Kind::BackupVault,
    Kind::CodeArtifactDomain,
    Kind::CodeArtifactRepository,
    Kind::LogsResourcePolicy,
    Kind::LogsDestination,
    Kind::EmailIdentity,
    Kind::GlacierVault,
    Kind::OpenSearchDomain,
    Kind::RestApi,
    Kind::DataCatalog,
    Kind::Image,
];
const OTHER_REGION_KINDS: [Kind; 27] = [
    Kind::Bucket,
    Kind::Key,
    Kind::Function,
    Kind::Layer,
    Kind::Queue,
    Kind::Secret,
    Kind::Topic,
    Kind::Repository,
    Kind::FileSystem,
    Kind::EbsSnapshot,
    Kind::DbSnapshot,
    Kind::DbClusterSnapshot,
    Kind::Table,
    Kind::Stream,
    Kind::KinesisStream,
    Kind::EventBus,
    Kind::BackupVault,
    Kind::CodeArtifactDomain,
    Kind::CodeArtifactRepository,
    Kind::LogsResourcePolicy,
    Kind::LogsDestination,
    Kind::EmailIdentity,
    Kind::GlacierVault,
    Kind::OpenSearchDomain,
    Kind::RestApi,
    Kind::DataCatalog,
    Kind::Image,
];

/// An outsider's grant, if the resource got one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum External {
    /// `"Principal": {"AWS": "arn:aws:iam::999999999999:root"}`.
    CrossAccount,
    /// `"Principal": "*"` without a condition (S3, SQS, Lambda, Secrets Manager, SNS, ECR, EFS,
    /// DynamoDB and every kind added after the directory buckets; never IAM or KMS); for a
    /// snapshot, the share with `all` (never an encrypted RDS one; never for an AMI).
    Public,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Ou {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Account {
    pub id: String,
    pub name: String,
    pub email: String,
    /// The root or OU the account sits in.
    pub parent: String,
    /// The S3 canonical user ID (64 hex characters).
    pub canonical_id: String,
    /// Whether S3 Control reports an account-level Block Public Access (all off) or none (404).
    pub has_account_bpa: bool,
    /// EC2's snapshot Block Public Access state, the same in every region: `block-all-sharing`
    /// (member index a multiple of 4), `block-new-sharing` (index 4n+1) or `unblocked`.
    pub snapshot_bpa: &'static str,
    /// EC2's image Block Public Access state, the same in every region: `block-new-sharing`
    /// (member index odd) or `unblocked`.
    pub image_bpa: &'static str,
    pub roles: Vec<Role>,
    pub users: Vec<User>,
    pub buckets: Vec<Bucket>,
    /// CloudFront's origin access identities (global; one per account).
    pub origin_access_identities: Vec<OriginAccessIdentity>,
    pub regions: BTreeMap<String, RegionResources>,
}

/// A CloudFront origin access identity: the principal
/// `arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity <id>` of bucket policies.
#[derive(Debug, Clone, PartialEq)]
pub struct OriginAccessIdentity {
    /// `E` and 13 upper-case letters and digits.
    pub id: String,
    /// Its S3 canonical user ID (64 hex characters).
    pub canonical_id: String,
    pub comment: String,
}

impl OriginAccessIdentity {
    /// The principal ARN that bucket policies name.
    pub fn arn(&self) -> String {
        format!("arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity {}", self.id)
    }
}

/// A VPC (EC2 DescribeVpcs).
#[derive(Debug, Clone, PartialEq)]
pub struct Vpc {
    /// `vpc-<17 hex>`.
    pub id: String,
    pub cidr: String,
    pub is_default: bool,
}

/// A VPC endpoint (EC2 DescribeVpcEndpoints): the S3 gateway endpoint of its VPC.
#[derive(Debug, Clone, PartialEq)]
pub struct VpcEndpoint {
    /// `vpce-<17 hex>`.
    pub id: String,
    pub vpc: String,
    /// `com.amazonaws.<region>.s3`.
    pub service: String,
    /// `Gateway`.
    pub kind: &'static str,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Role {
    pub name: String,
    pub id: String,
    pub arn: String,
    pub trust_policy: String,
    pub external: Option<External>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct User {
    pub name: String,
    pub id: String,
    pub arn: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Bucket {
    pub name: String,
    pub region: String,
    pub policy: String,
    /// ACL grant of READ to AllUsers.
    pub acl_public: bool,
    /// Bucket-level Block Public Access: `None` = not configured (404); `Some(b)` = all four set to `b`.
    pub bpa: Option<bool>,
    /// `None` = no ownership controls (404).
    pub ownership: Option<&'static str>,
    pub external: Option<External>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AccessPoint {
    pub name: String,
    pub bucket: String,
    pub arn: String,
    pub alias: String,
    pub policy: String,
}

/// An access point of a directory bucket (`<base>--<zone>--xa-s3`), listed by S3 Control's
/// ListAccessPointsForDirectoryBuckets in its Region.
#[derive(Debug, Clone, PartialEq)]
pub struct DirectoryAccessPoint {
    pub name: String,
    /// Its directory bucket's name.
    pub bucket: String,
    pub arn: String,
    /// `Some(vpc-…)`: network origin `VPC`, restricted to that VPC; `None`: `Internet`.
    pub vpc: Option<String>,
    /// The policy document; `None` = no policy (never generated: see
    /// [`crate::Simulator::set_resource_policy`]), answered 404 NoSuchAccessPointPolicy.
    pub policy: Option<String>,
    /// The outsider its policy grants (always cross-account), if any.
    pub external: Option<External>,
}

impl DirectoryAccessPoint {
    /// `Internet` or `VPC`, as S3 Control writes the network origin.
    pub fn network_origin(&self) -> &'static str {
        if self.vpc.is_some() { "VPC" } else { "Internet" }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Key {
    pub id: String,
    pub arn: String,
    pub policy: String,
    /// AWS-managed (`KeyManager: AWS`); not a resource of the scan.
    pub aws_managed: bool,
    /// The one grant (to a role of the same account), for customer keys.
    pub grant: Option<KeyGrant>,
    pub external: Option<External>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct KeyGrant {
    pub id: String,
    pub grantee: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Function {
    pub name: String,
    pub arn: String,
    pub policy: String,
    /// An alias (pointing at version 1) with its own policy and a function URL.
    pub alias: Option<Alias>,
    pub external: Option<External>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Alias {
    pub name: String,
    pub policy: String,
    pub url_id: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Layer {
    pub name: String,
    pub arn: String,
    pub version: i64,
    pub policy: String,
    pub external: Option<External>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Queue {
    pub name: String,
    pub url: String,
    pub arn: String,
    pub policy: String,
    pub external: Option<External>,
}

/// A resource whose only access document is one resource policy: a Secrets Manager secret, an
/// SNS topic, an ECR repository, an EFS file system, a DynamoDB table, a DynamoDB stream, an
/// S3 Express directory bucket, a Kinesis data stream, an EventBridge event bus, a Backup vault,
/// a CodeArtifact domain or repository, a CloudWatch Logs resource policy or destination, an SES
/// email identity or a Glue Data Catalog.
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyResource {
    /// The secret's or topic's name, the repository's name, the file system's ID (`fs-…`), the
    /// table's name, the directory bucket's name; for a stream, its table's name (the label is
    /// [`STREAM_LABEL`]); for a CodeArtifact repository its own name (the domain is in its ARN,
    /// [`codeartifact_domain`]); for a Data Catalog, the account ID (the catalog ID).
    pub name: String,
    pub arn: String,
    /// The policy document; `None` = no policy (never generated: see
    /// [`crate::Simulator::set_resource_policy`]), which each service answers its own way.
    pub policy: Option<String>,
    pub external: Option<External>,
}

/// An EBS snapshot, an RDS DB snapshot or an RDS DB cluster snapshot: shared by an attribute
/// (EC2 `createVolumePermission`, RDS `restore`), not a policy.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    /// `snap-<17 hex>`, `sim-dbsnap-<n>` or `sim-clustersnap-<n>`.
    pub id: String,
    pub arn: String,
    /// What it was taken of: the volume (`vol-<17 hex>`), DB instance (`sim-db-<n>`) or DB
    /// cluster (`sim-cluster-<n>`).
    pub source: String,
    /// The customer key's ARN, when encrypted.
    pub kms_key: Option<String>,
    /// Who may restore it, in order: another member account, then the outsider
    /// ([`EXTERNAL_ACCOUNT`]) or `all` when it has an outsider's grant.
    pub shared_with: Vec<String>,
    pub external: Option<External>,
}

/// A Glacier vault: its access policy and, for some, a vault lock.
#[derive(Debug, Clone, PartialEq)]
pub struct GlacierVault {
    pub name: String,
    pub arn: String,
    /// The access policy; `None` = none (never generated: see
    /// [`crate::Simulator::set_resource_policy`]), answered 404 ResourceNotFoundException.
    pub policy: Option<String>,
    /// The vault lock, if any (GetVaultLock; 404 ResourceNotFoundException without).
    pub lock: Option<VaultLock>,
    pub external: Option<External>,
}

/// A Glacier vault lock: a Deny-only lock policy (it grants nothing) and its state.
#[derive(Debug, Clone, PartialEq)]
pub struct VaultLock {
    pub policy: String,
    /// `Locked`, or `InProgress` (which has an expiration date).
    pub state: &'static str,
}

/// An OpenSearch Service domain: its access policy and, for a VPC domain, its VPC.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenSearchDomain {
    pub name: String,
    pub arn: String,
    /// The access policy; `None` = none (never generated), answered `"AccessPolicies": ""`.
    pub policy: Option<String>,
    /// `Some(vpc-…)`: VPC access (the VPC of its (account, region)); `None`: a public endpoint.
    pub vpc: Option<String>,
    pub external: Option<External>,
}

/// An API Gateway REST API: its resource policy and endpoint type.
#[derive(Debug, Clone, PartialEq)]
pub struct RestApi {
    /// 10 lower-case letters and digits.
    pub id: String,
    pub name: String,
    /// `arn:aws:apigateway:<region>::/restapis/<id>` (no account).
    pub arn: String,
    /// The policy document; `None` = none (never generated), answered without `policy`.
    pub policy: Option<String>,
    /// `REGIONAL`, `EDGE` or `PRIVATE`.
    pub endpoint_type: &'static str,
    pub external: Option<External>,
}

/// One `launchPermission` entry of an AMI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LaunchPermission {
    /// `<group>all</group>` (never generated).
    Group(String),
    UserId(String),
    OrganizationArn(String),
    OrganizationalUnitArn(String),
}

/// An EC2 AMI, shared by its `launchPermission` attribute.
#[derive(Debug, Clone, PartialEq)]
pub struct Image {
    /// `ami-<17 hex>`.
    pub id: String,
    /// `sim-image-<n>`.
    pub name: String,
    /// `arn:aws:ec2:<region>::image/<id>` (no account).
    pub arn: String,
    pub launch_permissions: Vec<LaunchPermission>,
    pub external: Option<External>,
}

/// Resources of one account, region and type, and how many of them an outsider may use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tally {
    pub account: String,
    /// The region, or `global` for IAM roles.
    pub region: String,
    /// Access Analyzer's resource type name (`AWS::S3::Bucket`, …).
    pub resource_type: &'static str,
    pub resources: usize,
    /// Resources with an outsider's grant (a directory bucket's own or its access point's,
    /// counted once).
    pub external: usize,
    /// Resources the analysis reports a finding for: those of `external` with a grant Block
    /// Public Access does not take away (it takes away the public grant of every directory
    /// bucket's own policy, but not its access point's cross-account one, and the public share
    /// of an EC2 snapshot in a `block-all-sharing` account), each counted once.
    pub findings: usize,
}

/// The regional resources of one (account, region). Buckets live in [`Account::buckets`] (S3
/// lists them globally) and roles in [`Account::roles`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RegionResources {
    pub keys: Vec<Key>,
    pub functions: Vec<Function>,
    pub layers: Vec<Layer>,
    pub queues: Vec<Queue>,
    pub access_points: Vec<AccessPoint>,
    pub secrets: Vec<PolicyResource>,
    pub topics: Vec<PolicyResource>,
    pub repositories: Vec<PolicyResource>,
    pub file_systems: Vec<PolicyResource>,
    pub ebs_snapshots: Vec<Snapshot>,
    pub db_snapshots: Vec<Snapshot>,
    pub db_cluster_snapshots: Vec<Snapshot>,
    /// DynamoDB tables (`sim-table-<n>`, and `sim-streamtable-<n>` with a stream), in generation
    /// order.
    pub tables: Vec<PolicyResource>,
    /// The streams of the `sim-streamtable-<n>` tables, in generation order.
    pub streams: Vec<PolicyResource>,
    /// S3 Express One Zone directory buckets (regional: ListDirectoryBuckets lists those of the
    /// Region it is asked in), in generation order.
    pub directory_buckets: Vec<PolicyResource>,
    /// The access points of those directory buckets (at most one each), in generation order.
    pub directory_access_points: Vec<DirectoryAccessPoint>,
    /// Kinesis data streams (`sim-stream-<n>`).
    pub kinesis_streams: Vec<PolicyResource>,
    /// EventBridge custom event buses (`sim-bus-<n>`; the `default` bus is not among them).
    pub event_buses: Vec<PolicyResource>,
    /// Backup vaults (`sim-backupvault-<n>`).
    pub backup_vaults: Vec<PolicyResource>,
    /// CodeArtifact domains (`sim-domain-<n>`).
    pub codeartifact_domains: Vec<PolicyResource>,
    /// CodeArtifact repositories (`sim-repository-<n>`, in `sim-domain-<n>`).
    pub codeartifact_repositories: Vec<PolicyResource>,
    /// CloudWatch Logs account-level resource policies (`sim-logs-policy-<n>`).
    pub logs_resource_policies: Vec<PolicyResource>,
    /// CloudWatch Logs destinations (`sim-destination-<n>`).
    pub logs_destinations: Vec<PolicyResource>,
    /// SES email identities (`sim-identity-<n>.example.com`), each with one policy named
    /// [`SES_POLICY_NAME`].
    pub email_identities: Vec<PolicyResource>,
    /// Glacier vaults (`sim-vault-<n>`).
    pub glacier_vaults: Vec<GlacierVault>,
    /// OpenSearch domains (`sim-search-<n>`).
    pub opensearch_domains: Vec<OpenSearchDomain>,
    /// API Gateway REST APIs (`sim-api-<n>`).
    pub rest_apis: Vec<RestApi>,
    /// The Glue Data Catalog, when a `DataCatalog` slot made it (at most one).
    pub data_catalogs: Vec<PolicyResource>,
    /// EC2 AMIs (`sim-image-<n>`).
    pub images: Vec<Image>,
    /// The one VPC.
    pub vpcs: Vec<Vpc>,
    /// The one VPC endpoint (of that VPC).
    pub vpc_endpoints: Vec<VpcEndpoint>,
}

/// The whole synthetic organization.
#[derive(Debug, Clone, PartialEq)]
pub struct Org {
    pub accounts: Vec<Account>,
    pub ous: Vec<Ou>,
    pub regions: Vec<String>,
    index: HashMap<String, usize>,
    external_grants: usize,
    resource_count: usize,
}

impl Org {
    /// Generates the organization of `config` (deterministic in `config.seed`).
    pub fn generate(config: &SimConfig) -> Org {
        let mut rng = Rng::with_seed(config.seed);
        let count = config.accounts.max(1);
        let ids: Vec<String> = (0..count).map(|i| format!("{}", 100_000_000_000u64 + i as u64)).collect();
        let members = count - 1;
        let ous: Vec<Ou> = (0..members.div_ceil(ACCOUNTS_PER_OU))
            .map(|i| Ou { id: format!("ou-sim0-{i:08}"), name: format!("Unit {i}") })
            .collect();
        let mut generator = Generator {
            rng: &mut rng,
            ids: &ids,
            external_rate: config.external_grant_rate,
            external_grants: 0,
            resource_count: 0,
            snapshots: [0; 3],
            express_bucket_slots: 0,
            directory_buckets: 0,
            general_buckets: 0,
            cross_account_buckets: 0,
            glacier_vaults: 0,
            opensearch_domains: 0,
            rest_apis: 0,
            images: 0,
        };
        // A region both configured and disabled is disabled: nothing lives there.
        let regions: Vec<String> = config.regions.iter().filter(|r| !config.disabled_regions.contains(*r)).cloned().collect();
        let mut accounts = Vec::with_capacity(count);
        for (i, id) in ids.iter().enumerate() {
            let parent = if i == 0 { ROOT_ID.to_string() } else { ous[(i - 1) / ACCOUNTS_PER_OU].id.clone() };
            accounts.push(generator.account(id, i, parent, &regions, config.resources_per_account_region, config.populated_regions));
        }
        let (external_grants, resource_count) = (generator.external_grants, generator.resource_count);
        let index = ids.iter().enumerate().map(|(i, id)| (id.clone(), i)).collect();
        Org { accounts, ous, regions, index, external_grants, resource_count }
    }

    pub fn account(&self, id: &str) -> Option<&Account> {
        self.index.get(id).map(|&i| &self.accounts[i])
    }

    pub fn management(&self) -> &Account {
        &self.accounts[0]
    }

    /// Resources that carry an outsider's grant (a directory bucket whose access point grants
    /// one included, once).
    pub fn external_grants(&self) -> usize {
        self.external_grants
    }

    /// Resources a complete scan reads: buckets, roles, customer keys, functions, layer
    /// versions, queues, secrets, topics, repositories, file systems, EBS snapshots, DB snapshots,
    /// DB cluster snapshots, DynamoDB tables, DynamoDB streams, directory buckets, Kinesis
    /// streams, custom event buses, Backup vaults, CodeArtifact domains and repositories, Logs
    /// resource policies and destinations, SES identities, Glacier vaults, OpenSearch domains,
    /// REST APIs, Data Catalogs and AMIs (not users, AWS-managed keys, the `default` event buses,
    /// aliases, access points, VPCs, VPC endpoints or origin access identities).
    pub fn resource_count(&self) -> usize {
        self.resource_count
    }

    /// Resources, outsiders' grants and findings per account, region (`global` for IAM roles,
    /// the collector's convention) and resource type: what a scan that could not read some
    /// accounts or regions (refused roles, hang regions) should still find.
    pub fn tally(&self) -> Vec<Tally> {
        let mut out: BTreeMap<(String, String, &'static str), (usize, usize, usize)> = BTreeMap::new();
        // `blocked`: Block Public Access takes the outsider's grant away (no finding).
        let mut add = |account: &str, region: &str, kind: &'static str, external: Option<External>, blocked: bool| {
            let entry = out.entry((account.to_string(), region.to_string(), kind)).or_default();
            entry.0 += 1;
            entry.1 += usize::from(external.is_some());
            entry.2 += usize::from(external.is_some() && !blocked);
        };
        for a in &self.accounts {
            let id = a.id.as_str();
            // Always for directory buckets; for EC2 snapshots when the account blocks all sharing.
            let public = |e: Option<External>| e == Some(External::Public);
            let snapshots_blocked = a.snapshot_bpa == "block-all-sharing";
            a.roles.iter().for_each(|r| add(id, "global", "AWS::IAM::Role", r.external, false));
            a.buckets.iter().for_each(|b| add(id, &b.region, "AWS::S3::Bucket", b.external, false));
            for (region, res) in &a.regions {
                let policies: [(&'static str, &[PolicyResource]); 15] = [
                    ("AWS::SecretsManager::Secret", &res.secrets),
                    ("AWS::SNS::Topic", &res.topics),
                    ("AWS::ECR::Repository", &res.repositories),
                    ("AWS::EFS::FileSystem", &res.file_systems),
                    ("AWS::DynamoDB::Table", &res.tables),
                    ("AWS::DynamoDB::Stream", &res.streams),
                    ("AWS::Kinesis::Stream", &res.kinesis_streams),
                    ("AWS::Events::EventBus", &res.event_buses),
                    ("AWS::Backup::BackupVault", &res.backup_vaults),
                    ("AWS::CodeArtifact::Domain", &res.codeartifact_domains),
                    ("AWS::CodeArtifact::Repository", &res.codeartifact_repositories),
                    ("AWS::Logs::ResourcePolicy", &res.logs_resource_policies),
                    ("AWS::Logs::Destination", &res.logs_destinations),
                    ("AWS::SES::EmailIdentity", &res.email_identities),
                    ("AWS::Glue::DataCatalog", &res.data_catalogs),
                ];
                res.keys.iter().filter(|k| !k.aws_managed).for_each(|k| add(id, region, "AWS::KMS::Key", k.external, false));
                res.functions.iter().for_each(|f| add(id, region, "AWS::Lambda::Function", f.external, false));
                res.layers.iter().for_each(|l| add(id, region, "AWS::Lambda::LayerVersion", l.external, false));
                res.queues.iter().for_each(|q| add(id, region, "AWS::SQS::Queue", q.external, false));
                for (kind, list) in policies {
                    list.iter().for_each(|p| add(id, region, kind, p.external, false));
                }
                res.ebs_snapshots.iter().for_each(|s| add(id, region, "AWS::EC2::Snapshot", s.external, snapshots_blocked && public(s.external)));
                res.db_snapshots.iter().for_each(|s| add(id, region, "AWS::RDS::DBSnapshot", s.external, false));
                res.db_cluster_snapshots.iter().for_each(|s| add(id, region, "AWS::RDS::DBClusterSnapshot", s.external, false));
                res.glacier_vaults.iter().for_each(|v| add(id, region, "AWS::Glacier::Vault", v.external, false));
                // A VPC domain's and a private API's findings are not public, but findings still.
                res.opensearch_domains.iter().for_each(|d| add(id, region, "AWS::OpenSearchService::Domain", d.external, false));
                res.rest_apis.iter().for_each(|a| add(id, region, "AWS::ApiGateway::RestApi", a.external, false));
                res.images.iter().for_each(|i| add(id, region, "AWS::EC2::Image", i.external, false));
                // A directory bucket counts once, with its own outsider or its access point's
                // (cross-account: never taken away).
                for b in &res.directory_buckets {
                    let through_access_point = res.directory_access_points.iter().find(|p| p.bucket == b.name).and_then(|p| p.external);
                    match through_access_point {
                        Some(e) => add(id, region, "AWS::S3Express::DirectoryBucket", Some(e), false),
                        None => add(id, region, "AWS::S3Express::DirectoryBucket", b.external, public(b.external)),
                    }
                }
            }
        }
        out.into_iter()
            .map(|((account, region, resource_type), (resources, external, findings))| Tally {
                account,
                region,
                resource_type,
                resources,
                external,
                findings,
            })
            .collect()
    }

    /// The bucket of that name, with its account.
    pub fn bucket(&self, name: &str) -> Option<(&Account, &Bucket)> {
        // Names are `sim-<account>-<region>-<n>`: the account is found without a scan.
        let account = name.strip_prefix("sim-").and_then(|r| r.get(..12)).and_then(|id| self.account(id))?;
        account.buckets.iter().find(|b| b.name == name).map(|b| (account, b))
    }

    /// The directory bucket of that name, with its account and Region.
    pub fn directory_bucket(&self, name: &str) -> Option<(&Account, &str, &PolicyResource)> {
        // Names are `sim-<account>-<n>--<zone>--x-s3`.
        let account = name.strip_prefix("sim-").and_then(|r| r.get(..12)).and_then(|id| self.account(id))?;
        account
            .regions
            .iter()
            .find_map(|(region, r)| r.directory_buckets.iter().find(|b| b.name == name).map(|b| (account, region.as_str(), b)))
    }

    pub fn ou_arn(&self, ou: &str) -> String {
        format!("arn:aws:organizations::{MANAGEMENT_ACCOUNT}:ou/{ORG_ID}/{ou}")
    }

    pub fn account_arn(&self, id: &str) -> String {
        format!("arn:aws:organizations::{MANAGEMENT_ACCOUNT}:account/{ORG_ID}/{id}")
    }
}

impl Account {
    /// The regional resources of `region` (empty for a region the organization does not use).
    pub fn region(&self, region: &str) -> Option<&RegionResources> {
        self.regions.get(region)
    }
}

/// The generator's state: one RNG, drawn in a fixed order.
struct Generator<'a> {
    rng: &'a mut Rng,
    ids: &'a [String],
    external_rate: f64,
    external_grants: usize,
    resource_count: usize,
    /// Snapshots generated so far per type (EBS, DB, DB cluster): every 3rd is encrypted.
    snapshots: [usize; 3],
    /// `Bucket` slots so far in S3 Express Regions: one in [`DIRECTORY_BUCKET_SHARE`] makes a
    /// directory bucket.
    express_bucket_slots: usize,
    /// Directory buckets so far: every 2nd, from the first on, gets an access point.
    directory_buckets: usize,
    /// General purpose buckets so far: one in [`OAI_BUCKET_SHARE`] names the account's origin
    /// access identity.
    general_buckets: usize,
    /// Buckets with a cross-account outsider so far: every 2nd pins it to a VPC endpoint.
    cross_account_buckets: usize,
    /// Glacier vaults so far: every 2nd, from the first on, has a vault lock.
    glacier_vaults: usize,
    /// OpenSearch domains so far: every 2nd, from the 2nd on, is a VPC domain.
    opensearch_domains: usize,
    /// REST APIs so far: every 2nd, from the 2nd on, is private.
    rest_apis: usize,
    /// AMIs so far: the even ones are shared with the outsider, the odd ones with the organization.
    images: usize,
}

impl Generator<'_> {
    fn account(&mut self, id: &str, index: usize, parent: String, regions: &[String], per_region: usize, populated: Option<usize>) -> Account {
        let name = if index == 0 { "management".to_string() } else { format!("member-{index:05}") };
        let mut account = Account {
            id: id.to_string(),
            email: format!("{name}@sim.example.com"),
            name,
            parent,
            canonical_id: canonical_id(id),
            has_account_bpa: index.is_multiple_of(2),
            snapshot_bpa: snapshot_bpa(index),
            image_bpa: image_bpa(index),
            roles: Vec::new(),
            users: Vec::new(),
            buckets: Vec::new(),
            origin_access_identities: vec![origin_access_identity(id)],
            regions: BTreeMap::new(),
        };
        let oai = account.origin_access_identities[0].arn();
        for u in 0..2 {
            let uname = format!("sim-user-{u}");
            account.users.push(User { arn: format!("arn:aws:iam::{id}:user/{uname}"), name: uname, id: self.unique_id("AIDA") });
        }
        for (r, region) in regions.iter().enumerate() {
            let kinds: &[Kind] = if r == 0 { &FIRST_REGION_KINDS } else { &OTHER_REGION_KINDS };
            let mut res = RegionResources::default();
            res.vpcs.push(vpc(id, region, index));
            // A region enabled but not used: its default VPC only.
            if populated.is_some_and(|n| r >= n) {
                account.regions.insert(region.clone(), res);
                continue;
            }
            res.vpc_endpoints.push(VpcEndpoint {
                id: vpc_endpoint_id(id, region),
                vpc: vpc_id(id, region),
                service: format!("com.amazonaws.{region}.s3"),
                kind: "Gateway",
            });
            // One AWS-managed key per region (listed by ListKeys, skipped by the collector).
            let managed_id = self.uuid();
            res.keys.push(Key {
                arn: format!("arn:aws:kms:{region}:{id}:key/{managed_id}"),
                policy: policy(vec![json!({"Sid": "Allow access through the service", "Effect": "Allow",
                    "Principal": {"AWS": "*"}, "Action": ["kms:Encrypt", "kms:Decrypt"], "Resource": "*",
                    "Condition": {"StringEquals": {"kms:CallerAccount": id, "kms:ViaService": format!("s3.{region}.amazonaws.com")}}})]),
                id: managed_id,
                aws_managed: true,
                grant: None,
                external: None,
            });
            let mut buckets_here = 0usize;
            for slot in 0..per_region {
                let n = slot / kinds.len();
                match slot_kind(kinds, slot, index, per_region) {
                    Kind::Bucket => match self.directory_zone(region) {
                        Some(zone) => {
                            let (bucket, access_point) = self.directory_bucket(id, region, zone, res.directory_buckets.len());
                            res.directory_buckets.push(bucket);
                            res.directory_access_points.extend(access_point);
                        }
                        None => {
                            let bucket = self.bucket(id, region, n, &oai);
                            if buckets_here.is_multiple_of(10) {
                                res.access_points.push(access_point(id, region, &bucket.name, buckets_here / 10));
                            }
                            buckets_here += 1;
                            account.buckets.push(bucket);
                        }
                    },
                    Kind::Role => account.roles.push(self.role(id, n)),
                    Kind::Key => res.keys.push(self.key(id, region)),
                    Kind::Function => res.functions.push(self.function(id, region, n)),
                    Kind::Layer => res.layers.push(self.layer(id, region, n)),
                    Kind::Queue => res.queues.push(self.queue(id, region, n)),
                    Kind::Secret => res.secrets.push(self.secret(id, region, n)),
                    Kind::Topic => res.topics.push(self.topic(id, region, n)),
                    Kind::Repository => res.repositories.push(self.repository(id, region, n)),
                    Kind::FileSystem => res.file_systems.push(self.file_system(id, region)),
                    Kind::EbsSnapshot => {
                        let s = self.ebs_snapshot(id, region, &res.keys);
                        res.ebs_snapshots.push(s);
                    }
                    Kind::DbSnapshot => {
                        let s = self.db_snapshot(id, region, n, &res.keys);
                        res.db_snapshots.push(s);
                    }
                    Kind::DbClusterSnapshot => {
                        let s = self.db_cluster_snapshot(id, region, n, &res.keys);
                        res.db_cluster_snapshots.push(s);
                    }
                    Kind::Table => res.tables.push(self.table(id, region, format!("sim-table-{n}"))),
                    Kind::Stream => {
                        let table = self.table(id, region, format!("sim-streamtable-{n}"));
                        res.streams.push(self.stream(id, &table));
                        res.tables.push(table);
                        // The stream is a resource of its own, besides its table.
                        self.resource_count += 1;
                    }
                    Kind::KinesisStream => res.kinesis_streams.push(self.kinesis_stream(id, region, n)),
                    Kind::EventBus => res.event_buses.push(self.event_bus(id, region, n)),
                    Kind::BackupVault => res.backup_vaults.push(self.backup_vault(id, region, n)),
                    // A repository lives in a domain: whichever of the two slots comes first makes
                    // the domain `sim-domain-<n>` (the rotation's offset may put the repository
                    // first, or give an account the repository's slot alone).
                    Kind::CodeArtifactDomain => {
                        if !self.ensure_codeartifact_domain(&mut res, id, region, n) {
                            continue;
                        }
                    }
                    Kind::CodeArtifactRepository => {
                        if self.ensure_codeartifact_domain(&mut res, id, region, n) {
                            // The domain is a resource of its own, besides its repository.
                            self.resource_count += 1;
                        }
                        res.codeartifact_repositories.push(self.codeartifact_repository(id, region, n));
                    }
                    Kind::LogsResourcePolicy => res.logs_resource_policies.push(self.logs_resource_policy(id, region, n)),
                    Kind::LogsDestination => res.logs_destinations.push(self.logs_destination(id, region, n)),
                    Kind::EmailIdentity => res.email_identities.push(self.email_identity(id, region, n)),
                    Kind::GlacierVault => res.glacier_vaults.push(self.glacier_vault(id, region, n)),
                    Kind::OpenSearchDomain => res.opensearch_domains.push(self.opensearch_domain(id, region, n)),
                    Kind::RestApi => res.rest_apis.push(self.rest_api(id, region, n)),
                    Kind::DataCatalog => {
                        // One catalog per (account, region): a later slot makes nothing.
                        if !res.data_catalogs.is_empty() {
                            continue;
                        }
                        res.data_catalogs.push(self.data_catalog(id, region));
                    }
                    Kind::Image => res.images.push(self.image(region, n)),
                }
                self.resource_count += 1;
            }
            account.regions.insert(region.clone(), res);
        }
        account
    }

    /// Draws whether the resource gets an outsider's grant, and which.
    fn external(&mut self, public_allowed: bool) -> Option<External> {
        if self.rng.f64() >= self.external_rate {
            return None;
        }
        self.external_grants += 1;
        Some(if public_allowed && self.rng.bool() { External::Public } else { External::CrossAccount })
    }

    /// Another account of the organization (the same one when it is alone).
    fn other_account(&mut self, own: &str) -> String {
        if self.ids.len() < 2 {
            return own.to_string();
        }
        loop {
            let pick = &self.ids[self.rng.usize(..self.ids.len())];
            if pick != own {
                return pick.clone();
            }
        }
    }

    /// A statement that lets the organization in: another account, or anyone with the org's ID.
    fn internal(&mut self, own: &str, sid: &str, action: Value, resource: Option<&str>) -> Value {
        let mut st = if self.rng.bool() {
            let other = self.other_account(own);
            json!({"Sid": sid, "Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{other}:root")}, "Action": action})
        } else {
            json!({"Sid": sid, "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": action,
                "Condition": {"StringEquals": {"aws:PrincipalOrgID": ORG_ID}}})
        };
        if let (Some(r), Some(obj)) = (resource, st.as_object_mut()) {
            obj.insert("Resource".to_string(), json!(r));
        }
        st
    }

    /// A general purpose bucket; `oai` is the ARN of its account's origin access identity.
    fn bucket(&mut self, account: &str, region: &str, n: usize, oai: &str) -> Bucket {
        let name = format!("sim-{account}-{region}-{n}");
        let objects = format!("arn:aws:s3:::{name}/*");
        let mut statements = vec![self.internal(account, "OrgRead", json!("s3:GetObject"), Some(&objects))];
        if self.general_buckets % OAI_BUCKET_SHARE == 1 {
            statements.push(json!({"Sid": "CloudFrontRead", "Effect": "Allow", "Principal": {"AWS": oai},
                "Action": "s3:GetObject", "Resource": objects}));
        }
        self.general_buckets += 1;
        let external = self.external(true);
        if let Some(e) = external {
            let mut st = outsider(e, "External", json!("s3:GetObject"), Some(&objects));
            if e == External::CrossAccount {
                if let (1, Some(obj)) = (self.cross_account_buckets % 2, st.as_object_mut()) {
                    obj.insert("Condition".to_string(), json!({"StringEquals": {"aws:SourceVpce": vpc_endpoint_id(account, region)}}));
                }
                self.cross_account_buckets += 1;
            }
            statements.push(st);
        }
        let acl_public = external == Some(External::Public) && self.rng.bool();
        let bpa = match external {
            Some(External::Public) => if self.rng.bool() { None } else { Some(false) },
            _ => if self.rng.bool() { None } else { Some(true) },
        };
        let ownership = if acl_public {
            Some("ObjectWriter")
        } else {
            [None, Some("BucketOwnerEnforced"), Some("BucketOwnerPreferred")][self.rng.usize(..3)]
        };
        Bucket { name, region: region.to_string(), policy: policy(statements), acl_public, bpa, ownership, external }
    }

    fn role(&mut self, account: &str, n: usize) -> Role {
        let name = format!("sim-role-{n}");
        let mut statements = vec![self.internal(account, "OrgAssume", json!("sts:AssumeRole"), None)];
        let external = self.external(false);
        if let Some(e) = external {
            statements.push(outsider(e, "External", json!("sts:AssumeRole"), None));
        }
        Role { arn: format!("arn:aws:iam::{account}:role/{name}"), name, id: self.unique_id("AROA"), trust_policy: policy(statements), external }
    }

    fn key(&mut self, account: &str, region: &str) -> Key {
        let id = self.uuid();
        let root = json!({"Sid": "Enable IAM User Permissions", "Effect": "Allow",
            "Principal": {"AWS": format!("arn:aws:iam::{account}:root")}, "Action": "kms:*", "Resource": "*"});
        let mut statements = vec![root, self.internal(account, "OrgDecrypt", json!(["kms:Decrypt", "kms:DescribeKey"]), Some("*"))];
        let external = self.external(false);
        if let Some(e) = external {
            statements.push(outsider(e, "External", json!("kms:Decrypt"), Some("*")));
        }
        let grant = KeyGrant { id: format!("{:064x}", self.rng.u64(..) as u128 * 0x1_0000_0001), grantee: format!("arn:aws:iam::{account}:role/sim-role-0") };
        Key { arn: format!("arn:aws:kms:{region}:{account}:key/{id}"), id, policy: policy(statements), aws_managed: false, grant: Some(grant), external }
    }

    fn function(&mut self, account: &str, region: &str, n: usize) -> Function {
        let name = format!("sim-fn-{n}");
        let arn = format!("arn:aws:lambda:{region}:{account}:function:{name}");
        let mut statements = vec![self.internal(account, "OrgInvoke", json!("lambda:InvokeFunction"), Some(&arn))];
        let external = self.external(true);
        if let Some(e) = external {
            statements.push(outsider(e, "External", json!("lambda:InvokeFunction"), Some(&arn)));
        }
        let alias = if self.rng.usize(..3) == 0 {
            let alias_arn = format!("{arn}:live");
            let st = self.internal(account, "OrgInvokeLive", json!("lambda:InvokeFunction"), Some(&alias_arn));
            Some(Alias { name: "live".to_string(), policy: lambda_policy(vec![st]), url_id: self.lower_id(32) })
        } else {
            None
        };
        Function { name, arn, policy: lambda_policy(statements), alias, external }
    }

    fn layer(&mut self, account: &str, region: &str, n: usize) -> Layer {
        let name = format!("sim-layer-{n}");
        let version = 1 + self.rng.i64(0..3);
        let arn = format!("arn:aws:lambda:{region}:{account}:layer:{name}:{version}");
        let mut statements = vec![self.internal(account, "OrgUse", json!("lambda:GetLayerVersion"), Some(&arn))];
        let external = self.external(true);
        if let Some(e) = external {
            statements.push(outsider(e, "External", json!("lambda:GetLayerVersion"), Some(&arn)));
        }
        Layer { name, arn, version, policy: lambda_policy(statements), external }
    }

    fn queue(&mut self, account: &str, region: &str, n: usize) -> Queue {
        let name = format!("sim-queue-{n}");
        let arn = format!("arn:aws:sqs:{region}:{account}:{name}");
        let mut statements = vec![self.internal(account, "OrgSend", json!("sqs:SendMessage"), Some(&arn))];
        let external = self.external(true);
        if let Some(e) = external {
            statements.push(outsider(e, "External", json!("sqs:SendMessage"), Some(&arn)));
        }
        Queue { url: format!("https://sqs.{region}.amazonaws.com/{account}/{name}"), name, arn, policy: policy(statements), external }
    }

    /// A resource with one policy: the organization's statement, and the outsider's at the
    /// external rate (public allowed). `resource` is the statements' `Resource`, if any.
    fn policy_resource(&mut self, account: &str, name: String, arn: String, sid: &str, action: Value, resource: Option<&str>) -> PolicyResource {
        let mut statements = vec![self.internal(account, sid, action.clone(), resource)];
        let external = self.external(true);
        if let Some(e) = external {
            statements.push(outsider(e, "External", action, resource));
        }
        PolicyResource { name, arn, policy: Some(policy(statements)), external }
    }

    fn secret(&mut self, account: &str, region: &str, n: usize) -> PolicyResource {
        let name = format!("sim-secret-{n}");
        // Secrets Manager appends a hyphen and six random characters to the name in the ARN.
        let suffix: String = (0..6).map(|_| self.rng.alphanumeric()).collect();
        let arn = format!("arn:aws:secretsmanager:{region}:{account}:secret:{name}-{suffix}");
        self.policy_resource(account, name, arn.clone(), "OrgRead", json!("secretsmanager:GetSecretValue"), Some(&arn))
    }

    fn topic(&mut self, account: &str, region: &str, n: usize) -> PolicyResource {
        let name = format!("sim-topic-{n}");
        let arn = format!("arn:aws:sns:{region}:{account}:{name}");
        self.policy_resource(account, name, arn.clone(), "OrgPublish", json!("sns:Publish"), Some(&arn))
    }

    fn repository(&mut self, account: &str, region: &str, n: usize) -> PolicyResource {
        let name = format!("sim-repo-{n}");
        let arn = format!("arn:aws:ecr:{region}:{account}:repository/{name}");
        // ECR repository policies have no Resource element: the repository is implied.
        self.policy_resource(account, name, arn, "OrgPull", json!(["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]), None)
    }

    fn file_system(&mut self, account: &str, region: &str) -> PolicyResource {
        let hex: String = (0..17).map(|_| self.rng.digit(16)).collect();
        let id = format!("fs-{hex}");
        let arn = format!("arn:aws:elasticfilesystem:{region}:{account}:file-system/{id}");
        self.policy_resource(account, id, arn.clone(), "OrgMount", json!("elasticfilesystem:ClientMount"), Some(&arn))
    }

    fn table(&mut self, account: &str, region: &str, name: String) -> PolicyResource {
        let arn = format!("arn:aws:dynamodb:{region}:{account}:table/{name}");
        self.policy_resource(account, name, arn.clone(), "OrgRead", json!(["dynamodb:GetItem", "dynamodb:Query"]), Some(&arn))
    }

    /// The S3 Express zone of the next `Bucket` slot in `region`, when that slot makes a
    /// directory bucket (one in [`DIRECTORY_BUCKET_SHARE`] of the S3 Express Regions' slots).
    fn directory_zone(&mut self, region: &str) -> Option<&'static str> {
        let zone = s3_express_zone(region)?;
        let slot = self.express_bucket_slots;
        self.express_bucket_slots += 1;
        slot.is_multiple_of(DIRECTORY_BUCKET_SHARE).then_some(zone)
    }

    /// The `n`-th directory bucket of (account, region), in Availability Zone `zone`, with its
    /// access point when it gets one (every 2nd of the organization, from the first on): the
    /// bucket's policy then delegates to the owner's access points. Nothing about the access
    /// point is drawn from the RNG.
    fn directory_bucket(&mut self, account: &str, region: &str, zone: &str, n: usize) -> (PolicyResource, Option<DirectoryAccessPoint>) {
        let name = format!("sim-{account}-{n}--{zone}--x-s3");
        let arn = format!("arn:aws:s3express:{region}:{account}:bucket/{name}");
        let action = json!("s3express:CreateSession");
        // The draws of `policy_resource`, in its order.
        let mut statements = vec![self.internal(account, "OrgSession", action.clone(), Some(&arn))];
        let external = self.external(true);
        if let Some(e) = external {
            statements.push(outsider(e, "External", action.clone(), Some(&arn)));
        }
        let index = self.directory_buckets;
        self.directory_buckets += 1;
        let access_point = index.is_multiple_of(2).then(|| {
            statements.push(json!({"Sid": "DelegateToAccessPoints", "Effect": "Allow", "Principal": "*", "Action": action,
                "Resource": arn, "Condition": {"StringEquals": {"s3express:DataAccessPointAccount": account}}}));
            let ap = directory_access_point(account, region, zone, &name, n, index / 2);
            // One more resource with an outsider's grant, unless its own policy has one already.
            if ap.external.is_some() && external.is_none() {
                self.external_grants += 1;
            }
            ap
        });
        (PolicyResource { name, arn, policy: Some(policy(statements)), external }, access_point)
    }

    /// The stream of `table` (labelled [`STREAM_LABEL`]).
    fn stream(&mut self, account: &str, table: &PolicyResource) -> PolicyResource {
        let arn = format!("{}/stream/{STREAM_LABEL}", table.arn);
        let action = json!(["dynamodb:GetRecords", "dynamodb:GetShardIterator"]);
        self.policy_resource(account, table.name.clone(), arn.clone(), "OrgReadStream", action, Some(&arn))
    }

    fn kinesis_stream(&mut self, account: &str, region: &str, n: usize) -> PolicyResource {
        let name = format!("sim-stream-{n}");
        let arn = format!("arn:aws:kinesis:{region}:{account}:stream/{name}");
        self.policy_resource(account, name, arn.clone(), "OrgRead", json!("kinesis:GetRecords"), Some(&arn))
    }

    fn event_bus(&mut self, account: &str, region: &str, n: usize) -> PolicyResource {
        let name = format!("sim-bus-{n}");
        let arn = format!("arn:aws:events:{region}:{account}:event-bus/{name}");
        self.policy_resource(account, name, arn.clone(), "OrgPutEvents", json!("events:PutEvents"), Some(&arn))
    }

    fn backup_vault(&mut self, account: &str, region: &str, n: usize) -> PolicyResource {
        let name = format!("sim-backupvault-{n}");
        let arn = format!("arn:aws:backup:{region}:{account}:backup-vault:{name}");
        self.policy_resource(account, name, arn.clone(), "OrgCopyInto", json!("backup:CopyIntoBackupVault"), Some(&arn))
    }

    fn codeartifact_domain(&mut self, account: &str, region: &str, n: usize) -> PolicyResource {
        let name = format!("sim-domain-{n}");
        let arn = format!("arn:aws:codeartifact:{region}:{account}:domain/{name}");
        self.policy_resource(account, name, arn.clone(), "OrgToken", json!("codeartifact:GetAuthorizationToken"), Some(&arn))
    }

    /// Makes the domain `sim-domain-<n>` of the (account, region) unless it is there; whether
    /// it made it.
    fn ensure_codeartifact_domain(&mut self, res: &mut RegionResources, account: &str, region: &str, n: usize) -> bool {
        let name = format!("sim-domain-{n}");
        let absent = !res.codeartifact_domains.iter().any(|d| d.name == name);
        if absent {
            res.codeartifact_domains.push(self.codeartifact_domain(account, region, n));
        }
        absent
    }

    /// The `n`-th repository, in the domain `sim-domain-<n>` of its (account, region) (see
    /// [`Self::ensure_codeartifact_domain`]).
    fn codeartifact_repository(&mut self, account: &str, region: &str, n: usize) -> PolicyResource {
        let name = format!("sim-repository-{n}");
        let arn = format!("arn:aws:codeartifact:{region}:{account}:repository/sim-domain-{n}/{name}");
        self.policy_resource(account, name, arn.clone(), "OrgReadRepository", json!("codeartifact:ReadFromRepository"), Some(&arn))
    }

    /// An account-level resource policy, over every log group of the (account, region).
    fn logs_resource_policy(&mut self, account: &str, region: &str, n: usize) -> PolicyResource {
        let name = format!("sim-logs-policy-{n}");
        let arn = format!("arn:aws:logs:{region}:{account}:resource-policy:{name}");
        let groups = format!("arn:aws:logs:{region}:{account}:log-group:*");
        self.policy_resource(account, name, arn, "OrgPutLogEvents", json!("logs:PutLogEvents"), Some(&groups))
    }

    fn logs_destination(&mut self, account: &str, region: &str, n: usize) -> PolicyResource {
        let name = format!("sim-destination-{n}");
        let arn = format!("arn:aws:logs:{region}:{account}:destination:{name}");
        self.policy_resource(account, name, arn.clone(), "OrgSubscribe", json!("logs:PutSubscriptionFilter"), Some(&arn))
    }

    fn email_identity(&mut self, account: &str, region: &str, n: usize) -> PolicyResource {
        let name = format!("sim-identity-{n}.example.com");
        let arn = format!("arn:aws:ses:{region}:{account}:identity/{name}");
        self.policy_resource(account, name, arn.clone(), "OrgSend", json!("ses:SendEmail"), Some(&arn))
    }

    /// A vault with its access policy (the draws of `policy_resource`) and, for every 2nd of the
    /// organization from the first, a vault lock (no draw).
    fn glacier_vault(&mut self, account: &str, region: &str, n: usize) -> GlacierVault {
        let name = format!("sim-vault-{n}");
        let arn = format!("arn:aws:glacier:{region}:{account}:vaults/{name}");
        let action = json!(["glacier:InitiateJob", "glacier:GetJobOutput"]);
        let p = self.policy_resource(account, name, arn.clone(), "OrgRetrieve", action, Some(&arn));
        let k = self.glacier_vaults;
        self.glacier_vaults += 1;
        let lock = k.is_multiple_of(2).then(|| VaultLock {
            policy: policy(vec![json!({"Sid": "DenyDeleteYoungArchives", "Effect": "Deny", "Principal": "*",
                "Action": "glacier:DeleteArchive", "Resource": arn,
                "Condition": {"NumericLessThan": {"glacier:ArchiveAgeInDays": "365"}}})]),
            state: if k.is_multiple_of(4) { "Locked" } else { "InProgress" },
        });
        GlacierVault { name: p.name, arn: p.arn, policy: p.policy, lock, external: p.external }
    }

    /// A domain whose policy grants `es:ESHttpGet` on its paths; every 2nd of the organization,
    /// from the 2nd on, has VPC access (no draw).
    fn opensearch_domain(&mut self, account: &str, region: &str, n: usize) -> OpenSearchDomain {
        let name = format!("sim-search-{n}");
        let arn = format!("arn:aws:es:{region}:{account}:domain/{name}");
        let paths = format!("{arn}/*");
        let p = self.policy_resource(account, name, arn, "OrgSearch", json!("es:ESHttpGet"), Some(&paths));
        let k = self.opensearch_domains;
        self.opensearch_domains += 1;
        let vpc = (k % 2 == 1).then(|| vpc_id(account, region));
        OpenSearchDomain { name: p.name, arn: p.arn, policy: p.policy, vpc, external: p.external }
    }

    /// A REST API (its ID drawn first); every 2nd of the organization, from the 2nd on, is
    /// `PRIVATE`, the others alternate `REGIONAL` and `EDGE` (no draw).
    fn rest_api(&mut self, account: &str, region: &str, n: usize) -> RestApi {
        let id = self.lower_id(10);
        let name = format!("sim-api-{n}");
        let arn = format!("arn:aws:apigateway:{region}::/restapis/{id}");
        let invoke = format!("arn:aws:execute-api:{region}:{account}:{id}/*");
        let p = self.policy_resource(account, name, arn, "OrgInvoke", json!("execute-api:Invoke"), Some(&invoke));
        let k = self.rest_apis;
        self.rest_apis += 1;
        let endpoint_type = match k % 4 {
            0 => "REGIONAL",
            2 => "EDGE",
            _ => "PRIVATE",
        };
        RestApi { id, name: p.name, arn: p.arn, policy: p.policy, endpoint_type, external: p.external }
    }

    /// The (account, region)'s Data Catalog (its name is the catalog ID, the account ID).
    fn data_catalog(&mut self, account: &str, region: &str) -> PolicyResource {
        let arn = format!("arn:aws:glue:{region}:{account}:catalog");
        let tables = format!("arn:aws:glue:{region}:{account}:table/*/*");
        self.policy_resource(account, account.to_string(), arn, "OrgReadCatalog", json!("glue:GetTable"), Some(&tables))
    }

    /// An AMI (its ID drawn), shared with the outsider (the organization's even images) or with
    /// the organization (odd ones), not at the external rate.
    fn image(&mut self, region: &str, n: usize) -> Image {
        let id = format!("ami-{}", self.hex(17));
        let k = self.images;
        self.images += 1;
        let (launch_permissions, external) = if k.is_multiple_of(2) {
            self.external_grants += 1;
            (vec![LaunchPermission::UserId(EXTERNAL_ACCOUNT.to_string())], Some(External::CrossAccount))
        } else {
            (vec![LaunchPermission::OrganizationArn(organization_arn())], None)
        };
        Image { arn: format!("arn:aws:ec2:{region}::image/{id}"), id, name: format!("sim-image-{n}"), launch_permissions, external }
    }

    /// Another member account (not the management account), for the organization's share of a
    /// snapshot; the management account when there is no other member.
    fn other_member(&mut self, own: &str) -> String {
        let members = self.ids.get(1..).unwrap_or_default();
        if members.iter().all(|m| m == own) {
            return self.other_account(own);
        }
        loop {
            let pick = &members[self.rng.usize(..members.len())];
            if pick != own {
                return pick.clone();
            }
        }
    }

    /// The key of the next snapshot of type `kind` (0 EBS, 1 DB, 2 DB cluster): every 3rd is
    /// encrypted, with the (account, region)'s first customer key (the rotation makes a key
    /// before any snapshot; a fresh key ARN otherwise).
    fn snapshot_key(&mut self, kind: usize, account: &str, region: &str, keys: &[Key]) -> Option<String> {
        self.snapshots[kind] += 1;
        if !self.snapshots[kind].is_multiple_of(3) {
            return None;
        }
        Some(match keys.iter().find(|k| !k.aws_managed) {
            Some(k) => k.arn.clone(),
            None => format!("arn:aws:kms:{region}:{account}:key/{}", self.uuid()),
        })
    }

    /// A snapshot shared with another member account and, at the external rate, with the
    /// outsider or `all` (`public_allowed`).
    fn snapshot(&mut self, account: &str, id: String, arn: String, source: String, kms_key: Option<String>, public_allowed: bool) -> Snapshot {
        let mut shared_with = vec![self.other_member(account)];
        let external = self.external(public_allowed);
        match external {
            Some(External::Public) => shared_with.push("all".to_string()),
            Some(External::CrossAccount) => shared_with.push(EXTERNAL_ACCOUNT.to_string()),
            None => {}
        }
        Snapshot { id, arn, source, kms_key, shared_with, external }
    }

    fn ebs_snapshot(&mut self, account: &str, region: &str, keys: &[Key]) -> Snapshot {
        let id = format!("snap-{}", self.hex(17));
        let volume = format!("vol-{}", self.hex(17));
        let kms_key = self.snapshot_key(0, account, region, keys);
        let arn = format!("arn:aws:ec2:{region}:{account}:snapshot/{id}");
        self.snapshot(account, id, arn, volume, kms_key, true)
    }

    fn db_snapshot(&mut self, account: &str, region: &str, n: usize, keys: &[Key]) -> Snapshot {
        let id = format!("sim-dbsnap-{n}");
        let kms_key = self.snapshot_key(1, account, region, keys);
        let arn = format!("arn:aws:rds:{region}:{account}:snapshot:{id}");
        // RDS refuses to share an encrypted snapshot publicly.
        let public_allowed = kms_key.is_none();
        self.snapshot(account, id, arn, format!("sim-db-{n}"), kms_key, public_allowed)
    }

    fn db_cluster_snapshot(&mut self, account: &str, region: &str, n: usize, keys: &[Key]) -> Snapshot {
        let id = format!("sim-clustersnap-{n}");
        let kms_key = self.snapshot_key(2, account, region, keys);
        let arn = format!("arn:aws:rds:{region}:{account}:cluster-snapshot:{id}");
        let public_allowed = kms_key.is_none();
        self.snapshot(account, id, arn, format!("sim-cluster-{n}"), kms_key, public_allowed)
    }

    /// `len` lower-case hex digits.
    fn hex(&mut self, len: usize) -> String {
        (0..len).map(|_| self.rng.digit(16)).collect()
    }

    fn uuid(&mut self) -> String {
        let a = self.rng.u64(..);
        let b = self.rng.u64(..);
        format!(
            "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xffff,
            a & 0xfff,
            0x8000 | ((b >> 48) & 0x3fff),
            b & 0xffff_ffff_ffff
        )
    }

    /// An IAM unique ID: the prefix and 17 upper-case letters and digits.
    fn unique_id(&mut self, prefix: &str) -> String {
        let chars: String = (0..17).map(|_| if self.rng.bool() { self.rng.uppercase() } else { self.rng.digit(10) }).collect();
        format!("{prefix}{chars}")
    }

    fn lower_id(&mut self, len: usize) -> String {
        (0..len).map(|_| if self.rng.bool() { self.rng.lowercase() } else { self.rng.digit(10) }).collect()
    }
}

/// EC2's snapshot Block Public Access state of the account of that index (0 = management):
/// members 4, 8, … `block-all-sharing`, members 1, 5, 9, … `block-new-sharing`, the rest (and the
/// management account) `unblocked`.
pub fn snapshot_bpa(index: usize) -> &'static str {
    match (index, index % 4) {
        (0, _) => "unblocked",
        (_, 0) => "block-all-sharing",
        (_, 1) => "block-new-sharing",
        _ => "unblocked",
    }
}

/// EC2's image Block Public Access state of the account of that index (0 = management):
/// `block-new-sharing` for the members of odd index, `unblocked` for the others.
pub fn image_bpa(index: usize) -> &'static str {
    if index % 2 == 1 { "block-new-sharing" } else { "unblocked" }
}

/// The ARN of the simulated organization (`organizationArn` of AMI launch permissions).
pub fn organization_arn() -> String {
    format!("arn:aws:organizations::{MANAGEMENT_ACCOUNT}:organization/{ORG_ID}")
}

/// The domain of a CodeArtifact repository, from its ARN (`…:repository/<domain>/<name>`).
pub fn codeartifact_domain(arn: &str) -> &str {
    arn.split_once(":repository/").and_then(|(_, rest)| rest.split('/').next()).unwrap_or_default()
}

/// The S3 Express One Zone Availability Zone of `region` ([`S3_EXPRESS_ZONES`]), if it offers it.
pub fn s3_express_zone(region: &str) -> Option<&'static str> {
    S3_EXPRESS_ZONES.iter().find(|(r, _)| *r == region).map(|(_, zone)| *zone)
}

/// `len` lower-case hex digits derived from the text.
pub fn derived_hex(text: &str, len: usize) -> String {
    canonical_id(text).chars().take(len).collect()
}

/// The ID of the VPC of (account, region): `vpc-<17 hex>`.
pub fn vpc_id(account: &str, region: &str) -> String {
    format!("vpc-{}", derived_hex(&format!("vpc {account} {region}"), 17))
}

/// The ID of the VPC endpoint of (account, region): `vpce-<17 hex>`.
pub fn vpc_endpoint_id(account: &str, region: &str) -> String {
    format!("vpce-{}", derived_hex(&format!("vpce {account} {region}"), 17))
}

/// The VPC of (account, region): the default VPC in accounts of even index, another otherwise.
fn vpc(account: &str, region: &str, index: usize) -> Vpc {
    let id = vpc_id(account, region);
    if index.is_multiple_of(2) {
        return Vpc { id, cidr: "172.31.0.0/16".to_string(), is_default: true };
    }
    let second = fnv1a(&[b"cidr", account.as_bytes(), region.as_bytes()]) % 256;
    Vpc { id, cidr: format!("10.{second}.0.0/16"), is_default: false }
}

/// The origin access identity of an account: `E` and 13 upper-case letters and digits.
pub fn origin_access_identity(account: &str) -> OriginAccessIdentity {
    const ALPHABET: &[u8; 36] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    let chars: String = (0u8..13)
        .map(|i| {
            let h = fnv1a(&[b"oai", account.as_bytes(), &[i]]);
            char::from(ALPHABET[(h % 36) as usize])
        })
        .collect();
    OriginAccessIdentity {
        id: format!("E{chars}"),
        canonical_id: canonical_id(&format!("oai {account}")),
        comment: format!("sim origin access identity of {account}"),
    }
}

/// The outsider's statement.
fn outsider(e: External, sid: &str, action: Value, resource: Option<&str>) -> Value {
    let principal = match e {
        External::CrossAccount => json!({"AWS": format!("arn:aws:iam::{EXTERNAL_ACCOUNT}:root")}),
        External::Public => json!("*"),
    };
    let mut st = json!({"Sid": sid, "Effect": "Allow", "Principal": principal, "Action": action});
    if let (Some(r), Some(obj)) = (resource, st.as_object_mut()) {
        obj.insert("Resource".to_string(), json!(r));
    }
    st
}

fn access_point(account: &str, region: &str, bucket: &str, n: usize) -> AccessPoint {
    let name = format!("sim-ap-{n}");
    let arn = format!("arn:aws:s3:{region}:{account}:accesspoint/{name}");
    let policy = policy(vec![json!({"Sid": "OwnerRead", "Effect": "Allow",
        "Principal": {"AWS": format!("arn:aws:iam::{account}:root")}, "Action": "s3:GetObject",
        "Resource": format!("{arn}/object/*")})]);
    AccessPoint { alias: format!("{name}-{}-s3alias", &canonical_id(&arn)[..26]), name, bucket: bucket.to_string(), arn, policy }
}

/// The `k`-th directory-bucket access point of the organization, of the `n`-th directory bucket
/// `bucket` of (account, region): network origin `Internet` for k even, `VPC` for k odd; an
/// outsider's grant for k mod 4 of 0 or 1, the organization's for 2 or 3.
fn directory_access_point(account: &str, region: &str, zone: &str, bucket: &str, n: usize, k: usize) -> DirectoryAccessPoint {
    let name = format!("sim-dap-{n}--{zone}--xa-s3");
    let arn = format!("arn:aws:s3express:{region}:{account}:accesspoint/{name}");
    let action = json!("s3express:CreateSession");
    let (statement, external) = if k % 4 < 2 {
        (outsider(External::CrossAccount, "External", action, Some(&arn)), Some(External::CrossAccount))
    } else {
        let st = json!({"Sid": "OrgSession", "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": action, "Resource": arn,
            "Condition": {"StringEquals": {"aws:PrincipalOrgID": ORG_ID}}});
        (st, None)
    };
    let vpc = (k % 2 == 1).then(|| vpc_id(account, region));
    DirectoryAccessPoint { name, bucket: bucket.to_string(), arn, vpc, policy: Some(policy(vec![statement])), external }
}

/// A policy document with the usual version.
fn policy(statements: Vec<Value>) -> String {
    json!({"Version": "2012-10-17", "Statement": statements}).to_string()
}

/// A Lambda resource policy as GetPolicy returns it (`Id: default`).
fn lambda_policy(statements: Vec<Value>) -> String {
    json!({"Version": "2012-10-17", "Id": "default", "Statement": statements}).to_string()
}

/// 64 hex characters derived from the text (FNV-1a with four salts): stable across runs.
pub fn canonical_id(text: &str) -> String {
    (0u8..4).map(|salt| format!("{:016x}", fnv1a(&[&[salt], text.as_bytes()]))).collect()
}

/// FNV-1a over byte slices: a stable hash (unlike `std`'s, which may change between releases).
pub fn fnv1a(parts: &[&[u8]]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for b in *part {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        h ^= 0xff;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    #[test]
    fn every_kind_is_spread_over_the_accounts_when_regions_hold_fewer_slots_than_kinds() {
        for kinds in [&FIRST_REGION_KINDS[..], &OTHER_REGION_KINDS[..]] {
            let per_region = 20;
            let mut seen: Vec<Kind> = Vec::new();
            for account in 0..3 {
                let here: Vec<Kind> = (0..per_region).map(|slot| slot_kind(kinds, slot, account, per_region)).collect();
                // Within one account and region, no kind twice in one round of the rotation.
                for (i, k) in here.iter().enumerate() {
                    assert!(!here[..i].contains(k), "{k:?} twice in account {account}");
                }
                seen.extend(here);
            }
            assert!(kinds.iter().all(|k| seen.contains(k)), "every kind in three accounts of {per_region} slots");
            // The first account keeps the plain rotation.
            assert!((0..per_region).all(|slot| slot_kind(kinds, slot, 0, per_region) == kinds[slot]));
        }
    }

    fn config(accounts: usize, seed: u64, rate: f64) -> SimConfig {
        SimConfig { accounts, seed, external_grant_rate: rate, resources_per_account_region: 12, ..SimConfig::default() }
    }

    /// The added kinds whose records are `PolicyResource`s, with their type names.
    fn policy_kinds(r: &RegionResources) -> [(&'static str, &Vec<PolicyResource>); 9] {
        [
            ("AWS::Kinesis::Stream", &r.kinesis_streams),
            ("AWS::Events::EventBus", &r.event_buses),
            ("AWS::Backup::BackupVault", &r.backup_vaults),
            ("AWS::CodeArtifact::Domain", &r.codeartifact_domains),
            ("AWS::CodeArtifact::Repository", &r.codeartifact_repositories),
            ("AWS::Logs::ResourcePolicy", &r.logs_resource_policies),
            ("AWS::Logs::Destination", &r.logs_destinations),
            ("AWS::SES::EmailIdentity", &r.email_identities),
            ("AWS::Glue::DataCatalog", &r.data_catalogs),
        ]
    }

    /// The statements of a policy document.
    fn statements_of(doc: Option<&str>) -> Vec<Value> {
        let doc: Value = serde_json::from_str(doc.expect("policy")).expect("policy JSON");
        assert_eq!(doc["Version"], "2012-10-17");
        doc["Statement"].as_array().expect("statements").clone()
    }

    /// The organization's statement (first, with `sid`) and the outsider's (`External`, second, when
    /// `external`), each with `action` on `resource`.
    fn assert_policy(doc: Option<&str>, sid: &str, action: &Value, resource: &str, external: Option<External>, what: &str) {
        let statements = statements_of(doc);
        assert_eq!(statements.len(), 1 + usize::from(external.is_some()), "{what}: {statements:?}");
        for st in &statements {
            assert_eq!((&st["Effect"], &st["Action"], &st["Resource"]), (&json!("Allow"), action, &json!(resource)), "{what}: {st}");
        }
        let org = &statements[0];
        assert_eq!(org["Sid"], sid, "{what}");
        let other_account = org["Principal"]["AWS"].as_str().is_some_and(|p| p.starts_with("arn:aws:iam::1000000000") && p.ends_with(":root"));
        let org_id = org["Principal"] == json!({"AWS": "*"}) && org["Condition"]["StringEquals"]["aws:PrincipalOrgID"] == ORG_ID;
        assert!(other_account || org_id, "{what}: {org}");
        if let Some(e) = external {
            let principal = match e {
                External::CrossAccount => json!({"AWS": format!("arn:aws:iam::{EXTERNAL_ACCOUNT}:root")}),
                External::Public => json!("*"),
            };
            assert_eq!((&statements[1]["Sid"], &statements[1]["Principal"]), (&json!("External"), &principal), "{what}");
            assert!(statements[1].get("Condition").is_none(), "{what}");
        }
    }

    #[test]
    fn added_kinds_sit_at_the_end_of_the_rotation_with_their_arns_and_policies() {
        // 56 slots: two turns of the first region's 28 kinds, two of the others' 27 and 2 more.
        let org = Org::generate(&SimConfig { resources_per_account_region: 56, ..config(6, 3, 0.5) });
        for a in &org.accounts {
            let id = a.id.as_str();
            for (region, r) in &a.regions {
                for (kind, list) in policy_kinds(r) {
                    let want = if kind == "AWS::Glue::DataCatalog" { 1 } else { 2 };
                    assert_eq!(list.len(), want, "{kind} in {id} {region}");
                }
                let others = (r.glacier_vaults.len(), r.opensearch_domains.len(), r.rest_apis.len(), r.images.len());
                assert_eq!(others, (2, 2, 2, 2), "{id} {region}");
                for (n, s) in r.kinesis_streams.iter().enumerate() {
                    assert_eq!((s.name.clone(), s.arn.clone()), (format!("sim-stream-{n}"), format!("arn:aws:kinesis:{region}:{id}:stream/sim-stream-{n}")));
                    assert_policy(s.policy.as_deref(), "OrgRead", &json!("kinesis:GetRecords"), &s.arn, s.external, &s.arn);
                }
                for (n, b) in r.event_buses.iter().enumerate() {
                    assert_eq!(b.arn, format!("arn:aws:events:{region}:{id}:event-bus/sim-bus-{n}"));
                    assert_policy(b.policy.as_deref(), "OrgPutEvents", &json!("events:PutEvents"), &b.arn, b.external, &b.arn);
                }
                for (n, v) in r.backup_vaults.iter().enumerate() {
                    assert_eq!(v.arn, format!("arn:aws:backup:{region}:{id}:backup-vault:sim-backupvault-{n}"));
                    assert_policy(v.policy.as_deref(), "OrgCopyInto", &json!("backup:CopyIntoBackupVault"), &v.arn, v.external, &v.arn);
                }
                for (n, d) in r.codeartifact_domains.iter().enumerate() {
                    assert_eq!(d.arn, format!("arn:aws:codeartifact:{region}:{id}:domain/sim-domain-{n}"));
                    let action = json!("codeartifact:GetAuthorizationToken");
                    assert_policy(d.policy.as_deref(), "OrgToken", &action, &d.arn, d.external, &d.arn);
                }
                for (n, p) in r.codeartifact_repositories.iter().enumerate() {
                    assert_eq!(p.arn, format!("arn:aws:codeartifact:{region}:{id}:repository/sim-domain-{n}/sim-repository-{n}"));
                    assert_eq!(p.name, format!("sim-repository-{n}"));
                    let domain = codeartifact_domain(&p.arn);
                    assert!(r.codeartifact_domains.iter().any(|d| d.name == domain), "{} has its domain here", p.arn);
                    let action = json!("codeartifact:ReadFromRepository");
                    assert_policy(p.policy.as_deref(), "OrgReadRepository", &action, &p.arn, p.external, &p.arn);
                }
                for (n, p) in r.logs_resource_policies.iter().enumerate() {
                    assert_eq!(p.arn, format!("arn:aws:logs:{region}:{id}:resource-policy:sim-logs-policy-{n}"));
                    let groups = format!("arn:aws:logs:{region}:{id}:log-group:*");
                    assert_policy(p.policy.as_deref(), "OrgPutLogEvents", &json!("logs:PutLogEvents"), &groups, p.external, &p.arn);
                }
                for (n, d) in r.logs_destinations.iter().enumerate() {
                    assert_eq!(d.arn, format!("arn:aws:logs:{region}:{id}:destination:sim-destination-{n}"));
                    let action = json!("logs:PutSubscriptionFilter");
                    assert_policy(d.policy.as_deref(), "OrgSubscribe", &action, &d.arn, d.external, &d.arn);
                }
                for (n, i) in r.email_identities.iter().enumerate() {
                    assert_eq!(i.arn, format!("arn:aws:ses:{region}:{id}:identity/sim-identity-{n}.example.com"));
                    assert_policy(i.policy.as_deref(), "OrgSend", &json!("ses:SendEmail"), &i.arn, i.external, &i.arn);
                }
                for (n, v) in r.glacier_vaults.iter().enumerate() {
                    assert_eq!(v.arn, format!("arn:aws:glacier:{region}:{id}:vaults/sim-vault-{n}"));
                    let action = json!(["glacier:InitiateJob", "glacier:GetJobOutput"]);
                    assert_policy(v.policy.as_deref(), "OrgRetrieve", &action, &v.arn, v.external, &v.arn);
                }
                for (n, d) in r.opensearch_domains.iter().enumerate() {
                    assert_eq!(d.arn, format!("arn:aws:es:{region}:{id}:domain/sim-search-{n}"));
                    assert_policy(d.policy.as_deref(), "OrgSearch", &json!("es:ESHttpGet"), &format!("{}/*", d.arn), d.external, &d.arn);
                }
                for (n, api) in r.rest_apis.iter().enumerate() {
                    assert!(api.id.len() == 10 && api.id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()), "{}", api.id);
                    assert_eq!((api.name.clone(), api.arn.clone()), (format!("sim-api-{n}"), format!("arn:aws:apigateway:{region}::/restapis/{}", api.id)));
                    let invoke = format!("arn:aws:execute-api:{region}:{id}:{}/*", api.id);
                    assert_policy(api.policy.as_deref(), "OrgInvoke", &json!("execute-api:Invoke"), &invoke, api.external, &api.arn);
                }
                let [catalog] = r.data_catalogs.as_slice() else { panic!("one catalog") };
                assert_eq!((catalog.name.as_str(), catalog.arn.clone()), (id, format!("arn:aws:glue:{region}:{id}:catalog")));
                let tables = format!("arn:aws:glue:{region}:{id}:table/*/*");
                assert_policy(catalog.policy.as_deref(), "OrgReadCatalog", &json!("glue:GetTable"), &tables, catalog.external, &catalog.arn);
                for (n, i) in r.images.iter().enumerate() {
                    let hex = i.id.strip_prefix("ami-").expect("ami-");
                    assert!(hex.len() == 17 && hex.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()), "{}", i.id);
                    assert_eq!((i.name.clone(), i.arn.clone()), (format!("sim-image-{n}"), format!("arn:aws:ec2:{region}::image/{}", i.id)));
                }
            }
        }
        // Two Stream slots add a resource each, the second DataCatalog slot none.
        assert_eq!(org.resource_count(), 6 * 2 * (56 + 2 - 1));
        let tally = org.tally();
        assert_eq!(tally.iter().map(|t| t.resources).sum::<usize>(), org.resource_count());
        assert_eq!(tally.iter().map(|t| t.external).sum::<usize>(), org.external_grants());
        let types: BTreeSet<&str> = tally.iter().map(|t| t.resource_type).collect();
        assert_eq!(types.len(), 29, "{types:?}");
        let added = ["AWS::Kinesis::Stream", "AWS::Events::EventBus", "AWS::Backup::BackupVault", "AWS::CodeArtifact::Domain",
            "AWS::CodeArtifact::Repository", "AWS::Logs::ResourcePolicy", "AWS::Logs::Destination", "AWS::SES::EmailIdentity",
            "AWS::Glacier::Vault", "AWS::OpenSearchService::Domain", "AWS::ApiGateway::RestApi", "AWS::Glue::DataCatalog", "AWS::EC2::Image"];
        for kind in added {
            let rows: Vec<&Tally> = tally.iter().filter(|t| t.resource_type == kind).collect();
            assert_eq!(rows.len(), 6 * 2, "{kind}: one row per (account, region)");
            let want = if kind == "AWS::Glue::DataCatalog" { 1 } else { 2 };
            assert!(rows.iter().all(|t| t.resources == want && t.findings == t.external), "{kind}: {rows:?}");
        }
        // 12 slots never reach them: the default organization is what it was.
        let small = Org::generate(&SimConfig::default());
        assert!(small.tally().iter().all(|t| !added.contains(&t.resource_type)));
        assert_eq!(small.resource_count(), 10 * 2 * 12);
    }

    #[test]
    fn added_kinds_alternate_over_the_organization_without_drawing() {
        // Regions without S3 Express (whose access points grant outsiders at rate 0 too).
        let regions = ["ap-southeast-2", "sa-east-1"].map(str::to_string).to_vec();
        let c = SimConfig { regions, resources_per_account_region: 84, ..config(5, 8, 0.0) };
        let org = Org::generate(&c);
        let in_order = |f: fn(&RegionResources) -> usize| -> Vec<(usize, &Account, &str, &RegionResources)> {
            org.accounts
                .iter()
                .flat_map(|a| c.regions.iter().map(move |region| (a, region.as_str(), a.region(region).expect("region"))))
                .flat_map(|(a, region, r)| (0..f(r)).map(move |i| (i, a, region, r)))
                .collect()
        };
        // Glacier: a lock on every 2nd vault from the first, Locked and InProgress in turn; Deny only.
        let vaults = in_order(|r| r.glacier_vaults.len());
        assert_eq!(vaults.len(), 5 * 2 * 3);
        for (k, (i, _, _, r)) in vaults.iter().enumerate() {
            let v = &r.glacier_vaults[*i];
            assert_eq!(v.lock.as_ref().map(|l| l.state), match k % 4 { 0 => Some("Locked"), 2 => Some("InProgress"), _ => None }, "{}", v.arn);
            if let Some(lock) = &v.lock {
                let statements = statements_of(Some(&lock.policy));
                assert!(statements.iter().all(|st| st["Effect"] == "Deny" && st["Resource"] == v.arn.as_str()), "{statements:?}");
            }
        }
        // OpenSearch: every 2nd domain from the 2nd in its (account, region)'s VPC.
        for (k, (i, a, region, r)) in in_order(|r| r.opensearch_domains.len()).iter().enumerate() {
            let d = &r.opensearch_domains[*i];
            assert_eq!(d.vpc, (k % 2 == 1).then(|| vpc_id(&a.id, region)), "{}", d.arn);
            assert_eq!(d.vpc.as_deref(), d.vpc.as_ref().map(|_| r.vpcs[0].id.as_str()));
        }
        // REST APIs: REGIONAL, PRIVATE, EDGE, PRIVATE.
        let apis = in_order(|r| r.rest_apis.len());
        let types: Vec<&str> = apis.iter().map(|(i, _, _, r)| r.rest_apis[*i].endpoint_type).collect();
        assert_eq!(types[..4], ["REGIONAL", "PRIVATE", "EDGE", "PRIVATE"]);
        assert_eq!(types.iter().filter(|t| **t == "PRIVATE").count(), apis.len() / 2);
        // AMIs: the outsider's, then the organization's.
        let images = in_order(|r| r.images.len());
        for (k, (i, _, _, r)) in images.iter().enumerate() {
            let image = &r.images[*i];
            if k % 2 == 0 {
                assert_eq!((image.launch_permissions.clone(), image.external), (vec![LaunchPermission::UserId(EXTERNAL_ACCOUNT.to_string())], Some(External::CrossAccount)));
            } else {
                assert_eq!((image.launch_permissions.clone(), image.external), (vec![LaunchPermission::OrganizationArn(organization_arn())], None));
            }
        }
        assert_eq!(organization_arn(), "arn:aws:organizations::100000000000:organization/o-sim0000001");
        // At rate 0 the AMIs are the only outsiders.
        assert_eq!(org.external_grants(), images.len().div_ceil(2));
        let images_tally: usize = org.tally().iter().filter(|t| t.resource_type == "AWS::EC2::Image").map(|t| t.findings).sum();
        assert_eq!(images_tally, images.len().div_ceil(2));
        let states: Vec<&str> = org.accounts.iter().map(|a| a.image_bpa).collect();
        assert_eq!(states, ["unblocked", "block-new-sharing", "unblocked", "block-new-sharing", "unblocked"]);
        assert_eq!(Org::generate(&c), org, "deterministic");
    }

    #[test]
    fn same_seed_same_organization() {
        let a = Org::generate(&config(25, 7, 0.2));
        let b = Org::generate(&config(25, 7, 0.2));
        assert_eq!(a, b);
        let c = Org::generate(&config(25, 8, 0.2));
        assert_ne!(a, c, "another seed gives another organization");
    }

    /// Regions past `populated_regions` are enabled but unused: their default VPC only.
    #[test]
    fn unpopulated_regions_hold_only_their_default_vpc() {
        let c = SimConfig { populated_regions: Some(1), ..config(4, 1, 0.1) };
        let org = Org::generate(&c);
        assert_eq!(org.resource_count(), 4 * 12, "12 slots in the first region only");
        for a in &org.accounts {
            let second = a.region("eu-west-1").expect("enabled");
            assert_eq!(second.vpcs.len(), 1);
            assert!(second.keys.is_empty() && second.queues.is_empty() && second.vpc_endpoints.is_empty(), "{second:?}");
        }
    }

    #[test]
    fn shape_of_the_organization() {
        let org = Org::generate(&config(250, 1, 0.1));
        assert_eq!(org.accounts.len(), 250);
        assert_eq!(org.accounts[0].id, MANAGEMENT_ACCOUNT);
        assert_eq!(org.accounts[1].id, "100000000001");
        assert_eq!(org.ous.len(), 3, "249 members, 100 per OU");
        assert_eq!(org.accounts[0].parent, ROOT_ID);
        assert_eq!(org.accounts[101].parent, org.ous[1].id);
        // 2 regions × 12 slots per account.
        assert_eq!(org.resource_count(), 250 * 2 * 12);
        let a = &org.accounts[3];
        // First region: 12 slots over 28 kinds → 1 role and 1 bucket, no DB cluster snapshot, no
        // table or stream; the second region's 12 slots over 27 kinds → one of each up to the DB
        // cluster snapshot.
        assert_eq!(a.roles.len(), 1);
        assert_eq!(a.buckets.len(), 1 + 1);
        let east = a.region("us-east-1").expect("region");
        assert_eq!(east.keys.iter().filter(|k| k.aws_managed).count(), 1);
        assert_eq!(east.access_points.len(), 1, "one per 10 buckets");
        let (west, account) = (a.region("eu-west-1").expect("region"), &a.id);
        for r in [east, west] {
            assert_eq!((r.secrets.len(), r.topics.len(), r.repositories.len(), r.file_systems.len()), (1, 1, 1, 1));
        }
        assert_eq!((east.ebs_snapshots.len(), east.db_snapshots.len(), east.db_cluster_snapshots.len()), (1, 1, 0));
        assert_eq!((west.ebs_snapshots.len(), west.db_snapshots.len(), west.db_cluster_snapshots.len()), (1, 1, 1));
        let secret = &west.secrets[0];
        let suffix = secret.arn.strip_prefix(&format!("arn:aws:secretsmanager:eu-west-1:{account}:secret:sim-secret-0-")).expect("secret ARN");
        assert!(suffix.len() == 6 && suffix.bytes().all(|b| b.is_ascii_alphanumeric()), "{suffix}");
        assert_eq!(west.topics[0].arn, format!("arn:aws:sns:eu-west-1:{account}:sim-topic-0"));
        assert_eq!(west.repositories[0].arn, format!("arn:aws:ecr:eu-west-1:{account}:repository/sim-repo-0"));
        let fs = &west.file_systems[0];
        let hex = fs.name.strip_prefix("fs-").expect("fs-");
        assert!(hex.len() == 17 && hex.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()), "{hex}");
        assert_eq!(fs.arn, format!("arn:aws:elasticfilesystem:eu-west-1:{account}:file-system/{}", fs.name));
        // Every statement names its resource, except ECR's (the repository is implied).
        let statements = |p: &PolicyResource| -> Vec<Value> {
            let doc: Value = serde_json::from_str(p.policy.as_deref().expect("policy")).expect("policy is JSON");
            doc["Statement"].as_array().expect("statements").clone()
        };
        for (p, action) in [(secret, json!("secretsmanager:GetSecretValue")), (&west.topics[0], json!("sns:Publish")), (fs, json!("elasticfilesystem:ClientMount"))] {
            assert!(statements(p).iter().all(|st| st["Resource"] == p.arn.as_str() && st["Action"] == action), "{:?}", p.policy);
        }
        let repo = statements(&west.repositories[0]);
        assert!(repo.iter().all(|st| st.get("Resource").is_none() && st["Action"] == json!(["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"])));
        let counted = org.accounts.iter().map(|a| {
            a.roles.len() + a.buckets.len()
                + a.regions.values().map(|r| {
                    r.keys.iter().filter(|k| !k.aws_managed).count() + r.functions.len() + r.layers.len() + r.queues.len()
                        + r.secrets.len() + r.topics.len() + r.repositories.len() + r.file_systems.len()
                        + r.ebs_snapshots.len() + r.db_snapshots.len() + r.db_cluster_snapshots.len()
                        + r.tables.len() + r.streams.len() + r.directory_buckets.len()
                        + r.kinesis_streams.len() + r.event_buses.len() + r.backup_vaults.len()
                        + r.codeartifact_domains.len() + r.codeartifact_repositories.len()
                        + r.logs_resource_policies.len() + r.logs_destinations.len() + r.email_identities.len()
                        + r.glacier_vaults.len() + r.opensearch_domains.len() + r.rest_apis.len()
                        + r.data_catalogs.len() + r.images.len()
                }).sum::<usize>()
        }).sum::<usize>();
        assert_eq!(counted, org.resource_count());
        for b in &a.buckets {
            let (owner, found) = org.bucket(&b.name).expect("bucket by name");
            assert_eq!(owner.id, a.id);
            assert_eq!(found, b);
            let doc: Value = serde_json::from_str(&b.policy).expect("policy is JSON");
            assert_eq!(doc["Version"], "2012-10-17");
        }
        assert_eq!(canonical_id(&a.id).len(), 64);
    }

    #[test]
    fn external_grant_rate_is_hit() {
        for rate in [0.0, 0.05, 0.3, 1.0] {
            let org = Org::generate(&config(100, 42, rate));
            let total = org.resource_count() as f64;
            let got = org.external_grants() as f64 / total;
            assert!((got - rate).abs() < 0.02, "rate {rate}: got {got} over {total} resources");
            // The count matches the documents: one External statement per resource that got one.
            let in_docs = org.accounts.iter().map(|a| {
                a.roles.iter().filter(|r| r.trust_policy.contains("\"External\"")).count()
                    + a.buckets.iter().filter(|b| b.policy.contains("\"External\"")).count()
                    + a.regions.values().map(|r| {
                        r.keys.iter().filter(|k| k.policy.contains("\"External\"")).count()
                            + r.functions.iter().filter(|f| f.policy.contains("\"External\"")).count()
                            + r.layers.iter().filter(|l| l.policy.contains("\"External\"")).count()
                            + r.queues.iter().filter(|q| q.policy.contains("\"External\"")).count()
                            + [&r.secrets, &r.topics, &r.repositories, &r.file_systems, &r.tables, &r.streams].into_iter().flatten()
                                .filter(|p| p.policy.as_deref().is_some_and(|d| d.contains("\"External\""))).count()
                            + policy_kinds(r).into_iter().flat_map(|(_, list)| list)
                                .filter(|p| p.policy.as_deref().is_some_and(|d| d.contains("\"External\""))).count()
                            + r.glacier_vaults.iter().filter(|v| v.policy.as_deref().is_some_and(|d| d.contains("\"External\""))).count()
                            + r.opensearch_domains.iter().filter(|d| d.policy.as_deref().is_some_and(|d| d.contains("\"External\""))).count()
                            + r.rest_apis.iter().filter(|a| a.policy.as_deref().is_some_and(|d| d.contains("\"External\""))).count()
                            + r.images.iter().filter(|i| i.launch_permissions.contains(&LaunchPermission::UserId(EXTERNAL_ACCOUNT.to_string()))).count()
                            // A directory bucket once, with an outsider in its policy or its
                            // access point's.
                            + r.directory_buckets.iter().filter(|b| {
                                let ap = r.directory_access_points.iter().filter(|p| p.bucket == b.name);
                                b.policy.iter().chain(ap.filter_map(|p| p.policy.as_ref())).any(|d| d.contains("\"External\""))
                            }).count()
                            + [&r.ebs_snapshots, &r.db_snapshots, &r.db_cluster_snapshots].into_iter().flatten()
                                .filter(|s| s.shared_with.iter().any(|w| w == "all" || w == EXTERNAL_ACCOUNT)).count()
                    }).sum::<usize>()
            }).sum::<usize>();
            assert_eq!(in_docs, org.external_grants());
        }
    }

    #[test]
    fn tally_adds_up_and_disabled_regions_are_empty() {
        let mut c = config(30, 5, 0.3);
        c.disabled_regions.insert("eu-west-1".to_string());
        let org = Org::generate(&c);
        assert_eq!(org.regions, ["us-east-1"]);
        let tally = org.tally();
        assert_eq!(tally.iter().map(|t| t.resources).sum::<usize>(), org.resource_count());
        assert_eq!(tally.iter().map(|t| t.external).sum::<usize>(), org.external_grants());
        assert!(tally.iter().all(|t| t.region != "eu-west-1"));
        assert!(tally.iter().any(|t| t.region == "global" && t.resource_type == "AWS::IAM::Role"));
        for kind in ["AWS::SecretsManager::Secret", "AWS::SNS::Topic", "AWS::ECR::Repository", "AWS::EFS::FileSystem", "AWS::EC2::Snapshot", "AWS::RDS::DBSnapshot"] {
            let of_kind: Vec<&Tally> = tally.iter().filter(|t| t.resource_type == kind).collect();
            assert_eq!(of_kind.len(), 30, "{kind}: one row per account in the one region");
            assert!(of_kind.iter().all(|t| t.region == "us-east-1" && t.resources == 1), "{kind}");
        }
        assert!(tally.iter().all(|t| t.resource_type != "AWS::RDS::DBClusterSnapshot"), "12 slots over 28 kinds: none");
        let c = SimConfig { resources_per_account_region: 13, ..c };
        let tally = Org::generate(&c).tally();
        assert_eq!(tally.iter().filter(|t| t.resource_type == "AWS::RDS::DBClusterSnapshot" && t.resources == 1).count(), 30);
    }

    #[test]
    fn dynamodb_tables_and_streams() {
        // 56 slots per region, over the first region's 28 kinds and the second's 27: two Table and
        // two Stream slots in each region, so 4 tables (2 with a stream) and 2 streams per region.
        let org = Org::generate(&SimConfig { resources_per_account_region: 56, ..config(20, 9, 0.3) });
        let (account, region) = (&org.accounts[2], "us-east-1");
        let here = account.region(region).expect("region");
        let names: Vec<&str> = here.tables.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["sim-table-0", "sim-streamtable-0", "sim-table-1", "sim-streamtable-1"]);
        let id = &account.id;
        for t in &here.tables {
            assert_eq!(t.arn, format!("arn:aws:dynamodb:{region}:{id}:table/{}", t.name));
        }
        let streams: Vec<(&str, &str)> = here.streams.iter().map(|s| (s.name.as_str(), s.arn.as_str())).collect();
        let want = |n: usize| format!("arn:aws:dynamodb:{region}:{id}:table/sim-streamtable-{n}/stream/2024-01-01T00:00:00.000");
        assert_eq!(streams, [("sim-streamtable-0", want(0).as_str()), ("sim-streamtable-1", want(1).as_str())]);
        // Every statement names its resource and the type's actions.
        let table_actions = json!(["dynamodb:GetItem", "dynamodb:Query"]);
        let stream_actions = json!(["dynamodb:GetRecords", "dynamodb:GetShardIterator"]);
        for (p, action) in here.tables.iter().map(|t| (t, &table_actions)).chain(here.streams.iter().map(|s| (s, &stream_actions))) {
            let doc: Value = serde_json::from_str(p.policy.as_deref().expect("policy")).expect("policy is JSON");
            let statements = doc["Statement"].as_array().expect("statements");
            assert_eq!(statements.len(), 1 + usize::from(p.external.is_some()), "{}", p.arn);
            assert!(statements.iter().all(|st| st["Resource"] == p.arn.as_str() && st["Action"] == *action), "{doc}");
        }
        // A Stream slot counts two resources, the second DataCatalog slot of a region none:
        // 56 + 2 - 1 in each region.
        assert_eq!(org.resource_count(), 20 * 2 * 57);
        let tally = org.tally();
        assert_eq!(tally.iter().map(|t| t.resources).sum::<usize>(), org.resource_count());
        assert_eq!(tally.iter().map(|t| t.external).sum::<usize>(), org.external_grants());
        for (kind, per_region) in [("AWS::DynamoDB::Table", 4), ("AWS::DynamoDB::Stream", 2)] {
            let of_kind: Vec<&Tally> = tally.iter().filter(|t| t.resource_type == kind).collect();
            assert_eq!(of_kind.len(), 20 * 2, "{kind}: one row per (account, region)");
            assert!(of_kind.iter().all(|t| t.resources == per_region), "{kind}");
        }
        // At rate 1.0 every table and stream has an outsider, public and cross-account both.
        let org = Org::generate(&SimConfig { resources_per_account_region: 15, ..config(40, 3, 1.0) });
        let kinds: [fn(&RegionResources) -> &Vec<PolicyResource>; 2] = [|r| &r.tables, |r| &r.streams];
        for kind in kinds {
            let all: Vec<&PolicyResource> = org.accounts.iter().flat_map(|a| a.regions.values().flat_map(kind)).collect();
            assert!(!all.is_empty() && all.iter().all(|p| p.external.is_some()));
            for e in [External::Public, External::CrossAccount] {
                assert!(all.iter().any(|p| p.external == Some(e)), "{e:?} among {}", all[0].arn);
            }
        }
        assert_eq!(org, Org::generate(&SimConfig { resources_per_account_region: 15, ..config(40, 3, 1.0) }), "deterministic");
    }

    #[test]
    fn public_grants_only_where_allowed() {
        let org = Org::generate(&config(40, 3, 1.0));
        for a in &org.accounts {
            assert!(a.roles.iter().all(|r| r.external == Some(External::CrossAccount)));
            for r in a.regions.values() {
                assert!(r.keys.iter().filter(|k| !k.aws_managed).all(|k| k.external == Some(External::CrossAccount)));
            }
            for b in &a.buckets {
                if b.acl_public {
                    assert_eq!(b.external, Some(External::Public));
                }
                if b.external == Some(External::Public) {
                    assert_ne!(b.bpa, Some(true), "a public bucket's own BPA never blocks it");
                }
            }
        }
        assert!(org.accounts.iter().flat_map(|a| &a.buckets).any(|b| b.external == Some(External::Public)));
        let kinds: [fn(&RegionResources) -> &Vec<PolicyResource>; 4] = [|r| &r.secrets, |r| &r.topics, |r| &r.repositories, |r| &r.file_systems];
        for kind in kinds {
            let all: Vec<&PolicyResource> = org.accounts.iter().flat_map(|a| a.regions.values().flat_map(kind)).collect();
            assert!(all.iter().all(|p| p.external.is_some()), "rate 1.0: every resource has an outsider");
            for e in [External::Public, External::CrossAccount] {
                assert!(all.iter().any(|p| p.external == Some(e)), "{e:?} among {}", all[0].arn);
            }
        }
        let kinds: [fn(&RegionResources) -> &Vec<Snapshot>; 3] = [|r| &r.ebs_snapshots, |r| &r.db_snapshots, |r| &r.db_cluster_snapshots];
        for (k, kind) in kinds.into_iter().enumerate() {
            let all: Vec<&Snapshot> = org.accounts.iter().flat_map(|a| a.regions.values().flat_map(kind)).collect();
            assert!(all.iter().all(|s| s.external.is_some() && s.shared_with.len() == 2), "rate 1.0: every snapshot has an outsider");
            for s in &all {
                let outsider = if s.external == Some(External::Public) { "all" } else { EXTERNAL_ACCOUNT };
                assert_eq!(s.shared_with[1], outsider, "{}", s.arn);
            }
            let (plain, encrypted): (Vec<&Snapshot>, Vec<&Snapshot>) = all.iter().partition(|s| s.kms_key.is_none());
            for e in [External::Public, External::CrossAccount] {
                assert!(plain.iter().any(|s| s.external == Some(e)), "{e:?} among unencrypted {}", all[0].arn);
            }
            let public_encrypted = encrypted.iter().filter(|s| s.external == Some(External::Public)).count();
            if k == 0 {
                assert!(public_encrypted > 0, "EC2 shares encrypted snapshots publicly too");
            } else {
                assert_eq!(public_encrypted, 0, "RDS refuses to share an encrypted snapshot publicly");
            }
        }
    }

    #[test]
    fn snapshots_are_shared_in_the_organization_and_every_third_is_encrypted() {
        let org = Org::generate(&config(9, 4, 0.3));
        let members: Vec<&str> = org.accounts[1..].iter().map(|a| a.id.as_str()).collect();
        let mut by_kind: [Vec<(&Account, &str, &Snapshot)>; 3] = Default::default();
        for a in &org.accounts {
            for (region, r) in &a.regions {
                for (k, list) in [&r.ebs_snapshots, &r.db_snapshots, &r.db_cluster_snapshots].into_iter().enumerate() {
                    by_kind[k].extend(list.iter().map(|s| (a, region.as_str(), s)));
                }
            }
        }
        // Generation order is account by account, region by region (in configuration order).
        let order = |a: &Account, region: &str| (a.id.clone(), org.regions.iter().position(|r| r == region));
        for list in &mut by_kind {
            list.sort_by_key(|(a, region, _)| order(a, region));
        }
        for (k, list) in by_kind.iter().enumerate() {
            assert_eq!(list.len(), 9 * 2 - usize::from(k == 2) * 9, "one per (account, region); no cluster snapshot in the first region");
            for (i, (a, region, s)) in list.iter().enumerate() {
                let (id, account) = (&s.id, &a.id);
                let arn = match k {
                    0 => {
                        let hex = id.strip_prefix("snap-").expect("snap-");
                        assert!(hex.len() == 17 && hex.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()), "{id}");
                        assert!(s.source.starts_with("vol-") && s.source.len() == 21, "{}", s.source);
                        format!("arn:aws:ec2:{region}:{account}:snapshot/{id}")
                    }
                    1 => {
                        assert_eq!((id.as_str(), s.source.as_str()), ("sim-dbsnap-0", "sim-db-0"));
                        format!("arn:aws:rds:{region}:{account}:snapshot:{id}")
                    }
                    _ => {
                        assert_eq!((id.as_str(), s.source.as_str()), ("sim-clustersnap-0", "sim-cluster-0"));
                        format!("arn:aws:rds:{region}:{account}:cluster-snapshot:{id}")
                    }
                };
                assert_eq!(s.arn, arn);
                let internal = s.shared_with[0].as_str();
                assert!(members.contains(&internal) && internal != account, "{internal} is another member of {account}");
                assert_eq!(s.kms_key.is_some(), i % 3 == 2, "every 3rd {} is encrypted", s.arn);
                if let Some(key) = &s.kms_key {
                    let customer = a.region(region).expect("region").keys.iter().find(|k| !k.aws_managed).expect("a customer key");
                    assert_eq!(key, &customer.arn);
                    assert!(key.starts_with(&format!("arn:aws:kms:{region}:{account}:key/")), "{key}");
                }
            }
        }
        let states: Vec<&str> = org.accounts.iter().map(|a| a.snapshot_bpa).collect();
        assert_eq!(states, ["unblocked", "block-new-sharing", "unblocked", "unblocked", "block-all-sharing", "block-new-sharing", "unblocked", "unblocked", "block-all-sharing"]);
    }

    #[test]
    fn directory_buckets_in_the_s3_express_regions_only() {
        let regions = ["us-east-1", "ap-southeast-2", "eu-north-1"].map(str::to_string).to_vec();
        // 112 slots over 28 (first region) or 27 kinds: 4 or 5 bucket slots per (account, region).
        let c = SimConfig { regions, resources_per_account_region: 112, ..config(30, 4, 1.0) };
        let org = Org::generate(&c);
        let slots: usize = org.accounts.len() * (4 + 5);
        let all: Vec<(&Account, &str, &PolicyResource)> = org
            .accounts
            .iter()
            .flat_map(|a| a.regions.iter().flat_map(move |(region, r)| r.directory_buckets.iter().map(move |b| (a, region.as_str(), b))))
            .collect();
        assert_eq!(all.len(), slots.div_ceil(DIRECTORY_BUCKET_SHARE), "one in {DIRECTORY_BUCKET_SHARE} of the S3 Express Regions' bucket slots");
        assert_eq!(all[0].0.id, MANAGEMENT_ACCOUNT, "the first slot of the organization is one");
        let general = org.accounts.iter().map(|a| a.buckets.len()).sum::<usize>();
        assert_eq!(general + all.len(), org.accounts.len() * (4 + 5 + 5), "a directory bucket takes a bucket slot");
        for (a, region, b) in &all {
            let zone = s3_express_zone(region).expect("an S3 Express Region");
            let n = b.name.strip_prefix(&format!("sim-{}-", a.id)).and_then(|r| r.strip_suffix(&format!("--{zone}--x-s3"))).expect("name");
            assert!(n.parse::<usize>().is_ok() && b.name.len() <= 63, "{}", b.name);
            assert_eq!(b.arn, format!("arn:aws:s3express:{region}:{}:bucket/{}", a.id, b.name));
            let (owner, found_region, found) = org.directory_bucket(&b.name).expect("by name");
            assert_eq!((owner.id.as_str(), found_region, found), (a.id.as_str(), *region, *b));
            assert!(org.bucket(&b.name).is_none(), "not a general purpose bucket");
            let doc: Value = serde_json::from_str(b.policy.as_deref().expect("policy")).expect("JSON");
            let statements = doc["Statement"].as_array().expect("statements");
            assert!(statements.iter().all(|st| st["Resource"] == b.arn.as_str() && st["Action"] == "s3express:CreateSession"), "{doc}");
            let delegates = org.accounts.iter().flat_map(|a| a.regions.values()).any(|r| r.directory_access_points.iter().any(|p| p.bucket == b.name));
            assert_eq!(statements.len(), 2 + usize::from(delegates), "rate 1.0: an outsider in every one");
        }
        assert!(all.iter().all(|(_, region, _)| *region != "ap-southeast-2"));
        for e in [External::Public, External::CrossAccount] {
            assert!(all.iter().any(|(_, _, b)| b.external == Some(e)), "{e:?}");
        }
        // A public directory bucket is an outsider's grant without a finding.
        let tally = org.tally();
        let of_type: Vec<&Tally> = tally.iter().filter(|t| t.resource_type == "AWS::S3Express::DirectoryBucket").collect();
        assert_eq!(of_type.iter().map(|t| t.resources).sum::<usize>(), all.len());
        assert_eq!(of_type.iter().map(|t| t.external).sum::<usize>(), all.len());
        // Findings: the cross-account ones, and the public ones whose access point grants an
        // outsider.
        let through_access_point = |a: &Account, region: &str, b: &PolicyResource| {
            a.region(region).expect("region").directory_access_points.iter().any(|p| p.bucket == b.name && p.external.is_some())
        };
        let cross = all.iter().filter(|(a, region, b)| b.external == Some(External::CrossAccount) || through_access_point(a, region, b)).count();
        assert_eq!(of_type.iter().map(|t| t.findings).sum::<usize>(), cross);
        assert!(of_type.iter().all(|t| t.region != "ap-southeast-2"));
    }

    #[test]
    fn findings_leave_out_what_block_public_access_takes_away() {
        let org = Org::generate(&SimConfig { resources_per_account_region: 30, ..config(20, 6, 0.6) });
        for t in org.tally() {
            let a = org.account(&t.account).expect("account");
            let blocked = match t.resource_type {
                "AWS::EC2::Snapshot" if a.snapshot_bpa == "block-all-sharing" => {
                    a.region(&t.region).expect("region").ebs_snapshots.iter().filter(|s| s.external == Some(External::Public)).count()
                }
                "AWS::S3Express::DirectoryBucket" => {
                    let r = a.region(&t.region).expect("region");
                    let through_access_point = |b: &PolicyResource| r.directory_access_points.iter().any(|p| p.bucket == b.name && p.external.is_some());
                    r.directory_buckets.iter().filter(|b| b.external == Some(External::Public) && !through_access_point(b)).count()
                }
                _ => 0,
            };
            assert_eq!(t.findings, t.external - blocked, "{t:?}");
        }
        let tally = org.tally();
        assert!(tally.iter().any(|t| t.resource_type == "AWS::EC2::Snapshot" && t.findings < t.external), "a blocked public snapshot");
    }

    #[test]
    fn every_second_directory_bucket_has_an_access_point_that_its_policy_delegates_to() {
        let regions = ["us-east-1", "eu-north-1"].map(str::to_string).to_vec();
        // 240 slots over 28 or 27 kinds: 9 bucket slots per (account, region).
        let c = SimConfig { regions, resources_per_account_region: 240, ..config(30, 5, 0.5) };
        let org = Org::generate(&c);
        // In generation order: account by account, region by region.
        let all: Vec<(&Account, &str, &RegionResources, &PolicyResource)> = org
            .accounts
            .iter()
            .flat_map(|a| c.regions.iter().map(move |region| (a, region.as_str(), a.region(region).expect("region"))))
            .flat_map(|(a, region, r)| r.directory_buckets.iter().map(move |b| (a, region, r, b)))
            .collect();
        assert!(all.len() > 20, "{}", all.len());
        let mut k = 0;
        let (mut external, mut findings) = (0, 0);
        for (i, (a, region, r, b)) in all.iter().enumerate() {
            let zone = s3_express_zone(region).expect("zone");
            let aps: Vec<&DirectoryAccessPoint> = r.directory_access_points.iter().filter(|p| p.bucket == b.name).collect();
            let doc: Value = serde_json::from_str(b.policy.as_deref().expect("policy")).expect("JSON");
            let delegation: Vec<&Value> = doc["Statement"].as_array().expect("statements").iter().filter(|st| st["Sid"] == "DelegateToAccessPoints").collect();
            assert_eq!(aps.len(), usize::from(i % 2 == 0), "every 2nd from the first: {}", b.name);
            assert_eq!(delegation.len(), aps.len(), "{doc}");
            for st in delegation {
                let want = json!({"Sid": "DelegateToAccessPoints", "Effect": "Allow", "Principal": "*", "Action": "s3express:CreateSession",
                    "Resource": b.arn, "Condition": {"StringEquals": {"s3express:DataAccessPointAccount": a.id}}});
                assert_eq!(*st, want);
            }
            let via_ap = aps.first().is_some_and(|p| p.external.is_some());
            external += usize::from(b.external.is_some() || via_ap);
            findings += usize::from(b.external == Some(External::CrossAccount) || via_ap);
            let Some(ap) = aps.first() else { continue };
            let n = b.name.strip_prefix(&format!("sim-{}-", a.id)).and_then(|r| r.strip_suffix(&format!("--{zone}--x-s3"))).expect("n");
            assert_eq!(ap.name, format!("sim-dap-{n}--{zone}--xa-s3"));
            assert_eq!(ap.arn, format!("arn:aws:s3express:{region}:{}:accesspoint/{}", a.id, ap.name));
            assert_eq!(ap.vpc, (k % 2 == 1).then(|| vpc_id(&a.id, region)), "origin alternates: {}", ap.name);
            assert_eq!(ap.network_origin(), if k % 2 == 1 { "VPC" } else { "Internet" });
            assert_eq!(ap.vpc.as_deref(), ap.vpc.as_ref().map(|_| r.vpcs[0].id.as_str()), "the VPC of its (account, region)");
            let doc: Value = serde_json::from_str(ap.policy.as_deref().expect("policy")).expect("JSON");
            let [st] = doc["Statement"].as_array().expect("statements").as_slice() else { panic!("one statement: {doc}") };
            assert_eq!((&st["Action"], &st["Resource"], &st["Effect"]), (&json!("s3express:CreateSession"), &json!(ap.arn), &json!("Allow")));
            if k % 4 < 2 {
                assert_eq!(ap.external, Some(External::CrossAccount));
                assert_eq!((&st["Sid"], &st["Principal"]), (&json!("External"), &json!({"AWS": format!("arn:aws:iam::{EXTERNAL_ACCOUNT}:root")})));
            } else {
                assert_eq!(ap.external, None);
                assert_eq!((&st["Sid"], &st["Principal"]), (&json!("OrgSession"), &json!({"AWS": "*"})));
                assert_eq!(st["Condition"]["StringEquals"]["aws:PrincipalOrgID"], ORG_ID);
            }
            k += 1;
        }
        assert_eq!(k, all.len().div_ceil(2));
        let tally = org.tally();
        let of_type = tally.iter().filter(|t| t.resource_type == "AWS::S3Express::DirectoryBucket");
        assert_eq!(of_type.clone().map(|t| (t.resources, t.external, t.findings)).fold((0, 0, 0), |s, t| (s.0 + t.0, s.1 + t.1, s.2 + t.2)), (all.len(), external, findings));
        assert_eq!(tally.iter().map(|t| t.external).sum::<usize>(), org.external_grants());
        assert!(external > all.iter().filter(|(.., b)| b.external.is_some()).count(), "access points add outsiders");
        // A public bucket policy (no finding) whose access point grants an outsider (one).
        let public_via_ap = |(_, _, r, b): &&(&Account, &str, &RegionResources, &PolicyResource)| {
            b.external == Some(External::Public) && r.directory_access_points.iter().any(|p| p.bucket == b.name && p.external.is_some())
        };
        assert!(all.iter().any(|x| public_via_ap(&x)), "a public bucket with an outsider through its access point");
        // At rate 0 only access points grant outsiders among the buckets: two in every four (and
        // every 2nd AMI, not at the rate either).
        let none = Org::generate(&SimConfig { external_grant_rate: 0.0, ..c.clone() });
        let via_ap = none.accounts.iter().flat_map(|a| a.regions.values()).flat_map(|r| &r.directory_access_points).filter(|p| p.external.is_some()).count();
        let images = none.accounts.iter().flat_map(|a| a.regions.values()).flat_map(|r| &r.images).filter(|i| i.external.is_some()).count();
        assert!(images > 0);
        assert_eq!((none.external_grants() - images, via_ap), (k / 4 * 2 + (k % 4).min(2), k / 4 * 2 + (k % 4).min(2)));
        assert_eq!(none.tally().iter().map(|t| t.findings).sum::<usize>(), via_ap + images);
    }

    #[test]
    fn networks_and_origin_access_identities_are_derived() {
        let org = Org::generate(&config(12, 8, 0.5));
        let hex17 = |id: &str, prefix: &str| {
            let hex = id.strip_prefix(prefix).expect(prefix);
            hex.len() == 17 && hex.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        };
        let mut ids = BTreeSet::new();
        for (i, a) in org.accounts.iter().enumerate() {
            let [oai] = a.origin_access_identities.as_slice() else { panic!("one OAI per account") };
            assert!(oai.id.len() == 14 && oai.id.starts_with('E'), "{}", oai.id);
            assert!(oai.id.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()), "{}", oai.id);
            assert!(oai.canonical_id.len() == 64 && oai.canonical_id.bytes().all(|b| b.is_ascii_hexdigit()));
            assert_ne!(oai.canonical_id, a.canonical_id);
            assert_eq!(oai.arn(), format!("arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity {}", oai.id));
            assert!(ids.insert(oai.id.clone()));
            for (region, r) in &a.regions {
                let ([vpc], [vpce]) = (r.vpcs.as_slice(), r.vpc_endpoints.as_slice()) else { panic!("one VPC and one endpoint") };
                assert!(hex17(&vpc.id, "vpc-") && hex17(&vpce.id, "vpce-"), "{} {}", vpc.id, vpce.id);
                assert_eq!((vpc.id.clone(), vpce.id.clone()), (vpc_id(&a.id, region), vpc_endpoint_id(&a.id, region)));
                assert_eq!((vpce.vpc.as_str(), vpce.service.clone(), vpce.kind), (vpc.id.as_str(), format!("com.amazonaws.{region}.s3"), "Gateway"));
                assert_eq!(vpc.is_default, i % 2 == 0);
                assert_eq!(vpc.cidr == "172.31.0.0/16", vpc.is_default, "{}", vpc.cidr);
                assert!(ids.insert(vpc.id.clone()) && ids.insert(vpce.id.clone()));
            }
        }
        // Bucket policies: every 4th general purpose bucket from the 2nd names its account's OAI,
        // every 2nd cross-account outsider is pinned to its account's endpoint in the region.
        let org = Org::generate(&SimConfig { resources_per_account_region: 45, ..config(20, 8, 0.5) });
        let buckets: Vec<(&Account, &Bucket)> = org.accounts.iter().flat_map(|a| a.buckets.iter().map(move |b| (a, b))).collect();
        let mut cross = 0;
        for (i, (a, b)) in buckets.iter().enumerate() {
            let doc: Value = serde_json::from_str(&b.policy).expect("JSON");
            let statements = doc["Statement"].as_array().expect("statements");
            let oai: Vec<&Value> = statements.iter().filter(|st| st["Sid"] == "CloudFrontRead").collect();
            assert_eq!(oai.len(), usize::from(i % OAI_BUCKET_SHARE == 1), "{}", b.name);
            for st in oai {
                assert_eq!(st["Principal"]["AWS"], a.origin_access_identities[0].arn());
                assert_eq!(st["Resource"], format!("arn:aws:s3:::{}/*", b.name));
            }
            let outsider = statements.iter().find(|st| st["Sid"] == "External");
            assert_eq!(outsider.is_some(), b.external.is_some());
            let Some(st) = outsider.filter(|_| b.external == Some(External::CrossAccount)) else {
                assert!(outsider.is_none_or(|st| st.get("Condition").is_none()), "{st:?}", st = outsider);
                continue;
            };
            let pinned = st.get("Condition").map(|c| c["StringEquals"]["aws:SourceVpce"].clone());
            assert_eq!(pinned.is_some(), cross % 2 == 1, "{st}");
            if let Some(vpce) = pinned {
                assert_eq!(vpce, vpc_endpoint_id(&a.id, &b.region));
            }
            cross += 1;
        }
        assert!(cross > 4, "cross-account buckets: {cross}");
    }
}
