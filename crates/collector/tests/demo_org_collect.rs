//! The collector against the demo organization in the emulator: one scan collects every seeded
//! resource, in the right account and region, with its policy, ACL, Block Public Access,
//! ownership, access points, grants, URL and layer permissions exactly as the seeder's manifest
//! says they were written; every scope is complete; no API call is made twice for the same
//! thing; and the actions sent are exactly those of `config/perimeter-audit-role-policy.json`.
#![allow(clippy::print_stdout)]

use std::collections::{BTreeMap, BTreeSet};

use perimeter_collector::{collect, required_action, AwsSettings, CollectOptions, Inventory};
use perimeter_model::{ResourceInputs, ResourceRecord, ResourceType};
use perimeter_testkit::{Emulator, ACCESS_KEY, SECRET_KEY};
use serde_json::Value;

/// Differences found, and how many comparisons were made (so that a test comparing nothing
/// cannot pass).
#[derive(Debug, Default)]
struct Checks {
    failures: Vec<String>,
    made: usize,
}

impl Checks {
    fn eq<T: PartialEq + std::fmt::Debug>(&mut self, what: &str, got: T, want: T) {
        self.made += 1;
        if got != want {
            self.failures.push(format!("{what}: collected {got:?}, written {want:?}"));
        }
    }
}

fn json(text: Option<&str>) -> Value {
    text.map_or(Value::Null, |t| serde_json::from_str(t).unwrap_or(Value::String(t.to_string())))
}

fn sids(policy: &Value) -> BTreeSet<String> {
    policy["Statement"].as_array().into_iter().flatten().filter_map(|s| s["Sid"].as_str().map(str::to_string)).collect()
}

fn statement_ids(list: &Value) -> BTreeSet<String> {
    list.as_array().into_iter().flatten().filter_map(|p| p["statement_id"].as_str().map(str::to_string)).collect()
}

fn settings(emulator: &Emulator) -> AwsSettings {
    AwsSettings {
        endpoint_url: Some(emulator.endpoint()),
        region: Some("us-east-1".into()),
        static_credentials: Some((ACCESS_KEY.into(), SECRET_KEY.into())),
        max_attempts: Some(1),
        ..AwsSettings::default()
    }
}

/// The manifest's resources of one type in one account, by name.
fn seeded<'m>(manifest: &'m Value, alias: &str, kind: &str) -> BTreeMap<String, &'m Value> {
    manifest["resources"]
        .as_array()
        .expect("resources")
        .iter()
        .filter(|r| r["account"] == alias && r["type"] == kind)
        .map(|r| (r["name"].as_str().unwrap_or_default().to_string(), r))
        .collect()
}

fn collected<'i>(inventory: &'i Inventory, account: &str, kind: ResourceType) -> BTreeMap<String, &'i ResourceRecord> {
    inventory
        .resources
        .iter()
        .filter(|r| r.account == account && r.resource_type() == kind)
        .map(|r| {
            let name = match &r.inputs {
                ResourceInputs::S3Bucket(b) => b.name.clone(),
                ResourceInputs::IamRole(x) => x.name.clone(),
                ResourceInputs::KmsKey(k) => k.key_id.clone(),
                ResourceInputs::LambdaFunction(f) => f.name.clone(),
                ResourceInputs::LambdaLayerVersion(l) => format!("{}:{}", l.layer_name, l.version),
                ResourceInputs::SqsQueue(q) => q.name.clone(),
                ResourceInputs::SecretsManagerSecret(_)
                | ResourceInputs::SnsTopic(_)
                | ResourceInputs::EcrRepository(_)
                | ResourceInputs::EfsFileSystem(_)
                | ResourceInputs::Ec2Snapshot(_)
                | ResourceInputs::RdsDbSnapshot(_)
                | ResourceInputs::RdsDbClusterSnapshot(_)
                | ResourceInputs::DynamoDbTable(_)
                | ResourceInputs::DynamoDbStream(_)
                | ResourceInputs::S3ExpressDirectoryBucket(_)
                | ResourceInputs::ApiGatewayRestApi(_)
                | ResourceInputs::EventsEventBus(_)
                | ResourceInputs::OpenSearchDomain(_)
                | ResourceInputs::GlacierVault(_)
                | ResourceInputs::BackupVault(_)
                | ResourceInputs::LogsResourcePolicy(_)
                | ResourceInputs::LogsDestination(_)
                | ResourceInputs::Ec2Image(_)
                | ResourceInputs::GlueDataCatalog(_)
                | ResourceInputs::SesEmailIdentity(_)
                | ResourceInputs::CodeArtifactDomain(_)
                | ResourceInputs::CodeArtifactRepository(_)
                | ResourceInputs::KinesisStream(_) => r.arn.clone(),
            };
            (name, r)
        })
        .collect()
}

