//! The concrete request evaluator: for one fully specified request, does the policy allow it,
//! deny it explicitly, or leave it implicitly denied, and which statements decided.

use std::borrow::Cow;
use std::collections::HashMap;

use perimeter_model::{Request, RequestPrincipal};

use crate::condition::{self, Family, SetQualifier, Value};
use crate::policy::{Condition, Effect, Policy, PrincipalClause, PrincipalEntry, ResourceClause, Statement};

/// The outcome of evaluating one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Allow,
    ImplicitDeny,
    ExplicitDeny,
}

/// A decision and the statements (by index) that made it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluation {
    pub decision: Decision,
    pub statements: Vec<usize>,
}

/// Keys a context holds before it indexes them.
const UNINDEXED_KEYS: usize = 24;

/// Request context keyed by lowercased condition key. A few keys are searched in order; past
/// [`UNINDEXED_KEYS`] they are also indexed by hash (a search sets and reads hundreds of keys
/// per request when a policy names that many). Keys and values are borrowed where the search
/// has them already (its callers' identities, the policy's candidate values), so that the many
/// requests of one search copy no text.
#[derive(Debug, Clone, Default)]
pub struct Context<'a> {
    entries: Vec<(Cow<'a, str>, Cow<'a, [String]>)>,
    /// Position of each key in `entries`, once there are many.
    index: Option<HashMap<String, usize>>,
}

impl PartialEq for Context<'_> {
    fn eq(&self, other: &Context<'_>) -> bool {
        self.entries.len() == other.entries.len() && self.iter().all(|(k, v)| other.get(k) == Some(v))
    }
}

impl Eq for Context<'_> {}

impl<'a> Context<'a> {
    pub fn from_request(request: &'a Request) -> Context<'a> {
        let mut ctx = Context::default();
        for (k, v) in &request.context {
            ctx.set(k.to_ascii_lowercase(), v.as_slice());
        }
        ctx
    }

    /// An empty context with room for `keys` keys.
    pub fn with_capacity(keys: usize) -> Context<'a> {
        Context { entries: Vec::with_capacity(keys), index: None }
    }

    fn position(&self, key_lc: &str) -> Option<usize> {
        match &self.index {
            Some(index) => index.get(key_lc).copied(),
            None => self.entries.iter().position(|(k, _)| k == key_lc),
        }
    }

    /// Values of a key (lowercase); `None` when absent.
    pub fn get(&self, key_lc: &str) -> Option<&[String]> {
        self.position(key_lc).map(|i| &*self.entries[i].1)
    }

    /// Values of a key (lowercase) as held, to set in another context of the same search.
    pub fn values(&self, key_lc: &str) -> Option<Cow<'a, [String]>> {
        self.position(key_lc).map(|i| self.entries[i].1.clone())
    }

    pub fn set(&mut self, key_lc: impl Into<Cow<'a, str>>, values: impl Into<Cow<'a, [String]>>) {
        let key_lc = key_lc.into();
        let values = values.into();
        match self.position(&key_lc) {
            Some(i) => self.entries[i].1 = values,
            None => {
                let indexed = key_lc.to_string();
                self.entries.push((key_lc, values));
                let last = self.entries.len() - 1;
                match &mut self.index {
                    Some(index) => {
                        index.insert(indexed, last);
                    }
                    None if self.entries.len() > UNINDEXED_KEYS => {
                        self.index = Some(self.entries.iter().enumerate().map(|(i, (k, _))| (k.to_string(), i)).collect());
                    }
                    None => {}
                }
            }
        }
    }

    pub fn remove(&mut self, key_lc: &str) {
        let Some(i) = self.position(key_lc) else { return };
        self.entries.swap_remove(i);
        if let Some(index) = &mut self.index {
            index.remove(key_lc);
            if let Some((moved, _)) = self.entries.get(i) {
                index.insert(moved.to_string(), i);
            }
        }
    }

    /// The keys and their values, in the order they were first set (a removal moves the last
    /// key into the removed one's place).
    pub fn iter(&self) -> impl Iterator<Item = (&str, &[String])> {
        self.entries.iter().map(|(k, v)| (k.as_ref(), v.as_ref()))
    }
}

/// Evaluates one request against one policy.
pub fn evaluate(policy: &Policy, request: &Request) -> Evaluation {
    let ctx = Context::from_request(request);
    evaluate_parts(policy, &request.principal, &request.action, &request.resource, &ctx)
}

pub(crate) fn evaluate_parts(
    policy: &Policy,
    principal: &RequestPrincipal,
    action: &str,
    resource: &str,
    ctx: &Context<'_>,
) -> Evaluation {
    let mut allows = Vec::new();
    let mut denies = Vec::new();
    for st in &policy.statements {
        if statement_matches(st, principal, action, resource, ctx) {
            match st.effect {
                Effect::Allow => allows.push(st.index),
                Effect::Deny => denies.push(st.index),
            }
        }
    }
    if !denies.is_empty() {
        Evaluation { decision: Decision::ExplicitDeny, statements: denies }
    } else if !allows.is_empty() {
        Evaluation { decision: Decision::Allow, statements: allows }
    } else {
        Evaluation { decision: Decision::ImplicitDeny, statements: Vec::new() }
    }
}

