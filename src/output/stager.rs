//! Writing: the rendered site into the output folder, changing only what differs.
//!
//! A [`Stager`] takes files one at a time, from any thread, while the site is still
//! rendering (so a large site is never held in memory whole):
//!
//! 1. A file whose bytes differ from what is there is written to a temporary file beside its
//!    target (`.NAME.PID.baipi-tmp`); a new file is written in place; an unchanged file is not
//!    touched (its time stays as it was). Missing folders are made as needed.
//! 2. [`Stager::commit`] renames the temporary files over their targets (a reader never sees
//!    half a file), then removes the files and folders that the site no longer produces.
//! 3. If the build fails before that — bad input, a template error, a file that cannot be
//!    written — the stager is dropped without commit: the temporary files, the new files and
//!    the folders it made are removed, and the folder is exactly as it was.
//!
//! Writing only what changed also avoids a slow path of some file systems (ext4), where
//! creating many files in a just-deleted folder is slow.

use std::collections::{BTreeSet, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use rayon::prelude::*;

use crate::diag::{Error, Result};
use crate::output::Output;
use crate::output::interrupt;

/// What a write did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct WriteStats {
    /// Files created or replaced.
    pub written: usize,
    /// Files left alone because their bytes were already right.
    pub unchanged: usize,
    /// Files (and folders) of the previous output that the site no longer produces.
    pub removed: usize,
}

/// Writes `out` to `dir` (all at once: see [`Stager`] for writing while rendering).
pub fn write(out: &Output, dir: &Path) -> Result<WriteStats> {
    let stager = Stager::new(dir)?;
    stager.commit(out)
}

/// Files being written into an output folder; see the module documentation.
pub struct Stager {
    dir: PathBuf,
    old: OldTree,
    /// The files the previous build wrote (its manifest): the only ones that may be removed.
    ours: BTreeSet<String>,
    /// What an interrupt must undo, shared with [`super::interrupt`].
    shared: Arc<Shared>,
}

/// The part of a [`Stager`] that a rollback needs: also reached from the interrupt's thread.
struct Shared {
    dir: PathBuf,
    state: Mutex<State>,
    committed: AtomicBool,
}

#[derive(Default)]
struct State {
    /// Folders that exist now besides the old ones: made by this write (by whichever thread).
    dirs: HashSet<String>,
    /// Folders made by this write.
    made: Vec<PathBuf>,
    /// Every path of the new output handed in, with what became of it (in no order).
    files: Vec<(String, Fate)>,
    /// Paths that take the place of an old file's folder or an old folder's file: written
    /// after the old are removed.
    blocked: Vec<(String, Vec<u8>)>,
    /// The output folder and its ancestors that this write made.
    made_root: Vec<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Fate {
    Unchanged,
    /// Written in place (it did not exist).
    New,
    /// Written to its temporary file.
    Replaced,
    Blocked,
}

impl Stager {
    /// Starts a write into `dir` (made if missing), reading what is there now.
    pub fn new(dir: &Path) -> Result<Stager> {
        if dir.exists() && !dir.is_dir() {
            return Err(Error::Io(format!("{}: the output folder exists and is not a folder", dir.display())));
        }
        let old = OldTree::read(dir)?;
        let ours = super::manifest::read(dir)?.unwrap_or_default();
        let shared = Arc::new(Shared {
            dir: dir.to_path_buf(),
            state: Mutex::new(State::default()),
            committed: AtomicBool::new(false),
        });
        interrupt::register(shared.clone());
        let stager = Stager { dir: dir.to_path_buf(), old, ours, shared };
        let _writing = interrupt::writing();
        if !dir.exists() {
            let mut missing = Vec::new();
            let mut p = dir;
            while !p.as_os_str().is_empty() && !p.exists() {
                missing.push(p.to_path_buf());
                p = p.parent().unwrap_or(Path::new(""));
            }
            std::fs::create_dir_all(dir).map_err(|e| {
                // Whatever part of the path was made goes again.
                for m in &missing {
                    let _ = std::fs::remove_dir(m);
                }
                Error::io(dir, e)
            })?;
            stager.lock().made_root = missing;
        }
        Ok(stager)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.shared.lock()
    }

