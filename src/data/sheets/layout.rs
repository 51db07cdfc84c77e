//! The layout of a sheet: an optional title row, the header row naming the columns, then one
//! row per part (or single figure), and optional 合计 rows checked against the parts above.
//! A header with a period column (期间, 年份, period) makes the sheet a series over time: each
//! row with a period is one period of it, with a value, a published growth (公布增速) or both.

use serde_saphyr::Spanned;

use super::reading::{self, Expect};
use super::{BreakdownMeta, Cell, Grid, GridCell, Meta, Origin, Row};
use crate::data::{DatasetFile, Fact, Part, Period, Pos, SeriesPeriod};
use crate::diag::{Diagnostic, Sink};
use crate::number::Dec;

/// A column the header may name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Col {
    Breakdown,
    Key,
    Label,
    Value,
    Share,
    Note,
    Prefix,
    Suffix,
    Unit,
    AsOf,
    Respondents,
    /// A series' period (`2018`, `2021Q2`, `2021-06`): the row is a period of a series.
    Period,
    /// A period's published growth, in percent, and its qualifiers.
    Growth,
    GrowthPrefix,
    GrowthSuffix,
    /// Open data (`/data/NAME.csv`): `derived`, whose `true` rows baipi recomputes.
    Derived,
    /// Open data: `dataset`, `share_percent`, `cumulative_percent`, recomputed and not read.
    Computed,
}

/// The headers of baipi's own open data, so that a published `/data/NAME.csv` reads back.
const OPEN_DATA: [(&str, Col); 7] = [
    ("section", Col::Breakdown),
    ("derived", Col::Derived),
    ("dataset", Col::Computed),
    ("share_percent", Col::Computed),
    ("cumulative_percent", Col::Computed),
    ("growth_percent", Col::Computed),
    ("index", Col::Computed),
];

/// Other headers of the period column.
const PERIOD_WORDS: [&str; 5] = ["年份", "年度", "时期", "时间", "year"];

/// Every column with its Chinese and English header.
pub const COLUMNS: [(Col, &str, &str); 15] = [
    (Col::Breakdown, "分项", "breakdown"),
    (Col::Key, "键", "key"),
    (Col::Label, "名称", "label"),
    (Col::Value, "数值", "value"),
    (Col::Share, "公布占比", "published_share"),
    (Col::Note, "说明", "note"),
    (Col::Prefix, "前缀", "prefix"),
    (Col::Suffix, "后缀", "suffix"),
    (Col::Unit, "单位", "unit"),
    (Col::AsOf, "时点", "as_of"),
    (Col::Respondents, "调查对象", "respondents"),
    (Col::Period, "期间", "period"),
    (Col::Growth, "公布增速", "published_growth"),
    (Col::GrowthPrefix, "增速前缀", "growth_prefix"),
    (Col::GrowthSuffix, "增速后缀", "growth_suffix"),
];

/// Headers statisticians write for a column, for the hint under an unknown one.
const SYNONYMS: [(&str, Col); 9] = [
    ("人数", Col::Value),
    ("数量", Col::Value),
    ("个数", Col::Value),
    ("数目", Col::Value),
    ("占比", Col::Share),
    ("比例", Col::Share),
    ("比重", Col::Share),
    ("项目", Col::Label),
    ("备注", Col::Note),
];

/// Words that make a row a 合计 (checked against the sum of the parts above it).
pub const TOTAL_WORDS: [&str; 4] = ["合计", "总计", "total", "Total"];

/// Columns only single figures (rows with an empty 分项) may fill.
const SINGLE_ONLY: [Col; 5] = [Col::Prefix, Col::Suffix, Col::Unit, Col::AsOf, Col::Respondents];

fn name(c: Col) -> String {
    let (_, zh, en) = COLUMNS.iter().find(|(k, ..)| *k == c).copied().unwrap_or((c, "?", "?"));
    format!("`{zh}` ({en})")
}

