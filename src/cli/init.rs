//! `baipi init DIR` (a new white paper skeleton) and `baipi new chapter` (one more chapter).
//!
//! The default theme is compiled into the binary, so `init` works anywhere,
//! without a copy of this repository. The skeleton builds and passes
//! `check --strict` as it is; its prose quotes every number from its dataset.

use std::path::{Path, PathBuf};

use crate::diag::{Error, Result, Sink};
use crate::report::Verbosity;

/// The default theme, file by file (path under `themes/default/`).
pub const DEFAULT_THEME: &[(&str, &[u8])] = &[
    ("fonts/LICENSE", include_bytes!("../../themes/default/fonts/LICENSE")),
    (
        "fonts/NotoSansCJKsc-Regular-subset.otf",
        include_bytes!("../../themes/default/fonts/NotoSansCJKsc-Regular-subset.otf"),
    ),
    ("fonts/NotoSansCJKsc-Bold-subset.otf", include_bytes!("../../themes/default/fonts/NotoSansCJKsc-Bold-subset.otf")),
    ("pdf/paper.typ", include_bytes!("../../themes/default/pdf/paper.typ")),
    ("static/_headers", include_bytes!("../../themes/default/static/_headers")),
    ("static/css/site.css", include_bytes!("../../themes/default/static/css/site.css")),
    ("static/favicon.svg", include_bytes!("../../themes/default/static/favicon.svg")),
    ("static/js/search.js", include_bytes!("../../themes/default/static/js/search.js")),
    ("templates/404.html", include_bytes!("../../themes/default/templates/404.html")),
    ("templates/base.html", include_bytes!("../../themes/default/templates/base.html")),
    ("templates/chapter.html", include_bytes!("../../themes/default/templates/chapter.html")),
    ("templates/full.html", include_bytes!("../../themes/default/templates/full.html")),
    ("templates/index.html", include_bytes!("../../themes/default/templates/index.html")),
    ("templates/search.html", include_bytes!("../../themes/default/templates/search.html")),
    ("templates/sources.html", include_bytes!("../../themes/default/templates/sources.html")),
    ("theme.toml", include_bytes!("../../themes/default/theme.toml")),
];

const SITE_TOML: &str = r#"# 站点配置。title、base_url、language、theme 四项必填；写错的键名会报错，不会被忽略。
title = "白皮书标题（请修改）"
base_url = "/"                 # 部署在子路径下时写完整网址，如 "https://example.org/report-2024/"
language = "zh-CN"
theme = "default"              # themes/ 下的文件夹名
description = "一两句话介绍这本白皮书，显示在搜索结果和分享卡片中。"

[publication]
publishers = ["编制单位（请修改）"]
"#;

const INDEX_MD: &str = r#"---
title: 白皮书标题（请修改）
summary: 一两句话的摘要，显示在封面上。
key_figures:
  - { label: 示例单位总数, value: "{{ data.example.total | num }}", unit: 个 }
  - { label: 甲类单位占比, value: "{{ data.example.by_type.a.share | pct }}", unit: "" }
---

这里是导语，显示在封面的“数读”下方。正文中的数字都从数据文件中取出：截至{{ data.example.as_of | date_zh }}，示例单位共{{ data.example.total | num }}个。
"#;

const CHAPTER_MD: &str = r#"---
title: 概况
slug: overview
weight: 1
summary: 本章摘要，显示在目录中（请修改）。
charts:
  - id: example-by-type
    type: donut               # bar、hbar、donut、pie、stacked、line
    data: example.by_type     # 数据集.分项
    title: 示例单位构成（按类型）
  - id: example-by-year
    type: line                # 时间序列画成 line（折线）或 bar（柱）
    data: example.series.by_year   # 数据集.series.序列
    title: 示例单位数量变化
---

## 总体规模

截至{{ data.example.as_of | date_zh }}，示例单位共{{ data.example.total | num }}个。其中，甲类单位{{ data.example.by_type.a.value | num }}个，占{{ data.example.by_type.a.share | pct }}；乙类单位{{ data.example.by_type.b.value | num }}个，占{{ data.example.by_type.b.share | pct }}。

{{ figure(id="example-by-type") }}

## 变化趋势