fn check_s3(inventory: &Inventory, manifest: &Value, alias: &str, id: &str, checks: &mut Checks) {
    let buckets = seeded(manifest, alias, "AWS::S3::Bucket");
    let got = collected(inventory, id, ResourceType::S3Bucket);
    checks.eq(&format!("{alias}: buckets"), got.keys().collect::<Vec<_>>(), buckets.keys().collect::<Vec<_>>());
    let account_bpa = &manifest["account_block_public_access"][alias];
    for (name, seed) in &buckets {
        let Some(record) = got.get(name) else { continue };
        let ResourceInputs::S3Bucket(b) = &record.inputs else { continue };
        let w = &seed["written"];
        checks.eq(&format!("{name}: region"), record.region.as_str(), seed["region"].as_str().unwrap_or_default());
        checks.eq(&format!("{name}: policy"), json(b.policy.as_deref()), w["policy"].clone());
        if !w["acl"].is_null() {
            let got: BTreeSet<(String, String)> = b
                .acl
                .iter()
                .flat_map(|a| &a.grants)
                .map(|g| {
                    let v = serde_json::to_value(g).unwrap_or_default();
                    let who = v["grantee"]["uri"].as_str().or(v["grantee"]["id"].as_str()).unwrap_or_default().to_string();
                    (who, v["permission"].as_str().unwrap_or_default().to_string())
                })
                .collect();
            let want: BTreeSet<(String, String)> = w["acl"]["grants"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|g| {
                    let e = &g["grantee"];
                    let who = e["uri"].as_str().or(e["id"].as_str()).unwrap_or_default().to_string();
                    (who, g["permission"].as_str().unwrap_or_default().to_string())
                })
                .collect();
            checks.eq(&format!("{name}: ACL grants"), got, want);
        }
        if let Some(bpa) = w["block_public_access"].as_object() {
            let got = b
                .block_public_access
                .map(|c| [c.block_public_acls, c.ignore_public_acls, c.block_public_policy, c.restrict_public_buckets]);
            let want = ["block_public_acls", "ignore_public_acls", "block_public_policy", "restrict_public_buckets"]
                .map(|k| bpa[k].as_bool().unwrap_or(false));
            checks.eq(&format!("{name}: Block Public Access"), got, Some(want));
        }
        if let Some(ownership) = w["object_ownership"].as_str() {
            let got = b.object_ownership.map(|o| format!("{o:?}"));
            checks.eq(&format!("{name}: object ownership"), got.as_deref(), Some(ownership));
        }
        if let Some(bpa) = account_bpa.as_object() {
            let got = b.account_block_public_access.map(|c| [c.ignore_public_acls, c.restrict_public_buckets]);
            let want = ["ignore_public_acls", "restrict_public_buckets"].map(|k| bpa[k].as_bool().unwrap_or(false));
            checks.eq(&format!("{name}: account Block Public Access"), got, Some(want));
        }
        type Ap = (Option<String>, Value);
        let want_aps: BTreeMap<String, Ap> = w["access_points"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|ap| {
                let origin = ap["network_origin"].as_str().map(str::to_string);
                (ap["name"].as_str().unwrap_or_default().to_string(), (origin, ap["policy"].clone()))
            })
            .collect();
        let got_aps: BTreeMap<String, Ap> = b
            .access_points
            .iter()
            .map(|ap| {
                let origin = serde_json::to_value(ap.network_origin).ok().and_then(|v| v.as_str().map(str::to_string));
                (ap.name.clone(), (origin, json(ap.policy.as_deref())))
            })
            .collect();
        checks.eq(&format!("{name}: access points"), got_aps, want_aps);
    }
}