fn column_of(text: &str) -> Option<Col> {
    let t = text.trim();
    let named = COLUMNS.iter().find(|(_, zh, en)| t == *zh || t.eq_ignore_ascii_case(en)).map(|(c, ..)| *c);
    let period = PERIOD_WORDS.iter().any(|w| t.eq_ignore_ascii_case(w)).then_some(Col::Period);
    named.or(period).or_else(|| OPEN_DATA.iter().find(|(en, _)| t == *en).map(|(_, c)| *c))
}

/// A sheet read as a table: its title row, the columns and the rows below the header.
struct Table<'g> {
    grid: &'g Grid,
    title: Option<String>,
    cols: Vec<(usize, Col)>,
    rows: &'g [Row],
}

impl Table<'_> {
    fn has(&self, c: Col) -> bool {
        self.cols.iter().any(|(_, k)| *k == c)
    }

    fn get<'r>(&self, row: &'r Row, c: Col) -> Option<&'r GridCell> {
        let i = self.cols.iter().find(|(_, k)| *k == c)?.0;
        row.cells.get(i).filter(|cell| !cell.is_blank())
    }

    fn text(&self, row: &Row, c: Col) -> String {
        self.get(row, c).map(|x| x.shown.trim().to_string()).unwrap_or_default()
    }
}

/// Finds the title row and the header of `grid`; problems go to `sink`. A worksheet that
/// the metadata does not name (`optional`) and that has no header is a warning, not an
/// error (a workbook's notes sheet); an empty worksheet is skipped.
fn table<'g>(grid: &'g Grid, optional: bool, sink: &mut Sink) -> Option<Table<'g>> {
    let Some(h) = grid.rows.iter().position(|r| r.cells.iter().any(|c| column_of(&c.shown).is_some())) else {
        let empty = grid.rows.iter().all(|r| r.cells.iter().all(GridCell::is_blank));
        if empty && grid.sheet.is_some() {
            return None;
        }
        let names: Vec<String> = COLUMNS.iter().take(5).map(|(c, ..)| name(*c)).collect();
        let help = format!("start with a row of column names: {} … (see README, “表格数据集”)", names.join(", "));
        let mut d = grid.at().error("no header row: no row names the columns").with_help(help);
        if optional {
            d.severity = crate::diag::Severity::Warning;
            d.message = "sheet not read: no row names the columns (键, 名称, 数值 …)".into();
        }
        sink.push(d);
        return None;
    };
    let above: Vec<&Row> = grid.rows[..h].iter().filter(|r| r.cells.iter().any(|c| !c.is_blank())).collect();
    let mut title = None;
    for (i, r) in above.iter().enumerate() {
        let filled: Vec<&GridCell> = r.cells.iter().filter(|c| !c.is_blank()).collect();
        if i > 0 || filled.len() > 1 {
            sink.push(
                grid.cell(r, filled[0])
                    .error("a row above the header: only one title row, with one cell, may stand there")
                    .with_help("delete the row, or merge its text into the title cell"),
            );
            return None;
        }
        title = Some(filled[0].shown.trim().to_string());
    }
    let header = &grid.rows[h];
    let mut cols: Vec<(usize, Col)> = Vec::new();
    for (i, c) in header.cells.iter().enumerate().filter(|(_, c)| !c.is_blank()) {
        match column_of(&c.shown) {
            Some(Col::Computed) => {}
            Some(k) if cols.iter().any(|(_, o)| *o == k) => {
                sink.push(grid.cell(header, c).error(format!("the header names column {} twice", name(k))));
            }
            Some(k) => cols.push((i, k)),
            None => sink.push(unknown_column(grid, header, c)),
        }
    }
    // A series needs its periods and a value or a published growth; other sheets key, label, value.
    let series = cols.iter().any(|(_, k)| *k == Col::Period);
    if series && !cols.iter().any(|(_, k)| matches!(k, Col::Value | Col::Growth)) {
        let written = cols.iter().find(|(_, k)| *k == Col::Period).and_then(|(i, _)| header.cells.get(*i));
        let written = written.map_or("期间".to_string(), |c| c.shown.trim().to_string());
        sink.push(grid.row_at(header).error(format!("the header has a period column (`{written}`) but no `数值` (value) or `公布增速` (published_growth) column")).with_help(
            "a series needs, beside its periods, the values (数值), the published growth (公布增速), or both",
        ));
    }
    for need in [Col::Key, Col::Label, Col::Value].into_iter().filter(|_| !series) {
        if !cols.iter().any(|(_, k)| *k == need) {
            sink.push(grid.row_at(header).error(format!("the header has no {} column", name(need))).with_help(
                "the columns 键 (key), 名称 (label) and 数值 (value) are required; 公布占比, 说明, 分项 … are optional",
            ));
        }
    }
    Some(Table { grid, title, cols, rows: &grid.rows[h + 1..] })
}

