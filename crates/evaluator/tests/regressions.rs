//! One regression test per defect fixed, named after it (the defects of the reliability probe
//! of 2026-12-01: D1, D4, D5, D10, D17; the classes of issue 12, scored on AWS's own published
//! policies: `i12_c<class>_…`). Each asserts the analysis's result, never only that it ran.

#[path = "support/policies.rs"]
mod policies;
mod support;

use std::time::{Duration, Instant};

use perimeter_evaluator::{analyze, evaluate, Analysis, Decision, Policy, RESOURCE_BOUND};
use perimeter_model::{ErrorCode, Finding, Principal, Request, RequestPrincipal, ResourceRecord, ResourceType, SharedVia, Zone};
use serde_json::{json, Value};

const ORG: &str = "o-a1b2c3d4e5";

fn zone() -> Zone {
    Zone::of_accounts(Some(ORG), [policies::OWNER])
}

fn bucket_analysis(policy: &str) -> Analysis {
    let record = ResourceRecord::from_policy(ResourceType::S3Bucket, policies::BUCKET_ARN, policies::OWNER, policy.to_string());
    analyze(&record, &zone())
}

/// `Allow * s3:GetObject` under one condition, as JSON text (`value` is JSON: a string or not).
fn allow_under(operator: &str, key: &str, value: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*","Condition":{{"{operator}":{{"{key}":{value}}}}}}}]}}"#
    )
}

/// The only finding, public, for anyone, with a witness that the concrete evaluator allows.
fn assert_public_with_witness(policy: &str) -> Finding {
    let a = bucket_analysis(policy);
    assert!(a.errors.is_empty(), "{policy}: {:?}", a.errors);
    assert_eq!(a.findings.len(), 1, "{policy}: {:#?}", a.findings);
    let f = a.findings[0].clone();
    assert!(f.is_public && f.principal.is_anyone() && f.conservative.is_none(), "{policy}: {f:#?}");
    let witness = f.witness.as_ref().expect("a witness");
    let parsed = Policy::parse(policy).expect("parses");
    assert_eq!(evaluate(&parsed, witness).decision, Decision::Allow, "{policy}: {witness:?}");
    f
}

fn assert_parse_error(a: &Analysis, pointer: &str, names: &str) {
    let e = a.errors.first().unwrap_or_else(|| panic!("expected a parse error at {pointer}, got {:#?}", a.findings));
    assert_eq!(e.code, ErrorCode::ParseError, "{e:?}");
    assert_eq!(e.pointer, pointer, "{e:?}");
    assert!(e.message.contains(names), "`{}` does not name `{names}`", e.message);
    assert!(a.findings.is_empty());
}

fn get_object(principal: RequestPrincipal, context: &[(&str, &str)]) -> Request {
    Request {
        principal,
        action: "s3:GetObject".into(),
        resource: format!("{}/k", policies::BUCKET_ARN),
        context: context.iter().map(|(k, v)| (k.to_string(), vec![v.to_string()])).collect(),
    }
}

