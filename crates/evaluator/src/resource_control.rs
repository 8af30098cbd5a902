//! Resource control policies as the analysis uses them (semantics.md section 8): each RCP read
//! and checked once per scan, which of them are in force on a resource (those attached to the
//! root, to every OU on the owner account's path and to the account; none on the management
//! account's resources), and the copies of their Denies that a search adds to a resource's
//! policy, for the actions RCPs govern.

use std::collections::BTreeMap;
use std::sync::Arc;

use perimeter_model::{BlockedBy, ResourceControls};

pub use perimeter_model::resource_control::governs;

use crate::error::Error;
use crate::policy::{Effect, Policy, Statement};

/// One resource control policy, read and checked.
#[derive(Debug, Clone)]
pub struct Rcp {
    pub id: String,
    pub name: String,
    pub policy: Policy,
}

impl Rcp {
    /// Reads one RCP document: a policy ([`Policy::parse`]) with what the Organizations guide
    /// requires of an RCP ([`Policy::check_resource_control_policy`]).
    pub fn parse(id: &str, name: &str, text: &str) -> Result<Rcp, Error> {
        let policy = Policy::parse(text)?;
        policy.check_resource_control_policy()?;
        Ok(Rcp { id: id.to_string(), name: name.to_string(), policy })
    }

    /// How a finding names this RCP.
    pub fn blocked_by(&self) -> BlockedBy {
        BlockedBy { id: self.id.clone(), name: self.name.clone() }
    }

    /// The Deny statements (an RCP's Allows grant nothing).
    pub(crate) fn denies(&self) -> impl Iterator<Item = &Statement> {
        self.policy.statements.iter().filter(|s| s.effect == Effect::Deny)
    }
}

/// An RCP of the organization that could not be read or checked, with where it is attached
/// (the scopes it governs are incomplete).
#[derive(Debug, Clone)]
pub struct RcpError {
    pub id: String,
    pub name: String,
    pub targets: Vec<String>,
    pub error: Error,
}

/// The organization's RCPs, and where each is attached.
#[derive(Debug, Clone, Default)]
pub struct Guardrails {
    rcps: Vec<Arc<Rcp>>,
    /// Target (root, OU or account ID) → the RCPs attached to it (indexes into `rcps`).
    attached: BTreeMap<String, Vec<usize>>,
    management_account: Option<String>,
}

impl Guardrails {
    /// The RCPs in force in an organization as read, each document checked; an RCP that does
    /// not parse is returned as an error and left out (the cli makes the scopes it governs
    /// incomplete). Nothing is in force when the policy type is not enabled.
    pub fn new(controls: &ResourceControls, management_account: Option<&str>) -> (Guardrails, Vec<RcpError>) {
        let mut g = Guardrails { management_account: management_account.map(str::to_string), ..Guardrails::default() };
        let mut errors = Vec::new();
        if !controls.enabled {
            return (g, errors);
        }
        for p in &controls.policies {
            match Rcp::parse(&p.id, &p.name, &p.document) {
                Ok(rcp) => {
                    // An RCP without a Deny (RCPFullAWSAccess) never refuses anything.
                    if rcp.denies().next().is_none() {
                        continue;
                    }
                    let i = g.rcps.len();
                    g.rcps.push(Arc::new(rcp));
                    for t in &p.targets {
                        g.attached.entry(t.clone()).or_default().push(i);
                    }
                }
                Err(error) => errors.push(RcpError { id: p.id.clone(), name: p.name.clone(), targets: p.targets.clone(), error }),
            }
        }
        (g, errors)
    }

    /// Every RCP given in force on every resource (for `check-policy --rcp`).
    pub fn everywhere(rcps: Vec<Rcp>) -> Guardrails {
        let mut g = Guardrails::default();
        for rcp in rcps {
            g.attached.entry(String::new()).or_default().push(g.rcps.len());
            g.rcps.push(Arc::new(rcp));
        }
        g
    }

    pub fn is_empty(&self) -> bool {
        self.rcps.is_empty()
    }

