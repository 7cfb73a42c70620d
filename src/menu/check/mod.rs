//! The menu validator: turns one parsed file into a compiled [`Service`], or
//! reports every problem with its file and line.
//!
//! Checks: syntax, codes, missing translations, template and condition syntax,
//! unknown variables and actions, action parameters and outcomes, dangling
//! targets, unreachable screens, and pages that cannot fit with sample values.

mod fit;
mod scope;

use super::labels::Labels;
use super::model::{MenuFile, Text};
use super::set::{self, LangText, Service};
use super::template::Template;
use crate::domain::ServiceCode;
use crate::ussd::{ActionRegistry, UssdSettings};
use scope::Scope;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

/// One problem in a menu file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file.
    pub file: PathBuf,
    /// 1-based line.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.file.display(), self.line, self.message)
    }
}

/// What validation needs besides the file: registered actions and page limits.
#[derive(Debug, Clone, Copy)]
pub struct CheckEnv<'a> {
    /// Registered actions and their declarations.
    pub actions: &'a ActionRegistry,
    /// Limits and keys pages must fit.
    pub settings: &'a UssdSettings,
}

/// Collects problems for one file.
struct Checker<'a> {
    file: &'a Path,
    source: &'a str,
    env: CheckEnv<'a>,
    problems: Vec<Problem>,
    languages: Vec<String>,
}

impl Checker<'_> {
    fn at(&mut self, offset: usize, message: impl Into<String>) {
        let line = line_of(self.source, offset);
        self.problems.push(Problem {
            file: self.file.to_owned(),
            line,
            message: message.into(),
        });
    }
}

/// The 1-based line of byte `offset` in `source`.
pub fn line_of(source: &str, offset: usize) -> usize {
    source
        .get(..offset)
        .map_or(1, |s| s.matches('\n').count() + 1)
}

/// Parses and validates one menu file.
pub fn compile_file(file: &Path, source: &str, env: CheckEnv<'_>) -> Result<Service, Vec<Problem>> {
    let parsed: MenuFile = toml::from_str(source).map_err(|e| {
        let line = e.span().map_or(1, |s| line_of(source, s.start));
        vec![Problem {
            file: file.to_owned(),
            line,
            message: e.message().trim().to_owned(),
        }]
    })?;
    let mut c = Checker {
        file,
        source,
        env,
        problems: Vec::new(),
        languages: parsed.service.languages.clone(),
    };
    let service = c.service(&parsed);
    match c.problems.is_empty() {
        true => Ok(service),
        false => Err(c.problems),
    }
}

impl Checker<'_> {
    fn service(&mut self, f: &MenuFile) -> Service {
        let codes = self.codes(&f.service.codes);
        if self.languages.is_empty() {
            self.at(0, "[service] languages is empty");
        }
        let (labels, missing) = Labels::build(&self.languages, &f.labels);
        for (lang, key) in missing {
            self.at(
                0,
                format!("missing translation: label {key:?} in {lang:?} ([labels.{lang}])"),
            );
        }
        if !f.screens.contains_key(&f.service.start) {
            self.at(
                0,
                format!("start screen {:?} does not exist", f.service.start),
            );
        }
        let scope = Scope::of(f, self.env.actions);
        let screens: HashMap<String, set::Screen> = f
            .screens
            .iter()
            .map(|(id, s)| {
                (
                    id.clone(),
                    self.screen(f, &scope, id, s.span().start, s.get_ref()),
                )
            })
            .collect();
        self.reachability(f);
        let service = Service {
            id: f.service.id.clone(),
            codes,
            languages: self.languages.clone(),
            start: f.service.start.clone(),
            retries: f.service.retries,
            labels,
            screens,
        };
        if self.problems.is_empty() {
            fit::check(self, f, &service, &scope);
        }
        service
    }

    fn codes(&mut self, raw: &[String]) -> Vec<ServiceCode> {
        if raw.is_empty() {
            self.at(0, "[service] codes is empty");
        }
        raw.iter()
            .filter_map(|c| match ServiceCode::parse(c) {
                Ok(code) => Some(code),
                Err(e) => {
                    self.at(0, format!("service code {c:?}: {e}"));
                    None
                }
            })
            .collect()
    }

    /// Compiles a text, checking every language and every variable.
    fn text(&mut self, at: usize, what: &str, t: &Text, known: &dyn Fn(&str) -> bool) -> LangText {
        let mut out = BTreeMap::new();
        for lang in self.languages.clone() {
            let Some(raw) = t.get(&lang) else {
                self.at(
                    at,
                    format!("missing translation: {what} has no {lang:?} text"),
                );
                continue;
            };
            match Template::parse(raw) {
                Ok(tpl) => {
                    for var in tpl.variables().filter(|v| !known(v)) {
                        self.at(at, format!("{what} ({lang}) uses unknown variable {var:?}"));
                    }
                    out.insert(lang, tpl);
                }
                Err(e) => self.at(at, format!("{what} ({lang}): {e}")),
            }
        }
        let extras: Vec<&String> = t.keys().filter(|l| !self.languages.contains(l)).collect();
        for extra in extras {
            self.at(
                at,
                format!("{what} has text in {extra:?}, which is not a service language"),
            );
        }
        LangText(out)
    }

    fn target(&mut self, f: &MenuFile, at: usize, id: &str, target: &str) {
        if !f.screens.contains_key(target) {
            self.at(
                at,
                format!("screen {id:?} leads to {target:?}, which does not exist"),
            );
        }
    }

    fn reachability(&mut self, f: &MenuFile) {
        let mut seen = BTreeSet::new();
        let mut todo = vec![f.service.start.as_str()];
        while let Some(id) = todo.pop() {
            if !seen.insert(id) {
                continue;
            }
            if let Some(s) = f.screens.get(id) {
                todo.extend(s.get_ref().targets());
            }
        }
        for (id, s) in &f.screens {
            if !seen.contains(id.as_str()) {
                self.at(
                    s.span().start,
                    format!("screen {id:?} is unreachable from {:?}", f.service.start),
                );
            }
        }
    }
}

mod screens;