fn unknown_column(grid: &Grid, header: &Row, c: &GridCell) -> Diagnostic {
    let t = c.shown.trim();
    let all = COLUMNS.iter().flat_map(|(_, zh, en)| [*zh, *en]);
    let synonym = SYNONYMS.iter().find(|(w, _)| t.starts_with(w)).map(|(_, c)| name(*c));
    let help = match synonym.or_else(|| crate::util::text::nearest(t, all).map(|n| format!("`{n}`"))) {
        Some(n) => format!("did you mean {n}?"),
        None => {
            let list: Vec<&str> = COLUMNS.iter().map(|(_, zh, _)| *zh).collect();
            format!("the columns are {} (or their English names)", list.join("、"))
        }
    };
    grid.cell(header, c).error(format!("unknown column \"{t}\" in the header")).with_help(help)
}

/// The parts of one breakdown gathered from the rows naming it.
struct Piece {
    key: String,
    at: Cell,
    /// The sheet's title row, when the sheet holds this breakdown alone.
    title: Option<String>,
    parts: Vec<Part>,
    /// Index in `parts` of each key, for duplicates.
    keys: std::collections::HashMap<String, usize>,
    sum: Option<Dec>,
}

/// The periods of one series gathered from the rows naming it.
struct SeriesPiece {
    key: String,
    at: Cell,
    title: Option<String>,
    periods: Vec<SeriesPeriod>,
}

/// Reads every grid into the dataset of `meta`; problems go to `sink`.
pub fn dataset(
    grids: &[Grid],
    mut meta: Meta,
    meta_text: &str,
    origin: &mut Origin,
    sink: &mut Sink,
) -> Option<DatasetFile> {
    let mut pieces: Vec<Piece> = Vec::new();
    let mut series: Vec<SeriesPiece> = Vec::new();
    let mut values: Vec<(Spanned<String>, Fact)> = Vec::new();
    let mut first_title = None;
    for grid in grids {
        let named = |s: &String| {
            meta.breakdowns.0.iter().any(|(k, b)| b.sheet.as_ref().unwrap_or(&k.value) == s)
                || meta.series.0.iter().any(|(k, b)| b.sheet.as_ref().unwrap_or(&k.value) == s)
        };
        let optional = grids.len() > 1 && grid.sheet.as_ref().is_some_and(|s| !named(s));
        let Some(t) = table(grid, optional, sink) else { continue };
        first_title = first_title.or(t.title.clone());
        let single = match (t.has(Col::Breakdown), t.has(Col::Period)) {
            (true, _) => None,
            (false, true) => series_key(grid, &meta, sink),
            (false, false) => sheet_key(grid, &meta, sink),
        };
        if !t.has(Col::Breakdown) && single.is_none() {
            continue;
        }
        let mut cx =
            Rows { t: &t, meta: &meta, origin, sink, pieces: &mut pieces, series: &mut series, values: &mut values };
        cx.read(single.as_deref());
    }
    // A file of one breakdown (or series): its title row names it too.
    if let [only] = pieces.as_mut_slice() {
        only.title = only.title.take().or(first_title.clone());
    }
    if let ([], [only]) = (pieces.as_slice(), series.as_mut_slice()) {
        only.title = only.title.take().or(first_title.clone());
    }
    let title = meta.title.clone().or(first_title);
    let Some(title) = title else {
        let at = grids.first().map(|g| g.at()).unwrap_or_default();
        sink.push(
            at.error("the dataset has no title")
                .with_help("write `title: …` in the metadata file (NAME.meta.yaml), or a title row above the header"),
        );
        return None;
    };
    let mut def = super::dataset_file(&meta, title);
    def.values.0.extend(values);
    let meta_file = origin.meta_file.clone();
    let series_meta = std::mem::take(&mut meta.series);
    assemble(&mut def, meta, meta_text, &meta_file, pieces, origin, sink);
    assemble_series(&mut def, series_meta, meta_text, &meta_file, series, origin, sink);
    Some(def)
}

