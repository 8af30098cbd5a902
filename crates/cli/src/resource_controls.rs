//! The organization's resource control policies for one scan (semantics.md section 8): read
//! once per scan (before any account's resources), which of them are in force on each account's resources, and an
//! error record for each scope that an RCP which does not parse governs (its findings are
//! reported without that RCP, and none of them is resolved: an unreadable guard rail must not
//! look like no guard rail).

use std::collections::BTreeMap;
use std::sync::Arc;

use perimeter_collector::Assembly;
use perimeter_evaluator::resource_control::governs;
use perimeter_evaluator::{Guardrails, Rcp};
use perimeter_model::{ErrorRecord, ResourceType, ZoneAccountKind};

/// The RCPs of one scan and the OU path of every account.
pub struct ScanGuardrails {
    guardrails: Guardrails,
    paths: BTreeMap<String, Option<String>>,
}

impl ScanGuardrails {
    /// The RCPs the scan read (none outside an organization), and an error record for every
    /// (account, type) scope of `types` (those the scan read, too) that an RCP which does not
    /// parse governs. Everything it needs is known before any account is read.
    pub fn new(scan: &Assembly, types: &[ResourceType]) -> (ScanGuardrails, Vec<ErrorRecord>) {
        let paths: BTreeMap<String, Option<String>> = scan.accounts().iter().map(|a| (a.id.clone(), a.org_path.clone())).collect();
        let management =
            scan.zone().accounts.iter().find(|(_, a)| a.kind == ZoneAccountKind::Management).map(|(id, _)| id.as_str());
        let Some(controls) = scan.resource_controls() else {
            return (ScanGuardrails { guardrails: Guardrails::default(), paths }, Vec::new());
        };
        let (guardrails, failures) = Guardrails::new(controls, management);
        let governed: Vec<ResourceType> =
            types.iter().copied().filter(|t| t.rcp_governed() && scan.resource_types().contains(t)).collect();
        let mut errors = Vec::new();
        for failure in &failures {
            for account in scan.accounts().iter().filter(|a| a.skipped.is_none() && Some(a.id.as_str()) != management) {
                if !failure.targets.iter().any(|t| governs(t, &account.id, account.org_path.as_deref())) {
                    continue;
                }
                for t in &governed {
                    errors.push(ErrorRecord {
                        account: account.id.clone(),
                        region: None,
                        resource_type: Some(*t),
                        resource_arn: None,
                        code: failure.error.code(),
                        message: format!(
                            "resource control policy {} ({}): {}; the findings of this scope are reported without \
                             it, and none is resolved",
                            failure.name, failure.id, failure.error
                        ),
                    });
                }
            }
        }
        (ScanGuardrails { guardrails, paths }, errors)
    }

    /// The RCPs in force on the resources of `account`.
    pub fn in_force(&self, account: &str) -> Vec<Arc<Rcp>> {
        if self.guardrails.is_empty() {
            return Vec::new();
        }
        self.guardrails.in_force(account, self.paths.get(account).and_then(Option::as_deref))
    }
}