    /// The RCPs in force on the resources of `account`, whose OU path (`o-…/r-…/ou-…/`) is
    /// `org_path`: those attached to the root, to each OU on the path and to the account
    /// itself; none for the management account. Without a path only the account's own are
    /// known: fewer Denies can only leave more findings unblocked, never hide one.
    pub fn in_force(&self, account: &str, org_path: Option<&str>) -> Vec<Arc<Rcp>> {
        if self.management_account.as_deref() == Some(account) {
            return Vec::new();
        }
        let path = org_path.unwrap_or_default().split('/').skip(1).filter(|s| !s.is_empty());
        let mut indexes: Vec<usize> = std::iter::once("")
            .chain(path)
            .chain(std::iter::once(account))
            .filter_map(|t| self.attached.get(t))
            .flatten()
            .copied()
            .collect();
        indexes.sort_unstable();
        indexes.dedup();
        indexes.into_iter().map(|i| self.rcps[i].clone()).collect()
    }
}

/// `policy` with a copy of every Deny of `rcps` after its own statements, each marked with its
/// RCP (the index in `rcps`) and numbered on from the policy's own.
pub(crate) fn with_denies(policy: &Policy, rcps: &[Arc<Rcp>]) -> Policy {
    let mut merged = policy.clone();
    for (i, rcp) in rcps.iter().enumerate() {
        for st in rcp.denies() {
            let mut copy = st.clone();
            copy.index = merged.statements.len();
            copy.rcp = Some(i);
            merged.statements.push(copy);
        }
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;
    use perimeter_model::ResourceControlPolicy;

    const DENY: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*"}]}"#;
    const FULL: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}"#;

    fn policy(id: &str, document: &str, targets: &[&str]) -> ResourceControlPolicy {
        ResourceControlPolicy {
            id: id.into(),
            name: format!("name-{id}"),
            aws_managed: false,
            document: document.into(),
            targets: targets.iter().map(|t| t.to_string()).collect(),
        }
    }

    #[test]
    fn in_force_are_the_root_the_ous_on_the_path_and_the_account_but_never_on_the_management_account() {
        let controls = ResourceControls {
            enabled: true,
            policies: vec![
                policy("p-root", DENY, &["r-ab12"]),
                policy("p-prod", DENY, &["ou-ab12-prod"]),
                policy("p-other", DENY, &["ou-ab12-dev"]),
                policy("p-acct", DENY, &["222222222222"]),
                policy("p-FullAWSAccess", FULL, &["r-ab12"]),
            ],
        };
        let (g, errors) = Guardrails::new(&controls, Some("111111111111"));
        assert!(errors.is_empty());
        let ids = |v: Vec<Arc<Rcp>>| v.iter().map(|r| r.id.clone()).collect::<Vec<_>>();
        let path = Some("o-x/r-ab12/ou-ab12-prod/");
        assert_eq!(ids(g.in_force("222222222222", path)), ["p-root", "p-prod", "p-acct"]);
        assert_eq!(ids(g.in_force("333333333333", path)), ["p-root", "p-prod"]);
        assert!(g.in_force("111111111111", Some("o-x/r-ab12/")).is_empty());
        // Disabled: nothing in force.
        let (off, _) = Guardrails::new(&ResourceControls { enabled: false, ..controls }, None);
        assert!(off.in_force("222222222222", path).is_empty());
    }

    #[test]
    fn an_rcp_that_does_not_parse_or_names_a_principal_is_an_error_with_its_targets() {
        let bad = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":{"AWS":"111111111111"},"Action":"s3:*","Resource":"*"}]}"#;
        let controls = ResourceControls { enabled: true, policies: vec![policy("p-bad", bad, &["ou-1"]), policy("p-junk", "{", &["r-1"])] };
        let (g, errors) = Guardrails::new(&controls, None);
        assert!(g.is_empty());
        assert_eq!(errors.len(), 2);
        assert_eq!(errors[0].error.pointer(), "/Statement/0");
        assert_eq!(errors[0].targets, ["ou-1"]);
        assert!(governs("ou-1", "222222222222", Some("o-x/r-1/ou-1/")));
        assert!(!governs("ou-1", "222222222222", Some("o-x/r-1/ou-2/")));
        assert!(governs("ou-1", "222222222222", None));
    }
}