/// The series a sheet with a period column and no 分项 column holds: the one whose `sheet:`
/// (or key) is the sheet's name; for CSV the one series the metadata declares without periods.
fn series_key(grid: &Grid, meta: &Meta, sink: &mut Sink) -> Option<String> {
    let declared = &meta.series.0;
    if let Some(s) = &grid.sheet {
        let named = declared.iter().find(|(k, b)| b.sheet.as_deref().unwrap_or(&k.value) == s);
        return Some(named.map_or(s.clone(), |(k, _)| k.value.clone()));
    }
    let open: Vec<&str> = declared.iter().filter(|(_, b)| b.periods.is_none()).map(|(k, _)| k.value.as_str()).collect();
    if let [one] = open.as_slice() {
        return Some(one.to_string());
    }
    sink.push(grid.at().error(format!(
        "the file has a period column (期间, 年份 …) and no `分项` column, so its rows are the periods of one series, but the metadata declares {}",
        if open.is_empty() { "none".to_string() } else { format!("{}", open.len()) }
    )).with_help("declare exactly one series in NAME.meta.yaml (`series: {members: {title: …}}`), or add a 分项 column naming each row's series"));
    None
}

/// Puts the series into the dataset: the metadata's in their order (periods written there or
/// read from a sheet, not both), then those only the sheets name.
fn assemble_series(
    def: &mut DatasetFile,
    declared: crate::data::Ordered<super::SeriesMeta>,
    meta_text: &str,
    meta_file: &str,
    mut pieces: Vec<SeriesPiece>,
    origin: &mut Origin,
    sink: &mut Sink,
) {
    for (key, mut m) in declared.0 {
        let found = pieces.iter().position(|p| p.key == key.value).map(|i| pieces.remove(i));
        let pos = Pos::of(&key);
        let located = |msg: String, help: &str| {
            Diagnostic::error(meta_file, pos.line, pos.col, msg).with_source(meta_text).with_help(help.to_string())
        };
        let periods = match (m.periods.take(), found) {
            (Some(_), Some(p)) => {
                sink.push(located(
                    format!(
                        "series `{}` has its periods twice: under `periods:` here and in the rows of {}",
                        key.value,
                        p.at.at()
                    ),
                    "keep one: delete `periods:` from the metadata, or the rows from the sheet",
                ));
                continue;
            }
            (Some(ps), None) => ps,
            (None, Some(p)) => {
                let title = m.title.clone().or(p.title.clone());
                let Some(title) = title else {
                    sink.push(p.at.error(format!("series `{}` has no title", p.key)).with_help(format!(
                        "give it `title:` under `series: {}:` in the metadata file, or a title row above the sheet's header",
                        p.key
                    )));
                    continue;
                };
                m.title = Some(title);
                origin.spanned(p.periods, p.at)
            }
            (None, None) => {
                sink.push(located(
                    format!("series `{}` has no periods: neither `periods:` nor a sheet with a 期间 (period) column gives them", key.value),
                    "write its `periods:` here, or name its sheet with `sheet:`",
                ));
                continue;
            }
        };
        let Some(title) = m.title.clone() else {
            sink.push(located(format!("series `{}` has no title", key.value), "give it `title: …`"));
            continue;
        };
        def.series.0.push((key, m.into_series(title, periods)));
    }
    for p in pieces {
        let Some(title) = p.title.clone() else {
            let d = p.at.error(format!("series `{}` has no title", p.key));
            sink.push(d.with_help(format!(
                "give it `title:` under `series: {}:` in the metadata file, or a title row above the sheet's header",
                p.key
            )));
            continue;
        };
        let key = origin.spanned(p.key.clone(), p.at.clone());
        let periods = origin.spanned(p.periods, p.at);
        def.series.0.push((key, super::SeriesMeta::default().into_series(title, periods)));
    }
}

