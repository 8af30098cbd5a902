//! Per resource type: which documents are read, which actions and resources a request can
//! name, and how the results combine (semantics.md section 6). One module per type; this one
//! dispatches on the inputs with one exhaustive `match`, so that a new type makes the compiler
//! point here, and holds what the types share: the results of one resource, the targets of a
//! service's actions and the search of one plain resource policy.

mod apigateway_rest_api;
mod backup_vault;
mod codeartifact_domain;
mod codeartifact_repository;
mod dynamodb_stream;
mod dynamodb_table;
mod ec2_image;
mod ec2_snapshot;
mod ecr_repository;
mod efs_file_system;
mod events_event_bus;
mod glacier_vault;
mod glue_data_catalog;
mod iam_role;
mod kinesis_stream;
mod kms_key;
mod lambda_function;
mod lambda_layer_version;
mod logs_destination;
mod logs_resource_policy;
mod opensearch_domain;
mod rds_db_cluster_snapshot;
mod rds_db_snapshot;
mod s3_bucket;
mod s3express_directory_bucket;
mod secrets_manager_secret;
mod ses_email_identity;
mod snapshot;
mod sns_topic;
mod sqs_queue;

use std::borrow::Cow;
use std::sync::Arc;

use perimeter_model::{
    ErrorCode, ResourceInputs, ResourceRecord, ResourceType, SharedVia, Zone, ZoneAccount, ZoneAccountKind,
};

use crate::catalog;
use crate::error::Error;
use crate::policy::{Policy, ResourceElement};
use crate::resource_control::Rcp;
use crate::search::{self, Budget, RawFinding, ResourceFacts, Scope, Target};

/// The services whose actions a type's policies grant, each with the SAR resource types of
/// the type (what the type passes to the action catalog).
pub type Services = &'static [(&'static str, &'static [&'static str])];

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

/// What analysing one resource produced, the work its searches may still spend, and what is
/// known of the resource's own condition keys.
#[derive(Debug, Default)]
pub struct PathResults {
    pub findings: Vec<PathFinding>,
    pub errors: Vec<DocumentError>,
    pub budget: Budget,
    pub resource: ResourceFacts,
    /// The resource control policies in force on the resource.
    pub guards: Vec<Arc<Rcp>>,
}

impl PathResults {
    /// Parses one resource-based policy of the resource (with what AWS requires of such a
    /// policy, [`Policy::check_resource_policy`]); a document that does not parse is recorded.
    fn parse(&mut self, document: &str, text: &str, resource: ResourceElement) -> Option<Policy> {
        match Policy::parse(text).and_then(|p| p.check_resource_policy(resource).map(|()| p)) {
            Ok(p) => Some(p),
            Err(e) => {
                self.error(document, &e);
                None
            }
        }
    }

