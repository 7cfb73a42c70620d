//! SMS: the durable outbox in the shared database and the ways into it (the
//! JSON API for the web side, direct row inserts). Services send through
//! [`notifier::Notifier`], which renders the Persian templates of [`template`].
//! [`dispatch`] drains the outbox through the SMPP links and stores receipts.

pub mod api;
pub mod callbacks;
pub mod delivery;
pub mod dispatch;
pub mod events;
pub mod inbox;
pub mod mo_forward;
pub mod notifier;
pub mod otp;
pub mod outbox;
pub mod parts;
pub mod send;
pub mod template;