fn check_iam_kms(inventory: &Inventory, manifest: &Value, alias: &str, id: &str, checks: &mut Checks) {
    let roles = seeded(manifest, alias, "AWS::IAM::Role");
    let got = collected(inventory, id, ResourceType::IamRole);
    checks.eq(&format!("{alias}: roles"), got.keys().collect::<Vec<_>>(), roles.keys().collect::<Vec<_>>());
    for (name, seed) in &roles {
        if let Some(ResourceInputs::IamRole(r)) = got.get(name).map(|r| &r.inputs) {
            checks.eq(&format!("{name}: trust policy"), json(Some(&r.trust_policy)), seed["written"]["trust_policy"].clone());
        }
    }
    // KMS, keyed by key ID.
    let keys: BTreeMap<String, &Value> = seeded(manifest, alias, "AWS::KMS::Key")
        .into_values()
        .map(|k| (k["written"]["key_id"].as_str().unwrap_or_default().to_string(), k))
        .collect();
    let got = collected(inventory, id, ResourceType::KmsKey);
    checks.eq(&format!("{alias}: keys"), got.keys().collect::<Vec<_>>(), keys.keys().collect::<Vec<_>>());
    for (key_id, seed) in &keys {
        let Some(record) = got.get(key_id) else { continue };
        let ResourceInputs::KmsKey(k) = &record.inputs else { continue };
        checks.eq(&format!("{key_id}: region"), record.region.as_str(), seed["region"].as_str().unwrap_or_default());
        checks.eq(&format!("{key_id}: key policy"), json(k.policy.as_deref()), seed["written"]["policy"].clone());
        type Grant = (String, Option<String>, BTreeSet<String>);
        let got: BTreeSet<Grant> = k
            .grants
            .iter()
            .map(|g| (g.grantee_principal.clone(), g.retiring_principal.clone(), g.operations.iter().cloned().collect()))
            .collect();
        let want: BTreeSet<Grant> = seed["written"]["grants"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|g| {
                let ops = g["operations"].as_array().into_iter().flatten().filter_map(|o| o.as_str().map(str::to_string)).collect();
                let grantee = g["grantee_principal"].as_str().unwrap_or_default().to_string();
                (grantee, g["retiring_principal"].as_str().map(str::to_string), ops)
            })
            .collect();
        checks.eq(&format!("{key_id}: grants"), got, want);
    }
}

fn check_lambda_sqs(inventory: &Inventory, manifest: &Value, alias: &str, id: &str, checks: &mut Checks) {
    let functions = seeded(manifest, alias, "AWS::Lambda::Function");
    let got = collected(inventory, id, ResourceType::LambdaFunction);
    checks.eq(&format!("{alias}: functions"), got.keys().collect::<Vec<_>>(), functions.keys().collect::<Vec<_>>());
    for (name, seed) in &functions {
        let Some(record) = got.get(name) else { continue };
        let ResourceInputs::LambdaFunction(f) = &record.inputs else { continue };
        checks.eq(&format!("{name}: region"), record.region.as_str(), seed["region"].as_str().unwrap_or_default());
        let unqualified =
            f.policies.iter().find(|p| p.qualifier.is_none()).map(|p| json(Some(&p.policy))).unwrap_or(Value::Null);
        checks.eq(&format!("{name}: permissions"), sids(&unqualified), statement_ids(&seed["written"]["permissions"]));
        let auth = f.urls.iter().find(|u| u.qualifier.is_none()).map(|u| u.auth_type.as_str());
        checks.eq(&format!("{name}: URL auth type"), auth, seed["written"]["url"]["auth_type"].as_str());
        // moto's top-level FunctionUrlAuthType is rewritten into the condition Lambda writes.
        let top_level = f.policies.iter().any(|p| json(Some(&p.policy))["Statement"].as_array().into_iter().flatten().any(|s| s.get("FunctionUrlAuthType").is_some()));
        checks.eq(&format!("{name}: no top-level FunctionUrlAuthType"), top_level, false);
    }
    let layers: BTreeMap<String, &Value> = seeded(manifest, alias, "AWS::Lambda::LayerVersion")
        .into_values()
        .map(|l| {
            let w = &l["written"];
            (format!("{}:{}", w["layer_name"].as_str().unwrap_or_default(), w["version"].as_i64().unwrap_or(1)), l)
        })
        .collect();
    let got = collected(inventory, id, ResourceType::LambdaLayerVersion);
    checks.eq(&format!("{alias}: layer versions"), got.keys().collect::<Vec<_>>(), layers.keys().collect::<Vec<_>>());
    for (name, seed) in &layers {
        if let Some(ResourceInputs::LambdaLayerVersion(l)) = got.get(name).map(|r| &r.inputs) {
            let got = sids(&json(l.policy.as_deref()));
            checks.eq(&format!("{name}: layer permissions"), got, statement_ids(&seed["written"]["permissions"]));
        }
    }
    let queues = seeded(manifest, alias, "AWS::SQS::Queue");
    let got = collected(inventory, id, ResourceType::SqsQueue);
    checks.eq(&format!("{alias}: queues"), got.keys().collect::<Vec<_>>(), queues.keys().collect::<Vec<_>>());
    for (name, seed) in &queues {
        let Some(record) = got.get(name) else { continue };
        let ResourceInputs::SqsQueue(q) = &record.inputs else { continue };
        checks.eq(&format!("{name}: region"), record.region.as_str(), seed["region"].as_str().unwrap_or_default());
        checks.eq(&format!("{name}: queue policy"), json(q.policy.as_deref()), seed["written"]["policy"].clone());
    }
}

