//! The returns folder: every file in it (recursively, sorted by relative
//! path) and reading one of them whole.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use chrono::NaiveDateTime;

use super::{Received, ReceivedKind};
use crate::config::Limits;
use crate::ingest::{too_large_message, Content, Input};
use crate::model::IssueCode;
use crate::store::digest::{sha256_file, sha256_hex};

/// Every file under `returns`, recursively, sorted by relative path.
/// Symlinked folders are followed once (no loops).
pub(crate) fn discover(returns: &Path) -> anyhow::Result<Vec<PathBuf>> {
    use anyhow::Context;
    let meta = std::fs::metadata(returns)
        .with_context(|| format!("无法打开报送文件夹 {}，请确认路径正确", returns.display()))?;
    if !meta.is_dir() {
        anyhow::bail!(
            "{} 不是文件夹，请指定存放各单位报送表格的文件夹",
            returns.display()
        );
    }
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    let mut stack = vec![returns.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let canon = std::fs::canonicalize(&dir).unwrap_or_else(|_| dir.clone());
        if !seen.insert(canon) {
            continue;
        }
        let entries =
            std::fs::read_dir(&dir).with_context(|| format!("无法读取文件夹 {}", dir.display()))?;
        for entry in entries.flatten() {
            let path = entry.path();
            // `metadata` follows symlinks; a dangling link is skipped.
            let Ok(m) = std::fs::metadata(&path) else {
                continue;
            };
            if m.is_dir() {
                stack.push(path);
            } else if m.is_file() {
                out.push(path);
            }
        }
    }
    out.sort_by_cached_key(|p| rel_path(p, returns));
    Ok(out)
}

/// `path` relative to `root`, `/`-separated (the file name when outside `root`).
pub(super) fn rel_path(path: &Path, root: &Path) -> String {
    match path.strip_prefix(root) {
        Ok(rel) => rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/"),
        Err(_) => path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
    }
}

/// Read a file of the folder whole: the received file and its bytes (None
/// when it is over `Limits::max_file_bytes` or cannot be opened; its hash is
/// then streamed from disk when possible), with its modification time.
pub(super) fn read(
    path: &Path,
    root: &Path,
    limits: &Limits,
) -> (Received, Option<Vec<u8>>, Option<NaiveDateTime>) {
    let meta = std::fs::metadata(path).ok();
    let modified = meta
        .as_ref()
        .and_then(|m| m.modified().ok())
        .map(|t| chrono::DateTime::<chrono::Local>::from(t).naive_local());
    let mut received = Received {
        abs: path.to_path_buf(),
        path: rel_path(path, root),
        size: meta.as_ref().map_or(0, |m| m.len()),
        sha256: String::new(),
        kind: ReceivedKind::File,
        inputs: 0,
    };
    if received.size > limits.max_file_bytes {
        received.sha256 = sha256_file(path).unwrap_or_default();
        return (received, None, modified);
    }
    match std::fs::read(path) {
        Ok(bytes) => {
            received.size = bytes.len() as u64;
            received.sha256 = sha256_hex(&bytes);
            (received, Some(bytes), modified)
        }
        Err(_) => (received, None, modified),
    }
}

/// The input of a received file that could not be read whole: too large,
/// or not readable at all.
pub(super) fn refused(
    received: &Received,
    modified: Option<NaiveDateTime>,
    limits: &Limits,
) -> Input {
    let (code, message) = if received.size > limits.max_file_bytes {
        (
            IssueCode::FileTooLarge,
            too_large_message(received.size, limits),
        )
    } else {
        (
            IssueCode::FileUnreadable,
            "无法打开文件（可能正被其他程序占用或没有读取权限）。请关闭文件后重试，或重新报送一份。"
                .to_string(),
        )
    };
    Input {
        rel: received.path.clone(),
        container: None,
        modified,
        size: received.size,
        sha256: received.sha256.clone(),
        content: Content::Refused { code, message },
    }
}
