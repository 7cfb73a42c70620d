//! Status guidance: one clear Persian instruction for every lifecycle and
//! payment state of a card request (seed 002), as a pure function.
//!
//! Reused outside USSD (the SMS keyword service answers with the same text), so
//! it depends only on the request, its offices and whether the reader is the
//! owner: a caller who is not on the registered mobile gets the stage and the
//! generic next step, never the appointment or the address.

use crate::domain::SolarDate;
use crate::registry::model::{
    CardRequest, DeliveryOffice, EnrollmentOffice, PaymentState, RequestState,
};
use chrono::{DateTime, Duration, NaiveDate, Utc};

/// The registration web site, where everything the USSD menu cannot do is done.
pub const SITE: &str = "css.iranid.ir";

/// What to bring on the appointment day.
pub const WHAT_TO_BRING: &str =
    "شناسنامه عکس‌دار بیاورید، کد ملی را بدانید و برای عکس و اثر انگشت آماده باشید.";

/// The money of a failed payment returns within this long; then the bank is asked.
pub const REFUND_HOURS: i64 = 72;

/// Everything the guidance reads besides the request.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// The appointment's enrollment office, if any.
    pub office: Option<&'a EnrollmentOffice>,
    /// The card's delivery office, if any.
    pub delivery: Option<&'a DeliveryOffice>,
    /// Whether the reader is on the registered mobile (may see details).
    pub owner: bool,
    /// Now (the 72-hour rule and "appointment passed").
    pub now: DateTime<Utc>,
}

/// Where a request stands, as one short Persian phrase.
pub fn stage(r: &CardRequest) -> &'static str {
    use RequestState::*;
    match r.state {
        FirstPageSubmitted => "صفحه نخست ثبت نام",
        PersonalDataEntered => "مشخصات فردی ثبت شده",
        AppointmentChosen if r.payment == PaymentState::Succeeded => "پرداخت شده، منتظر مراجعه",
        AppointmentChosen => "انتخاب نوبت و پرداخت",
        EnrollmentStarted => "تکمیل ثبت نام آغاز شده",
        EnrollmentCompleted => "ثبت نام کامل شده",
        ProductionStarted => "در حال صدور کارت",
        CardProduced => "کارت صادر شده",
        CardAtDeliveryOffice => "کارت آماده تحویل",
        CardDelivered => "کارت تحویل شده",
    }
}

/// The next step for the citizen, in Persian.
pub fn guidance(r: &CardRequest, ctx: &Context<'_>) -> String {
    use RequestState::*;
    match r.state {
        FirstPageSubmitted => format!(
            "صفحه نخست ثبت نام شما ذخیره شده است. برای ادامه به سایت {SITE} بروید و مشخصات فردی را وارد کنید."
        ),
        PersonalDataEntered | AppointmentChosen => before_enrollment(r, ctx),
        EnrollmentStarted => {
            "تکمیل ثبت نام شما در دفتر آغاز شده است. کار را در همان دفتر به پایان برسانید.".into()
        }
        EnrollmentCompleted => "ثبت نام شما کامل شده است. کارت پس از صدور به دفتر تحویل می‌رسد و با پیامک به شما خبر می‌دهیم.".into(),
        ProductionStarted => "کارت شما در حال صدور است. وقتی به دفتر تحویل رسید، با پیامک به شما خبر می‌دهیم.".into(),
        CardProduced => "کارت شما صادر شده و به زودی به دفتر تحویل فرستاده می‌شود. با پیامک خبر می‌دهیم.".into(),
        CardAtDeliveryOffice => card_ready(ctx),
        CardDelivered => "کارت شما تحویل داده شده است. اگر آن را شما نگرفته‌اید، به دفتر پیشخوان بروید.".into(),
    }
}

