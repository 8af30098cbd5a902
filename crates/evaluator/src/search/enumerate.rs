//! Enumeration: the candidate requests of one (statement, callers, action group), walked as an
//! odometer over the candidate values of the keys that decide, within [`SEARCH_BOUND`] requests
//! and the resource's work [`Budget`](super::Budget); first for a public witness, then for any.
//! The same walk, over the keys of one Allow and one Deny only, tells whether that Deny narrows
//! an access. Between two requests only the keys whose choice changed are set again.

use std::collections::BTreeMap;

use perimeter_model::{Request, RequestPrincipal};

use super::actions::{self, Group};
use super::callers::Profile;
use super::candidates::{self, Candidate};
use super::{Target, Universe, SEARCH_BOUND};
use crate::evaluate::{self, Context};
use crate::keys;
use crate::policy::Statement;

/// What the search for one (statement, principal, action group) found.
pub(super) enum Outcome {
    Found { request: Request, public: bool },
    None,
    GaveUp(Bound),
}

/// The bound a walk stopped at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Bound {
    /// [`SEARCH_BOUND`] requests for this one search.
    Search,
    /// The work budget of the whole resource.
    Resource,
}

/// Which requests a walk over one search's callers tries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pass {
    /// Only those with no pinning caller or value (a public access).
    Public,
    /// Every request, after a whole [`Pass::Public`] over the same callers: those it tried
    /// are skipped.
    AfterPublic,
    /// Every request.
    Any,
}

/// The requests one search may still evaluate, the bound it stopped at, if any, and the base
/// context of each caller once built (a second pass over the same callers reuses it).
struct Walk<'c> {
    left: usize,
    stopped: Option<Bound>,
    bases: Vec<Option<Context<'c>>>,
}

impl Walk<'_> {
    fn new(callers: usize) -> Self {
        Walk { left: SEARCH_BOUND, stopped: None, bases: std::iter::repeat_with(|| None).take(callers).collect() }
    }
}

