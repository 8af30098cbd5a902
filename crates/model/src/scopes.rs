//! A compact set of (account, region, resource type) scopes: the scopes a scan read to the end.
//! An organization of 10,000 accounts in 17 regions has about 5 million scopes, so the set keeps
//! one bit per type for each (account, region) instead of one record per scope.

use std::collections::HashMap;

use crate::{ResourceType, ScopeRecord};

/// A set of scopes, with one `u64` of type bits per account and region.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScopeSet {
    /// Region names, each stored once; scopes refer to them by index.
    regions: Vec<String>,
    by_account: HashMap<String, Vec<(u16, u64)>>,
    len: usize,
}

/// The bit of a type (`ResourceType::ALL` has fewer than 64 types; a test holds it there).
fn bit(t: ResourceType) -> u64 {
    1 << (t as usize)
}

impl ScopeSet {
    fn region_index(&self, region: &str) -> Option<u16> {
        self.regions.iter().position(|r| r == region).map(|i| i as u16)
    }

    pub fn insert(&mut self, account: &str, region: &str, t: ResourceType) {
        let r = match self.region_index(region) {
            Some(r) => r,
            None => {
                self.regions.push(region.to_string());
                (self.regions.len() - 1) as u16
            }
        };
        let entries = match self.by_account.get_mut(account) {
            Some(e) => e,
            None => self.by_account.entry(account.to_string()).or_default(),
        };
        let slot = match entries.iter_mut().find(|(i, _)| *i == r) {
            Some((_, bits)) => bits,
            None => {
                entries.push((r, 0));
                &mut entries.last_mut().expect("just pushed").1
            }
        };
        if *slot & bit(t) == 0 {
            *slot |= bit(t);
            self.len += 1;
        }
    }

    pub fn contains(&self, account: &str, region: &str, t: ResourceType) -> bool {
        let Some(r) = self.region_index(region) else { return false };
        self.by_account
            .get(account)
            .is_some_and(|entries| entries.iter().any(|(i, bits)| *i == r && bits & bit(t) != 0))
    }

    /// Removes the scopes of `account` in `region` (every region: `None`) of type `t` (every
    /// type: `None`): what an error record of that width covers.
    pub fn remove(&mut self, account: &str, region: Option<&str>, t: Option<ResourceType>) {
        let r = match region {
            Some(region) => match self.region_index(region) {
                Some(r) => Some(r),
                None => return,
            },
            None => None,
        };
        let Some(entries) = self.by_account.get_mut(account) else { return };
        let mask = t.map_or(u64::MAX, bit);
        for (_, bits) in entries.iter_mut().filter(|(i, _)| r.is_none_or(|r| r == *i)) {
            self.len -= (*bits & mask).count_ones() as usize;
            *bits &= !mask;
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The scopes of one account, as records in order.
    pub fn records_of(&self, account: &str) -> Vec<ScopeRecord> {
        let mut out: Vec<ScopeRecord> = match self.by_account.get(account) {
            Some(entries) => entries
                .iter()
                .flat_map(|(r, bits)| {
                    ResourceType::ALL.iter().filter(move |t| bits & bit(**t) != 0).map(move |t| ScopeRecord {
                        account: account.to_string(),
                        region: self.regions[*r as usize].clone(),
                        resource_type: *t,
                    })
                })
                .collect(),
            None => Vec::new(),
        };
        out.sort();
        out
    }

    /// Every scope, as records (unordered).
    pub fn records(&self) -> impl Iterator<Item = ScopeRecord> + '_ {
        self.by_account.keys().flat_map(|account| self.records_of(account))
    }
}

impl<A: AsRef<str>, R: AsRef<str>> FromIterator<(A, R, ResourceType)> for ScopeSet {
    fn from_iter<I: IntoIterator<Item = (A, R, ResourceType)>>(iter: I) -> ScopeSet {
        let mut set = ScopeSet::default();
        for (a, r, t) in iter {
            set.insert(a.as_ref(), r.as_ref(), t);
        }
        set
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_type_has_a_bit() {
        assert!(ResourceType::ALL.len() <= 64);
        for (i, t) in ResourceType::ALL.iter().enumerate() {
            assert_eq!(*t as usize, i);
        }
    }

    #[test]
    fn a_set_holds_what_was_inserted_and_removes_by_the_width_of_an_error() {
        let mut set: ScopeSet = [
            ("1", "us-east-1", ResourceType::SqsQueue),
            ("1", "us-east-1", ResourceType::KmsKey),
            ("1", "eu-west-1", ResourceType::SqsQueue),
            ("2", "us-east-1", ResourceType::SqsQueue),
            ("2", "us-east-1", ResourceType::SqsQueue),
        ]
        .into_iter()
        .collect();
        assert_eq!(set.len(), 4);
        assert!(set.contains("1", "eu-west-1", ResourceType::SqsQueue));
        assert!(!set.contains("2", "eu-west-1", ResourceType::SqsQueue));
        assert!(!set.contains("3", "us-east-1", ResourceType::SqsQueue));
        set.remove("1", None, Some(ResourceType::SqsQueue));
        assert!(!set.contains("1", "eu-west-1", ResourceType::SqsQueue) && !set.contains("1", "us-east-1", ResourceType::SqsQueue));
        assert!(set.contains("1", "us-east-1", ResourceType::KmsKey));
        set.remove("2", Some("us-east-1"), None);
        assert_eq!(set.len(), 1);
        let records: Vec<ScopeRecord> = set.records().collect();
        assert_eq!(records, [ScopeRecord { account: "1".into(), region: "us-east-1".into(), resource_type: ResourceType::KmsKey }]);
    }
}