/// The seeded and the collected resources of one type in one account, keyed by ARN: checks
/// that the two sets of ARNs are equal, and gives each resource found in both.
fn matched_by_arn<'a>(
    inventory: &'a Inventory,
    manifest: &'a Value,
    alias: &str,
    id: &str,
    t: ResourceType,
    checks: &mut Checks,
) -> Vec<(String, &'a Value, &'a ResourceRecord)> {
    let want: BTreeMap<String, &Value> =
        seeded(manifest, alias, t.as_str()).into_values().map(|r| (r["arn"].as_str().unwrap_or_default().to_string(), r)).collect();
    let got = collected(inventory, id, t);
    checks.eq(&format!("{alias}: {t}"), got.keys().collect::<Vec<_>>(), want.keys().collect::<Vec<_>>());
    want.into_iter().filter_map(|(arn, seed)| got.get(&arn).map(|r| (arn.clone(), seed, *r))).collect()
}

/// The types whose only input is one policy document, keyed by ARN: each seeded resource is
/// collected with the policy written (none when none was written).
fn check_single_policy_types(inventory: &Inventory, manifest: &Value, alias: &str, id: &str, checks: &mut Checks) {
    let types = [
        ResourceType::SecretsManagerSecret,
        ResourceType::SnsTopic,
        ResourceType::EcrRepository,
        ResourceType::EfsFileSystem,
        ResourceType::DynamoDbTable,
        ResourceType::DynamoDbStream,
        ResourceType::KinesisStream,
        ResourceType::EventsEventBus,
        ResourceType::BackupVault,
        ResourceType::CodeArtifactDomain,
        ResourceType::CodeArtifactRepository,
        ResourceType::LogsResourcePolicy,
        ResourceType::LogsDestination,
        ResourceType::GlueDataCatalog,
    ];
    for t in types {
        for (arn, seed, record) in matched_by_arn(inventory, manifest, alias, id, t, checks) {
            let policy = record.inputs.documents().first().map(|d| d.text.to_string());
            checks.eq(&format!("{arn}: region"), record.region.as_str(), seed["region"].as_str().unwrap_or_default());
            checks.eq(&format!("{arn}: policy"), json(policy.as_deref()), seed["written"]["policy"].clone());
        }
    }
}

