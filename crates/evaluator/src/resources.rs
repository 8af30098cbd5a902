//! Per resource type: which documents are read, which actions and resources a request can
//! name, and how the results combine (semantics.md section 6).

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::Arc;

use perimeter_model::{
    AclGrantee, AclPermission, ErrorCode, FunctionUrl, KmsKeyInputs, LambdaFunctionInputs, NetworkOrigin, Principal,
    ResourceInputs, ResourceRecord, S3BucketInputs, SharedVia, Zone,
};
use serde_json::json;

use crate::catalog;
use crate::error::Error;
use crate::policy::Policy;
use crate::search::{self, ActionRule, Gate, RawFinding, Scope, Target};

/// A raw finding with the path it came through.
#[derive(Debug, Clone)]
pub struct PathFinding {
    pub raw: RawFinding,
    pub shared_via: SharedVia,
}

/// A document that could not be analysed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentError {
    /// Which document: `bucket policy`, `access point reports policy`, `function policy (qualifier prod)`.
    pub document: String,
    pub code: ErrorCode,
    pub pointer: String,
    pub message: String,
}

/// What analysing one resource produced.
#[derive(Debug, Default)]
pub struct PathResults {
    pub findings: Vec<PathFinding>,
    pub errors: Vec<DocumentError>,
}

impl PathResults {
    fn parse(&mut self, document: &str, text: &str) -> Option<Policy> {
        match Policy::parse(text) {
            Ok(p) => Some(p),
            Err(e) => {
                self.error(document, &e);
                None
            }
        }
    }

    fn error(&mut self, document: &str, e: &Error) {
        self.errors.push(DocumentError {
            document: document.to_string(),
            code: e.code(),
            pointer: e.pointer().to_string(),
            message: e.to_string(),
        });
    }

    fn add(&mut self, raws: Vec<RawFinding>, shared_via: SharedVia) {
        self.findings.extend(raws.into_iter().map(|raw| PathFinding { raw, shared_via }));
    }
}

pub fn analyze_inputs(record: &ResourceRecord, zone: &Zone) -> PathResults {
    let mut out = PathResults::default();
    match &record.inputs {
        ResourceInputs::S3Bucket(b) => s3_bucket(record, b, zone, &mut out),
        ResourceInputs::IamRole(r) => {
            if let Some(policy) = out.parse("trust policy", &r.trust_policy) {
                let targets: Vec<Target> = ["sts:AssumeRole", "sts:AssumeRoleWithSAML", "sts:AssumeRoleWithWebIdentity"]
                    .iter()
                    .map(|a| target(a, Arc::from([record.arn.clone()])))
                    .collect();
                let scope = Scope { zone, targets: &targets, gate: None, rule: ActionRule::TrustPolicy, federated_callers: true };
                out.add(search::search(&policy, &scope), SharedVia::Policy);
            }
        }
        ResourceInputs::KmsKey(k) => kms_key(record, k, zone, &mut out),
        ResourceInputs::LambdaFunction(f) => lambda_function(record, f, zone, &mut out),
        ResourceInputs::LambdaLayerVersion(l) => {
            if let Some(text) = &l.policy
                && let Some(policy) = out.parse("layer version policy", text) {
                    simple(&policy, "lambda", &["layerVersion"], &record.arn, zone, &mut out);
                }
        }
        ResourceInputs::SqsQueue(q) => {
            if let Some(text) = &q.policy
                && let Some(policy) = out.parse("queue policy", text) {
                    simple(&policy, "sqs", &["queue"], &record.arn, zone, &mut out);
                }
        }
    }
    out
}

fn target(action: &str, resources: Arc<[String]>) -> Target {
    match catalog::lookup(action) {
        Some(info) => catalog_target(info, resources),
        None => Target { action: Cow::Owned(action.to_string()), known: false, resources, fixed: Vec::new() },
    }
}

fn catalog_target(info: &'static catalog::ActionInfo, resources: Arc<[String]>) -> Target {
    Target { action: Cow::Borrowed(info.name), known: true, resources, fixed: Vec::new() }
}

