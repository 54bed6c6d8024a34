//! duban (督办): read returned progress forms, check them cell by cell, merge
//! them, compute planned progress, cards, scores and rankings, and write
//! consolidated workbooks.
//!
//! Pipeline: [`source`] → [`ingest`] → [`validate`] → [`merge`] → score → report
//! (the last two are internal to the crate; the command line, [`cli`], runs them all).

#![warn(missing_docs)]

pub mod calendar;
pub mod cli;
pub(crate) mod closing;
pub mod config;
pub mod due;
pub mod ingest;
pub(crate) mod json;
pub mod merge;
pub mod model;
pub mod period;
pub(crate) mod pipeline;
pub(crate) mod report;
pub(crate) mod rollup;
pub(crate) mod samples;
pub(crate) mod schema;
pub(crate) mod score;
pub mod source;
pub mod store;
pub(crate) mod templates;
#[doc(hidden)]
pub mod test_support;
pub mod text;
pub(crate) mod timing;
pub mod validate;
pub mod value;