/// The breakdown a sheet without a 分项 column holds: the one whose `sheet:` (or key) is the
/// sheet's name; for CSV the one breakdown the metadata declares.
fn sheet_key(grid: &Grid, meta: &Meta, sink: &mut Sink) -> Option<String> {
    let declared = &meta.breakdowns.0;
    if let Some(s) = &grid.sheet {
        let named = declared.iter().find(|(k, b)| b.sheet.as_deref().unwrap_or(&k.value) == s);
        return Some(named.map_or(s.clone(), |(k, _)| k.value.clone()));
    }
    if declared.len() == 1 {
        return Some(declared[0].0.value.clone());
    }
    sink.push(grid.at().error(format!(
        "the file has no `分项` (breakdown) column, so its rows are the parts of one breakdown, but the metadata declares {}",
        if declared.is_empty() { "none".to_string() } else { format!("{}", declared.len()) }
    )).with_help("add a 分项 column naming each row's breakdown, or declare exactly one breakdown in NAME.meta.yaml (`breakdowns: {by_type: {title: …}}`)"));
    None
}

/// Reading the rows of one table.
struct Rows<'a, 't> {
    t: &'a Table<'t>,
    meta: &'a Meta,
    origin: &'a mut Origin,
    sink: &'a mut Sink,
    pieces: &'a mut Vec<Piece>,
    series: &'a mut Vec<SeriesPiece>,
    values: &'a mut Vec<(Spanned<String>, Fact)>,
}

impl Rows<'_, '_> {
    fn read(&mut self, single: Option<&str>) {
        let t = self.t;
        let mut current: Option<String> = single.map(str::to_string);
        for row in t.rows.iter().filter(|r| r.cells.iter().any(|c| !c.is_blank())) {
            if let Some(bad) = t.cols.iter().filter_map(|(i, _)| row.cells.get(*i)).find(|c| c.problem.is_some()) {
                let p = bad.problem.clone().unwrap_or_default();
                self.sink.push(t.grid.cell(row, bad).error(p.why).with_help(p.help));
                continue;
            }
            if self.recomputed(row) {
                continue;
            }
            let named = t.get(row, Col::Breakdown).map(|c| c.shown.trim().to_string());
            let named = named.filter(|n| !(t.has(Col::Derived) && n == "values"));
            if t.get(row, Col::Period).is_some() {
                match named.or(single.map(str::to_string)) {
                    Some(key) => self.period_row(row, &key),
                    None => {
                        let d = t.grid.row_at(row).error("a row with a period but no series: its `分项` cell is empty");
                        self.sink.push(d.with_help("write the series' key in the 分项 column"));
                    }
                }
                continue;
            }
            let is_total =
                [Col::Key, Col::Label, Col::Breakdown].iter().any(|c| TOTAL_WORDS.contains(&t.text(row, *c).as_str()));
            if is_total {
                let key = named.filter(|n| !TOTAL_WORDS.contains(&n.as_str())).or(current.clone());
                self.total_row(row, key);
                continue;
            }
            match named.or(single.map(str::to_string)) {
                Some(key) => {
                    current = Some(key.clone());
                    let at = t.get(row, Col::Breakdown).map_or_else(|| t.grid.at(), |c| t.grid.cell(row, c));
                    self.part_row(row, &key, at, single.is_some());
                }
                None => self.value_row(row),
            }
        }
    }

    /// In open data: a row baipi derives (a remainder, a group, a figure of the metadata).
    fn recomputed(&self, row: &Row) -> bool {
        let t = self.t;
        if !t.has(Col::Derived) {
            return false;
        }
        let (section, key) = (t.text(row, Col::Breakdown), t.text(row, Col::Key));
        let group = |b: &BreakdownMeta| b.groups.0.iter().any(|(g, _)| g.value == key);
        let written = |k: &str| self.meta.series.0.iter().any(|(s, m)| s.value == k && m.periods.is_some());
        t.text(row, Col::Derived) == "true"
            || (!t.text(row, Col::Period).is_empty() && written(&section))
            || (section == "values" && self.meta.values.0.iter().any(|(k, _)| k.value == key))
            || self.meta.breakdowns.0.iter().any(|(k, b)| k.value == section && group(b))
    }