#[test]
fn d1_numeric_bound_beyond_2_pow_53_is_exact() {
    // Always-true conditions: the bucket is public, at any magnitude of the bound.
    for (operator, key, value) in [
        ("NumericLessThan", "aws:EpochTime", r#""10000000000000000""#),
        ("NumericGreaterThan", "aws:EpochTime", r#""-10000000000000000""#),
        ("NumericGreaterThan", "s3:max-keys", r#""9007199254740992""#),
        ("NumericLessThan", "s3:max-keys", r#""1000000000000000000000000000000000000001""#),
        ("NumericGreaterThanEquals", "s3:max-keys", r#""-9007199254740993.25""#),
        ("NumericEquals", "s3:max-keys", r#""9007199254740993""#),
        ("DateLessThan", "aws:EpochTime", r#""10000000000000000""#),
        ("DateGreaterThan", "aws:CurrentTime", r#""9999-12-31T23:59:59Z""#),
        ("NumericLessThan", "aws:EpochTime", "10000000000000000"),
    ] {
        let f = assert_public_with_witness(&allow_under(operator, key, value));
        // Candidate values are written in plain notation.
        let context = &f.witness.as_ref().expect("a witness").context;
        assert!(context.values().flatten().all(|v| !v.contains(['e', 'E'])), "{context:?}");
    }
    // The concrete evaluator compares exactly too.
    let policy = Policy::parse(&allow_under("NumericLessThan", "aws:EpochTime", r#""10000000000000000""#)).expect("parses");
    for (value, decision) in [
        ("9999999999999999", Decision::Allow),
        ("10000000000000000", Decision::ImplicitDeny),
        ("10000000000000001", Decision::ImplicitDeny),
        ("1e15", Decision::ImplicitDeny),
        ("-inf", Decision::ImplicitDeny),
    ] {
        let r = get_object(RequestPrincipal::Anonymous, &[("aws:EpochTime", value)]);
        assert_eq!(evaluate(&policy, &r).decision, decision, "aws:EpochTime = {value}");
    }
    // What is not an integer or decimal is a parse error that names the value, never "no
    // external access".
    let at = "/Statement/0/Condition/NumericLessThan/s3:max-keys";
    for (value, names) in [
        (r#""1e308""#, "`1e308`"),
        (r#""inf""#, "`inf`"),
        (r#""-inf""#, "`-inf`"),
        (r#""infinity""#, "`infinity`"),
        (r#""NaN""#, "`NaN`"),
        (r#""+5""#, "`+5`"),
        (r#"" 5 ""#, "` 5 `"),
        (r#""1e16""#, "`1e16`"),
        (r#""""#, "``"),
        (r#"["5", "5."]"#, "`5.`"),
        ("1e16", "JSON number `1e+16`"),
        ("1e308", "JSON number `1e+308`"),
        ("2.5", "`2.5`"),
        ("18446744073709551616", "JSON number"),
    ] {
        let at = if value.starts_with('[') { format!("{at}/1") } else { at.to_string() };
        assert_parse_error(&bucket_analysis(&allow_under("NumericLessThan", "s3:max-keys", value)), &at, names);
    }
    let a = bucket_analysis(&allow_under("DateLessThan", "aws:EpochTime", r#""1e16""#));
    assert_parse_error(&a, "/Statement/0/Condition/DateLessThan/aws:EpochTime", "`1e16`");
}

#[test]
fn d5_variables_are_literal_under_version_2008() {
    let stranger = "444455556666";
    let repro = |version: &str| {
        format!(
            r#"{{{version}"Statement":[
            {{"Effect":"Allow","Principal":{{"AWS":"{stranger}"}},"Action":"s3:GetObject","Resource":"*"}},
            {{"Effect":"Deny","Principal":{{"AWS":"*"}},"Action":"s3:GetObject","Resource":"*",
              "Condition":{{"StringEquals":{{"aws:PrincipalAccount":"${{aws:PrincipalAccount}}"}}}}}}]}}"#
        )
    };
    // In AWS the Deny compares with the literal text and never applies: the account reads.
    for version in [r#""Version":"2008-10-17","#, ""] {
        let a = bucket_analysis(&repro(version));
        assert!(a.errors.is_empty(), "{:?}", a.errors);
        assert_eq!(a.findings.len(), 1, "{version}: {:#?}", a.findings);
        let f = &a.findings[0];
        assert_eq!(f.principal, Principal::Aws(stranger.into()));
        assert!(!f.is_public && f.conservative.is_none() && f.condition.is_empty(), "{f:#?}");
        assert_eq!(f.actions, ["s3:GetObject"]);
    }
    // Under 2012-10-17 the variable resolves and the Deny removes the access.
    assert!(bucket_analysis(&repro(r#""Version":"2012-10-17","#)).findings.is_empty());

    // `Allow *` for the caller whose account equals the text `${aws:PrincipalAccount}`: no
    // account ID is that text (AWS sets the key to twelve digits), so nobody gets in under
    // 2008; under 2012 every caller matches its own account: public.
    let own_account = |version: &str| {
        format!(
            r#"{{"Version":"{version}","Statement":[{{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*",
              "Condition":{{"StringEquals":{{"aws:PrincipalAccount":"${{aws:PrincipalAccount}}"}}}}}}]}}"#
        )
    };
    let a = bucket_analysis(&own_account("2008-10-17"));
    assert!(a.errors.is_empty() && a.findings.is_empty(), "{a:#?}");
    assert_public_with_witness(&own_account("2012-10-17"));

    // A key the caller chooses can carry the literal text: public, and the witness says so.
    let prefix = r#"{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:ListBucket","Resource":"*","Condition":{"StringEquals":{"s3:prefix":"home/${aws:username}"}}}]}"#;
    let f = assert_public_with_witness(prefix);
    assert_eq!(f.witness.as_ref().expect("a witness").context["s3:prefix"], ["home/${aws:username}"]);
    // In a resource too: the object named by the literal text.
    let resource = format!(
        r#"{{"Version":"2008-10-17","Statement":[{{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"{}/${{aws:username}}/*"}}]}}"#,
        policies::BUCKET_ARN
    );
    let f = assert_public_with_witness(&resource);
    assert!(f.witness.as_ref().expect("a witness").resource.contains("/${aws:username}/"), "{f:#?}");
    // `${*}` is not an escape there either: under StringLike its `*` is a wildcard.
    let like = r#"{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:ListBucket","Resource":"*","Condition":{"StringLike":{"s3:prefix":"a${*}"}}}]}"#;
    let policy = Policy::parse(like).expect("parses");
    let list = |prefix: &str| Request {
        action: "s3:ListBucket".into(),
        resource: policies::BUCKET_ARN.into(),
        ..get_object(RequestPrincipal::Anonymous, &[("s3:prefix", prefix)])
    };
    assert_eq!(evaluate(&policy, &list("a${anything}")).decision, Decision::Allow);
    assert_eq!(evaluate(&policy, &list("a*")).decision, Decision::ImplicitDeny);
}

#[test]
fn d10_duplicate_keys_are_a_parse_error_with_the_pointer() {
    let statement_tail = r#""Principal":"*","Action":"s3:GetObject","Resource":"*""#;
    for (policy, pointer, key) in [
        (
            format!(r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Effect":"Deny",{statement_tail}}}]}}"#),
            "/Statement/0/Effect",
            "`Effect`",
        ),
        (
            format!(r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Deny","Effect":"Allow",{statement_tail}}}]}}"#),
            "/Statement/0/Effect",
            "`Effect`",
        ),
        (
            format!(
                r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow",{statement_tail},"Condition":{{
                "StringEquals":{{"aws:PrincipalOrgID":"{ORG}"}},"StringEquals":{{"aws:SourceIp":"203.0.113.1"}}}}}}]}}"#
            ),
            "/Statement/0/Condition/StringEquals",
            "`StringEquals`",
        ),
        (
            format!(
                r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow",{statement_tail}}}],"Statement":[{{"Effect":"Deny",{statement_tail}}}]}}"#
            ),
            "/Statement",
            "`Statement`",
        ),
        (
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"444455556666","AWS":"*"},"Action":"s3:GetObject","Resource":"*"}]}"#.to_string(),
            "/Statement/0/Principal/AWS",
            "`AWS`",
        ),
        (
            r#"{"Version":"2012-10-17","Version":"2012-10-17","Statement":[]}"#.to_string(),
            "/Version",
            "`Version`",
        ),
    ] {
        assert_parse_error(&bucket_analysis(&policy), pointer, key);
        assert!(Policy::parse(&policy).is_err());
    }
    // The size limit and the nesting limit still hold.
    let big = format!(r#"{{"Version":"2012-10-17","Id":"{}","Statement":[]}}"#, "x".repeat(perimeter_evaluator::MAX_DOCUMENT_BYTES));
    let a = bucket_analysis(&big);
    assert_eq!(a.errors.first().map(|e| e.code), Some(ErrorCode::LimitExceeded));
    let deep = format!(r#"{{"Version":"2012-10-17","Statement":{}1{}}}"#, "[".repeat(10_000), "]".repeat(10_000));
    assert_parse_error(&bucket_analysis(&deep), "", "recursion limit exceeded");
}

#[test]
fn d17_resource_policies_need_principal_resource_and_condition_values() {
    let record = |t: ResourceType, policy: &Value| {
        let service = perimeter_evaluator::resource_services(t)[0].0;
        let arn = format!("arn:aws:{service}:us-east-1:{}:perimeter-resource", policies::OWNER);
        ResourceRecord::from_policy(t, &arn, policies::OWNER, policy.to_string())
    };
    let document = |statement: Value| json!({"Version": "2012-10-17", "Statement": [statement]});
    // No Principal: AWS rejects the statement in every resource-based policy, Deny or Allow,
    // trust policies included.
    for t in ResourceType::ALL.iter().copied().filter(|t| t.has_policy_document()) {
        for effect in ["Allow", "Deny"] {
            let mut st = json!({"Effect": effect, "Action": "*"});
            if t != ResourceType::IamRole {
                st["Resource"] = json!("*");
            }
            let a = analyze(&record(t, &document(st)), &zone());
            assert_parse_error(&a, "/Statement/0", "`Principal`");
        }
    }
    // No Resource: rejected except where the statement applies to the resource it is attached
    // to (a role's trust policy, an ECR repository policy, an EFS file system policy).
    for t in ResourceType::ALL.iter().copied().filter(|t| t.has_policy_document()) {
        let st = json!({"Effect": "Allow", "Principal": {"AWS": "444455556666"}, "Action": "*"});
        let a = analyze(&record(t, &document(st)), &zone());
        if matches!(t, ResourceType::IamRole | ResourceType::EcrRepository | ResourceType::EfsFileSystem) {
            assert!(a.errors.is_empty() && a.findings.len() == 1, "{t}: {a:#?}");
        } else {
            assert_parse_error(&a, "/Statement/0", "`Resource`");
        }
    }
    // An empty value list has a documented meaning only with a set qualifier or IfExists.
    let with_condition = |operator: &str, key: &str| {
        document(json!({"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*",
                        "Condition": {operator: {key: []}}}))
        .to_string()
    };
    for operator in ["StringEquals", "StringNotEquals", "IpAddress", "Null", "NumericLessThan"] {
        let a = bucket_analysis(&with_condition(operator, "aws:SourceIp"));
        assert_parse_error(&a, &format!("/Statement/0/Condition/{operator}/aws:SourceIp"), "`aws:SourceIp`");
    }
    // `ForAnyValue:` with no values never matches; `ForAllValues:` and `…IfExists` match an
    // absent key (Access Analyzer's policy checks, "Empty array condition …").
    assert!(bucket_analysis(&with_condition("ForAnyValue:StringEquals", "aws:TagKeys")).findings.is_empty());
    assert_public_with_witness(&with_condition("ForAllValues:StringEquals", "aws:TagKeys"));
    assert_public_with_witness(&with_condition("StringEqualsIfExists", "aws:SourceVpc"));
}

/// The findings of a D4 policy, checked: every witness allowed, and each finding public.
fn d4_findings(policy: &Value) -> (Analysis, Duration) {
    let start = Instant::now();
    let a = analyze(&policies::bucket(policy), &zone());
    let elapsed = start.elapsed();
    assert!(a.errors.is_empty(), "{:?}", a.errors);
    let parsed = Policy::parse(&policy.to_string()).expect("parses");
    for f in &a.findings {
        assert!(f.principal.is_anyone() && f.is_public && f.shared_via == SharedVia::Policy, "{f:#?}");
        if let Some(w) = &f.witness {
            assert_eq!(evaluate(&parsed, w).decision, Decision::Allow, "{w:?}");
        }
    }
    (a, elapsed)
}

/// The actions `Allow * s3:*` gives on a bucket, sorted.
fn bucket_actions() -> Vec<String> {
    let policy = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "*"}]});
    let mut actions: Vec<String> = analyze(&policies::bucket(&policy), &zone()).findings.into_iter().flat_map(|f| f.actions).collect();
    actions.sort();
    actions
}

/// The condition a finding shows when the Denies of `tags` fence it.
fn fences(tags: impl Iterator<Item = usize>) -> Vec<(String, Vec<String>)> {
    tags.map(|i| (format!("Deny StringNotLike aws:PrincipalTag/t{i}"), vec!["x*".to_string()])).collect()
}

#[test]
fn d4_150_deny_bucket_policy_analyses_in_milliseconds() {
    // 150 Denies of s3:GetObject unless a tag is like x* (20 KB, S3's limit): the access is
    // public, proved, and each Deny narrows it.
    let policy = policies::deny_fences(150);
    assert!(policy.to_string().len() <= 20 * 1024);
    let (a, elapsed) = d4_findings(&policy);
    assert_eq!(a.findings.len(), 2, "{:#?}", a.findings);
    let fenced = a.findings.iter().find(|f| f.actions == ["s3:GetObject"]).expect("the GetObject finding");
    assert!(fenced.conservative.is_none() && fenced.witness.is_some());
    assert_eq!(fenced.condition.clone().into_iter().collect::<Vec<_>>(), {
        let mut want = fences(0..150);
        want.sort();
        want
    });
    let rest = a.findings.iter().find(|f| f.condition.is_empty()).expect("the other actions");
    assert!(rest.conservative.is_none() && rest.actions.contains(&"s3:PutObject".to_string()));
    assert!(!rest.actions.contains(&"s3:GetObject".to_string()));
    assert!(a.work < RESOURCE_BOUND / 20, "work {}", a.work);
    assert!(elapsed < Duration::from_secs(2), "{elapsed:?}");

    // 150 Denies each of every action but one (NotAction), each unless a tag is like x*: every
    // action of the bucket is public and proved, fenced by every Deny that covers it (22 KB).
    let actions = policies::s3_actions(150);
    let policy = policies::not_action_fences(&actions);
    assert!(policy.to_string().len() <= 23 * 1024, "{}", policy.to_string().len());
    let (a, elapsed) = d4_findings(&policy);
    let mut reported: Vec<String> = a.findings.iter().flat_map(|f| f.actions.clone()).collect();
    reported.sort();
    assert_eq!(reported, bucket_actions());
    for f in &a.findings {
        assert!(f.conservative.is_none() && f.witness.is_some(), "{f:#?}");
        for action in &f.actions {
            let mut want = fences((0..actions.len()).filter(|i| actions[*i] != action));
            want.sort();
            assert_eq!(f.condition.clone().into_iter().collect::<Vec<_>>(), want, "{action}");
        }
    }
    assert!(a.work < RESOURCE_BOUND / 20, "work {}", a.work);
    assert!(elapsed < Duration::from_secs(2), "{elapsed:?}");
}

#[test]
fn d4_work_past_the_resource_bound_is_reported_conservatively() {
    // 150 Denies of every action but one, each when a tag is like x*: a caller without the
    // tags gets in, but the search tries the tag values first and reaches its bounds. Past the
    // resource's budget every remaining access is still reported, conservatively, with the
    // reason; nothing is dropped.
    let actions = policies::s3_actions(150);
    let mut policy = policies::not_action_fences(&actions);
    for st in policy["Statement"].as_array_mut().into_iter().flatten() {
        if let Some(condition) = st.get_mut("Condition") {
            let inner = condition["StringNotLike"].take();
            *condition = json!({"StringLike": inner});
        }
    }
    let (a, _) = d4_findings(&policy);
    assert_eq!(a.work, RESOURCE_BOUND, "the budget is spent exactly");
    let mut reported: Vec<String> = a.findings.iter().flat_map(|f| f.actions.clone()).collect();
    reported.sort();
    assert_eq!(reported, bucket_actions(), "every action is still reported");
    let conservative: Vec<&Finding> = a.findings.iter().filter(|f| f.conservative.is_some()).collect();
    assert!(conservative.iter().all(|f| f.witness.is_none() && f.condition.is_empty()));
    assert!(
        conservative.iter().any(|f| f.conservative.as_deref().is_some_and(|r| r.contains("work units"))),
        "{conservative:#?}"
    );
    // The same policy twice gives the same answer: work is counted, not timed.
    let (b, _) = d4_findings(&policy);
    assert_eq!(format!("{:?}", a.findings), format!("{:?}", b.findings));
}

/// The findings of an analysis of `policy`, each witness checked against the concrete evaluator.
fn checked(policy: &Value, a: Analysis) -> Vec<Finding> {
    assert!(a.errors.is_empty(), "{policy}: {:?}", a.errors);
    let parsed = Policy::parse(&policy.to_string()).expect("parses");
    for f in &a.findings {
        let w = f.witness.as_ref().unwrap_or_else(|| panic!("a witness: {f:#?}"));
        assert_eq!(evaluate(&parsed, w).decision, Decision::Allow, "{w:?}");
    }
    a.findings
}

/// The findings of a bucket policy, each witness checked against the concrete evaluator.
fn checked_bucket_findings(policy: &Value) -> Vec<Finding> {
    checked(policy, bucket_analysis(&policy.to_string()))
}

#[test]
fn i12_c1_principals_named_only_in_a_deny_notprincipal_are_tried_as_callers() {
    // The IAM User Guide's example: Allow "*", Deny everyone but one partner user and its
    // account. The partner gets in; the old search tried only anonymous callers and a fresh
    // account, both denied, and reported nothing.
    let bucket = policies::BUCKET_ARN;
    let policy = json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": format!("{bucket}/*")},
        {"Effect": "Deny", "NotPrincipal": {"AWS": ["arn:aws:iam::444455556666:user/Bob", "arn:aws:iam::444455556666:root"]},
         "Action": "s3:*", "Resource": [bucket, format!("{bucket}/*")]}]});
    let found = checked_bucket_findings(&policy);
    assert_eq!(found.len(), 1, "{found:#?}");
    let f = &found[0];
    assert!(f.principal.is_anyone() && !f.is_public && f.conservative.is_none(), "{f:#?}");
    assert_eq!(f.actions, ["s3:GetObject"]);
    assert_eq!(f.condition["Deny NotPrincipal AWS"], ["444455556666", "arn:aws:iam::444455556666:user/Bob"]);
    let RequestPrincipal::Aws { account, .. } = &f.witness.as_ref().expect("a witness").principal else {
        panic!("an AWS caller: {f:#?}")
    };
    assert_eq!(account, "444455556666");

    // A role named only in the Deny is tried inside the account an Allow names.
    let policy = json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": "444455556666"}, "Action": "s3:GetObject", "Resource": format!("{bucket}/*")},
        {"Effect": "Deny", "NotPrincipal": {"AWS": "arn:aws:iam::444455556666:role/partner"},
         "Action": "s3:GetObject", "Resource": format!("{bucket}/*")}]});
    let found = checked_bucket_findings(&policy);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].principal, Principal::Aws("444455556666".into()));
    assert_eq!(found[0].witness.as_ref().map(|w| &w.principal), Some(&RequestPrincipal::Aws {
        account: "444455556666".into(),
        arn: "arn:aws:iam::444455556666:role/partner".into(),
        unique_id: None,
        canonical_id: None,
    }));
}

/// The findings of a role trust policy of the owner account, each witness checked.
fn checked_role_findings(policy: &Value) -> Vec<Finding> {
    let arn = format!("arn:aws:iam::{}:role/example-role", policies::OWNER);
    let record = ResourceRecord::from_policy(ResourceType::IamRole, &arn, policies::OWNER, policy.to_string());
    checked(policy, analyze(&record, &zone()))
}

#[test]
fn i12_c2_policy_variables_compared_with_a_caller_chosen_key_restrict_nothing() {
    // A trust policy for an outside account that asks the session to be named after the user:
    // the caller chooses the session name, so the account gets in.
    let policy = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::444455556666:root"}, "Action": "sts:AssumeRole",
        "Condition": {"StringEquals": {"sts:RoleSessionName": "${aws:username}"}}}]});
    let found = checked_role_findings(&policy);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].principal, Principal::Aws("444455556666".into()));
    assert!(!found[0].is_public && found[0].conservative.is_none());
    let w = found[0].witness.as_ref().expect("a witness");
    assert_eq!(w.context["sts:RoleSessionName"], w.context["aws:username"]);

    // `${aws:PrincipalAccount}` resolves to the caller's own account, not a fresh one.
    let policy = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"AWS": "444455556666"}, "Action": "s3:ListBucket", "Resource": policies::BUCKET_ARN,
        "Condition": {"StringEquals": {"s3:prefix": "${aws:PrincipalAccount}/"}}}]});
    let found = checked_bucket_findings(&policy);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].witness.as_ref().expect("a witness").context["s3:prefix"], ["444455556666/"]);

    // A variable naming a key the caller sets (a tag), in a key the caller chooses: public.
    assert_public_with_witness(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:ListBucket","Resource":"*","Condition":{"StringLike":{"s3:prefix":"${aws:PrincipalTag/team}/*"}}}]}"#,
    );
}

#[test]
fn i12_c3_function_url_auth_type_is_the_callers_on_url_config_actions() {
    // The Lambda guide: a statement granting the URL configuration actions under
    // `lambda:FunctionUrlAuthType` grants them; the old analysis fixed the key absent for every
    // action but InvokeFunctionUrl, so the condition could never hold.
    let arn = format!("arn:aws:lambda:us-east-1:{}:function:example", policies::OWNER);
    let policy = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*",
        "Action": ["lambda:CreateFunctionUrlConfig", "lambda:UpdateFunctionUrlConfig"], "Resource": arn,
        "Condition": {"StringEquals": {"lambda:FunctionUrlAuthType": "NONE"}}}]});
    let record = ResourceRecord::from_policy(ResourceType::LambdaFunction, &arn, policies::OWNER, policy.to_string());
    let a = analyze(&record, &zone());
    assert!(a.errors.is_empty(), "{:?}", a.errors);
    assert_eq!(a.findings.len(), 1, "{:#?}", a.findings);
    let f = &a.findings[0];
    assert!(f.is_public && f.principal.is_anyone() && f.conservative.is_none(), "{f:#?}");
    assert_eq!(f.actions, ["lambda:CreateFunctionUrlConfig", "lambda:UpdateFunctionUrlConfig"]);
    let w = f.witness.as_ref().expect("a witness");
    assert_eq!(w.context["lambda:FunctionUrlAuthType"], ["NONE"]);
    assert_eq!(evaluate(&Policy::parse(&policy.to_string()).expect("parses"), w).decision, Decision::Allow);
}

#[test]
fn i12_c7_cloudfront_origin_access_identity_is_a_principal_not_a_parse_error() {
    let oai = "arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity E15MNIMTCFKK4C";
    let policy = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": oai},
        "Action": "s3:GetObject", "Resource": format!("{}/*", policies::BUCKET_ARN)}]});
    let found = checked_bucket_findings(&policy);
    assert_eq!(found.len(), 1, "{found:#?}");
    let f = &found[0];
    assert_eq!(f.principal, Principal::Aws(oai.into()));
    assert!(!f.is_public && f.conservative.is_none(), "{f:#?}");
    assert!(f.notes.iter().any(|n| n.contains("origin access identity")), "{:?}", f.notes);
}

#[test]
fn i12_c8_resource_keys_are_the_resources_own_values_not_the_callers() {
    let statement = |condition: Value| {
        json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
            "Resource": format!("{}/*", policies::BUCKET_ARN), "Condition": condition}]})
    };
    // The old search let the caller set the resource's keys: both were reported public.
    for never in [
        json!({"StringEquals": {"aws:ResourceAccount": "999988887777"}}),
        json!({"StringEquals": {"aws:PrincipalOrgID": "${aws:ResourceOrgID}"}}),
        json!({"StringNotEquals": {"s3:ResourceAccount": policies::OWNER}}),
    ] {
        let found = checked_bucket_findings(&statement(never.clone()));
        assert!(found.is_empty(), "{never}: {found:#?}");
    }
    let found = checked_bucket_findings(&statement(json!({"StringEquals": {"aws:ResourceAccount": policies::OWNER}})));
    assert!(found.len() == 1 && found[0].is_public && found[0].conservative.is_none(), "{found:#?}");
    assert_eq!(found[0].witness.as_ref().expect("a witness").context["aws:ResourceAccount"], [policies::OWNER]);
    // A value the analysis does not know (tags are not collected): reported, conservatively.
    let found = checked_bucket_findings(&statement(json!({"StringEquals": {"aws:ResourceTag/public": "true"}})));
    assert!(found.len() == 1 && found[0].is_public, "{found:#?}");
    assert!(found[0].conservative.as_deref().is_some_and(|r| r.contains("aws:ResourceTag/public")), "{found:#?}");
}

#[test]
fn i12_c4_single_valued_keys_never_get_two_values_in_a_witness() {
    // A ForAnyValue over a single-valued key: the old search gave the key the named value and
    // another at once, a request no service sends, and the pinned access turned public.
    for (key, value) in [("aws:SourceVpce", "vpce-1a2b3c4d"), ("aws:SourceIp", "203.0.113.0/24")] {
        let operator = if key == "aws:SourceIp" { "ForAnyValue:IpAddress" } else { "ForAnyValue:StringEquals" };
        let policy = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*",
            "Action": "s3:GetObject", "Resource": format!("{}/*", policies::BUCKET_ARN),
            "Condition": {operator: {key: value}}}]});
        let found = checked_bucket_findings(&policy);
        assert_eq!(found.len(), 1, "{key}: {found:#?}");
        assert!(!found[0].is_public && found[0].principal.is_anyone(), "{key}: {found:#?}");
    }
    // The property, over every witness of the corpus.
    let root = support::corpus_root();
    for path in support::corpus_files(&root) {
        let case = support::load_case(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        for f in perimeter_evaluator::analyze_guarded(&case.record, &case.zone, &case.rcps).findings {
            for (key, values) in f.witness.iter().flat_map(|w| &w.context) {
                assert!(
                    values.len() <= 1 || perimeter_evaluator::keys::is_multivalued(&key.to_ascii_lowercase()),
                    "{}: single-valued `{key}` has {values:?}",
                    path.display()
                );
            }
        }
    }
}

#[test]
fn i12_c5_narrow_ip_range_pins_beside_a_not_ip_address() {
    // The old search took the first address past the NotIpAddress range, inside the narrow
    // IpAddress range, for an address that pins nothing, and reported the access public.
    for (allowed, excluded) in [("203.0.113.0/24", "203.0.113.0/25"), ("2001:db8::/32", "2001:db8::/33")] {
        let policy = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*",
            "Action": "s3:GetObject", "Resource": format!("{}/*", policies::BUCKET_ARN),
            "Condition": {"NotIpAddress": {"aws:SourceIp": excluded}, "IpAddress": {"aws:SourceIp": allowed}}}]});
        let found = checked_bucket_findings(&policy);
        assert_eq!(found.len(), 1, "{allowed}: {found:#?}");
        assert!(!found[0].is_public && found[0].conservative.is_none(), "{allowed}: {found:#?}");
    }
}

#[test]
fn i12_c6_a_deny_that_leaves_one_fixed_federated_subject_pins() {
    let github = "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com";
    let sub = "token.actions.githubusercontent.com:sub";
    let allow = json!({"Effect": "Allow", "Principal": {"Federated": github}, "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}}});
    // The old search let a GitHub caller without a `sub` escape these Denies, and reported the
    // trust public; every GitHub token carries its subject.
    for deny_condition in [
        json!({"StringNotLikeIfExists": {sub: "repo:example-org/*"}, "Null": {sub: "false"}}),
        json!({"ForAnyValue:StringNotEquals": {sub: "repo:example-org/example-repo:ref:refs/heads/main"}}),
    ] {
        let policy = json!({"Version": "2012-10-17", "Statement": [allow.clone(),
            {"Effect": "Deny", "Principal": "*", "Action": "sts:AssumeRoleWithWebIdentity", "Condition": deny_condition}]});
        let found = checked_role_findings(&policy);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(!found[0].is_public && found[0].conservative.is_none(), "{found:#?}");
        assert!(found[0].witness.as_ref().expect("a witness").context.contains_key(sub), "{found:#?}");
    }
    // A provider's claims are only ever carried by that provider's callers: a Google caller
    // never has a GitHub subject, and GitHub's callers are tried for `*`.
    let policy = json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRoleWithWebIdentity"},
        {"Effect": "Deny", "Principal": "*", "Action": "sts:AssumeRoleWithWebIdentity",
         "Condition": {"StringNotEquals": {sub: "repo:example-org/example-repo:ref:refs/heads/main"}}}]});
    let found = checked_role_findings(&policy);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(!found[0].is_public, "{found:#?}");
    let RequestPrincipal::Federated { provider } = &found[0].witness.as_ref().expect("a witness").principal else {
        panic!("a federated caller: {found:#?}")
    };
    assert!(provider.ends_with("oidc-provider/token.actions.githubusercontent.com"), "{provider}");
}

#[test]
fn i12_cognito_guests_make_a_trust_public_and_a_trust_without_amr_says_so() {
    let trust = |condition: Value| {
        json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Principal": {"Federated": "cognito-identity.amazonaws.com"},
            "Action": "sts:AssumeRoleWithWebIdentity", "Condition": condition}]})
    };
    let aud = json!({"cognito-identity.amazonaws.com:aud": "us-east-1:12345678-abcd-abcd-abcd-123456789012"});
    // The old search reported the guests' access as pinned by the audience: not public.
    for amr in [json!("unauthenticated"), json!(["authenticated", "unauthenticated"])] {
        let found = checked_role_findings(&trust(
            json!({"StringEquals": aud, "ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": amr}}),
        ));
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(found[0].is_public, "{amr}: guests are anyone: {:#?}", found[0]);
        let w = found[0].witness.as_ref().expect("witness");
        assert_eq!(w.context["cognito-identity.amazonaws.com:amr"], ["unauthenticated"]);
    }
    let found = checked_role_findings(&trust(
        json!({"StringEquals": aud, "ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": "authenticated"}}),
    ));
    assert!(found.len() == 1 && !found[0].is_public && found[0].notes.is_empty(), "{found:#?}");
    let found = checked_role_findings(&trust(json!({"StringEquals": aud})));
    assert!(found.len() == 1 && !found[0].is_public, "{found:#?}");
    assert!(found[0].notes.iter().any(|n| n.contains("guests")), "the pool decides, said: {:?}", found[0].notes);
}

#[test]
fn i12_principal_service_names_list_and_federated_provider_are_identity_keys() {
    let trust = |condition: Value| {
        json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*",
            "Action": "sts:AssumeRole", "Condition": condition}]})
    };
    // The old search let an anonymous caller carry the service list: a public finding.
    let found = checked_role_findings(&trust(json!({"ForAnyValue:StringEquals": {"aws:PrincipalServiceNamesList": "ec2.amazonaws.com"}})));
    assert!(found.is_empty(), "only the service calls, and a service is no finding by itself: {found:#?}");
    // A fixed provider pins (cross-account), and its being the owner's never makes it internal.
    let provider = format!("arn:aws:iam::{}:oidc-provider/token.actions.githubusercontent.com", policies::OWNER);
    let found = checked_role_findings(&trust(json!({"StringEquals": {"aws:FederatedProvider": provider}})));
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(!found[0].is_public && found[0].principal.is_anyone(), "{:#?}", found[0]);
    let w = found[0].witness.as_ref().expect("witness");
    assert!(matches!(&w.principal, RequestPrincipal::Aws { account, .. } if account != policies::OWNER), "{w:?}");
    assert_eq!(w.context["aws:FederatedProvider"], [provider]);
    let found = checked_role_findings(&trust(json!({"StringLike": {"aws:FederatedProvider": "*"}})));
    assert!(found.len() == 1 && found[0].is_public, "{found:#?}");
}

/// Streaming scans (issue 18) evaluate a resource while the zone's collected identifiers are
/// still arriving: an analysis that judged a canonical user ID, a unique ID or an aws:userid
/// outside only because the zone did not list it says so, and the same analysis against a zone
/// that lists the identifier has no finding and relies on nothing absent.
#[test]
fn i18_an_identifier_judged_outside_by_its_absence_from_the_zone_is_flagged() {
    let canonical = "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be";
    let policies = [
        (format!(r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"CanonicalUser":"{canonical}"}},"Action":"s3:GetObject","Resource":"*"}}]}}"#), canonical),
        (r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"AROAEXAMPLEROLEID0001"},"Action":"s3:GetObject","Resource":"*"}]}"#.to_string(), "AROAEXAMPLEROLEID0001"),
        (allow_under("StringLike", "aws:userid", r#""AIDAEXAMPLEUSERID0001:*""#), "AIDAEXAMPLEUSERID0001"),
    ];
    for (policy, id) in &policies {
        let record = ResourceRecord::from_policy(ResourceType::S3Bucket, policies::BUCKET_ARN, policies::OWNER, policy.clone());
        let partial = analyze(&record, &zone());
        assert!(partial.relies_on_absent_ids, "{policy}");
        assert!(!partial.findings.is_empty(), "{policy}: outside while the zone does not list it");
        let mut whole = zone();
        whole.canonical_ids.insert(id.to_string());
        whole.principal_ids.insert(id.to_string());
        let after = analyze(&record, &whole);
        assert!(after.findings.is_empty() && !after.relies_on_absent_ids, "{policy}: {:#?}", after.findings);
    }
    // A policy that names only accounts relies on nothing the collection adds.
    let plain = bucket_analysis(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"999999999999"},"Action":"s3:GetObject","Resource":"*"}]}"#);
    assert!(!plain.relies_on_absent_ids && plain.findings.len() == 1, "{:#?}", plain.findings);
}