/// Targets for every catalog action of `service` on `resource_types`, all on `resources`, plus
/// literal actions of the policy that the catalog does not know.
fn targets_for(policy: &Policy, service: &str, resource_types: &[&str], resources: &[String]) -> Vec<Target> {
    let shared: Arc<[String]> = resources.into();
    let mut targets: Vec<Target> =
        catalog::actions_on(service, resource_types).into_iter().map(|a| catalog_target(a, shared.clone())).collect();
    add_unknown_literals(policy, service, &shared, &mut targets);
    targets
}

fn add_unknown_literals(policy: &Policy, service: &str, resources: &Arc<[String]>, targets: &mut Vec<Target>) {
    for st in &policy.statements {
        if st.action.negated {
            continue;
        }
        for written in &st.action.written {
            let prefix = written.split(':').next().unwrap_or_default();
            if !prefix.eq_ignore_ascii_case(service) || written.contains(['*', '?']) {
                continue;
            }
            if catalog::lookup(written).is_none() && !targets.iter().any(|t| t.action.eq_ignore_ascii_case(written)) {
                targets.push(target(written, resources.clone()));
            }
        }
    }
}

fn simple(policy: &Policy, service: &str, resource_types: &[&str], arn: &str, zone: &Zone, out: &mut PathResults) {
    let targets = targets_for(policy, service, resource_types, &[arn.to_string()]);
    let scope = Scope { zone, targets: &targets, gate: None, rule: ActionRule::Any, federated_callers: false };
    out.add(search::search(policy, &scope), SharedVia::Policy);
}

// ---------------------------------------------------------------------------------------- S3

