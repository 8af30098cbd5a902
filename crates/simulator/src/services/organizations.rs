//! Organizations (awsJson 1.1, `AWSOrganizationsV20161128.<Op>`): DescribeOrganization,
//! ListAccounts, ListRoots, ListOrganizationalUnitsForParent, ListAccountsForParent, and the
//! resource control policies: ListPolicies, DescribePolicy, ListTargetsForPolicy (at most 20
//! per page). The RCP type is enabled on the root; the organization has AWS's
//! `RCPFullAWSAccess` (attached everywhere, as AWS does) and an identity perimeter attached to
//! the first OU, which blocks the outsiders' grants on the resources of that OU's accounts.
//! Only the management account may list (members get AccessDeniedException).

use http::Response;
use serde_json::{json, Value};

use super::{page, page_size, Ctx};
use crate::org::{Account, CREATED, MANAGEMENT_ACCOUNT, ORG_ID, ROOT_ID};
use crate::protocol::{json_ok, ApiError, Protocol};

pub const OPERATIONS: &[&str] = &[
    "DescribeOrganization",
    "ListAccounts",
    "ListRoots",
    "ListOrganizationalUnitsForParent",
    "ListAccountsForParent",
    "ListPolicies",
    "DescribePolicy",
    "ListTargetsForPolicy",
];

/// AWS's own RCP, attached to every root, OU and account when the type is enabled.
pub const FULL_ACCESS_RCP: &str = "p-RCPFullAWSAccess";
/// The simulated organization's identity perimeter, attached to the first OU.
pub const PERIMETER_RCP: &str = "p-sim0perimeter";

/// (id, name, AWS-managed, document) of each RCP.
fn rcps() -> [(&'static str, &'static str, bool, String); 2] {
    [
        (
            FULL_ACCESS_RCP,
            "RCPFullAWSAccess",
            true,
            json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]}).to_string(),
        ),
        (
            PERIMETER_RCP,
            "sim-identity-perimeter",
            false,
            json!({"Version": "2012-10-17", "Statement": [{
                "Sid": "EnforceOrgIdentities", "Effect": "Deny", "Principal": "*",
                "Action": ["s3:*", "sqs:*", "kms:*", "secretsmanager:*", "ecr:*", "sts:AssumeRole"], "Resource": "*",
                "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": ORG_ID}, "BoolIfExists": {"aws:PrincipalIsAWSService": "false"}}
            }]})
            .to_string(),
        ),
    ]
}

/// Where an RCP is attached: (target ID, type).
fn rcp_targets(ctx: &Ctx<'_>, id: &str) -> Vec<(String, &'static str)> {
    if id == FULL_ACCESS_RCP {
        std::iter::once((ROOT_ID.to_string(), "ROOT"))
            .chain(ctx.org.ous.iter().map(|o| (o.id.clone(), "ORGANIZATIONAL_UNIT")))
            .chain(ctx.org.accounts.iter().map(|a| (a.id.clone(), "ACCOUNT")))
            .collect()
    } else {
        ctx.org.ous.first().map(|o| (o.id.clone(), "ORGANIZATIONAL_UNIT")).into_iter().collect()
    }
}

fn account_json(ctx: &Ctx<'_>, a: &Account) -> Value {
    json!({
        "Id": a.id, "Arn": ctx.org.account_arn(&a.id), "Email": a.email, "Name": a.name,
        "Status": "ACTIVE", "State": "ACTIVE", "JoinedMethod": if a.id == MANAGEMENT_ACCOUNT { "CREATED" } else { "INVITED" },
        "JoinedTimestamp": CREATED,
    })
}

