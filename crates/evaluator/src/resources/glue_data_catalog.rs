//! Glue Data Catalog: the catalog's resource policy, searched over the `glue` actions on the
//! catalog and on what it holds: `catalog` (the catalog's ARN), `catalog/<name>` (catalogs it
//! federates), `database/<db>`,
//! `table/<db>/<table>`, `tableVersion/<db>/<table>/<version>`, `userDefinedFunction/<db>/<fn>`
//! and `connection/<name>` (a witness of each, and an instance of every ARN the policy names).
//! Glue asks for the catalog, the database and the table of a table request together; each ARN
//! is tried on its own here, so a grant on a table alone is reported (broader than Glue, never
//! narrower: docs/findings.md).

use perimeter_model::{GlueDataCatalogInputs, ResourceRecord, SharedVia, Zone};

use super::{named_under, scope, typed_targets, PathResults, Services};
use crate::policy::ResourceElement;
use crate::search;

pub const SERVICES: Services =
    &[("glue", &["rootcatalog", "catalog", "database", "table", "tableversion", "userdefinedfunction", "connection"])];

/// Each contained SAR type with its ARN part and a witness name.
const CONTAINED: [(&str, &str, &str); 6] = [
    ("catalog", "catalog/", "perimeter-witness-catalog"),
    ("database", "database/", "perimeter-witness-db"),
    ("table", "table/", "perimeter-witness-db/perimeter-witness-table"),
    ("tableversion", "tableVersion/", "perimeter-witness-db/perimeter-witness-table/1"),
    ("userdefinedfunction", "userDefinedFunction/", "perimeter-witness-db/perimeter-witness-fn"),
    ("connection", "connection/", "perimeter-witness-connection"),
];

pub(super) fn analyze(record: &ResourceRecord, x: &GlueDataCatalogInputs, zone: &Zone, out: &mut PathResults) {
    let Some(text) = &x.policy else { return };
    let Some(policy) = out.parse("catalog policy", text, ResourceElement::Required) else { return };
    let base = format!("arn:aws:glue:{}:{}:", record.region, record.account);
    let catalog = vec![record.arn.clone()];
    let contained: Vec<(&str, Vec<String>)> =
        CONTAINED.iter().map(|(t, part, witness)| (*t, named_under(&policy, &format!("{base}{part}"), witness))).collect();
    let mut by_type: Vec<(&str, &[String])> = vec![("rootcatalog", &catalog)];
    by_type.extend(contained.iter().map(|(t, arns)| (*t, arns.as_slice())));
    let targets = typed_targets(&policy, zone, SERVICES[0].0, &by_type);
    out.add(search::search(&policy, &scope(zone, &targets, out)), SharedVia::Policy);
}