{{ data.example.series.by_year.first.label }}以来，示例单位从{{ data.example.series.by_year.first.value | num }}个增至{{ data.example.series.by_year.last.value | num }}个，增长{{ data.example.series.by_year.growth | pct }}，年均增长{{ data.example.series.by_year.cagr | pct }}。增长率由本站按逐年数据计算。

{{ figure(id="example-by-year") }}

{{ table(data="example.series.by_year") }}

改动 `data/example.yaml` 中的数字，这一段和封面上的数字、百分比会一起更新。

## 说明

数据的出处和下载见[数据来源与说明](02-sources.md)。
"#;

const SOURCES_MD: &str = r#"---
title: 数据来源与说明
slug: sources
weight: 2
appendix: true       # 附录：总在其他章之后，`baipi new chapter` 把新章放在它前面
summary: 本书数据的出处、统计口径和下载。
template: sources.html
---

## 数据来源

本书数据来自（请填写出处）。占比由本站按数据计算，四舍五入保留两位小数。
"#;

const DATA_YAML: &str = r#"# 一个数据集。正文中写 {{ data.example.total | num }} 引用其中的数字。
title: 示例单位数量（请替换）
description: 按类型划分的示例单位数量。
as_of: 2024-06
unit: 个
source: （请填写数据出处）
total: 100
breakdowns:
  by_type:
    title: 按类型划分
    complete: true          # 分项之和必须等于总数
    parts:
      - { key: a, label: 甲类单位, value: 60 }
      - { key: b, label: 乙类单位, value: 40 }
# 时间序列：各时期按时间先后排列，每期一次（年份 2021、季度 2021Q2、月份 2021-06）。
# 增长、年均增长（CAGR）和指数由 baipi 计算；报道给出的增速写作 published_growth，会被核对。
series:
  by_year:
    title: 示例单位数量（逐年）
    periods:
      - { period: 2021, value: 80 }
      - { period: 2022, value: 88 }
      - { period: 2023, value: 95 }
      - { period: 2024, value: 100 }
"#;

/// A spreadsheet dataset: a title row, the header, the parts and a 合计 row (checked against
/// their sum); its metadata could go in `data/regions.meta.yaml` (see README).
const DATA_CSV: &str = "示例单位地区分布（请替换）
分项,键,名称,数值,说明
by_region,east,东部,55,
by_region,west,西部,45,
合计,,,100,
";

const README_MD: &str = r#"# 白皮书网站（baipi）

本文件夹是一本用 baipi 生成的统计白皮书。编辑只需要改三类文件：

- `content/*.md`：章节。文件名前的数字决定排序，顶部 `---` 之间是标题、顺序（weight）和摘要。
- `data/*.yaml`：数据。正文中写 `{{ data.example.total | num }}` 引用数字，改一处，全站更新。
- `site.toml`：书名、出版单位等。

## 常用命令

```sh
baipi serve                  # 本机预览：打开 http://127.0.0.1:1111/，保存文件后页面自动刷新
baipi new chapter "新章节"    # 新建一章（自动编号、排在最后）
baipi check                  # 检查全部内容：数据、引用、链接、图片、模板
baipi build                  # 生成网站到 public/，上传该文件夹即可发布
```

出错时，baipi 会指出文件、行、列和原因，例如：

```
content/01-overview.md:15:51: error: Field `exmaple` is not defined. Available fields: example
  = help: did you mean `example`?
```

## 常用写法

| 写法 | 结果 |
|---|---|
| `{{ data.example.total \| num }}` | 100（千分位：12,873） |
| `{{ data.example.by_type.a.share \| pct }}` | 60% |
| `{{ data.example.as_of \| date_zh }}` | 2024年6月 |
| `{{ data.example.series.by_year.cagr \| pct }}` | 7.72%（年均增长） |

- 图片放在章节旁边或 `static/` 中，写 `![说明](图片.png)`；文件不存在会报错。
- 加粗写 `**文字**`；标点放在星号外面：`**重点**：说明`，不要写 `**重点：**说明`（后者会原样显示星号）。
- 正文中手写的数字如果与数据对不上，`check` 会给出警告。确需手写的数字，在其后加 `{# free #}`。
"#;

