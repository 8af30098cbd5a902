//! The search for external access in one policy: for every Allow statement and every principal
//! it names, evaluate representative requests from outside the zone (semantics.md section 3,
//! "Method") and keep, per group of equivalent actions, one request the whole policy allows.
//! A request with no pinning value (no named account, organization, network or federated
//! subject) makes the access public; one that needs such a value makes it cross-account.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::Arc;

use perimeter_model::{Principal, Request, RequestPrincipal, Zone};

use crate::condition::{self, Cidr, Family, Value};
use crate::evaluate::{self, Context, Decision};
use crate::keys::{self, KeyClass};
use crate::pattern::Pattern;
use crate::policy::{Effect, Policy, PrincipalClause, PrincipalEntry, Statement};

/// Requests evaluated for one (statement, principal, action group) before the search gives up
/// and reports the access conservatively.
pub const SEARCH_BOUND: usize = 8_192;

/// Callers tried for one principal entry (accounts, ARNs, unique IDs and organization choices
/// that the policy names multiply); past it the rest are not tried, and a search that found
/// nothing among those tried reports the access conservatively.
pub const PROFILE_BOUND: usize = 256;

/// One action the resource can be asked for, with the resources and fixed context it comes with.
#[derive(Debug, Clone)]
pub struct Target {
    /// As the catalog spells it (borrowed from the catalog), or as written when unknown.
    pub action: Cow<'static, str>,
    /// The catalog knows it (otherwise it is kept as written and flagged).
    pub known: bool,
    /// Concrete resource ARNs a request for this action may name.
    /// Shared between the targets that take the same resources.
    pub resources: Arc<[String]>,
    /// Context keys (lowercase) whose value the resource fixes for this action; `None` = absent.
    pub fixed: Vec<(String, Option<String>)>,
}

/// A second policy that must allow the same request too (the bucket policy behind an access
/// point), with the resource and context the request has there.
pub struct Gate<'a> {
    pub policy: &'a Policy,
    pub map_resource: &'a dyn Fn(&str) -> String,
    pub context: Vec<(String, Vec<String>)>,
}

impl std::fmt::Debug for Gate<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Gate").field("policy", &self.policy).field("context", &self.context).finish_non_exhaustive()
    }
}

/// Which principals can send which actions (IAM role trust policies only).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActionRule {
    Any,
    /// `sts:AssumeRole` for AWS principals, `…WithWebIdentity` for OIDC, `…WithSAML` for SAML.
    TrustPolicy,
}

/// What the search needs besides the policy.
#[derive(Debug)]
pub struct Scope<'a> {
    pub zone: &'a Zone,
    pub targets: &'a [Target],
    pub gate: Option<Gate<'a>>,
    pub rule: ActionRule,
    /// Federated callers are possible (role trust policies).
    pub federated_callers: bool,
}

/// A finding before the resource fields are filled in.
#[derive(Debug, Clone)]
pub struct RawFinding {
    pub principal: Principal,
    pub condition: BTreeMap<String, Vec<String>>,
    pub is_public: bool,
    pub actions: BTreeSet<String>,
    pub witness: Option<Request>,
    pub conservative: Option<String>,
    pub notes: Vec<String>,
}

