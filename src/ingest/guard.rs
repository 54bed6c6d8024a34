//! What keeps one bad file from taking the batch down: panics inside a
//! parser caught quietly, and a memory budget shared by the threads parsing.

/// Bytes being parsed right now, across threads. Parsing costs a multiple
/// of the (inflated) bytes in memory, so files are let in only while the sum
/// stays within `Limits::max_inflated_bytes`: big files are parsed one at a
/// time, whatever the thread count, and small ones freely in parallel.
static IN_FLIGHT: (std::sync::Mutex<u64>, std::sync::Condvar) =
    (std::sync::Mutex::new(0), std::sync::Condvar::new());

pub(crate) struct MemoryBudget(u64);

impl MemoryBudget {
    /// Wait until `work` bytes fit (a file always goes when nothing else runs).
    pub(crate) fn acquire(work: u64, cap: u64) -> MemoryBudget {
        let w = work.min(cap);
        let (lock, cv) = &IN_FLIGHT;
        let mut used = lock.lock().unwrap_or_else(|e| e.into_inner());
        while *used > 0 && used.saturating_add(w) > cap {
            used = cv.wait(used).unwrap_or_else(|e| e.into_inner());
        }
        *used += w;
        MemoryBudget(w)
    }
}

impl Drop for MemoryBudget {
    fn drop(&mut self) {
        let (lock, cv) = &IN_FLIGHT;
        let mut used = lock.lock().unwrap_or_else(|e| e.into_inner());
        *used = used.saturating_sub(self.0);
        cv.notify_all();
    }
}

thread_local! {
    /// True while this thread parses a returned file under `catch_unwind`.
    static IN_PARSE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    /// `file:line` of the last panic caught while parsing on this thread.
    static LAST_PARSER_PANIC: std::cell::RefCell<Option<String>> =
        const { std::cell::RefCell::new(None) };
}

/// Where the last parser panic caught on this thread happened (`file:line`),
/// taken out. For tests (the fuzz target tells a panic in duban's own code
/// from one inside calamine); the run itself only reports a damaged file.
#[doc(hidden)]
pub fn take_last_parser_panic() -> Option<String> {
    LAST_PARSER_PANIC.with(|p| p.borrow_mut().take())
}

/// Marks the current thread as parsing until dropped (also on unwind).
pub(crate) struct ParsingGuard(bool);

impl ParsingGuard {
    pub(crate) fn enter() -> ParsingGuard {
        ParsingGuard(IN_PARSE.with(|f| f.replace(true)))
    }
}

impl Drop for ParsingGuard {
    fn drop(&mut self) {
        let prev = self.0;
        IN_PARSE.with(|f| f.set(prev));
    }
}

/// Once per process: a panic hook that stays silent for panics inside a
/// parser (they become a file-level issue; a backtrace mid-run would only
/// alarm the clerk) and hands every other panic to the previous hook.
/// Hooks are global and rayon threads parse in parallel, hence the
/// thread-local flag rather than swapping hooks around each parse.
pub(crate) fn install_quiet_panic_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if IN_PARSE.with(|f| f.get()) {
                let at = info
                    .location()
                    .map(|l| format!("{}:{}", l.file(), l.line()))
                    .unwrap_or_default();
                LAST_PARSER_PANIC.with(|p| *p.borrow_mut() = Some(at));
            } else {
                previous(info);
            }
        }));
    });
}
