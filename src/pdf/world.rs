//! The Typst [`World`] of a [`Job`]: its files from memory, its fonts, no clock.

use std::collections::HashMap;
use std::sync::Arc;

use typst::diag::{FileError, FileResult, Severity as TypstSeverity, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Duration, Smart};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World, WorldExt};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards};

use super::Job;
use crate::diag::Diagnostic;

/// The bytes of a job's file, shared with Typst without copying.
struct Shared(Arc<Vec<u8>>);

impl AsRef<[u8]> for Shared {
    fn as_ref(&self) -> &[u8] {
        self.0.as_slice()
    }
}

/// A job's files and fonts, as Typst sees them.
struct JobWorld {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
    main: FileId,
    /// Virtual path → (bytes, the Typst source when it is one).
    files: HashMap<FileId, (Bytes, Option<Source>, String)>,
}

fn file_id(path: &str) -> Option<FileId> {
    Some(RootedPath::new(VirtualRoot::Project, VirtualPath::new(path).ok()?).intern())
}

impl JobWorld {
    fn new(job: &Job) -> Result<JobWorld, Vec<Diagnostic>> {
        let mut fonts = Vec::new();
        for f in &job.fonts {
            let before = fonts.len();
            fonts.extend(Font::iter(Bytes::new(Shared(f.bytes.clone()))));
            if fonts.len() == before {
                return Err(vec![
                    Diagnostic::error(&f.display, 0, 0, "not a font file Typst can read (OpenType or TrueType)")
                        .with_help("register OpenType (.otf) or TrueType (.ttf) files under [pdf] fonts in theme.toml"),
                ]);
            }
        }
        let book = FontBook::from_fonts(&fonts);
        let mut files = HashMap::new();
        for (path, f) in &job.files {
            let Some(id) = file_id(path) else { continue };
            let bytes = Bytes::new(Shared(f.bytes.clone()));
            let source = match path.ends_with(".typ") {
                true => match std::str::from_utf8(&f.bytes) {
                    Ok(text) => Some(Source::new(id, text.trim_start_matches('\u{feff}').replace("\r\n", "\n"))),
                    Err(e) => {
                        return Err(vec![Diagnostic::error(
                            &f.display,
                            0,
                            0,
                            format!(
                                "not UTF-8 text (at byte {}): a Typst template must be saved as UTF-8",
                                e.valid_up_to()
                            ),
                        )]);
                    }
                },
                false => None,
            };
            files.insert(id, (bytes, source, f.display.clone()));
        }
        let main = file_id(&job.main).ok_or_else(|| vec![Diagnostic::error(&job.main, 0, 0, "bad template path")])?;
        Ok(JobWorld {
            library: LazyHash::new(Library::builder().build()),
            book: LazyHash::new(book),
            fonts,
            main,
            files,
        })
    }

    fn lookup(&self, id: FileId) -> FileResult<&(Bytes, Option<Source>, String)> {
        if let VirtualRoot::Package(_) = id.root() {
            return Err(FileError::Other(Some("packages are not available in a baipi template".into())));
        }
        self.files.get(&id).ok_or_else(|| FileError::NotFound(id.vpath().get_with_slash().into()))
    }
}

impl World for JobWorld {
    fn library(&self) -> &LazyHash<Library> {
        &self.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.book
    }

    fn main(&self) -> FileId {
        self.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        self.lookup(id)?.1.clone().ok_or(FileError::NotSource)
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        Ok(self.lookup(id)?.0.clone())
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.get(index).cloned()
    }

    /// No clock: a date in the PDF comes from the data, so two builds are the same.
    fn today(&self, _: Option<Duration>) -> Option<Datetime> {
        None
    }
}

/// Decodes an image of type `ext` (`png`, `jpg`, `gif`, `webp`, `svg`) as Typst will when it
/// typesets it (Typst memoizes the decoding, so this costs nothing later): Typst's message when
/// it cannot, so the chapter that shows the image can be named instead of the template.
pub fn check_image(ext: &str, bytes: &Arc<Vec<u8>>) -> Result<(), String> {
    use typst::diag::LoadedWithin;
    use typst::loading::{LoadSource, Loaded};
    use typst::syntax::Span;
    use typst::syntax::Spanned;
    use typst::visualize::{ExchangeFormat, RasterImage, SvgImage};
    let data = Bytes::new(Shared(bytes.clone()));
    let format = match ext {
        "png" => ExchangeFormat::Png,
        "jpg" | "jpeg" => ExchangeFormat::Jpg,
        "gif" => ExchangeFormat::Gif,
        "webp" => ExchangeFormat::Webp,
        _ => {
            let loaded = Loaded::new(Spanned::new(LoadSource::Bytes, Span::detached()), data.clone());
            return SvgImage::new(data).map(drop).map_err(|e| once_placed(&e.within(&loaded).message));
        }
    };
    RasterImage::plain(data, format).map(drop).map_err(|e| readable(&e))
}