    /// Stages one file (`rel` is `/`-separated, relative to the output folder). Safe to call
    /// from many threads; each path once.
    pub fn stage(&self, rel: &str, bytes: &[u8]) -> Result<()> {
        // An interrupt waits until this file is recorded and written (or removes it first).
        let _writing = interrupt::writing();
        // Every path is built from checked parts; this is the last guard before the disk.
        if !crate::util::path::is_clean_relative(rel) {
            return Err(Error::Io(format!(
                "{}: refusing to write {rel:?}: not a plain path inside the output folder",
                self.dir.display()
            )));
        }
        let old = &self.old;
        if old.dirs.contains(rel) || rel.match_indices('/').any(|(i, _)| old.files.contains(&rel[..i])) {
            self.check_obstacle(rel)?;
            let mut st = self.lock();
            st.files.push((rel.to_string(), Fate::Blocked));
            st.blocked.push((rel.to_string(), bytes.to_vec()));
            return Ok(());
        }
        let target = self.dir.join(rel);
        if old.files.contains(rel) && same_bytes(&target, bytes) {
            self.lock().files.push((rel.to_string(), Fate::Unchanged));
            return Ok(());
        }
        let (fate, path) = if old.files.contains(rel) {
            (Fate::Replaced, temp_path(&target))
        } else {
            if let Some((parent, _)) = rel.rsplit_once('/') {
                self.make_dirs(parent)?;
            }
            (Fate::New, target)
        };
        // Recorded before writing, so that a rollback (after a failure or an interrupt) removes
        // a half-written file.
        self.lock().files.push((rel.to_string(), fate));
        std::fs::write(&path, bytes).map_err(|e| Error::io(&path, e))
    }

    /// A path blocked by an old file or folder can be written only if baipi wrote what is in
    /// the way (it is then removed first): anything else stays, so the build fails, unchanged.
    fn check_obstacle(&self, rel: &str) -> Result<()> {
        let old = &self.old;
        let file = rel.match_indices('/').map(|(i, _)| &rel[..i]).find(|p| old.files.contains(*p));
        let foreign = match file {
            Some(f) => (!self.ours.contains(f)).then(|| f.to_string()),
            None => {
                let inside = format!("{rel}/");
                old.files
                    .range(inside.clone()..)
                    .take_while(|f| f.starts_with(&inside))
                    .find(|f| !self.ours.contains(*f))
                    .cloned()
            }
        };
        match foreign {
            None => Ok(()),
            Some(f) => Err(Error::Io(format!(
                "{}: cannot write /{rel}: {f} is in the way, and baipi did not write it (it is not listed in {})\n  = help: move or delete it, or choose another output folder",
                self.dir.display(),
                super::manifest::FILE
            ))),
        }
    }

    /// Makes `rel` and its missing ancestors, recording the ones it made. The folders are made
    /// outside the lock; one that another thread made first is not an error.
    fn make_dirs(&self, rel: &str) -> Result<()> {
        let missing: Vec<&str> = {
            let st = self.lock();
            let exists = |d: &str| self.old.dirs.contains(d) || st.dirs.contains(d);
            if exists(rel) {
                return Ok(());
            }
            let mut missing = vec![rel];
            let mut p = rel;
            while let Some((parent, _)) = p.rsplit_once('/') {
                if exists(parent) {
                    break;
                }
                missing.push(parent);
                p = parent;
            }
            missing
        };
        for d in missing.into_iter().rev() {
            let path = self.dir.join(d);
            let made = match std::fs::create_dir(&path) {
                Ok(()) => true,
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && path.is_dir() => false,
                Err(e) => return Err(Error::io(&path, e)),
            };
            let mut st = self.lock();
            st.dirs.insert(d.to_string());
            if made {
                st.made.push(path);
            }
        }
        Ok(())
    }

