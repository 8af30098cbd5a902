//! The search for external access in one policy: for every Allow statement and every principal
//! it names, evaluate representative requests from outside the zone (semantics.md section 3,
//! "Method") and keep, per group of equivalent actions, one request the whole policy allows.
//! A request with no pinning value (no named account, organization, network or federated
//! subject) makes the access public; one that needs such a value makes it cross-account.
//!
//! This module holds what the search is given ([`Scope`], [`Target`], [`Gate`]), what it
//! returns ([`RawFinding`]) and the driver, [`search`]. Its concepts live beside it:
//! [`actions`] groups targets that every statement treats alike, [`candidates`] collects the
//! values the policy names, [`callers`] the principals to try, [`enumerate`] walks the requests
//! they make, [`verdict`] decides whether one request is an external access the policy
//! allows, [`fences`] which Denies narrow a proved access, and [`budget`] bounds the work of
//! one resource's analysis. What is particular to one resource type (the trust-policy action
//! rule, S3 objects and access points) comes in through the scope, from that type's module.

mod actions;
mod budget;
mod callers;
mod candidates;
mod enumerate;
mod fences;
mod guarded;
mod verdict;

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use foldhash::{HashMap, HashMapExt, HashSet};
use std::sync::Arc;

use perimeter_model::{BlockedBy, Principal, Request, RequestPrincipal, Zone};

use crate::policy::{Effect, Policy, PrincipalClause, PrincipalEntry, Statement};
use crate::resource_control::Rcp;

use self::actions::Group;
use self::candidates::Candidate;
use self::enumerate::{Bound, Outcome};
use self::fences::{Fenced, Fences};

pub use self::budget::{Budget, RESOURCE_BOUND};
pub use self::callers::{may_grant_outside, USER_NAME};
pub use self::candidates::arn_account;

/// Requests evaluated for one (statement, principal, action group), or for one test of whether
/// a Deny narrows an access, before the search gives up and reports the access conservatively.
/// All the searches of one resource also share its work [`Budget`] ([`RESOURCE_BOUND`]).
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
    /// The catalog knows no action of the service on the resource type: `action` is
    /// `<service>:*` or a wildcard the policy writes, and stands for every action it matches
    /// (never `known`).
    pub whole_service: bool,
    /// Concrete resource ARNs a request for this action may name.
    /// Shared between the targets that take the same resources.
    pub resources: Arc<[String]>,
    /// Context keys (lowercase) whose value the resource fixes for this action; `None` = absent.
    pub fixed: Vec<(String, Option<String>)>,
    /// Context keys (lowercase) that every request for this action carries, with a value the
    /// caller chooses (Glacier's `glacier:ArchiveAgeInDays` on archive requests): never absent.
    pub present: &'static [&'static str],
}

/// A second policy that must allow the same request too (the bucket policy behind an access
/// point), with the resource and context the request has there.
#[derive(Clone)]
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

/// Which callers may send an action, when not every caller may send every action (the caller
/// kinds of a role trust policy). Under such a rule each action has its own callers, so no two
/// actions are searched as one group.
pub type ActionRule = fn(&RequestPrincipal, &str) -> bool;

/// A context key that names the way a request comes in (an S3 access point): when the account
/// it names is inside the zone, the request comes through the zone and is not external.
#[derive(Debug, Clone, Copy)]
pub struct ZoneKey {
    /// Lowercase key.
    pub key: &'static str,
    /// The account a value names, if any.
    pub account: fn(&str) -> Option<String>,
}

/// The values of the resource keys (`aws:ResourceAccount`, `aws:ResourceOrgID`, …) that the
/// analysis knows for the resource: set by AWS from the resource, never by the caller. A key
/// whose value is unknown (`None` here, tags, OU paths) is tried both ways, and an access that
/// depends on it is reported conservatively.
#[derive(Debug, Clone, Default)]
pub struct ResourceFacts {
    /// The owner account.
    pub account: Option<String>,
    /// The owner account's organization, when known.
    pub org_id: Option<String>,
}

impl ResourceFacts {
    /// The known value of a resource key (lowercase), `None` when unknown.
    pub fn value(&self, key_lc: &str) -> Option<&str> {
        match key_lc {
            "aws:resourceaccount" | "s3:resourceaccount" | "s3express:resourceaccount" => self.account.as_deref(),
            "aws:resourceorgid" => self.org_id.as_deref(),
            _ => None,
        }
    }
}

