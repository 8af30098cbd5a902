//! Exports for the tools security teams feed, written beside the CSV: OCSF 1.6 "IAM Analysis
//! Finding" events (class 2008, with `access_analysis_result`: who can get in, with which
//! privileges and condition keys) as `findings.ocsf.json`, and AWS Security Hub's ASFF
//! (`{"Findings": [...]}`, the shape `BatchImportFindings` takes) as `findings.asff.json`.
//! The fields each format requires are listed in [`OCSF_REQUIRED`] and [`ASFF_REQUIRED`], and a
//! test holds every export to them.

use serde_json::{json, Value};

use crate::output::Seq;
use crate::store::{Status, StoredFinding};
use crate::Error;

/// The OCSF version the events follow.
pub const OCSF_VERSION: &str = "1.6.0";
/// OCSF's IAM Analysis Finding: category 2 (Findings) x 1000 + class 8.
pub const OCSF_CLASS_UID: u32 = 2008;
/// The attributes OCSF 1.6 requires of an IAM Analysis Finding (base event, finding class, and
/// the required attributes of the objects used), as JSON pointers.
pub const OCSF_REQUIRED: &[&str] = &[
    "/activity_id",
    "/category_uid",
    "/class_uid",
    "/metadata/product",
    "/metadata/version",
    "/severity_id",
    "/time",
    "/type_uid",
    "/finding_info/uid",
    "/access_analysis_result/accessors",
];
/// The fields ASFF (schema 2018-10-08) requires of a finding.
pub const ASFF_REQUIRED: &[&str] = &[
    "/SchemaVersion",
    "/Id",
    "/ProductArn",
    "/GeneratorId",
    "/AwsAccountId",
    "/Types",
    "/CreatedAt",
    "/UpdatedAt",
    "/Severity/Label",
    "/Title",
    "/Description",
    "/Resources",
];

/// Milliseconds since the epoch of an RFC 3339 UTC time (`YYYY-MM-DDTHH:MM:SSZ`); 0 when unreadable.
fn epoch_ms(t: &str) -> i64 {
    let num = |r: std::ops::Range<usize>| t.get(r).and_then(|s| s.parse::<i64>().ok());
    let (Some(y), Some(m), Some(d)) = (num(0..4), num(5..7), num(8..10)) else { return 0 };
    let (h, mi, s) = (num(11..13).unwrap_or(0), num(14..16).unwrap_or(0), num(17..19).unwrap_or(0));
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    ((days * 86_400) + h * 3600 + mi * 60 + s) * 1000
}

fn title(f: &StoredFinding) -> String {
    let x = &f.finding;
    format!(
        "{} {} is {} to {}{}",
        x.resource_type,
        x.resource_arn,
        if x.is_public { "public" } else { "shared outside the organization" },
        if f.labels.principal_label.is_empty() { x.principal.to_string() } else { format!("{} ({})", x.principal, f.labels.principal_label) },
        if x.is_blocked() { ", but the organization's resource control policies stop it" } else { "" }
    )
}

fn description(f: &StoredFinding) -> String {
    let x = &f.finding;
    let condition = if x.condition.is_empty() { String::new() } else { format!(" when {}", serde_json::to_string(&x.condition).unwrap_or_default()) };
    let blocked = if x.is_blocked() {
        format!(
            " The organization's resource control policies refuse every such request: {}.",
            x.blocked_by.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
        )
    } else {
        String::new()
    };
    format!("{} may {} through {}{condition}.{blocked}", x.principal, x.actions.join(", "), x.shared_via.as_str())
}

/// Severity: high for public, medium for cross-account, informational for an access the
/// organization's RCPs stop (the policy still grants it; a detached RCP would open it).
/// (OCSF severity_id, OCSF name, ASFF label.)
fn severity(x: &perimeter_model::Finding) -> (u8, &'static str, &'static str) {
    match (x.is_blocked(), x.is_public) {
        (true, _) => (1, "Informational", "INFORMATIONAL"),
        (false, true) => (4, "High", "HIGH"),
        (false, false) => (3, "Medium", "MEDIUM"),
    }
}