/// Creates a new site in `dir`.
pub fn init(dir: &Path, v: Verbosity) -> Result<i32> {
    if dir.exists() {
        if !dir.is_dir() {
            return Err(Error::Io(format!("{} exists and is not a folder", dir.display())));
        }
        let mut entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
        if entries.next().is_some() {
            return Err(Error::Io(format!(
                "{} is not empty; `baipi init` only creates a site in a new or empty folder\n  = help: choose another folder name, e.g. `baipi init my-report`",
                dir.display()
            )));
        }
    }
    let mut files: Vec<(PathBuf, &[u8])> = vec![
        ("site.toml".into(), SITE_TOML.as_bytes()),
        ("README.md".into(), README_MD.as_bytes()),
        (".gitignore".into(), b"public/\n"),
        ("content/_index.md".into(), INDEX_MD.as_bytes()),
        ("content/01-overview.md".into(), CHAPTER_MD.as_bytes()),
        ("content/02-sources.md".into(), SOURCES_MD.as_bytes()),
        ("data/example.yaml".into(), DATA_YAML.as_bytes()),
        ("data/regions.csv".into(), DATA_CSV.as_bytes()),
    ];
    for (rel, bytes) in DEFAULT_THEME {
        files.push((Path::new("themes/default").join(rel), bytes));
    }
    for (rel, bytes) in &files {
        let p = dir.join(rel);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        std::fs::write(&p, bytes).map_err(|e| Error::io(&p, e))?;
    }
    if v != Verbosity::Quiet {
        println!("Created a new white paper in {} ({}).", dir.display(), crate::report::count(files.len(), "file"));
        print!("{}", next_steps(dir));
    }
    Ok(0)
}

/// What to type next (as the README's “新建一本白皮书” shows): `cd` into the new folder, then
/// `baipi serve`. When the command that runs is not the `baipi` on PATH (say, `cargo run`
/// from the tool's folder), the full path to it instead, and how to install `baipi`.
fn next_steps(dir: &Path) -> String {
    let exe = std::env::current_exe().ok().and_then(|e| e.canonicalize().ok());
    let on_path = std::env::var_os("PATH").is_some_and(|paths| {
        std::env::split_paths(&paths)
            .any(|p| p.join("baipi").canonicalize().ok().is_some_and(|found| Some(found) == exe))
    });
    let cmd = match (&exe, on_path) {
        (Some(e), false) => shell_word(&e.display().to_string()),
        _ => "baipi".to_string(),
    };
    let mut s = format!(
        "Next:\n  cd {}\n  {cmd} serve     # preview at http://127.0.0.1:1111/, refreshed on every save\n  \
         {cmd} build     # the website, in public/\n",
        shell_word(&dir.display().to_string())
    );
    // target/{debug,release}/baipi in the tool's folder: that folder holds Cargo.toml.
    let tool = exe.as_deref().and_then(|e| e.ancestors().nth(3)).filter(|d| d.join("Cargo.toml").is_file());
    if let (Some(t), Ok(d)) = (tool, dir.canonicalize())
        && d.starts_with(t)
    {
        s.push_str(&format!(
            "Note: {} is inside baipi's own folder; a paper of your own is better kept outside it \
             (e.g. `cd ~ && baipi init 新白皮书`), in its own repository\n",
            dir.display()
        ));
    }
    if !on_path {
        let from = tool.map_or_else(|| "<the baipi folder>".to_string(), |d| shell_word(&d.display().to_string()));
        s.push_str(&format!(
            "`baipi` is not on your PATH; to type `baipi` instead, install it once: cargo install --path {from}\n"
        ));
    }
    s
}

/// `text` as one shell word: quoted when it holds a space or a shell character.
fn shell_word(text: &str) -> String {
    if text.chars().all(|c| !c.is_whitespace() && !"'\"$`\\!&;|<>()*?[]#~".contains(c)) {
        text.to_string()
    } else {
        format!("'{}'", text.replace('\'', "'\\''"))
    }
}

