//! `menus check`: the fixture passes, and each kind of mistake is reported with its line.

use super::support::{Effects, actions, fixtures, settings};
use dargah::menu::{self, Report};
use std::path::PathBuf;

fn check_source(source: &str) -> Report {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("svc.toml");
    std::fs::write(&file, source).unwrap();
    menu::check(&[file], &settings(), &actions(&Effects::default()))
}

const HEADER: &str =
    "[service]\nid = \"t\"\ncodes = [\"*4*7#\"]\nlanguages = [\"fa\"]\nstart = \"main\"\n";

fn with_screens(screens: &str) -> String {
    format!("{HEADER}{screens}")
}

fn assert_problem(report: &Report, line: usize, fragment: &str) {
    assert!(
        report
            .problems
            .iter()
            .any(|p| p.line == line && p.message.contains(fragment)),
        "wanted line {line}: {fragment:?}; got:\n{report}"
    );
}

#[test]
fn the_fixture_menus_pass() {
    let report = menu::check(
        &[fixtures().join("menus")],
        &settings(),
        &actions(&Effects::default()),
    );
    assert!(report.is_ok(), "{report}");
    assert_eq!(report.services, 2);
    assert!(report.to_string().ends_with("ok"));
}

#[test]
fn a_dangling_target_is_reported_on_its_screen_line() {
    let r = check_source(&with_screens(
        "\n[screens.main]\nkind = \"menu\"\ntext.fa = \"x\"\noptions = [{ label.fa = \"a\", target = \"nowhere\" }]\n",
    ));
    assert_problem(&r, 7, "\"nowhere\", which does not exist");
}

#[test]
fn unreachable_screens_are_reported() {
    let r = check_source(&with_screens(
        "[screens.main]\nkind = \"message\"\ntext.fa = \"x\"\n[screens.orphan]\nkind = \"message\"\ntext.fa = \"y\"\n",
    ));
    assert_problem(&r, 9, "\"orphan\" is unreachable");
}

#[test]
fn unknown_actions_outcomes_parameters_and_variables_are_reported() {
    let r = check_source(&with_screens(concat!(
        "[screens.main]\nkind = \"action\"\naction = \"launch_rocket\"\non = { ok = \"end\" }\n",
        "[screens.end]\nkind = \"message\"\ntext.fa = \"{nobody}\"\n",
    )));
    assert_problem(&r, 6, "unknown action \"launch_rocket\"");
    assert_problem(&r, 10, "unknown variable \"nobody\"");
    let r = check_source(&with_screens(concat!(
        "[screens.main]\nkind = \"action\"\naction = \"card_status\"\nparams = { national_id = \"1\", color = \"red\" }\n",
        "on = { ok = \"end\", exploded = \"end\" }\n[screens.end]\nkind = \"message\"\ntext.fa = \"{stage}\"\n",
    )));
    assert_problem(&r, 6, "needs parameter \"serial\"");
    assert_problem(&r, 6, "takes no parameter \"color\"");
    assert_problem(&r, 6, "never returns \"exploded\"");
    assert!(
        !r.problems.iter().any(|p| p.message.contains("stage")),
        "{r}"
    );
}

#[test]
fn missing_translations_are_reported() {
    let source = with_screens("[screens.main]\nkind = \"message\"\ntext.fa = \"x\"\n")
        .replace("[\"fa\"]", "[\"fa\", \"en\"]");
    assert_problem(&check_source(&source), 6, "has no \"en\" text");
    let source = with_screens("[screens.main]\nkind = \"message\"\ntext.fa = \"x\"\n")
        .replace("[\"fa\"]", "[\"fa\", \"ckb\"]");
    assert!(
        check_source(&source)
            .problems
            .iter()
            .any(|p| p.message.contains("label \"more\" in \"ckb\""))
    );
}

#[test]
fn an_option_that_cannot_fit_a_page_with_its_sample_values_is_reported() {
    let long = "گزینه‌ای بسیار طولانی ".repeat(2);
    let r = check_source(&format!(
        "{HEADER}[samples]\nname = \"{}\"\n[screens.main]\nkind = \"menu\"\ntext.fa = \"x\"\noptions = [{{ label.fa = \"{long} {{name}}\", target = \"main\" }}]\n",
        "نام ".repeat(10)
    ));
    assert_problem(&r, 8, "cannot fit a page");
    let short = check_source(&with_screens(
        "[screens.main]\nkind = \"menu\"\ntext.fa = \"x\"\noptions = [{ label.fa = \"کوتاه\", target = \"main\" }]\n",
    ));
    assert!(short.is_ok(), "{short}");
}

#[test]
fn syntax_errors_bad_templates_and_conditions_carry_their_line() {
    let r = check_source(&with_screens(
        "[screens.main]\nkind = \"message\"\ntext.fa = \"x\"\nbogus = 1\n",
    ));
    // serde loses the inner span of a tagged screen, so the screen's own line is given.
    assert_problem(&r, 6, "unknown field `bogus`");
    let r = check_source(&with_screens(
        "[screens.main]\nkind = \"menu\"\ntext.fa = \"{open\"\noptions = [{ label.fa = \"a\", target = \"main\", when = \"stage ==\" }]\n",
    ));
    assert_problem(&r, 6, "bad placeholder");
    assert_problem(&r, 6, "cannot read condition");
}

#[test]
fn a_missing_directory_and_overlapping_codes_are_reported() {
    let r = menu::check(
        &[PathBuf::from("/nonexistent/menus")],
        &settings(),
        &actions(&Effects::default()),
    );
    assert!(!r.is_ok());
    let dir = tempfile::tempdir().unwrap();
    let one = with_screens("[screens.main]\nkind = \"message\"\ntext.fa = \"x\"\n");
    std::fs::write(dir.path().join("a.toml"), &one).unwrap();
    std::fs::write(
        dir.path().join("b.toml"),
        one.replace("id = \"t\"", "id = \"u\""),
    )
    .unwrap();
    let r = menu::check(
        &[dir.path().to_owned()],
        &settings(),
        &actions(&Effects::default()),
    );
    assert!(
        r.problems
            .iter()
            .any(|p| p.message.contains("overlaps service \"t\"")),
        "{r}"
    );
}