/// Whether the policy allows the request: some Allow matches and no Deny does (the decision
/// of [`evaluate_parts`], without the statements that made it).
pub(crate) fn allows(policy: &Policy, principal: &RequestPrincipal, action: &str, resource: &str, ctx: &Context<'_>) -> bool {
    let mut allowed = false;
    for st in &policy.statements {
        // A Deny decides whatever the Allows say; an Allow already matched needs no other.
        if (st.effect == Effect::Deny || !allowed) && statement_matches(st, principal, action, resource, ctx) {
            match st.effect {
                Effect::Allow => allowed = true,
                Effect::Deny => return false,
            }
        }
    }
    allowed
}

/// Whether a statement applies to the request (principal, action, resource and conditions).
pub fn statement_matches(
    st: &Statement,
    principal: &RequestPrincipal,
    action: &str,
    resource: &str,
    ctx: &Context<'_>,
) -> bool {
    principal_matches(&st.principal, principal)
        && st.action.matches(action)
        && st.resource.as_ref().is_none_or(|r| resource_matches(r, resource, ctx))
        && conditions_hold(&st.conditions, ctx)
}

pub fn principal_matches(clause: &PrincipalClause, principal: &RequestPrincipal) -> bool {
    match clause {
        PrincipalClause::Principal(entries) => entries.iter().any(|e| entry_matches(e, principal)),
        PrincipalClause::NotPrincipal(entries) => !entries.iter().any(|e| entry_matches(e, principal)),
        PrincipalClause::Missing => false,
    }
}

pub fn entry_matches(entry: &PrincipalEntry, principal: &RequestPrincipal) -> bool {
    match (entry, principal) {
        (PrincipalEntry::Anyone, _) => true,
        (PrincipalEntry::Account(a), RequestPrincipal::Aws { account, .. }) => a == account,
        (PrincipalEntry::Arn { arn, .. }, RequestPrincipal::Aws { arn: request_arn, .. }) => {
            arn_principal_matches(arn, request_arn)
        }
        (PrincipalEntry::UniqueId(u), RequestPrincipal::Aws { unique_id: Some(id), .. }) => u == id,
        (PrincipalEntry::CanonicalUser(c), RequestPrincipal::Aws { canonical_id: Some(id), .. }) => c == id,
        (PrincipalEntry::Service(s), RequestPrincipal::Service { service }) => s.eq_ignore_ascii_case(service),
        (PrincipalEntry::Federated(f), RequestPrincipal::Federated { provider }) => f == provider,
        (PrincipalEntry::OriginAccessIdentity(oai), RequestPrincipal::Aws { arn, .. }) => oai == arn,
        _ => false,
    }
}

/// A role ARN in a policy also matches the sessions of that role
/// (`arn:aws:sts::<account>:assumed-role/<name>/<session>`).
fn arn_principal_matches(policy_arn: &str, request_arn: &str) -> bool {
    if policy_arn == request_arn {
        return true;
    }
    let (Some((p_prefix, p_res)), Some((r_prefix, r_res))) = (split_arn(policy_arn), split_arn(request_arn)) else {
        return false;
    };
    let (Some(role), Some(session_role)) = (p_res.strip_prefix("role/"), r_res.strip_prefix("assumed-role/")) else {
        return false;
    };
    let role_name = role.rsplit('/').next().unwrap_or(role);
    let session_role_name = session_role.split('/').next().unwrap_or(session_role);
    p_prefix.0 == r_prefix.0 && p_prefix.1 == r_prefix.1 && role_name == session_role_name
}

