//! A scan's records put together as they stream in, one account at a time, with only what is
//! small kept in memory: the account records, the zone (the organization and the identifiers and
//! networks collected so far), the scopes read to the end (one bit each), the error records and
//! the S3 access points. Resources are handed back as soon as nothing that is still to come can
//! change them; the others wait in a spill file on disk until [`Assembly::finish`]:
//!
//! - every S3 bucket, since an access point of an account read later may name it (a
//!   cross-account access point), and the bucket's analysis needs all of them;
//! - whatever the caller [`Assembly::hold`]s: a resource whose analysis relied on the zone's
//!   collected identifiers, which are whole only at the end.
//!
//! Peak memory then grows with the accounts in flight and the largest account, not with the
//! organization.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Seek, Write};

use perimeter_model::{
    AccountRecord, ErrorRecord, ResourceControls, ResourceInputs, ResourceRecord, ResourceType, S3AccessPoint, ScopeRecord,
    ScopeSet, Zone, ZoneAccount,
};

use crate::{AccountBatch, Error, Head, Inventory};

/// A scan being put together.
#[derive(Debug)]
pub struct Assembly {
    zone: Zone,
    /// The zone without the accounts of [`Assembly::trust`], kept only when there are some.
    org_zone: Option<Zone>,
    accounts: Vec<AccountRecord>,
    index: HashMap<String, usize>,
    resource_controls: Option<ResourceControls>,
    resource_types: Vec<ResourceType>,
    /// The errors known before any account was read (they cover scopes of many accounts).
    head_errors: Vec<ErrorRecord>,
    errors: Vec<ErrorRecord>,
    scopes: ScopeSet,
    /// Access points found, by the account and name of the bucket they name.
    access_points: BTreeMap<(String, String), Vec<S3AccessPoint>>,
    spill: Option<BufWriter<File>>,
    held: usize,
    resources: usize,
    unreported: String,
}

/// A scan put together: everything but the ready resources, which the caller took as they came.
#[derive(Debug)]
pub struct Assembled {
    pub zone: Zone,
    /// The zone without the trusted accounts (the same as `zone` when there are none).
    pub org_zone: Option<Zone>,
    pub accounts: Vec<AccountRecord>,
    pub resource_controls: Option<ResourceControls>,
    pub resource_types: Vec<ResourceType>,
    pub scopes: ScopeSet,
    /// Sorted by account, region and resource.
    pub errors: Vec<ErrorRecord>,
    /// Every resource of the scan, held or not.
    pub resources: usize,
    /// The held resources, with their access points: read back from the spill file.
    pub held: Held,
}

/// The held resources, read back one at a time.
#[derive(Debug)]
pub struct Held {
    lines: Option<std::io::Lines<BufReader<File>>>,
    access_points: BTreeMap<(String, String), Vec<S3AccessPoint>>,
    pub count: usize,
}

impl Iterator for Held {
    type Item = Result<ResourceRecord, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        let line = match self.lines.as_mut()?.next()? {
            Ok(line) => line,
            Err(e) => return Some(Err(Error::Io(e))),
        };
        let mut record: ResourceRecord = match serde_json::from_str(&line) {
            Ok(r) => r,
            Err(e) => return Some(Err(Error::InventoryFile(format!("the scan's spill file: {e}")))),
        };
        if let ResourceInputs::S3Bucket(b) = &mut record.inputs
            && let Some(mut aps) = self.access_points.remove(&(record.account.clone(), b.name.clone()))
        {
            aps.sort_by(|a, b| a.arn.cmp(&b.arn));
            b.access_points = aps;
        }
        Some(Ok(record))
    }
}

