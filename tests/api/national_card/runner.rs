//! The journey DSL of `tests/ussd/dsl.rs`, over the real registry and the real
//! `menus/national-card.toml`, with verbs to build the world and to assert
//! what landed in the database.
//!
//! ```text
//! == title                       a fresh database and service
//! request 1 appointment_chosen succeeded [+3|-2|none] [stairs]
//! citizen 2 dead|underage|serial-changed|born 1990-06-09
//! fill T2 +1 evening             the web side takes every place of a slot
//! as 1 | as 09351234567          the calling phone (citizen N's mobile, or a number)
//! dial *4*6090#   send TEXT      send expands {nid N} and {dob N}; further pages are read
//! expect con|end "a" "b"   refuse "x"
//! sms 1 "fragment" …             an outbox row to that phone containing every fragment
//! sms count 2                    rows in the outbox
//! mobile 1 09351234567           the request's stored mobile
//! appointment 1 T2 +1 evening    the request's stored appointment
//! delivery 1 D2                  the request's stored delivery office
//! audit 1 change_mobile "frag"   an audit row (channel ussd, the caller) with before/after
//! web 1 enrollment_started succeeded   the web side changes the request's state
//! database down                  the registry's pool is closed: every query fails
//! ```

use super::world::{self, World};
use crate::fixtures::{citizen, mobile, nid};
use crate::helpers::TestDb;
use crate::screens::{Line, Screens, Session, fail, fragments, lines};
use dargah::domain::{Msisdn, ServiceCode, SolarDate};
use dargah::registry::Database;
use dargah::registry::model::Channel;
use dargah::ussd::{RequestKind, UssdReply, UssdService, UssdSettings};
use sqlx::Row;
use std::path::PathBuf;

struct Run {
    db: TestDb,
    handles: Database,
    service: UssdService,
    world: World,
    msisdn: Msisdn,
    session: Option<Session>,
    dials: usize,
    screens: Screens,
}

fn repo(p: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(p)
}

/// Runs every journey in `tests/journeys/national-card/NAME` on one backend.
pub async fn run_file(name: &str, postgres: bool) -> usize {
    let file = repo("tests/journeys/national-card").join(name);
    let source = std::fs::read_to_string(&file).unwrap();
    let mut run: Option<Run> = None;
    let mut count = 0;
    for (n, line) in lines(&source) {
        let command = match line {
            Line::Title(title) => {
                let Some(db) = fresh(postgres).await else {
                    return 0;
                };
                count += 1;
                run = Some(Run::new(db, title).await);
                continue;
            }
            Line::Command(command) => command,
        };
        let r = run
            .as_mut()
            .unwrap_or_else(|| panic!("{}:{n}: start with `== title`", file.display()));
        if let Err(message) = r.command(command).await {
            fail(&file, n, &message, &r.screens);
        }
    }
    assert!(count > 0, "{}: no journeys", file.display());
    count
}

async fn fresh(postgres: bool) -> Option<TestDb> {
    match postgres {
        true => TestDb::postgres().await,
        false => Some(TestDb::sqlite().await),
    }
}

fn phone(who: &str) -> Result<Msisdn, String> {
    match who.parse::<u64>() {
        Ok(n) if who.len() < 4 => Ok(mobile(n)),
        _ => Msisdn::parse(who).map_err(|e| e.to_string()),
    }
}

impl Run {
    async fn new(db: TestDb, title: &str) -> Run {
        let mut settings = db.settings();
        settings.ussd = UssdSettings {
            menus_dir: repo("menus"),
            hot_reload: false,
            ..UssdSettings::default()
        };
        let handles = dargah::registry::connect_lazy(&settings.database).unwrap();
        handles.registry.migrate().await.unwrap();
        let notifier = dargah::startup::ussd::notifier(&settings, &handles).unwrap();
        let actions = dargah::startup::ussd::actions(&handles, &notifier, &settings);
        let service =
            UssdService::load(settings.ussd.clone(), actions).unwrap_or_else(|r| panic!("{r}"));
        let world = world::build(handles.registry.as_ref()).await;
        Run {
            db,
            handles,
            service,
            world,
            msisdn: mobile(1),
            session: None,
            dials: 0,
            screens: Screens::new(title),
        }
    }

