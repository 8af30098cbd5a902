//! The files a run writes (findings.csv, findings.json, the inventory): private to the user who
//! runs it (files 0600, a directory it creates 0700, whatever the umask), never written through
//! a symlink planted at their path, and all or nothing: each is written to a new temporary file
//! in its own directory and renamed over its name only once it is complete. Output places are
//! checked before anything is collected, so that an hour-long scan never ends in "cannot write".

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};

/// A directory that reports may be written into: it exists, is a directory, belongs to the user
/// who runs perimeter, and takes a new file.
#[derive(Debug, Clone)]
pub struct OutputDir {
    pub path: PathBuf,
}

impl OutputDir {
    /// Creates the directory (0700) when it does not exist, and checks it.
    pub fn prepare(path: &Path) -> anyhow::Result<OutputDir> {
        match std::fs::metadata(path) {
            Ok(m) if !m.is_dir() => bail!("the output directory {} is not a directory", path.display()),
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => create_private_dir(path)?,
            Err(e) => return Err(e).with_context(|| format!("the output directory {}", path.display())),
        }
        check_writable_and_owned(path)?;
        Ok(OutputDir { path: path.to_path_buf() })
    }

    /// The directory that holds `file` (its parent, or `.`), checked as [`OutputDir::prepare`]
    /// checks, and `file` itself must not be a directory.
    pub fn of_file(file: &Path) -> anyhow::Result<OutputDir> {
        if file.is_dir() {
            bail!("{} is a directory, not a file to write", file.display());
        }
        let parent = file.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        OutputDir::prepare(parent)
    }
}

fn create_private_dir(path: &Path) -> anyhow::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(path).with_context(|| format!("creating the output directory {}", path.display()))
}

/// A probe file proves the directory takes new files; it also tells who we are, so that a
/// directory owned by someone else (who could plant links in it) is refused.
fn check_writable_and_owned(dir: &Path) -> anyhow::Result<()> {
    let probe = new_private_temp(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let me = probe.as_file().metadata().context("reading a new file's owner")?.uid();
        let owner = std::fs::metadata(dir).with_context(|| format!("reading {}", dir.display()))?.uid();
        if owner != me {
            bail!(
                "the output directory {} belongs to another user (uid {owner}); perimeter writes its reports only into a directory of its own user (uid {me})",
                dir.display()
            );
        }
    }
    drop(probe);
    Ok(())
}

fn new_private_temp(dir: &Path) -> anyhow::Result<tempfile::NamedTempFile> {
    let mut builder = tempfile::Builder::new();
    builder.prefix(".perimeter-").suffix(".tmp");
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o600));
    builder.tempfile_in(dir).with_context(|| format!("cannot write into {}", dir.display()))
}

/// Writes `path` all or nothing: `write` fills a private temporary file beside it, which is
/// flushed to disk and then renamed over `path` (a symlink at `path` is replaced, never
/// followed). On any failure `path` is left as it was.
pub fn write_file(path: &Path, write: impl FnOnce(&mut BufWriter<&File>) -> anyhow::Result<()>) -> anyhow::Result<()> {
    let pending = PendingFile::create(path)?;
    {
        let mut out = BufWriter::new(pending.temp.as_file());
        write(&mut out).with_context(|| format!("writing {}", path.display()))?;
        out.flush().with_context(|| format!("writing {}", path.display()))?;
    }
    pending.commit()
}

/// A file being written over a longer time (a streaming scan's inventory): a private temporary
/// file beside it, which replaces it only when complete ([`PendingFile::commit`]); dropped
/// uncommitted, it is removed and the old file stays.
pub struct PendingFile {
    temp: tempfile::NamedTempFile,
    path: PathBuf,
}

impl PendingFile {
    pub fn create(path: &Path) -> anyhow::Result<PendingFile> {
        let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        Ok(PendingFile { temp: new_private_temp(dir)?, path: path.to_path_buf() })
    }

    /// A second handle to write through.
    pub fn reopen(&self) -> anyhow::Result<File> {
        self.temp.as_file().try_clone().with_context(|| format!("writing {}", self.path.display()))
    }

    /// Makes the written file the file of its path.
    pub fn commit(self) -> anyhow::Result<()> {
        let path = self.path;
        self.temp.as_file().sync_all().with_context(|| format!("writing {}", path.display()))?;
        self.temp.persist(&path).map_err(|e| e.error).with_context(|| format!("replacing {}", path.display()))?;
        Ok(())
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(p: &Path) -> u32 {
        std::fs::metadata(p).expect("stat").permissions().mode() & 0o777
    }

    #[test]
    fn d8_a_symlink_at_the_report_path_is_replaced_not_followed() {
        let dir = tempfile::tempdir().expect("tempdir");
        let victim = dir.path().join("victim");
        std::fs::write(&victim, "precious").expect("victim");
        let out = OutputDir::prepare(&dir.path().join("out")).expect("out");
        let report = out.path.join("findings.csv");
        std::os::unix::fs::symlink(&victim, &report).expect("symlink");
        write_file(&report, |w| Ok(w.write_all(b"id,status\r\n")?)).expect("write");
        assert_eq!(std::fs::read_to_string(&victim).expect("victim"), "precious");
        assert!(!std::fs::symlink_metadata(&report).expect("stat").file_type().is_symlink());
        assert_eq!(std::fs::read_to_string(&report).expect("report"), "id,status\r\n");
    }

    #[test]
    fn d9_reports_are_private_and_a_new_output_directory_too() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = OutputDir::prepare(&dir.path().join("new/out")).expect("out");
        assert_eq!(mode(&out.path), 0o700);
        let report = out.path.join("findings.json");
        write_file(&report, |w| Ok(w.write_all(b"{}")?)).expect("write");
        assert_eq!(mode(&report), 0o600);
        let leftovers: Vec<_> = std::fs::read_dir(&out.path).expect("list").filter_map(Result::ok).map(|e| e.file_name()).collect();
        assert_eq!(leftovers, vec![std::ffi::OsString::from("findings.json")], "no temporary file is left");
    }

    #[test]
    fn d2_a_failed_write_leaves_the_old_report_whole() {
        let dir = tempfile::tempdir().expect("tempdir");
        let report = dir.path().join("findings.csv");
        std::fs::write(&report, "last month").expect("old");
        let err = write_file(&report, |w| {
            w.write_all(b"half a report")?;
            anyhow::bail!("no space left on device")
        });
        assert!(err.is_err());
        assert_eq!(std::fs::read_to_string(&report).expect("old"), "last month");
    }

    #[test]
    fn d18_an_output_path_that_is_a_file_is_named_as_not_a_directory() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("afile");
        std::fs::write(&file, "x").expect("file");
        let err = OutputDir::prepare(&file).expect_err("a file");
        assert!(err.to_string().contains("is not a directory"), "{err}");
    }
}
