//! Property tests that hold the analysis against the concrete request evaluator (the role
//! Cedar's simpler model plays for its implementation), on every resource type's main policy.

use std::collections::{BTreeMap, BTreeSet};

use perimeter_evaluator::policy::PrincipalEntry;
use perimeter_evaluator::{analyze, analyze_guarded, evaluate, Decision, Policy, Rcp};
use std::sync::LazyLock;

use perimeter_model::{Finding, Principal, Request, RequestPrincipal, ResourceRecord, ResourceType, Zone};
use proptest::prelude::*;
use serde_json::{json, Value};

const OWNER: &str = "111111111111";
const MEMBER: &str = "222222222222";
const FOREIGN: [&str; 2] = ["444455556666", "777788889999"];
const ORG: &str = "o-a1b2c3d4e5";
const FOREIGN_ORG: &str = "o-zzzz999999";

/// One resource type under test: its resource ARN and the actions its analysis asks about
/// (those an outside account gets from `Allow Action "*"`), learned from the analysis itself so
/// that the properties hold for every type with no per-type code here.
#[derive(Debug)]
struct TypeCase {
    resource_type: ResourceType,
    service: &'static str,
    arn: String,
    actions: Vec<String>,
}

static CASES: LazyLock<Vec<TypeCase>> = LazyLock::new(|| {
    // Every type with a policy document (snapshots are shared by an attribute: the corpus holds
    // their cases).
    ResourceType::ALL
        .iter()
        .filter(|t| t.has_policy_document())
        .map(|t| {
            let service = perimeter_evaluator::resource_services(*t)[0].0;
            let arn = format!("arn:aws:{service}:us-east-1:{OWNER}:perimeter-property-resource");
            let probe = json!([{"Effect": "Allow", "Principal": {"AWS": FOREIGN[0]}, "Action": "*", "Resource": "*"}]);
            let probe: Vec<Value> = probe.as_array().cloned().unwrap_or_default();
            let case = TypeCase { resource_type: *t, service, arn, actions: Vec::new() };
            let found = analyze(&record(&case, &probe), &zone());
            let mut actions: Vec<String> = found.findings.iter().flat_map(|f| f.actions.clone()).collect();
            actions.sort();
            actions.dedup();
            assert!(!actions.is_empty(), "{t}: `Allow * to an outside account` gives no action");
            TypeCase { actions, ..case }
        })
        .collect()
});

fn zone() -> Zone {
    Zone::of_accounts(Some(ORG), [OWNER, MEMBER])
}

fn principal_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(json!("*")),
        Just(json!({"AWS": "*"})),
        Just(json!({"AWS": FOREIGN[0]})),
        Just(json!({"AWS": format!("arn:aws:iam::{}:role/partner", FOREIGN[1])})),
        Just(json!({"AWS": MEMBER})),
        Just(json!({"AWS": format!("arn:aws:iam::{OWNER}:root")})),
        Just(json!({"Service": "sns.amazonaws.com"})),
    ]
}

/// Action values for a type: one action, two, the service's wildcard, a prefix wildcard, a
/// suffix wildcard, and everything.
fn action_value(case: &'static TypeCase) -> impl Strategy<Value = Value> {
    let a = &case.actions;
    let (first, second) = (a[0].clone(), a[a.len() / 2].clone());
    let name = first.split_once(':').map_or(first.as_str(), |(_, n)| n);
    let prefix = format!("{}:{}*", case.service, name.chars().take(3).collect::<String>());
    let suffix = format!("{}:*{}", case.service, name.chars().rev().take(3).collect::<Vec<_>>().into_iter().rev().collect::<String>());
    prop_oneof![
        Just(json!(first.clone())),
        Just(json!([first, second])),
        Just(json!(format!("{}:*", case.service))),
        Just(json!(prefix)),
        Just(json!(suffix)),
        Just(json!("*")),
    ]
}

