//! Phase timings on stderr when `DUBAN_TIMINGS` is set — for profiling a
//! run (`DUBAN_TIMINGS=1 duban run …`); silent otherwise.

use std::sync::OnceLock;
use std::time::Instant;

fn enabled() -> bool {
    static ON: OnceLock<bool> = OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("DUBAN_TIMINGS").is_some())
}

/// Prints the phase's wall time when dropped.
pub(crate) struct Phase {
    name: &'static str,
    start: Instant,
}

/// Start timing a phase.
pub(crate) fn phase(name: &'static str) -> Phase {
    Phase {
        name,
        start: Instant::now(),
    }
}

impl Drop for Phase {
    fn drop(&mut self) {
        if enabled() {
            eprintln!(
                "[timing] {:<24} {:>9.3} s  {}",
                self.name,
                self.start.elapsed().as_secs_f64(),
                memory()
            );
        }
    }
}

/// Current and peak resident memory (Linux; empty elsewhere).
#[cfg(not(target_os = "linux"))]
fn memory() -> String {
    String::new()
}

/// Current and peak resident memory (Linux; empty elsewhere).
#[cfg(target_os = "linux")]
fn memory() -> String {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |key: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(key))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            .map(|kb| kb / 1024)
    };
    match (field("VmRSS:"), field("VmHWM:")) {
        (Some(now), Some(peak)) => format!("rss {now} MB, peak {peak} MB"),
        _ => String::new(),
    }
}