/// Runs the search over every Allow statement of the policy.
pub fn search(policy: &Policy, scope: &Scope<'_>) -> Vec<RawFinding> {
    let universe = Universe::new(policy, scope);
    let groups = group_targets(policy, scope.gate.as_ref().map(|g| g.policy), scope.targets, scope.rule);
    let mut found = Vec::new();
    // (principal|condition) → action groups already proved with the best outcome.
    let mut settled_searches: HashMap<String, HashSet<usize>> = HashMap::new();
    for st in policy.statements.iter().filter(|s| s.effect == Effect::Allow) {
        let entries: Vec<(PrincipalEntry, Principal)> = match &st.principal {
            PrincipalClause::Principal(list) => list.iter().map(|e| (e.clone(), e.reported())).collect(),
            PrincipalClause::NotPrincipal(_) => vec![(PrincipalEntry::Anyone, Principal::anyone())],
            PrincipalClause::Missing => Vec::new(),
        };
        let condition = condition_of(st);
        let condition_key = serde_json::to_string(&condition).unwrap_or_default();
        for (entry, reported) in entries {
            if universe.entry_is_internal(&entry) {
                continue;
            }
            let settled_key = format!("{reported}|{condition_key}");
            let (profiles, capped) = universe.profiles(&entry);
            let can_be_public = matches!(entry, PrincipalEntry::Anyone | PrincipalEntry::Federated(_));
            for (group_index, group) in groups.iter().enumerate().filter(|(_, g)| g.allowed_by.contains(&st.index)) {
                // An earlier statement with the same principal and condition already proved the
                // best outcome for this group: this one would merge into the same finding.
                if settled_searches.get(&settled_key).is_some_and(|groups| groups.contains(&group_index)) {
                    continue;
                }
                let outcome = universe.find_witness(st, can_be_public, &profiles, group);
                let (witness, is_public, conservative) = match outcome {
                    Outcome::Found { request, public } => {
                        if public || !can_be_public {
                            settled_searches.entry(settled_key.clone()).or_default().insert(group_index);
                        }
                        (Some(request), public, None)
                    }
                    Outcome::None if capped => (
                        None,
                        can_be_public,
                        Some(format!(
                            "the principal names more than {PROFILE_BOUND} callers to try; none of those tried \
                             was allowed, and the access is reported without proof for the rest"
                        )),
                    ),
                    Outcome::None => continue,
                    Outcome::GaveUp => (
                        None,
                        can_be_public,
                        Some(format!(
                            "the search for a concrete request stopped at its bound of {SEARCH_BOUND} requests; \
                             the access is reported without proof that a Deny does not remove it"
                        )),
                    ),
                };
                let notes = group
                    .targets
                    .iter()
                    .filter(|t| !t.known)
                    .map(|t| format!("action `{}` is not in the action catalog; kept as written", t.action))
                    .collect();
                // The Denies that narrow this access are part of its condition.
                let mut condition = condition.clone();
                if witness.is_some() {
                    for d in &group.denied_by {
                        let deny = &policy.statements[*d];
                        if !deny.conditions.is_empty() && universe.deny_narrows(st, deny, &profiles, group) {
                            add_fence(&mut condition, deny);
                        }
                    }
                }
                found.push(RawFinding {
                    principal: reported.clone(),
                    condition,
                    is_public,
                    actions: group.targets.iter().map(|t| t.action.to_string()).collect(),
                    witness,
                    conservative,
                    notes,
                });
            }
        }
    }
    found
}

/// The condition block of a statement as findings report it.
pub fn condition_of(st: &Statement) -> BTreeMap<String, Vec<String>> {
    st.conditions.iter().map(|c| (format!("{} {}", c.operator_name, c.key), c.written.clone())).collect()
}

/// Adds a narrowing Deny's condition to a finding's, keyed `"Deny <Operator> <key>"`: the
/// access exists only where that Deny does not hold.
fn add_fence(condition: &mut BTreeMap<String, Vec<String>>, deny: &Statement) {
    for c in &deny.conditions {
        let values = condition.entry(format!("Deny {} {}", c.operator_name, c.key)).or_default();
        for v in &c.written {
            if !values.contains(v) {
                values.push(v.clone());
            }
        }
    }
}

/// Targets that every statement treats alike (same statements match the action; same
/// resources and fixed context) are searched once.
struct Group<'t> {
    targets: Vec<&'t Target>,
    allowed_by: Vec<usize>,
    denied_by: Vec<usize>,
}

