//! What a run keeps on disk, written atomically: the archive of every period (received files,
//! outputs, SHA-256 manifest) and the history later runs read back from it.

pub mod archive;
pub mod atomic;
pub mod digest;
pub mod history;
