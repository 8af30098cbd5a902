//! Fences: which Denies narrow an access that a witness proved (docs/findings.md: a Deny
//! counts when some external request that the Allow grants to the principal is one the Deny
//! refuses). Each test varies only the keys the Allow, that one Deny and the zone test read
//! (see `enumerate`), and is made once per Deny shape and target class: Denies written alike
//! (principal, resource and condition) and action groups alike (resources, fixed context) give
//! the same answer, so a policy of many Denies and many action groups is not tested again and
//! again.

use foldhash::{HashMap, HashMapExt};
use std::sync::Arc;

use super::actions::Group;
use super::callers::Profile;
use super::enumerate::Bound;
use super::{Target, Universe};
use crate::policy::{PrincipalClause, Statement};

/// What the fence tests of one search know so far.
pub(super) struct Fences<'t> {
    /// Shape of each statement tested so far (by index): equal when principal, resource and
    /// conditions are written alike. Worked out only for the Denies a fence test needs.
    shapes: HashMap<usize, usize>,
    /// The text of each shape seen, and its number.
    shape_texts: HashMap<String, usize>,
    /// Targets standing for each class seen: resources, fixed context and (under an action
    /// rule, where callers depend on the action) the action.
    classes: Vec<&'t Target>,
    /// (Allow statement, principal entry, Deny shape, target class) → narrows, or the bound
    /// the test stopped at.
    answers: HashMap<(usize, usize, usize, usize), Result<bool, Bound>>,
    by_action: bool,
}

/// What the fence tests said for one finding.
pub(super) enum Fenced<'p> {
    /// The Denies that narrow it (each tested).
    Decided(Vec<&'p Statement>),
    /// A test stopped at a bound: which Denies narrow it is not known.
    Undecided(Bound),
}

impl<'t> Fences<'t> {
    pub(super) fn new(by_action: bool) -> Fences<'t> {
        Fences { shapes: HashMap::new(), shape_texts: HashMap::new(), classes: Vec::new(), answers: HashMap::new(), by_action }
    }

    fn shape_of(&mut self, st: &Statement) -> usize {
        if let Some(shape) = self.shapes.get(&st.index) {
            return *shape;
        }
        let conditions: Vec<(&str, &str, &[String])> =
            st.conditions.iter().map(|c| (c.operator_name.as_str(), c.key_lc.as_str(), c.written.as_slice())).collect();
        let resource = st.resource.as_ref().map(|r| (r.negated, &r.written));
        let text = format!("{:?}|{:?}|{:?}", st.principal, resource, conditions);
        let next = self.shape_texts.len();
        let shape = *self.shape_texts.entry(text).or_insert(next);
        self.shapes.insert(st.index, shape);
        shape
    }

    fn class_of(&mut self, target: &'t Target) -> usize {
        let by_action = self.by_action;
        let alike = |t: &&Target| {
            (Arc::ptr_eq(&t.resources, &target.resources) || t.resources == target.resources)
                && t.fixed == target.fixed
                && t.present == target.present
                && (!by_action || t.action == target.action)
        };
        match self.classes.iter().position(alike) {
            Some(i) => i,
            None => {
                self.classes.push(target);
                self.classes.len() - 1
            }
        }
    }

    /// The Denies of the group that narrow what `allow` grants to the callers of one principal
    /// entry (`entry` numbers the entries of the statement).
    pub(super) fn of<'p>(
        &mut self,
        universe: &Universe<'p>,
        allow: &Statement,
        entry: usize,
        profiles: &[Profile],
        group: &Group<'t>,
    ) -> Fenced<'p> {
        let class = self.class_of(group.targets[0]);
        let mut narrowing = Vec::new();
        for d in &group.denied_by {
            let deny: &'p Statement = &universe.policy.statements[*d];
            // A Deny without conditions narrows nothing worth showing, unless its
            // `NotPrincipal` says who is spared (then who gets in is shown).
            if deny.conditions.is_empty() && !matches!(deny.principal, PrincipalClause::NotPrincipal(_)) {
                continue;
            }
            let key = (allow.index, entry, self.shape_of(deny), class);
            let answer = match self.answers.get(&key) {
                Some(answer) => *answer,
                None => {
                    let answer = universe.deny_narrows(allow, deny, profiles, group);
                    self.answers.insert(key, answer);
                    answer
                }
            };
            match answer {
                Ok(true) => narrowing.push(deny),
                Ok(false) => {}
                Err(bound) => return Fenced::Undecided(bound),
            }
        }
        Fenced::Decided(narrowing)
    }
}
