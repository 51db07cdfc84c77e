//! The one helper API of the test suite.
//!
//! - [`Site`]: a site to test, usually a temporary copy of fixtures ([`Site::fixture`]), of
//!   the bundled paper ([`Site::paper`]) or of any folder; read and change its files, run
//!   `baipi` on it ([`Site::run`]) or build it ([`Site::build`]).
//! - [`OutDir`]: a folder a build wrote, to read pages from.
//! - [`Prebuilt`]: a site with a previous build, to check that a failing build leaves it alone.
//! - [`baipi`] and [`Run`]: any command line of the binary and what it printed.
//! - [`serve::Server`]: a running `baipi serve` (serve and latency tests).
//! - [`workbook`]: `.xlsx` files made in the tests from a description of their cells.
//! - [`pdf`]: a PDF read with poppler and qpdf (text, information, fonts, outline).
//! - [`library`]: every call the tests make into the baipi library, in one place.
//!
//! The helpers panic with a message naming the file or command when the machinery fails (a
//! file that cannot be read, a build that should succeed and does not); what baipi should do
//! is asserted by the tests themselves.

pub mod library;
#[cfg(feature = "pdf")]
pub mod pdf;
pub mod serve;
pub mod workbook;

use std::ffi::OsStr;
use std::marker::PhantomData;
use std::ops::Deref;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The repository root: `Cargo.toml`, the bundled paper (`site.toml`, `content/`, `data/`,
/// `themes/`) and `tests/`.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The folder of fixture `name` under `tests/fixtures/` (for example `invalid`).
pub fn fixture_dir(name: &str) -> PathBuf {
    repo().join("tests/fixtures").join(name)
}

/// Reads the text file at `p`. Panics naming the file if it cannot be read or is not UTF-8.
pub fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// Every file below `dir` as (path relative to `dir`, bytes), sorted by path: two folders hold
/// the same files exactly when their lists are equal. Panics if a file cannot be read.
pub fn files_of(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = walk(dir)
        .filter(|e| e.file_type().is_file())
        .map(|e| (relative(dir, e.path()), std::fs::read(e.path()).unwrap()))
        .collect();
    v.sort();
    v
}

/// Every folder below `dir` as a path relative to `dir` (`dir` itself as the empty string),
/// sorted.
pub fn folders_of(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = walk(dir).filter(|e| e.file_type().is_dir()).map(|e| relative(dir, e.path())).collect();
    v.sort();
    v
}

/// The names of the entries directly in `dir` (files and folders), sorted. Panics if `dir`
/// cannot be listed.
pub fn entries_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// The entries directly in `dir` whose names contain `baipi-`: the temporary folders a build
/// makes beside its output must be gone when it ends.
pub fn leftovers(dir: &Path) -> Vec<String> {
    entries_in(dir).into_iter().filter(|n| n.contains("baipi-")).collect()
}

fn walk(dir: &Path) -> impl Iterator<Item = walkdir::DirEntry> {
    walkdir::WalkDir::new(dir).into_iter().map(|e| e.unwrap())
}

fn relative(dir: &Path, p: &Path) -> String {
    p.strip_prefix(dir).unwrap().display().to_string()
}

fn copy_dir(from: &Path, to: &Path) {
    for e in walk(from) {
        let dest = to.join(e.path().strip_prefix(from).unwrap());
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(e.path(), &dest).unwrap_or_else(|err| panic!("{}: {err}", e.path().display()));
        }
    }
}

// ---------------------------------------------------------------- temporary folders

/// A fresh empty temporary folder, removed (with everything in it) when dropped.
pub struct TempDir(PathBuf);

impl TempDir {
    /// Creates `baipi-test-<pid>-<n>-<tag>` in the system's temporary folder; `tag` only helps
    /// to tell the folders apart. Panics if it cannot be created.
    pub fn new(tag: &str) -> TempDir {
        static N: AtomicUsize = AtomicUsize::new(0);
        let p = std::env::temp_dir().join(format!(
            "baipi-test-{}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst),
            tag
        ));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        TempDir(p)
    }