    /// Stages the files of `out` (in parallel), puts every staged file in place and removes
    /// what the site no longer produces.
    pub fn commit(self, out: &Output) -> Result<WriteStats> {
        let results: Vec<Result<()>> = out.files.par_iter().map(|(rel, bytes)| self.stage(rel, bytes)).collect();
        results.into_iter().collect::<Result<()>>()?;
        // An interrupt from here on waits for the commit to end: the folder then holds the whole
        // new site.
        let _writing = interrupt::writing();
        let mut st = std::mem::take(&mut *self.lock());
        // Past this point the new site is being put in place: no rollback.
        self.shared.committed.store(true, Ordering::SeqCst);
        st.files.sort_unstable();
        let paths: HashSet<&str> = st.files.iter().map(|(r, _)| r.as_str()).collect();
        // Listed before anything is put in place, so that an interrupted commit leaves every
        // file it may have written listed for the next build to clean up.
        super::manifest::write(&self.dir, self.ours.iter().map(String::as_str).chain(paths.iter().copied()))?;
        let replaced: Vec<&String> = st.files.iter().filter(|(_, f)| *f == Fate::Replaced).map(|(r, _)| r).collect();
        let renamed: Vec<Result<()>> = replaced
            .par_iter()
            .map(|rel| {
                let target = self.dir.join(rel);
                std::fs::rename(temp_path(&target), &target).map_err(|e| Error::io(&target, e))
            })
            .collect();
        if let Some(Err(e)) = renamed.into_iter().find(Result::is_err) {
            for rel in &replaced {
                let _ = std::fs::remove_file(temp_path(&self.dir.join(rel)));
            }
            return Err(e);
        }
        let count = |f: Fate| st.files.iter().filter(|(_, x)| *x == f).count();
        let mut stats = WriteStats {
            written: count(Fate::New) + count(Fate::Replaced),
            unchanged: count(Fate::Unchanged),
            removed: 0,
        };
        stats.removed = self.remove_stale(&st.files, &paths)?;
        // The blocked paths, now that nothing is in their way.
        for (rel, bytes) in &st.blocked {
            let target = self.dir.join(rel);
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
            }
            let tmp = temp_path(&target);
            std::fs::write(&tmp, bytes).map_err(|e| Error::io(&tmp, e))?;
            std::fs::rename(&tmp, &target).map_err(|e| Error::io(&target, e))?;
            stats.written += 1;
        }
        super::manifest::write(&self.dir, paths.iter().copied())?;
        Ok(stats)
    }

    /// Removes the files of the previous build (its manifest) that the site no longer
    /// produces, then the folders that leaves empty (deepest first). Files baipi did not write
    /// stay, and so do the folders holding them. Returns how many files and folders went.
    fn remove_stale(&self, files: &[(String, Fate)], paths: &HashSet<&str>) -> Result<usize> {
        let mut needed: HashSet<&str> = HashSet::with_capacity(files.len());
        for (rel, _) in files {
            for (i, _) in rel.match_indices('/') {
                needed.insert(&rel[..i]);
            }
        }
        let mut removed = 0;
        let mut emptied: BTreeSet<&str> = BTreeSet::new();
        for f in self.ours.iter().filter(|f| self.old.files.contains(*f) && !paths.contains(f.as_str())) {
            let p = self.dir.join(f);
            std::fs::remove_file(&p).map_err(|e| Error::io(&p, e))?;
            removed += 1;
            emptied.extend(f.match_indices('/').map(|(i, _)| &f[..i]).filter(|d| !needed.contains(d)));
        }
        let mut dirs: Vec<&str> = emptied.into_iter().collect();
        dirs.sort_by_key(|d| std::cmp::Reverse(d.matches('/').count()));
        for d in dirs {
            // A folder that still holds something (a file baipi did not write) stays.
            if std::fs::remove_dir(self.dir.join(d)).is_ok() {
                removed += 1;
            }
        }
        Ok(removed)
    }
}

impl Shared {
    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // A panic while holding the lock cannot leave the state half-changed in a way that
        // matters for cleanup, so a poisoned lock is used as it is.
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Removes everything this write made: temporary files, new files, new folders. The state
    /// stays locked until it is done, so an interrupt meanwhile waits for it.
    fn rollback(&self) {
        let mut guard = self.lock();
        let st = std::mem::take(&mut *guard);
        for (rel, fate) in &st.files {
            let target = self.dir.join(rel);
            match fate {
                Fate::New => {
                    let _ = std::fs::remove_file(&target);
                }
                Fate::Replaced => {
                    let _ = std::fs::remove_file(temp_path(&target));
                }
                Fate::Unchanged | Fate::Blocked => {}
            }
        }
        // Deepest first; a folder that is not empty (something else was put there) stays.
        let mut made = st.made;
        made.sort_by_key(|d| std::cmp::Reverse(d.components().count()));
        for d in made.iter().chain(st.made_root.iter()) {
            let _ = std::fs::remove_dir(d);
        }
    }
}

