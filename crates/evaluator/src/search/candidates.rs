//! Candidate values: what the policy (and the gate) names, learnt once per search. Identity
//! values (accounts, principal ARNs, organizations, unique IDs, service names) become callers
//! to try (see `callers`); every other key the conditions mention gets a short list of values to
//! try, each an instance of what a condition names, a neighbour just past it, or "something
//! else", and always "absent".

use std::collections::{BTreeMap, BTreeSet};

use bigdecimal::BigDecimal;

use super::callers::USER_NAME;
use super::{Scope, Universe};
use crate::condition::{self, BaseOp, Cidr, Family, TemplatePart, Value};
use crate::keys::{self, KeyClass};
use crate::pattern::Pattern;
use crate::policy::{Condition, Effect, Policy, PrincipalClause, PrincipalEntry, Statement};

/// A candidate value of one key: the values (`None` = absent) and whether it pins the caller.
#[derive(Debug, Clone)]
pub(super) struct Candidate {
    pub(super) values: Option<Vec<String>>,
    pub(super) pins: bool,
    /// A condition value with policy variables: resolved against each request (its caller's
    /// identity keys and the other keys the search sets), so that a key the caller chooses can
    /// carry what the variables resolve to. `values` is then the fallback when a variable has
    /// no value. The flag says whether the text around the variables may hold wildcards.
    pub(super) template: Option<(Vec<TemplatePart>, bool)>,
}

impl Candidate {
    pub(super) fn of(values: Option<Vec<String>>, pins: bool) -> Candidate {
        Candidate { values, pins, template: None }
    }

    /// The values this candidate gives a request whose other keys `lookup` reads.
    pub(super) fn resolve<'a>(&self, lookup: impl Fn(&str) -> Option<&'a [String]>) -> Option<Vec<String>> {
        if let Some((parts, wild)) = &self.template
            && let Some(pattern) = condition::resolve_template(parts, *wild, false, lookup)
        {
            return Some(vec![pattern.instance("perimeter")]);
        }
        self.values.clone()
    }
}

