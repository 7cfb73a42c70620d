//! Memory per live session in the in-memory store, measured with a counting
//! allocator: 20,000 typical mid-journey sessions, net heap bytes each.
//! Also prints the serialised size a Redis store would hold.
//!
//! `cargo bench --bench ussd_session_memory`
//!
//! Last run (2026-11-21): 789 bytes per live session all-in (target ≤ 1 KB),
//! of which 369 are the session's own heap parts; 309 bytes serialised.

use dargah::ussd::session::{Session, Value};
use dargah::ussd::store::{MemoryStore, MemoryStoreSettings, SessionStore};
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};
use std::time::Duration;

struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

const SESSIONS: usize = 20_000;

fn session(n: usize) -> Session {
    let mut s = Session::new(
        &format!("ATUid_{n:016}"),
        "card-demo",
        "fa",
        "main",
        1_700_000_000_000,
    );
    s.screen = "ask_serial".into();
    s.history = vec!["main".into(), "ask_nid".into()];
    s.vars
        .insert("msisdn".into(), Value::Text(format!("0912{n:07}")));
    s.vars
        .insert("national_id".into(), Value::Text("0012345679".into()));
    s
}

fn main() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let store = MemoryStore::new(MemoryStoreSettings {
        shards: 16,
        max_sessions: SESSIONS * 2,
    });
    // Everything a live session costs: its key, its heap parts and its share of the map.
    let before = LIVE.load(Ordering::Relaxed);
    rt.block_on(async {
        for n in 0..SESSIONS {
            let key = format!("98912{n:07}");
            store
                .save(&key, session(n), Duration::from_secs(300))
                .await
                .unwrap();
        }
    });
    let after = LIVE.load(Ordering::Relaxed);
    let base = LIVE.load(Ordering::Relaxed);
    let one = session(1);
    let own_heap = LIVE.load(Ordering::Relaxed) - base;
    let json = serde_json::to_vec(&one).unwrap().len();
    drop(one);
    println!("live sessions: {}", store.len());
    println!(
        "memory per live session: {:.0} bytes (all-in)",
        (after - before) as f64 / SESSIONS as f64
    );
    println!(
        "of which the session's own heap parts: {own_heap} bytes; inline struct: {} bytes",
        std::mem::size_of::<Session>()
    );
    println!("serialised (JSON, what a Redis store would hold): {json} bytes");
}