/// Adds `content/NN-<slug>.md` with the next weight; prints its path.
pub fn new_chapter(root: &Path, title: &str, slug: Option<&str>) -> Result<i32> {
    if !root.join(crate::config::FILE).is_file() {
        return Err(Error::Io(format!("no site.toml in {}: run this in a site folder or pass --root", root.display())));
    }
    let title = title.trim();
    if title.is_empty() {
        return Err(Error::Io("the chapter title must not be empty".into()));
    }
    let slug = slug.map(str::to_string).unwrap_or_else(|| crate::markdown::slugify(title));
    if !crate::content::valid_slug(&slug) {
        return Err(Error::Io(format!(
            "{slug:?} cannot be a chapter's URL: use letters, digits, `-` and `_` (pass --slug)"
        )));
    }
    if let Some(why) = crate::util::path::length_problem(&format!("{slug}/index.html")) {
        return Err(Error::Io(format!(
            "the chapter's URL would be too long to publish: {why} (pass a shorter --slug)"
        )));
    }
    // Existing chapters, even ones with errors elsewhere: only their weights and slugs matter.
    let mut sink = Sink::default();
    let chapters = crate::content::load_dir(root, true, &mut sink).unwrap_or_default();
    if let Some(c) = chapters.iter().find(|c| !c.is_index && c.slug == slug) {
        return Err(Error::Io(format!("slug `{slug}` is already used by {}; pass another with --slug", c.file)));
    }
    let weight = next_weight(root, &chapters)?;
    let dir = root.join("content");
    let number = std::fs::read_dir(&dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .filter_map(|e| {
                    let n = e.file_name().to_string_lossy().into_owned();
                    let digits: String = n.chars().take_while(char::is_ascii_digit).collect();
                    digits.parse::<u32>().ok()
                })
                .max()
                .map_or(1, |n| n.saturating_add(1))
        })
        .unwrap_or(1);
    let path = dir.join(format!("{number:02}-{slug}.md"));
    if path.exists() {
        return Err(Error::Io(format!("{} already exists", path.display())));
    }
    let quoted = serde_json::to_string(title).map_err(|e| Error::Io(e.to_string()))?;
    let text = format!(
        "---\ntitle: {quoted}\nslug: {slug}\nweight: {weight}\nsummary: 一两句话的摘要，显示在目录中（请修改）。\n---\n\n## 第一节\n\n正文……\n"
    );
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    std::fs::write(&path, text).map_err(|e| Error::io(&path, e))?;
    println!("{}", path.display());
    Ok(0)
}

/// One more than the largest weight, or 1; the chapter with the largest weight `i64` can hold
/// has no next one: an error at its `weight:` line.
fn next_weight(root: &Path, chapters: &[crate::content::Chapter]) -> Result<i64> {
    let Some(last) = chapters.iter().filter(|c| !c.is_index && !c.front.appendix).max_by_key(|c| c.front.weight) else {
        return Ok(1);
    };
    last.front.weight.checked_add(1).ok_or_else(|| {
        let text = crate::source::read_text(&root.join(&last.file), &last.file).unwrap_or_default();
        let (line, text) = text
            .lines()
            .enumerate()
            .find(|(_, l)| l.trim_start().starts_with("weight:"))
            .map_or((0, ""), |(i, l)| (i + 1, l));
        let col = text.find("weight:").map_or(0, |i| text[..i].chars().count() + 1);
        let d = crate::diag::Diagnostic::error(
            &last.file,
            line,
            col,
            format!("`weight` {} is the largest weight there is, so no chapter can come after it", last.front.weight),
        );
        let d = if line > 0 { d.with_line(text) } else { d };
        Error::one(d.with_help("give the chapters small weights (1, 2, 3 …): only their order matters"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The embedded theme must be exactly themes/default: a new file there must be added above.
    #[test]
    fn embedded_theme_matches_the_repository() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default");
        let on_disk: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(&dir)
            .sort_by_file_name()
            .into_iter()
            .flatten()
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                let rel = crate::util::path::display(&dir, e.path());
                (rel, std::fs::read(e.path()).unwrap())
            })
            .collect();
        let mut embedded: Vec<(String, Vec<u8>)> =
            DEFAULT_THEME.iter().map(|(p, b)| (p.to_string(), b.to_vec())).collect();
        embedded.sort();
        let mut on_disk = on_disk;
        on_disk.sort();
        let names = |v: &[(String, Vec<u8>)]| v.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
        assert_eq!(names(&embedded), names(&on_disk), "update init::DEFAULT_THEME");
        assert!(embedded == on_disk, "embedded theme differs from themes/default");
    }
}
