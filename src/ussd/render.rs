//! Rendering a screen into handset pages: text, numbered options, error line
//! and the navigation footer, split by [`paginate`].
//!
//! Shared by the engine (live values) and the menu validator (sample values),
//! so what passes `menus check` is what citizens see.

use super::page::{DoesNotFit, Footer, Line, PageLimits, paginate};
use super::session::{Value, Vars, text};
use super::settings::NavKeys;
use crate::domain::digits::to_persian_digits;
use crate::menu::labels::persian_digits;
use crate::menu::set::{LangText, Menu, Screen, Service};
use std::collections::BTreeMap;

/// Everything a render depends on.
#[derive(Debug, Clone, Copy)]
pub struct View<'a> {
    /// The service (for labels).
    pub service: &'a Service,
    /// The language.
    pub lang: &'a str,
    /// The session variables.
    pub vars: &'a Vars,
    /// Navigation keys.
    pub keys: &'a NavKeys,
    /// The carrier's page budget.
    pub limits: &'a PageLimits,
}

/// One numbered entry of a menu as the citizen sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entry {
    /// The i-th static option.
    Static(usize),
    /// The i-th item of the dynamic list.
    Item(usize),
}

impl View<'_> {
    /// Renders `t` in the view's language.
    pub fn text(&self, t: &LangText) -> String {
        t.get(self.lang)
            .map(|t| t.render(|n| text(self.vars, n)))
            .unwrap_or_default()
    }

    /// An engine label.
    pub fn label(&self, key: &'static str) -> String {
        self.service.labels.get(self.lang, key).to_owned()
    }

    /// A number as the language writes it.
    pub fn number(&self, n: &str) -> String {
        if persian_digits(self.lang) {
            to_persian_digits(n)
        } else {
            n.to_owned()
        }
    }

    /// The entries of `menu` the citizen sees, numbered from 1 in this order.
    pub fn entries(&self, menu: &Menu) -> Vec<Entry> {
        let lookup = |n: &str| text(self.vars, n);
        let statics = menu.options.iter().enumerate();
        let mut v: Vec<Entry> = statics
            .filter(|(_, o)| o.when.as_ref().is_none_or(|c| c.holds(&lookup)))
            .map(|(i, _)| Entry::Static(i))
            .collect();
        v.extend((0..self.list(menu).len()).map(Entry::Item));
        v
    }

    /// The records of `menu`'s dynamic list (empty when it has none).
    pub fn list(&self, menu: &Menu) -> &[BTreeMap<String, String>] {
        match menu.list.as_ref().and_then(|l| self.vars.get(&l.from)) {
            Some(Value::List(items)) => items,
            _ => &[],
        }
    }

    fn entry_label(&self, menu: &Menu, entry: Entry) -> String {
        match (entry, &menu.list) {
            (Entry::Static(i), _) => menu
                .options
                .get(i)
                .map(|o| self.text(&o.label))
                .unwrap_or_default(),
            (Entry::Item(i), Some(list)) => {
                let item = self.list(menu).get(i);
                let lookup = |n: &str| {
                    item.and_then(|r| r.get(n))
                        .map(String::as_str)
                        .or_else(|| text(self.vars, n))
                };
                list.item
                    .get(self.lang)
                    .map(|t| t.render(lookup))
                    .unwrap_or_default()
            }
            (Entry::Item(_), None) => String::new(),
        }
    }

    /// The pages of `screen`; `can_back` says whether there is a screen to go back to.
    pub fn pages(
        &self,
        screen: &Screen,
        can_back: bool,
        error: Option<String>,
    ) -> Result<Vec<String>, DoesNotFit> {
        self.layout(screen, can_back, error, false)
    }

    /// Like [`View::pages`], but options and error lines that cannot fit are
    /// wrapped like prose instead of refused: for live values longer than the
    /// samples the menu was checked with.
    pub fn pages_wrapping(
        &self,
        screen: &Screen,
        can_back: bool,
        error: Option<String>,
    ) -> Result<Vec<String>, DoesNotFit> {
        self.layout(screen, can_back, error, true)
    }

    fn layout(
        &self,
        screen: &Screen,
        can_back: bool,
        error: Option<String>,
        wrap_all: bool,
    ) -> Result<Vec<String>, DoesNotFit> {
        let mut lines: Vec<Line> = error.into_iter().map(Line::Whole).collect();
        let (body, end) = match screen {
            Screen::Menu(m) => (self.menu_lines(m), false),
            Screen::Input(i) => (prose(&self.text(&i.text)), false),
            Screen::Message(t) => (prose(&self.text(t)), true),
            Screen::Action(_) => (Vec::new(), true),
        };
        lines.extend(body);
        if wrap_all {
            lines = lines
                .into_iter()
                .map(|l| Line::Text(l.text().to_owned()))
                .collect();
        }
        let label = |key| self.service.labels.get(self.lang, key);
        let footer = KeyFooter {
            more: [&self.number(&self.keys.more), "- ", label("more")].concat(),
            back: [&self.number(&self.keys.back), "- ", label("back")].concat(),
            can_back,
            end,
        };
        paginate(&lines, &footer, self.limits)
    }

    fn menu_lines(&self, menu: &Menu) -> Vec<Line> {
        let mut lines = prose(&self.text(&menu.text));
        for (n, entry) in self.entries(menu).into_iter().enumerate() {
            let label = self.entry_label(menu, entry);
            // `concat`, not `format!`: one exact allocation per option, every hop.
            let number = self.number(&(n + 1).to_string());
            lines.push(Line::Whole([&number, "- ", &label].concat()));
        }
        lines
    }
}

fn prose(text: &str) -> Vec<Line> {
    text.lines()
        .map(str::trim_end)
        .filter(|l| !l.is_empty())
        .map(|l| Line::Text(l.to_owned()))
        .collect()
}

struct KeyFooter {
    more: String,
    back: String,
    can_back: bool,
    end: bool,
}

impl Footer for KeyFooter {
    fn lines(&self, first: bool, last: bool) -> Vec<String> {
        let more = !last;
        let back = !(self.end && last) && (!first || self.can_back);
        // Laid out several times per hop: one string, no list of keys to join.
        let line = match (more, back) {
            (false, false) => return Vec::new(),
            (true, false) => self.more.clone(),
            (false, true) => self.back.clone(),
            (true, true) => [self.more.as_str(), self.back.as_str()].join("  "),
        };
        vec![line]
    }
}
