//! The search under the organization's resource control policies (semantics.md section 8).
//! The policy is searched twice: on its own, and with a copy of every Deny of the RCPs in force
//! after its statements (for the actions RCPs govern; the others are searched once). What the
//! second search still finds are the accesses that get through, each with the RCP Denies that
//! narrow it in its condition (`"RCP <Operator> <key>"`). What the first finds and the second
//! does not, for the same Allow statement, principal entry and action, is blocked: it stays a
//! finding, with the policy's own witness (which the RCPs refuse) and `blocked_by` naming the
//! RCPs that stop it: each RCP that refuses the witness and stops the access on its own, or,
//! when only several together stop it, every RCP with a Deny for the action.

use std::collections::BTreeSet;
use std::sync::Arc;

use perimeter_model::Request;

use super::{search_policy, RawFinding, Scope, Target};
use crate::evaluate::{self, Context};
use crate::policy::Policy;
use crate::resource_control::{self, Rcp};

pub(super) fn search(policy: &Policy, scope: &Scope<'_>) -> Vec<RawFinding> {
    let guards = scope.guards;
    let (governed, free): (Vec<Target>, Vec<Target>) =
        scope.targets.iter().cloned().partition(|t| perimeter_model::rcp_governs(&t.action));
    let mut found = Vec::new();
    if !free.is_empty() {
        found.extend(search_policy(policy, &Scope { targets: &free, guards: &[], ..scope.clone() }));
    }
    if governed.is_empty() {
        return found;
    }
    let scope = Scope { targets: &governed, guards: &[], ..scope.clone() };
    let open = search_policy(policy, &scope);
    if open.is_empty() {
        return found;
    }
    let under = search_policy(&resource_control::with_denies(policy, guards), &scope);
    for raw in &open {
        let passed: BTreeSet<&str> =
            under.iter().filter(|u| u.origin == raw.origin).flat_map(|u| u.actions.iter().map(String::as_str)).collect();
        let blocked: BTreeSet<String> = raw.actions.iter().filter(|a| !passed.contains(a.as_str())).cloned().collect();
        if !blocked.is_empty() {
            found.push(blocked_finding(policy, &scope, guards, raw, blocked));
        }
    }
    found.extend(under);
    found
}

/// The finding for the actions of `raw` that no request gets through the RCPs for. All its
/// actions were one group of the first search (every statement of the policy treats them
/// alike), so the witness with one of them as its action is allowed by the policy too.
fn blocked_finding(policy: &Policy, scope: &Scope<'_>, guards: &[Arc<Rcp>], raw: &RawFinding, actions: BTreeSet<String>) -> RawFinding {
    let action = actions.first().cloned().unwrap_or_default();
    let witness = raw.witness.as_ref().map(|w| Request { action: action.clone(), ..w.clone() });
    let with_deny_for = |action: &str| -> Vec<usize> {
        (0..guards.len()).filter(|i| guards[*i].denies().any(|st| st.action.matches(action))).collect()
    };
    let mut out = RawFinding { actions, witness: witness.clone(), ..raw.clone() };
    let Some(w) = witness else {
        // Reported without proof: the RCPs that could stop it.
        out.blocked_by = with_deny_for(&action).into_iter().map(|i| guards[i].blocked_by()).collect();
        return out;
    };
    let ctx = Context::from_request(&w);
    let refusing: Vec<usize> = (0..guards.len())
        .filter(|i| guards[*i].denies().any(|st| evaluate::statement_matches(st, &w.principal, &w.action, &w.resource, &ctx)))
        .collect();
    if refusing.is_empty() {
        // The search under the RCPs found no request, yet none refuses this one: never blocked
        // on such a disagreement.
        out.conservative = Some(format!(
            "the search under the organization's resource control policies found no request for this access, \
             but none of them refuses the witness `{}`; it is reported as not blocked",
            w.action
        ));
        return out;
    }
    let alone: Vec<usize> = if guards.len() == 1 {
        refusing
    } else {
        refusing.into_iter().filter(|i| blocks_alone(policy, scope, &guards[*i], raw.origin, &action)).collect()
    };
    let chosen = if alone.is_empty() { with_deny_for(&action) } else { alone };
    out.blocked_by = chosen.into_iter().map(|i| guards[i].blocked_by()).collect();
    out
}

/// Whether one RCP on its own leaves no request for `action` from the statement and principal
/// entry `origin`.
fn blocks_alone(policy: &Policy, scope: &Scope<'_>, rcp: &Arc<Rcp>, origin: (usize, usize), action: &str) -> bool {
    let targets: Vec<Target> = scope.targets.iter().filter(|t| t.action == action).cloned().collect();
    let merged = resource_control::with_denies(policy, std::slice::from_ref(rcp));
    let under = search_policy(&merged, &Scope { targets: &targets, ..scope.clone() });
    !under.iter().any(|u| u.origin == origin)
}