fn before_enrollment(r: &CardRequest, ctx: &Context<'_>) -> String {
    let choose_again =
        format!("در سایت {SITE} یا گزینه «تغییر نوبت» دوباره دفتر و زمان را انتخاب و پرداخت کنید.");
    match r.payment {
        PaymentState::NotStarted if r.state == RequestState::PersonalDataEntered => format!(
            "مشخصات فردی شما ثبت شده است. برای ادامه در سایت {SITE} دفتر و زمان مراجعه را انتخاب و هزینه را پرداخت کنید."
        ),
        PaymentState::NotStarted => format!(
            "نوبت شما انتخاب شده ولی هزینه پرداخت نشده است. در سایت {SITE} به صفحه تأیید نهایی بروید و پرداخت کنید."
        ),
        PaymentState::Pending => "پرداخت شما در جریان است. چند دقیقه دیگر دوباره بررسی کنید. اگر صفحه بانک بسته شد، در سایت دوباره وارد شوید.".into(),
        PaymentState::Failed => format!(
            "پرداخت انجام نشد و مبلغی از حساب شما کسر نشده است. نوبت آزاد شد؛ {choose_again}"
        ),
        PaymentState::FailedMoneyTaken => money_taken(r, ctx.now),
        PaymentState::TimedOut => format!("زمان پرداخت به پایان رسید و نوبت آزاد شد. {choose_again}"),
        PaymentState::Succeeded => paid(r, ctx),
    }
}

fn money_taken(r: &CardRequest, now: DateTime<Utc>) -> String {
    let late = r
        .payment_updated_at
        .is_some_and(|at| now - at > Duration::hours(REFUND_HOURS));
    match late {
        true => format!(
            "پرداخت ناتمام ماند و بیش از ۷۲ ساعت گذشته است. اگر مبلغ به حساب شما برنگشته، با بانک خود پیگیری کنید. برای ادامه در سایت {SITE} دوباره پرداخت کنید."
        ),
        false => format!(
            "پرداخت ناتمام ماند. اگر مبلغ از حساب شما کسر شده، تا ۷۲ ساعت به حساب برمی‌گردد؛ پس از آن با بانک پیگیری کنید. برای ادامه در سایت {SITE} دوباره پرداخت کنید."
        ),
    }
}

fn paid(r: &CardRequest, ctx: &Context<'_>) -> String {
    let today = crate::registry::identity::tehran_today(ctx.now);
    match r.appointment {
        None => "پرداخت شما انجام شده ولی نوبتی ثبت نشده است. با گزینه «تغییر نوبت» یا در سایت، دفتر و زمان مراجعه را انتخاب کنید.".into(),
        Some(slot) if slot.day < today => "تاریخ نوبت شما گذشته است. با گزینه «تغییر نوبت» یا در سایت، نوبت تازه‌ای بگیرید.".into(),
        Some(_) if !ctx.owner => "پرداخت انجام شده و نوبت مراجعه دارید. جزئیات نوبت را می‌توانیم به همراه ثبت‌شده پیامک کنیم.".into(),
        Some(slot) => appointment(slot.day, slot.shift.persian(), ctx.office),
    }
}

/// "Your appointment is …": Solar Hijri date with weekday, shift, office, address, what to bring.
pub fn appointment(day: NaiveDate, shift: &str, office: Option<&EnrollmentOffice>) -> String {
    let date = SolarDate::from_gregorian(day).long();
    let place = office.map_or(String::new(), |o| {
        format!(" در {}، نشانی: {}", o.name, o.address)
    });
    format!("نوبت شما {date} نوبت {shift}{place}. {WHAT_TO_BRING}")
}

fn card_ready(ctx: &Context<'_>) -> String {
    match (ctx.owner, ctx.delivery) {
        (true, Some(d)) => format!(
            "کارت شما آماده تحویل است: {}، نشانی: {}. خودتان با شناسنامه عکس‌دار بروید.",
            d.name, d.address
        ),
        (true, None) => {
            "کارت شما آماده تحویل است. خودتان با شناسنامه عکس‌دار به دفتر تحویل بروید.".into()
        }
        (false, _) => {
            "کارت آماده تحویل است. نشانی دفتر تحویل را می‌توانیم به همراه ثبت‌شده پیامک کنیم.".into()
        }
    }
}

#[cfg(test)]
#[path = "guidance_tests.rs"]
mod tests;
