//! The work budget of one resource's analysis. Every candidate request a search evaluates
//! spends work units (one, plus one per key it varies and one per statement it checks) from one
//! counter that all the searches of the resource share: its policies, ACL grants, access points,
//! KMS grants and Lambda qualifiers. Work is counted, not time, so that a result never depends
//! on the machine. Once the budget is spent, every access still to be searched is reported
//! conservatively with the reason, never dropped.

use std::cell::Cell;

/// Work units the analysis of one resource may spend (see the module documentation). Far above
/// what real policies need (every case of the evaluator corpus stays below a twentieth of it),
/// and small enough that a policy written to be slow stops within a fraction of a second (5 ms
/// in a release build for the benchmark's policy that spends it).
pub const RESOURCE_BOUND: u64 = 1 << 21;

/// The work left for one resource's analysis, and what it learnt of the zone on the way.
#[derive(Debug)]
pub struct Budget {
    limit: u64,
    left: Cell<u64>,
    /// An identifier that only the collection can place in the zone (a unique ID, a canonical
    /// user ID, an origin access identity) was judged outside because the zone does not list it.
    absent_ids: Cell<bool>,
}

impl Default for Budget {
    fn default() -> Budget {
        Budget::new(RESOURCE_BOUND)
    }
}

impl Budget {
    pub fn new(limit: u64) -> Budget {
        Budget { limit, left: Cell::new(limit), absent_ids: Cell::new(false) }
    }

    /// Spends `units`; when fewer are left, the budget is spent (nothing is left) and this
    /// returns false.
    pub fn spend(&self, units: u64) -> bool {
        match self.left.get().checked_sub(units) {
            Some(left) => {
                self.left.set(left);
                true
            }
            None => {
                self.left.set(0);
                false
            }
        }
    }

    /// Whether nothing is left.
    pub fn is_spent(&self) -> bool {
        self.left.get() == 0
    }

    /// The units spent so far.
    pub fn used(&self) -> u64 {
        self.limit - self.left.get()
    }

    pub fn limit(&self) -> u64 {
        self.limit
    }

    /// Notes that an identifier was judged outside because the zone's collected identifiers
    /// do not list it (see [`Analysis::relies_on_absent_ids`](crate::Analysis)).
    pub fn note_absent_id(&self) {
        self.absent_ids.set(true);
    }

    pub fn relies_on_absent_ids(&self) -> bool {
        self.absent_ids.get()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_budget_is_spent_once_a_request_does_not_fit() {
        let b = Budget::new(10);
        assert!(b.spend(4) && b.spend(6));
        assert!(b.is_spent() && b.used() == 10);
        let b = Budget::new(10);
        assert!(b.spend(7));
        assert!(!b.spend(4));
        assert!(b.is_spent());
        assert!(!b.spend(1));
    }
}