    fn unit(&self, breakdown: &str) -> String {
        let b = self.meta.breakdowns.0.iter().find(|(k, _)| k.value == breakdown);
        b.and_then(|(_, b)| b.unit.clone()).unwrap_or_else(|| self.meta.unit.clone())
    }

    /// A required cell, located; `None` (and an error) when it is empty.
    fn required(&mut self, row: &Row, c: Col) -> Option<(String, Cell)> {
        let t = self.t;
        match t.get(row, c) {
            Some(cell) => Some((cell.shown.trim().to_string(), t.grid.cell(row, cell))),
            None => {
                let i = t.cols.iter().find(|(_, k)| *k == c).map_or(0, |(i, _)| *i);
                let blank = GridCell { col: column_at(t.grid, row, i), ..GridCell::default() };
                self.sink.push(
                    t.grid
                        .cell(row, &blank)
                        .error(format!("empty cell: {} is required", name(c)))
                        .with_help(format!("fill in {}, or delete the row if it is not a figure", name(c))),
                );
                None
            }
        }
    }

    fn number(&mut self, row: &Row, c: Col, expect: Expect) -> Option<Spanned<Dec>> {
        let (text, at) = self.required(row, c)?;
        self.read_number(&text, at, c, expect)
    }

    fn read_number(&mut self, text: &str, at: Cell, c: Col, expect: Expect) -> Option<Spanned<Dec>> {
        match reading::number(text, expect) {
            Ok(d) => Some(self.origin.spanned(d, at)),
            Err(e) => {
                self.sink.push(at.error(format!("{}: {}", name(c), e.why)).with_help(e.help));
                None
            }
        }
    }

    fn part_row(&mut self, row: &Row, key: &str, at: Cell, alone: bool) {
        let t = self.t;
        // Open data repeats each part's unit and date, which come from the metadata.
        let open = t.has(Col::Derived);
        for c in SINGLE_ONLY.into_iter().filter(|c| !(open && matches!(c, Col::Unit | Col::AsOf))) {
            if let Some(cell) = t.get(row, c) {
                let d = t.grid.cell(row, cell).error(format!(
                    "{} is for single figures (rows with an empty 分项); a part of breakdown `{key}` has none",
                    name(c)
                ));
                self.sink.push(d.with_help(
                    "leave the cell empty; a breakdown's unit, as_of and respondents go in the metadata file",
                ));
            }
        }
        let unit = self.unit(key);
        let expect = Expect { unit: &unit, percent: unit == "%", single: false };
        let (k, label, value) =
            (self.required(row, Col::Key), self.required(row, Col::Label), self.number(row, Col::Value, expect));
        let share = t.get(row, Col::Share).map(|c| (c.shown.trim().to_string(), t.grid.cell(row, c)));
        let share = share.and_then(|(s, at)| {
            self.read_number(&s, at, Col::Share, Expect { unit: "%", percent: true, single: false })
        });
        let i = match self.pieces.iter().position(|p| p.key == key) {
            Some(i) => i,
            None => {
                let title = if alone { t.title.clone() } else { None };
                self.pieces.push(Piece {
                    key: key.to_string(),
                    at,
                    title,
                    parts: Vec::new(),
                    keys: Default::default(),
                    sum: Some(Dec::ZERO),
                });
                self.pieces.len() - 1
            }
        };
        let (Some((k, kat)), Some((label, _)), Some(value)) = (k, label, value) else {
            // A 合计 below cannot be checked against parts that were not read.
            self.pieces[i].sum = None;
            return;
        };
        if let Some(first) = self.pieces[i].keys.get(&k).map(|&j| &self.pieces[i].parts[j]) {
            let first_at = self.origin.diagnostic_at(Pos::of(&first.key));
            let d = kat.error(format!("duplicate key `{k}` in breakdown `{key}`: it is also the key of {first_at}"));
            self.sink.push(d.with_help("each part of a breakdown needs its own 键 (key)"));
            return;
        }
        let piece = &mut self.pieces[i];
        piece.sum = piece.sum.and_then(|s| s.checked_add(value.value));
        let note = t.text(row, Col::Note);
        let key = self.origin.spanned(k, kat);
        let piece = &mut self.pieces[i];
        piece.keys.insert(key.value.clone(), piece.parts.len());
        piece.parts.push(Part { key, label, value, published_share: share, note });
    }

