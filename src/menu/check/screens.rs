//! Per-screen checks and compilation, one function per screen kind.

use super::{Checker, Scope};
use crate::menu::condition::Condition;
use crate::menu::model::{self, MenuFile};
use crate::menu::set;
use crate::menu::template::Template;
use crate::menu::validate::Rule;
use crate::ussd::action::ActionSpec;

impl Checker<'_> {
    pub(super) fn screen(
        &mut self,
        f: &MenuFile,
        scope: &Scope,
        id: &str,
        at: usize,
        s: &model::Screen,
    ) -> set::Screen {
        let known = |v: &str| scope.knows(v);
        match s {
            model::Screen::Menu(m) => set::Screen::Menu(self.menu(f, scope, id, at, m)),
            model::Screen::Input(i) => set::Screen::Input(self.input(f, scope, id, at, i)),
            model::Screen::Action(a) => set::Screen::Action(self.action(f, scope, id, at, a)),
            model::Screen::Message(m) => {
                set::Screen::Message(self.text(at, &format!("screen {id:?} text"), &m.text, &known))
            }
        }
    }

    fn menu(
        &mut self,
        f: &MenuFile,
        scope: &Scope,
        id: &str,
        at: usize,
        m: &model::MenuScreen,
    ) -> set::Menu {
        let known = |v: &str| scope.knows(v);
        let text = self.text(at, &format!("screen {id:?} text"), &m.text, &known);
        if m.options.is_empty() && m.list.is_none() {
            self.at(at, format!("menu {id:?} has neither options nor a list"));
        }
        let options = m
            .options
            .iter()
            .enumerate()
            .map(|(n, o)| self.option(f, scope, id, at, n + 1, o))
            .collect();
        let list = m.list.as_ref().map(|l| self.list(f, scope, id, at, l));
        set::Menu {
            text,
            options,
            list,
        }
    }

    fn option(
        &mut self,
        f: &MenuFile,
        scope: &Scope,
        id: &str,
        at: usize,
        n: usize,
        o: &model::MenuOption,
    ) -> set::Choice {
        let known = |v: &str| scope.knows(v);
        let label = self.text(
            at,
            &format!("screen {id:?} option {n} label"),
            &o.label,
            &known,
        );
        self.target(f, at, id, &o.target);
        let when = o.when.as_ref().and_then(|w| match Condition::parse(w) {
            Ok(c) => {
                for v in c.variables().into_iter().filter(|v| !scope.knows(v)) {
                    self.at(
                        at,
                        format!("screen {id:?} option {n} condition uses unknown variable {v:?}"),
                    );
                }
                Some(c)
            }
            Err(e) => {
                self.at(at, format!("screen {id:?} option {n}: {e}"));
                None
            }
        });
        if let Some(lang) = o.set.get("lang").filter(|l| !self.languages.contains(l)) {
            self.at(
                at,
                format!("screen {id:?} option {n} sets lang to {lang:?}, not a service language"),
            );
        }
        set::Choice {
            label,
            target: o.target.clone(),
            when,
            set: o.set.clone(),
        }
    }

    fn list(
        &mut self,
        f: &MenuFile,
        scope: &Scope,
        id: &str,
        at: usize,
        l: &model::ListSource,
    ) -> set::List {
        self.target(f, at, id, &l.target);
        let fields = scope.lists.get(&l.from).map(|(r, _)| r.clone());
        if fields.is_none() {
            self.at(
                at,
                format!(
                    "screen {id:?} lists {:?}, which no registered action returns",
                    l.from
                ),
            );
        }
        let fields = fields.unwrap_or_default();
        let known = |v: &str| fields.contains_key(v) || scope.knows(v);
        let item = self.text(at, &format!("screen {id:?} list item"), &l.item, &known);
        set::List {
            from: l.from.clone(),
            item,
            store: l.store.clone(),
            target: l.target.clone(),
        }
    }

    fn input(
        &mut self,
        f: &MenuFile,
        scope: &Scope,
        id: &str,
        at: usize,
        i: &model::InputScreen,
    ) -> set::Input {
        let known = |v: &str| scope.knows(v);
        let text = self.text(at, &format!("screen {id:?} text"), &i.text, &known);
        let error = self.text(at, &format!("screen {id:?} error"), &i.error, &known);
        let validator = Rule::compile(i.validator.clone()).unwrap_or_else(|p| {
            self.at(at, format!("screen {id:?} validator: {p}"));
            Rule::inert(i.validator.clone())
        });
        self.target(f, at, id, &i.next);
        set::Input {
            text,
            validator,
            store: i.store.clone(),
            error,
            next: i.next.clone(),
            retries: i.retries.unwrap_or(f.service.retries),
        }
    }

    fn action(
        &mut self,
        f: &MenuFile,
        scope: &Scope,
        id: &str,
        at: usize,
        a: &model::ActionScreen,
    ) -> set::ActionCall {
        let params = a
            .params
            .iter()
            .filter_map(|(k, raw)| self.param(scope, id, at, k, raw))
            .collect();
        for target in a.on.values() {
            self.target(f, at, id, target);
        }
        match self.env.actions.spec(&a.action).cloned() {
            None => self.at(
                at,
                format!("screen {id:?} calls unknown action {:?}", a.action),
            ),
            Some(spec) => self.against_spec(id, at, a, &spec),
        }
        set::ActionCall {
            action: a.action.clone(),
            params,
            on: a.on.clone(),
        }
    }

    /// Parameters given and outcomes routed against what the action declares.
    fn against_spec(&mut self, id: &str, at: usize, a: &model::ActionScreen, spec: &ActionSpec) {
        let name = &a.action;
        let missing = spec.params.iter().filter(|p| !a.params.contains_key(*p));
        let unknown = a.params.keys().filter(|p| !spec.params.contains(p));
        let unrouted = a.on.keys().filter(|l| !spec.has_outcome(l));
        let mut problems: Vec<String> = Vec::new();
        problems.extend(missing.map(|p| format!("action {name:?} needs parameter {p:?}")));
        problems.extend(unknown.map(|p| format!("action {name:?} takes no parameter {p:?}")));
        problems.extend(unrouted.map(|l| format!("action {name:?} never returns {l:?}")));
        for p in problems {
            self.at(at, format!("screen {id:?}: {p}"));
        }
    }

    fn param(
        &mut self,
        scope: &Scope,
        id: &str,
        at: usize,
        key: &str,
        raw: &str,
    ) -> Option<(String, Template)> {
        match Template::parse(raw) {
            Ok(t) => {
                for v in t.variables().filter(|v| !scope.knows(v)) {
                    self.at(
                        at,
                        format!("screen {id:?} parameter {key:?} uses unknown variable {v:?}"),
                    );
                }
                Some((key.to_owned(), t))
            }
            Err(e) => {
                self.at(at, format!("screen {id:?} parameter {key:?}: {e}"));
                None
            }
        }
    }
}
