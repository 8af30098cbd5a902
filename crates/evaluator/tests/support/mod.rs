//! Loading of corpus cases (`tests/corpus/**.json`, format in its README), shared by the corpus
//! test and the corpus benchmark.

use std::path::{Path, PathBuf};

use std::sync::Arc;

use perimeter_evaluator::Rcp;
use perimeter_model::{ResourceRecord, Zone};
use serde_json::Value;

/// One corpus case: its file, the raw JSON, the resource record and the zone.
pub struct Case {
    #[allow(dead_code, reason = "read by the benchmark, not by the corpus test")]
    pub path: PathBuf,
    #[allow(dead_code, reason = "read by the corpus test, not by the benchmark")]
    pub json: Value,
    pub record: ResourceRecord,
    pub zone: Zone,
    /// The resource control policies in force on the resource (`rcps`: `id`, `name`, `policy`).
    pub rcps: Vec<Arc<Rcp>>,
}

/// The corpus folder of this crate.
pub fn corpus_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus")
}

/// Every case file under `dir`, sorted, folders first-come.
pub fn corpus_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    collect(dir, &mut out);
    out
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.map(|e| e.path()).unwrap_or_default())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|x| x == "json") {
            out.push(path);
        }
    }
}

/// Reads one case; policies written as objects become the JSON text the collector would read.
pub fn load_case(path: &Path) -> Result<Case, String> {
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    let mut json: Value = serde_json::from_str(&text).map_err(|e| format!("not JSON: {e}"))?;
    stringify_policies(&mut json["resource"]);
    let record: ResourceRecord =
        serde_json::from_value(json["resource"].clone()).map_err(|e| format!("bad resource record: {e}"))?;
    let zone = zone_of(&json);
    let mut rcps = Vec::new();
    for (i, r) in json["rcps"].as_array().cloned().unwrap_or_default().iter().enumerate() {
        let text = match &r["policy"] {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        let id = r["id"].as_str().ok_or(format!("rcps[{i}] has no id"))?;
        let name = r["name"].as_str().unwrap_or(id);
        rcps.push(Arc::new(Rcp::parse(id, name, &text).map_err(|e| format!("rcps[{i}]: {e}"))?));
    }
    Ok(Case { path: path.to_path_buf(), json, record, zone, rcps })
}

fn stringify_policies(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                if matches!(key.as_str(), "policy" | "trust_policy" | "access_policy" | "lock_policy") && v.is_object() {
                    *v = Value::String(v.to_string());
                } else if key == "policies" && v.is_object() {
                    // SES identities: policy name → policy document.
                    for doc in v.as_object_mut().into_iter().flat_map(|m| m.values_mut()) {
                        if doc.is_object() {
                            *doc = Value::String(doc.to_string());
                        }
                    }
                } else {
                    stringify_policies(v);
                }
            }
        }
        Value::Array(list) => list.iter_mut().for_each(stringify_policies),
        _ => {}
    }
}

fn zone_of(case: &Value) -> Zone {
    let z = &case["zone"];
    let strings = |key: &str| -> Vec<String> {
        z[key].as_array().map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect()).unwrap_or_default()
    };
    let mut zone = Zone::of_accounts(z["org_id"].as_str(), strings("accounts"));
    zone.canonical_ids = strings("canonical_ids").into_iter().collect();
    zone.principal_ids = strings("principal_ids").into_iter().collect();
    // `{"<ID>": "<owning account>"}` maps.
    let map = |key: &str| -> std::collections::BTreeMap<String, String> {
        z[key]
            .as_object()
            .map(|m| m.iter().filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string()))).collect())
            .unwrap_or_default()
    };
    zone.origin_access_identities = map("origin_access_identities");
    zone.networks = map("networks");
    zone
}
