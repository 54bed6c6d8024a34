//! Atomic writes: every file duban writes is filled as a temporary file in
//! its own folder and renamed into place, so nobody (and no crash) ever sees
//! half a file, and an existing file is replaced whole or not at all.

use std::fs;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::Serialize;

/// Size of the write buffer: the outputs are streamed, never held whole.
const BUFFER: usize = 1 << 16;

/// A file being written atomically: a hidden temporary file
/// (`.duban-XXXXXX.tmp`) beside its final path, renamed over it by
/// [`AtomicFile::commit`]. Dropped without a commit, it is removed.
pub(crate) struct AtomicFile {
    tmp: tempfile::NamedTempFile,
    path: PathBuf,
}

impl AtomicFile {
    /// Start writing `path`; its folder is created as needed.
    pub(crate) fn create(path: &Path) -> Result<AtomicFile> {
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        fs::create_dir_all(dir).with_context(|| format!("无法创建文件夹 {}", dir.display()))?;
        let mut builder = tempfile::Builder::new();
        builder.prefix(".duban-").suffix(".tmp");
        #[cfg(unix)]
        builder.permissions(new_file_permissions());
        let tmp = builder
            .tempfile_in(dir)
            .with_context(|| format!("无法在 {} 中创建临时文件", dir.display()))?;
        Ok(AtomicFile {
            tmp,
            path: path.to_path_buf(),
        })
    }

    /// A buffered writer into the temporary file (it implements `Seek` too,
    /// as zip writers need). Flush it before [`AtomicFile::commit`].
    pub(crate) fn writer(&self) -> BufWriter<&fs::File> {
        BufWriter::with_capacity(BUFFER, self.tmp.as_file())
    }

    /// Ask the system to put the content on disk before the rename (for
    /// the few files that are a record: the archive's, the settings).
    pub(crate) fn sync(&self) {
        // Best effort: some file systems cannot, and the rename still is atomic.
        self.tmp.as_file().sync_all().ok();
    }

    /// Rename the temporary file over the final path (replacing a file
    /// already there). The caller says what failed in its own words.
    pub(crate) fn commit(self) -> std::io::Result<()> {
        self.tmp.persist(&self.path).map(drop).map_err(|e| e.error)
    }
}

/// The mode of any new file, 0666, which the system narrows by the umask
/// at creation (usually to 0644). tempfile's own default, 0600, would make
/// the outputs unreadable to the colleagues sharing the folder.
#[cfg(unix)]
fn new_file_permissions() -> fs::Permissions {
    use std::os::unix::fs::PermissionsExt;
    fs::Permissions::from_mode(0o666)
}

/// Write a file atomically, its content streamed by `fill` through a
/// buffer, and synced to disk before it takes its name.
pub(crate) fn write_with(
    path: &Path,
    fill: impl FnOnce(&mut BufWriter<&fs::File>) -> std::io::Result<()>,
) -> Result<()> {
    let file = AtomicFile::create(path)?;
    {
        let mut w = file.writer();
        fill(&mut w)
            .and_then(|()| w.flush())
            .with_context(|| format!("无法写入 {}", path.display()))?;
    }
    file.sync();
    file.commit()
        .with_context(|| format!("无法写入 {}", path.display()))
}

/// Write a document a clerk opens (a workbook, a Word file) atomically, its
/// content streamed by `fill`, which says in its own words what failed. A
/// failed rename is most often the old file being open in `app`, so the
/// message asks.
pub(crate) fn write_document(
    path: &Path,
    app: &str,
    fill: impl FnOnce(&mut BufWriter<&fs::File>) -> Result<()>,
) -> Result<()> {
    let file = AtomicFile::create(path)?;
    {
        let mut w = file.writer();
        fill(&mut w)?;
        w.flush()
            .with_context(|| format!("无法写入 {}", path.display()))?;
    }
    file.commit()
        .with_context(|| format!("无法保存 {}（文件是否正被 {app} 打开？）", path.display()))
}

