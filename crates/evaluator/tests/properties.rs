//! Property tests that hold the analysis against the concrete request evaluator (the role
//! Cedar's simpler model plays for its implementation).

use std::collections::{BTreeMap, BTreeSet};

use perimeter_evaluator::policy::PrincipalEntry;
use perimeter_evaluator::{analyze, evaluate, Decision, Policy};
use perimeter_model::{Finding, Principal, Request, RequestPrincipal, ResourceInputs, ResourceRecord, SqsQueueInputs, Zone};
use proptest::prelude::*;
use serde_json::{json, Value};

const OWNER: &str = "111111111111";
const MEMBER: &str = "222222222222";
const FOREIGN: [&str; 2] = ["444455556666", "777788889999"];
const ORG: &str = "o-a1b2c3d4e5";
const FOREIGN_ORG: &str = "o-zzzz999999";
const QUEUE: &str = "arn:aws:sqs:us-east-1:111111111111:orders";
const ACTIONS: [&str; 4] = ["sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueUrl"];

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

fn action_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(json!("sqs:SendMessage")),
        Just(json!(["sqs:SendMessage", "sqs:ReceiveMessage"])),
        Just(json!("sqs:*")),
        Just(json!("sqs:Get*")),
        Just(json!("sqs:*Message")),
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

fn statement(effect: &'static str) -> impl Strategy<Value = Value> {
    (principal_value(), action_value(), condition_value()).prop_map(move |(p, a, c)| {
        let mut s = json!({"Effect": effect, "Principal": p, "Action": a, "Resource": "*"});
        if let Some(c) = c {
            s["Condition"] = c;
        }
        s
    })
}

fn policy_statements() -> impl Strategy<Value = Vec<Value>> {
    (prop::collection::vec(statement("Allow"), 1..4), prop::collection::vec(statement("Deny"), 0..3))
        .prop_map(|(mut a, d)| {
            a.extend(d);
            a
        })
}

fn record(statements: &[Value]) -> ResourceRecord {
    ResourceRecord {
        arn: QUEUE.to_string(),
        account: OWNER.to_string(),
        region: "us-east-1".to_string(),
        inputs: ResourceInputs::SqsQueue(SqsQueueInputs {
            name: "orders".into(),
            url: None,
            policy: Some(json!({"Version": "2012-10-17", "Statement": statements}).to_string()),
        }),
    }
}

fn parsed(statements: &[Value]) -> Policy {
    Policy::from_json(&json!({"Version": "2012-10-17", "Statement": statements})).expect("generated policies parse")
}

/// A request from outside the zone, with consistent identity keys.
fn external_request() -> impl Strategy<Value = Request> {
    let caller = prop_oneof![
        Just(None),
        (0..2usize, prop_oneof![Just(None), Just(Some(FOREIGN_ORG))], prop_oneof![Just("partner"), Just("other")])
            .prop_map(|(i, org, role)| Some((FOREIGN[i], org, role))),
    ];
    let ip = prop_oneof![Just(None), Just(Some("203.0.113.7")), Just(Some("198.51.100.1"))];
    let secure = prop_oneof![Just(None), Just(Some("true")), Just(Some("false"))];
    (caller, prop::sample::select(ACTIONS.to_vec()), ip, secure).prop_map(|(caller, action, ip, secure)| {
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
        Request { principal, action: action.to_string(), resource: QUEUE.to_string(), context }
    })
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
    fn every_witness_is_allowed(statements in policy_statements()) {
        let analysis = analyze(&record(&statements), &zone());
        prop_assert!(analysis.errors.is_empty());
        let policy = parsed(&statements);
        for f in &analysis.findings {
            let w = f.witness.as_ref().expect("a witness (no conservative findings on small policies)");
            prop_assert_eq!(evaluate(&policy, w).decision, Decision::Allow, "{:?}", w);
        }
    }

    #[test]
    fn allowed_external_requests_are_covered(statements in policy_statements(), request in external_request()) {
        let policy = parsed(&statements);
        if evaluate(&policy, &request).decision == Decision::Allow {
            let analysis = analyze(&record(&statements), &zone());
            let covered = analysis.findings.iter().any(|f| {
                f.actions.iter().any(|a| a.eq_ignore_ascii_case(&request.action)) && covers(&f.principal, &request.principal)
            });
            prop_assert!(covered, "allowed but not reported: {:?}\nfindings: {:?}", request, analysis.findings);
        }
    }

    #[test]
    fn adding_a_deny_never_adds_access(statements in policy_statements(), deny in statement("Deny")) {
        let before = analyze(&record(&statements), &zone());
        let mut more = statements.clone();
        more.push(deny);
        let after = analyze(&record(&more), &zone());
        let (b, a) = (access_pairs(&before.findings), access_pairs(&after.findings));
        prop_assert!(a.is_subset(&b), "new access after a Deny: {:?}", a.difference(&b).collect::<Vec<_>>());
    }

    #[test]
    fn statement_order_does_not_matter(statements in policy_statements()) {
        let mut reversed = statements.clone();
        reversed.reverse();
        let a = analyze(&record(&statements), &zone());
        let b = analyze(&record(&reversed), &zone());
        prop_assert_eq!(access(&a.findings), access(&b.findings));
    }

    #[test]
    fn principals_inside_the_zone_give_no_finding(
        statements in prop::collection::vec((prop_oneof![
            Just(json!({"AWS": MEMBER})),
            Just(json!({"AWS": format!("arn:aws:iam::{OWNER}:root")})),
            Just(json!({"AWS": format!("arn:aws:iam::{MEMBER}:role/app")})),
        ], action_value(), condition_value()), 1..4)
    ) {
        let statements: Vec<Value> = statements
            .into_iter()
            .map(|(p, a, c)| {
                let mut s = json!({"Effect": "Allow", "Principal": p, "Action": a, "Resource": "*"});
                if let Some(c) = c { s["Condition"] = c; }
                s
            })
            .collect();
        let analysis = analyze(&record(&statements), &zone());
        prop_assert!(analysis.findings.is_empty(), "{:?}", analysis.findings);
    }
}