impl Universe<'_> {
    /// Searches one (statement, principal, action group) for an allowed external request:
    /// first one with no pinning value (public), then any.
    pub(super) fn find_witness(&self, st: &Statement, can_be_public: bool, profiles: &[Profile], group: &Group<'_>) -> Outcome {
        if self.scope.budget.is_spent() {
            return Outcome::GaveUp(Bound::Resource);
        }
        let keys = self.deciding_keys(st, group, group.targets[0]);
        // Each request checks the statement, the group's Denies and the gate's statements.
        let checked = 1 + group.denied_by.len() + self.scope.gate.as_ref().map_or(0, |g| g.policy.statements.len());
        let mut walk = Walk::new(profiles.len());
        let accept = |profile: &Profile, target: &Target, resource: &str, ctx: &Context<'_>| {
            self.try_request(st, &group.denied_by, profile, target, resource, ctx)
        };
        if can_be_public {
            if let Some(request) = self.search_requests(profiles, group, &keys, checked, Pass::Public, &mut walk, &accept) {
                return Outcome::Found { request, public: true };
            }
            if let Some(bound) = walk.stopped {
                return Outcome::GaveUp(bound);
            }
        }
        // After a whole public pass, the requests it tried are known to fail: only those with a
        // pinning caller or value are new.
        let pass = if can_be_public { Pass::AfterPublic } else { Pass::Any };
        match self.search_requests(profiles, group, &keys, checked, pass, &mut walk, &accept) {
            Some(request) => Outcome::Found { request, public: false },
            None => walk.stopped.map_or(Outcome::None, Outcome::GaveUp),
        }
    }

    /// Whether the Deny `deny` takes away some external request that `allow` grants to these
    /// callers (so that its condition is part of the access: a fence), or the bound the test
    /// stopped at. Only the keys that the two statements and the zone test read are varied.
    pub(super) fn deny_narrows(
        &self,
        allow: &Statement,
        deny: &Statement,
        profiles: &[Profile],
        group: &Group<'_>,
    ) -> Result<bool, Bound> {
        if self.scope.budget.is_spent() {
            return Err(Bound::Resource);
        }
        let keys = self.fence_keys(allow, deny, group.targets[0]);
        let mut walk = Walk::new(profiles.len());
        let found = self.search_requests(profiles, group, &keys, 2, Pass::Any, &mut walk, &|profile, target, resource, ctx| {
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
        match (found, walk.stopped) {
            (Some(_), _) => Ok(true),
            (None, Some(bound)) => Err(bound),
            (None, None) => Ok(false),
        }
    }

    /// Enumerates the candidate requests of one (callers, action group) over `keys` until
    /// `accept` returns a request or a bound is reached (then `walk.stopped` says which). Each
    /// request spends `1 + keys + checked` units of the resource's budget; a request the pass
    /// knows to have failed already is not evaluated again and spends nothing.
    #[expect(clippy::too_many_arguments, reason = "one walk, its keys, its cost and its verdict")]
    fn search_requests<'c>(
        &'c self,
        profiles: &'c [Profile],
        group: &Group<'c>,
        keys: &[&'c str],
        checked: usize,
        pass: Pass,
        walk: &mut Walk<'c>,
        accept: &dyn Fn(&Profile, &Target, &str, &Context<'_>) -> Option<Request>,
    ) -> Option<Request> {
        let target = group.targets[0];
        let cost = (1 + keys.len() + checked) as u64;
        let public_only = pass == Pass::Public;
        for (caller, profile) in profiles.iter().enumerate() {
            if public_only && profile.pins {
                continue;
            }
            if !actions::action_allowed(self.scope, &profile.principal, &target.action) {
                continue;
            }
            let choices = self.choices(keys, profile, target, public_only);
            if choices.iter().any(Vec::is_empty) {
                continue;
            }
            // A caller that does not pin, with values none of which pins: the public pass
            // tried every such request.
            let tried = |index: &[usize]| {
                pass == Pass::AfterPublic && !profile.pins && index.iter().zip(&choices).all(|(i, options)| !options[*i].pins)
            };
            if pass == Pass::AfterPublic && !profile.pins && choices.iter().all(|options| options.iter().all(|c| !c.pins)) {
                continue;
            }
            let base = walk.bases[caller].take().unwrap_or_else(|| self.base_context(profile, target));
            for resource in target.resources.iter() {
                if choices.is_empty() {
                    // No key varies: the one request is the base context itself.
                    match self.try_one(walk, cost, profile, target, resource, &base, accept) {
                        Ok(Some(request)) => return Some(request),
                        Ok(None) => continue,
                        Err(()) => return None,
                    }
                }
                let mut index = vec![0usize; choices.len()];
                let mut ctx = base.clone();
                set_choices(&mut ctx, &base, keys, &choices, &index, choices.len());
                loop {
                    if tried(&index) {
                        match advance(&mut index, &choices) {
                            Some(changed) => set_choices(&mut ctx, &base, keys, &choices, &index, changed),
                            None => break,
                        }
                        continue;
                    }
                    match self.try_one(walk, cost, profile, target, resource, &ctx, accept) {
                        Ok(Some(request)) => return Some(request),
                        Ok(None) => {}
                        Err(()) => return None,
                    }
                    match advance(&mut index, &choices) {
                        Some(changed) => set_choices(&mut ctx, &base, keys, &choices, &index, changed),
                        None => break,
                    }
                }
            }
            walk.bases[caller] = Some(base);
        }
        None
    }

    /// Spends one request of the walk and the budget on `ctx`, and asks `accept`; `Err` when a
    /// bound is reached (`walk.stopped` says which).
    #[expect(clippy::too_many_arguments, reason = "one request of a walk")]
    fn try_one(
        &self,
        walk: &mut Walk<'_>,
        cost: u64,
        profile: &Profile,
        target: &Target,
        resource: &str,
        ctx: &Context<'_>,
        accept: &dyn Fn(&Profile, &Target, &str, &Context<'_>) -> Option<Request>,
    ) -> Result<Option<Request>, ()> {
        if walk.left == 0 {
            walk.stopped = Some(Bound::Search);
            return Err(());
        }
        if !self.scope.budget.spend(cost) {
            walk.stopped = Some(Bound::Resource);
            return Err(());
        }
        walk.left -= 1;
        Ok(accept(profile, target, resource, ctx))
    }

    /// The keys that decide: those of the statement, of the Denies that cover the action and
    /// of the gate, that have candidates and that the resource does not fix.
    fn deciding_keys(&self, st: &Statement, group: &Group<'_>, target: &Target) -> Vec<&str> {
        let own = std::iter::once(&st.index).chain(group.denied_by.iter()).flat_map(|i| &self.policy.statements[*i].conditions);
        let gate = self.scope.gate.iter().flat_map(|g| g.policy.statements.iter().flat_map(|s| &s.conditions));
        let mut keys: Vec<&str> = Vec::new();
        for c in own.chain(gate) {
            self.add_key(&mut keys, &c.key_lc);
        }
        let own = std::iter::once(&st.index).chain(group.denied_by.iter()).map(|i| &self.policy.statements[*i]);
        let gate = self.scope.gate.iter().flat_map(|g| g.policy.statements.iter());
        for s in own.chain(gate) {
            for key in candidates::variable_keys(s) {
                self.add_key(&mut keys, key);
            }
        }
        keys.retain(|k| !target.fixed.iter().any(|(f, _)| f == k) && !self.knows_resource_key(k));
        keys
    }

    /// The keys a fence test reads: those of the Allow's and the Deny's conditions, the keys
    /// their policy variables name, and the keys the zone test reads (access point and source
    /// keys), that have candidates and that the resource does not fix. No other key changes
    /// whether the two statements match or the request is external.
    fn fence_keys(&self, allow: &Statement, deny: &Statement, target: &Target) -> Vec<&str> {
        let mut keys: Vec<&str> = Vec::new();
        for st in [allow, deny] {
            for c in &st.conditions {
                self.add_key(&mut keys, &c.key_lc);
            }
            for key in candidates::variable_keys(st) {
                self.add_key(&mut keys, key);
            }
        }
        for k in self.scope.zone_keys.iter().map(|z| z.key).chain(keys::SOURCE_KEYS) {
            self.add_key(&mut keys, k);
        }
        keys.retain(|k| !target.fixed.iter().any(|(f, _)| f == k) && !self.knows_resource_key(k));
        keys
    }

    /// Whether the key is a resource key whose value the analysis knows (it is then set, never
    /// varied).
    fn knows_resource_key(&self, key_lc: &str) -> bool {
        keys::classify(key_lc) == keys::KeyClass::Resource && self.scope.resource.value(key_lc).is_some()
    }

    /// A resource key that the statement, the group's Denies or the gate read (in a condition
    /// or a policy variable) and whose value the analysis does not know, if any.
    pub(super) fn unknown_resource_key(&self, st: &Statement, group: &Group<'_>) -> Option<String> {
        let own = std::iter::once(&st.index).chain(group.denied_by.iter()).map(|i| &self.policy.statements[*i]);
        let gate = self.scope.gate.iter().flat_map(|g| g.policy.statements.iter());
        let unknown = |k: &str| keys::classify(k) == keys::KeyClass::Resource && self.scope.resource.value(k).is_none();
        own.chain(gate).find_map(|s| {
            s.conditions
                .iter()
                .find(|c| unknown(&c.key_lc))
                .map(|c| c.key.clone())
                .or_else(|| candidates::variable_keys(s).find(|k| unknown(k)).map(keys::display_name))
        })
    }

    /// Adds `key` (lowercase) to `keys` once, if it has candidates (as the candidates' own key).
    fn add_key<'k>(&'k self, keys: &mut Vec<&'k str>, key: &str) {
        if let Some((k, _)) = self.candidates.get_key_value(key)
            && !keys.contains(&k.as_str())
        {
            keys.push(k.as_str());
        }
    }

    /// The candidates of each key this caller can send: a key that does not apply to the
    /// caller can only be absent, a claim its provider always issues (or a key every request
    /// for the action carries) is never absent; a public pass leaves out the values that pin.
    fn choices(&self, keys: &[&str], profile: &Profile, target: &Target, public_only: bool) -> Vec<Vec<&Candidate>> {
        keys.iter()
            .map(|k| {
                let applicable = keys::applies_to(k, &profile.principal);
                // A claim every token of the caller's provider carries is never absent.
                let present = keys::always_present(k, &profile.principal) || target.present.contains(k);
                self.candidates[*k]
                    .iter()
                    .filter(|c| (applicable || c.values.is_none()) && !(present && c.values.is_none()))
                    .filter(|c| !(public_only && c.pins))
                    .collect()
            })
            .collect()
    }

    /// The context every request of a caller and action starts from: the caller's identity
    /// keys and the keys the resource fixes; the search then sets the keys it varies.
    fn base_context<'c>(&'c self, profile: &'c Profile, target: &'c Target) -> Context<'c> {
        // The caller's keys, the service keys, the resource's and the fixed ones, and room for
        // the keys the search varies.
        let mut ctx = Context::with_capacity(profile.identity.len() + target.fixed.len() + 8);
        for (k, v) in &profile.identity {
            ctx.set(*k, &**v);
        }
        if let RequestPrincipal::Service { service } = &profile.principal {
            ctx.set("aws:principalisawsservice", vec!["true".into()]);
            ctx.set("aws:principalservicename", vec![service.clone()]);
            ctx.set("aws:principalservicenameslist", vec![service.clone()]);
        }
        // The resource's own keys, where known, read by some condition.
        for key in self.candidates.keys() {
            if keys::classify(key) == keys::KeyClass::Resource
                && let Some(value) = self.scope.resource.value(key)
            {
                ctx.set(key.as_str(), vec![value.to_string()]);
            }
        }
        for (k, v) in &target.fixed {
            match v {
                Some(v) => ctx.set(k.as_str(), vec![v.clone()]),
                None => ctx.remove(k),
            }
        }
        ctx
    }
}

