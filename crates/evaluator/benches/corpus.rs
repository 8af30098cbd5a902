//! Speed of parsing plus analysis over the whole evaluator corpus, on one core.
//!
//! Three parts: a per-case table (median time of each case over repeated runs, then the median,
//! 90th percentile and maximum over all cases, and the slowest cases by name), the same medians
//! for generated policies too large to write out as corpus cases (the many-Deny shapes of
//! reliability probe D4), and a criterion benchmark of one pass over the whole corpus. `cargo bench -p perimeter-evaluator --bench
//! corpus`; `-- --quick` for a short run; `PERIMETER_BENCH_CASES=sqs/` for a subset;
//! `PERIMETER_BENCH_TIMES=FILE` writes each case's median (scripts/peer-bench.py);
//! `PERIMETER_BENCH_PASSES=N` for exactly N passes and nothing else (count instructions with
//! `perf stat`: stable where times are noisy). The analysis is single-threaded, so this is one core.
#![allow(clippy::print_stdout, clippy::unwrap_used)]

// The allocator the `perimeter` binary ships with, so that the numbers are the user's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[path = "../tests/support/mod.rs"]
mod support;
#[path = "../tests/support/policies.rs"]
mod policies;

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput};
use perimeter_evaluator::{analyze, analyze_guarded};

/// Median of one case: at least 11 runs and at least 20 ms of runs.
fn case_median(case: &support::Case) -> Duration {
    for _ in 0..3 {
        black_box(analyze_guarded(&case.record, &case.zone, &case.rcps));
    }
    let mut samples = Vec::new();
    let start = Instant::now();
    while samples.len() < 11 || start.elapsed() < Duration::from_millis(20) {
        let t = Instant::now();
        black_box(analyze_guarded(black_box(&case.record), &case.zone, &case.rcps));
        samples.push(t.elapsed());
    }
    samples.sort();
    samples[samples.len() / 2]
}

fn per_case_table(cases: &[support::Case]) {
    let root = support::corpus_root();
    let mut timed: Vec<(Duration, String)> = cases
        .iter()
        .map(|c| (case_median(c), c.path.strip_prefix(&root).unwrap_or(&c.path).display().to_string()))
        .collect();
    timed.sort();
    // PERIMETER_BENCH_TIMES=FILE: each case's median too, `<µs>\t<case path>` a line (for
    // scripts/peer-bench.py, which sets the other tools beside it).
    if let Ok(path) = std::env::var("PERIMETER_BENCH_TIMES") {
        let lines: String = timed.iter().map(|(d, name)| format!("{:.3}\t{name}\n", d.as_secs_f64() * 1e6)).collect();
        std::fs::write(&path, lines).unwrap();
    }
    let at = |q: f64| timed[((timed.len() - 1) as f64 * q).round() as usize].0;
    let total: Duration = timed.iter().map(|t| t.0).sum();
    println!("corpus: {} cases (parse + analysis, one core)", timed.len());
    println!(
        "  per case: median {:.2} µs, p90 {:.2} µs, max {:.2} µs; mean {:.2} µs",
        at(0.5).as_secs_f64() * 1e6,
        at(0.9).as_secs_f64() * 1e6,
        at(1.0).as_secs_f64() * 1e6,
        total.as_secs_f64() * 1e6 / timed.len() as f64
    );
    let mut folders: std::collections::BTreeMap<&str, Vec<Duration>> = std::collections::BTreeMap::new();
    for (d, name) in &timed {
        folders.entry(name.split('/').next().unwrap_or_default()).or_default().push(*d);
    }
    let medians: Vec<String> = folders
        .iter()
        .map(|(folder, ds)| format!("{folder} {:.1}", ds[ds.len() / 2].as_secs_f64() * 1e6))
        .collect();
    println!("  median by folder (µs): {}", medians.join(", "));
    println!("  slowest:");
    for (d, name) in timed.iter().rev().take(5) {
        println!("    {:>10.2} µs  {name}", d.as_secs_f64() * 1e6);
    }
    let over: Vec<&String> = timed.iter().filter(|t| t.0 > Duration::from_millis(5)).map(|t| &t.1).collect();
    println!("  cases above 5 ms: {}", over.len());
    for name in over {
        println!("    {name}");
    }
}

/// Medians of the generated policies (parse + analysis), with the work each one spends.
fn generated_table() {
    let zone = perimeter_model::Zone::of_accounts(Some("o-a1b2c3d4e5"), [policies::OWNER]);
    let actions = policies::s3_actions(150);
    let mut tags_like = policies::not_action_fences(&actions);
    for st in tags_like["Statement"].as_array_mut().into_iter().flatten() {
        if let Some(condition) = st.get_mut("Condition") {
            let inner = condition["StringNotLike"].take();
            *condition = serde_json::json!({"StringLike": inner});
        }
    }
    let generated = [
        ("150 Denies of s3:GetObject unless a tag is like x*", policies::deny_fences(150)),
        ("150 Denies with distinct NotAction unless a tag is like x*", policies::not_action_fences(&actions)),
        ("150 Denies with distinct NotAction when a tag is like x* (spends the budget)", tags_like),
    ];
    println!("generated policies (parse + analysis, one core):");
    for (name, policy) in generated {
        let case = support::Case {
            path: std::path::PathBuf::from(name),
            json: serde_json::Value::Null,
            record: policies::bucket(&policy),
            zone: zone.clone(),
            rcps: Vec::new(),
        };
        let work = analyze(&case.record, &case.zone).work;
        println!(
            "  {:>10.2} µs  {name} ({} bytes, {work} work units)",
            case_median(&case).as_secs_f64() * 1e6,
            policy.to_string().len()
        );
    }
}

fn main() {
    // PERIMETER_BENCH_CASES=sqs/ keeps only the cases whose path contains the text (profiling).
    let only = std::env::var("PERIMETER_BENCH_CASES").unwrap_or_default();
    // PERIMETER_BENCH_SKIP=bounds/,errors/ leaves out the cases whose path contains one of them.
    let skip = std::env::var("PERIMETER_BENCH_SKIP").unwrap_or_default();
    let skip: Vec<&str> = skip.split(',').filter(|s| !s.is_empty()).collect();
    let files: Vec<_> = support::corpus_files(&support::corpus_root())
        .into_iter()
        .filter(|p| p.to_string_lossy().contains(&only) && !skip.iter().any(|s| p.to_string_lossy().contains(s)))
        .collect();
    let cases: Vec<support::Case> = files.iter().map(|p| support::load_case(p).unwrap()).collect();
    // PERIMETER_BENCH_PASSES=N: exactly N passes over the cases and nothing else, for a count
    // that does not depend on the machine's noise (`perf stat -e instructions:u`).
    if let Some(passes) = std::env::var("PERIMETER_BENCH_PASSES").ok().and_then(|n| n.parse::<usize>().ok()) {
        for _ in 0..passes {
            for case in &cases {
                black_box(analyze_guarded(black_box(&case.record), &case.zone, &case.rcps));
            }
        }
        println!("{passes} passes over {} cases", cases.len());
        return;
    }
    if !cases.is_empty() {
        per_case_table(&cases);
    }
    if only.is_empty() || only == "generated" {
        generated_table();
    }

    let mut c = Criterion::default().configure_from_args();
    let mut group = c.benchmark_group("corpus");
    group.throughput(Throughput::Elements(cases.len() as u64));
    group.bench_function("all cases", |b| {
        b.iter(|| {
            for case in &cases {
                black_box(analyze_guarded(&case.record, &case.zone, &case.rcps));
            }
        })
    });
    group.finish();
    c.final_summary();
}
