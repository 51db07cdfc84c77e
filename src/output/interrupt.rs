//! Interrupted builds: `SIGINT` (Ctrl-C), `SIGTERM` and `SIGHUP` during `build` remove what the
//! build has written so far — its temporary files (`.NAME.PID.baipi-tmp`), its new files and
//! the folders it made — and end the process with 128 + the signal's number (130, 143, 129),
//! leaving the previous output as it was.
//!
//! [`install`] blocks those signals in every thread (it runs before any other thread starts, so
//! rayon's threads inherit the mask) and waits for them in a thread of its own with `sigwait`.
//! The cleanup therefore runs as ordinary code, not in a signal handler: it may take locks and
//! allocate. Every write of a [`super::Stager`] holds [`writing`] (a shared lock) while it records
//! and writes a file; the cleanup takes the lock exclusively, so it waits for the writes in
//! progress and no new one starts, then rolls back every stager not yet committed. A signal
//! during the commit (the renames that put the new site in place) waits for the commit to end:
//! the folder then holds the whole new site, never a mix.

use std::sync::{Arc, Mutex, RwLock, RwLockReadGuard};

/// What the cleanup undoes: implemented by the stager's shared state.
pub trait Undo: Send + Sync {
    /// Removes what was written, unless it has been committed.
    fn undo(&self);
}

static GATE: RwLock<()> = RwLock::new(());
static ACTIVE: Mutex<Vec<Arc<dyn Undo>>> = Mutex::new(Vec::new());

/// Held while a file is recorded and written (and for the whole commit): an interrupt waits for
/// it, and no write starts once the cleanup has begun.
pub fn writing() -> RwLockReadGuard<'static, ()> {
    GATE.read().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Registers a write in progress, to be undone on an interrupt.
pub fn register(w: Arc<dyn Undo>) {
    lock_active().push(w);
}

/// Forgets a write (committed or rolled back).
pub fn unregister(w: &Arc<dyn Undo>) {
    let same = |a: &Arc<dyn Undo>| std::ptr::addr_eq(Arc::as_ptr(a), Arc::as_ptr(w));
    lock_active().retain(|a| !same(a));
}

fn lock_active() -> std::sync::MutexGuard<'static, Vec<Arc<dyn Undo>>> {
    ACTIVE.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Undoes every registered write (waiting for the writes in progress) and keeps new ones from
/// starting; returns the guard that keeps them out, and how many writes were undone.
fn undo_all() -> (std::sync::RwLockWriteGuard<'static, ()>, usize) {
    let gate = GATE.write().unwrap_or_else(std::sync::PoisonError::into_inner);
    let active = lock_active();
    for w in active.iter() {
        w.undo();
    }
    (gate, active.len())
}

#[cfg(unix)]
const SIGNALS: [(libc::c_int, &str); 3] =
    [(libc::SIGINT, "SIGINT"), (libc::SIGTERM, "SIGTERM"), (libc::SIGHUP, "SIGHUP")];

/// Makes `SIGINT`, `SIGTERM` and `SIGHUP` undo the writes in progress and exit with 128 + the
/// signal's number. Call it before any other thread is started. Where it cannot be set up, the
/// signals keep their default action (and a later build removes the temporary files).
pub fn install() {
    #[cfg(unix)]
    install_unix();
}

#[cfg(unix)]
fn install_unix() {
    // SAFETY: a zeroed sigset_t is a valid value to hand to sigemptyset, which initialises it;
    // the set is only read after that.
    let mut set: libc::sigset_t = unsafe { std::mem::zeroed() };
    // SAFETY: `set` is a valid, exclusively borrowed sigset_t; the signal numbers are valid.
    let blocked = unsafe {
        libc::sigemptyset(&mut set);
        for (s, _) in SIGNALS {
            libc::sigaddset(&mut set, s);
        }
        libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut()) == 0
    };
    if !blocked {
        return;
    }
    let waiter = std::thread::Builder::new().name("baipi-signals".into()).spawn(move || {
        loop {
            let mut sig: libc::c_int = 0;
            // SAFETY: `set` is an initialised sigset_t and `sig` a valid place for the result.
            if unsafe { libc::sigwait(&set, &mut sig) } == 0 {
                let (_gate, undone) = undo_all();
                let name = SIGNALS.iter().find(|(s, _)| *s == sig).map_or("a signal", |(_, n)| n);
                if undone > 0 {
                    eprintln!(
                        "interrupted by {name}: the files this build had written were removed; the output folder is as it was"
                    );
                } else {
                    eprintln!("interrupted by {name}");
                }
                std::process::exit(128 + sig);
            }
        }
    });
    if waiter.is_err() {
        // No thread to wait for the signals: give them back their default action.
        // SAFETY: as above.
        unsafe {
            libc::pthread_sigmask(libc::SIG_UNBLOCK, &set, std::ptr::null_mut());
        }
    }
}
