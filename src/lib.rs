//! duban (督办): read returned progress forms, check them cell by cell, merge
//! them, compute planned progress, cards, scores and rankings, and write
//! consolidated workbooks.
//!
//! Pipeline: [`source`] → [`ingest`] → [`validate`] → [`merge`] → [`score`] → [`report`].

pub mod calendar;
pub mod cli;
pub mod closing;
pub mod config;
pub mod due;
pub mod ingest;
pub mod json;
pub mod merge;
pub mod model;
pub mod period;
pub mod pipeline;
pub mod report;
pub mod rollup;
pub mod samples;
pub mod schema;
pub mod score;
pub mod source;
pub mod store;
pub mod templates;
#[doc(hidden)]
pub mod test_support;
pub mod text;
pub mod timing;
pub mod validate;
pub mod value;