fn s3_bucket(record: &ResourceRecord, b: &S3BucketInputs, zone: &Zone, out: &mut PathResults) {
    let bucket_arn = record.arn.clone();
    let bpa = |f: fn(&perimeter_model::BlockPublicAccess) -> bool| {
        b.block_public_access.as_ref().is_some_and(f) || b.account_block_public_access.as_ref().is_some_and(f)
    };
    let restrict_public = bpa(|s| s.restrict_public_buckets);
    let ignore_public_acls = bpa(|s| s.ignore_public_acls);

    let policy = b.policy.as_deref().and_then(|text| out.parse("bucket policy", text));
    if let Some(policy) = &policy {
        let objects = object_resources(policy, &format!("{bucket_arn}/"));
        let targets = s3_targets(policy, &["bucket"], &["object"], &bucket_arn, &objects);
        let scope = Scope { zone, targets: &targets, gate: None, rule: ActionRule::Any, federated_callers: false };
        let raws = search::search(policy, &scope);
        let (via_ap_account, direct): (Vec<RawFinding>, Vec<RawFinding>) =
            raws.into_iter().partition(|r| ap_account_of(r).is_some());
        let policy_is_public = direct.iter().chain(&via_ap_account).any(|r| r.is_public);
        if !(restrict_public && policy_is_public) {
            out.add(direct, SharedVia::Policy);
        }
        let via_ap_account = via_ap_account
            .into_iter()
            .map(|mut r| {
                if restrict_public {
                    if let Some(account) = ap_account_of(&r) {
                        r.principal = Principal::Aws(account);
                    }
                    r.is_public = false;
                } else {
                    r.is_public = true;
                }
                r
            })
            .collect();
        out.add(via_ap_account, SharedVia::S3AccessPointAccount);
    }

    if let Some(acl) = &b.acl {
        let enforced = b.object_ownership == Some(perimeter_model::ObjectOwnership::BucketOwnerEnforced);
        if !enforced {
            for grant in &acl.grants {
                let (principal, group) = match &grant.grantee {
                    AclGrantee::Group { uri } if uri.ends_with("/AllUsers") => (json!("*"), Some("AllUsers")),
                    AclGrantee::Group { uri } if uri.ends_with("/AuthenticatedUsers") => {
                        (json!({"AWS": "*"}), Some("AuthenticatedUsers"))
                    }
                    AclGrantee::Group { .. } => continue, // LogDelivery: an AWS service group
                    AclGrantee::CanonicalUser { id } if *id == acl.owner_id => continue,
                    AclGrantee::CanonicalUser { id } => (json!({"CanonicalUser": id}), None),
                    AclGrantee::Email { address } => {
                        out.findings.push(email_grant_finding(address, grant.permission));
                        continue;
                    }
                };
                if group.is_some() && ignore_public_acls {
                    continue;
                }
                let actions = acl_actions(grant.permission);
                let mut statement = json!({"Effect": "Allow", "Principal": principal, "Action": actions,
                    "Resource": [bucket_arn.clone(), format!("{bucket_arn}/*")]});
                if group == Some("AuthenticatedUsers") {
                    statement["Condition"] = json!({"Null": {"aws:PrincipalAccount": "false"}});
                }
                let synthetic = json!({"Version": "2012-10-17", "Statement": [statement]});
                let Ok(policy) = Policy::from_json(&synthetic) else { continue };
                let object_list: Arc<[String]> = Arc::from([format!("{bucket_arn}/perimeter-witness-object")]);
                let bucket_only: Arc<[String]> = Arc::from([bucket_arn.clone()]);
                let targets: Vec<Target> = actions
                    .iter()
                    .map(|a| {
                        let object_level = catalog::lookup(a).is_some_and(|i| i.applies_to("object"));
                        target(a, if object_level { object_list.clone() } else { bucket_only.clone() })
                    })
                    .collect();
                let scope = Scope { zone, targets: &targets, gate: None, rule: ActionRule::Any, federated_callers: false };
                let mut raws = search::search(&policy, &scope);
                for r in &mut raws {
                    r.condition = group.map_or_else(BTreeMap::new, |g| BTreeMap::from([("AclGroup".to_string(), vec![g.to_string()])]));
                    if group.is_some() {
                        r.principal = Principal::anyone();
                    }
                }
                out.add(raws, SharedVia::BucketAcl);
            }
        }
    }

    for ap in &b.access_points {
        let Some(text) = &ap.policy else { continue };
        let document = format!("access point {} policy", ap.name);
        let Some(ap_policy) = out.parse(&document, text) else { continue };
        let Some(bucket_policy) = &policy else { continue }; // no delegation: no access through it
        let ap_objects = object_resources(&ap_policy, &format!("{}/object/", ap.arn));
        let targets = s3_targets(&ap_policy, &["accesspoint"], &["accesspointobject"], &ap.arn, &ap_objects);
        let ap_prefix = format!("{}/object/", ap.arn);
        let bucket_for = |resource: &str| match resource.strip_prefix(&ap_prefix) {
            Some(key) => format!("{bucket_arn}/{key}"),
            None => bucket_arn.clone(),
        };
        let gate = Gate {
            policy: bucket_policy,
            map_resource: &bucket_for,
            context: vec![
                ("s3:dataaccesspointarn".into(), vec![ap.arn.clone()]),
                ("s3:dataaccesspointaccount".into(), vec![ap.account.clone()]),
            ],
        };
        let scope = Scope { zone, targets: &targets, gate: Some(gate), rule: ActionRule::Any, federated_callers: false };
        let mut raws = search::search(&ap_policy, &scope);
        let ap_restrict = restrict_public
            || ap.block_public_access.as_ref().is_some_and(|s| s.restrict_public_buckets);
        let vpc = ap.network_origin == NetworkOrigin::Vpc;
        if ap_restrict && !vpc && raws.iter().any(|r| r.is_public) {
            continue;
        }
        for r in &mut raws {
            if vpc {
                r.is_public = false;
                r.notes.push(format!(
                    "access point `{}` accepts requests only from VPC {}",
                    ap.name,
                    ap.vpc_id.as_deref().unwrap_or("(unknown)")
                ));
            } else {
                r.notes.push(format!("through access point `{}`", ap.name));
            }
        }
        out.add(raws, SharedVia::S3AccessPoint);
    }
}

