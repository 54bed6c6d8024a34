//! Where input came from: the one place that knows what was *received* (a
//! file in the returns folder, byte for byte what the archive keeps) and
//! what it *holds* (the inputs ingest reads: the file itself, or the members
//! of a zip attachment, each with its own display path such as
//! `3月报表.zip/区司法局.xlsx`).
//!
//! - `folder`: the files of the returns folder (recursive, sorted) and
//!   reading one of them.
//! - `zip`: a `.zip` attachment unpacked in memory: member names in UTF-8 or
//!   GBK/GB18030, junk skipped, paths sanitised, nested zips to depth 2, the
//!   limits applied to the zip as a whole.
//! - `unsupported`: archives duban does not unpack (.rar, .7z …), told
//!   apart by their magic bytes.
//!
//! A new kind of source is one new file here: it turns received bytes into
//! [`Input`]s. Nothing here writes anything, and a member's path is only
//! ever a display name (never joined to a folder on disk).

mod folder;
mod unsupported;
mod zip;

use std::path::{Path, PathBuf};

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

pub(crate) use folder::discover;

use crate::config::Limits;
use crate::ingest::{self, Content, Ingested, Input};
use crate::model::IssueCode;

/// Zips inside zips are unpacked down to this depth (the received zip is 1).
pub(crate) const MAX_ZIP_DEPTH: u32 = 2;

/// What a received file turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum ReceivedKind {
    /// Read as one input (a form, or a file that is listed or refused).
    File,
    /// A zip attachment whose members are the inputs.
    Zip,
}

/// One file of the returns folder, as received: what the archive copies
/// byte for byte (a zip as a whole, never its members).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Received {
    /// Where it is on disk (not serialised).
    #[serde(skip)]
    pub(crate) abs: PathBuf,
    /// Path relative to the returns folder, `/`-separated.
    pub(crate) path: String,
    pub(crate) size: u64,
    /// Hex SHA-256 of the file.
    pub(crate) sha256: String,
    pub(crate) kind: ReceivedKind,
    /// Inputs it gave (members of a zip, nested zips' members included).
    pub inputs: u32,
}

/// Read one received file of the returns folder and hand every input it
/// holds to `sink`, in path order (members of a zip sorted by their path).
/// Never panics and never fails: what cannot be read is an input refused
/// with the reason.
pub fn read(path: &Path, root: &Path, limits: &Limits, sink: &mut dyn FnMut(Input)) -> Received {
    let (mut received, bytes, modified) = folder::read(path, root, limits);
    let Some(bytes) = bytes else {
        // Refused unread (too large, no permission): one input saying why.
        received.inputs = 1;
        sink(folder::refused(&received, modified, limits));
        return received;
    };
    let mut unpack = Unpack {
        limits,
        container: received.path.clone(),
        budget: limits.max_inflated_bytes,
        members: 0,
        inputs: 0,
    };
    let zipped = unpack.item(
        Item {
            rel: received.path.clone(),
            modified,
            sha256: received.sha256.clone(),
            bytes,
            depth: 0,
        },
        &mut |i| sink(i),
    );
    received.kind = if zipped {
        ReceivedKind::Zip
    } else {
        ReceivedKind::File
    };
    received.inputs = unpack.inputs;
    received
}

/// Read one file on disk as one input, whatever it holds (a zip is not
/// unpacked), and ingest it: for tests and tools that look at one file.
pub fn ingest_one(path: &Path, root: &Path, limits: &Limits) -> Ingested {
    let (received, bytes, modified) = folder::read(path, root, limits);
    let input = match bytes {
        Some(bytes) => Input {
            rel: received.path,
            container: None,
            modified,
            size: received.size,
            sha256: received.sha256,
            content: Content::Bytes(bytes),
        },
        None => folder::refused(&received, modified, limits),
    };
    ingest::ingest_input(input, limits)
}

/// An input's name as the unit that sent it knows it: the file name, or
/// for a zip member its path from the received zip on
/// (`3月报表.zip/区司法局.xlsx`), without the folders the clerk filed it in.
pub(crate) fn display_name<'a>(rel: &'a str, container: Option<&str>) -> &'a str {
    let last = rel.rsplit('/').next().unwrap_or(rel);
    let Some(container) = container else {
        return last;
    };
    match container.rsplit_once('/') {
        Some((folder, _)) => rel
            .strip_prefix(folder)
            .and_then(|r| r.strip_prefix('/'))
            .unwrap_or(last),
        None => rel,
    }
}

/// Bytes on their way to becoming inputs.
struct Item {
    rel: String,
    modified: Option<NaiveDateTime>,
    sha256: String,
    bytes: Vec<u8>,
    /// 0 for a received file, 1 for a member of the received zip …
    depth: u32,
}

/// The state of unpacking one received file: what is left of the limits
/// that apply to it as a whole.
struct Unpack<'l> {
    limits: &'l Limits,
    /// The received file's relative path (every input's container).
    container: String,
    /// Inflated bytes still allowed (`Limits::max_inflated_bytes` in all).
    budget: u64,
    /// Zip members met so far (against `Limits::max_zip_members`).
    members: u32,
    /// Inputs handed out.
    inputs: u32,
}

impl Unpack<'_> {
    /// Hand `item` out as one input, or unpack it when it is a zip
    /// attachment (true then). An archive that is not unpacked is refused.
    fn item(&mut self, item: Item, sink: &mut dyn FnMut(Input)) -> bool {
        let name = item.rel.rsplit('/').next().unwrap_or(&item.rel);
        if let Some(kind) = unsupported::archive_kind(&item.bytes, name) {
            let msg = format!(
                "这是 {kind} 压缩包，无法解压读取。请把各单位的反馈表直接作为附件(.xlsx)发送，或改用 .zip 格式压缩后重新报送。"
            );
            self.refuse(item, IssueCode::FileArchiveUnsupported, msg, sink);
            return false;
        }
        if zip::is_attachment(&item.bytes, name) {
            if item.depth >= MAX_ZIP_DEPTH {
                let msg = format!(
                    "压缩包中又套了多层压缩包（超过{MAX_ZIP_DEPTH}层），未解压。请把反馈表直接作为附件发送，或只压缩一层(.zip)后报送。"
                );
                self.refuse(item, IssueCode::FileArchiveUnsupported, msg, sink);
                return false;
            }
            zip::unpack(self, item, sink);
            return true;
        }
        self.emit(item, Content::Bytes, sink);
        false
    }

    /// Hand `item` out refused, with the reason.
    fn refuse(
        &mut self,
        item: Item,
        code: IssueCode,
        message: String,
        sink: &mut dyn FnMut(Input),
    ) {
        self.emit(item, |_| Content::Refused { code, message }, sink);
    }

    fn emit(
        &mut self,
        item: Item,
        content: impl FnOnce(Vec<u8>) -> Content,
        sink: &mut dyn FnMut(Input),
    ) {
        self.inputs += 1;
        let container = (item.depth > 0).then(|| self.container.clone());
        sink(Input {
            rel: item.rel,
            container,
            modified: item.modified,
            size: item.bytes.len() as u64,
            sha256: item.sha256,
            content: content(item.bytes),
        });
    }
}

#[cfg(test)]
mod tests;
