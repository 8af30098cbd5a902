//! The action catalog: every action of s3, sts, kms, lambda and sqs with its access level and
//! the resource types it applies to, as facts from the AWS Service Authorization Reference
//! (`data/actions.tsv`, see `data/README.md` for the source). Used to expand wildcards into the
//! actions a principal really gets.

use std::collections::HashMap;
use std::sync::LazyLock;

/// One action of the catalog.
#[derive(Debug, Clone)]
pub struct ActionInfo {
    /// As AWS spells it: `s3:GetObject`.
    pub name: &'static str,
    pub access_level: &'static str,
    /// SAR resource type names (`bucket`, `object`, `key`, …); empty when the action takes none.
    pub resource_types: Vec<&'static str>,
}

impl ActionInfo {
    pub fn service(&self) -> &'static str {
        self.name.split_once(':').map_or(self.name, |(s, _)| s)
    }

    pub fn applies_to(&self, resource_type: &str) -> bool {
        self.resource_types.contains(&resource_type)
    }
}

static CATALOG: LazyLock<Vec<ActionInfo>> = LazyLock::new(|| {
    include_str!("../data/actions.tsv")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|line| {
            let mut fields = line.split('\t');
            let name = fields.next()?;
            let access_level = fields.next()?;
            let resources = fields.next().unwrap_or("-");
            let resource_types =
                if resources == "-" { Vec::new() } else { resources.split(',').map(str::trim).collect() };
            Some(ActionInfo { name, access_level, resource_types })
        })
        .collect()
});

/// Position of each action in [`CATALOG`], by lowercase name.
static BY_NAME: LazyLock<HashMap<String, usize>> =
    LazyLock::new(|| CATALOG.iter().enumerate().map(|(i, a)| (a.name.to_ascii_lowercase(), i)).collect());

/// Positions in [`CATALOG`] of each service's actions.
static BY_SERVICE: LazyLock<HashMap<&'static str, Vec<usize>>> = LazyLock::new(|| {
    let mut map: HashMap<&'static str, Vec<usize>> = HashMap::new();
    for (i, a) in CATALOG.iter().enumerate() {
        map.entry(a.service()).or_default().push(i);
    }
    map
});

/// Every action in the catalog.
pub fn all() -> &'static [ActionInfo] {
    &CATALOG
}

/// Finds an action by name, without regard to case.
pub fn lookup(action: &str) -> Option<&'static ActionInfo> {
    BY_NAME.get(&action.to_ascii_lowercase()).map(|i| &CATALOG[*i])
}

/// Whether the catalog knows any action of `service` on one of `resource_types`.
pub fn knows_actions_on(service: &str, resource_types: &[&str]) -> bool {
    BY_SERVICE.get(service).into_iter().flatten().any(|i| resource_types.iter().any(|r| CATALOG[*i].applies_to(r)))
}

/// The actions of `service` that apply to any of `resource_types`.
pub fn actions_on(service: &str, resource_types: &[&str]) -> Vec<&'static ActionInfo> {
    BY_SERVICE
        .get(service)
        .into_iter()
        .flatten()
        .map(|i| &CATALOG[*i])
        .filter(|a| resource_types.iter().any(|r| a.applies_to(r)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalog_knows_the_common_actions() {
        assert!(all().len() > 300);
        let get = lookup("S3:GETOBJECT").expect("s3:GetObject");
        assert_eq!(get.name, "s3:GetObject");
        assert_eq!(get.access_level, "Read");
        assert!(get.applies_to("object"));
        assert!(lookup("s3:ListBucket").is_some_and(|a| a.applies_to("bucket")));
        assert!(lookup("lambda:InvokeFunctionUrl").is_some());
        assert!(lookup("s3:NoSuchAction").is_none());
    }
}
