use super::*;
use std::path::Path;

const FILE: &str = r#"
[samples]
tracking = "12345678901234"
day = "2026-11-30"

[templates.receipt]
text = "کد رهگیری: {tracking|fa}\nنوبت: {day|date_long}"
"#;

fn load(src: &str, max_parts: usize) -> Result<TemplateSet, Vec<crate::menu::Problem>> {
    load_file(Path::new("t.toml"), src, max_parts)
}

fn vars(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn a_template_renders_its_variables_through_the_menu_filters() {
    let set = load(FILE, 3).unwrap();
    let text = set
        .render(
            "receipt",
            &vars(&[("tracking", "42"), ("day", "2026-11-30")]),
        )
        .unwrap();
    assert_eq!(text, "کد رهگیری: ۴۲\nنوبت: دوشنبه ۹ آذر ۱۴۰۵");
}

#[test]
fn rendering_without_a_variable_or_an_unknown_template_is_an_error() {
    let set = load(FILE, 3).unwrap();
    assert_eq!(
        set.render("receipt", &vars(&[("tracking", "42")])),
        Err(TemplateError::Missing {
            template: "receipt".into(),
            variable: "day".into()
        })
    );
    assert_eq!(
        set.render("nope", &vars(&[])),
        Err(TemplateError::Unknown("nope".into()))
    );
}

#[test]
fn a_variable_missing_from_the_samples_is_reported_with_its_line() {
    let src = FILE.replace("{tracking|fa}", "{trackin|fa}");
    let problems = load(&src, 3).unwrap_err();
    assert_eq!(problems.len(), 1);
    assert!(problems[0].message.contains("\"trackin\""), "{problems:?}");
    assert_eq!(problems[0].line, 6, "the line of the template's table");
}

#[test]
fn a_template_over_the_part_limit_with_the_longest_samples_is_refused() {
    let src = FILE.replace("12345678901234", &"۱".repeat(140));
    let problems = load(&src, 2).unwrap_err();
    assert!(problems[0].message.contains("parts"), "{problems:?}");
    assert!(load(&src, 3).is_ok());
}

#[test]
fn unknown_keys_and_bad_placeholders_are_refused() {
    assert!(load(&FILE.replace("[samples]", "[sample]"), 3).is_err());
    assert!(load(&FILE.replace("{tracking|fa}", "{tracking|loud}"), 3).is_err());
}

#[test]
fn a_template_defined_in_two_files_is_a_problem() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.toml"), FILE).unwrap();
    std::fs::write(dir.path().join("b.toml"), FILE).unwrap();
    let problems = load_dir(dir.path(), 3).unwrap_err();
    assert!(problems[0].message.contains("also defined"), "{problems:?}");
}

#[test]
fn a_missing_folder_is_an_empty_set() {
    let set = load_dir(Path::new("/nonexistent/sms"), 3).unwrap();
    assert!(set.is_empty());
    assert_eq!(set.missing(&["receipt"]), ["receipt"]);
}

#[test]
fn the_shipped_national_card_templates_load_within_the_default_part_limit() {
    let src = include_str!("../../../menus/sms/national-card.toml");
    let set = load(src, crate::config::SmsSettings::default().max_parts).unwrap();
    assert!(set.contains("appointment_moved") && set.contains("state_card_delivered"));
}
