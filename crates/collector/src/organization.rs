//! Discovery of the organization: its ID, the management account, every account with its
//! status and OU path (`o-…/r-…/ou-…/`). Outside an organization the zone is the caller's
//! account alone.

use std::collections::BTreeMap;

use aws_sdk_organizations::types::AccountStatus as OrgStatus;
use perimeter_model::AccountStatus;

use crate::aws::Clients;
use crate::failure::{classify, Failure};
use crate::pacing::{Api, Pacing, GLOBAL};

/// One account of the organization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgAccount {
    pub id: String,
    pub name: Option<String>,
    pub status: AccountStatus,
    pub org_path: Option<String>,
}

/// What discovery found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Organization {
    /// `None` when the caller's account is not in an organization.
    pub id: Option<String>,
    pub management_account: String,
    pub accounts: Vec<OrgAccount>,
    /// The resource control policy type is enabled on the root (ListRoots says so).
    pub rcps_enabled: bool,
}

/// Reads the organization with the base credentials; `caller` is the base credentials' account.
pub async fn discover(clients: &Clients, pacing: &Pacing, caller: &str) -> Result<Organization, Failure> {
    let org = match pacing.call(Api::at(GLOBAL, "organizations:DescribeOrganization"), clients.organizations.describe_organization().send()).await {
        Ok(out) => out.organization,
        Err(e) => {
            let failure = classify(&e);
            if failure.is_code(&["AWSOrganizationsNotInUseException"]) {
                return Ok(Organization {
                    id: None,
                    management_account: caller.to_string(),
                    accounts: vec![OrgAccount {
                        id: caller.to_string(),
                        name: None,
                        status: AccountStatus::Active,
                        org_path: None,
                    }],
                    rcps_enabled: false,
                });
            }
            return Err(failure.reading("DescribeOrganization"));
        }
    };
    let org = org.ok_or_else(|| Failure::new(perimeter_model::ErrorCode::ServiceError, "DescribeOrganization returned no organization"))?;
    let org_id = org.id().unwrap_or_default().to_string();
    let management_account = org.master_account_id().unwrap_or(caller).to_string();

    // The account list and the OU tree are independent: read them at the same time.
    let (accounts, tree) = tokio::join!(list_accounts(clients, pacing), ou_paths(clients, pacing, &org_id));
    let mut accounts = accounts?;
    let (paths, rcps_enabled) = tree?;
    for a in &mut accounts {
        a.org_path = paths.get(&a.id).cloned();
    }
    accounts.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(Organization { id: Some(org_id), management_account, accounts, rcps_enabled })
}

async fn list_accounts(clients: &Clients, pacing: &Pacing) -> Result<Vec<OrgAccount>, Failure> {
    let mut accounts = Vec::new();
    let mut pages = clients.organizations.list_accounts().into_paginator().send();
    while let Some(page) = pacing.call(Api::at(GLOBAL, "organizations:ListAccounts"), pages.next()).await {
        let page = page.map_err(|e| classify(&e).reading("ListAccounts"))?;
        for a in page.accounts() {
            let Some(id) = a.id() else { continue };
            let status = match a.status() {
                Some(OrgStatus::Active) => AccountStatus::Active,
                Some(OrgStatus::Suspended) => AccountStatus::Suspended,
                Some(OrgStatus::PendingClosure) => AccountStatus::PendingClosure,
                _ => AccountStatus::Other,
            };
            accounts.push(OrgAccount { id: id.to_string(), name: a.name().map(str::to_string), status, org_path: None });
        }
    }
    Ok(accounts)
}

/// The OU path of every account, by walking the tree from the roots, one level at a time with
/// the parents of a level read at the same time (two paginated calls per root or OU, fewer
/// than one call per account in any organization with more accounts than OUs); and whether the
/// root has the resource control policy type enabled.
async fn ou_paths(clients: &Clients, pacing: &Pacing, org_id: &str) -> Result<(BTreeMap<String, String>, bool), Failure> {
    use aws_sdk_organizations::types::{PolicyType, PolicyTypeStatus};
    let org = &clients.organizations;
    let mut parents: Vec<(String, String)> = Vec::new();
    let mut rcps_enabled = false;
    let mut pages = org.list_roots().into_paginator().send();
    while let Some(page) = pacing.call(Api::at(GLOBAL, "organizations:ListRoots"), pages.next()).await {
        let page = page.map_err(|e| classify(&e).reading("ListRoots"))?;
        for root in page.roots() {
            rcps_enabled |= root.policy_types().iter().any(|p| {
                p.r#type() == Some(&PolicyType::ResourceControlPolicy) && p.status() == Some(&PolicyTypeStatus::Enabled)
            });
            if let Some(id) = root.id() {
                parents.push((id.to_string(), format!("{org_id}/{id}/")));
            }
        }
    }
    let mut paths = BTreeMap::new();
    while !parents.is_empty() {
        let level = futures::future::join_all(parents.iter().map(|(parent, path)| children(clients, pacing, parent, path))).await;
        parents = Vec::new();
        for result in level {
            let (accounts, ous) = result?;
            paths.extend(accounts);
            parents.extend(ous);
        }
    }
    Ok((paths, rcps_enabled))
}

type Children = (Vec<(String, String)>, Vec<(String, String)>);

/// The accounts (with their path) and the OUs (with theirs) right under one parent.
async fn children(clients: &Clients, pacing: &Pacing, parent: &str, path: &str) -> Result<Children, Failure> {
    let org = &clients.organizations;
    let mut accounts = Vec::new();
    let mut pages = org.list_accounts_for_parent().parent_id(parent).into_paginator().send();
    while let Some(page) = pacing.call(Api::at(GLOBAL, "organizations:ListAccountsForParent"), pages.next()).await {
        let page = page.map_err(|e| classify(&e).reading(&format!("ListAccountsForParent {parent}")))?;
        accounts.extend(page.accounts().iter().filter_map(|a| a.id()).map(|id| (id.to_string(), path.to_string())));
    }
    let mut ous = Vec::new();
    let mut pages = org.list_organizational_units_for_parent().parent_id(parent).into_paginator().send();
    while let Some(page) = pacing.call(Api::at(GLOBAL, "organizations:ListOrganizationalUnitsForParent"), pages.next()).await {
        let page = page.map_err(|e| classify(&e).reading(&format!("ListOrganizationalUnitsForParent {parent}")))?;
        ous.extend(page.organizational_units().iter().filter_map(|ou| ou.id()).map(|id| (id.to_string(), format!("{path}{id}/"))));
    }
    Ok((accounts, ous))
}
