//! Backups of the self-hosted controller's state directory (its networks and members),
//! with retention, and restore. Blocking file I/O: call from `spawn_blocking`.

use std::fs::{self, File};
use std::path::{Path, PathBuf};

use chrono::Utc;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use flate2::Compression;

const PREFIX: &str = "zt-ix-controller-";
const SUFFIX: &str = ".tar.gz";

#[derive(Debug, Clone)]
pub struct BackupSettings {
    /// The controller's state, e.g. `/var/lib/zerotier-one/controller.d`.
    pub state_dir: PathBuf,
    pub backup_dir: PathBuf,
    /// Backups kept; older ones are deleted after each new backup.
    pub retention: u32,
}

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("the controller state directory {0} does not exist")]
    NoState(PathBuf),
    #[error("no backup {0} in the backup directory")]
    NotFound(String),
    #[error("there are no backups in {0}")]
    Empty(PathBuf),
    #[error("{action} {path}: {source}")]
    Io { action: &'static str, path: PathBuf, source: std::io::Error },
}

fn io<'a>(action: &'static str, path: &'a Path) -> impl FnOnce(std::io::Error) -> BackupError + 'a {
    move |source| BackupError::Io { action, path: path.to_owned(), source }
}

/// The backups, oldest first (their names sort by time).
pub fn list(settings: &BackupSettings) -> Result<Vec<PathBuf>, BackupError> {
    if !settings.backup_dir.exists() {
        return Ok(Vec::new());
    }
    let mut backups: Vec<PathBuf> = fs::read_dir(&settings.backup_dir)
        .map_err(io("reading", &settings.backup_dir))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(PREFIX) && n.ends_with(SUFFIX))
        })
        .collect();
    backups.sort();
    Ok(backups)
}

/// What a backup run did.
#[derive(Debug)]
pub struct BackupReport {
    pub created: PathBuf,
    pub removed: Vec<PathBuf>,
}

/// Archives the state directory and applies the retention.
pub fn backup(settings: &BackupSettings) -> Result<BackupReport, BackupError> {
    if !settings.state_dir.is_dir() {
        return Err(BackupError::NoState(settings.state_dir.clone()));
    }
    fs::create_dir_all(&settings.backup_dir).map_err(io("creating", &settings.backup_dir))?;
    let name = format!("{PREFIX}{}{SUFFIX}", Utc::now().format("%Y%m%dT%H%M%S%.6fZ"));
    let target = settings.backup_dir.join(&name);
    let partial = settings.backup_dir.join(format!(".{name}.partial"));
    {
        let file = File::create(&partial).map_err(io("creating", &partial))?;
        let mut archive = tar::Builder::new(GzEncoder::new(file, Compression::default()));
        archive.append_dir_all(".", &settings.state_dir).map_err(io("archiving", &settings.state_dir))?;
        let encoder = archive.into_inner().map_err(io("writing", &partial))?;
        let file = encoder.finish().map_err(io("writing", &partial))?;
        file.sync_all().map_err(io("writing", &partial))?;
    }
    fs::rename(&partial, &target).map_err(io("renaming", &partial))?;
    let backups = list(settings)?;
    let excess = backups.len().saturating_sub(settings.retention.max(1) as usize);
    let mut removed = Vec::new();
    for old in backups.into_iter().take(excess) {
        fs::remove_file(&old).map_err(io("removing", &old))?;
        removed.push(old);
    }
    Ok(BackupReport { created: target, removed })
}

/// Puts a backup (by file name, or the newest) in place of the state directory. The
/// current state is kept beside it as `<state_dir>.before-restore-<time>`.
pub fn restore(settings: &BackupSettings, name: Option<&str>) -> Result<PathBuf, BackupError> {
    let backups = list(settings)?;
    let source = match name {
        Some(name) => backups
            .into_iter()
            .find(|p| p.file_name().and_then(|n| n.to_str()) == Some(name))
            .ok_or_else(|| BackupError::NotFound(name.to_owned()))?,
        None => backups.into_iter().last().ok_or_else(|| BackupError::Empty(settings.backup_dir.clone()))?,
    };
    let staging = settings.state_dir.with_extension("restoring");
    if staging.exists() {
        fs::remove_dir_all(&staging).map_err(io("clearing", &staging))?;
    }
    fs::create_dir_all(&staging).map_err(io("creating", &staging))?;
    let file = File::open(&source).map_err(io("opening", &source))?;
    tar::Archive::new(GzDecoder::new(file)).unpack(&staging).map_err(io("unpacking", &source))?;
    if settings.state_dir.exists() {
        let aside = PathBuf::from(format!("{}.before-restore-{}", settings.state_dir.display(), Utc::now().format("%Y%m%dT%H%M%SZ")));
        fs::rename(&settings.state_dir, &aside).map_err(io("moving aside", &settings.state_dir))?;
    }
    fs::rename(&staging, &settings.state_dir).map_err(io("putting in place", &staging))?;
    Ok(source)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(root: &Path, retention: u32) -> BackupSettings {
        BackupSettings { state_dir: root.join("controller.d"), backup_dir: root.join("backups"), retention }
    }

    #[test]
    fn backups_rotate_and_restore_brings_the_state_back() {
        let root = tempfile::tempdir().unwrap();
        let s = settings(root.path(), 2);
        fs::create_dir_all(s.state_dir.join("network")).unwrap();
        fs::write(s.state_dir.join("network/1122334455000001.json"), "{\"id\":\"1122334455000001\"}").unwrap();
        let first = backup(&s).unwrap();
        assert!(first.removed.is_empty());
        std::thread::sleep(std::time::Duration::from_millis(5));
        backup(&s).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(5));
        let third = backup(&s).unwrap();
        assert_eq!(third.removed, vec![first.created.clone()], "the oldest goes beyond the retention");
        assert_eq!(list(&s).unwrap().len(), 2);

        fs::remove_dir_all(&s.state_dir).unwrap();
        fs::create_dir_all(&s.state_dir).unwrap();
        fs::write(s.state_dir.join("broken"), "x").unwrap();
        let restored = restore(&s, None).unwrap();
        assert_eq!(restored, third.created);
        assert_eq!(
            fs::read_to_string(s.state_dir.join("network/1122334455000001.json")).unwrap(),
            "{\"id\":\"1122334455000001\"}"
        );
        assert!(!s.state_dir.join("broken").exists());
        let kept_aside = fs::read_dir(root.path()).unwrap().filter_map(Result::ok).any(|e| {
            e.file_name().to_string_lossy().starts_with("controller.d.before-restore-")
        });
        assert!(kept_aside, "the replaced state is kept");
        assert!(matches!(restore(&s, Some("nope.tar.gz")), Err(BackupError::NotFound(_))));
    }

    #[test]
    fn a_missing_state_directory_is_an_error() {
        let root = tempfile::tempdir().unwrap();
        assert!(matches!(backup(&settings(root.path(), 3)), Err(BackupError::NoState(_))));
        assert!(matches!(restore(&settings(root.path(), 3), None), Err(BackupError::Empty(_))));
    }
}