/// The types with more than one policy or with inputs beside it, keyed by ARN: Glacier's access
/// and lock policies, SES's named policies, an OpenSearch domain's VPC, a REST API's endpoint
/// types, an AMI's launch permissions.
fn check_other_types(inventory: &Inventory, manifest: &Value, alias: &str, id: &str, checks: &mut Checks) {
    let inputs_of = |r: &ResourceRecord| serde_json::to_value(&r.inputs).unwrap_or_default();
    let text = |v: &Value| json(v.as_str());
    for (arn, seed, record) in matched_by_arn(inventory, manifest, alias, id, ResourceType::GlacierVault, checks) {
        let (w, got) = (&seed["written"], inputs_of(record));
        checks.eq(&format!("{arn}: access policy"), text(&got["access_policy"]), w["access_policy"].clone());
        checks.eq(&format!("{arn}: lock policy"), text(&got["lock_policy"]), w["lock"]["policy"].clone());
        checks.eq(&format!("{arn}: lock state"), got["lock_state"].clone(), w["lock"]["state"].clone());
    }
    for (arn, seed, record) in matched_by_arn(inventory, manifest, alias, id, ResourceType::SesEmailIdentity, checks) {
        let got = inputs_of(record);
        let policies: BTreeMap<String, Value> =
            got["policies"].as_object().into_iter().flatten().map(|(k, v)| (k.clone(), text(v))).collect();
        let written: BTreeMap<String, Value> =
            seed["written"]["policies"].as_object().into_iter().flatten().map(|(k, v)| (k.clone(), v.clone())).collect();
        checks.eq(&format!("{arn}: sending authorization policies"), policies, written);
    }
    for (arn, seed, record) in matched_by_arn(inventory, manifest, alias, id, ResourceType::OpenSearchDomain, checks) {
        let (w, got) = (&seed["written"], inputs_of(record));
        checks.eq(&format!("{arn}: access policy"), text(&got["policy"]), w["access_policy"].clone());
        checks.eq(&format!("{arn}: VPC"), got["vpc_id"].clone(), w["vpc"]["vpc_id"].clone());
    }
    for (arn, seed, record) in matched_by_arn(inventory, manifest, alias, id, ResourceType::ApiGatewayRestApi, checks) {
        let (w, got) = (&seed["written"], inputs_of(record));
        checks.eq(&format!("{arn}: resource policy"), text(&got["policy"]), w["policy"].clone());
        checks.eq(&format!("{arn}: endpoint types"), got["endpoint_types"].clone(), w["endpoint_types"].clone());
        checks.eq(&format!("{arn}: id"), got["id"].clone(), w["rest_api_id"].clone());
    }
    for (arn, seed, record) in matched_by_arn(inventory, manifest, alias, id, ResourceType::Ec2Image, checks) {
        let (w, got) = (&seed["written"], inputs_of(record));
        let grants = |v: &Value| -> BTreeSet<String> { v.as_array().into_iter().flatten().map(Value::to_string).collect() };
        checks.eq(&format!("{arn}: image ID"), got["image_id"].clone(), w["image_id"].clone());
        checks.eq(&format!("{arn}: launch permissions"), grants(&got["launch_permissions"]), grants(&w["launch_permissions"]));
        checks.eq(&format!("{arn}: image Block Public Access"), got["block_public_access"].clone(), Value::from("unblocked"));
    }
}