    /// A period of the series `key`: its period, and a value, a published growth or both.
    fn period_row(&mut self, row: &Row, key: &str) {
        let t = self.t;
        let unit = self.meta.series.0.iter().find(|(k, _)| k.value == key).and_then(|(_, m)| m.unit.clone());
        let unit = unit.unwrap_or_else(|| self.meta.unit.clone());
        let Some(cell) = t.get(row, Col::Period) else { return };
        let at = t.grid.cell(row, cell);
        let period = match Period::parse(&cell.shown) {
            Ok(p) => self.origin.spanned(p, at.clone()),
            Err(e) => {
                self.sink.push(at.error(format!("{}: {e}", name(Col::Period))).with_help(
                    "write the period as a year (2018), a quarter (2021Q2) or a month (2021-06), as text if the program turns it into a date",
                ));
                return;
            }
        };
        let cell_of = |c: Col| t.get(row, c).map(|x| (x.shown.trim().to_string(), t.grid.cell(row, x)));
        let single = Expect { unit: &unit, percent: unit == "%", single: true };
        let pct = Expect { unit: "%", percent: true, single: true };
        let value = cell_of(Col::Value).map(|(text, at)| self.read_number(&text, at, Col::Value, single));
        let growth = cell_of(Col::Growth).map(|(text, at)| self.read_number(&text, at, Col::Growth, pct));
        if value.is_none() && growth.is_none() {
            let d = at.error(format!(
                "period `{}` of series `{key}` has neither a value nor a published growth",
                cell.shown.trim()
            ));
            self.sink.push(d.with_help("fill in 数值 (value) or 公布增速 (published_growth), or delete the row"));
            return;
        }
        // A number that could not be read was reported; the period is left out.
        let (Some(value), Some(published_growth)) =
            (value.map_or(Some(None), |v| v.map(Some)), growth.map_or(Some(None), |g| g.map(Some)))
        else {
            return;
        };
        let p = SeriesPeriod {
            period,
            value,
            prefix: t.text(row, Col::Prefix),
            suffix: t.text(row, Col::Suffix),
            published_growth,
            growth_prefix: t.text(row, Col::GrowthPrefix),
            growth_suffix: t.text(row, Col::GrowthSuffix),
            note: t.text(row, Col::Note),
        };
        match self.series.iter_mut().find(|s| s.key == key) {
            Some(s) => s.periods.push(p),
            None => {
                let title = if t.has(Col::Breakdown) { None } else { t.title.clone() };
                self.series.push(SeriesPiece { key: key.to_string(), at: t.grid.row_at(row), title, periods: vec![p] });
            }
        }
    }

    fn value_row(&mut self, row: &Row) {
        let t = self.t;
        if let Some(cell) = t.get(row, Col::Share) {
            let d = t
                .grid
                .cell(row, cell)
                .error("a single figure (a row with an empty 分项) has no `公布占比` (published_share)");
            self.sink.push(d.with_help("name the breakdown in the 分项 column if the row is a part of one"));
        }
        let unit = Some(t.text(row, Col::Unit)).filter(|u| !u.is_empty());
        let u = unit.clone().unwrap_or_else(|| self.meta.unit.clone());
        let expect = Expect { unit: &u, percent: u == "%", single: true };
        let (k, label, value) =
            (self.required(row, Col::Key), self.required(row, Col::Label), self.number(row, Col::Value, expect));
        let as_of = self.as_of(row);
        let (Some((k, kat)), Some((label, _)), Some(value), Some(as_of)) = (k, label, value, as_of) else { return };
        let fact = Fact {
            label,
            value,
            unit,
            prefix: t.text(row, Col::Prefix),
            suffix: t.text(row, Col::Suffix),
            as_of,
            respondents: t.text(row, Col::Respondents),
            note: t.text(row, Col::Note),
        };
        let key = self.origin.spanned(k, kat);
        self.values.push((key, fact));
    }

