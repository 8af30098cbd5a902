//! What the store's tests share: a public queue finding of one account.

use std::collections::BTreeMap;

use perimeter_model::{Finding, Principal, ResourceType, SharedVia};

/// `*` may SendMessage to the queue `arn` of `account`.
pub fn finding(id: &str, account: &str, arn: &str) -> Finding {
    Finding {
        id: id.into(),
        resource_arn: arn.into(),
        resource_type: ResourceType::SqsQueue,
        resource_owner_account: account.into(),
        region: "us-east-1".into(),
        principal: Principal::anyone(),
        actions: vec!["sqs:SendMessage".into()],
        condition: BTreeMap::new(),
        is_public: true,
        shared_via: SharedVia::Policy,
        witness: None,
        conservative: None,
        notes: Vec::new(),
        blocked_by: Vec::new(),
    }
}
