//! Action groups: targets that every statement treats alike (the same statements of the policy
//! and of the gate match the action; the same resources and fixed context) are searched once,
//! and the group's finding names all of their actions. Also the scope's action rule: which
//! callers may send an action at all.

use std::sync::Arc;

use perimeter_model::{RequestPrincipal, Zone};

use super::{may_grant_outside, ActionRule, Scope, Target};
use crate::policy::{Effect, Policy};

/// Offset of the gate's statement indexes in a group signature, past the policy's own.
const GATE_OFFSET: usize = 1_000_000;

/// Targets searched together, with the statements of the policy that allow and deny them.
pub(super) struct Group<'t> {
    pub(super) targets: Vec<&'t Target>,
    pub(super) allowed_by: Vec<usize>,
    pub(super) denied_by: Vec<usize>,
}

/// Groups the targets that some Allow statement of the policy that can grant outside the zone
/// matches ([`super::may_grant_outside`]; no other Allow lets in an external request).
pub(super) fn group_targets<'t>(
    policy: &Policy,
    gate: Option<&Policy>,
    targets: &'t [Target],
    rule: Option<ActionRule>,
    zone: &Zone,
) -> Vec<Group<'t>> {
    let mut groups: Vec<(Vec<usize>, &Target, Group<'t>)> = Vec::new();
    // The statements (policy and gate) whose Action matches the target: the group signature.
    let mut signature: Vec<usize> = Vec::new();
    for target in targets {
        signature.clear();
        signature.extend(policy.statements.iter().filter(|s| s.action.matches(&target.action)).map(|s| s.index));
        let own = signature.len();
        // The gate's statements split groups too (offset past the policy's own indexes).
        signature.extend(gate.into_iter().flat_map(|g| {
            g.statements.iter().filter(|s| s.action.matches(&target.action)).map(|s| s.index + GATE_OFFSET)
        }));
        let matching = &signature[..own];
        if !matching.iter().any(|i| policy.statements[*i].effect == Effect::Allow && may_grant_outside(&policy.statements[*i], zone)) {
            continue;
        }
        let existing = groups.iter_mut().find(|(m, t, _)| *m == signature && alike(t, target, rule));
        match existing {
            Some((_, _, group)) => group.targets.push(target),
            None => {
                let of = |effect: Effect| matching.iter().copied().filter(|i| policy.statements[*i].effect == effect).collect();
                let group = Group { targets: vec![target], allowed_by: of(Effect::Allow), denied_by: of(Effect::Deny) };
                groups.push((signature.clone(), target, group));
            }
        }
    }
    groups.into_iter().map(|(_, _, g)| g).collect()
}

/// Whether two targets with the same signature can share a search.
fn alike(t: &Target, target: &Target, rule: Option<ActionRule>) -> bool {
    (Arc::ptr_eq(&t.resources, &target.resources) || t.resources == target.resources)
        && t.fixed == target.fixed
        && t.present == target.present
        && t.known == target.known
        // Under an action rule each action has its own callers: never grouped.
        && (rule.is_none() || t.action == target.action)
}

/// Whether the scope lets this caller send this action.
pub(super) fn action_allowed(scope: &Scope<'_>, principal: &RequestPrincipal, action: &str) -> bool {
    scope.rule.is_none_or(|may_send| may_send(principal, action))
}