/// What the search needs besides the policy.
#[derive(Debug, Clone)]
pub struct Scope<'a> {
    /// What is known of the resource's own keys.
    pub resource: &'a ResourceFacts,
    pub zone: &'a Zone,
    pub targets: &'a [Target],
    pub gate: Option<Gate<'a>>,
    /// `None`: every caller may send every action.
    pub rule: Option<ActionRule>,
    /// Federated callers are possible (role trust policies).
    pub federated_callers: bool,
    /// Keys whose value, naming a zone account, makes a request internal.
    pub zone_keys: &'a [ZoneKey],
    /// The work left for the analysis of the resource, shared by all its searches.
    pub budget: &'a Budget,
    /// The organization's resource control policies in force on the resource: their Denies
    /// refuse the requests they match, for the actions RCPs govern (see [`guarded`]).
    pub guards: &'a [Arc<Rcp>],
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
    /// The RCPs that refuse every request of this access (empty: none does).
    pub blocked_by: Vec<BlockedBy>,
    /// The Allow statement (index) and principal entry (number) the access comes from.
    pub origin: (usize, usize),
}

/// Everything the policy names, turned into candidate requests. Built by [`candidates`]; read
/// by the other parts of the search.
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
    /// Identity providers for `aws:FederatedProvider` (of role sessions a provider federated):
    /// (value, pins).
    federated_providers: Vec<(String, bool)>,
    services: BTreeSet<String>,
    /// The policy uses `aws:username` (in a condition or a variable): try IAM users too.
    mentions_username: bool,
    /// Every principal the policy (and the gate) names in a `Principal` or `NotPrincipal` of
    /// any statement, Allow or Deny, except `*`: each is tried as a caller of a statement that
    /// grants to anyone, so that a Deny's `NotPrincipal` that exempts a partner lets the search
    /// find the partner's access.
    named_principals: Vec<PrincipalEntry>,
}

/// Runs the search over every Allow statement of the policy, under the scope's RCPs.
pub fn search(policy: &Policy, scope: &Scope<'_>) -> Vec<RawFinding> {
    if scope.guards.is_empty() {
        search_policy(policy, scope)
    } else {
        guarded::search(policy, scope)
    }
}