    /// The folder's path.
    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

// ---------------------------------------------------------------- running the binary

/// How long one run of the binary may take before the test fails (far beyond any fixture's build,
/// even a debug build on a busy machine).
pub const DEADLINE: std::time::Duration = std::time::Duration::from_secs(300);

/// A command line of the `baipi` binary under test, with nothing set: add `--root` with
/// [`Baipi::root`] (or use [`Site::run`]), arguments, a working folder or environment, then
/// [`Baipi::run`] it.
pub fn baipi() -> Baipi {
    Baipi(Command::new(env!("CARGO_BIN_EXE_baipi")))
}

/// A `baipi` command line being put together; see [`baipi`].
pub struct Baipi(Command);

impl Baipi {
    /// Adds `--root ROOT`.
    pub fn root(mut self, root: &Path) -> Baipi {
        self.0.arg("--root").arg(root);
        self
    }

    /// Adds one argument.
    pub fn arg(mut self, arg: impl AsRef<OsStr>) -> Baipi {
        self.0.arg(arg);
        self
    }

    /// Adds arguments.
    pub fn args<S: AsRef<OsStr>>(mut self, args: impl IntoIterator<Item = S>) -> Baipi {
        self.0.args(args);
        self
    }

    /// Runs it in `dir` instead of the test's working folder.
    pub fn current_dir(mut self, dir: &Path) -> Baipi {
        self.0.current_dir(dir);
        self
    }

    /// Sets an environment variable for it.
    pub fn env(mut self, key: &str, value: &str) -> Baipi {
        self.0.env(key, value);
        self
    }

    /// Runs it to the end and returns what it did. Panics if it cannot be started, or if it has
    /// not ended after [`DEADLINE`] (it is killed first): a hang fails the test instead of
    /// holding the suite for ever.
    pub fn run(mut self) -> Run {
        use std::io::Read;
        use std::process::Stdio;
        let mut child =
            self.0.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("runs baipi");
        let drain = |mut r: Box<dyn Read + Send>| {
            std::thread::spawn(move || {
                let mut v = Vec::new();
                let _ = r.read_to_end(&mut v);
                v
            })
        };
        let out = drain(Box::new(child.stdout.take().expect("stdout")));
        let err = drain(Box::new(child.stderr.take().expect("stderr")));
        let start = std::time::Instant::now();
        let status = loop {
            if let Some(st) = child.try_wait().expect("waits for baipi") {
                break st;
            }
            if start.elapsed() > DEADLINE {
                let _ = child.kill();
                let _ = child.wait();
                panic!("baipi ran for more than {DEADLINE:?} and was killed: {:?}", self.0);
            }
            std::thread::sleep(std::time::Duration::from_millis(2));
        };
        let (stdout, stderr) = (out.join().expect("stdout"), err.join().expect("stderr"));
        Run(std::process::Output { status, stdout, stderr })
    }
}

/// What a finished `baipi` run did: its exit code and output.
pub struct Run(std::process::Output);

impl Run {
    /// The exit code (`None` if it was killed by a signal).
    pub fn code(&self) -> Option<i32> {
        self.0.status.code()
    }

    /// Whether it exited with code 0.
    pub fn success(&self) -> bool {
        self.0.status.success()
    }

    /// Its standard output (invalid UTF-8 replaced).
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.0.stdout).into_owned()
    }

    /// Its standard error (invalid UTF-8 replaced).
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.0.stderr).into_owned()
    }

    /// Returns the run if it exited with code 0; panics with its stderr otherwise.
    #[track_caller]
    pub fn expect_success(self) -> Run {
        assert!(self.success(), "baipi failed ({:?}):\n{}", self.code(), self.stderr());
        self
    }
}

// ---------------------------------------------------------------- sites

/// A site to run baipi on: a folder with `site.toml`, `content/`, `data/` and a theme.
///
/// Made by copying into a fresh [`TempDir`] (removed with the `Site`), except [`Site::at`] and
/// [`Site::bundled`], which use a folder in place. Paths given to its methods are relative to
/// the site's root.
pub struct Site {
    root: PathBuf,
    /// Holds the temporary folder (if any) until the site is dropped.
    _temp: Option<TempDir>,
}

impl Site {
    /// A temporary copy of the default theme with `tests/fixtures/<name>/` over it (so a fixture
    /// can replace single files of the theme, such as its `theme.toml`).
    pub fn fixture(name: &str) -> Site {
        Site::fixtures(&[name])
    }

