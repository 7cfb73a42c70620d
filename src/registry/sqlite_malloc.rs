//! SQLite's allocations through the process's global allocator
//! (`SQLITE_CONFIG_MALLOC`), set before the first connection opens.
//!
//! Why: the SQLite that sqlx bundles allocates with the C library's `malloc`,
//! while the gateway's Rust code uses mimalloc. sqlx copies every column of
//! every row it reads with `sqlite3_value_dup` and frees the copies when the
//! row drops: about 15 allocations and as many frees per column of a text
//! row, ~60 columns per USSD journey. Under callgrind one `sqlite3_malloc`
//! cost ~190 instructions through glibc; mimalloc's fast path is a fraction
//! of that (BENCHMARKS.md, "USSD CPU per hop, round 3").
//!
//! SQLite needs the size of a block back (`xSize`) and Rust's allocator needs
//! it to free, so each block carries its size in an 8-byte header, as
//! SQLite's own `malloc` wrapper does. Blocks are 8-byte aligned, as SQLite
//! requires.

use libsqlite3_sys as ffi;
use std::alloc::{Layout, alloc, dealloc, realloc};
use std::ffi::{c_int, c_void};
use std::sync::Once;

/// The header before each block: its size, which also keeps the block 8-byte aligned.
const HEADER: usize = 8;
const ALIGN: usize = 8;

/// The layout of a block of `n` bytes with its header.
fn layout(n: usize) -> Option<Layout> {
    Layout::from_size_align(n.checked_add(HEADER)?, ALIGN).ok()
}

/// Rounds a request up to what a block really holds (SQLite's `xRoundup`).
fn round_up(n: c_int) -> c_int {
    n.checked_add(ALIGN as c_int - 1)
        .map_or(n, |m| m & !(ALIGN as c_int - 1))
}

unsafe extern "C" fn x_malloc(n: c_int) -> *mut c_void {
    let Some(layout) = usize::try_from(n).ok().and_then(layout) else {
        return std::ptr::null_mut();
    };
    // SAFETY: the layout is never zero-sized (it holds the header); a null
    // result is passed on, which SQLite reports as SQLITE_NOMEM.
    unsafe {
        let base = alloc(layout);
        if base.is_null() {
            return base.cast();
        }
        base.cast::<usize>().write(layout.size() - HEADER);
        base.add(HEADER).cast()
    }
}

/// The block's base and its size, from a pointer `x_malloc` returned.
///
/// # Safety
/// `p` is non-null and came from `x_malloc` or `x_realloc`, not yet freed.
unsafe fn header(p: *mut c_void) -> (*mut u8, usize) {
    // SAFETY: per the contract, the header sits right before `p`.
    unsafe {
        let base = p.cast::<u8>().sub(HEADER);
        (base, base.cast::<usize>().read())
    }
}

unsafe extern "C" fn x_free(p: *mut c_void) {
    if p.is_null() {
        return;
    }
    // SAFETY: SQLite frees only what its xMalloc/xRealloc returned, once;
    // the layout is the one the block was allocated with.
    unsafe {
        let (base, n) = header(p);
        if let Some(layout) = layout(n) {
            dealloc(base, layout);
        }
    }
}

unsafe extern "C" fn x_realloc(p: *mut c_void, n: c_int) -> *mut c_void {
    if p.is_null() {
        // SAFETY: a realloc of nothing is an allocation.
        return unsafe { x_malloc(n) };
    }
    let Some(new) = usize::try_from(n).ok().and_then(layout) else {
        return std::ptr::null_mut();
    };
    // SAFETY: `p` is a live block of SQLite's (see `x_free`); on failure
    // `realloc` leaves it as it was, as SQLite expects.
    unsafe {
        let (base, old) = header(p);
        let Some(old) = layout(old) else {
            return std::ptr::null_mut();
        };
        let base = realloc(base, old, new.size());
        if base.is_null() {
            return base.cast();
        }
        base.cast::<usize>().write(new.size() - HEADER);
        base.add(HEADER).cast()
    }
}

unsafe extern "C" fn x_size(p: *mut c_void) -> c_int {
    if p.is_null() {
        return 0;
    }
    // SAFETY: SQLite asks the size of its own live blocks only; every size
    // came from a `c_int` request.
    unsafe { header(p).1 as c_int }
}

unsafe extern "C" fn x_roundup(n: c_int) -> c_int {
    round_up(n)
}

unsafe extern "C" fn x_init(_: *mut c_void) -> c_int {
    ffi::SQLITE_OK
}

unsafe extern "C" fn x_shutdown(_: *mut c_void) {}

/// Points SQLite's allocations at the global allocator, once per process, if
/// SQLite has not been initialised yet; otherwise (another part of the
/// process opened a connection first) it leaves them as they are.
pub(super) fn use_global_allocator() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let methods = ffi::sqlite3_mem_methods {
            xMalloc: Some(x_malloc),
            xFree: Some(x_free),
            xRealloc: Some(x_realloc),
            xSize: Some(x_size),
            xRoundup: Some(x_roundup),
            xInit: Some(x_init),
            xShutdown: Some(x_shutdown),
            pAppData: std::ptr::null_mut(),
        };
        // SAFETY: `SQLITE_CONFIG_MALLOC` takes a pointer to the methods and
        // copies them. `sqlite3_config` returns `SQLITE_MISUSE` without
        // touching anything once SQLite is initialised, so no block is ever
        // freed by an allocator other than the one that made it.
        let rc = unsafe { ffi::sqlite3_config(ffi::SQLITE_CONFIG_MALLOC, &raw const methods) };
        if rc != ffi::SQLITE_OK {
            tracing::debug!(
                rc,
                "SQLite was initialised already; it keeps the C library's malloc"
            );
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_round_up_to_whole_eight_byte_words() {
        assert_eq!(round_up(1), 8);
        assert_eq!(round_up(8), 8);
        assert_eq!(round_up(9), 16);
        assert_eq!(round_up(c_int::MAX), c_int::MAX);
    }

    #[test]
    fn a_block_knows_its_size_keeps_its_bytes_when_grown_and_frees() {
        // SAFETY: the functions SQLite would call, used as SQLite uses them.
        unsafe {
            let p = x_malloc(5);
            assert!(!p.is_null());
            assert_eq!(p as usize % ALIGN, 0);
            assert_eq!(x_size(p), 5);
            p.cast::<u8>().copy_from(b"hello".as_ptr(), 5);
            let q = x_realloc(p, 4000);
            assert_eq!(x_size(q), 4000);
            assert_eq!(std::slice::from_raw_parts(q.cast::<u8>(), 5), b"hello");
            x_free(q);
            x_free(std::ptr::null_mut());
            assert!(x_malloc(-1).is_null());
        }
    }
}
