//! End-to-end tests live in `tests/tests/`; fixtures of the demo organization in `tests/fixtures/`.