/// A decoder's message without the Rust value it may end with: `failed to decode image (Format
/// error decoding Png: ChunkType { type: … })` → `failed to decode image (Format error decoding Png)`.
fn readable(message: &str) -> String {
    match message.split_once(" (") {
        Some((head, detail)) if detail.contains('{') => {
            format!("{head} ({})", detail.split(':').next().unwrap_or(detail).trim_end_matches(')'))
        }
        _ => message.to_string(),
    }
}

/// `… (expected '>' at 1:90) at 1:90` with the place said once.
fn once_placed(message: &str) -> String {
    let inner = message.trim_end_matches(')');
    match inner.rsplit_once(" at ") {
        Some((head, place)) if head.ends_with(&format!(" at {place}")) => format!("{head}{}", &message[inner.len()..]),
        _ => message.to_string(),
    }
}

/// Typesets `job`: the PDF and Typst's warnings, or every error (located).
pub fn compile(job: &Job) -> Result<(Vec<u8>, Vec<Diagnostic>), Vec<Diagnostic>> {
    let made = typeset(job);
    // Typst memoizes its work in a global cache that only grows: `serve` typesets a new PDF
    // after every change, so the cache is emptied each time (a build typesets once; every PDF,
    // and every benchmark round, is made from cold).
    typst::comemo::evict(0);
    made
}

fn typeset(job: &Job) -> Result<(Vec<u8>, Vec<Diagnostic>), Vec<Diagnostic>> {
    let world = JobWorld::new(job)?;
    let warned = typst::compile::<PagedDocument>(&world);
    let mut warnings: Vec<Diagnostic> = warned.warnings.iter().map(|d| located(&world, d)).collect();
    let doc = warned.output.map_err(|errs| errs.iter().map(|d| located(&world, d)).collect::<Vec<_>>())?;
    let standards = PdfStandards::new(&[PdfStandard::Ua_1])
        .map_err(|e| vec![Diagnostic::error("", 0, 0, e.message().to_string())])?;
    let options = PdfOptions {
        ident: Smart::Custom(job.ident.clone()),
        creator: Smart::Custom(Some(format!("baipi {}", env!("CARGO_PKG_VERSION")))),
        timestamp: None,
        standards,
        tagged: true,
        ..PdfOptions::default()
    };
    let pdf =
        typst_pdf::pdf(&doc, &options).map_err(|errs| errs.iter().map(|d| located(&world, d)).collect::<Vec<_>>())?;
    warnings.dedup();
    Ok((pdf, warnings))
}

/// A Typst diagnostic as baipi's: at its file (as reported), line and column, with the
/// offending line and Typst's hints.
fn located(world: &JobWorld, d: &SourceDiagnostic) -> Diagnostic {
    // A problem in a file made for the build (an image) is reported at the file it came from;
    // one without a place at the innermost template call that led to it.
    let spans = std::iter::once(d.span).chain(d.trace.iter().rev().map(|t| t.span.into()));
    let mut at = (String::new(), 0, 0, None);
    for span in spans {
        let Some(id) = span.id() else { continue };
        let Some((_, source, display)) = world.files.get(&id) else { continue };
        at.0 = display.clone();
        if let (Some(src), Some(range)) = (source, world.range(span)) {
            let text = src.text();
            let start = range.start.min(text.len());
            let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
            at = (
                display.clone(),
                text[..start].matches('\n').count() + 1,
                text[line_start..start].chars().count() + 1,
                Some(text),
            );
        }
        break;
    }
    let (file, line, col, text) = at;
    let message = format!("Typst: {}", d.message);
    let mut out = match d.severity {
        TypstSeverity::Error => Diagnostic::error(file, line, col, message),
        TypstSeverity::Warning => Diagnostic::warning(file, line, col, message),
    };
    if let Some(text) = text {
        out = out.with_source(text);
    }
    let hints: Vec<String> = d.hints.iter().map(|h| h.v.to_string()).collect();
    if !hints.is_empty() {
        out = out.with_help(hints.join("; "));
    }
    out
}