    /// [`PathResults::parse`] of a document that `rewrite` changes after it is read as JSON and
    /// before it is read as a policy (a documented shorthand the service expands).
    fn parse_rewritten(
        &mut self,
        document: &str,
        text: &str,
        resource: ResourceElement,
        rewrite: impl FnOnce(&mut serde_json::Value),
    ) -> Option<Policy> {
        match Policy::parse_with(text, rewrite).and_then(|p| p.check_resource_policy(resource).map(|()| p)) {
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

/// Analyses every document of one resource. The resource's owner account is always inside the
/// zone.
pub fn analyze_inputs(record: &ResourceRecord, zone: &Zone, rcps: &[Arc<Rcp>]) -> PathResults {
    let zone = with_owner(zone, &record.account);
    let zone = zone.as_ref();
    let mut out = PathResults { resource: resource_facts(record, zone), guards: rcps.to_vec(), ..PathResults::default() };
    match &record.inputs {
        ResourceInputs::S3Bucket(b) => s3_bucket::analyze(record, b, zone, &mut out),
        ResourceInputs::IamRole(r) => iam_role::analyze(record, r, zone, &mut out),
        ResourceInputs::KmsKey(k) => kms_key::analyze(record, k, zone, &mut out),
        ResourceInputs::LambdaFunction(f) => lambda_function::analyze(record, f, zone, &mut out),
        ResourceInputs::LambdaLayerVersion(l) => lambda_layer_version::analyze(record, l, zone, &mut out),
        ResourceInputs::SqsQueue(q) => sqs_queue::analyze(record, q, zone, &mut out),
        ResourceInputs::SecretsManagerSecret(x) => secrets_manager_secret::analyze(record, x, zone, &mut out),
        ResourceInputs::SnsTopic(x) => sns_topic::analyze(record, x, zone, &mut out),
        ResourceInputs::EcrRepository(x) => ecr_repository::analyze(record, x, zone, &mut out),
        ResourceInputs::EfsFileSystem(x) => efs_file_system::analyze(record, x, zone, &mut out),
        ResourceInputs::Ec2Snapshot(x) => ec2_snapshot::analyze(record, x, zone, &mut out),
        ResourceInputs::RdsDbSnapshot(x) => rds_db_snapshot::analyze(record, x, zone, &mut out),
        ResourceInputs::RdsDbClusterSnapshot(x) => rds_db_cluster_snapshot::analyze(record, x, zone, &mut out),
        ResourceInputs::DynamoDbTable(x) => dynamodb_table::analyze(record, x, zone, &mut out),
        ResourceInputs::DynamoDbStream(x) => dynamodb_stream::analyze(record, x, zone, &mut out),
        ResourceInputs::S3ExpressDirectoryBucket(x) => s3express_directory_bucket::analyze(record, x, zone, &mut out),
        ResourceInputs::ApiGatewayRestApi(x) => apigateway_rest_api::analyze(record, x, zone, &mut out),
        ResourceInputs::EventsEventBus(x) => events_event_bus::analyze(record, x, zone, &mut out),
        ResourceInputs::OpenSearchDomain(x) => opensearch_domain::analyze(record, x, zone, &mut out),
        ResourceInputs::GlacierVault(x) => glacier_vault::analyze(record, x, zone, &mut out),
        ResourceInputs::BackupVault(x) => backup_vault::analyze(record, x, zone, &mut out),
        ResourceInputs::LogsResourcePolicy(x) => logs_resource_policy::analyze(record, x, zone, &mut out),
        ResourceInputs::LogsDestination(x) => logs_destination::analyze(record, x, zone, &mut out),
        ResourceInputs::Ec2Image(x) => ec2_image::analyze(record, x, zone, &mut out),
        ResourceInputs::GlueDataCatalog(x) => glue_data_catalog::analyze(record, x, zone, &mut out),
        ResourceInputs::SesEmailIdentity(x) => ses_email_identity::analyze(record, x, zone, &mut out),
        ResourceInputs::CodeArtifactDomain(x) => codeartifact_domain::analyze(record, x, zone, &mut out),
        ResourceInputs::CodeArtifactRepository(x) => codeartifact_repository::analyze(record, x, zone, &mut out),
        ResourceInputs::KinesisStream(x) => kinesis_stream::analyze(record, x, zone, &mut out),
    }
    out
}

/// Every policy document of the record as the analysis reads it (see [`crate::read_documents`]).
pub fn read_documents(record: &ResourceRecord) -> Vec<(String, Result<Policy, Error>)> {
    let docs = record.inputs.documents();
    match &record.inputs {
        ResourceInputs::ApiGatewayRestApi(x) => {
            let prefix = apigateway_rest_api::route_prefix(record, x);
            docs.into_iter()
                .map(|d| (d.name, Policy::parse_with(d.text, |json| apigateway_rest_api::expand_shorthand(json, &prefix))))
                .collect()
        }
        _ => docs.into_iter().map(|d| (d.name, Policy::parse(d.text))).collect(),
    }
}

/// Several documents of one resource read as one policy (AWS evaluates them together: an Allow
/// in any grants, a Deny in any refuses). A document that does not parse is an error and the
/// others are still read: a Deny of the unreadable one may be missing, so the findings may be
/// broader than AWS allows, never narrower.
fn combined<'t>(out: &mut PathResults, documents: impl IntoIterator<Item = (String, &'t str)>, resource: ResourceElement) -> Option<Policy> {
    let mut combined: Option<Policy> = None;
    for (name, text) in documents {
        let Some(policy) = out.parse(&name, text, resource) else { continue };
        match &mut combined {
            Some(c) => c.statements.extend(policy.statements),
            None => combined = Some(policy),
        }
    }
    // Statements are known by their place in the one policy the search reads.
    if let Some(c) = &mut combined {
        for (i, st) in c.statements.iter_mut().enumerate() {
            st.index = i;
        }
    }
    combined
}

/// What the analysis knows of the resource's own keys (semantics.md section 4, resource keys):
/// its owner account, and the organization when the owner is a member or the management
/// account of the zone's organization. Tags and OU paths are not collected.
fn resource_facts(record: &ResourceRecord, zone: &Zone) -> ResourceFacts {
    let in_org = zone.accounts.get(&record.account).is_some_and(|a| a.kind != ZoneAccountKind::Trusted);
    ResourceFacts { account: Some(record.account.clone()), org_id: zone.org_id.clone().filter(|_| in_org) }
}

/// The zone with the owner account in it.
fn with_owner<'z>(zone: &'z Zone, owner: &str) -> Cow<'z, Zone> {
    if zone.contains_account(owner) {
        return Cow::Borrowed(zone);
    }
    let mut z = zone.clone();
    z.accounts.insert(owner.to_string(), ZoneAccount { name: None, kind: ZoneAccountKind::Member });
    Cow::Owned(z)
}

