//! Hot reload: watch the menus directory and swap in a new set only after it
//! validates; a broken edit is logged and counted, and the old menus stay.
//!
//! Polls modification times rather than using OS notifications: menu edits are
//! rare, a poll every few seconds is cheap, and it behaves the same on every
//! filesystem (including bind mounts where inotify events go missing).

use super::service::UssdService;
use std::path::{Path, PathBuf};
use std::time::SystemTime;
use tokio_util::sync::CancellationToken;

/// What the files look like now: (path, size, modified) of every menu file.
pub fn fingerprint(dir: &Path) -> Vec<(PathBuf, u64, Option<SystemTime>)> {
    let files = crate::menu::load::menu_files(&[dir.to_path_buf()]).unwrap_or_default();
    files
        .into_iter()
        .map(|p| {
            let meta = std::fs::metadata(&p).ok();
            let size = meta.as_ref().map_or(0, |m| m.len());
            let modified = meta.and_then(|m| m.modified().ok());
            (p, size, modified)
        })
        .collect()
}

/// Spawns the watcher if `hot_reload` is on; it stops when `shutdown` is cancelled.
pub fn spawn(
    service: UssdService,
    shutdown: CancellationToken,
) -> Option<tokio::task::JoinHandle<()>> {
    if !service.settings().hot_reload {
        return None;
    }
    // Taken now, not in the task, so an edit made right after spawning is still seen.
    let seen = fingerprint(&service.settings().menus_dir);
    Some(tokio::spawn(watch(service, seen, shutdown)))
}

async fn watch(
    service: UssdService,
    mut seen: Vec<(PathBuf, u64, Option<SystemTime>)>,
    shutdown: CancellationToken,
) {
    let dir = service.settings().menus_dir.clone();
    let mut tick = tokio::time::interval(service.settings().reload_interval);
    loop {
        tokio::select! {
            _ = shutdown.cancelled() => return,
            _ = tick.tick() => {}
        }
        let now = fingerprint(&dir);
        if now != seen {
            seen = now;
            // Errors are logged and counted inside; the old set stays in force.
            let _ = service.reload();
        }
    }
}
