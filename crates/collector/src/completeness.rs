//! Which scopes (account, region, resource type) a scan read to the end. A scope is complete
//! only when the code that read it said so and no error record covers it; a scope the plan asked
//! for that nobody reported is an error record, never an empty complete scope (a reader that was
//! never dispatched, or that returned early, cannot make a scan look clean).

use std::collections::BTreeSet;

use perimeter_model::{AccountRecord, ErrorCode, ErrorRecord, ResourceType, ScopeRecord, GLOBAL_REGION};

/// The scopes of one account that a scan of `regions` for `types` must read.
pub fn planned(account: &str, regions: &[String], types: &[ResourceType]) -> Vec<ScopeRecord> {
    let mut out = Vec::new();
    for t in types {
        // A region that does not offer the type has no scope of it (skipped, and reported so).
        let scope_regions: Vec<&str> = if t.is_global() {
            vec![GLOBAL_REGION]
        } else {
            regions.iter().map(String::as_str).filter(|r| t.offered_in(r)).collect()
        };
        for region in scope_regions {
            out.push(ScopeRecord { account: account.to_string(), region: region.to_string(), resource_type: *t });
        }
    }
    out
}

/// The scopes of one scanned account: in the regions its record names, or, for an older
/// inventory whose account records name none, in the regions its scopes and errors name.
pub fn planned_for(
    account: &AccountRecord,
    finished: &BTreeSet<ScopeRecord>,
    errors: &[ErrorRecord],
    types: &[ResourceType],
) -> Vec<ScopeRecord> {
    let regions = match &account.regions {
        Some(regions) => regions.clone(),
        None => finished
            .iter()
            .filter(|s| s.account == account.id && s.region != GLOBAL_REGION)
            .map(|s| s.region.clone())
            .chain(errors.iter().filter(|e| e.account == account.id).filter_map(|e| e.region.clone()))
            .filter(|r| r != GLOBAL_REGION)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect(),
    };
    planned(&account.id, &regions, types)
}

/// Whether an error record covers the scope (it names the scope or something wider).
/// An error about something other than a resource type's scope (the zone's networks or origin
/// access identities: a resource ARN pattern and no type) covers no scope.
pub fn covers(error: &ErrorRecord, scope: &ScopeRecord) -> bool {
    !(error.resource_type.is_none() && error.resource_arn.is_some())
        && error.account == scope.account
        && error.region.as_deref().is_none_or(|r| r == scope.region)
        && error.resource_type.is_none_or(|t| t == scope.resource_type)
}

/// The complete scopes among `planned`: finished and not covered by an error. Every planned
/// scope that is neither finished nor covered gets an error record saying so (`unreported`
/// tells why it was not: no reader reported it, or the inventory has no record of it).
pub fn settle(
    planned: impl IntoIterator<Item = ScopeRecord>,
    finished: &BTreeSet<ScopeRecord>,
    errors: &mut Vec<ErrorRecord>,
    unreported: &str,
) -> Vec<ScopeRecord> {
    let mut complete = Vec::new();
    let mut missing = Vec::new();
    for scope in planned.into_iter().collect::<BTreeSet<_>>() {
        if errors.iter().any(|e| covers(e, &scope)) {
            continue;
        }
        if finished.contains(&scope) {
            complete.push(scope);
        } else {
            missing.push(ErrorRecord {
                account: scope.account.clone(),
                region: Some(scope.region.clone()),
                resource_type: Some(scope.resource_type),
                resource_arn: None,
                code: ErrorCode::Internal,
                message: format!("{} in {} was not read to the end: {unreported}", scope.resource_type, scope.region),
            });
        }
    }
    errors.extend(missing);
    complete
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope(region: &str, t: ResourceType) -> ScopeRecord {
        ScopeRecord { account: "111111111111".into(), region: region.into(), resource_type: t }
    }

    #[test]
    fn a_requested_type_that_no_reader_finished_is_an_error_not_a_complete_scope() {
        let regions = vec!["us-east-1".to_string(), "eu-west-1".to_string()];
        let plan = planned("111111111111", &regions, &[ResourceType::SqsQueue, ResourceType::IamRole]);
        assert_eq!(plan.len(), 3, "two regional scopes and one global one: {plan:?}");
        // The SQS reader finished one region and returned early in the other; IAM finished.
        let finished: BTreeSet<ScopeRecord> =
            [scope("us-east-1", ResourceType::SqsQueue), scope(GLOBAL_REGION, ResourceType::IamRole)].into();
        let mut errors = Vec::new();
        let complete = settle(plan, &finished, &mut errors, "no reader reported it");
        assert_eq!(complete, vec![scope(GLOBAL_REGION, ResourceType::IamRole), scope("us-east-1", ResourceType::SqsQueue)]);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].region.as_deref(), Some("eu-west-1"));
        assert_eq!(errors[0].resource_type, Some(ResourceType::SqsQueue));
        assert_eq!(errors[0].code, ErrorCode::Internal);
    }

    #[test]
    fn a_finished_scope_that_an_error_covers_is_not_complete_and_gets_no_second_error() {
        let plan = planned("111111111111", &["us-east-1".to_string()], &[ResourceType::KmsKey]);
        let finished: BTreeSet<ScopeRecord> = [scope("us-east-1", ResourceType::KmsKey)].into();
        let mut errors = vec![ErrorRecord {
            account: "111111111111".into(),
            region: Some("us-east-1".into()),
            resource_type: Some(ResourceType::KmsKey),
            resource_arn: Some("arn:aws:kms:us-east-1:111111111111:key/k".into()),
            code: ErrorCode::AccessDenied,
            message: "GetKeyPolicy: denied".into(),
        }];
        assert!(settle(plan, &finished, &mut errors, "x").is_empty());
        assert_eq!(errors.len(), 1);
    }

    #[test]
    fn a_region_that_does_not_offer_a_type_has_no_scope_of_it() {
        let regions = vec!["us-east-1".to_string(), "eu-central-1".to_string()];
        let plan = planned("111111111111", &regions, &[ResourceType::S3ExpressDirectoryBucket, ResourceType::SqsQueue]);
        assert_eq!(
            plan,
            vec![
                scope("us-east-1", ResourceType::S3ExpressDirectoryBucket),
                scope("us-east-1", ResourceType::SqsQueue),
                scope("eu-central-1", ResourceType::SqsQueue),
            ]
        );
    }

    #[test]
    fn an_unreadable_network_listing_covers_no_scope() {
        let plan = planned("111111111111", &["us-east-1".to_string()], &[ResourceType::SqsQueue]);
        let finished: BTreeSet<ScopeRecord> = [scope("us-east-1", ResourceType::SqsQueue)].into();
        let mut errors = vec![ErrorRecord {
            account: "111111111111".into(),
            region: Some("us-east-1".into()),
            resource_type: None,
            resource_arn: Some("arn:aws:ec2:us-east-1:111111111111:vpc/*".into()),
            code: ErrorCode::AccessDenied,
            message: "DescribeVpcs: denied".into(),
        }];
        assert_eq!(settle(plan, &finished, &mut errors, "x"), vec![scope("us-east-1", ResourceType::SqsQueue)]);
        assert_eq!(errors.len(), 1, "the listing's own error row stays: {errors:?}");
    }
}