/// The services whose actions the policies of `t` grant, with the SAR resource types `t`
/// passes to the action catalog.
pub fn services(t: ResourceType) -> Services {
    match t {
        ResourceType::S3Bucket => s3_bucket::SERVICES,
        ResourceType::IamRole => iam_role::SERVICES,
        ResourceType::KmsKey => kms_key::SERVICES,
        ResourceType::LambdaFunction => lambda_function::SERVICES,
        ResourceType::LambdaLayerVersion => lambda_layer_version::SERVICES,
        ResourceType::SqsQueue => sqs_queue::SERVICES,
        ResourceType::SecretsManagerSecret => secrets_manager_secret::SERVICES,
        ResourceType::SnsTopic => sns_topic::SERVICES,
        ResourceType::EcrRepository => ecr_repository::SERVICES,
        ResourceType::EfsFileSystem => efs_file_system::SERVICES,
        ResourceType::Ec2Snapshot => ec2_snapshot::SERVICES,
        ResourceType::RdsDbSnapshot => rds_db_snapshot::SERVICES,
        ResourceType::RdsDbClusterSnapshot => rds_db_cluster_snapshot::SERVICES,
        ResourceType::DynamoDbTable => dynamodb_table::SERVICES,
        ResourceType::DynamoDbStream => dynamodb_stream::SERVICES,
        ResourceType::S3ExpressDirectoryBucket => s3express_directory_bucket::SERVICES,
        ResourceType::ApiGatewayRestApi => apigateway_rest_api::SERVICES,
        ResourceType::EventsEventBus => events_event_bus::SERVICES,
        ResourceType::OpenSearchDomain => opensearch_domain::SERVICES,
        ResourceType::GlacierVault => glacier_vault::SERVICES,
        ResourceType::BackupVault => backup_vault::SERVICES,
        ResourceType::LogsResourcePolicy => logs_resource_policy::SERVICES,
        ResourceType::LogsDestination => logs_destination::SERVICES,
        ResourceType::Ec2Image => ec2_image::SERVICES,
        ResourceType::GlueDataCatalog => glue_data_catalog::SERVICES,
        ResourceType::SesEmailIdentity => ses_email_identity::SERVICES,
        ResourceType::CodeArtifactDomain => codeartifact_domain::SERVICES,
        ResourceType::CodeArtifactRepository => codeartifact_repository::SERVICES,
        ResourceType::KinesisStream => kinesis_stream::SERVICES,
    }
}