impl interrupt::Undo for Shared {
    fn undo(&self) {
        if !self.committed.load(Ordering::SeqCst) {
            self.rollback();
        }
    }
}

impl Drop for Stager {
    fn drop(&mut self) {
        interrupt::Undo::undo(&*self.shared);
        let shared: Arc<dyn interrupt::Undo> = self.shared.clone();
        interrupt::unregister(&shared);
    }
}

/// `dir/a/index.html` → `dir/a/.index.html.PID.baipi-tmp`.
fn temp_path(target: &Path) -> PathBuf {
    let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    target.with_file_name(format!(".{name}.{}.baipi-tmp", std::process::id()))
}

/// The process id in a temporary file's name (`.NAME.PID.baipi-tmp`), if it is one.
fn temp_owner(name: &str) -> Option<u32> {
    let stem = name.strip_prefix('.')?.strip_suffix(".baipi-tmp")?;
    let (_, pid) = stem.rsplit_once('.')?;
    pid.parse().ok()
}

/// The previous output: its files (anything not a folder) and folders, relative, `/`-separated.
#[derive(Default)]
struct OldTree {
    files: BTreeSet<String>,
    dirs: BTreeSet<String>,
}

impl OldTree {
    fn read(dir: &Path) -> Result<OldTree> {
        let mut t = OldTree::default();
        if !dir.is_dir() {
            return Ok(t);
        }
        // A version-control folder is never baipi's: it is noted (nothing may replace it), not read.
        let walk = walkdir::WalkDir::new(dir).min_depth(1).into_iter();
        for e in walk.filter_entry(|e| e.depth() > 1 || e.file_name() != ".git" || !e.file_type().is_dir()) {
            let e = e.map_err(|e| Error::Io(format!("{}: {e}", dir.display())))?;
            let rel = crate::util::path::display(dir, e.path());
            if e.file_type().is_dir() {
                t.dirs.insert(rel);
            } else if let Some(pid) = temp_owner(&e.file_name().to_string_lossy()) {
                // Left by a build that was interrupted: removed unless that build still runs.
                if !Path::new("/proc").join(pid.to_string()).exists() {
                    let _ = std::fs::remove_file(e.path());
                }
            } else {
                t.files.insert(rel);
            }
        }
        if dir.join(".git").is_dir() {
            t.dirs.insert(".git".into());
        }
        Ok(t)
    }
}