impl<'a> Universe<'a> {
    /// Learns everything the policy and the gate name.
    pub(super) fn new(policy: &'a Policy, scope: &'a Scope<'a>) -> Universe<'a> {
        let zone = scope.zone;
        let gate_statements = scope.gate.as_ref().map(|g| g.policy.statements.as_slice()).unwrap_or_default();
        let all_statements = || policy.statements.iter().chain(gate_statements);
        // Every value the conditions write: a fresh account or organization is none of them.
        let named_everywhere = || all_statements().flat_map(|st| &st.conditions).flat_map(|c| &c.written);
        let fresh_account = (0..1000u64)
            .map(|n| (999_999_999_999 - n * 1_111).to_string())
            .find(|a| !zone.contains_account(a) && !named_everywhere().any(|w| w.contains(a.as_str())))
            .unwrap_or_else(|| "999999999999".to_string());
        let fresh_org = (0..1000)
            .map(|n| format!("o-perimeter{n:02}"))
            .find(|o| !zone.is_own_org(o) && !named_everywhere().any(|w| w == o))
            .unwrap_or_else(|| "o-perimeter00".to_string());

        let mut u = Universe {
            policy,
            scope,
            candidates: BTreeMap::new(),
            fresh_account,
            fresh_org,
            named_accounts: Vec::new(),
            named_arns: Vec::new(),
            arn_patterns: Vec::new(),
            orgs: Vec::new(),
            user_ids: Vec::new(),
            federated_providers: Vec::new(),
            services: BTreeSet::new(),
            named_principals: Vec::new(),
            mentions_username: all_statements().any(|st| {
                st.conditions.iter().any(|c| c.key_lc == "aws:username" || c.written.iter().any(|w| w.contains("aws:username")))
                    || st.resource.iter().flat_map(|r| &r.written).any(|w| w.contains("aws:username"))
            }),
        };
        u.orgs.push((None, None, false));
        u.orgs.push((Some(u.fresh_org.clone()), Some(format!("{}/r-perimeter/", u.fresh_org)), false));
        for st in all_statements() {
            for c in &st.conditions {
                u.learn(c);
            }
            let entries = match &st.principal {
                PrincipalClause::Principal(list) | PrincipalClause::NotPrincipal(list) => list.as_slice(),
                PrincipalClause::Missing => &[],
            };
            for entry in entries {
                if *entry != PrincipalEntry::Anyone && !u.named_principals.contains(entry) {
                    u.named_principals.push(entry.clone());
                }
            }
        }
        // A key that a policy variable names and that the caller sets (a tag, say) gets a
        // value to carry, so that a variable compared with another such key can resolve.
        for st in all_statements() {
            for key in variable_keys(st) {
                if keys::classify(key) != KeyClass::Identity && !u.candidates.contains_key(key) {
                    u.candidates.insert(key.to_string(), vec![Candidate::of(Some(vec!["perimeter".to_string()]), false)]);
                }
            }
        }
        u.pin_addresses_by_range();
        for list in u.candidates.values_mut() {
            list.push(Candidate::of(None, false));
        }
        u
    }

    /// An address pins when it lies in a narrow range (section 5) that the policy requires of
    /// it: the range of an Allow's `IpAddress`, or of a Deny's `NotIpAddress` (a Deny of every
    /// address outside it). A `NotIpAddress` of an Allow, or an `IpAddress` of a Deny, never
    /// pins, whatever ranges the other conditions name (semantics.md section 4).
    fn pin_addresses_by_range(&mut self) {
        let gate_statements = self.scope.gate.as_ref().map(|g| g.policy.statements.as_slice()).unwrap_or_default();
        let mut ranges: Vec<(&str, Cidr)> = Vec::new();
        for st in self.policy.statements.iter().chain(gate_statements) {
            for c in &st.conditions {
                let required = match st.effect {
                    Effect::Allow => c.base() == BaseOp::IpAddress,
                    Effect::Deny => c.base() == BaseOp::NotIpAddress,
                };
                if required && keys::audience_pins(&c.key_lc) {
                    for v in &c.values {
                        if let Value::Cidr(net) = v
                            && !net.is_broad()
                        {
                            ranges.push((c.key_lc.as_str(), *net));
                        }
                    }
                }
            }
        }
        for (key, list) in &mut self.candidates {
            if !matches!(key.as_str(), "aws:sourceip" | "aws:vpcsourceip") {
                continue;
            }
            for cand in list.iter_mut() {
                let Some([value]) = cand.values.as_deref() else { continue };
                if let Some(ip) = Cidr::parse(value) {
                    cand.pins = ranges.iter().any(|(k, net)| k == key && net.contains(&ip));
                }
            }
        }
    }

    /// Records what one condition names.
    fn learn(&mut self, c: &Condition) {
        let zone = self.scope.zone;
        let class = keys::classify(&c.key_lc);
        let fixed_values: Vec<(String, bool)> = c
            .written
            .iter()
            .zip(&c.values)
            .map(|(w, v)| (w.clone(), v.is_fixed()))
            .collect();
        match (class, c.key_lc.as_str()) {
            (KeyClass::Identity, "aws:principalaccount" | "kms:calleraccount") => {
                for (w, fixed) in &fixed_values {
                    let account = if *fixed { w.clone() } else { self.account_instance(w) };
                    if !zone.contains_account(&account)
                        && is_account(&account)
                        && !self.named_accounts.iter().any(|(a, _)| *a == account)
                    {
                        self.named_accounts.push((account, *fixed));
                    }
                }
            }
            (KeyClass::Identity, "aws:principalarn") => {
                for (w, v) in c.written.iter().zip(&c.values) {
                    // Under a `Version` without policy variables, `${…}` stays literal text.
                    let template = matches!(v, Value::Text { template: Some(_), .. });
                    let resolved = if template { self.resolve_identity_variables(w) } else { w.clone() };
                    let (arn, pins) = self.arn_instance(&resolved);
                    self.arn_patterns.push(resolved);
                    let pins = pins && !template;
                    if let Some(account) = arn_account(&arn)
                        && !zone.contains_account(&account) {
                            self.named_arns.push((arn, account, pins));
                        }
                }
            }
            (KeyClass::Identity, "aws:principalorgid") => {
                for (w, fixed) in &fixed_values {
                    let org = if *fixed { w.clone() } else { Pattern::new(w, false).instance("perimeter") };
                    // Organization IDs are lowercase; an IgnoreCase condition names the same one.
                    let org = if c.base().ignores_case() { org.to_ascii_lowercase() } else { org };
                    if !zone.is_own_org(&org) && !self.orgs.iter().any(|(o, _, _)| o.as_deref() == Some(org.as_str())) {
                        self.orgs.push((Some(org.clone()), Some(format!("{org}/r-perimeter/")), *fixed));
                    }
                }
            }
            (KeyClass::Identity, "aws:principalorgpaths") => {
                for (w, _) in &fixed_values {
                    let path = Pattern::new(w, false).instance("perimeter");
                    let path = if c.base().ignores_case() { path.to_ascii_lowercase() } else { path };
                    let org = path.split('/').next().unwrap_or_default().to_string();
                    let pins = !w.split('/').next().unwrap_or_default().contains(['*', '?']);
                    if !zone.is_own_org(&org) {
                        self.orgs.push((Some(org), Some(path), pins));
                    }
                }
            }
            (KeyClass::Identity, "aws:userid") => {
                for (w, _) in &fixed_values {
                    let id = Pattern::new(w, false).instance("perimeter");
                    let head = w.split(':').next().unwrap_or_default();
                    self.user_ids.push((id, !head.contains(['*', '?'])));
                }
            }
            // The service names of a service principal: one, or the list of them.
            (KeyClass::Identity, "aws:principalservicename" | "aws:principalservicenameslist") => {
                for (w, fixed) in &fixed_values {
                    if *fixed {
                        self.services.insert(w.clone());
                    }
                }
            }
            // The provider that federated a role session: it restricts which provider, never
            // places the caller inside the zone (semantics.md section 4).
            (KeyClass::Identity, "aws:federatedprovider") => {
                for (w, fixed) in &fixed_values {
                    let provider = Pattern::new(w, false).instance("perimeter");
                    if !self.federated_providers.iter().any(|(p, _)| *p == provider) {
                        self.federated_providers.push((provider, *fixed));
                    }
                }
            }
            (KeyClass::Identity, _) => {}
            (class, key) => {
                let mut list = self.candidates.remove(key).unwrap_or_default();
                for cand in self.value_candidates(c, class) {
                    if !list.iter().any(|x| x.values == cand.values) {
                        list.push(cand);
                    }
                }
                self.candidates.insert(key.to_string(), list);
            }
        }
    }

    /// An instance of an ARN (pattern): a wildcard account becomes the fresh account. The
    /// instance pins when the pattern's account is fixed.
    fn arn_instance(&self, written: &str) -> (String, bool) {
        let parts: Vec<&str> = written.splitn(6, ':').collect();
        if parts.len() == 6 {
            let account_wild = parts[4].contains(['*', '?']);
            let mut out: Vec<String> = parts.iter().map(|p| Pattern::new(p, false).instance("perimeter")).collect();
            if account_wild {
                out[4] = self.account_instance(parts[4]);
            }
            (out.join(":"), !account_wild)
        } else {
            (Pattern::new(written, false).instance("perimeter"), !written.contains(['*', '?']))
        }
    }

    /// A 12-digit account matching an account pattern: the fresh account when it matches,
    /// otherwise the pattern with its wildcards filled by nines.
    fn account_instance(&self, pattern: &str) -> String {
        let p = Pattern::new(pattern, false);
        if p.matches(&self.fresh_account) {
            return self.fresh_account.clone();
        }
        let fixed = pattern.chars().filter(|c| *c != '*').count();
        let stars = pattern.matches('*').count();
        let fill = if stars > 0 && fixed < 12 { (12 - fixed).div_ceil(stars) } else { 0 };
        let filled: String = pattern
            .chars()
            .map(|c| match c {
                '*' => "9".repeat(fill),
                '?' => "9".to_string(),
                c => c.to_string(),
            })
            .collect();
        if p.matches(&filled) && is_account(&filled) { filled } else { p.instance("9") }
    }

    /// Resolves the policy variables an identity value may use to what the witness caller
    /// will carry: its own account, and the user name `perimeter-user`.
    fn resolve_identity_variables(&self, written: &str) -> String {
        if !written.contains("${") {
            return written.to_string();
        }
        let parts = condition::parse_template(written, &crate::error::Place::ROOT).unwrap_or_default();
        parts
            .iter()
            .map(|p| match p {
                condition::TemplatePart::Text(t) => t.clone(),
                condition::TemplatePart::Escape(c) => c.to_string(),
                condition::TemplatePart::Variable { key, default } => match key.as_str() {
                    "aws:principalaccount" => self.fresh_account.clone(),
                    "aws:username" => USER_NAME.to_string(),
                    _ => default.clone().unwrap_or_else(|| "perimeter".to_string()),
                },
            })
            .collect()
    }

    /// Candidate values of a non-identity key from one condition that names it.
    fn value_candidates(&self, c: &Condition, class: KeyClass) -> Vec<Candidate> {
        let pinning_class = matches!(class, KeyClass::Source | KeyClass::Network | KeyClass::Federated);
        let pins_key = pinning_class && keys::audience_pins(&c.key_lc);
        let mut out: Vec<Candidate> = Vec::new();
        let mut templates: Vec<Candidate> = Vec::new();
        let mut push = |v: String, pins: bool| out.push(Candidate::of(Some(vec![v]), pins));
        for (written, value) in c.written.iter().zip(&c.values) {
            match (c.base().family(), value) {
                (Family::Ip, Value::Cidr(net)) => {
                    let (first, after) = net.first_and_after();
                    let pins = pins_key && !net.is_broad();
                    push(first, pins);
                    if let Some(after) = after {
                        let outside = Cidr::parse(&after).is_some_and(|a| !net.contains(&a));
                        if outside {
                            push(after, false);
                        }
                    }
                }
                // Exact: the bound and a value strictly on each side of it, at any magnitude,
                // in plain notation.
                (Family::Numeric, Value::Number(n)) => {
                    let one = BigDecimal::from(1);
                    for x in [n.clone(), n - &one, n + &one] {
                        push(x.to_plain_string(), false);
                    }
                }
                (Family::Date, Value::Date { seconds, epoch }) => {
                    let one = BigDecimal::from(1);
                    for x in [seconds.clone(), seconds - &one, seconds + &one] {
                        push(if *epoch { x.to_plain_string() } else { condition::format_date(&x) }, false);
                    }
                }
                (Family::Bool | Family::Null, _) => {
                    push("true".into(), false);
                    push("false".into(), false);
                }
                (_, Value::Text { pattern: Some(p), .. }) => {
                    let wild = p.has_wildcard();
                    let instance = if c.base().family() == Family::Arn || written.starts_with("arn:") {
                        self.arn_instance(written).0
                    } else {
                        p.instance("perimeter")
                    };
                    let pins = pins_key && keys::value_pins(&c.key_lc, written, wild);
                    push(instance.clone(), pins);
                    if c.base().ignores_case() {
                        push(instance.to_ascii_uppercase(), pins);
                    }
                }
                (_, Value::Text { template: Some(parts), .. }) => {
                    // Policy variables: the value depends on the caller, so it is not fixed;
                    // resolved per request (what the caller carries), with the witness
                    // caller's resolution as the fallback.
                    let resolved = self.resolve_identity_variables(written);
                    let fallback = Pattern::new(&resolved, false).instance("perimeter");
                    templates.push(Candidate {
                        values: Some(vec![fallback]),
                        pins: false,
                        template: Some((parts.clone(), c.base().is_like())),
                    });
                }
                _ => {}
            }
        }
        out.append(&mut templates);
        let other = match c.base().family() {
            Family::Ip => "198.51.100.201".to_string(),
            Family::Arn => format!("arn:aws:perimeter:us-east-1:{}:other", self.fresh_account),
            Family::Numeric | Family::Date | Family::Bool | Family::Null => String::new(),
            _ if keys::takes_account(&c.key_lc) => self.fresh_account.clone(),
            _ => "perimeter-other".to_string(),
        };
        if !other.is_empty() {
            out.push(Candidate::of(Some(vec![other.clone()]), false));
            // Multi-valued requests, for the set qualifiers, only for keys that can carry several
            // values (a witness never gives a single-valued key two). They pin as the named
            // value they hold does.
            if c.operator.qualifier.is_some()
                && keys::is_multivalued(&c.key_lc)
                && let Some(first) = out.first()
                && let Some(values) = first.values.clone()
            {
                let pins = first.pins;
                let mut both = values;
                both.push(other);
                out.push(Candidate::of(Some(both), pins));
            }
        }
        out
    }
}

fn is_account(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// The account field of an ARN, when it is a 12-digit account.
pub fn arn_account(arn: &str) -> Option<String> {
    let account = arn.split(':').nth(4)?;
    is_account(account).then(|| account.to_string())
}

/// The keys (lowercase) that the policy variables of a statement's conditions and resources name.
pub(super) fn variable_keys(st: &Statement) -> impl Iterator<Item = &str> {
    let values = st.conditions.iter().flat_map(|c| &c.values).chain(st.resource.iter().flat_map(|r| &r.values));
    values
        .filter_map(|v| match v {
            Value::Text { template: Some(parts), .. } => Some(parts),
            _ => None,
        })
        .flatten()
        .filter_map(|part| match part {
            TemplatePart::Variable { key, .. } => Some(key.as_str()),
            _ => None,
        })
}