/// One OCSF IAM Analysis Finding event.
pub fn ocsf_event(f: &StoredFinding) -> Value {
    let x = &f.finding;
    let activity_id = match f.status {
        Status::New => 1,
        Status::Active | Status::Archived => 2,
        Status::Resolved => 3,
    };
    let status_id = match f.status {
        Status::New => 1,
        Status::Active => 2,
        Status::Archived => 5,
        Status::Resolved => 4,
    };
    let condition_keys: Vec<Value> = x.condition.iter().map(|(k, v)| json!({"name": k, "values": v})).collect();
    let mut accessor = json!({"uid": x.principal.to_string(), "type": f.labels.principal_kind.as_str()});
    if !f.labels.principal_label.is_empty() {
        accessor["name"] = json!(f.labels.principal_label);
    }
    json!({
        "class_uid": OCSF_CLASS_UID,
        "class_name": "IAM Analysis Finding",
        "category_uid": 2,
        "category_name": "Findings",
        "activity_id": activity_id,
        "type_uid": OCSF_CLASS_UID * 100 + activity_id,
        "severity_id": severity(x).0,
        "severity": severity(x).1,
        "status_id": status_id,
        "status": f.status.as_str(),
        "time": epoch_ms(&f.last_seen),
        "message": title(f),
        "metadata": {
            "version": OCSF_VERSION,
            "product": {"name": "perimeter", "vendor_name": "perimeter", "version": env!("CARGO_PKG_VERSION")},
        },
        "finding_info": {
            "uid": x.id,
            "title": title(f),
            "desc": description(f),
            "first_seen_time": epoch_ms(&f.first_seen),
            "last_seen_time": epoch_ms(&f.last_seen),
            "types": [if x.is_public { "Public access" } else { "Cross-account access" }],
        },
        "cloud": {"provider": "AWS", "region": x.region, "account": {"uid": x.resource_owner_account, "name": f.labels.account_name}},
        "resources": [{"uid": x.resource_arn, "type": x.resource_type.as_str(), "region": x.region, "cloud_partition": "aws"}],
        "access_analysis_result": {
            "accessors": [accessor],
            "access_type": if x.is_public { "Public" } else { "Cross-Account" },
            "granted_privileges": x.actions,
            "condition_keys": condition_keys,
        },
    })
}

/// Every finding as OCSF events.
pub fn ocsf(findings: &[StoredFinding]) -> Value {
    Value::Array(findings.iter().map(ocsf_event).collect())
}

/// Writes [`ocsf`] of findings read one at a time (from the store).
pub fn write_ocsf(out: impl std::io::Write, findings: &mut dyn Iterator<Item = Result<StoredFinding, Error>>) -> Result<(), Error> {
    serde_json::to_writer_pretty(out, &Seq::new(findings, ocsf_event)).map_err(|e| Error::Output(e.to_string()))
}