    /// The 时点 cell of a single figure: `None` on error, `Some(None)` when empty.
    fn as_of(&mut self, row: &Row) -> Option<Option<crate::data::AsOf>> {
        let t = self.t;
        let Some(cell) = t.get(row, Col::AsOf) else { return Some(None) };
        let s = cell.shown.trim();
        if s == crate::data::AsOf::UNDATED || crate::format::parse_date(s).is_some() {
            return Some(Some(crate::data::AsOf(s.to_string())));
        }
        let d = t.grid.cell(row, cell).error(format!("{}: \"{s}\" is not a date", name(Col::AsOf)));
        self.sink.push(d.with_help("write a date such as 2021-06 or 2021-06-30, or `undated`"));
        None
    }

    fn total_row(&mut self, row: &Row, key: Option<String>) {
        let unit = key.as_deref().map_or_else(|| self.meta.unit.clone(), |k| self.unit(k));
        let Some(v) = self.number(row, Col::Value, Expect { unit: &unit, percent: unit == "%", single: false }) else {
            return;
        };
        let at = self.origin.cells.pop().unwrap_or_default();
        let piece = key.as_deref().and_then(|k| self.pieces.iter().find(|p| p.key == k));
        let Some(piece) = piece else {
            self.sink.push(
                at.error("a 合计 row with no parts above it").with_help("put the 合计 row below the parts it sums"),
            );
            return;
        };
        match piece.sum {
            Some(sum) if sum == v.value => {}
            Some(sum) => {
                let msg =
                    format!("the 合计 row says {}, but the {} parts above it sum to {sum}", v.value, piece.parts.len());
                self.sink.push(at.error(msg).with_help(
                    "correct a part or the 合计: the 合计 row is checked against the sum, not read as a part",
                ));
            }
            None => {}
        }
    }
}

/// The column number of the `i`-th cell of `row` (for an empty cell past the row's end).
fn column_at(grid: &Grid, row: &Row, i: usize) -> usize {
    match row.cells.get(i) {
        Some(c) => c.col,
        None if grid.sheet.is_some() => row.cells.first().map_or(1, |c| c.col) + i,
        None => grid.line_text(row.line).chars().count() + 1,
    }
}

/// Puts the pieces into the dataset: the metadata's breakdowns in their order, then the rest.
fn assemble(
    def: &mut DatasetFile,
    meta: Meta,
    meta_text: &str,
    meta_file: &str,
    mut pieces: Vec<Piece>,
    origin: &mut Origin,
    sink: &mut Sink,
) {
    for (key, b) in meta.breakdowns.0 {
        let Some(i) = pieces.iter().position(|p| p.key == key.value) else {
            let pos = Pos::of(&key);
            let where_ = if b.sheet.is_some() {
                "its sheet has"
            } else {
                "no sheet and no row of the 分项 column names it, or its sheet has"
            };
            let d = Diagnostic::error(
                meta_file,
                pos.line,
                pos.col,
                format!("breakdown `{}` has no parts: {where_} no rows", key.value),
            );
            sink.push(
                d.with_source(meta_text)
                    .with_help("name the sheet with `sheet:`, or put its key in the 分项 column of its rows"),
            );
            continue;
        };
        let p = pieces.remove(i);
        push(def, key, b, p, origin, sink);
    }
    for p in pieces {
        let key = origin.spanned(p.key.clone(), p.at.clone());
        push(def, key, BreakdownMeta::default(), p, origin, sink);
    }
}

fn push(def: &mut DatasetFile, key: Spanned<String>, b: BreakdownMeta, p: Piece, origin: &mut Origin, sink: &mut Sink) {
    let Some(title) = b.title.clone().or(p.title) else {
        let d = p.at.error(format!("breakdown `{}` has no title", p.key));
        sink.push(d.with_help(format!(
            "give it `title:` under `breakdowns: {}:` in the metadata file, or a title row above the sheet's header",
            p.key
        )));
        return;
    };
    let parts = origin.spanned(p.parts, p.at);
    def.breakdowns.0.push((key, b.into_breakdown(title, parts)));
}
