//! The lists of resource types that people read name every type the model knows: the README,
//! the example config and `perimeter check-policy --help`. (The code's own lists are derived
//! from the model, or are exhaustive matches that the compiler checks.)

use perimeter_model::ResourceType;
use perimeter_testkit::repo_root;

fn assert_names_every_type(what: &str, text: &str) {
    for t in ResourceType::ALL {
        assert!(text.contains(t.as_str()), "{what} does not name {t}");
    }
}

#[test]
fn the_readme_and_the_example_config_name_every_type() {
    let root = repo_root();
    for file in ["README.md", "config/perimeter.example.toml", "docs/adding-a-resource-type.md"] {
        let text = std::fs::read_to_string(root.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        if file.ends_with("adding-a-resource-type.md") {
            // The guide names the tests that guard each list; they must exist.
            for test in ["the_catalog_knows_every_service_that_any_type_uses", "the_simulator_serves_every_resource_type_and_the_collector_reads_it"] {
                assert!(text.contains(test), "{file} names {test}");
            }
            continue;
        }
        assert_names_every_type(file, &text);
    }
}

#[test]
fn check_policy_help_names_every_type() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_perimeter")).args(["check-policy", "--help"]).output().expect("run");
    assert!(out.status.success());
    assert_names_every_type("check-policy --help", &String::from_utf8_lossy(&out.stdout));
}