/// ASFF's name of a resource type.
fn asff_type(t: perimeter_model::ResourceType) -> &'static str {
    use perimeter_model::ResourceType::*;
    match t {
        S3Bucket => "AwsS3Bucket",
        IamRole => "AwsIamRole",
        KmsKey => "AwsKmsKey",
        LambdaFunction => "AwsLambdaFunction",
        LambdaLayerVersion => "AwsLambdaLayerVersion",
        SqsQueue => "AwsSqsQueue",
        SecretsManagerSecret => "AwsSecretsManagerSecret",
        SnsTopic => "AwsSnsTopic",
        EcrRepository => "AwsEcrRepository",
        // ASFF has no resource details type for EFS file systems (only access points).
        EfsFileSystem => "Other",
        Ec2Snapshot => "AwsEc2Snapshot",
        RdsDbSnapshot => "AwsRdsDbSnapshot",
        RdsDbClusterSnapshot => "AwsRdsDbClusterSnapshot",
        DynamoDbTable => "AwsDynamoDbTable",
        // ASFF has no resource details type for DynamoDB streams.
        DynamoDbStream => "Other",
        // ASFF has no resource details type for S3 directory buckets.
        S3ExpressDirectoryBucket => "Other",
        ApiGatewayRestApi => "AwsApiGatewayRestApi",
        EventsEventBus => "AwsEventsEventbus",
        OpenSearchDomain => "AwsOpenSearchServiceDomain",
        BackupVault => "AwsBackupBackupVault",
        KinesisStream => "AwsKinesisStream",
        // ASFF has no resource details type for these.
        GlacierVault | LogsResourcePolicy | LogsDestination | Ec2Image | GlueDataCatalog | SesEmailIdentity
        | CodeArtifactDomain | CodeArtifactRepository => "Other",
    }
}

/// One ASFF finding. The product is the owner account's default product (Security Hub's
/// product ARN for findings an account imports about itself).
pub fn asff_finding(f: &StoredFinding) -> Value {
    let x = &f.finding;
    let (workflow, record) = match f.status {
        Status::New => ("NEW", "ACTIVE"),
        Status::Active => ("NOTIFIED", "ACTIVE"),
        Status::Archived => ("SUPPRESSED", "ACTIVE"),
        Status::Resolved => ("RESOLVED", "ARCHIVED"),
    };
    let region = if x.region == perimeter_model::GLOBAL_REGION { "us-east-1" } else { x.region.as_str() };
    json!({
        "SchemaVersion": "2018-10-08",
        "Id": format!("perimeter/{}", x.id),
        "ProductArn": format!("arn:aws:securityhub:{region}:{0}:product/{0}/default", x.resource_owner_account),
        "ProductName": "perimeter",
        "GeneratorId": format!("perimeter/external-access/{}", x.resource_type.as_str()),
        "AwsAccountId": x.resource_owner_account,
        "Types": ["Software and Configuration Checks/AWS Security Best Practices", "Effects/Data Exposure"],
        "CreatedAt": f.first_seen,
        "UpdatedAt": f.last_seen,
        "Severity": {"Label": severity(x).2},
        "Title": title(f),
        "Description": description(f),
        "Resources": [{"Type": asff_type(x.resource_type), "Id": x.resource_arn, "Partition": "aws", "Region": region}],
        "Workflow": {"Status": workflow},
        "RecordState": record,
        "ProductFields": {
            "perimeter/principal": x.principal.to_string(),
            "perimeter/principal_kind": f.labels.principal_kind.as_str(),
            "perimeter/shared_via": x.shared_via.as_str(),
            "perimeter/status": f.status.as_str(),
            "perimeter/blocked_by": x.blocked_by.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "),
        },
    })
}

/// Every finding as an ASFF batch.
pub fn asff(findings: &[StoredFinding]) -> Value {
    json!({"Findings": findings.iter().map(asff_finding).collect::<Vec<_>>()})
}

/// Writes [`asff`] of findings read one at a time (from the store).
pub fn write_asff(out: impl std::io::Write, findings: &mut dyn Iterator<Item = Result<StoredFinding, Error>>) -> Result<(), Error> {
    #[derive(serde::Serialize)]
    struct Batch<S> {
        #[serde(rename = "Findings")]
        findings: S,
    }
    serde_json::to_writer_pretty(out, &Batch { findings: Seq::new(findings, asff_finding) }).map_err(|e| Error::Output(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_times_become_epoch_milliseconds() {
        assert_eq!(epoch_ms("1970-01-01T00:00:00Z"), 0);
        assert_eq!(epoch_ms("2026-11-29T06:00:00Z"), 1_795_932_000_000);
    }
}