/// The catalog actions that the services of `t` have on its resource types, each once, in
/// catalog order.
pub fn actions(t: ResourceType) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for (service, resource_types) in services(t) {
        for a in catalog::actions_on(service, resource_types) {
            if !out.contains(&a.name) {
                out.push(a.name);
            }
        }
    }
    out
}

/// The scope every search of a resource starts from: no gate, every caller may send every
/// action, no federated callers, the resource's work budget. A request that comes through an
/// S3 access point of the zone is internal whatever the type: only S3 requests carry those
/// keys, and a policy of another type that names them is read as a bucket policy would be.
fn scope<'a>(zone: &'a Zone, targets: &'a [Target], out: &'a PathResults) -> Scope<'a> {
    Scope {
        resource: &out.resource,
        zone,
        targets,
        gate: None,
        rule: None,
        federated_callers: false,
        zone_keys: s3_bucket::ACCESS_POINT_KEYS,
        budget: &out.budget,
        guards: &out.guards,
    }
}

/// The target of one named action on `resources`: the catalog's spelling when it knows the
/// action, as written otherwise.
fn target(action: &str, resources: Arc<[String]>) -> Target {
    match catalog::lookup(action) {
        Some(info) => catalog_target(info, resources),
        None => Target {
            action: Cow::Owned(action.to_string()),
            known: false,
            whole_service: false,
            resources,
            fixed: Vec::new(),
            present: &[],
        },
    }
}

fn catalog_target(info: &'static catalog::ActionInfo, resources: Arc<[String]>) -> Target {
    Target { action: Cow::Borrowed(info.name), known: true, whole_service: false, resources, fixed: Vec::new(), present: &[] }
}

/// Targets for every catalog action of `service` on `resource_types`, all on `resources`, plus
/// literal actions of the policy that the catalog does not know. When the catalog knows no
/// action of the service on those types, one `<service>:*` target stands for all of them, and
/// each wildcard the policy writes for the service (`sns:Get*`) is a target as written, so
/// that the access is still found.
fn targets_for(policy: &Policy, zone: &Zone, (service, resource_types): (&str, &[&str]), resources: &[String]) -> Vec<Target> {
    let shared: Arc<[String]> = resources.into();
    let unknown_service = !catalog::knows_actions_on(service, resource_types);
    let mut targets: Vec<Target> =
        grantable(policy, zone, service, resource_types).into_iter().map(|a| catalog_target(a, shared.clone())).collect();
    if unknown_service {
        targets.push(whole_service_target(service, shared.clone()));
    }
    add_unknown_literals(policy, service, &shared, &mut targets, unknown_service);
    targets
}

/// The catalog actions of `service` on `resource_types` that some Allow statement of the policy
/// can grant to a caller outside the zone, in catalog order: the only targets a search can find
/// an access for (an action no such Allow matches is in no action group; an Allow whose
/// principals are all inside the zone allows no external request). When every such Allow names
/// its actions literally (most policies, and every synthetic one), those are looked up; one
/// with a wildcard or a `NotAction` keeps every action of the service on the types.
fn grantable(policy: &Policy, zone: &Zone, service: &str, resource_types: &[&str]) -> Vec<&'static catalog::ActionInfo> {
    let allows = policy
        .statements
        .iter()
        .filter(|s| s.effect == crate::policy::Effect::Allow && search::may_grant_outside(s, zone));
    let mut named: Vec<&'static catalog::ActionInfo> = Vec::new();
    for st in allows {
        if st.action.negated || st.action.patterns.iter().any(|p| p.has_wildcard()) {
            return catalog::actions_on(service, resource_types);
        }
        named.extend(st.action.written.iter().filter_map(|a| catalog::lookup(a)));
    }
    named.retain(|a| a.service() == service && resource_types.iter().any(|t| a.applies_to(t)));
    // Catalog order (the order of the catalog's own storage), each once.
    named.sort_by_key(|a| std::ptr::from_ref(*a) as usize);
    named.dedup_by(|a, b| std::ptr::eq(*a, *b));
    named
}

