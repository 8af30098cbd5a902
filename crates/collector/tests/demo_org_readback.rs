//! The demo organization, read back through the AWS SDK (issue 2's acceptance test): every
//! member account sees exactly its own resources, and every seeded policy, ACL, Block Public
//! Access setting, ownership control, access point, grant, function URL and layer permission
//! reads back as the seeder's manifest says it was written.

use std::collections::{BTreeMap, BTreeSet};

use aws_config::SdkConfig;
use perimeter_collector::aws::{self, AwsSettings, Clients};
use perimeter_testkit::{Emulator, ACCESS_KEY, MANAGEMENT_ACCOUNT, SECRET_KEY};
use serde_json::Value;

/// Differences found, and how many comparisons were made (so that a test comparing nothing
/// cannot pass).
#[derive(Debug, Default)]
struct Failures {
    items: Vec<String>,
    checks: usize,
}

fn json(text: &str) -> Value {
    let t = text.trim_start();
    let decoded = if t.starts_with('{') {
        t.to_string()
    } else {
        // IAM documents are URL-encoded by real AWS (and by some of moto's answers).
        percent_decode(t)
    };
    serde_json::from_str(&decoded).unwrap_or(Value::String(text.to_string()))
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(if bytes[i] == b'+' { b' ' } else { bytes[i] });
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

async fn account_config(base: &SdkConfig, account: &str) -> SdkConfig {
    if account == MANAGEMENT_ACCOUNT {
        return base.clone();
    }
    let out = aws_sdk_sts::Client::new(base)
        .assume_role()
        .role_arn(format!("arn:aws:iam::{account}:role/OrganizationAccountAccessRole"))
        .role_session_name("perimeter")
        .send()
        .await
        .expect("assume role into the member account");
    let c = out.credentials().expect("credentials");
    let creds = aws_sdk_sts::config::Credentials::new(
        c.access_key_id(),
        c.secret_access_key(),
        Some(c.session_token().to_string()),
        None,
        "assume-role",
    );
    aws::with_credentials(base, creds)
}

fn resources<'m>(manifest: &'m Value, account: &str, kind: &str, region: Option<&str>) -> Vec<&'m Value> {
    manifest["resources"]
        .as_array()
        .expect("resources")
        .iter()
        .filter(|r| r["account"] == account && r["type"] == kind && region.is_none_or(|g| r["region"] == g))
        .collect()
}

fn names(list: &[&Value]) -> BTreeSet<String> {
    list.iter().map(|r| r["name"].as_str().unwrap_or_default().to_string()).collect()
}

fn statement_ids(list: &Value) -> BTreeSet<String> {
    list.as_array().into_iter().flatten().filter_map(|p| p["statement_id"].as_str().map(str::to_string)).collect()
}

fn sids(policy: Option<Value>) -> BTreeSet<String> {
    policy
        .and_then(|p| p["Statement"].as_array().cloned())
        .into_iter()
        .flatten()
        .filter_map(|s| s["Sid"].as_str().map(str::to_string))
        .collect()
}

fn expect_eq<T: PartialEq + std::fmt::Debug>(failures: &mut Failures, what: &str, got: T, want: T) {
    failures.checks += 1;
    if got != want {
        failures.items.push(format!("{what}: read back {got:?}, written {want:?}"));
    }
}

