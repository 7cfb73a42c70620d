//! SMS: the durable outbox in the shared database and the ways into it (the
//! JSON API for the web side, direct row inserts). The dispatcher that drains
//! the outbox through the SMPP links builds on this.

pub mod api;
pub mod otp;
pub mod outbox;
pub mod parts;