    /// As [`Site::fixture`], with several fixtures copied over each other in order (for example
    /// `invalid/_base`, then one invalid case). Panics if a fixture does not exist.
    pub fn fixtures(names: &[&str]) -> Site {
        let t = TempDir::new(names.last().unwrap().rsplit('/').next().unwrap());
        copy_dir(&repo().join("themes/default"), &t.path().join("themes/default"));
        for f in names {
            let dir = fixture_dir(f);
            assert!(dir.is_dir(), "no fixture {}", dir.display());
            copy_dir(&dir, t.path());
        }
        Site { root: t.path().to_path_buf(), _temp: Some(t) }
    }

    /// A temporary copy of the bundled paper (`site.toml`, `content/`, `data/`, `themes/`), to
    /// change; [`Site::bundled`] reads it in place.
    pub fn paper() -> Site {
        let t = TempDir::new("paper-copy");
        for d in ["content", "data", "themes"] {
            copy_dir(&repo().join(d), &t.path().join(d));
        }
        std::fs::copy(repo().join("site.toml"), t.path().join("site.toml")).unwrap();
        Site { root: t.path().to_path_buf(), _temp: Some(t) }
    }

    /// A temporary copy of the site in `dir`.
    pub fn copy_of(dir: &Path) -> Site {
        let t = TempDir::new("site-copy");
        copy_dir(dir, t.path());
        Site { root: t.path().to_path_buf(), _temp: Some(t) }
    }

    /// The site in `root`, used in place and not removed: the caller owns the folder (for
    /// example a [`TempDir`] that `baipi init` filled).
    pub fn at(root: impl Into<PathBuf>) -> Site {
        Site { root: root.into(), _temp: None }
    }

    /// The bundled paper in the repository itself, read in place. Only to read and to build
    /// into a temporary folder ([`Site::build_into`]): changing its files or building it into
    /// its own `public/` panics.
    pub fn bundled() -> Site {
        Site::at(repo())
    }

    /// The root folder.
    pub fn path(&self) -> &Path {
        &self.root
    }

    /// The path of `rel` in the site.
    pub fn file(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    /// The text of file `rel`. Panics naming the file if it cannot be read.
    pub fn read(&self, rel: &str) -> String {
        read(&self.file(rel))
    }

    /// Writes file `rel` (creating its folders), replacing it if it exists. Panics naming the
    /// file if it cannot be written, and on [`Site::bundled`].
    pub fn write(&self, rel: &str, contents: impl AsRef<[u8]>) {
        let p = self.writable(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, contents).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    }

    /// Adds `text` at the end of file `rel`. Panics as [`Site::read`] and [`Site::write`].
    pub fn append(&self, rel: &str, text: &str) {
        self.write(rel, self.read(rel) + text);
    }

    /// Replaces the first `from` in file `rel` by `to`. Panics if the file lacks `from`, so an
    /// edit never silently does nothing.
    pub fn edit(&self, rel: &str, from: &str, to: &str) {
        let s = self.read(rel);
        assert!(s.contains(from), "{rel} lacks {from:?}");
        self.write(rel, s.replacen(from, to, 1));
    }

    /// Removes file `rel`. Panics naming the file if it cannot be removed, and on
    /// [`Site::bundled`].
    pub fn remove(&self, rel: &str) {
        let p = self.writable(rel);
        std::fs::remove_file(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    }

    fn writable(&self, rel: &str) -> PathBuf {
        assert_ne!(self.root, repo(), "the repository's own site is not changed by tests: use Site::paper()");
        self.file(rel)
    }

    /// A `baipi --root ROOT` command line, to add arguments or an environment to.
    pub fn command(&self) -> Baipi {
        baipi().root(&self.root)
    }

    /// Runs `baipi --root ROOT ARGS…`.
    pub fn run(&self, args: &[&str]) -> Run {
        self.command().args(args).run()
    }

    /// Runs `baipi ARGS…` in the root folder, without `--root` (as an editor in the site would).
    pub fn run_inside(&self, args: &[&str]) -> Run {
        baipi().current_dir(&self.root).args(args).run()
    }

    /// Builds into `public/` in the root: as [`Site::build_with`] without extra arguments.
    #[track_caller]
    pub fn build(&self) -> OutDir<'_> {
        self.build_with(&[])
    }

    /// Runs `baipi --root ROOT build --output-dir ROOT/public EXTRA…` and returns the output
    /// folder. Panics with baipi's stderr if the build fails, and on [`Site::bundled`] (build it
    /// into a temporary folder with [`Site::build_into`]).
    #[track_caller]
    pub fn build_with(&self, extra: &[&str]) -> OutDir<'_> {
        self.writable("public");
        self.build_to(&self.file("public"), extra)
    }