async fn check_s3(clients: &Clients, manifest: &Value, alias: &str, account: &str, failures: &mut Failures) {
    let buckets = resources(manifest, alias, "AWS::S3::Bucket", None);
    let listed: BTreeSet<String> = clients
        .s3
        .list_buckets()
        .send()
        .await
        .expect("list buckets")
        .buckets()
        .iter()
        .filter_map(|b| b.name().map(str::to_string))
        .collect();
    expect_eq(failures, &format!("{alias}: buckets"), listed, names(&buckets));
    for b in buckets {
        let name = b["name"].as_str().unwrap_or_default();
        let w = &b["written"];
        let policy = clients.s3.get_bucket_policy().bucket(name).send().await.ok().and_then(|o| o.policy().map(json));
        expect_eq(failures, &format!("{name}: policy"), policy.unwrap_or(Value::Null), w["policy"].clone());
        if !w["acl"].is_null() {
            let acl = clients.s3.get_bucket_acl().bucket(name).send().await.expect("acl");
            let got: BTreeSet<(String, String)> = acl
                .grants()
                .iter()
                .map(|g| {
                    let grantee =
                        g.grantee().map(|e| e.uri().or(e.id()).unwrap_or_default().to_string()).unwrap_or_default();
                    (grantee, g.permission().map(|p| p.as_str().to_string()).unwrap_or_default())
                })
                .collect();
            let want: BTreeSet<(String, String)> = w["acl"]["grants"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|g| {
                    let e = &g["grantee"];
                    let id = e["uri"].as_str().or(e["id"].as_str()).unwrap_or_default().to_string();
                    (id, g["permission"].as_str().unwrap_or_default().to_string())
                })
                .collect();
            expect_eq(failures, &format!("{name}: ACL grants"), got, want);
        }
        if let Some(bpa) = w["block_public_access"].as_object() {
            let got = clients.s3.get_public_access_block().bucket(name).send().await.expect("bucket BPA");
            let c = got.public_access_block_configuration().expect("configuration");
            let got = [c.block_public_acls(), c.ignore_public_acls(), c.block_public_policy(), c.restrict_public_buckets()]
                .map(|v| v.unwrap_or(false));
            let want = ["block_public_acls", "ignore_public_acls", "block_public_policy", "restrict_public_buckets"]
                .map(|k| bpa[k].as_bool().unwrap_or(false));
            expect_eq(failures, &format!("{name}: Block Public Access"), got, want);
        }
        if let Some(ownership) = w["object_ownership"].as_str() {
            let got = clients.s3.get_bucket_ownership_controls().bucket(name).send().await.expect("ownership");
            let rule = got
                .ownership_controls()
                .and_then(|c| c.rules().first())
                .map(|r| r.object_ownership().as_str().to_string());
            expect_eq(failures, &format!("{name}: object ownership"), rule.as_deref(), Some(ownership));
        }
        for ap in w["access_points"].as_array().into_iter().flatten() {
            let ap_name = ap["name"].as_str().unwrap_or_default();
            let got =
                clients.s3control.get_access_point().account_id(account).name(ap_name).send().await.expect("access point");
            expect_eq(failures, &format!("{ap_name}: bucket"), got.bucket(), Some(name));
            let origin = got.network_origin().map(|o| o.as_str().to_string());
            expect_eq(failures, &format!("{ap_name}: network origin"), origin.as_deref(), ap["network_origin"].as_str());
            let policy = clients
                .s3control
                .get_access_point_policy()
                .account_id(account)
                .name(ap_name)
                .send()
                .await
                .ok()
                .and_then(|o| o.policy().map(json));
            expect_eq(failures, &format!("{ap_name}: policy"), policy.unwrap_or(Value::Null), ap["policy"].clone());
        }
    }
    if let Some(bpa) = manifest["account_block_public_access"][alias].as_object() {
        let got = clients.s3control.get_public_access_block().account_id(account).send().await.expect("account BPA");
        let c = got.public_access_block_configuration().expect("configuration");
        let got = [c.ignore_public_acls(), c.restrict_public_buckets()].map(|v| v.unwrap_or(false));
        let want = ["ignore_public_acls", "restrict_public_buckets"].map(|k| bpa[k].as_bool().unwrap_or(false));
        expect_eq(failures, &format!("{alias}: account Block Public Access"), got, want);
    }
}

async fn check_iam(clients: &Clients, manifest: &Value, alias: &str, failures: &mut Failures) {
    let roles = resources(manifest, alias, "AWS::IAM::Role", None);
    let pages: Vec<_> = clients.iam.list_roles().into_paginator().send().collect::<Vec<_>>().await;
    let mut got = BTreeMap::new();
    for page in pages {
        for role in page.expect("list roles").roles() {
            got.insert(role.role_name().to_string(), role.assume_role_policy_document().map(json).unwrap_or(Value::Null));
        }
    }
    expect_eq(failures, &format!("{alias}: roles"), got.keys().cloned().collect::<BTreeSet<_>>(), names(&roles));
    for r in roles {
        let name = r["name"].as_str().unwrap_or_default();
        expect_eq(failures, &format!("{name}: trust policy"), got.get(name), Some(&r["written"]["trust_policy"]));
    }
}

