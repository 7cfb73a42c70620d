//! Loading a menu set from files: read every `*.toml` in a directory, validate
//! each, then check the services against each other (ids, codes).

use super::check::{CheckEnv, Problem, compile_file};
use super::set::MenuSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The outcome of checking menu files: what was found and every problem.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Files read.
    pub files: Vec<PathBuf>,
    /// Services that passed.
    pub services: usize,
    /// Screens in those services.
    pub screens: usize,
    /// Every problem, with file and line.
    pub problems: Vec<Problem>,
}

impl Report {
    /// Whether the set is valid.
    pub fn is_ok(&self) -> bool {
        self.problems.is_empty()
    }
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for p in &self.problems {
            writeln!(f, "{p}")?;
        }
        match self.problems.len() {
            0 => write!(
                f,
                "{} file(s), {} service(s), {} screen(s): ok",
                self.files.len(),
                self.services,
                self.screens
            ),
            n => write!(f, "{n} problem(s) in {} file(s)", self.files.len()),
        }
    }
}

/// The `*.toml` files under `paths` (each a file or a directory), sorted.
pub fn menu_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Problem> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            let entries = std::fs::read_dir(path).map_err(|e| io_problem(path, &e))?;
            for entry in entries {
                let p = entry.map_err(|e| io_problem(path, &e))?.path();
                if p.extension().is_some_and(|x| x == "toml") {
                    files.push(p);
                }
            }
        } else {
            files.push(path.clone());
        }
    }
    files.sort();
    Ok(files)
}

fn io_problem(path: &Path, e: &std::io::Error) -> Problem {
    Problem {
        file: path.to_owned(),
        line: 1,
        message: format!("cannot read: {e}"),
    }
}

/// Loads and validates the menu files under `paths`.
pub fn load(paths: &[PathBuf], env: CheckEnv<'_>) -> (Option<MenuSet>, Report) {
    let mut report = Report::default();
    match menu_files(paths) {
        Ok(files) => report.files = files,
        Err(p) => {
            report.problems.push(p);
            return (None, report);
        }
    }
    if report.files.is_empty() {
        let at = paths.first().cloned().unwrap_or_default();
        report.problems.push(Problem {
            file: at,
            line: 1,
            message: "no *.toml menu files here".into(),
        });
    }
    let mut set = MenuSet::default();
    for file in report.files.clone() {
        let compiled = std::fs::read_to_string(&file)
            .map_err(|e| vec![io_problem(&file, &e)])
            .and_then(|src| compile_file(&file, &src, env));
        match compiled {
            Ok(service) => add(&mut set, &mut report, &file, service),
            Err(problems) => report.problems.extend(problems),
        }
    }
    report.services = set.services.len();
    report.screens = set.services.iter().map(|s| s.screens.len()).sum();
    (report.is_ok().then_some(set), report)
}

fn add(set: &mut MenuSet, report: &mut Report, file: &Path, service: super::set::Service) {
    let problem = |message: String| Problem {
        file: file.to_owned(),
        line: 1,
        message,
    };
    if set.service(&service.id).is_some() {
        report.problems.push(problem(format!(
            "service id {:?} is used by another file",
            service.id
        )));
    }
    for code in &service.codes {
        let clash = set.services.iter().find(|s| {
            s.codes
                .iter()
                .any(|c| code.deep_link_under(c).is_some() || c.deep_link_under(code).is_some())
        });
        if let Some(other) = clash {
            report.problems.push(problem(format!(
                "code {code} overlaps service {:?}",
                other.id
            )));
        }
    }
    set.services.push(Arc::new(service));
}