impl Assembly {
    /// A scan whose head is known. `unreported` says why a planned scope that no reader
    /// reported was not read.
    pub fn new(head: Head, unreported: &str) -> Assembly {
        let index = head.accounts.iter().enumerate().map(|(i, a)| (a.id.clone(), i)).collect();
        Assembly {
            zone: head.zone,
            org_zone: None,
            accounts: head.accounts,
            index,
            resource_controls: head.resource_controls,
            resource_types: head.resource_types,
            head_errors: head.errors.clone(),
            errors: head.errors,
            scopes: ScopeSet::default(),
            access_points: BTreeMap::new(),
            spill: None,
            held: 0,
            resources: 0,
            unreported: unreported.to_string(),
        }
    }

    /// A saved inventory, already put together: every resource is ready (its zone is whole
    /// and its buckets carry their access points).
    pub fn from_inventory(inventory: Inventory) -> (Assembly, Vec<ResourceRecord>) {
        let head = Head {
            zone: inventory.zone,
            accounts: inventory.accounts,
            resource_controls: inventory.resource_controls,
            resource_types: inventory.resource_types,
            errors: Vec::new(),
        };
        let mut assembly = Assembly::new(head, "");
        assembly.errors = inventory.errors;
        assembly.scopes = inventory.scopes.iter().map(|s| (&s.account, &s.region, s.resource_type)).collect();
        assembly.resources = inventory.resources.len();
        (assembly, inventory.resources)
    }

    /// Adds accounts outside the organization to the zone (the config's trusted accounts);
    /// [`Assembly::org_zone`] keeps the zone without them.
    pub fn trust(&mut self, accounts: impl IntoIterator<Item = (String, ZoneAccount)>) {
        let org = self.zone.clone();
        let mut any = false;
        for (id, account) in accounts {
            any = true;
            self.zone.accounts.entry(id).or_insert(account);
        }
        if any {
            self.org_zone = Some(org);
        }
    }

    /// The zone as far as it is known: whole once every account is added.
    pub fn zone(&self) -> &Zone {
        &self.zone
    }

    /// The zone without the trusted accounts.
    pub fn org_zone(&self) -> &Zone {
        self.org_zone.as_ref().unwrap_or(&self.zone)
    }

    pub fn accounts(&self) -> &[AccountRecord] {
        &self.accounts
    }

    pub fn resource_controls(&self) -> Option<&ResourceControls> {
        self.resource_controls.as_ref()
    }

    pub fn resource_types(&self) -> &[ResourceType] {
        &self.resource_types
    }

    /// Adds one account's reads; returns its resources that are ready (all but its S3 buckets,
    /// which are held until every account's access points are known).
    pub fn add(&mut self, batch: AccountBatch) -> Result<Vec<ResourceRecord>, Error> {
        let AccountBatch { account, regions, skipped_regions, collected } = batch;
        if let Some(&i) = self.index.get(&account) {
            let record = &mut self.accounts[i];
            record.skipped_regions = skipped_regions;
            record.skipped_types = collected.not_enabled;
            record.regions = regions;
        }
        for zone in std::iter::once(&mut self.zone).chain(self.org_zone.as_mut()) {
            zone.canonical_ids.extend(collected.canonical_ids.iter().cloned());
            zone.principal_ids.extend(collected.principal_ids.iter().cloned());
            zone.origin_access_identities.extend(collected.origin_access_identities.iter().map(|(k, v)| (k.clone(), v.clone())));
            zone.networks.extend(collected.networks.iter().map(|(k, v)| (k.clone(), v.clone())));
        }
        for ap in collected.access_points {
            self.access_points.entry((ap.bucket_account, ap.bucket)).or_default().push(ap.access_point);
        }
        // This account's scopes: finished by their reader and covered by no error of its own
        // or of the head (an unreadable RCP).
        let mut errors: Vec<ErrorRecord> = self.head_errors.iter().filter(|e| e.account == account).cloned().collect();
        let from_head = errors.len();
        errors.extend(collected.errors);
        if let Some(&i) = self.index.get(&account) {
            let finished: BTreeSet<ScopeRecord> = collected.finished.into_iter().collect();
            let planned = crate::completeness::planned_for(&self.accounts[i], &finished, &errors, &self.resource_types);
            for s in crate::completeness::settle(planned, &finished, &mut errors, &self.unreported) {
                self.scopes.insert(&s.account, &s.region, s.resource_type);
            }
        }
        self.errors.extend(errors.drain(from_head..));
        self.resources += collected.resources.len();
        let mut ready = Vec::with_capacity(collected.resources.len());
        for r in collected.resources {
            if r.resource_type() == ResourceType::S3Bucket {
                self.hold(&r)?;
            } else {
                ready.push(r);
            }
        }
        Ok(ready)
    }