    async fn command(&mut self, line: &str) -> Result<(), String> {
        let (verb, rest) = line.split_once(' ').unwrap_or((line, ""));
        let args: Vec<&str> = rest.split_whitespace().collect();
        let reg = self.handles.registry.clone();
        match verb {
            "request" => self.world.request(reg.as_ref(), &args).await?,
            "citizen" => self.world.citizen(reg.as_ref(), &args).await?,
            "fill" => self.world.fill(reg.as_ref(), &args).await?,
            "as" => self.msisdn = phone(rest)?,
            "dial" => {
                self.dials += 1;
                let code = ServiceCode::parse(rest).map_err(|e| e.to_string())?;
                self.session = Some((format!("s{}", self.dials), self.msisdn.clone(), code));
                self.send(RequestKind::Begin, "").await?;
            }
            "send" => self.send(RequestKind::Continue, &expand(rest)?).await?,
            "expect" => self.screens.expect(rest)?,
            "refuse" => self.screens.refuse(rest)?,
            "sms" => self.sms(rest).await?,
            "mobile" => self.stored_mobile(&args).await?,
            "appointment" => self.stored_appointment(&args).await?,
            "delivery" => self.stored_delivery(&args).await?,
            "audit" => self.audit(rest).await?,
            "web" => self.web(&args).await?,
            "database" if rest == "down" => self.handles.registry.close().await,
            other => return Err(format!("unknown command {other:?}")),
        }
        Ok(())
    }

    /// Sends, then reads every further page ("98") so that `expect` sees the
    /// whole screen; options keep their numbers across pages.
    async fn send(&mut self, kind: RequestKind, input: &str) -> Result<(), String> {
        let mut page = self.hop(kind, input).await?;
        let mut text = String::new();
        while !page.end && page.text.contains("۹۸- بیشتر") {
            // Drop the footer line; pages break at spaces, so a space rejoins them.
            let body = page.text.rsplit_once('\n').map_or("", |(body, _)| body);
            text.push_str(body);
            text.push(' ');
            page = self.hop(RequestKind::Continue, "98").await?;
        }
        text.push_str(&page.text);
        self.screens.last = Some(UssdReply { text, ..page });
        Ok(())
    }

    async fn hop(&mut self, kind: RequestKind, input: &str) -> Result<UssdReply, String> {
        let session = self.session.clone().ok_or("no session dialled yet")?;
        self.screens.hop(&self.service, session, kind, input).await
    }

    async fn outbox(&self) -> Result<Vec<(String, String)>, String> {
        let pool = self.db.raw().await;
        let rows = sqlx::query("SELECT recipient, body FROM sms_outbox ORDER BY id")
            .fetch_all(&pool)
            .await
            .map_err(|e| e.to_string())?;
        pool.close().await;
        Ok(rows
            .iter()
            .map(|r| (r.get::<String, _>(0), r.get::<String, _>(1)))
            .collect())
    }

    async fn sms(&self, rest: &str) -> Result<(), String> {
        let rows = self.outbox().await?;
        if let Some(n) = rest.strip_prefix("count ") {
            let want: usize = n.trim().parse().map_err(|_| "sms count N")?;
            return match rows.len() == want {
                true => Ok(()),
                false => Err(format!(
                    "{} SMS in the outbox, expected {want}: {rows:?}",
                    rows.len()
                )),
            };
        }
        let (who, frags) = rest.split_once(' ').unwrap_or((rest, ""));
        let to = phone(who)?;
        let frags = fragments(frags);
        let found = rows
            .iter()
            .any(|(r, body)| r == to.as_str() && frags.iter().all(|f| body.contains(f.as_str())));
        match found {
            true => Ok(()),
            false => Err(format!("no SMS to {to} with {frags:?}; outbox: {rows:?}")),
        }
    }

