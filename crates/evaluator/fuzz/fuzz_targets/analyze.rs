//! Fuzz target for the policy parser and the analysis: any bytes, read as the main policy
//! document of every resource type, must give findings or errors, never a panic, a hang or a
//! crash; and every witness of a policy finding must be allowed by the concrete evaluator.
#![no_main]

use libfuzzer_sys::fuzz_target;
use perimeter_evaluator::{analyze, evaluate, resource_services, Decision, Policy};
use perimeter_model::{ResourceRecord, ResourceType, SharedVia, Zone};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let zone = Zone::of_accounts(Some("o-a1b2c3d4e5"), vec!["111111111111".to_string(), "222222222222".to_string()]);
    let policy = Policy::parse(text).ok();
    for t in ResourceType::ALL {
        let service = resource_services(*t)[0].0;
        let arn = format!("arn:aws:{service}:us-east-1:111111111111:perimeter-fuzz-resource");
        let record = ResourceRecord::from_policy(*t, &arn, "111111111111", text.to_string());
        let analysis = analyze(&record, &zone);
        let Some(policy) = &policy else { continue };
        for f in analysis.findings.iter().filter(|f| matches!(f.shared_via, SharedVia::Policy | SharedVia::FunctionUrl)) {
            if let Some(w) = &f.witness {
                assert_eq!(evaluate(policy, w).decision, Decision::Allow, "{t}: witness not allowed: {w:?}");
            }
        }
    }
});