fn condition_value() -> impl Strategy<Value = Option<Value>> {
    prop_oneof![
        Just(None),
        Just(Some(json!({"StringEquals": {"aws:PrincipalOrgID": ORG}}))),
        Just(Some(json!({"StringNotEquals": {"aws:PrincipalOrgID": ORG}}))),
        Just(Some(json!({"StringEquals": {"aws:PrincipalOrgID": FOREIGN_ORG}}))),
        Just(Some(json!({"StringEquals": {"aws:PrincipalAccount": [FOREIGN[0], MEMBER]}}))),
        Just(Some(json!({"StringNotEquals": {"aws:PrincipalAccount": [OWNER, MEMBER]}}))),
        Just(Some(json!({"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}))),
        Just(Some(json!({"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}}))),
        Just(Some(json!({"Bool": {"aws:SecureTransport": "true"}}))),
        Just(Some(json!({"StringEquals": {"aws:SourceAccount": FOREIGN[1]}}))),
        Just(Some(json!({"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/partner"}}))),
        Just(Some(json!({"StringEqualsIfExists": {"aws:SourceVpc": "vpc-1234"}}))),
        Just(Some(json!({"ForAnyValue:StringEquals": {"aws:PrincipalOrgPaths": [format!("{ORG}/r-ab12/")]}}))),
        Just(Some(json!({"Null": {"aws:PrincipalOrgID": "true"}}))),
    ]
}

fn statement(case: &'static TypeCase, effect: &'static str) -> impl Strategy<Value = Value> {
    (principal_value(), action_value(case), condition_value()).prop_map(move |(p, a, c)| {
        let mut s = json!({"Effect": effect, "Principal": p, "Action": a, "Resource": "*"});
        if let Some(c) = c {
            s["Condition"] = c;
        }
        s
    })
}

/// A Deny: with a `Principal`, or with a `NotPrincipal` that spares the principals it names
/// (which the search must then try as callers: issue 12, class 1).
fn deny_statement(case: &'static TypeCase) -> impl Strategy<Value = Value> {
    prop_oneof![
        statement(case, "Deny"),
        (principal_value(), action_value(case), condition_value()).prop_map(|(p, a, c)| {
            let mut s = json!({"Effect": "Deny", "NotPrincipal": p, "Action": a, "Resource": "*"});
            if let Some(c) = c {
                s["Condition"] = c;
            }
            s
        }),
    ]
}

/// A resource control policy of one Deny (`Principal "*"`, as RCPs must), with the actions and
/// conditions a Deny of the resource policy may have.
fn rcp(case: &'static TypeCase) -> impl Strategy<Value = std::sync::Arc<Rcp>> {
    (action_value(case), condition_value()).prop_map(|(a, c)| {
        let mut s = json!({"Effect": "Deny", "Principal": "*", "Action": a, "Resource": "*"});
        if let Some(c) = c {
            s["Condition"] = c;
        }
        let text = json!({"Version": "2012-10-17", "Statement": [s]}).to_string();
        std::sync::Arc::new(Rcp::parse("p-property", "property", &text).expect("generated RCPs parse"))
    })
}

/// Whether the RCP refuses the request (only for the actions RCPs govern).
fn rcp_refuses(rcp: &Rcp, request: &Request) -> bool {
    perimeter_model::rcp_governs(&request.action) && evaluate(&rcp.policy, request).decision == Decision::ExplicitDeny
}

/// A type under test.
fn type_case() -> impl Strategy<Value = &'static TypeCase> {
    prop::sample::select(CASES.iter().collect::<Vec<_>>())
}

fn policy_statements(case: &'static TypeCase) -> impl Strategy<Value = Vec<Value>> {
    (prop::collection::vec(statement(case, "Allow"), 1..4), prop::collection::vec(deny_statement(case), 0..3))
        .prop_map(|(mut a, d)| {
            a.extend(d);
            a
        })
}

fn record(case: &TypeCase, statements: &[Value]) -> ResourceRecord {
    let policy = json!({"Version": "2012-10-17", "Statement": statements}).to_string();
    ResourceRecord::from_policy(case.resource_type, &case.arn, OWNER, policy)
}

fn parsed(statements: &[Value]) -> Policy {
    Policy::from_json(&json!({"Version": "2012-10-17", "Statement": statements})).expect("generated policies parse")
}

/// A request from outside the zone, with consistent identity keys.
fn external_request(case: &'static TypeCase) -> impl Strategy<Value = Request> {
    let caller = prop_oneof![
        Just(None),
        (0..2usize, prop_oneof![Just(None), Just(Some(FOREIGN_ORG))], prop_oneof![Just("partner"), Just("other")])
            .prop_map(|(i, org, role)| Some((FOREIGN[i], org, role))),
    ];
    let ip = prop_oneof![Just(None), Just(Some("203.0.113.7")), Just(Some("198.51.100.1"))];
    let secure = prop_oneof![Just(None), Just(Some("true")), Just(Some("false"))];
    (caller, prop::sample::select(case.actions.clone()), ip, secure).prop_map(move |(caller, action, ip, secure)| {
        let mut context = BTreeMap::new();
        let principal = match caller {
            None => RequestPrincipal::Anonymous,
            Some((account, org, role)) => {
                let arn = format!("arn:aws:iam::{account}:role/{role}");
                context.insert("aws:PrincipalAccount".to_string(), vec![account.to_string()]);
                context.insert("aws:PrincipalArn".to_string(), vec![arn.clone()]);
                if let Some(org) = org {
                    context.insert("aws:PrincipalOrgID".to_string(), vec![org.to_string()]);
                    context.insert("aws:PrincipalOrgPaths".to_string(), vec![format!("{org}/r-zz/")]);
                }
                RequestPrincipal::Aws { account: account.into(), arn, unique_id: None, canonical_id: None }
            }
        };
        if let Some(ip) = ip {
            context.insert("aws:SourceIp".to_string(), vec![ip.to_string()]);
        }
        if let Some(s) = secure {
            context.insert("aws:SecureTransport".to_string(), vec![s.to_string()]);
        }
        Request { principal, action, resource: case.arn.clone(), context }
    })
}

/// Directory buckets always have `RestrictPublicBuckets` on: a policy that is public grants
/// nobody outside anything directly, so an allowed request may go unreported only when the
/// analysis dropped every direct (`POLICY`) finding of the policy (never some of them).
fn all_dropped_as_public(case: &TypeCase, findings: &[Finding]) -> bool {
    case.resource_type == ResourceType::S3ExpressDirectoryBucket
        && findings.iter().all(|f| f.shared_via != perimeter_model::SharedVia::Policy)
}

/// Whether a finding's principal covers the request's caller.
fn covers(principal: &Principal, caller: &RequestPrincipal) -> bool {
    let entry = match principal {
        p if p.is_anyone() => PrincipalEntry::Anyone,
        Principal::Aws(a) if a.len() == 12 => PrincipalEntry::Account(a.clone()),
        Principal::Aws(arn) => PrincipalEntry::Arn { arn: arn.clone(), account: arn.split(':').nth(4).unwrap_or_default().into() },
        Principal::Service(s) => PrincipalEntry::Service(s.clone()),
        Principal::Federated(f) => PrincipalEntry::Federated(f.clone()),
        Principal::CanonicalUser(c) => PrincipalEntry::CanonicalUser(c.clone()),
    };
    perimeter_evaluator::evaluate::entry_matches(&entry, caller)
}

/// Findings without witnesses and ids, for comparing two analyses.
fn access(findings: &[Finding]) -> BTreeSet<(String, String, bool, String)> {
    findings
        .iter()
        .flat_map(|f| {
            let cond = serde_json::to_string(&f.condition).unwrap_or_default();
            f.actions.iter().map(move |a| (f.principal.to_string(), cond.clone(), f.is_public, a.clone()))
        })
        .collect()
}

fn access_pairs(findings: &[Finding]) -> BTreeSet<(String, String)> {
    findings.iter().flat_map(|f| f.actions.iter().map(|a| (f.principal.to_string(), a.clone()))).collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, .. ProptestConfig::default() })]

    #[test]
    fn every_witness_is_allowed((case, statements) in type_case().prop_flat_map(|c| (Just(c), policy_statements(c)))) {
        let analysis = analyze(&record(case, &statements), &zone());
        prop_assert!(analysis.errors.is_empty());
        let policy = parsed(&statements);
        for f in &analysis.findings {
            let w = f.witness.as_ref().expect("a witness (no conservative findings on small policies)");
            prop_assert_eq!(evaluate(&policy, w).decision, Decision::Allow, "{:?}", w);
        }
    }

    #[test]
    fn allowed_external_requests_are_covered(
        (case, statements, request) in type_case().prop_flat_map(|c| (Just(c), policy_statements(c), external_request(c)))
    ) {
        let policy = parsed(&statements);
        if evaluate(&policy, &request).decision == Decision::Allow {
            let analysis = analyze(&record(case, &statements), &zone());
            let covered = analysis.findings.iter().any(|f| {
                f.actions.iter().any(|a| a.eq_ignore_ascii_case(&request.action)) && covers(&f.principal, &request.principal)
            });
            prop_assert!(
                covered || all_dropped_as_public(case, &analysis.findings),
                "allowed but not reported: {:?}\nfindings: {:?}", request, analysis.findings
            );
        }
    }

    #[test]
    fn adding_a_deny_never_adds_access(
        (case, statements, deny) in type_case().prop_flat_map(|c| (Just(c), policy_statements(c), deny_statement(c)))
    ) {
        let before = analyze(&record(case, &statements), &zone());
        let mut more = statements.clone();
        more.push(deny);
        let after = analyze(&record(case, &more), &zone());
        let (b, a) = (access_pairs(&before.findings), access_pairs(&after.findings));
        // Under an always-on RestrictPublicBuckets a Deny that makes a public policy non-public
        // does open it to what it still allows (AWS judges the whole policy's publicness).
        prop_assert!(
            a.is_subset(&b) || all_dropped_as_public(case, &before.findings),
            "new access after a Deny: {:?}", a.difference(&b).collect::<Vec<_>>()
        );
    }

    #[test]
    fn statement_order_does_not_matter((case, statements) in type_case().prop_flat_map(|c| (Just(c), policy_statements(c)))) {
        let mut reversed = statements.clone();
        reversed.reverse();
        let a = analyze(&record(case, &statements), &zone());
        let b = analyze(&record(case, &reversed), &zone());
        prop_assert_eq!(access(&a.findings), access(&b.findings));
    }

    #[test]
    fn principals_inside_the_zone_give_no_finding(
        (case, statements) in type_case().prop_flat_map(|c| (Just(c), prop::collection::vec((prop_oneof![
            Just(json!({"AWS": MEMBER})),
            Just(json!({"AWS": format!("arn:aws:iam::{OWNER}:root")})),
            Just(json!({"AWS": format!("arn:aws:iam::{MEMBER}:role/app")})),
        ], action_value(c), condition_value()), 1..4)))
    ) {
        let statements: Vec<Value> = statements
            .into_iter()
            .map(|(p, a, c)| {
                let mut s = json!({"Effect": "Allow", "Principal": p, "Action": a, "Resource": "*"});
                if let Some(c) = c { s["Condition"] = c; }
                s
            })
            .collect();
        let analysis = analyze(&record(case, &statements), &zone());
        prop_assert!(analysis.findings.is_empty(), "{}: {:?}", case.resource_type, analysis.findings);
    }

    #[test]
    fn rcps_hide_no_access_and_their_witnesses_hold(
        (case, statements, rcp) in type_case().prop_flat_map(|c| (Just(c), policy_statements(c), rcp(c)))
    ) {
        let record = record(case, &statements);
        let open = analyze(&record, &zone());
        let guarded = analyze_guarded(&record, &zone(), std::slice::from_ref(&rcp));
        // Every access stays a finding, blocked or not: an RCP never makes one disappear.
        let (o, g) = (access_pairs(&open.findings), access_pairs(&guarded.findings));
        prop_assert!(o.is_subset(&g), "lost under the RCP: {:?}", o.difference(&g).collect::<Vec<_>>());
        let policy = parsed(&statements);
        for f in &guarded.findings {
            let Some(w) = &f.witness else { continue };
            prop_assert_eq!(evaluate(&policy, w).decision, Decision::Allow, "{:?}", w);
            if f.is_blocked() {
                prop_assert!(rcp_refuses(&rcp, w), "blocked, but the RCP lets the witness in: {:?}", w);
            } else if f.conservative.is_none() {
                prop_assert!(!rcp_refuses(&rcp, w), "not blocked, but the RCP refuses the witness: {:?}", w);
            }
        }
    }

    #[test]
    fn requests_that_get_through_the_rcp_are_unblocked_findings(
        (case, statements, rcp, request) in type_case().prop_flat_map(|c| (Just(c), policy_statements(c), rcp(c), external_request(c)))
    ) {
        let policy = parsed(&statements);
        if evaluate(&policy, &request).decision == Decision::Allow && !rcp_refuses(&rcp, &request) {
            let analysis = analyze_guarded(&record(case, &statements), &zone(), std::slice::from_ref(&rcp));
            let covered = analysis.findings.iter().any(|f| {
                !f.is_blocked()
                    && f.actions.iter().any(|a| a.eq_ignore_ascii_case(&request.action))
                    && covers(&f.principal, &request.principal)
            });
            prop_assert!(
                covered || all_dropped_as_public(case, &analysis.findings),
                "gets through the RCP but not reported unblocked: {:?}\nfindings: {:?}", request, analysis.findings
            );
        }
    }
}
