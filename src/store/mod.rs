//! What a run keeps on disk, written atomically: the archive of every period
//! and round (received files, outputs, SHA-256 manifest; `layout` says
//! where), the snapshot of each run's results in a lasting schema
//! (`snapshot`) and the history later runs read back from it ([`history`]).

pub(crate) mod archive;
pub(crate) mod atomic;
pub(crate) mod digest;
pub mod history;
pub(crate) mod layout;
pub(crate) mod snapshot;