/// Whether the file at `path` holds exactly `bytes` (the size is compared first).
fn same_bytes(path: &Path, bytes: &[u8]) -> bool {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.is_file() && m.len() == bytes.len() as u64 => std::fs::read(path).is_ok_and(|b| b == bytes),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn out(files: &[(&str, &str)]) -> Output {
        Output {
            files: files.iter().map(|(p, b)| (p.to_string(), b.as_bytes().to_vec())).collect(),
            ..Default::default()
        }
    }

    fn tree(dir: &Path) -> Vec<(String, String)> {
        let mut v: Vec<(String, String)> = walkdir::WalkDir::new(dir)
            .min_depth(1)
            .into_iter()
            .flatten()
            .filter(|e| e.file_name() != super::super::manifest::FILE)
            .map(|e| {
                let rel = crate::util::path::display(dir, e.path());
                let body = if e.file_type().is_dir() {
                    "/".into()
                } else {
                    std::fs::read_to_string(e.path()).unwrap_or_default()
                };
                (rel, body)
            })
            .collect();
        v.sort();
        v
    }

    #[test]
    fn write_replaces_changed_removes_stale_and_handles_shape_changes() {
        let dir = std::env::temp_dir().join(format!("baipi-write-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let site = dir.join("a/b/public");
        // First build into folders that do not exist yet.
        let s =
            write(&out(&[("index.html", "1"), ("x/index.html", "x"), ("f", "file"), ("d/e.txt", "e")]), &site).unwrap();
        assert_eq!((s.written, s.unchanged, s.removed), (4, 0, 0));
        // Same bytes: nothing written. Changed, new and stale files; `f` becomes a folder and
        // `d` a file.
        let s = write(&out(&[("index.html", "1"), ("x/index.html", "x")]), &site).unwrap();
        assert_eq!((s.written, s.unchanged), (0, 2));
        let s =
            write(&out(&[("index.html", "2"), ("f/index.html", "now a folder"), ("d", "now a file")]), &site).unwrap();
        assert_eq!(s.written, 3);
        assert_eq!(
            tree(&site),
            [
                ("d".to_string(), "now a file".to_string()),
                ("f".into(), "/".into()),
                ("f/index.html".into(), "now a folder".into()),
                ("index.html".into(), "2".into()),
            ]
        );
        // The output folder must be a folder.
        std::fs::write(dir.join("plain"), "x").unwrap();
        assert!(write(&out(&[("index.html", "1")]), &dir.join("plain")).is_err());
        assert_eq!(std::fs::read_to_string(dir.join("plain")).unwrap(), "x");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn failed_write_leaves_the_previous_output() {
        let base = std::env::temp_dir().join(format!("baipi-write-fail-{}", std::process::id()));
        let dir = base.join("public");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("index.html"), "previous").unwrap();
        // `a` as a file and as a folder: the second write fails half-way.
        let mut out = Output::default();
        out.files.insert("a".into(), b"x".to_vec());
        out.files.insert("a/b.html".into(), b"y".to_vec());
        assert!(write(&out, &dir).is_err());
        assert_eq!(std::fs::read_to_string(dir.join("index.html")).unwrap(), "previous");
        let names: Vec<_> = std::fs::read_dir(&base).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, ["public"], "no temporary folder is left");
        std::fs::remove_dir_all(&base).unwrap();
    }

    #[test]
    fn only_what_the_manifest_lists_is_removed() {
        let dir = std::env::temp_dir().join(format!("baipi-write-manifest-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        write(&out(&[("index.html", "1"), ("old/index.html", "o"), ("keep/a.html", "a")]), &dir).unwrap();
        // Files the editor put there, a version-control folder, and a temporary file left by a
        // build that was killed (a process id that cannot be running).
        std::fs::write(dir.join("CNAME"), "example.org").unwrap();
        std::fs::write(dir.join("keep/mine.txt"), "mine").unwrap();
        std::fs::create_dir_all(dir.join(".git/objects")).unwrap();
        std::fs::write(dir.join(".git/HEAD"), "ref").unwrap();
        std::fs::write(dir.join(".index.html.4294967295.baipi-tmp"), "half").unwrap();
        let s = write(&out(&[("index.html", "2")]), &dir).unwrap();
        // old/index.html and its folder, keep/a.html; keep/ stays for mine.txt.
        assert_eq!(s.removed, 3);
        let names: Vec<(String, String)> = tree(&dir).into_iter().filter(|(p, _)| !p.starts_with(".git/")).collect();
        assert_eq!(
            names,
            [
                (".git".to_string(), "/".to_string()),
                ("CNAME".into(), "example.org".into()),
                ("index.html".into(), "2".into()),
                ("keep".into(), "/".into()),
                ("keep/mine.txt".into(), "mine".into()),
            ]
        );
        assert_eq!(std::fs::read_to_string(dir.join(".git/HEAD")).unwrap(), "ref");
        let listed = super::super::manifest::read(&dir).unwrap().unwrap();
        assert_eq!(listed.into_iter().collect::<Vec<_>>(), ["index.html"]);
        // A file the editor put where the site now needs a folder: refused, nothing changed.
        let before = tree(&dir);
        let e = write(&out(&[("index.html", "3"), ("CNAME/index.html", "x")]), &dir).unwrap_err();
        assert!(e.to_string().contains("CNAME is in the way, and baipi did not write it"), "{e}");
        assert_eq!(tree(&dir), before);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
