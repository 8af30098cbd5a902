//! Enumeration: the candidate requests of one (statement, callers, action group), walked as an
//! odometer over the candidate values of the keys that decide, within [`SEARCH_BOUND`]; first
//! for a public witness, then for any. The same walk tells whether a Deny narrows an access.

use std::collections::BTreeMap;

use perimeter_model::{Request, RequestPrincipal};

use super::actions::{self, Group};
use super::callers::Profile;
use super::candidates::Candidate;
use super::{Target, Universe, SEARCH_BOUND};
use crate::evaluate::{self, Context};
use crate::keys;
use crate::policy::Statement;

/// What the search for one (statement, principal, action group) found.
pub(super) enum Outcome {
    Found { request: Request, public: bool },
    None,
    GaveUp,
}

impl Universe<'_> {
    /// Searches one (statement, principal, action group) for an allowed external request:
    /// first one with no pinning value (public), then any.
    pub(super) fn find_witness(&self, st: &Statement, can_be_public: bool, profiles: &[Profile], group: &Group<'_>) -> Outcome {
        let mut budget = SEARCH_BOUND;
        if can_be_public {
            match self.search_pass(st, profiles, group, true, &mut budget) {
                Some(request) => return Outcome::Found { request, public: true },
                None if budget == 0 => return Outcome::GaveUp,
                None => {}
            }
        }
        match self.search_pass(st, profiles, group, false, &mut budget) {
            Some(request) => Outcome::Found { request, public: false },
            None if budget == 0 => Outcome::GaveUp,
            None => Outcome::None,
        }
    }

    /// One pass over the requests: public callers and values only, or all.
    fn search_pass(
        &self,
        st: &Statement,
        profiles: &[Profile],
        group: &Group<'_>,
        public_only: bool,
        budget: &mut usize,
    ) -> Option<Request> {
        self.search_requests(st, profiles, group, public_only, budget, &|profile, target, resource, ctx| {
            self.try_request(st, profile, target, resource, ctx)
        })
    }

    /// Whether the Deny `deny` takes away some external request that `allow` grants to these
    /// callers (so that its condition is part of the access: a fence), within the search bound.
    pub(super) fn deny_narrows(&self, allow: &Statement, deny: &Statement, profiles: &[Profile], group: &Group<'_>) -> bool {
        let mut budget = SEARCH_BOUND;
        let found = self.search_requests(allow, profiles, group, false, &mut budget, &|profile, target, resource, ctx| {
            let covered = self.is_external(allow, &profile.principal, ctx)
                && evaluate::statement_matches(allow, &profile.principal, &target.action, resource, ctx)
                && evaluate::statement_matches(deny, &profile.principal, &target.action, resource, ctx);
            covered.then(|| Request {
                principal: profile.principal.clone(),
                action: target.action.to_string(),
                resource: resource.to_string(),
                context: BTreeMap::new(),
            })
        });
        found.is_some()
    }

    /// Enumerates the candidate requests of one (statement, callers, action group) until
    /// `accept` returns a request or the budget is spent.
    fn search_requests(
        &self,
        st: &Statement,
        profiles: &[Profile],
        group: &Group<'_>,
        public_only: bool,
        budget: &mut usize,
        accept: &dyn Fn(&Profile, &Target, &str, &Context) -> Option<Request>,
    ) -> Option<Request> {
        let target = group.targets[0];
        let keys = self.deciding_keys(st, group, target);
        for profile in profiles {
            if public_only && profile.pins {
                continue;
            }
            if !actions::action_allowed(self.scope, &profile.principal, &target.action) {
                continue;
            }
            let choices = self.choices(&keys, profile, public_only);
            if choices.iter().any(Vec::is_empty) {
                continue;
            }
            let base = self.base_context(profile, target);
            let mut ctx = base.clone();
            for resource in target.resources.iter() {
                let mut index = vec![0usize; choices.len()];
                loop {
                    if *budget == 0 {
                        return None;
                    }
                    *budget -= 1;
                    set_choice(&mut ctx, &base, &keys, &choices, &index);
                    if let Some(request) = accept(profile, target, resource, &ctx) {
                        return Some(request);
                    }
                    if !advance(&mut index, &choices) {
                        break;
                    }
                }
            }
        }
        None
    }

    /// The keys that decide: those of the statement, of the Denies that cover the action and
    /// of the gate, that have candidates and that the resource does not fix.
    fn deciding_keys(&self, st: &Statement, group: &Group<'_>, target: &Target) -> Vec<&str> {
        let mut keys: Vec<&str> = Vec::new();
        let own = std::iter::once(&st.index).chain(group.denied_by.iter()).flat_map(|i| &self.policy.statements[*i].conditions);
        let gate = self.scope.gate.iter().flat_map(|g| g.policy.statements.iter().flat_map(|s| &s.conditions));
        for c in own.chain(gate) {
            if self.candidates.contains_key(&c.key_lc) && !keys.contains(&c.key_lc.as_str()) {
                keys.push(c.key_lc.as_str());
            }
        }
        keys.retain(|k| !target.fixed.iter().any(|(f, _)| f == k));
        keys
    }

    /// The candidates of each key this caller can send: a key that does not apply to the
    /// caller can only be absent; a public pass leaves out the values that pin.
    fn choices(&self, keys: &[&str], profile: &Profile, public_only: bool) -> Vec<Vec<&Candidate>> {
        keys.iter()
            .map(|k| {
                let applicable = keys::applies_to(k, &profile.principal);
                self.candidates[*k]
                    .iter()
                    .filter(|c| (applicable || c.values.is_none()) && !(public_only && c.pins))
                    .collect()
            })
            .collect()
    }

    /// The context every request of a caller and action starts from: the caller's identity
    /// keys and the keys the resource fixes; the search then sets the keys it varies.
    fn base_context(&self, profile: &Profile, target: &Target) -> Context {
        let mut ctx = Context::default();
        for (k, v) in &profile.identity {
            ctx.set(k, v.clone());
        }
        if let RequestPrincipal::Service { service } = &profile.principal {
            ctx.set("aws:principalisawsservice", vec!["true".into()]);
            ctx.set("aws:principalservicename", vec![service.clone()]);
        }
        for (k, v) in &target.fixed {
            match v {
                Some(v) => ctx.set(k, vec![v.clone()]),
                None => ctx.remove(k),
            }
        }
        ctx
    }
}

/// Sets every varied key to the choice the odometer points at; an absent choice falls back to
/// the base context's value.
fn set_choice(ctx: &mut Context, base: &Context, keys: &[&str], choices: &[Vec<&Candidate>], index: &[usize]) {
    for ((key, options), i) in keys.iter().zip(choices).zip(index) {
        match &options[*i].values {
            Some(values) => ctx.set(key, values.clone()),
            None => match base.get(key) {
                Some(values) => ctx.set(key, values.to_vec()),
                None => ctx.remove(key),
            },
        }
    }
}

/// Odometer over the choices; false when every combination was visited.
fn advance(index: &mut [usize], choices: &[Vec<&Candidate>]) -> bool {
    for (i, slot) in index.iter_mut().enumerate() {
        *slot += 1;
        if *slot < choices[i].len() {
            return true;
        }
        *slot = 0;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn odometer_visits_every_combination() {
        let a = Candidate { values: None, pins: false };
        let choices = vec![vec![&a, &a], vec![&a, &a, &a]];
        let mut index = vec![0, 0];
        let mut n = 1;
        while advance(&mut index, &choices) {
            n += 1;
        }
        assert_eq!(n, 6);
    }
}