    /// Holds a resource until [`Assembly::finish`], in the spill file.
    pub fn hold(&mut self, record: &ResourceRecord) -> Result<(), Error> {
        let spill = match &mut self.spill {
            Some(s) => s,
            None => self.spill.insert(BufWriter::new(tempfile::tempfile()?)),
        };
        serde_json::to_writer(&mut *spill, record).map_err(std::io::Error::from)?;
        spill.write_all(b"\n")?;
        self.held += 1;
        Ok(())
    }

    /// Everything put together, and the held resources to read back.
    pub fn finish(mut self) -> Result<Assembled, Error> {
        let lines = match self.spill.take() {
            Some(spill) => {
                let mut file = spill.into_inner().map_err(|e| Error::Io(e.into_error()))?;
                file.rewind()?;
                Some(BufReader::new(file).lines())
            }
            None => None,
        };
        ErrorRecord::sort(&mut self.errors);
        Ok(Assembled {
            zone: self.zone,
            org_zone: self.org_zone,
            accounts: self.accounts,
            resource_controls: self.resource_controls,
            resource_types: self.resource_types,
            scopes: self.scopes,
            errors: self.errors,
            resources: self.resources,
            held: Held { lines, access_points: self.access_points, count: self.held },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resources::s3_bucket::FoundAccessPoint;
    use crate::Collected;
    use perimeter_model::{AccountStatus, ErrorCode, NetworkOrigin};

    fn account(id: &str) -> AccountRecord {
        AccountRecord {
            id: id.into(),
            name: None,
            status: AccountStatus::Active,
            org_path: None,
            skipped: None,
            skipped_regions: Vec::new(),
            skipped_types: Vec::new(),
            regions: None,
        }
    }

    fn head() -> Head {
        Head {
            zone: Zone::of_accounts(Some("o-a1b2c3d4e5"), ["111111111111", "222222222222"]),
            accounts: vec![account("111111111111"), account("222222222222")],
            resource_controls: None,
            resource_types: vec![ResourceType::S3Bucket, ResourceType::SqsQueue],
            errors: Vec::new(),
        }
    }

    fn record(t: ResourceType, account: &str, arn: &str) -> ResourceRecord {
        ResourceRecord::from_policy(t, arn, account, r#"{"Version":"2012-10-17","Statement":[]}"#.into())
    }

    fn scope(account: &str, region: &str, t: ResourceType) -> ScopeRecord {
        ScopeRecord { account: account.into(), region: region.into(), resource_type: t }
    }

    /// The buckets of an account read first still get the access points that an account read
    /// later has for them; other resources are ready at once; scopes are settled per account.
    #[test]
    fn buckets_wait_for_the_access_points_of_later_accounts_and_the_rest_is_ready_at_once() {
        let mut assembly = Assembly::new(head(), UNREPORTED_FOR_TESTS);
        let mut first = Collected::default();
        first.resources.push(record(ResourceType::S3Bucket, "111111111111", "arn:aws:s3:::shared-data"));
        first.resources.push(record(ResourceType::SqsQueue, "111111111111", "arn:aws:sqs:us-east-1:111111111111:q"));
        first.canonical_ids.insert("c1".into());
        first.finished.push(scope("111111111111", "us-east-1", ResourceType::S3Bucket));
        // The SQS reader of us-east-1 never reported: an error row, not a complete scope.
        let batch = AccountBatch { account: "111111111111".into(), regions: Some(vec!["us-east-1".into()]), skipped_regions: Vec::new(), collected: first };
        let ready = assembly.add(batch).expect("added");
        assert_eq!(ready.iter().map(|r| r.arn.as_str()).collect::<Vec<_>>(), ["arn:aws:sqs:us-east-1:111111111111:q"]);
        assert!(assembly.zone().contains_canonical_id("c1"));

        let mut second = Collected::default();
        second.access_points.push(FoundAccessPoint {
            bucket_account: "111111111111".into(),
            bucket: "shared-data".into(),
            access_point: S3AccessPoint {
                name: "partner".into(),
                arn: "arn:aws:s3:us-east-1:222222222222:accesspoint/partner".into(),
                account: "222222222222".into(),
                policy: None,
                network_origin: NetworkOrigin::Internet,
                vpc_id: None,
                block_public_access: None,
            },
        });
        second.finished.push(scope("222222222222", "us-east-1", ResourceType::S3Bucket));
        second.finished.push(scope("222222222222", "us-east-1", ResourceType::SqsQueue));
        let batch = AccountBatch { account: "222222222222".into(), regions: Some(vec!["us-east-1".into()]), skipped_regions: Vec::new(), collected: second };
        assert!(assembly.add(batch).expect("added").is_empty());

        let mut done = assembly.finish().expect("finished");
        let held: Vec<ResourceRecord> = done.held.by_ref().collect::<Result<_, _>>().expect("read back");
        assert_eq!(held.len(), 1);
        let ResourceInputs::S3Bucket(b) = &held[0].inputs else { panic!("a bucket: {held:?}") };
        assert_eq!(b.access_points.iter().map(|a| a.account.as_str()).collect::<Vec<_>>(), ["222222222222"]);
        assert_eq!(done.resources, 2);
        assert!(done.scopes.contains("111111111111", "us-east-1", ResourceType::S3Bucket));
        assert!(done.scopes.contains("222222222222", "us-east-1", ResourceType::SqsQueue));
        assert!(!done.scopes.contains("111111111111", "us-east-1", ResourceType::SqsQueue));
        assert_eq!(done.errors.len(), 1, "{:?}", done.errors);
        assert_eq!((done.errors[0].code, done.errors[0].resource_type), (ErrorCode::Internal, Some(ResourceType::SqsQueue)));
    }

    /// What the caller holds comes back at the end too, and trusted accounts stay out of the
    /// organization's own zone.
    #[test]
    fn a_held_resource_comes_back_and_trusted_accounts_join_only_the_zone() {
        let mut assembly = Assembly::new(head(), UNREPORTED_FOR_TESTS);
        assembly.trust([("333333333333".to_string(), ZoneAccount { name: None, kind: perimeter_model::ZoneAccountKind::Trusted })]);
        assert!(assembly.zone().contains_account("333333333333") && !assembly.org_zone().contains_account("333333333333"));
        let mut c = Collected::default();
        c.principal_ids.insert("AROAEXAMPLE".into());
        let batch = AccountBatch { account: "222222222222".into(), regions: Some(Vec::new()), skipped_regions: Vec::new(), collected: c };
        assembly.add(batch).expect("added");
        assert!(assembly.zone().contains_principal_id("AROAEXAMPLE") && assembly.org_zone().contains_principal_id("AROAEXAMPLE"));
        let queue = record(ResourceType::SqsQueue, "222222222222", "arn:aws:sqs:us-east-1:222222222222:q");
        assembly.hold(&queue).expect("held");
        let done = assembly.finish().expect("finished");
        assert_eq!(done.held.count, 1);
        assert_eq!(done.held.collect::<Result<Vec<_>, _>>().expect("read back"), [queue]);
    }

    const UNREPORTED_FOR_TESTS: &str = "no reader reported it";
}
