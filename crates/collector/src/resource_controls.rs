//! The organization's resource control policies (semantics.md section 8), read once per scan
//! with the base credentials: every RCP (`ListPolicies` with the RCP filter), its document
//! (`DescribePolicy`) and where it is attached (`ListTargetsForPolicy`), the policies at the
//! same time. Nothing is read when the RCP policy type is not enabled on the root (then none is
//! in force), and the targets of a policy without a Deny are not listed: it can refuse nothing
//! (AWS's `RCPFullAWSAccess` is attached to every root, OU and account: listing its targets
//! would cost a call per 20 accounts and say nothing). What cannot be read is a failure with the targets it is known to
//! govern (all, when not known), which [`crate::collect`] turns into error records for those
//! scopes: an unreadable guard rail must not look like no guard rail.

use aws_sdk_organizations::types::PolicyType;
use perimeter_model::{ResourceControlPolicy, ResourceControls};

use crate::aws::Clients;
use crate::failure::{classify, Failure};
use crate::pacing::{Api, Pacing, GLOBAL};

/// Something of the RCPs that could not be read.
#[derive(Debug, Clone)]
pub struct RcpFailure {
    /// What could not be read (`the list of resource control policies`, `policy p-… (name)`).
    pub what: String,
    /// The roots, OUs and accounts it governs; `None` when not known (then every account).
    pub targets: Option<Vec<String>>,
    pub failure: Failure,
}

/// The RCPs read, and what could not be.
#[derive(Debug, Clone, Default)]
pub struct RcpRead {
    /// `None` when the list of policies itself could not be read.
    pub controls: Option<ResourceControls>,
    pub failures: Vec<RcpFailure>,
}

pub async fn read(clients: &Clients, pacing: &Pacing, enabled: bool) -> RcpRead {
    if !enabled {
        return RcpRead { controls: Some(ResourceControls { enabled: false, policies: Vec::new() }), failures: Vec::new() };
    }
    let org = &clients.organizations;
    let mut summaries = Vec::new();
    let mut pages = org.list_policies().filter(PolicyType::ResourceControlPolicy).into_paginator().send();
    while let Some(page) = pacing.call(Api::at(GLOBAL, "organizations:ListPolicies"), pages.next()).await {
        match page {
            Ok(page) => summaries.extend(page.policies().iter().cloned()),
            Err(e) => {
                return RcpRead {
                    controls: None,
                    failures: vec![RcpFailure {
                        what: "the list of resource control policies".into(),
                        targets: None,
                        failure: classify(&e).reading("ListPolicies"),
                    }],
                };
            }
        }
    }
    let reads = summaries.iter().map(|s| async move {
        let id = s.id().unwrap_or_default().to_string();
        let name = s.name().unwrap_or_default().to_string();
        let document = describe(clients, pacing, &id).await;
        let targets = match &document {
            Ok(text) if !may_deny(text) => Ok(Vec::new()),
            _ => targets(clients, pacing, &id).await,
        };
        (id, name, s.aws_managed(), document, targets)
    });
    let mut out = RcpRead::default();
    let mut policies = Vec::new();
    for (id, name, aws_managed, document, targets) in futures::future::join_all(reads).await {
        let what = format!("resource control policy {id} ({name})");
        match (document, targets) {
            (Ok(document), Ok(targets)) => policies.push(ResourceControlPolicy { id, name, aws_managed, document, targets }),
            (Err(failure), targets) => out.failures.push(RcpFailure { what, targets: targets.ok(), failure }),
            (Ok(_), Err(failure)) => out.failures.push(RcpFailure { what, targets: None, failure }),
        }
    }
    policies.sort_by(|a, b| a.id.cmp(&b.id));
    out.controls = Some(ResourceControls { enabled: true, policies });
    out
}

/// Whether a policy document may hold a Deny: any statement whose `Effect` is not `Allow`, or a
/// document that is not a JSON policy at all (the evaluator then reports it, with its targets).
fn may_deny(text: &str) -> bool {
    let Ok(json) = serde_json::from_str::<serde_json::Value>(text) else { return true };
    let statements = match &json["Statement"] {
        serde_json::Value::Array(list) => list.iter().collect(),
        other => vec![other],
    };
    statements.iter().any(|st| st.get("Effect").and_then(serde_json::Value::as_str) != Some("Allow"))
}

async fn describe(clients: &Clients, pacing: &Pacing, id: &str) -> Result<String, Failure> {
    let call = clients.organizations.describe_policy().policy_id(id).send();
    let out = pacing.call(Api::at(GLOBAL, "organizations:DescribePolicy"), call).await.map_err(|e| classify(&e).reading(&format!("DescribePolicy {id}")))?;
    out.policy()
        .and_then(|p| p.content())
        .map(str::to_string)
        .ok_or_else(|| Failure::new(perimeter_model::ErrorCode::ServiceError, format!("DescribePolicy {id} returned no document")))
}

async fn targets(clients: &Clients, pacing: &Pacing, id: &str) -> Result<Vec<String>, Failure> {
    let mut out = Vec::new();
    let mut pages = clients.organizations.list_targets_for_policy().policy_id(id).into_paginator().send();
    while let Some(page) = pacing.call(Api::at(GLOBAL, "organizations:ListTargetsForPolicy"), pages.next()).await {
        let page = page.map_err(|e| classify(&e).reading(&format!("ListTargetsForPolicy {id}")))?;
        out.extend(page.targets().iter().filter_map(|t| t.target_id()).map(str::to_string));
    }
    out.sort();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::may_deny;

    #[test]
    fn only_a_document_of_allows_alone_may_not_deny() {
        assert!(!may_deny(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}"#));
        assert!(!may_deny(r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}}"#));
        assert!(may_deny(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow"},{"Effect":"Deny"}]}"#));
        assert!(may_deny(r#"{"Statement":[{"Effect":"deny"}]}"#), "not `Allow` exactly: let the evaluator judge it");
        assert!(may_deny("{not json"));
    }
}
