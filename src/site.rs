//! Loading: `site.toml` + `content/` + `data/` → an immutable [`Site`].
//!
//! Owns the loaded site. Takes the site folder and [`Options`]; produces the [`Site`]: the
//! configuration, the chapters, the datasets with their typed statistics, and `data.*`,
//! the statistics serialized once for templates and prose. Every input problem found while
//! loading is collected, so that one run reports all of them; the site is returned only
//! when there is no error.

use std::path::{Path, PathBuf};

use crate::config::{self, Config};
use crate::content::{self, Chapter};
use crate::data::{self, Dataset};
use crate::diag::{Diagnostic, Error, Result, Severity, Sink};
use crate::stats::{self, DatasetStats};

/// How to load.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub drafts: bool,
    pub base_url: Option<String>,
    /// URL of the live-reload script; set only by `serve`, so `build` output never has it.
    pub live_reload: Option<String>,
}

/// Everything the renderer needs, loaded and checked.
#[derive(Debug)]
pub struct Site {
    pub root: PathBuf,
    pub config: Config,
    pub index: Option<Chapter>,
    pub chapters: Vec<Chapter>,
    pub datasets: Vec<Dataset>,
    /// The statistics of each dataset, in the order of `datasets`.
    pub computed: Vec<DatasetStats>,
    /// `data.*` as prose and templates see it: `computed` serialized, each dataset at its
    /// dotted name (`data/a/b.yaml` at `data.a.b`).
    pub data: serde_json::Value,
    pub warnings: Vec<Diagnostic>,
    /// See [`Options::live_reload`].
    pub live_reload: Option<String>,
}

/// Loads the site at `root`; collects every input problem into `sink`.
pub fn load(root: &Path, opts: &Options, sink: &mut Sink) -> Result<Option<Site>> {
    let mut config = match sink.take(config::load(root))? {
        Some(c) => c,
        None => return Ok(None),
    };
    if let Some(url) = &opts.base_url {
        config = config.with_base_url(url)?;
    }
    let datasets = data::load_dir(root, sink)?;
    let all = content::load_dir(root, opts.drafts, sink)?;
    let (index, chapters): (Vec<Chapter>, Vec<Chapter>) = all.into_iter().partition(|c| c.is_index);
    let index = index.into_iter().next();

    let mut diags = Vec::new();
    let computed: Vec<DatasetStats> = datasets.iter().map(|d| stats::compute(d, &config.numbers, &mut diags)).collect();
    for d in diags {
        sink.push(d);
    }
    if sink.has_errors() {
        return Ok(None);
    }
    let mut data = serde_json::Map::new();
    for c in &computed {
        let value = serde_json::to_value(c).map_err(|e| Error::Io(format!("{}: {e}", c.file)))?;
        insert_path(&mut data, &c.name, value);
    }
    let warnings = sink.items.iter().filter(|d| d.severity == Severity::Warning).cloned().collect();
    Ok(Some(Site {
        root: root.to_path_buf(),
        config,
        index,
        chapters,
        datasets,
        computed,
        data: serde_json::Value::Object(data),
        warnings,
        live_reload: opts.live_reload.clone(),
    }))
}

/// Inserts `value` at a dotted path (`a.b` for data/a/b.yaml).
fn insert_path(map: &mut serde_json::Map<String, serde_json::Value>, path: &str, value: serde_json::Value) {
    match path.split_once('.') {
        None => {
            map.insert(path.to_string(), value);
        }
        Some((head, rest)) => {
            let entry = map.entry(head.to_string()).or_insert_with(|| serde_json::Value::Object(Default::default()));
            if let serde_json::Value::Object(m) = entry {
                insert_path(m, rest, value);
            }
        }
    }
}