async fn check_regional(config: &SdkConfig, manifest: &Value, alias: &str, region: &str, failures: &mut Failures) {
    let clients = Clients::new(&aws::in_region(config, region));
    // KMS: customer keys, their policies and grants.
    let keys = resources(manifest, alias, "AWS::KMS::Key", Some(region));
    let listed: BTreeSet<String> = clients
        .kms
        .list_keys()
        .send()
        .await
        .expect("list keys")
        .keys()
        .iter()
        .filter_map(|k| k.key_id().map(str::to_string))
        .collect();
    let want: BTreeSet<String> =
        keys.iter().map(|k| k["written"]["key_id"].as_str().unwrap_or_default().to_string()).collect();
    expect_eq(failures, &format!("{alias}/{region}: keys"), listed, want);
    for k in keys {
        let id = k["written"]["key_id"].as_str().unwrap_or_default();
        let policy = clients.kms.get_key_policy().key_id(id).policy_name("default").send().await.expect("key policy");
        expect_eq(failures, &format!("{id}: key policy"), policy.policy().map(json), Some(k["written"]["policy"].clone()));
        let grants = clients.kms.list_grants().key_id(id).send().await.expect("grants");
        type Grant = (String, Option<String>, Vec<String>);
        let got: BTreeSet<Grant> = grants
            .grants()
            .iter()
            .map(|g| {
                let mut ops: Vec<String> = g.operations().iter().map(|o| o.as_str().to_string()).collect();
                ops.sort();
                (g.grantee_principal().unwrap_or_default().to_string(), g.retiring_principal().map(str::to_string), ops)
            })
            .collect();
        let want: BTreeSet<Grant> = k["written"]["grants"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|g| {
                let mut ops: Vec<String> = g["operations"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|o| o.as_str().map(str::to_string))
                    .collect();
                ops.sort();
                let grantee = g["grantee_principal"].as_str().unwrap_or_default().to_string();
                (grantee, g["retiring_principal"].as_str().map(str::to_string), ops)
            })
            .collect();
        expect_eq(failures, &format!("{id}: grants"), got, want);
    }
    // Lambda functions: permissions and URLs.
    let functions = resources(manifest, alias, "AWS::Lambda::Function", Some(region));
    let listed: BTreeSet<String> = clients
        .lambda
        .list_functions()
        .send()
        .await
        .expect("list functions")
        .functions()
        .iter()
        .filter_map(|f| f.function_name().map(str::to_string))
        .collect();
    expect_eq(failures, &format!("{alias}/{region}: functions"), listed, names(&functions));
    for f in functions {
        let name = f["name"].as_str().unwrap_or_default();
        let policy = clients.lambda.get_policy().function_name(name).send().await.ok().and_then(|p| p.policy().map(json));
        expect_eq(failures, &format!("{name}: permissions"), sids(policy), statement_ids(&f["written"]["permissions"]));
        let url = clients.lambda.get_function_url_config().function_name(name).send().await.ok();
        let auth = url.map(|u| u.auth_type().as_str().to_string());
        expect_eq(failures, &format!("{name}: URL auth type"), auth.as_deref(), f["written"]["url"]["auth_type"].as_str());
    }
    // Lambda layer versions: permissions.
    for l in resources(manifest, alias, "AWS::Lambda::LayerVersion", Some(region)) {
        let name = l["written"]["layer_name"].as_str().unwrap_or_default();
        let version = l["written"]["version"].as_i64().unwrap_or(1);
        let policy = clients.lambda.get_layer_version_policy().layer_name(name).version_number(version).send().await;
        let got = sids(policy.ok().and_then(|p| p.policy().map(json)));
        expect_eq(failures, &format!("{name}:{version}: layer permissions"), got, statement_ids(&l["written"]["permissions"]));
    }
    // SQS queues and their policies.
    let queues = resources(manifest, alias, "AWS::SQS::Queue", Some(region));
    let urls: Vec<String> = clients.sqs.list_queues().send().await.expect("list queues").queue_urls().to_vec();
    let listed: BTreeSet<String> = urls.iter().filter_map(|u| u.rsplit('/').next().map(str::to_string)).collect();
    expect_eq(failures, &format!("{alias}/{region}: queues"), listed, names(&queues));
    for q in queues {
        let name = q["name"].as_str().unwrap_or_default();
        let Some(url) = urls.iter().find(|u| u.ends_with(&format!("/{name}"))) else { continue };
        let attrs = clients
            .sqs
            .get_queue_attributes()
            .queue_url(url)
            .attribute_names(aws_sdk_sqs::types::QueueAttributeName::Policy)
            .send()
            .await
            .expect("queue attributes");
        let policy =
            attrs.attributes().and_then(|a| a.get(&aws_sdk_sqs::types::QueueAttributeName::Policy)).map(|p| json(p));
        expect_eq(failures, &format!("{name}: queue policy"), policy.unwrap_or(Value::Null), q["written"]["policy"].clone());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_organization_reads_back_as_written_and_accounts_see_only_their_own() {
    let emulator = Emulator::start();
    let manifest = emulator.seed_demo_org();
    let settings = AwsSettings {
        endpoint_url: Some(emulator.endpoint()),
        region: Some("us-east-1".into()),
        static_credentials: Some((ACCESS_KEY.into(), SECRET_KEY.into())),
        max_attempts: Some(1),
        attempt_timeout: None,
    };
    let base = aws::load_base_config(&settings).await;
    let accounts = manifest["accounts"].as_object().expect("accounts");
    assert!(accounts.len() >= 4, "the demo organization has the management account and 3 members");
    let mut failures = Failures::default();
    for (alias, account) in accounts {
        let id = account["id"].as_str().expect("account id");
        let config = account_config(&base, id).await;
        let clients = Clients::new(&config);
        check_s3(&clients, &manifest, alias, id, &mut failures).await;
        check_iam(&clients, &manifest, alias, &mut failures).await;
        for region in manifest["regions"].as_array().expect("regions") {
            check_regional(&config, &manifest, alias, region.as_str().expect("region"), &mut failures).await;
        }
    }
    assert!(failures.items.is_empty(), "{} differences:\n{}", failures.items.len(), failures.items.join("\n"));
    // 48 resources with one or more items each, and the listings of 4 accounts in 2 regions
    // (113 comparisons when this was written).
    assert!(failures.checks >= 100, "only {} comparisons were made", failures.checks);
}
