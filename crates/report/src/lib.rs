//! Findings store, lifecycle, archive rules and CSV/JSON output (issue 5; not built yet).