/// Write a text file atomically.
pub(crate) fn write_text(path: &Path, text: &str) -> Result<()> {
    write_with(path, |w| w.write_all(text.as_bytes()))
}

/// Pretty JSON of `value` and a newline, streamed into a file written atomically.
pub(crate) fn write_json(path: &Path, value: &impl Serialize) -> Result<()> {
    write_with(path, |mut w| {
        serde_json::to_writer_pretty(&mut w, value)?;
        w.write_all(b"\n")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leftovers(dir: &Path) -> Vec<String> {
        fs::read_dir(dir)
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".tmp"))
            .collect()
    }

    #[test]
    fn writes_creates_folders_and_replaces_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a/b/c.txt");
        write_text(&path, "第一版\n").unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "第一版\n");
        write_json(&path, &serde_json::json!({"期次": "2023-03"})).unwrap();
        assert_eq!(
            fs::read_to_string(&path).unwrap(),
            "{\n  \"期次\": \"2023-03\"\n}\n"
        );
        assert!(leftovers(path.parent().unwrap()).is_empty());
    }

    #[test]
    fn a_failed_fill_leaves_the_old_file_and_no_temporary_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("summary.json");
        write_text(&path, "old").unwrap();
        let err = write_with(&path, |w| {
            w.write_all(b"half")?;
            Err(std::io::Error::other("disk full"))
        })
        .unwrap_err();
        assert!(format!("{err:#}").contains("无法写入"), "{err:#}");
        assert_eq!(fs::read_to_string(&path).unwrap(), "old");
        assert!(leftovers(dir.path()).is_empty());
    }

    /// Set to a folder: the test below, run again in a child process under
    /// umask 022, writes its files there.
    #[cfg(unix)]
    const UMASK_CHILD: &str = "DUBAN_TEST_UMASK_DIR";

    #[cfg(unix)]
    #[test]
    fn outputs_get_the_permissions_of_any_new_file() {
        use std::os::unix::fs::PermissionsExt;
        let name = "store::atomic::tests::outputs_get_the_permissions_of_any_new_file";
        if let Some(dir) = std::env::var_os(UMASK_CHILD) {
            // The child: a plain new file beside an atomic text and an atomic file.
            let dir = Path::new(&dir);
            fs::write(dir.join("plain.txt"), "x").unwrap();
            write_text(&dir.join("atomic.txt"), "x").unwrap();
            let file = AtomicFile::create(&dir.join("atomic.xlsx")).unwrap();
            file.writer().write_all(b"PK").unwrap();
            file.commit().unwrap();
            return;
        }
        // The umask is the process's: set it for a child, not for the tests
        // running beside this one.
        let dir = tempfile::tempdir().unwrap();
        let status = std::process::Command::new("sh")
            .args([
                "-c",
                "umask 022 && exec \"$0\" \"$1\" --exact --test-threads=1",
            ])
            .arg(std::env::current_exe().unwrap())
            .arg(name)
            .env(UMASK_CHILD, dir.path())
            .stdout(std::process::Stdio::null())
            .status()
            .unwrap();
        assert!(status.success());
        let mode = |f: &str| {
            let m = fs::metadata(dir.path().join(f)).expect(f).permissions();
            format!("{:o}", m.mode() & 0o777)
        };
        assert_eq!(mode("plain.txt"), "644");
        assert_eq!(mode("atomic.txt"), "644", "not tempfile's 600");
        assert_eq!(mode("atomic.xlsx"), "644");
    }

    #[test]
    fn an_uncommitted_file_is_removed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.xlsx");
        let file = AtomicFile::create(&path).unwrap();
        file.writer().write_all(b"PK").unwrap();
        assert_eq!(leftovers(dir.path()).len(), 1);
        drop(file);
        assert!(leftovers(dir.path()).is_empty());
        assert!(!path.exists());
    }
}
