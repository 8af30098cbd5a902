//! Fault injection and the request ledger.
//!
//! A fault is decided per attempt of a *logical request* (account, region, operation and
//! parameters): the n-th attempt of a request rolls a number from an RNG seeded with the
//! configuration's seed, the request's key and n, so the faults do not depend on the order in
//! which concurrent requests arrive. No request is faulted more than `max_consecutive_faults`
//! times in a row, so that the SDK's retries (5 attempts) always get through.
//!
//! The ledger counts requests per `Service:Operation`, the faults injected, and the logical
//! requests answered more than once (the "no API call made twice for the same thing" check).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use fastrand::Rng;

use crate::config::SimConfig;
use crate::org::fnv1a;

/// A fault to inject instead of the answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// The protocol's throttling error.
    Throttle,
    /// A 500 internal error.
    Error,
    /// Close the connection without an answer.
    Drop,
}

#[derive(Debug, Default, Clone, Copy)]
struct Attempts {
    seen: u32,
    consecutive: u32,
}

/// Decides faults; one per simulator.
#[derive(Debug)]
pub struct Faults {
    seed: u64,
    throttle: f64,
    error: f64,
    drop: f64,
    max_consecutive: u32,
    /// Attempts per logical request, by the key's hash (a string per request would cost much
    /// memory for large organizations).
    attempts: Mutex<HashMap<u64, Attempts>>,
}

impl Faults {
    pub fn new(config: &SimConfig) -> Faults {
        Faults {
            seed: config.seed,
            throttle: config.throttle_rate.max(0.0),
            error: config.error_rate.max(0.0),
            drop: config.drop_rate.max(0.0),
            max_consecutive: config.max_consecutive_faults,
            attempts: Mutex::new(HashMap::new()),
        }
    }

    /// The fault for this attempt of the request `key`, if any.
    pub fn decide(&self, key: &str) -> Option<Fault> {
        if self.throttle + self.error + self.drop <= 0.0 {
            return None;
        }
        let hash = fnv1a(&[key.as_bytes()]);
        let mut map = match self.attempts.lock() {
            Ok(m) => m,
            Err(poisoned) => poisoned.into_inner(),
        };
        let entry = map.entry(hash).or_default();
        let attempt = entry.seen;
        entry.seen = entry.seen.saturating_add(1);
        let fault = if entry.consecutive >= self.max_consecutive {
            None
        } else {
            let roll = Rng::with_seed(self.seed ^ hash ^ u64::from(attempt).wrapping_mul(0x9e37_79b9_7f4a_7c15)).f64();
            if roll < self.throttle {
                Some(Fault::Throttle)
            } else if roll < self.throttle + self.error {
                Some(Fault::Error)
            } else if roll < self.throttle + self.error + self.drop {
                Some(Fault::Drop)
            } else {
                None
            }
        };
        entry.consecutive = if fault.is_some() { entry.consecutive + 1 } else { 0 };
        fault
    }
}

/// What was asked and answered.
#[derive(Debug, Default)]
pub struct Ledger {
    total: AtomicU64,
    faults: AtomicU64,
    hung: AtomicU64,
    /// Hanging requests whose connection is still open (the server's guards).
    hanging_now: AtomicU64,
    counts: Mutex<BTreeMap<String, u64>>,
    unsupported: Mutex<BTreeSet<String>>,
    /// Non-faulted answers per logical request (by the key's hash).
    answered: Mutex<HashMap<u64, u64>>,
    /// Logical requests answered more than once, with how often.
    repeated: Mutex<BTreeMap<String, u64>>,
    /// Arrival times per `account|region|Service:Operation`, when the config asks for them.
    arrivals: Mutex<BTreeMap<String, Vec<Instant>>>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    match m.lock() {
        Ok(g) => g,
        Err(poisoned) => poisoned.into_inner(),
    }
}

impl Ledger {
    /// One request received for `Service:Operation`; returns its sequence number.
    pub fn request(&self, operation: &str) -> u64 {
        *lock(&self.counts).entry(operation.to_string()).or_insert(0) += 1;
        self.total.fetch_add(1, Ordering::Relaxed) + 1
    }

    /// A request of `account|region|Service:Operation` arrived now.
    pub fn arrived(&self, key: String) {
        lock(&self.arrivals).entry(key).or_default().push(Instant::now());
    }