/// The snapshot types, keyed by ARN: each seeded snapshot is collected with what was written
/// (ID, encryption, key, and who it is shared with).
fn check_snapshots(inventory: &Inventory, manifest: &Value, alias: &str, id: &str, checks: &mut Checks) {
    for t in [ResourceType::Ec2Snapshot, ResourceType::RdsDbSnapshot, ResourceType::RdsDbClusterSnapshot] {
        for (arn, seed, record) in matched_by_arn(inventory, manifest, alias, id, t, checks) {
            let w = &seed["written"];
            let inputs = serde_json::to_value(&record.inputs).unwrap_or_default();
            checks.eq(&format!("{arn}: region"), record.region.as_str(), seed["region"].as_str().unwrap_or_default());
            for field in ["snapshot_id", "encrypted", "kms_key_id"] {
                if let Some(written) = w.get(field) {
                    let got = if field == "encrypted" { inputs.get(field).cloned().unwrap_or(Value::Bool(false)) } else { inputs.get(field).cloned().unwrap_or(Value::Null) };
                    checks.eq(&format!("{arn}: {field}"), got, written.clone());
                }
            }
            let shares = |v: &Value, field: &str| -> BTreeSet<String> {
                v[field].as_array().into_iter().flatten().map(Value::to_string).collect()
            };
            let field = if t == ResourceType::Ec2Snapshot { "create_volume_permissions" } else { "restore" };
            checks.eq(&format!("{arn}: {field}"), shares(&inputs, field), shares(w, field));
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_organization_is_collected_exactly() {
    let emulator = Emulator::start();
    let manifest = emulator.seed_demo_org();
    let regions: Vec<String> =
        manifest["regions"].as_array().expect("regions").iter().filter_map(|r| r.as_str().map(str::to_string)).collect();
    let options = CollectOptions { regions: Some(regions.clone()), ..CollectOptions::default() };
    let inventory = collect(&settings(&emulator), &options, &|_| {}).await.expect("the scan runs");

    assert!(inventory.errors.is_empty(), "errors: {:#?}", inventory.errors);
    assert_eq!(inventory.zone.org_id.as_deref(), manifest["org_id"].as_str());
    let accounts = manifest["accounts"].as_object().expect("accounts");
    assert!(accounts.len() >= 4, "the demo organization has the management account and 3 members");
    let mut checks = Checks::default();
    for (alias, account) in accounts {
        let id = account["id"].as_str().expect("account id");
        checks.eq(&format!("{alias}: in the zone"), inventory.zone.contains_account(id), true);
        let record = inventory.accounts.iter().find(|a| a.id == id);
        checks.eq(&format!("{alias}: scanned"), record.map(|a| a.skipped.is_none()), Some(true));
        if let Some(path) = account["ou_path"].as_str() {
            checks.eq(&format!("{alias}: OU path"), record.and_then(|a| a.org_path.as_deref()), Some(path));
        }
        check_s3(&inventory, &manifest, alias, id, &mut checks);
        check_iam_kms(&inventory, &manifest, alias, id, &mut checks);
        check_lambda_sqs(&inventory, &manifest, alias, id, &mut checks);
        check_single_policy_types(&inventory, &manifest, alias, id, &mut checks);
        check_snapshots(&inventory, &manifest, alias, id, &mut checks);
        check_other_types(&inventory, &manifest, alias, id, &mut checks);
        // Every scope of the account is complete: IAM once, the regional types per region.
        let regional = perimeter_model::ResourceType::ALL.iter().filter(|t| !t.is_global()).count();
        let scopes = inventory.scopes.iter().filter(|s| s.account == id).count();
        checks.eq(&format!("{alias}: complete scopes"), scopes, 1 + regional * regions.len());
    }
    let seeded_count = manifest["resources"].as_array().map_or(0, Vec::len);
    checks.eq("every collected resource was seeded", inventory.resources.len(), seeded_count);
    checks.eq("canonical IDs learnt", inventory.zone.canonical_ids.is_empty(), false);
    checks.eq("unique IDs learnt", inventory.zone.principal_ids.is_empty(), false);
    assert!(checks.failures.is_empty(), "{} differences:\n{}", checks.failures.len(), checks.failures.join("\n"));
    assert!(checks.made >= 120, "only {} comparisons were made", checks.made);

    // No API call twice for the same thing.
    let repeated = inventory.calls.repeated();
    assert!(repeated.is_empty(), "calls made more than once: {repeated:#?}");
    // Every call went through the pacing under its own API's quota (GetBucketLocation, which
    // only moto's answers need, included).
    let astray: Vec<_> =
        inventory.calls.calls().into_iter().filter(|c| !c.paced_as_itself()).map(|c| (c.service, c.operation, c.paced_as)).collect();
    assert!(astray.is_empty(), "calls not paced as themselves (service, operation, paced as): {astray:?}");
    let counts = inventory.calls.counts();
    let total: usize = counts.values().sum();
    println!(
        "API calls for {} resources in {} accounts x {} regions: {total}",
        inventory.resources.len(),
        accounts.len(),
        regions.len()
    );
    for (op, n) in &counts {
        println!("  {n:>4}  {op}");
    }

    // Least privilege: the actions sent are exactly those of the audit role policy.
    let listed = perimeter_testkit::audit_role_actions();
    let mut used = BTreeSet::new();
    for call in inventory.calls.calls() {
        match required_action(&call.service, &call.operation) {
            Some("") => {}
            Some(action) => {
                used.insert(action.to_string());
            }
            None => panic!("the collector called {}:{}, which has no entry in the permission table", call.service, call.operation),
        }
    }
    let unlisted: Vec<&String> = used.difference(&listed).collect();
    // moto stores no directory buckets, so neither a bucket policy of one nor their access
    // points are asked for here; the simulator test
    // (`the_simulator_serves_every_resource_type_and_the_collector_reads_it`) checks that a scan
    // sends every action of the policy.
    let not_here = ["s3express:GetBucketPolicy", "s3express:ListAccessPointsForDirectoryBuckets", "s3express:GetAccessPointPolicy"];
    let unused: Vec<&String> = listed.difference(&used).filter(|a| !not_here.contains(&a.as_str())).collect();
    assert!(unlisted.is_empty(), "actions sent but missing from the audit role policy: {unlisted:?}");
    assert!(unused.is_empty(), "actions in the audit role policy that the scan never sent: {unused:?}");
}