/// The foreign access point account a bucket-policy finding's witness came through.
fn ap_account_of(r: &RawFinding) -> Option<String> {
    let w = r.witness.as_ref()?;
    w.context.get("s3:DataAccessPointAccount").and_then(|v| v.first().cloned())
}

/// Targets of S3 actions: bucket-level actions on the container ARN, object-level actions on
/// object ARNs.
fn s3_targets(policy: &Policy, container: &[&str], object: &[&str], container_arn: &str, objects: &[String]) -> Vec<Target> {
    let mut all_types: Vec<&str> = container.to_vec();
    all_types.extend_from_slice(object);
    let container_only: Arc<[String]> = Arc::from([container_arn.to_string()]);
    let objects_only: Arc<[String]> = objects.into();
    let every: Arc<[String]> = std::iter::once(container_arn.to_string()).chain(objects.iter().cloned()).collect();
    let mut targets: Vec<Target> = catalog::actions_on("s3", &all_types)
        .into_iter()
        .map(|a| {
            let on_container = container.iter().any(|t| a.applies_to(t));
            let on_objects = object.iter().any(|t| a.applies_to(t));
            let resources = match (on_container, on_objects) {
                (true, true) => every.clone(),
                (true, false) => container_only.clone(),
                (false, true) => objects_only.clone(),
                (false, false) => Arc::from([]),
            };
            catalog_target(a, resources)
        })
        .collect();
    add_unknown_literals(policy, "s3", &every, &mut targets);
    targets
}

/// Object ARNs to try: an instance of every object pattern the policy names, and a default.
fn object_resources(policy: &Policy, prefix: &str) -> Vec<String> {
    let mut out = vec![format!("{prefix}perimeter-witness-object")];
    for st in &policy.statements {
        for written in st.resource.iter().flat_map(|r| &r.written) {
            // Policy variables resolve to what the witness caller carries.
            let written = &written.replace("${aws:username}", search::USER_NAME);
            if written.contains("${") {
                continue;
            }
            let pattern = crate::pattern::Pattern::new(written, false);
            let instance = pattern.instance("perimeter");
            if instance.starts_with(prefix) && !out.contains(&instance) {
                out.push(instance);
            }
        }
    }
    out
}

fn acl_actions(permission: AclPermission) -> Vec<&'static str> {
    let read = ["s3:ListBucket", "s3:ListBucketMultipartUploads", "s3:ListBucketVersions"];
    let write = ["s3:DeleteObject", "s3:PutObject"];
    match permission {
        AclPermission::Read => read.to_vec(),
        AclPermission::Write => write.to_vec(),
        AclPermission::ReadAcp => vec!["s3:GetBucketAcl"],
        AclPermission::WriteAcp => vec!["s3:PutBucketAcl"],
        AclPermission::FullControl => {
            let mut all = read.to_vec();
            all.extend(write);
            all.extend(["s3:GetBucketAcl", "s3:PutBucketAcl"]);
            all
        }
    }
}

/// A grant by e-mail address names an account we cannot identify: reported conservatively.
fn email_grant_finding(address: &str, permission: AclPermission) -> PathFinding {
    PathFinding {
        raw: RawFinding {
            principal: Principal::Aws(format!("email:{address}")),
            condition: BTreeMap::new(),
            is_public: false,
            actions: acl_actions(permission).into_iter().map(str::to_string).collect(),
            witness: None,
            conservative: Some("an ACL grant by e-mail address names an account that cannot be identified".into()),
            notes: Vec::new(),
        },
        shared_via: SharedVia::BucketAcl,
    }
}

// --------------------------------------------------------------------------------------- KMS