/// `<service>:*`, for a service of which the catalog knows no action on the resource type.
fn whole_service_target(service: &str, resources: Arc<[String]>) -> Target {
    Target { action: Cow::Owned(format!("{service}:*")), known: false, whole_service: true, resources, fixed: Vec::new(), present: &[] }
}

/// Adds the actions of `service` that the policy names literally and the catalog does not
/// know, kept as written; with `wildcards`, the service's wildcard actions too.
fn add_unknown_literals(policy: &Policy, service: &str, resources: &Arc<[String]>, targets: &mut Vec<Target>, wildcards: bool) {
    for st in &policy.statements {
        if st.action.negated {
            continue;
        }
        for written in &st.action.written {
            let prefix = written.split(':').next().unwrap_or_default();
            if !prefix.eq_ignore_ascii_case(service) || (written.contains(['*', '?']) && !wildcards) {
                continue;
            }
            if catalog::lookup(written).is_none() && !targets.iter().any(|t| t.action.eq_ignore_ascii_case(written)) {
                let mut t = target(written, resources.clone());
                t.whole_service = written.contains(['*', '?']);
                targets.push(t);
            }
        }
    }
}

/// Targets of `service`'s actions on `types` (the container type first, then the types of what
/// it contains: S3 objects, DynamoDB indexes): container-level actions on the container ARN,
/// the others on the contained resources' ARNs (`contained`), an action of both kinds on both.
fn container_targets(policy: &Policy, zone: &Zone, service: &str, types: &[&str], container_arn: &str, contained: &[String]) -> Vec<Target> {
    let (container, inner) = types.split_at(1);
    let container_only: Vec<String> = vec![container_arn.to_string()];
    let mut by_type: Vec<(&str, &[String])> = vec![(container[0], &container_only)];
    by_type.extend(inner.iter().map(|t| (*t, contained)));
    typed_targets(policy, zone, service, &by_type)
}

/// Targets of `service`'s actions on the types of `by_type`, each action on the ARNs of every
/// type it applies to (in `by_type`'s order, each ARN once), plus the literal actions of the
/// policy that the catalog does not know, on every ARN. Actions that apply to the same types
/// share one list of ARNs.
fn typed_targets(policy: &Policy, zone: &Zone, service: &str, by_type: &[(&str, &[String])]) -> Vec<Target> {
    let types: Vec<&str> = by_type.iter().map(|(t, _)| *t).collect();
    // Which types an action applies to, one bit per entry of `by_type` (at most a handful).
    let mut shared: Vec<(u64, Arc<[String]>)> = Vec::new();
    let mut resources_of = |applies: u64| -> Arc<[String]> {
        if let Some((_, r)) = shared.iter().find(|(a, _)| *a == applies) {
            return r.clone();
        }
        let mut arns: Vec<String> = Vec::new();
        for (i, (_, resources)) in by_type.iter().enumerate() {
            if applies & (1 << i) == 0 {
                continue;
            }
            for arn in resources.iter() {
                if !arns.contains(arn) {
                    arns.push(arn.clone());
                }
            }
        }
        let arns: Arc<[String]> = arns.into();
        shared.push((applies, arns.clone()));
        arns
    };
    let mask = |a: &catalog::ActionInfo| types.iter().enumerate().filter(|(_, t)| a.applies_to(t)).fold(0u64, |m, (i, _)| m | 1 << i);
    let mut targets: Vec<Target> =
        grantable(policy, zone, service, &types).into_iter().map(|a| catalog_target(a, resources_of(mask(a)))).collect();
    let every = resources_of(u64::MAX >> (64 - types.len().clamp(1, 64)));
    add_unknown_literals(policy, service, &every, &mut targets, false);
    targets
}

/// Marks the findings from `from` on as not public, each with `note`: a resource that only a
/// private network reaches (an API Gateway private API, an OpenSearch domain in a VPC) is
/// reached by the principals the policy names only from inside that network.
fn never_public(out: &mut PathResults, from: usize, note: &str) {
    for f in &mut out.findings[from..] {
        f.raw.is_public = false;
        f.raw.notes.push(note.to_string());
    }
}

