//! The sheets of `汇总_<period>.xlsx`, one file each, over the run's
//! [`Figures`](crate::report::figures::Figures).

pub mod alerts;
pub mod issues;
pub mod leaders;
pub mod ledger;
pub mod overview;
mod overview_charts;
pub mod ranking;
pub mod rejected;
pub mod reminders;
pub mod submissions;
pub mod table;