fn kms_key(record: &ResourceRecord, k: &KmsKeyInputs, zone: &Zone, out: &mut PathResults) {
    if let Some(text) = &k.policy
        && let Some(policy) = out.parse("key policy", text) {
            simple(&policy, "kms", &["key"], &record.arn, zone, out);
        }
    for grant in &k.grants {
        let actions: Vec<String> = grant.operations.iter().map(|op| format!("kms:{op}")).collect();
        let mut condition = BTreeMap::new();
        let mut conditions = serde_json::Map::new();
        if let Some(c) = &grant.constraints {
            for (name, map) in [("EncryptionContextEquals", &c.encryption_context_equals), ("EncryptionContextSubset", &c.encryption_context_subset)] {
                for (key, value) in map {
                    condition.insert(format!("{name} kms:EncryptionContext:{key}"), vec![value.clone()]);
                    conditions.insert(format!("kms:EncryptionContext:{key}"), json!(value));
                }
            }
        }
        let mut holders = vec![(grant.grantee_principal.clone(), actions.clone())];
        if let Some(retiring) = &grant.retiring_principal {
            holders.push((retiring.clone(), vec!["kms:RetireGrant".to_string()]));
        }
        for (holder, actions) in holders {
            let principal = if holder.starts_with("arn:") || holder.chars().all(|c| c.is_ascii_digit()) {
                json!({"AWS": holder})
            } else {
                json!({"Service": holder})
            };
            let mut statement = json!({"Effect": "Allow", "Principal": principal, "Action": actions, "Resource": "*"});
            if !conditions.is_empty() {
                statement["Condition"] = json!({"StringEquals": conditions.clone()});
            }
            let synthetic = json!({"Version": "2012-10-17", "Statement": [statement]});
            let policy = match Policy::from_json(&synthetic) {
                Ok(p) => p,
                Err(e) => {
                    out.error(&format!("grant {}", grant.grant_id), &e);
                    continue;
                }
            };
            let targets: Vec<Target> = actions.iter().map(|a| target(a, Arc::from([record.arn.clone()]))).collect();
            let scope = Scope { zone, targets: &targets, gate: None, rule: ActionRule::Any, federated_callers: false };
            let mut raws = search::search(&policy, &scope);
            for r in &mut raws {
                r.condition = condition.clone();
                r.notes.push(format!("grant {}", grant.grant_id));
            }
            out.add(raws, SharedVia::Grant);
        }
    }
}

// ------------------------------------------------------------------------------------ Lambda

fn lambda_function(record: &ResourceRecord, f: &LambdaFunctionInputs, zone: &Zone, out: &mut PathResults) {
    for qp in &f.policies {
        let (document, arn) = match &qp.qualifier {
            Some(q) => (format!("function policy (qualifier {q})"), format!("{}:{q}", record.arn)),
            None => ("function policy".to_string(), record.arn.clone()),
        };
        let Some(policy) = out.parse(&document, &qp.policy) else { continue };
        let url: Option<&FunctionUrl> = f.urls.iter().find(|u| u.qualifier == qp.qualifier);
        let mut targets = targets_for(&policy, "lambda", &["function"], std::slice::from_ref(&arn));
        for t in &mut targets {
            if t.action == "lambda:InvokeFunctionUrl" {
                if let Some(url) = url {
                    t.fixed = vec![("lambda:functionurlauthtype".into(), Some(url.auth_type.clone()))];
                }
            } else {
                t.fixed = vec![("lambda:functionurlauthtype".into(), None)];
            }
        }
        let scope = Scope { zone, targets: &targets, gate: None, rule: ActionRule::Any, federated_callers: false };
        let public_url = url.is_some_and(|u| u.auth_type.eq_ignore_ascii_case("NONE"));
        for mut raw in search::search(&policy, &scope) {
            if let Some(q) = &qp.qualifier {
                raw.notes.push(format!("policy of qualifier `{q}`"));
            }
            let url_only = raw.actions.len() == 1 && raw.actions.contains("lambda:InvokeFunctionUrl");
            let via = if url_only && public_url { SharedVia::FunctionUrl } else { SharedVia::Policy };
            out.add(vec![raw], via);
        }
    }
}
