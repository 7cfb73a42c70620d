//! Loading and checking template files: TOML syntax and unknown keys, template
//! syntax, variables not declared in `[samples]`, duplicate names, and texts
//! that need more than `sms.max_parts` parts with the longest sample values.

use super::{SmsTemplate, TemplateSet};
use crate::menu::Problem;
use crate::menu::check::line_of;
use crate::menu::template::Template;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use toml::Spanned;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    samples: BTreeMap<String, String>,
    #[serde(default)]
    templates: BTreeMap<String, Spanned<Entry>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    text: String,
}

/// Loads every `*.toml` in `dir` (none if the folder does not exist), or every problem.
pub fn load_dir(dir: &Path, max_parts: usize) -> Result<TemplateSet, Vec<Problem>> {
    let mut set = TemplateSet::default();
    if !dir.is_dir() {
        return Ok(set);
    }
    let files = crate::menu::load::menu_files(&[dir.to_owned()]).map_err(|p| vec![p])?;
    let mut problems = Vec::new();
    for file in files {
        let loaded = std::fs::read_to_string(&file)
            .map_err(|e| vec![problem(&file, 1, format!("cannot read: {e}"))])
            .and_then(|src| load_file(&file, &src, max_parts));
        match loaded {
            Ok(part) => merge(&mut set, part, &mut problems),
            Err(p) => problems.extend(p),
        }
    }
    match problems.is_empty() {
        true => Ok(set),
        false => Err(problems),
    }
}

fn merge(set: &mut TemplateSet, part: TemplateSet, problems: &mut Vec<Problem>) {
    for (name, t) in part.templates {
        let file = t.file.clone();
        if let Some(earlier) = set.insert(name.clone(), t) {
            problems.push(problem(
                &file,
                1,
                format!(
                    "SMS template {name:?} is also defined in {}",
                    earlier.file.display()
                ),
            ));
        }
    }
}

/// Compiles one file's source.
pub fn load_file(file: &Path, source: &str, max_parts: usize) -> Result<TemplateSet, Vec<Problem>> {
    let parsed: File = toml::from_str(source).map_err(|e| {
        let line = e.span().map_or(1, |s| line_of(source, s.start));
        vec![problem(file, line, e.message().trim().to_owned())]
    })?;
    let mut set = TemplateSet::default();
    let mut problems = Vec::new();
    for (name, entry) in &parsed.templates {
        let line = line_of(source, entry.span().start);
        match compile(name, &entry.get_ref().text, &parsed.samples, max_parts) {
            Ok(text) => {
                let t = SmsTemplate {
                    file: file.to_owned(),
                    text,
                };
                set.insert(name.clone(), t);
            }
            Err(messages) => problems.extend(messages.into_iter().map(|m| problem(file, line, m))),
        }
    }
    match problems.is_empty() {
        true => Ok(set),
        false => Err(problems),
    }
}

fn compile(
    name: &str,
    text: &str,
    samples: &BTreeMap<String, String>,
    max_parts: usize,
) -> Result<Template, Vec<String>> {
    let template =
        Template::parse(text).map_err(|e| vec![format!("SMS template {name:?}: {e}")])?;
    let unknown: Vec<String> = template
        .variables()
        .filter(|v| !samples.contains_key(*v))
        .map(|v| {
            format!("SMS template {name:?} uses unknown variable {v:?} (declare it in [samples])")
        })
        .collect();
    if !unknown.is_empty() {
        return Err(unknown);
    }
    let longest = template.render(|v| samples.get(v).map(String::as_str));
    let parts = crate::sms::parts::count(&longest);
    if parts > max_parts {
        return Err(vec![format!(
            "SMS template {name:?} needs {parts} parts with the longest samples; sms.max_parts is {max_parts}"
        )]);
    }
    Ok(template)
}

fn problem(file: &Path, line: usize, message: String) -> Problem {
    Problem {
        file: PathBuf::from(file),
        line,
        message,
    }
}