pub fn answer(operation: &str, ctx: &Ctx<'_>) -> Result<Response<String>, ApiError> {
    let input = ctx.req.json();
    let token = input.get("NextToken").and_then(Value::as_str);
    let size = page_size(input.get("MaxResults").and_then(Value::as_u64), 20, 20);
    if operation != "DescribeOrganization" && ctx.caller.id != MANAGEMENT_ACCOUNT {
        return Err(ApiError::new(
            400,
            "AccessDeniedException",
            format!("You don't have permissions to access this resource ({} is not the management account).", ctx.caller.id),
        ));
    }
    let with_token = |mut v: Value, next: Option<String>| {
        if let (Some(n), Some(obj)) = (next, v.as_object_mut()) {
            obj.insert("NextToken".to_string(), json!(n));
        }
        v
    };
    let out = match operation {
        "DescribeOrganization" => {
            let m = ctx.org.management();
            json!({"Organization": {
                "Id": ORG_ID,
                "Arn": format!("arn:aws:organizations::{MANAGEMENT_ACCOUNT}:organization/{ORG_ID}"),
                "FeatureSet": "ALL",
                "MasterAccountArn": ctx.org.account_arn(&m.id),
                "MasterAccountId": m.id,
                "MasterAccountEmail": m.email,
                "AvailablePolicyTypes": [],
            }})
        }
        "ListAccounts" => {
            let (accounts, next) = page(&ctx.org.accounts, token, size)?;
            with_token(json!({"Accounts": accounts.iter().map(|a| account_json(ctx, a)).collect::<Vec<_>>()}), next)
        }
        "ListRoots" => json!({"Roots": [{
            "Id": ROOT_ID, "Arn": format!("arn:aws:organizations::{MANAGEMENT_ACCOUNT}:root/{ORG_ID}/{ROOT_ID}"),
            "Name": "Root", "PolicyTypes": [{"Type": "RESOURCE_CONTROL_POLICY", "Status": "ENABLED"}],
        }]}),
        "ListPolicies" => {
            let wanted = input.get("Filter").and_then(Value::as_str).unwrap_or_default();
            let all = rcps();
            let listed: Vec<Value> = all
                .iter()
                .filter(|_| wanted == "RESOURCE_CONTROL_POLICY")
                .map(|(id, name, managed, _)| json!({"Id": id, "Name": name, "Type": "RESOURCE_CONTROL_POLICY", "AwsManaged": managed}))
                .collect();
            let (listed, next) = page(&listed, token, size)?;
            with_token(json!({"Policies": listed}), next)
        }
        "DescribePolicy" | "ListTargetsForPolicy" => {
            let id = input.get("PolicyId").and_then(Value::as_str).unwrap_or_default();
            let Some((id, name, managed, document)) = rcps().into_iter().find(|(p, ..)| *p == id) else {
                return Err(ApiError::new(400, "PolicyNotFoundException", format!("policy {id} not found")));
            };
            if operation == "DescribePolicy" {
                json!({"Policy": {
                    "PolicySummary": {"Id": id, "Name": name, "Type": "RESOURCE_CONTROL_POLICY", "AwsManaged": managed},
                    "Content": document,
                }})
            } else {
                let targets: Vec<Value> = rcp_targets(ctx, id)
                    .into_iter()
                    .map(|(target, kind)| json!({"TargetId": target, "Type": kind, "Name": target}))
                    .collect();
                let (targets, next) = page(&targets, token, size)?;
                with_token(json!({"Targets": targets}), next)
            }
        }
        "ListOrganizationalUnitsForParent" | "ListAccountsForParent" => {
            let parent = input.get("ParentId").and_then(Value::as_str).unwrap_or_default();
            if parent != ROOT_ID && !ctx.org.ous.iter().any(|o| o.id == parent) {
                return Err(ApiError::new(400, "ParentNotFoundException", format!("parent {parent} not found")));
            }
            if operation == "ListAccountsForParent" {
                let children: Vec<&Account> = ctx.org.accounts.iter().filter(|a| a.parent == parent).collect();
                let (accounts, next) = page(&children, token, size)?;
                with_token(json!({"Accounts": accounts.iter().map(|a| account_json(ctx, a)).collect::<Vec<_>>()}), next)
            } else {
                // The OUs hang directly under the root.
                let ous = if parent == ROOT_ID { ctx.org.ous.as_slice() } else { &[] };
                let (ous, next) = page(ous, token, size)?;
                let list: Vec<Value> = ous
                    .iter()
                    .map(|o| json!({"Id": o.id, "Arn": ctx.org.ou_arn(&o.id), "Name": o.name}))
                    .collect();
                with_token(json!({"OrganizationalUnits": list}), next)
            }
        }
        other => return Err(super::Service::Organizations.unsupported(other)),
    };
    Ok(json_ok(Protocol::AwsJson11, &out, ctx.id))
}
