//! The verdict on one concrete request: whether it is external (its caller is outside the zone
//! and it does not come in through the zone) and whether the statement, the whole policy and
//! the gate allow it. An allowed external request is the witness of a finding. The check stops
//! at the first thing that fails, and reads only the Denies that can match the action; a
//! request that passes is evaluated once more against the whole policy.

use perimeter_model::{Request, RequestPrincipal};

use super::callers::Profile;
use super::{Target, Universe};
use crate::condition;
use crate::evaluate::{self, Context};
use crate::keys;
use crate::policy::Statement;

impl Universe<'_> {
    /// Checks one concrete request: from outside the zone, matched by the statement, refused by
    /// none of `denies` (the Denies whose action matches the target's; no other can match),
    /// allowed by the gate, and then allowed by the whole policy.
    pub(super) fn try_request(
        &self,
        st: &Statement,
        denies: &[usize],
        profile: &Profile,
        target: &Target,
        resource: &str,
        ctx: &Context<'_>,
    ) -> Option<Request> {
        if !self.is_external(st, &profile.principal, ctx) {
            return None;
        }
        if !evaluate::statement_matches(st, &profile.principal, &target.action, resource, ctx) {
            return None;
        }
        let statements = &self.policy.statements;
        if denies.iter().any(|d| evaluate::statement_matches(&statements[*d], &profile.principal, &target.action, resource, ctx)) {
            return None;
        }
        if !self.gate_allows(profile, target, resource, ctx) {
            return None;
        }
        if !evaluate::allows(self.policy, &profile.principal, &target.action, resource, ctx) {
            return None;
        }
        Some(Request {
            principal: profile.principal.clone(),
            action: target.action.to_string(),
            resource: resource.to_string(),
            context: ctx.iter().map(|(k, v)| (keys::display_name(k), v.to_vec())).collect(),
        })
    }

    /// Whether the gate (if any) allows the request, on its resource and with its context.
    fn gate_allows(&self, profile: &Profile, target: &Target, resource: &str, ctx: &Context<'_>) -> bool {
        let Some(gate) = &self.scope.gate else { return true };
        let mut gate_ctx = ctx.clone();
        for (k, v) in &gate.context {
            gate_ctx.set(k.as_str(), v.as_slice());
        }
        let mapped = (gate.map_resource)(resource);
        evaluate::allows(gate.policy, &profile.principal, &target.action, &mapped, &gate_ctx)
    }

    /// A request is external when its caller is outside the zone and it does not come in
    /// through the zone (a zone key of the scope names a zone account). A service is outside
    /// only when it acts for a source that the granting statement names, outside the zone.
    pub(super) fn is_external(&self, st: &Statement, principal: &RequestPrincipal, ctx: &Context<'_>) -> bool {
        if self.comes_through_zone(ctx) {
            return false;
        }
        match principal {
            RequestPrincipal::Service { .. } => self.service_acts_for_outside(st, ctx),
            _ => true,
        }
    }

    /// Whether a zone key of the scope names an account of the zone.
    fn comes_through_zone(&self, ctx: &Context<'_>) -> bool {
        let zone = self.scope.zone;
        self.scope.zone_keys.iter().any(|zk| {
            ctx.get(zk.key)
                .is_some_and(|v| v.iter().any(|value| (zk.account)(value).is_some_and(|a| zone.contains_account(&a))))
        })
    }

    /// Outside when the granting statement names a source outside the zone, and no source value
    /// of the request places it inside (a bucket ARN has no account; `aws:SourceAccount` then
    /// tells).
    fn service_acts_for_outside(&self, st: &Statement, ctx: &Context<'_>) -> bool {
        let zone = self.scope.zone;
        let sources = || keys::SOURCE_KEYS.iter().filter_map(|k| ctx.get(k).map(|v| (*k, v)));
        let named_outside =
            sources().any(|(k, values)| values.iter().any(|v| named_by(st, k, v, ctx) && !keys::source_inside(zone, k, v)));
        let inside = sources().any(|(k, values)| values.iter().any(|v| keys::source_inside(zone, k, v)));
        named_outside && !inside
    }
}

/// Whether a positive condition of the statement on `key` names `value`.
fn named_by(st: &Statement, key: &str, value: &str, ctx: &Context<'_>) -> bool {
    let lookup = |k: &str| ctx.get(k);
    st.conditions.iter().any(|c| {
        c.key_lc == key
            && !c.base().is_negated()
            && c.values.iter().any(|v| condition::value_matches(c.base(), v, value, &lookup))
    })
}
