//! What a run keeps on disk, written atomically: the archive of every period
//! and round (received files, outputs, SHA-256 manifest; [`layout`] says
//! where), the snapshot of each run's results in a lasting schema
//! ([`snapshot`]) and the history later runs read back from it ([`history`]).

pub mod archive;
pub mod atomic;
pub mod digest;
pub mod history;
pub mod layout;
pub mod snapshot;
