//! Phase timings on stderr when `DUBAN_TIMINGS` is set — for profiling a
//! run (`DUBAN_TIMINGS=1 duban run …`); silent otherwise.

use std::sync::OnceLock;
use std::time::Instant;

fn enabled() -> bool {
    static ON: OnceLock<bool> = OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("DUBAN_TIMINGS").is_some())
}

/// Prints the phase's wall time when dropped.
pub struct Phase {
    name: &'static str,
    start: Instant,
}

/// Start timing a phase.
pub fn phase(name: &'static str) -> Phase {
    Phase {
        name,
        start: Instant::now(),
    }
}

impl Drop for Phase {
    fn drop(&mut self) {
        if enabled() {
            eprintln!(
                "[timing] {:<24} {:>9.3} s",
                self.name,
                self.start.elapsed().as_secs_f64()
            );
        }
    }
}