    pub fn arrivals(&self) -> BTreeMap<String, Vec<Instant>> {
        lock(&self.arrivals).clone()
    }

    pub fn unsupported(&self, what: &str) {
        lock(&self.unsupported).insert(what.to_string());
    }

    pub fn fault(&self) {
        self.faults.fetch_add(1, Ordering::Relaxed);
    }

    pub fn hang(&self) {
        self.hung.fetch_add(1, Ordering::Relaxed);
    }

    /// The logical request `key` got a real (non-injected) answer.
    pub fn answered(&self, key: &str) {
        let hash = fnv1a(&[key.as_bytes()]);
        let n = {
            let mut map = lock(&self.answered);
            let n = map.entry(hash).or_insert(0);
            *n += 1;
            *n
        };
        if n > 1 {
            lock(&self.repeated).insert(key.to_string(), n);
        }
    }

    pub fn counts(&self) -> BTreeMap<String, u64> {
        lock(&self.counts).clone()
    }

    pub fn total(&self) -> u64 {
        self.total.load(Ordering::Relaxed)
    }

    pub fn faults(&self) -> u64 {
        self.faults.load(Ordering::Relaxed)
    }

    pub fn hung(&self) -> u64 {
        self.hung.load(Ordering::Relaxed)
    }

    /// A hanging request's connection stays open until the guard is dropped.
    pub fn hang_guard(&self) -> HangGuard<'_> {
        self.hanging_now.fetch_add(1, Ordering::Relaxed);
        HangGuard { ledger: self }
    }

    pub fn hanging_now(&self) -> u64 {
        self.hanging_now.load(Ordering::Relaxed)
    }

    pub fn unsupported_list(&self) -> Vec<String> {
        lock(&self.unsupported).iter().cloned().collect()
    }

    pub fn repeated(&self) -> Vec<(String, u64)> {
        lock(&self.repeated).iter().map(|(k, v)| (k.clone(), *v)).collect()
    }
}

/// Counts a hanging request while its connection is open.
#[derive(Debug)]
pub struct HangGuard<'a> {
    ledger: &'a Ledger,
}

impl Drop for HangGuard<'_> {
    fn drop(&mut self) {
        self.ledger.hanging_now.fetch_sub(1, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_more_than_the_consecutive_limit() {
        let config = SimConfig { throttle_rate: 0.5, error_rate: 0.3, drop_rate: 0.2, max_consecutive_faults: 2, ..SimConfig::default() };
        let faults = Faults::new(&config);
        for i in 0..200 {
            let key = format!("acct|us-east-1|KMS:DescribeKey|{i}");
            // Every roll faults (rates sum to 1): faulted, faulted, answered, and again.
            let pattern: Vec<bool> = (0..6).map(|_| faults.decide(&key).is_some()).collect();
            assert_eq!(pattern, [true, true, false, true, true, false]);
        }
    }

    #[test]
    fn rates_are_hit_and_repeatable() {
        let config = SimConfig { throttle_rate: 0.1, error_rate: 0.05, seed: 9, ..SimConfig::default() };
        let (a, b) = (Faults::new(&config), Faults::new(&config));
        let mut faulted = 0;
        for i in 0..10_000 {
            let key = format!("k{i}");
            let fa = a.decide(&key);
            assert_eq!(fa, b.decide(&key), "same seed, same key, same attempt: same fault");
            faulted += usize::from(fa.is_some());
        }
        assert!((1_300..1_700).contains(&faulted), "about 15% faulted, got {faulted}");
        assert!(Faults::new(&SimConfig::default()).decide("x").is_none());
    }

    #[test]
    fn ledger_finds_repeats() {
        let l = Ledger::default();
        assert_eq!(l.request("S3:ListBuckets"), 1);
        l.request("S3:ListBuckets");
        l.answered("a|r|S3:ListBuckets|");
        assert!(l.repeated().is_empty());
        l.answered("a|r|S3:ListBuckets|");
        assert_eq!(l.repeated(), vec![("a|r|S3:ListBuckets|".to_string(), 2)]);
        assert_eq!(l.counts().get("S3:ListBuckets"), Some(&2));
        assert_eq!(l.total(), 2);
    }
}
