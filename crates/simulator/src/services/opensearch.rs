//! OpenSearch Service (restJson1, signed as `es`, API version `2021-01-01`): ListDomainNames
//! (`GET /2021-01-01/domain`, every domain at once, `EngineType` `OpenSearch`; `engineType`
//! `Elasticsearch` lists none) and DescribeDomains (`POST /2021-01-01/opensearch/domain-info`,
//! `{"DomainNames": [...]}`, at most 5: the `DomainStatusList` of those that exist, each with
//! every member the model requires — `DomainId` (`<account>/<name>`), `DomainName`, `ARN`,
//! `ClusterConfig` — and `AccessPolicies` (`""` without a policy), `Endpoint` for a public
//! domain, `Endpoints.vpc` and `VPCOptions` for a VPC one). More than 5 names, or none, is 400
//! ValidationException.

use http::{Method, Response};
use serde_json::{json, Value};

use super::Ctx;
use crate::org::{derived_hex, OpenSearchDomain};
use crate::protocol::{json_ok, ApiError, Incoming, Protocol};

/// The API version, the first segment of every path.
pub const VERSION: &str = "2021-01-01";

pub fn route(req: &Incoming) -> Result<&'static str, String> {
    let s: Vec<&str> = req.segments.iter().map(String::as_str).collect();
    let op = match (&req.method, s.as_slice()) {
        (&Method::GET, [VERSION, "domain"]) => "ListDomainNames",
        (&Method::POST, [VERSION, "opensearch", "domain-info"]) => "DescribeDomains",
        _ => return Err(format!("{} {}", req.method, req.path)),
    };
    Ok(op)
}

fn status(d: &OpenSearchDomain, account: &str, region: &str) -> Value {
    let host = format!("{}-{}.{region}.es.amazonaws.com", d.name, derived_hex(&d.arn, 26));
    let mut out = json!({
        "DomainId": format!("{account}/{}", d.name), "DomainName": d.name, "ARN": d.arn,
        "Created": true, "Deleted": false, "Processing": false, "UpgradeProcessing": false,
        "EngineVersion": "OpenSearch_2.11",
        "ClusterConfig": {"InstanceType": "r6g.large.search", "InstanceCount": 1, "DedicatedMasterEnabled": false,
            "ZoneAwarenessEnabled": false, "WarmEnabled": false},
        "EBSOptions": {"EBSEnabled": true, "VolumeType": "gp3", "VolumeSize": 10},
        "AccessPolicies": d.policy.as_deref().unwrap_or_default(),
        "EncryptionAtRestOptions": {"Enabled": true},
        "NodeToNodeEncryptionOptions": {"Enabled": true},
        "DomainEndpointOptions": {"EnforceHTTPS": true, "TLSSecurityPolicy": "Policy-Min-TLS-1-2-2019-07"},
    });
    if let Some(obj) = out.as_object_mut() {
        match &d.vpc {
            Some(vpc) => {
                obj.insert("Endpoints".to_string(), json!({"vpc": format!("vpc-{host}")}));
                obj.insert(
                    "VPCOptions".to_string(),
                    json!({"VPCId": vpc, "SubnetIds": [format!("subnet-{}", derived_hex(&format!("subnet {vpc}"), 17))],
                        "AvailabilityZones": [format!("{region}a")],
                        "SecurityGroupIds": [format!("sg-{}", derived_hex(&format!("sg {vpc}"), 17))]}),
                );
            }
            None => {
                obj.insert("Endpoint".to_string(), json!(format!("search-{host}")));
            }
        }
    }
    out
}

pub fn answer(operation: &str, ctx: &Ctx<'_>) -> Result<Response<String>, ApiError> {
    let domains: &[OpenSearchDomain] = ctx.caller.region(ctx.region).map_or(&[], |r| r.opensearch_domains.as_slice());
    let out = match operation {
        "ListDomainNames" => {
            let listed: &[OpenSearchDomain] = if ctx.req.query("engineType") == Some("Elasticsearch") { &[] } else { domains };
            let names: Vec<Value> = listed.iter().map(|d| json!({"DomainName": d.name, "EngineType": "OpenSearch"})).collect();
            json!({"DomainNames": names})
        }
        "DescribeDomains" => {
            let input = ctx.req.json();
            let wanted: Vec<&str> = input.get("DomainNames").and_then(Value::as_array).map(|a| a.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
            if wanted.is_empty() || wanted.len() > 5 {
                return Err(ApiError::new(400, "ValidationException", "Please provide between 1 and 5 domain names to describe."));
            }
            // The domains that exist, in the order asked; the others are left out.
            let list: Vec<Value> = wanted
                .iter()
                .filter_map(|w| domains.iter().find(|d| d.name == *w))
                .map(|d| status(d, &ctx.caller.id, ctx.region))
                .collect();
            json!({"DomainStatusList": list})
        }
        other => return Err(super::Service::OpenSearch.unsupported(other)),
    };
    Ok(json_ok(Protocol::RestJson, &out, ctx.id))
}
