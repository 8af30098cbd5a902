//! The action catalog: every action of s3, sts, kms, lambda and sqs with its access level and
//! the resource types it applies to, as facts from the AWS Service Authorization Reference
//! (`data/actions.tsv`, see `data/README.md` for the source). Used to expand wildcards into the
//! actions a principal really gets.

use std::sync::LazyLock;

/// The catalog's maps: built once, read for every action of every policy (a fast hash; the
/// keys are the catalog's own names, not a caller's input).
type Map<K, V> = foldhash::HashMap<K, V>;

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
static BY_NAME: LazyLock<Map<String, usize>> =
    LazyLock::new(|| CATALOG.iter().enumerate().map(|(i, a)| (a.name.to_ascii_lowercase(), i)).collect());

/// Position of each action in [`CATALOG`], by its name as AWS spells it (most policies do).
static BY_SPELLING: LazyLock<Map<&'static str, usize>> =
    LazyLock::new(|| CATALOG.iter().enumerate().map(|(i, a)| (a.name, i)).collect());

/// Positions in [`CATALOG`] (ascending) of each service's actions on each resource type.
static BY_SERVICE_TYPE: LazyLock<Map<&'static str, Map<&'static str, Vec<usize>>>> = LazyLock::new(|| {
    let mut map: Map<&'static str, Map<&'static str, Vec<usize>>> = Map::default();
    for (i, a) in CATALOG.iter().enumerate() {
        let of_service = map.entry(a.service()).or_default();
        for t in &a.resource_types {
            of_service.entry(*t).or_default().push(i);
        }
    }
    map
});

/// Every action in the catalog.
pub fn all() -> &'static [ActionInfo] {
    &CATALOG
}

/// Finds an action by name, without regard to case.
pub fn lookup(action: &str) -> Option<&'static ActionInfo> {
    BY_SPELLING
        .get(action)
        .or_else(|| BY_NAME.get(&action.to_ascii_lowercase()))
        .map(|i| &CATALOG[*i])
}

/// The positions of `service`'s actions on each of `resource_types` that it has.
fn on_types(service: &str, resource_types: &[&str]) -> Vec<&'static [usize]> {
    let Some(of_service) = BY_SERVICE_TYPE.get(service) else { return Vec::new() };
    resource_types.iter().filter_map(|t| of_service.get(*t).map(Vec::as_slice)).collect()
}

/// Whether the catalog knows any action of `service` on one of `resource_types`.
pub fn knows_actions_on(service: &str, resource_types: &[&str]) -> bool {
    !on_types(service, resource_types).is_empty()
}

/// The actions of `service` that apply to any of `resource_types`, in catalog order.
pub fn actions_on(service: &str, resource_types: &[&str]) -> Vec<&'static ActionInfo> {
    let mut positions: Vec<usize> = on_types(service, resource_types).into_iter().flatten().copied().collect();
    positions.sort_unstable();
    positions.dedup();
    positions.into_iter().map(|i| &CATALOG[i]).collect()
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
        assert_eq!(lookup("kms:decrypt").map(|a| a.name), Some("kms:Decrypt"));
    }

    #[test]
    fn actions_on_types_are_in_catalog_order_once() {
        let both = actions_on("s3", &["bucket", "object"]);
        let positions: Vec<usize> = both.iter().map(|a| all().iter().position(|b| b.name == a.name).expect("in catalog")).collect();
        assert!(positions.windows(2).all(|w| w[0] < w[1]), "ascending and without repeats");
        let expected: Vec<&str> =
            all().iter().filter(|a| a.service() == "s3" && (a.applies_to("bucket") || a.applies_to("object"))).map(|a| a.name).collect();
        assert_eq!(both.iter().map(|a| a.name).collect::<Vec<_>>(), expected);
        assert!(knows_actions_on("kms", &["key"]));
        assert!(!knows_actions_on("kms", &["bucket"]));
        assert!(actions_on("nosuchservice", &["key"]).is_empty());
    }
}
