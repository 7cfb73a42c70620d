//! Memory per live session in the in-memory store, measured with a counting
//! allocator: 20,000 typical mid-journey sessions, net heap bytes each.
//! Also prints the serialised size a Redis store would hold.
//!
//! `cargo bench --bench ussd_session_memory`

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
    let sessions: Vec<(String, Session)> = (0..SESSIONS)
        .map(|n| (format!("98912{n:07}"), session(n)))
        .collect();
    let before = LIVE.load(Ordering::Relaxed);
    rt.block_on(async {
        for (key, s) in sessions {
            store.save(&key, s, Duration::from_secs(300)).await.unwrap();
        }
    });
    let after = LIVE.load(Ordering::Relaxed);
    let json = serde_json::to_vec(&session(1)).unwrap().len();
    // The sessions were built before `before`; moving them in keeps their heap
    // parts, so count those too by building one more and measuring it.
    let base = LIVE.load(Ordering::Relaxed);
    let one = session(1);
    let own_heap = LIVE.load(Ordering::Relaxed) - base;
    drop(one);
    let table = (after - before) as f64 / SESSIONS as f64;
    println!("live sessions: {}", store.len());
    println!("map + key overhead per session: {table:.0} bytes");
    println!(
        "session heap parts: {own_heap} bytes; inline struct: {} bytes",
        std::mem::size_of::<Session>()
    );
    println!(
        "total per live session ≈ {:.0} bytes",
        table + own_heap as f64
    );
    println!("serialised (JSON, what Redis would hold): {json} bytes");
}