/// (partition, account) and the resource part of an IAM/STS ARN.
fn split_arn(arn: &str) -> Option<((&str, &str), &str)> {
    let mut parts = arn.splitn(6, ':');
    let (_, partition, _, _, account, resource) =
        (parts.next()?, parts.next()?, parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    Some(((partition, account), resource))
}

pub fn resource_matches(clause: &ResourceClause, resource: &str, ctx: &Context<'_>) -> bool {
    let lookup = |k: &str| ctx.get(k);
    let hit = clause.values.iter().any(|v| match v {
        Value::Text { pattern: Some(p), .. } => p.matches(resource),
        Value::Text { pattern: None, template: Some(t) } => {
            condition::resolve_template(t, true, false, lookup).is_some_and(|p| p.matches(resource))
        }
        _ => false,
    });
    hit != clause.negated
}

pub fn conditions_hold(conditions: &[Condition], ctx: &Context<'_>) -> bool {
    conditions.iter().all(|c| condition_holds(c, ctx))
}

/// One condition against the request's values for its key (semantics.md section 3).
pub fn condition_holds(c: &Condition, ctx: &Context<'_>) -> bool {
    let values = ctx.get(&c.key_lc).filter(|v| !v.is_empty());
    let op = c.operator;
    if op.base.family() == Family::Null {
        let present = values.is_some();
        return c.values.iter().any(|v| matches!(v, Value::Bool(true)) != present);
    }
    let lookup = |k: &str| ctx.get(k);
    let matches_one = |rv: &str| c.values.iter().any(|v| condition::value_matches(op.base, v, rv, &lookup));
    let negated = op.base.is_negated();
    let Some(values) = values else {
        return match op.qualifier {
            Some(SetQualifier::ForAllValues) => true,
            Some(SetQualifier::ForAnyValue) => op.if_exists,
            None => op.if_exists || negated,
        };
    };
    match op.qualifier {
        None if negated => !values.iter().any(|rv| matches_one(rv)),
        None => values.iter().any(|rv| matches_one(rv)),
        Some(SetQualifier::ForAllValues) => values.iter().all(|rv| matches_one(rv) != negated),
        Some(SetQualifier::ForAnyValue) => values.iter().any(|rv| matches_one(rv) != negated),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    fn request(principal: RequestPrincipal, context: &[(&str, &[&str])]) -> Request {
        Request {
            principal,
            action: "s3:GetObject".into(),
            resource: "arn:aws:s3:::b/k".into(),
            context: context
                .iter()
                .map(|(k, v)| (k.to_string(), v.iter().map(|s| s.to_string()).collect()))
                .collect::<BTreeMap<_, _>>(),
        }
    }

    fn stranger() -> RequestPrincipal {
        RequestPrincipal::Aws {
            account: "444455556666".into(),
            arn: "arn:aws:iam::444455556666:role/x".into(),
            unique_id: None,
            canonical_id: None,
        }
    }

    #[test]
    fn a_context_with_many_keys_is_indexed_and_stays_consistent() {
        let mut ctx = Context::default();
        for i in 0..100 {
            ctx.set(format!("k{i}"), vec![i.to_string()]);
        }
        for i in (0..100).step_by(3) {
            ctx.remove(&format!("k{i}"));
        }
        for i in 0..100 {
            let want = (i % 3 != 0).then(|| vec![i.to_string()]);
            assert_eq!(ctx.get(&format!("k{i}")).map(<[String]>::to_vec), want, "k{i}");
        }
        ctx.set("k0", vec!["again".into()]);
        ctx.set("k1", vec!["changed".into()]);
        assert_eq!(ctx.get("k0"), Some(&["again".to_string()][..]));
        assert_eq!(ctx.get("k1"), Some(&["changed".to_string()][..]));
        assert_eq!(ctx.iter().count(), 67);
        let mut small = Context::default();
        small.set("a", vec![]);
        small.set("b", vec!["1".into()]);
        let mut reordered = Context::default();
        reordered.set("b", vec!["1".into()]);
        reordered.set("a", vec![]);
        assert_eq!(small, reordered);
    }

    #[test]
    fn deny_outside_org_fences_allow_star() {
        let p = Policy::parse(
            r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"},
            {"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"StringNotEquals":{"aws:PrincipalOrgID":"o-own"}}}]}"#,
        )
        .expect("valid");
        assert_eq!(evaluate(&p, &request(stranger(), &[])).decision, Decision::ExplicitDeny);
        assert_eq!(evaluate(&p, &request(RequestPrincipal::Anonymous, &[])).decision, Decision::ExplicitDeny);
        let inside = request(stranger(), &[("aws:PrincipalOrgID", &["o-own"])]);
        assert_eq!(evaluate(&p, &inside).decision, Decision::Allow);
    }

    #[test]
    fn allows_says_what_the_full_evaluation_decides() {
        let p = Policy::parse(
            r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"},
            {"Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"s3:*","Resource":"*"},
            {"Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"*","Condition":{"StringNotEquals":{"aws:PrincipalOrgID":"o-own"}}}]}"#,
        )
        .expect("valid");
        for action in ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "sqs:SendMessage"] {
            for principal in [stranger(), RequestPrincipal::Anonymous] {
                for context in [&[][..], &[("aws:PrincipalOrgID", &["o-own"][..])][..]] {
                    let r = request(principal.clone(), context);
                    let r = Request { action: action.to_string(), ..r };
                    let ctx = Context::from_request(&r);
                    let full = evaluate(&p, &r).decision == Decision::Allow;
                    assert_eq!(allows(&p, &r.principal, &r.action, &r.resource, &ctx), full, "{action} {principal:?} {context:?}");
                }
            }
        }
    }

    #[test]
    fn set_qualifiers_and_if_exists() {
        let p = Policy::parse(
            r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Condition":{
               "ForAllValues:StringEquals":{"aws:TagKeys":["a","b"]},"StringEqualsIfExists":{"aws:SourceVpc":"vpc-1"}}}]}"#,
        )
        .expect("valid");
        assert_eq!(evaluate(&p, &request(stranger(), &[])).decision, Decision::Allow);
        assert_eq!(evaluate(&p, &request(stranger(), &[("aws:TagKeys", &["a", "c"])])).decision, Decision::ImplicitDeny);
        assert_eq!(evaluate(&p, &request(stranger(), &[("aws:SourceVpc", &["vpc-2"])])).decision, Decision::ImplicitDeny);
    }
}