fn group_targets<'t>(policy: &Policy, gate: Option<&Policy>, targets: &'t [Target], rule: ActionRule) -> Vec<Group<'t>> {
    let mut groups: Vec<(Vec<usize>, &Target, Group<'t>)> = Vec::new();
    // The statements (policy and gate) whose Action matches the target: the group signature.
    let mut signature: Vec<usize> = Vec::new();
    for target in targets {
        signature.clear();
        signature.extend(policy.statements.iter().filter(|s| s.action.matches(&target.action)).map(|s| s.index));
        let own = signature.len();
        // The gate's statements split groups too (offset past the policy's own indexes).
        signature.extend(gate.into_iter().flat_map(|g| {
            g.statements.iter().filter(|s| s.action.matches(&target.action)).map(|s| s.index + 1_000_000)
        }));
        let matching = &signature[..own];
        if !matching.iter().any(|i| policy.statements[*i].effect == Effect::Allow) {
            continue;
        }
        let existing = groups.iter_mut().find(|(m, t, _)| {
            *m == signature
                && (Arc::ptr_eq(&t.resources, &target.resources) || t.resources == target.resources)
                && t.fixed == target.fixed
                && t.known == target.known
                // Under the trust-policy rule each action has its own callers: never grouped.
                && (rule == ActionRule::Any || t.action == target.action)
        });
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

enum Outcome {
    Found { request: Request, public: bool },
    None,
    GaveUp,
}

/// A candidate value of one key: the values (`None` = absent) and whether it pins the caller.
#[derive(Debug, Clone)]
struct Candidate {
    values: Option<Vec<String>>,
    pins: bool,
}

/// A concrete caller with the identity keys it carries.
#[derive(Debug, Clone)]
struct Profile {
    principal: RequestPrincipal,
    identity: Vec<(&'static str, Vec<String>)>,
    pins: bool,
}

/// Everything the policy names, turned into candidate requests.
struct Universe<'a> {
    policy: &'a Policy,
    scope: &'a Scope<'a>,
    /// Candidate values of every non-identity key the policy mentions (lowercase key).
    candidates: BTreeMap<String, Vec<Candidate>>,
    fresh_account: String,
    fresh_org: String,
    /// Accounts outside the zone named in identity conditions, with whether they pin.
    named_accounts: Vec<(String, bool)>,
    /// ARNs for `aws:PrincipalArn`: (arn, account, pins).
    named_arns: Vec<(String, String, bool)>,
    /// The `aws:PrincipalArn` values as written (variables resolved), to instantiate for a
    /// given account.
    arn_patterns: Vec<String>,
    /// Organization choices for AWS callers: (org id, org path, pins).
    orgs: Vec<(Option<String>, Option<String>, bool)>,
    /// Unique IDs for `aws:userid`: (value, pins).
    user_ids: Vec<(String, bool)>,
    services: BTreeSet<String>,
    /// The policy uses `aws:username` (in a condition or a variable): try IAM users too.
    mentions_username: bool,
}

const FRESH_SERVICE: &str = "perimeter-witness.amazonaws.com";
const FRESH_PROVIDER: &str = "accounts.google.com";
/// The user name of witness callers that are IAM users.
pub const USER_NAME: &str = "perimeter-user";

impl<'a> Universe<'a> {
    fn new(policy: &'a Policy, scope: &'a Scope<'a>) -> Universe<'a> {
        let zone = scope.zone;
        let mut named_everywhere: BTreeSet<String> = BTreeSet::new();
        let gate_statements = scope.gate.as_ref().map(|g| g.policy.statements.as_slice()).unwrap_or_default();
        let all_statements = || policy.statements.iter().chain(gate_statements);
        for st in all_statements() {
            for c in &st.conditions {
                named_everywhere.extend(c.written.iter().cloned());
            }
        }
        let fresh_account = (0..1000u64)
            .map(|n| format!("{}", 999_999_999_999 - n * 1_111))
            .find(|a| !zone.contains_account(a) && !named_everywhere.iter().any(|w| w.contains(a.as_str())))
            .unwrap_or_else(|| "999999999999".to_string());
        let fresh_org = (0..1000)
            .map(|n| format!("o-perimeter{n:02}"))
            .find(|o| !zone.is_own_org(o) && !named_everywhere.contains(o))
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
            services: BTreeSet::new(),
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
        }
        for list in u.candidates.values_mut() {
            list.push(Candidate { values: None, pins: false });
        }
        u
    }

    /// Records what one condition names.
    fn learn(&mut self, c: &crate::policy::Condition) {
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
                for (w, _) in &fixed_values {
                    self.arn_patterns.push(self.resolve_identity_variables(w));
                    let (arn, pins) = self.arn_instance(&self.resolve_identity_variables(w));
                    let pins = pins && !w.contains("${");
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
            (KeyClass::Identity, "aws:principalservicename") => {
                for (w, fixed) in &fixed_values {
                    if *fixed {
                        self.services.insert(w.clone());
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
        let parts = condition::parse_template(written, "").unwrap_or_default();
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
    fn value_candidates(&self, c: &crate::policy::Condition, class: KeyClass) -> Vec<Candidate> {
        let pinning_class = matches!(class, KeyClass::Source | KeyClass::Network | KeyClass::Federated);
        let pins_key = pinning_class && keys::audience_pins(&c.key_lc);
        let mut out: Vec<Candidate> = Vec::new();
        let mut push = |v: String, pins: bool| out.push(Candidate { values: Some(vec![v]), pins });
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
                (Family::Numeric, Value::Number(n)) => {
                    for x in [*n, n - 1.0, n + 1.0] {
                        push(format_number(x), false);
                    }
                }
                (Family::Date, Value::Date(d)) => {
                    for x in [*d, d - 1.0, d + 1.0] {
                        push(condition::format_date(x), false);
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
                (_, Value::Text { template: Some(_), .. }) => {
                    // Policy variables: the value depends on the caller, so it is not fixed;
                    // resolved as the witness caller would resolve it.
                    let resolved = self.resolve_identity_variables(written);
                    push(Pattern::new(&resolved, false).instance("perimeter"), false);
                }
                _ => {}
            }
        }
        let other = match c.base().family() {
            Family::Ip => "198.51.100.201".to_string(),
            Family::Arn => format!("arn:aws:perimeter:us-east-1:{}:other", self.fresh_account),
            Family::Numeric | Family::Date | Family::Bool | Family::Null => String::new(),
            _ if matches!(c.key_lc.as_str(), "aws:sourceaccount" | "aws:sourceowner" | "s3:dataaccesspointaccount") => {
                self.fresh_account.clone()
            }
            _ => "perimeter-other".to_string(),
        };
        if !other.is_empty() {
            out.push(Candidate { values: Some(vec![other.clone()]), pins: false });
            // Multi-valued requests, for the set qualifiers.
            if c.operator.qualifier.is_some()
                && let Some(first) = out.first().and_then(|c| c.values.clone()) {
                    let mut both = first;
                    both.push(other);
                    out.push(Candidate { values: Some(both), pins: false });
                }
        }
        out
    }

    /// Whether a principal the policy names is inside the zone.
    fn entry_is_internal(&self, entry: &PrincipalEntry) -> bool {
        let zone = self.scope.zone;
        match entry {
            PrincipalEntry::Account(a) => zone.contains_account(a),
            PrincipalEntry::Arn { account, .. } => zone.contains_account(account),
            PrincipalEntry::UniqueId(u) => zone.contains_principal_id(u),
            PrincipalEntry::CanonicalUser(c) => zone.contains_canonical_id(c),
            PrincipalEntry::Anyone | PrincipalEntry::Service(_) | PrincipalEntry::Federated(_) => false,
        }
    }

    /// Instances of the `aws:PrincipalArn` values that can name a principal of `account`.
    fn arns_in_account(&self, account: &str) -> Vec<String> {
        let mut out = Vec::new();
        for written in &self.arn_patterns {
            let parts: Vec<&str> = written.splitn(6, ':').collect();
            if parts.len() == 6 && Pattern::new(parts[4], false).matches(account) {
                let mut inst: Vec<String> = parts.iter().map(|p| Pattern::new(p, false).instance("perimeter")).collect();
                inst[4] = account.to_string();
                let arn = inst.join(":");
                if !out.contains(&arn) {
                    out.push(arn);
                }
            }
        }
        out
    }

    /// Concrete callers from outside the zone that the entry covers.
    /// The callers to try for one principal entry, and whether [`PROFILE_BOUND`] cut the list.
    fn profiles(&self, entry: &PrincipalEntry) -> (Vec<Profile>, bool) {
        let mut out = Vec::new();
        match entry {
            PrincipalEntry::Anyone => {
                out.push(Profile { principal: RequestPrincipal::Anonymous, identity: Vec::new(), pins: false });
                self.aws_profiles(&self.fresh_account, None, None, false, &mut out);
                if self.mentions_username {
                    let user = format!("arn:aws:iam::{}:user/{USER_NAME}", self.fresh_account);
                    self.aws_profiles(&self.fresh_account, Some(&user), None, false, &mut out);
                }
                for (account, pins) in &self.named_accounts {
                    if out.len() > PROFILE_BOUND {
                        break;
                    }
                    self.aws_profiles(account, None, None, *pins, &mut out);
                    for arn in self.arns_in_account(account) {
                        self.aws_profiles(account, Some(&arn), None, true, &mut out);
                    }
                }
                for (arn, account, pins) in &self.named_arns {
                    self.aws_profiles(account, Some(arn), None, *pins, &mut out);
                }
                for (id, pins) in &self.user_ids {
                    self.aws_profiles(&self.fresh_account, None, Some(id), *pins, &mut out);
                }
                let mut services = self.services.clone();
                services.insert(FRESH_SERVICE.to_string());
                for s in services {
                    out.push(service_profile(&s));
                }
                if self.scope.federated_callers {
                    out.push(federated_profile(FRESH_PROVIDER));
                }
            }
            PrincipalEntry::Account(a) => {
                self.aws_profiles(a, None, None, true, &mut out);
                for arn in self.arns_in_account(a) {
                    self.aws_profiles(a, Some(&arn), None, true, &mut out);
                }
            }
            PrincipalEntry::Arn { arn, account } => self.aws_profiles(account, Some(arn), None, true, &mut out),
            PrincipalEntry::UniqueId(u) => {
                self.aws_profiles(&self.fresh_account, None, Some(&format!("{u}:perimeter")), true, &mut out);
                for p in &mut out {
                    if let RequestPrincipal::Aws { unique_id, .. } = &mut p.principal {
                        *unique_id = Some(u.clone());
                    }
                }
            }
            PrincipalEntry::CanonicalUser(c) => {
                self.aws_profiles(&self.fresh_account, None, None, true, &mut out);
                for p in &mut out {
                    if let RequestPrincipal::Aws { canonical_id, .. } = &mut p.principal {
                        *canonical_id = Some(c.clone());
                    }
                }
            }
            PrincipalEntry::Service(s) => out.push(service_profile(s)),
            PrincipalEntry::Federated(f) => out.push(federated_profile(f)),
        }
        let capped = out.len() > PROFILE_BOUND;
        out.truncate(PROFILE_BOUND);
        (out, capped)
    }

    /// AWS callers of one account outside the zone, in every organization choice.
    fn aws_profiles(&self, account: &str, arn: Option<&String>, user_id: Option<&String>, pins: bool, out: &mut Vec<Profile>) {
        let zone = self.scope.zone;
        if zone.contains_account(account) || out.len() > PROFILE_BOUND {
            return;
        }
        if let Some(id) = user_id
            && zone.contains_principal_id(id.split(':').next().unwrap_or_default()) {
                return;
            }
        let arn = arn.cloned().unwrap_or_else(|| format!("arn:aws:iam::{account}:role/perimeter-witness"));
        let resource = arn.splitn(6, ':').nth(5).unwrap_or_default().to_string();
        let (kind, username) = if let Some(user) = resource.strip_prefix("user/") {
            ("User", Some(user.rsplit('/').next().unwrap_or(user).to_string()))
        } else if resource == "root" {
            ("Account", None)
        } else {
            ("AssumedRole", None)
        };
        for (org, path, org_pins) in &self.orgs {
            let mut identity: Vec<(&'static str, Vec<String>)> = vec![
                ("aws:principalaccount", vec![account.to_string()]),
                ("kms:calleraccount", vec![account.to_string()]),
                ("aws:principalarn", vec![arn.clone()]),
                ("aws:principaltype", vec![kind.to_string()]),
                ("aws:principalisawsservice", vec!["false".to_string()]),
                ("aws:userid", vec![user_id.cloned().unwrap_or_else(|| "AROAPERIMETERWITNESS0:perimeter".into())]),
            ];
            if let Some(u) = &username {
                identity.push(("aws:username", vec![u.clone()]));
            }
            if let Some(o) = org {
                identity.push(("aws:principalorgid", vec![o.clone()]));
            }
            if let Some(p) = path {
                identity.push(("aws:principalorgpaths", vec![p.clone()]));
            }
            out.push(Profile {
                principal: RequestPrincipal::Aws {
                    account: account.to_string(),
                    arn: arn.clone(),
                    unique_id: None,
                    canonical_id: None,
                },
                identity,
                pins: pins || *org_pins,
            });
        }
    }

    /// Searches one (statement, principal, action group) for an allowed external request:
    /// first one with no pinning value (public), then any.
    fn find_witness(&self, st: &Statement, can_be_public: bool, profiles: &[Profile], group: &Group<'_>) -> Outcome {
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
    fn deny_narrows(&self, allow: &Statement, deny: &Statement, profiles: &[Profile], group: &Group<'_>) -> bool {
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
        // Keys that decide: those of the statement and of the Denies that cover the action.
        let mut keys: Vec<&str> = Vec::new();
        for index in std::iter::once(&st.index).chain(group.denied_by.iter()) {
            for c in &self.policy.statements[*index].conditions {
                if self.candidates.contains_key(&c.key_lc) && !keys.contains(&c.key_lc.as_str()) {
                    keys.push(c.key_lc.as_str());
                }
            }
        }
        if let Some(gate) = &self.scope.gate {
            for c in gate.policy.statements.iter().flat_map(|s| &s.conditions) {
                if self.candidates.contains_key(&c.key_lc) && !keys.contains(&c.key_lc.as_str()) {
                    keys.push(c.key_lc.as_str());
                }
            }
        }
        keys.retain(|k| !target.fixed.iter().any(|(f, _)| f == k));
        for profile in profiles {
            if public_only && profile.pins {
                continue;
            }
            if !self.action_allowed(&profile.principal, &target.action) {
                continue;
            }
            let choices: Vec<Vec<&Candidate>> = keys
                .iter()
                .map(|k| {
                    let applicable = keys::applies_to(k, &profile.principal);
                    self.candidates[*k]
                        .iter()
                        .filter(|c| (applicable || c.values.is_none()) && !(public_only && c.pins))
                        .collect()
                })
                .collect();
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
                    for ((key, options), i) in keys.iter().zip(&choices).zip(&index) {
                        match &options[*i].values {
                            Some(values) => ctx.set(key, values.clone()),
                            None => match base.get(key) {
                                Some(values) => ctx.set(key, values.to_vec()),
                                None => ctx.remove(key),
                            },
                        }
                    }
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

    /// Checks one concrete request: from outside the zone, matched by the statement, allowed
    /// by the whole policy (and by the gate).
    fn try_request(&self, st: &Statement, profile: &Profile, target: &Target, resource: &str, ctx: &Context) -> Option<Request> {
        if !self.is_external(st, &profile.principal, ctx) {
            return None;
        }
        if !evaluate::statement_matches(st, &profile.principal, &target.action, resource, ctx) {
            return None;
        }
        let decision = evaluate::evaluate_parts(self.policy, &profile.principal, &target.action, resource, ctx);
        if decision.decision != Decision::Allow {
            return None;
        }
        if let Some(gate) = &self.scope.gate {
            let mut gate_ctx = ctx.clone();
            for (k, v) in &gate.context {
                gate_ctx.set(k, v.clone());
            }
            let mapped = (gate.map_resource)(resource);
            let d = evaluate::evaluate_parts(gate.policy, &profile.principal, &target.action, &mapped, &gate_ctx);
            if d.decision != Decision::Allow {
                return None;
            }
        }
        Some(Request {
            principal: profile.principal.clone(),
            action: target.action.to_string(),
            resource: resource.to_string(),
            context: ctx.iter().map(|(k, v)| (keys::display_name(k), v.to_vec())).collect(),
        })
    }

    /// A request is external when its caller is outside the zone and it does not come through
    /// an access point of the zone. A service is outside only when it acts for a source that
    /// the granting statement names, outside the zone.
    fn is_external(&self, st: &Statement, principal: &RequestPrincipal, ctx: &Context) -> bool {
        let zone = self.scope.zone;
        if let Some(v) = ctx.get("s3:dataaccesspointaccount")
            && v.iter().any(|a| zone.contains_account(a)) {
                return false;
            }
        if let Some(v) = ctx.get("s3:dataaccesspointarn")
            && v.iter().any(|a| arn_account(a).is_some_and(|acct| zone.contains_account(&acct))) {
                return false;
            }
        match principal {
            RequestPrincipal::Service { .. } => {
                // Outside when the granting statement names a source outside the zone, and no
                // source value of the request places it inside (a bucket ARN has no account;
                // `aws:SourceAccount` then tells).
                let sources = || keys::SOURCE_KEYS.iter().filter_map(|k| ctx.get(k).map(|v| (*k, v)));
                let named_outside = sources()
                    .any(|(k, values)| values.iter().any(|v| named_by(st, k, v, ctx) && !keys::source_inside(zone, k, v)));
                let inside = sources().any(|(k, values)| values.iter().any(|v| keys::source_inside(zone, k, v)));
                named_outside && !inside
            }
            _ => true,
        }
    }


    fn action_allowed(&self, principal: &RequestPrincipal, action: &str) -> bool {
        match self.scope.rule {
            ActionRule::Any => true,
            ActionRule::TrustPolicy => {
                let a = action.to_ascii_lowercase();
                match principal {
                    RequestPrincipal::Federated { provider } if provider.contains(":saml-provider/") => {
                        a == "sts:assumerolewithsaml"
                    }
                    RequestPrincipal::Federated { .. } => a == "sts:assumerolewithwebidentity",
                    _ => a == "sts:assumerole",
                }
            }
        }
    }
}

/// Whether a positive condition of the statement on `key` names `value`.
fn named_by(st: &Statement, key: &str, value: &str, ctx: &Context) -> bool {
    let lookup = |k: &str| ctx.get(k);
    st.conditions.iter().any(|c| {
        c.key_lc == key
            && !c.base().is_negated()
            && c.values.iter().any(|v| condition::value_matches(c.base(), v, value, &lookup))
    })
}

fn service_profile(service: &str) -> Profile {
    Profile {
        principal: RequestPrincipal::Service { service: service.to_string() },
        identity: Vec::new(),
        pins: false,
    }
}

fn federated_profile(provider: &str) -> Profile {
    Profile {
        principal: RequestPrincipal::Federated { provider: provider.to_string() },
        identity: Vec::new(),
        pins: false,
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

fn format_number(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 { format!("{}", x as i64) } else { format!("{x}") }
}

fn is_account(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// The account field of an ARN, when it is a 12-digit account.
pub fn arn_account(arn: &str) -> Option<String> {
    let account = arn.split(':').nth(4)?;
    is_account(account).then(|| account.to_string())
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