    async fn request_of(&self, n: &str) -> Result<dargah::registry::model::CardRequest, String> {
        let n: u64 = n.parse().map_err(|_| "bad citizen number")?;
        let id = *self.world.requests.get(&n).ok_or("no such request")?;
        let r = self
            .handles
            .registry
            .request(id)
            .await
            .map_err(|e| e.to_string())?;
        r.ok_or_else(|| "request vanished".into())
    }

    async fn stored_mobile(&self, args: &[&str]) -> Result<(), String> {
        let [n, want] = args else {
            return Err("mobile N NUMBER".into());
        };
        let r = self.request_of(n).await?;
        match r.mobile == phone(want)? {
            true => Ok(()),
            false => Err(format!("stored mobile is {}", r.mobile)),
        }
    }

    async fn stored_appointment(&self, args: &[&str]) -> Result<(), String> {
        let [n, slot @ ..] = args else {
            return Err("appointment N OFFICE OFFSET SHIFT".into());
        };
        let r = self.request_of(n).await?;
        let want = self.world.slot(slot)?;
        match r.appointment == Some(want) {
            true => Ok(()),
            false => Err(format!(
                "stored appointment is {:?}, expected {want:?}",
                r.appointment
            )),
        }
    }

    async fn stored_delivery(&self, args: &[&str]) -> Result<(), String> {
        let [n, office] = args else {
            return Err("delivery N OFFICE".into());
        };
        let r = self.request_of(n).await?;
        let want = self.world.offices.get(*office).copied();
        match r.delivery_office_id == want {
            true => Ok(()),
            false => Err(format!(
                "stored delivery office is {:?}",
                r.delivery_office_id
            )),
        }
    }

    async fn audit(&self, rest: &str) -> Result<(), String> {
        let mut words = rest.split_whitespace();
        let (Some(n), Some(action)) = (words.next(), words.next()) else {
            return Err("audit N ACTION \"fragment\"".into());
        };
        let r = self.request_of(n).await?;
        let trail = self
            .handles
            .registry
            .audit_trail("card_request", &r.id.to_string())
            .await
            .map_err(|e| e.to_string())?;
        let frags = fragments(rest);
        let found = trail.iter().any(|a| {
            let both = format!("{:?} {:?}", a.before, a.after);
            a.action == action
                && a.actor.channel == Channel::Ussd
                && frags
                    .iter()
                    .all(|f| both.contains(f.as_str()) || a.actor.who.contains(f.as_str()))
        });
        match found {
            true => Ok(()),
            false => Err(format!(
                "no ussd audit row {action} with {frags:?}: {trail:?}"
            )),
        }
    }
}

impl Run {
    async fn web(&self, args: &[&str]) -> Result<(), String> {
        let [n, state, payment] = args else {
            return Err("web N STATE PAYMENT".into());
        };
        let r = self.request_of(n).await?;
        let pool = self.db.raw().await;
        sqlx::query("UPDATE card_requests SET state = $1, payment_state = $2 WHERE id = $3")
            .bind(state.to_string())
            .bind(payment.to_string())
            .bind(r.id)
            .execute(&pool)
            .await
            .map_err(|e| e.to_string())?;
        pool.close().await;
        Ok(())
    }
}

/// `{nid N}` → citizen N's national ID; `{dob N}` → their Solar Hijri birth date.
fn expand(text: &str) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let end = rest[start..].find('}').ok_or("unclosed {")? + start;
        let (what, n) = rest[start + 1..end]
            .split_once(' ')
            .ok_or("{nid N} or {dob N}")?;
        let n: u64 = n.parse().map_err(|_| "bad citizen number")?;
        match what {
            "nid" => out.push_str(nid(n).as_str()),
            "dob" => out.push_str(&SolarDate::from_gregorian(citizen(n).birth_date).numeric()),
            other => return Err(format!("unknown expansion {other}")),
        }
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}
