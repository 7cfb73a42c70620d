//! The page-fit check: every screen, in every language, rendered with the
//! longest sample values under every configured page budget.

use super::{Checker, Scope};
use crate::menu::model::MenuFile;
use crate::menu::set::{Screen, Service};
use crate::ussd::render::View;

pub(super) fn check(c: &mut Checker<'_>, f: &MenuFile, service: &Service, scope: &Scope) {
    let vars = scope.sample_vars();
    let settings = c.env.settings;
    for (id, screen) in &service.screens {
        let at = f.screens.get(id).map_or(0, |s| s.span().start);
        let screen = all_options_visible(screen);
        for limits in settings.all_page_limits() {
            for lang in &service.languages {
                let view = View {
                    service,
                    lang,
                    vars: &vars,
                    keys: &settings.keys,
                    limits: &limits,
                };
                let error = error_line(&view, &screen);
                if let Err(e) = view.pages(&screen, true, error) {
                    c.at(
                        at,
                        format!(
                            "screen {id:?} ({lang}, {} UCS-2 / {} GSM-7): {e}",
                            limits.ucs2, limits.gsm7
                        ),
                    );
                }
            }
        }
    }
}

/// The screen with every option's condition dropped: the fit check must see them all.
fn all_options_visible(screen: &Screen) -> Screen {
    let mut s = screen.clone();
    if let Screen::Menu(m) = &mut s {
        m.options.iter_mut().for_each(|o| o.when = None);
    }
    s
}

fn error_line(view: &View<'_>, screen: &Screen) -> Option<String> {
    match screen {
        Screen::Input(i) => Some(view.text(&i.error)),
        Screen::Menu(_) => Some(view.label("invalid_choice")),
        _ => None,
    }
}
