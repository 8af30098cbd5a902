//! The StackSet template that deploys the audit role grants exactly the read actions of
//! `config/perimeter-audit-role-policy.json` (whose actions a scan test checks against the calls
//! the collector really makes), so that the two files cannot drift apart.

use std::collections::BTreeSet;

#[test]
fn the_stackset_template_grants_exactly_the_audit_role_read_actions() {
    let policy: serde_json::Value =
        serde_json::from_str(include_str!("../../../config/perimeter-audit-role-policy.json")).expect("policy JSON");
    let read: BTreeSet<String> = policy["Statement"]
        .as_array()
        .expect("statements")
        .iter()
        .filter(|s| s["Sid"] == "ReadResourcePolicies" || s["Sid"] == REST_APIS_SID)
        .flat_map(|s| s["Action"].as_array().cloned().unwrap_or_default())
        .filter_map(|a| a.as_str().map(str::to_string))
        .collect();
    assert!(read.len() > 20, "the read statement lists the collector's actions");
    let template = include_str!("../../../config/perimeter-audit-role-stackset.yaml");
    // Action list items of the template: `- service:Action` (comments and other lists aside).
    let granted: BTreeSet<String> = template
        .lines()
        .map(str::trim)
        .filter_map(|l| l.strip_prefix("- "))
        .map(|item| item.trim().trim_matches('"').trim_matches('\''))
        .filter(|item| {
            item.split_once(':').is_some_and(|(service, action)| {
                !service.is_empty()
                    && service.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                    && action.chars().next().is_some_and(|c| c.is_ascii_uppercase())
                    && action.chars().all(|c| c.is_ascii_alphanumeric())
            })
        })
        .map(str::to_string)
        .filter(|a| a != "sts:AssumeRole")
        .collect();
    assert_eq!(granted, read, "the template's actions and the policy file's read actions differ");
}

/// API Gateway's read action, `apigateway:GET`, would read every GET path of the service (API
/// keys among them): both files grant it on the REST API list only.
#[test]
fn api_gateway_reads_are_granted_on_the_rest_api_list_only() {
    let policy: serde_json::Value =
        serde_json::from_str(include_str!("../../../config/perimeter-audit-role-policy.json")).expect("policy JSON");
    let statements = policy["Statement"].as_array().expect("statements");
    let with_get: Vec<&serde_json::Value> =
        statements.iter().filter(|s| s["Action"].as_array().is_some_and(|a| a.iter().any(|x| x == "apigateway:GET"))).collect();
    assert_eq!(with_get.len(), 1, "one statement grants apigateway:GET");
    assert_eq!(with_get[0]["Sid"], REST_APIS_SID);
    assert_eq!(with_get[0]["Resource"], serde_json::json!([REST_APIS]));
    let template = include_str!("../../../config/perimeter-audit-role-stackset.yaml");
    let sid = template.find(&format!("Sid: {REST_APIS_SID}")).expect("the template's REST API statement");
    let resource = template[sid..].lines().find_map(|l| l.trim().strip_prefix("Resource: ")).expect("its Resource");
    assert_eq!(resource.trim_matches('"'), REST_APIS);
}

const REST_APIS_SID: &str = "ListRestApis";
const REST_APIS: &str = "arn:aws:apigateway:*::/restapis";
