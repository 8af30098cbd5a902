//! IAM role: the trust policy only. Requests are the `sts:AssumeRole*` family on the role's
//! ARN, and each caller kind sends its own action ([`may_send`]): AWS principals
//! `sts:AssumeRole`, SAML providers `sts:AssumeRoleWithSAML`, other federated providers
//! `sts:AssumeRoleWithWebIdentity`. Federated callers are tried, since a trust policy may name
//! identity providers.

use std::sync::Arc;

use perimeter_model::{IamRoleInputs, RequestPrincipal, ResourceRecord, SharedVia, Zone};

use super::{scope, target, PathResults, Services};
use crate::policy::ResourceElement;
use crate::search::{self, Scope, Target};

pub const SERVICES: Services = &[("sts", &["role"])];

/// The actions a trust policy is asked about (of the catalog's actions on roles, the ones that
/// assume the role).
const ASSUME_ACTIONS: [&str; 3] = ["sts:AssumeRole", "sts:AssumeRoleWithSAML", "sts:AssumeRoleWithWebIdentity"];

pub(super) fn analyze(record: &ResourceRecord, r: &IamRoleInputs, zone: &Zone, out: &mut PathResults) {
    let Some(policy) = out.parse("trust policy", &r.trust_policy, ResourceElement::NotRequired) else { return };
    let targets: Vec<Target> = ASSUME_ACTIONS.iter().map(|a| target(a, Arc::from([record.arn.clone()]))).collect();
    let scope = Scope { rule: Some(may_send), federated_callers: true, ..scope(zone, &targets, out) };
    out.add(search::search(&policy, &scope), SharedVia::Policy);
}

/// Which `sts:AssumeRole*` action a caller sends: `…WithSAML` for SAML providers,
/// `…WithWebIdentity` for other federated providers, `sts:AssumeRole` for everyone else.
fn may_send(principal: &RequestPrincipal, action: &str) -> bool {
    let a = action.to_ascii_lowercase();
    match principal {
        RequestPrincipal::Federated { provider } if provider.contains(":saml-provider/") => a == "sts:assumerolewithsaml",
        RequestPrincipal::Federated { .. } => a == "sts:assumerolewithwebidentity",
        _ => a == "sts:assumerole",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog;

    #[test]
    fn the_assume_actions_are_role_actions_of_the_catalog() {
        let on_roles: Vec<&str> =
            SERVICES.iter().flat_map(|(s, types)| catalog::actions_on(s, types)).map(|a| a.name).collect();
        for a in ASSUME_ACTIONS {
            assert!(on_roles.contains(&a), "{a}");
        }
    }
}
