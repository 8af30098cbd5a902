//! Fuzz target for the policy parser and the analysis: any bytes, read as a policy document of
//! each resource type, must give findings or errors, never a panic, a hang or a crash; and every
//! witness of a queue-policy finding must be allowed by the concrete evaluator.
#![no_main]

use libfuzzer_sys::fuzz_target;
use perimeter_evaluator::{analyze, evaluate, Decision, Policy};
use perimeter_model::{ResourceRecord, Zone};
use serde_json::json;

fn record(inputs: serde_json::Value, arn: &str) -> ResourceRecord {
    serde_json::from_value(json!({"arn": arn, "account": "111111111111", "region": "us-east-1", "inputs": inputs}))
        .expect("the fuzz target builds valid resource records")
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let zone = Zone::of_accounts(Some("o-a1b2c3d4e5"), vec!["111111111111".to_string(), "222222222222".to_string()]);
    let records = [
        record(json!({"type": "AWS::SQS::Queue", "name": "q", "url": "https://sqs.us-east-1.amazonaws.com/111111111111/q", "policy": text}), "arn:aws:sqs:us-east-1:111111111111:q"),
        record(json!({"type": "AWS::S3::Bucket", "name": "b", "policy": text}), "arn:aws:s3:::b"),
        record(json!({"type": "AWS::IAM::Role", "name": "r", "trust_policy": text}), "arn:aws:iam::111111111111:role/r"),
        record(json!({"type": "AWS::KMS::Key", "key_id": "k", "policy": text}), "arn:aws:kms:us-east-1:111111111111:key/k"),
        record(json!({"type": "AWS::Lambda::Function", "name": "f", "policies": [{"qualifier": null, "policy": text}]}), "arn:aws:lambda:us-east-1:111111111111:function:f"),
    ];
    for (i, r) in records.iter().enumerate() {
        let analysis = analyze(r, &zone);
        if i == 0 {
            if let Ok(policy) = Policy::parse(text) {
                for f in &analysis.findings {
                    if let Some(w) = &f.witness {
                        assert_eq!(evaluate(&policy, w).decision, Decision::Allow, "witness not allowed: {w:?}");
                    }
                }
            }
        }
    }
});
