//! DynamoDB table: the table's resource-based policy, searched over the `dynamodb` actions on
//! tables (on the table's ARN) and on its indexes (on `<table ARN>/index/<name>`: a table's
//! policy governs its indexes too, and a statement may grant `Query` on an index alone).

use perimeter_model::{DynamoDbTableInputs, ResourceRecord, SharedVia, Zone};

use super::{container_targets, named_under, scope, PathResults, Services};
use crate::policy::ResourceElement;
use crate::search;

pub const SERVICES: Services = &[("dynamodb", &["table", "index"])];

/// The index an index-level request names when the policy names none.
const WITNESS_INDEX: &str = "perimeter-witness-index";

pub(super) fn analyze(record: &ResourceRecord, x: &DynamoDbTableInputs, zone: &Zone, out: &mut PathResults) {
    if let Some(text) = &x.policy
        && let Some(policy) = out.parse("table policy", text, ResourceElement::Required)
    {
        let (service, types) = SERVICES[0];
        let indexes = named_under(&policy, &format!("{}/index/", record.arn), WITNESS_INDEX);
        let targets = container_targets(&policy, zone, service, types, &record.arn, &indexes);
        out.add(search::search(&policy, &scope(zone, &targets, out)), SharedVia::Policy);
    }
}