/// Sets the first `upto` varied keys to the choice the odometer points at; an absent choice
/// falls back to the base context's value.
fn set_choices<'c>(
    ctx: &mut Context<'c>,
    base: &Context<'c>,
    keys: &[&'c str],
    choices: &[Vec<&'c Candidate>],
    index: &[usize],
    upto: usize,
) {
    for ((key, options), i) in keys.iter().zip(choices).zip(index).take(upto) {
        match &options[*i].values {
            Some(values) => ctx.set(*key, values.as_slice()),
            None => match base.values(key) {
                Some(values) => ctx.set(*key, values),
                None => ctx.remove(key),
            },
        }
    }
    // Values with policy variables resolve against the request as now set (any key may have
    // changed what they resolve to).
    for ((key, options), i) in keys.iter().zip(choices).zip(index) {
        let candidate = options[*i];
        if candidate.template.is_some() {
            let values = candidate.resolve(|k| ctx.get(k));
            if let Some(values) = values {
                ctx.set(*key, values);
            }
        }
    }
}

/// Odometer over the choices: the number of leading positions that changed, or `None` when
/// every combination was visited.
fn advance(index: &mut [usize], choices: &[Vec<&Candidate>]) -> Option<usize> {
    for (i, slot) in index.iter_mut().enumerate() {
        *slot += 1;
        if *slot < choices[i].len() {
            return Some(i + 1);
        }
        *slot = 0;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn odometer_visits_every_combination() {
        let a = Candidate::of(None, false);
        let choices = vec![vec![&a, &a], vec![&a, &a, &a]];
        let mut index = vec![0, 0];
        let mut n = 1;
        while advance(&mut index, &choices).is_some() {
            n += 1;
        }
        assert_eq!(n, 6);
    }
}
