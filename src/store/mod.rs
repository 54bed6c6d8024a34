//! What a run keeps on disk: the archive of every period (received files,
//! outputs, SHA-256 manifest) and the history later runs read back from it.

pub mod archive;
pub mod history;