/// The search of one policy on its own (the RCP copies it holds included).
fn search_policy(policy: &Policy, scope: &Scope<'_>) -> Vec<RawFinding> {
    let universe = Universe::new(policy, scope);
    let groups = actions::group_targets(policy, scope.gate.as_ref().map(|g| g.policy), scope.targets, scope.rule, scope.zone);
    let mut found = Vec::new();
    let mut fences = Fences::new(scope.rule.is_some());
    // (principal, condition) → action groups already proved with the best outcome; a
    // condition is known by the first Allow that has it.
    let mut settled_searches: HashMap<(Principal, usize), HashSet<usize>> = HashMap::new();
    let mut conditions_seen: Vec<BTreeMap<String, Vec<String>>> = Vec::new();
    for st in policy.statements.iter().filter(|s| s.effect == Effect::Allow) {
        let condition = condition_of(st);
        let condition_key = match conditions_seen.iter().position(|c| *c == condition) {
            Some(i) => i,
            None => {
                conditions_seen.push(condition.clone());
                conditions_seen.len() - 1
            }
        };
        for (entry_index, (entry, reported)) in principal_entries(st).into_iter().enumerate() {
            if universe.entry_is_internal(&entry) {
                continue;
            }
            let settled_key = (reported.clone(), condition_key);
            let (profiles, capped) = universe.profiles(&entry);
            let can_be_public = matches!(entry, PrincipalEntry::Anyone | PrincipalEntry::Federated(_));
            for (group_index, group) in groups.iter().enumerate().filter(|(_, g)| g.allowed_by.contains(&st.index)) {
                // An earlier statement with the same principal and condition already proved the
                // best outcome for this group: this one would merge into the same finding.
                if settled_searches.get(&settled_key).is_some_and(|groups| groups.contains(&group_index)) {
                    continue;
                }
                let mut outcome = universe.find_witness(st, can_be_public, &profiles, group);
                let mut cognito_note = None;
                if let (PrincipalEntry::Federated(provider), Outcome::Found { request, public: false }) = (&entry, &outcome)
                    && provider == COGNITO
                {
                    // A trust that reads `amr` says whether guests get in; one that does not
                    // leaves it to the pool, which is not read.
                    if !request.context.keys().any(|k| k.eq_ignore_ascii_case(COGNITO_AMR)) {
                        cognito_note = Some(COGNITO_NOTE.to_string());
                    } else if let Some(guest) = cognito_guests(policy, request) {
                        outcome = Outcome::Found { request: guest, public: true };
                    }
                }
                let unknown_resource_key = universe.unknown_resource_key(st, group);
                let (witness, is_public, mut conservative) = match outcome {
                    Outcome::Found { request, public } => {
                        if public || !can_be_public {
                            settled_searches.entry(settled_key.clone()).or_default().insert(group_index);
                        }
                        (Some(request), public, None)
                    }
                    Outcome::None if capped => (None, can_be_public, Some(profile_bound_note())),
                    Outcome::None => continue,
                    Outcome::GaveUp(Bound::Search) => (None, can_be_public, Some(search_bound_note())),
                    Outcome::GaveUp(Bound::Resource) => (None, can_be_public, Some(resource_bound_note(scope.budget))),
                };
                if witness.is_some()
                    && conservative.is_none()
                    && let Some(key) = unknown_resource_key
                {
                    conservative = Some(resource_key_note(&key));
                }
                // The Denies that narrow this access are part of its condition.
                let mut condition = condition.clone();
                if witness.is_some() {
                    match fences.of(&universe, st, entry_index, &profiles, group) {
                        Fenced::Decided(denies) => denies.into_iter().for_each(|deny| add_fence(&mut condition, deny)),
                        // Proved, but with a condition that may lack a narrowing Deny: reported
                        // conservatively, with the Allow's condition only.
                        Fenced::Undecided(bound) => conservative = Some(fence_bound_note(bound, scope.budget)),
                    }
                }
                found.push(RawFinding {
                    principal: reported.clone(),
                    condition,
                    is_public,
                    actions: group.targets.iter().map(|t| t.action.to_string()).collect(),
                    witness,
                    conservative,
                    notes: {
                        let mut notes = catalog_notes(group);
                        notes.extend(cognito_note);
                        if matches!(entry, PrincipalEntry::OriginAccessIdentity(_)) {
                            notes.push(OAI_NOTE.to_string());
                        }
                        notes
                    },
                    blocked_by: Vec::new(),
                    origin: (st.index, entry_index),
                });
            }
        }
    }
    found
}

/// The principal entries a statement grants to, each with the principal findings report.
fn principal_entries(st: &Statement) -> Vec<(PrincipalEntry, Principal)> {
    match &st.principal {
        PrincipalClause::Principal(list) => list.iter().map(|e| (e.clone(), e.reported())).collect(),
        PrincipalClause::NotPrincipal(_) => vec![(PrincipalEntry::Anyone, Principal::anyone())],
        PrincipalClause::Missing => Vec::new(),
    }
}

/// Amazon Cognito's identity pools as a `Federated` principal, and the claim that says whether
/// an identity signed in (`authenticated`) or is a pool's guest (`unauthenticated`).
const COGNITO: &str = "cognito-identity.amazonaws.com";
const COGNITO_AMR: &str = "cognito-identity.amazonaws.com:amr";

/// The note on a Cognito trust that says nothing of `amr` (semantics.md section 4, Cognito).
const COGNITO_NOTE: &str = "the identity pool's guests (unauthenticated identities, anyone on the internet) get in \
     too when the pool allows them: the trust does not require `cognito-identity.amazonaws.com:amr` = \
     `authenticated`, and perimeter does not read identity pools";

/// A pool's guest that the policy lets in, when one is: the witness again with `amr` =
/// `unauthenticated` (semantics.md section 4, Cognito: a trust that admits the guests is public,
/// although its audience names one pool).
fn cognito_guests(policy: &Policy, witness: &Request) -> Option<Request> {
    let mut guest = witness.clone();
    guest.context.retain(|k, _| !k.eq_ignore_ascii_case(COGNITO_AMR));
    guest.context.insert(COGNITO_AMR.to_string(), vec!["unauthenticated".to_string()]);
    (crate::evaluate::evaluate(policy, &guest).decision == crate::evaluate::Decision::Allow).then_some(guest)
}