/// ARNs under `prefix` to try (S3 objects, DynamoDB indexes): `prefix` + `witness`, and an
/// instance of every resource pattern the policy names under `prefix`.
fn named_under(policy: &Policy, prefix: &str, witness: &str) -> Vec<String> {
    use crate::condition::Value;
    use crate::pattern::Pattern;
    let mut out = vec![format!("{prefix}{witness}")];
    for st in &policy.statements {
        for (written, value) in st.resource.iter().flat_map(|r| r.written.iter().zip(&r.values)) {
            let instance = match value {
                // Policy variables resolve to what the witness caller carries.
                Value::Text { template: Some(_), .. } => {
                    let written = written.replace("${aws:username}", search::USER_NAME);
                    if written.contains("${") {
                        continue;
                    }
                    Pattern::new(&written, false).instance("perimeter")
                }
                // Literal text (`${…}` too, under a `Version` without variables).
                Value::Text { pattern: Some(p), .. } => p.instance("perimeter"),
                _ => continue,
            };
            if instance.starts_with(prefix) && !out.contains(&instance) {
                out.push(instance);
            }
        }
    }
    out
}

/// Searches a plain resource policy: every action of the service on the resource's types, all
/// on the resource's ARN.
fn simple(policy: &Policy, service: (&str, &[&str]), arn: &str, zone: &Zone, out: &mut PathResults) {
    let targets = targets_for(policy, zone, service, &[arn.to_string()]);
    out.add(search::search(policy, &scope(zone, &targets, out)), SharedVia::Policy);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_type_grants_the_actions_of_the_service_the_model_names() {
        // The model's `action_service` decides which types RCPs govern (and which scopes an
        // unreadable RCP makes incomplete); it must be the service of the type's actions.
        for t in ResourceType::ALL {
            assert!(services(*t).iter().all(|(s, _)| *s == t.action_service()), "{t}: {:?}", services(*t));
        }
    }

    /// The findings of a plain policy of a service the catalog does not know.
    fn findings_of_unknown_service(policy: &str) -> Vec<RawFinding> {
        let policy = Policy::parse(policy).expect("policy parses");
        let zone = Zone::default();
        let mut out = PathResults::default();
        let arn = "arn:aws:perimeter-unknown-service:us-east-1:111111111111:thing/x";
        simple(&policy, ("perimeter-unknown-service", &["thing"]), arn, &zone, &mut out);
        assert!(out.errors.is_empty(), "{:?}", out.errors);
        out.findings.into_iter().map(|f| f.raw).collect()
    }

    #[test]
    fn a_service_the_catalog_does_not_know_still_gives_a_finding() {
        for action in ["\"*\"", "\"perimeter-unknown-service:*\"", "\"perimeter-unknown-service:Get*\""] {
            let policy = format!(
                r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":"*","Action":{action},"Resource":"*"}}]}}"#
            );
            let found = findings_of_unknown_service(&policy);
            assert_eq!(found.len(), 1, "action {action}: {found:#?}");
            assert!(found[0].is_public, "action {action}: {found:#?}");
            let written = action.trim_matches('"');
            let expected = if written == "*" { "perimeter-unknown-service:*" } else { written };
            assert!(found[0].actions.contains(expected), "action {action}: {found:#?}");
            assert!(found[0].witness.is_some());
            assert!(
                found[0].notes.iter().any(|n| n.contains("knows no actions of service `perimeter-unknown-service`")),
                "{:?}",
                found[0].notes
            );
        }
    }

    #[test]
    fn the_catalog_knows_every_service_that_any_type_uses() {
        for t in ResourceType::ALL.iter().copied() {
            assert!(!services(t).is_empty(), "{t} names no service");
            for (service, resource_types) in services(t) {
                assert!(
                    !catalog::actions_on(service, resource_types).is_empty(),
                    "{t}: the action catalog knows no `{service}` action on {resource_types:?}"
                );
            }
            assert!(!actions(t).is_empty(), "{t}");
        }
    }
}