    /// Builds into `dir` (`--output-dir DIR`) and returns it. Panics with baipi's stderr if the
    /// build fails.
    #[track_caller]
    pub fn build_into(&self, dir: &Path) -> OutDir<'_> {
        self.build_to(dir, &[])
    }

    #[track_caller]
    fn build_to(&self, dir: &Path, extra: &[&str]) -> OutDir<'_> {
        let mut args = vec!["build", "--output-dir", dir.to_str().unwrap()];
        args.extend_from_slice(extra);
        let o = self.run(&args);
        assert!(o.success(), "build failed:\n{}", o.stderr());
        OutDir { path: dir.to_path_buf(), _site: PhantomData }
    }

    /// Builds the site into `public/` and keeps a copy of what it wrote, so that a later
    /// failing build can be checked to leave it alone ([`Prebuilt::fails`]). Panics if the
    /// build fails or writes nothing.
    #[track_caller]
    pub fn with_previous_build(self) -> Prebuilt {
        let out = self.build();
        let before = out.files();
        assert!(!before.is_empty());
        Prebuilt { site: self, before }
    }
}

/// A folder that a build of a [`Site`] wrote; it derefs to its [`Path`]. It borrows the site, so
/// the site (and its temporary folder, which may hold the output) outlives it.
pub struct OutDir<'a> {
    path: PathBuf,
    _site: PhantomData<&'a Site>,
}

impl Deref for OutDir<'_> {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.path
    }
}

impl OutDir<'_> {
    /// The text of file `rel` in the output. Panics naming the file if it cannot be read.
    pub fn read(&self, rel: &str) -> String {
        read(&self.path.join(rel))
    }

    /// The bytes of file `rel` in the output. Panics naming the file if it cannot be read.
    pub fn bytes(&self, rel: &str) -> Vec<u8> {
        let p = self.path.join(rel);
        std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
    }

    /// Every file of the output: see [`files_of`].
    pub fn files(&self) -> Vec<(String, Vec<u8>)> {
        files_of(&self.path)
    }

    /// Every UTF-8 text file of the output as (path relative to the output, text), sorted;
    /// files that are not UTF-8 (images, gzip) are left out.
    pub fn texts(&self) -> Vec<(String, String)> {
        self.files().into_iter().filter_map(|(p, b)| String::from_utf8(b).ok().map(|s| (p, s))).collect()
    }
}

/// A [`Site`] with a previous build in `public/` and the bytes of that build; it derefs to the
/// site. Made by [`Site::with_previous_build`].
pub struct Prebuilt {
    site: Site,
    before: Vec<(String, Vec<u8>)>,
}

impl Deref for Prebuilt {
    type Target = Site;
    fn deref(&self) -> &Site {
        &self.site
    }
}

impl Prebuilt {
    /// Whether `public/` holds exactly the files of the previous build, byte for byte.
    pub fn output_unchanged(&self) -> bool {
        files_of(&self.file("public")) == self.before
    }

    /// Builds into `public/` again and returns stderr. Panics unless the build exits with
    /// `code`, stderr starts with `first` and does not mention a panic, and `public/` is
    /// unchanged.
    #[track_caller]
    pub fn fails(&self, code: i32, first: &str) -> String {
        let o = self.run(&["build", "--output-dir", self.file("public").to_str().unwrap()]);
        let err = o.stderr();
        assert_eq!(o.code(), Some(code), "{err}");
        assert!(err.starts_with(first), "expected stderr to start with\n{first}\ngot:\n{err}");
        assert!(!err.contains("panicked"), "{err}");
        assert!(self.output_unchanged(), "the previous output changed");
        err
    }
}
