//! Links from chapters: images and files resolved to what the site publishes, and anchors
//! (`x.md#id`) checked against the ids the target chapter really has.

use std::collections::BTreeMap;

use super::chapter::{Asset, ChapterEnv, RenderedChapter};
use crate::content::Chapter;
use crate::diag::{Diagnostic, Error, Sink};
use crate::markdown;
use crate::util::path::normalize;
use crate::util::text::list;

/// Finds the file an image or file link names. A relative path is looked up
/// next to the chapter in content/ (the file is then copied into the site),
/// then among the site's static and generated files; a path starting with `/`
/// among the site's files. Found files get a URL that works under a sub-path.
pub fn resolve_asset(dest: &str, dir: &str, env: &ChapterEnv, copies: &mut Vec<Asset>) -> markdown::Asset {
    let split = dest.find(['#', '?']).unwrap_or(dest.len());
    let (path, tail) = dest.split_at(split);
    let Some(decoded) = crate::util::escape::percent_decode(path) else { return markdown::Asset::Missing };
    let known = |p: &str| env.plan.has(p);
    if let Some(abs) = decoded.strip_prefix('/') {
        return match normalize("", abs) {
            Some(p) if known(&p) || (p.is_empty() && abs.is_empty()) => {
                markdown::Asset::Rewrite(format!("{}{}{tail}", env.base_path, path.trim_start_matches('/')))
            }
            _ if !env.plan.statics_known => markdown::Asset::Keep,
            _ => markdown::Asset::Missing,
        };
    }
    if let Some(rel) = normalize(dir, &decoded) {
        let file = env.root.join("content").join(&rel);
        if !rel.is_empty() && std::fs::symlink_metadata(&file).is_ok() && !file.is_dir() && !rel.ends_with(".md") {
            // A link (or a folder link on the way) must lead to a regular file inside the site.
            let real = match crate::source::resolve_inside(&env.root_canon, &file, "") {
                Ok(real) => real,
                Err(Error::Input(ds)) => return markdown::Asset::Refused(ds.into_iter().map(|d| d.message).collect()),
                Err(e) => return markdown::Asset::Refused(e.to_string()),
            };
            let url = if dir.is_empty() { path.to_string() } else { format!("{dir}/{path}") };
            let url = normalize("", &url).unwrap_or(url);
            copies.push(Asset { path: rel, from: real });
            return markdown::Asset::Rewrite(format!("{}{url}{tail}", env.base_path));
        }
    }
    match normalize("", &decoded) {
        Some(p) if !p.is_empty() && known(&p) => markdown::Asset::Rewrite(format!("{}{p}{tail}", env.base_path)),
        _ if !env.plan.statics_known => markdown::Asset::Keep,
        _ => markdown::Asset::Missing,
    }
}

/// Every anchored link must name a heading (or another element with that id) of its target.
pub fn check_anchors(all: &[&Chapter], rendered: &[Option<RenderedChapter>], sink: &mut Sink) {
    let by_file: BTreeMap<&str, (&Chapter, &Option<RenderedChapter>)> =
        all.iter().zip(rendered).map(|(c, r)| (c.rel.as_str(), (*c, r))).collect();
    for (ch, r) in all.iter().zip(rendered) {
        let Some(r) = r else { continue };
        for link in &r.anchors {
            let anchor = &link.anchor;
            let Some((tc, Some(tr))) = by_file.get(link.target.as_str()).copied() else { continue };
            if tr.toc.iter().any(|t| &t.id == anchor) || tr.ids.iter().any(|id| id == anchor) {
                continue;
            }
            let ids: Vec<&str> = tr.toc.iter().map(|t| t.id.as_str()).collect();
            let (line, col) = link.at;
            let msg = format!("link to `{}#{anchor}`: {} has no heading with id `{anchor}`", link.target, tc.file);
            let mut d = Diagnostic::error(&ch.file, line, col, msg).with_source(ch.source());
            if let Some(n) = crate::util::text::nearest(anchor, ids.iter().copied()) {
                d = d.with_help(format!("did you mean `#{n}`?"));
            } else if !ids.is_empty() {
                d = d.with_help(format!("its headings are: {}", list(&ids, 8)));
            }
            sink.push(d);
        }
    }
}
