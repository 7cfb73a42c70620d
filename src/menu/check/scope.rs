//! The variables a service may read, each with its longest sample value:
//! from inputs, option `set`s, action outputs, list choices and `[samples]`.

use crate::menu::model::{MenuFile, Screen};
use crate::ussd::action::ActionRegistry;
use crate::ussd::session::{Value, Vars};
use std::collections::BTreeMap;

/// Known variables with samples, and list variables with sample records.
#[derive(Debug, Default)]
pub struct Scope {
    /// Text variables → longest sample.
    pub texts: BTreeMap<String, String>,
    /// List variables → (sample record, most items).
    pub lists: BTreeMap<String, (BTreeMap<String, String>, usize)>,
}

impl Scope {
    /// Collects the scope of `file`.
    pub fn of(file: &MenuFile, actions: &ActionRegistry) -> Scope {
        let mut scope = Scope::default();
        scope.text("msisdn", "09121234567");
        scope.text(
            "lang",
            file.service.languages.first().map_or("fa", String::as_str),
        );
        for screen in file.screens.values() {
            scope.add_screen(screen.get_ref(), actions);
        }
        for screen in file.screens.values() {
            if let Screen::Menu(m) = screen.get_ref() {
                scope.add_list_choice(m);
            }
        }
        for (name, sample) in &file.samples {
            scope.texts.insert(name.clone(), sample.clone());
        }
        scope
    }

    fn text(&mut self, name: &str, sample: &str) {
        let slot = self.texts.entry(name.to_owned()).or_default();
        if sample.chars().count() > slot.chars().count() {
            *slot = sample.to_owned();
        }
    }

    fn add_screen(&mut self, screen: &Screen, actions: &ActionRegistry) {
        match screen {
            Screen::Input(i) => self.text(&i.store, &i.validator.sample()),
            Screen::Menu(m) => m
                .options
                .iter()
                .flat_map(|o| &o.set)
                .for_each(|(k, v)| self.text(k, v)),
            Screen::Action(a) => {
                let Some(spec) = actions.spec(&a.action) else {
                    return;
                };
                spec.outputs.iter().for_each(|(k, v)| self.text(k, v));
                for (name, list) in &spec.lists {
                    self.lists
                        .insert(name.clone(), (list.fields.clone(), list.max_items.max(1)));
                }
            }
            Screen::Message(_) => {}
        }
    }

    fn add_list_choice(&mut self, menu: &crate::menu::model::MenuScreen) {
        let Some(list) = &menu.list else { return };
        let Some((fields, _)) = self.lists.get(&list.from).cloned() else {
            return;
        };
        for (field, sample) in fields {
            self.text(&format!("{}.{field}", list.store), &sample);
        }
    }

    /// Whether `name` can be read.
    pub fn knows(&self, name: &str) -> bool {
        self.texts.contains_key(name) || self.lists.contains_key(name)
    }

    /// Session variables filled with the samples (lists at their longest).
    pub fn sample_vars(&self) -> Vars {
        let mut vars: Vars = self
            .texts
            .iter()
            .map(|(k, v)| (k.clone(), Value::Text(v.clone())))
            .collect();
        for (name, (record, max)) in &self.lists {
            vars.insert(
                name.clone(),
                Value::List(vec![record.clone(); (*max).min(50)]),
            );
        }
        vars
    }
}