/// The note on a finding for a CloudFront origin access identity (semantics.md section 2).
const OAI_NOTE: &str = "a CloudFront origin access identity: CloudFront reads for the distributions that use it, so \
     whoever can reach those distributions reads through it; it is outside the zone unless the collector finds \
     the identity in a zone account";

fn resource_key_note(key: &str) -> String {
    format!(
        "a condition reads the resource's `{key}`, whose value the analysis does not know (not \
         collected); the access is reported with a value that lets it in"
    )
}

fn profile_bound_note() -> String {
    format!(
        "the principal names more than {PROFILE_BOUND} callers to try; none of those tried \
         was allowed, and the access is reported without proof for the rest"
    )
}

fn search_bound_note() -> String {
    format!(
        "the search for a concrete request stopped at its bound of {SEARCH_BOUND} requests; \
         the access is reported without proof that a Deny does not remove it"
    )
}

fn resource_bound_note(budget: &Budget) -> String {
    format!(
        "the analysis of this resource spent its bound of {} work units (requests evaluated, \
         weighted by the keys and statements each one reads) before the search for this access \
         could finish; it is reported without proof that a Deny or condition removes it",
        budget.limit()
    )
}

fn fence_bound_note(bound: Bound, budget: &Budget) -> String {
    if bound == Bound::Resource {
        format!(
            "the analysis of this resource spent its bound of {} work units before it could \
             test which Denies narrow this access (the witness proves the access); the \
             condition shows the Allow's only",
            budget.limit()
        )
    } else {
        format!(
            "testing which Denies narrow this access stopped at the bound of {SEARCH_BOUND} \
             requests (the witness proves the access); the condition shows the Allow's only"
        )
    }
}

/// Notes on the group's actions that the action catalog does not know.
fn catalog_notes(group: &Group<'_>) -> Vec<String> {
    group
        .targets
        .iter()
        .filter(|t| !t.known)
        .map(|t| match t.action.split_once(':') {
            Some((service, _)) if t.whole_service => format!(
                "the action catalog knows no actions of service `{service}` on this resource type; \
                 the access is reported as `{}`",
                t.action
            ),
            _ => format!("action `{}` is not in the action catalog; kept as written", t.action),
        })
        .collect()
}

impl RawFinding {
    /// Sets the condition of a finding of a synthetic policy (an ACL grant, a KMS grant) to what
    /// the grant says, keeping the conditions of the RCPs that narrow it.
    pub fn set_grant_condition(&mut self, condition: BTreeMap<String, Vec<String>>) {
        self.condition.retain(|k, _| k.starts_with("RCP "));
        self.condition.extend(condition);
    }
}

/// The condition block of a statement as findings report it.
pub fn condition_of(st: &Statement) -> BTreeMap<String, Vec<String>> {
    st.conditions.iter().map(|c| (format!("{} {}", c.operator_name, c.key), c.written.clone())).collect()
}

/// Adds a narrowing Deny's condition to a finding's, keyed `"Deny <Operator> <key>"` (`"RCP
/// <Operator> <key>"` for a resource control policy's): the access exists only where that Deny
/// does not hold.
fn add_fence(condition: &mut BTreeMap<String, Vec<String>>, deny: &Statement) {
    let prefix = if deny.rcp.is_some() { "RCP" } else { "Deny" };
    // The principals a narrowing Deny's `NotPrincipal` spares, keyed `"Deny NotPrincipal <kind>"`.
    if let PrincipalClause::NotPrincipal(entries) = &deny.principal {
        for entry in entries {
            let (kind, value) = match entry.reported() {
                Principal::Aws(v) => ("AWS", v),
                Principal::Federated(v) => ("Federated", v),
                Principal::CanonicalUser(v) => ("CanonicalUser", v),
                Principal::Service(v) => ("Service", v),
            };
            let values = condition.entry(format!("Deny NotPrincipal {kind}")).or_default();
            if !values.contains(&value) {
                values.push(value);
                // Sorted: several Denies may spare principals, in any statement order.
                values.sort();
            }
        }
    }
    for c in &deny.conditions {
        let values = condition.entry(format!("{prefix} {} {}", c.operator_name, c.key)).or_default();
        for v in &c.written {
            if !values.contains(v) {
                values.push(v.clone());
            }
        }
    }
}
