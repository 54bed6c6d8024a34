//! The integration tests, one test crate (one link): the real binary and the
//! library's stages on real workbooks, one module per subject. Fixtures are
//! in `tests/fixtures/`.

mod common;

mod checks;
mod cli;
mod damaged;
mod documents;
mod fill;
mod formats;
mod forms;
mod fuzz;
mod ledger;
mod messages;
mod paper;
mod rollup;
mod rollup_bulletin;
mod rules;
mod run;
mod safety;
mod sheets;
mod sources;
mod year;
