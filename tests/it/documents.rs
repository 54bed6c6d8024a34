//! 公文 end to end: `duban run` writes the 通报, the letters each card calls
//! for and the 约谈名单; LibreOffice turns each into an A4 PDF that holds the
//! unit names and figures of the JSON summary; the .docx carries GB/T
//! 9704's page, margins and fonts; `duban docs` writes them again with the
//! working folder's wording and office, leaving the archive as it was; 期号
//! and 文号 go on in the next period.

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::common::*;
use duban::test_support::{poppler, soffice_convert_all};
use serde_json::Value;

const OFFICE: &str = "\n[office]\nname = \"四方台区人民政府督查室\"\nshort_name = \"区政府督查室\"\ndoc_prefix = \"四政督\"\ncontact = \"王明\"\nphone = \"0469-1234567\"\n";

/// A working folder made by `duban samples` (the README's data set), with
/// the office's details in its duban.toml; returns the config's path.
fn working_folder(w: &Workdir) -> PathBuf {
    let dir = w.path("s");
    let gen = duban()
        .args([
            "samples", "--units", "15", "--tasks", "60", "--messy", "0.6", "--seed", "9", "--out",
        ])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(
        gen.status.success(),
        "{}",
        String::from_utf8_lossy(&gen.stderr)
    );
    let config = dir.join("duban.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    // The office's details as this test knows them (any the samples have replaced).
    let head = text.split("[office]").next().unwrap();
    std::fs::write(&config, format!("{head}{OFFICE}")).unwrap();
    config
}

/// Run a command with `--config` and `--json -`; its JSON summary.
fn json_of(cmd: &str, config: &Path, extra: &[&str]) -> Value {
    let out = duban()
        .arg(cmd)
        .arg("--config")
        .arg(config)
        .args(["--json", "-", "--quiet"])
        .args(extra)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "duban {cmd} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn run(config: &Path, extra: &[&str]) -> Value {
    json_of(
        "run",
        config,
        &[&["--issue-date", "2023-04-06"], extra].concat(),
    )
}

/// `documents[]` as (kind, unit, path).
fn documents(v: &Value) -> Vec<(String, Option<String>, String)> {
    v["documents"]
        .as_array()
        .expect("documents[]")
        .iter()
        .map(|d| {
            (
                d["kind"].as_str().unwrap().to_string(),
                d["unit"].as_str().map(str::to_string),
                d["path"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn out_dir(config: &Path) -> PathBuf {
    config.parent().unwrap().join("out")
}

/// A path of `documents[]` under the output folder.
fn doc_path(config: &Path, rel: &str) -> PathBuf {
    rel.split('/').fold(out_dir(config), |p, c| p.join(c))
}

/// A score of the summary as the workbook and the documents show it (`60.00`).
fn score(v: &Value) -> String {
    format!("{:.2}", v.as_f64().unwrap())
}

fn flat(s: &str) -> String {
    s.split_whitespace().collect()
}

/// Units of the summary whose `key` is `value`.
fn units_where<'a>(v: &'a Value, f: impl Fn(&Value) -> bool + 'a) -> Vec<&'a Value> {
    v["units"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| f(u))
        .collect()
}

#[test]
fn run_writes_the_documents_and_libreoffice_shows_the_figures_of_the_json() {
    let w = Workdir::new();
    let config = working_folder(&w);
    let v = run(&config, &[]);
    let docs = documents(&v);
    assert_kinds_and_archive(&v, &docs, &config);
    let files: Vec<PathBuf> = docs.iter().map(|(_, _, p)| doc_path(&config, p)).collect();
    let Some(pdfs) = soffice_convert_all(&files, "pdf", &w.path("pdf")) else {
        return;
    };
    let Some((texts, layouts)) = pdf_texts(&pdfs) else {
        return;
    };
    let text_of = |kind: &str, unit: Option<&str>| -> usize {
        docs.iter()
            .position(|(k, u, _)| k == kind && u.as_deref() == unit)
            .unwrap_or_else(|| panic!("no {kind} for {unit:?}"))
    };
    let i = text_of("通报", None);
    assert_bulletin(&v, &texts[i], &layouts[i]);
    for (kind, unit, _) in docs.iter().filter(|(_, u, _)| u.is_some()) {
        let unit = unit.as_deref().unwrap();
        assert_letter(&v, kind, unit, &texts[text_of(kind, Some(unit))]);
    }
    // The 约谈名单: every unit in a bottom three, and every red or yellow one.
    let list = &texts[text_of("约谈名单", None)];
    for u in units_where(&v, |u| {
        u["bottom3"] == true || u["card"] == "red" || u["card"] == "yellow"
    }) {
        let name = u["name"].as_str().unwrap();
        assert!(list.contains(name), "约谈名单 lacks {name}");
    }
}

/// The 通报, the 约谈名单, and for every carded unit what its card calls
/// for under red-yellow-blue; each written, and kept in the archive with
/// the snapshot `duban docs` reads.
fn assert_kinds_and_archive(v: &Value, docs: &[(String, Option<String>, String)], config: &Path) {
    let mut want: Vec<(String, Option<String>)> =
        vec![("通报".into(), None), ("约谈名单".into(), None)];
    for u in v["units"].as_array().unwrap() {
        let kinds: &[&str] = match u["card"].as_str() {
            Some("red") => &["约谈通知", "督办单"],
            Some("yellow") => &["约谈通知"],
            Some("blue") => &["提醒函"],
            _ => &[],
        };
        for k in kinds {
            want.push((k.to_string(), Some(u["name"].as_str().unwrap().to_string())));
        }
    }
    let mut got: Vec<(String, Option<String>)> = docs
        .iter()
        .map(|(k, u, _)| (k.clone(), u.clone()))
        .collect();
    want.sort();
    got.sort();
    assert_eq!(got, want);
    let archive = config.parent().unwrap().join("archive/2023-03");
    assert!(archive.join("documents.json").is_file());
    for (_, _, path) in docs {
        assert!(
            path.starts_with("公文/") && path.ends_with(".docx"),
            "{path}"
        );
        let file = doc_path(config, path);
        let kept = archive.join("outputs").join(path);
        assert_eq!(
            std::fs::read(&file).unwrap(),
            std::fs::read(&kept).unwrap(),
            "{path}"
        );
    }
}

/// Each PDF is A4; its text without white space, and its text laid out
/// (table rows kept on their lines).
fn pdf_texts(pdfs: &[PathBuf]) -> Option<(Vec<String>, Vec<String>)> {
    let mut texts = Vec::new();
    let mut layouts = Vec::new();
    for pdf in pdfs {
        let info = poppler("pdfinfo", &[], pdf)?;
        let size = info.lines().find(|l| l.starts_with("Page size:")).unwrap();
        assert!(size.contains("(A4)"), "{}: {size}", pdf.display());
        texts.push(flat(&poppler("pdftotext", &[], pdf)?));
        layouts.push(poppler("pdftotext", &["-layout"], pdf)?);
    }
    Some((texts, layouts))
}

/// The 通报: counts, cards, the ranking and who did not report, as the JSON has them.
fn assert_bulletin(v: &Value, text: &str, layout: &str) {
    let tasks = v["tasks"].as_array().unwrap();
    let count = |f: &dyn Fn(&Value) -> bool| tasks.iter().filter(|t| f(t)).count();
    let cards = |c: &str| count(&|t| t["card"] == c);
    for want in [
        "四方台区人民政府督查室".to_string(),
        "第1期".into(),
        "关于2023年3月全区重点工作推进情况的通报".into(),
        format!("纳入督办的重点工作共{}项", tasks.len()),
        format!(
            "本期应报送{}项，实际报送{}项",
            count(&|t| t["due"] == true),
            count(&|t| t["reported"] == true)
        ),
        format!("逾期未完成{}项", count(&|t| t["overdue"] == true)),
        format!(
            "本期共有{}项重点工作亮牌，其中红牌{}项、黄牌{}项、蓝牌{}项",
            count(&|t| !t["card"].is_null()),
            cards("red"),
            cards("yellow"),
            cards("blue")
        ),
        "2023年4月6日印发".into(),
    ] {
        assert!(text.contains(&want), "通报 lacks {want}");
    }
    for t in tasks.iter().filter(|t| !t["card"].is_null()) {
        let id = t["id"].as_str().unwrap();
        assert!(text.contains(id), "通报 lacks {id}");
    }
    let rows: Vec<String> = layout.lines().map(flat).collect();
    for u in units_where(v, |u| u["rank"].as_u64().unwrap() > 0) {
        let row = format!(
            "{}{}{}",
            u["rank"],
            u["name"].as_str().unwrap(),
            score(&u["score"])
        );
        assert!(
            rows.iter().any(|r| r.starts_with(&row)),
            "通报's ranking lacks the row {row}"
        );
    }
    // 五、未按时报送情况 names every unit that sent nothing.
    let five = text.split("五、未按时报送情况").nth(1).unwrap();
    let five = five.split("六、").next().unwrap();
    let silent = units_where(v, |u| {
        u["reported"] == false && u["due"].as_u64().unwrap() > 0
    });
    assert!(!silent.is_empty());
    for u in silent {
        let name = u["name"].as_str().unwrap();
        assert!(five.contains(name), "五、 lacks {name}: {five}");
    }
    assert!(five.contains("未按规定时限报送2023年3月重点工作推进情况，予以通报批评"));
}

/// A letter: its unit, its number, the office's contact, its carded tasks.
fn assert_letter(v: &Value, kind: &str, unit: &str, text: &str) {
    assert!(
        text.contains(&format!("{unit}：")),
        "{kind} to {unit}: 主送"
    );
    assert!(text.contains("四政督〔2023〕"), "{kind} to {unit}: 文号");
    assert!(
        text.contains("联系人：王明，联系电话：0469-1234567"),
        "{kind} to {unit}"
    );
    let tasks = v["tasks"].as_array().unwrap();
    for t in tasks
        .iter()
        .filter(|t| t["unit"] == unit && !t["card"].is_null())
    {
        let id = t["id"].as_str().unwrap();
        assert!(text.contains(id), "{kind} to {unit}: {id}");
    }
    if kind == "督办单" {
        assert!(
            text.contains("此联回执") && text.contains("办理情况"),
            "{unit}: 回执"
        );
    }
}

/// Every part of a .docx as text.
fn docx_part(path: &Path, part: &str) -> String {
    let bytes = std::fs::read(path).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut s = String::new();
    zip.by_name(part).unwrap().read_to_string(&mut s).unwrap();
    s
}

#[test]
fn the_docx_carries_the_page_margins_and_fonts_of_gb_t_9704() {
    let w = Workdir::new();
    let config = working_folder(&w);
    let v = run(&config, &["--preset", "yellow-orange-red"]);
    for (kind, _, path) in documents(&v) {
        let file = doc_path(&config, &path);
        let doc = docx_part(&file, "word/document.xml");
        assert!(
            doc.contains(r#"<w:pgSz w:w="11906" w:h="16838" />"#),
            "{kind}: A4"
        );
        assert!(
            doc.contains(r#"<w:pgMar w:top="2098" w:right="1474" w:bottom="1984" w:left="1587""#),
            "{kind}: margins 37/26/35/28 mm"
        );
        assert!(
            doc.contains(r#"w:eastAsia="仿宋_GB2312""#),
            "{kind}: body font"
        );
        assert!(
            doc.contains(r#"w:eastAsia="方正小标宋简体""#),
            "{kind}: title font"
        );
        assert!(doc.contains(r#"<w:sz w:val="32" />"#), "{kind}: 3号 body");
        let fonts = docx_part(&file, "word/fontTable.xml");
        assert!(fonts.contains(r#"<w:font w:name="仿宋_GB2312"><w:altName w:val="仿宋"/>"#));
    }
    // Under yellow-orange-red the letters are the seed's.
    let kinds: Vec<String> = documents(&v).into_iter().map(|d| d.0).collect();
    assert!(kinds
        .iter()
        .any(|k| k == "督办提示函" || k == "督办预警通知书" || k == "督办单"));
    assert!(!kinds.iter().any(|k| k == "提醒函" || k == "约谈通知"));
}

#[test]
fn docs_writes_them_again_with_the_new_wording_and_office_and_leaves_the_archive() {
    let w = Workdir::new();
    let config = working_folder(&w);
    let v = run(&config, &[]);
    let archive = config.parent().unwrap().join("archive/2023-03");
    let sums = std::fs::read(archive.join("SHA256SUMS")).unwrap();
    let tongbao = doc_path(&config, "公文/通报_2023年3月.docx");
    let before = std::fs::read(&tongbao).unwrap();

    // The office renames itself and words its 通报 for a county.
    let mut text = std::fs::read_to_string(&config).unwrap();
    text = text.replace("四方台区人民政府督查室", "友谊县人民政府督查室");
    std::fs::write(&config, text).unwrap();
    std::fs::write(
        config.parent().unwrap().join("公文模板.toml"),
        "[common]\nscope = \"全县\"\ngovernment = \"县政府\"\n",
    )
    .unwrap();
    // The returns are gone: docs does not need them.
    std::fs::remove_dir_all(config.parent().unwrap().join("returns")).unwrap();
    let again = json_of("docs", &config, &[]);
    assert_eq!(documents(&again), documents(&v));
    assert_eq!(
        again["units"], v["units"],
        "the run's summary, documents replaced"
    );
    let body = docx_part(&tongbao, "word/document.xml");
    assert!(body.contains("友谊县人民政府督查室"));
    assert!(body.contains("全县重点工作"), "the title says 全县");
    assert!(body.contains("对2023年3月全县重点工作推进情况进行了调度汇总"));
    assert!(body.contains("2023年4月6日"), "the run's issue date kept");
    assert_ne!(std::fs::read(&tongbao).unwrap(), before);
    // The archive keeps what run wrote.
    assert_eq!(std::fs::read(archive.join("SHA256SUMS")).unwrap(), sums);
    let kept = archive.join("outputs/公文/通报_2023年3月.docx");
    assert_eq!(std::fs::read(kept).unwrap(), before);

    // Another issue date moves the deadlines; a period never run is refused.
    json_of("docs", &config, &["--issue-date", "2023-04-20"]);
    let body = docx_part(&tongbao, "word/document.xml");
    assert!(body.contains("2023年4月20日"));
    let out = duban()
        .args(["docs", "--period", "2023-05", "--config"])
        .arg(&config)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("2023-05") && err.contains("duban run"),
        "{err}"
    );
}

#[test]
fn the_next_period_goes_on_with_the_issue_and_document_numbers() {
    let w = Workdir::new();
    let config = working_folder(&w);
    let march = run(&config, &[]);
    let letters = documents(&march).iter().filter(|d| d.1.is_some()).count();
    assert!(letters > 0);
    // April: the same returns (rejected as March's), issued in May.
    let april = json_of(
        "run",
        &config,
        &["--period", "2023-04", "--issue-date", "2023-05-08"],
    );
    let docs = documents(&april);
    let tongbao = doc_path(&config, &docs.iter().find(|d| d.0 == "通报").unwrap().2);
    assert!(docx_part(&tongbao, "word/document.xml").contains("第2期"));
    let first = docs
        .iter()
        .find(|d| d.1.is_some())
        .expect("a letter in April");
    let body = docx_part(&doc_path(&config, &first.2), "word/document.xml");
    let number = format!("四政督〔2023〕{}号", letters + 1);
    assert!(body.contains(&number), "{} should be {number}", first.2);
}

/// The 文号 of every letter of a run's `documents[]`, by (kind, unit).
fn letter_numbers(config: &Path, v: &Value) -> std::collections::BTreeMap<(String, String), u32> {
    documents(v)
        .into_iter()
        .filter_map(|(kind, unit, path)| {
            let body = docx_part(&doc_path(config, &path), "word/document.xml");
            let at = body.find("四政督〔2023〕")? + "四政督〔2023〕".len();
            let digits: String = body[at..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            Some(((kind, unit?), digits.parse().unwrap()))
        })
        .collect()
}

/// March written again after April was archived (a 补报 round, `--force`,
/// `duban docs`): its letters never take a 文号 April's letters have, and a
/// round written again keeps its own numbers.
#[test]
fn an_earlier_period_written_again_never_reuses_a_later_periods_numbers() {
    let w = Workdir::new();
    let config = working_folder(&w);
    let march = run(&config, &[]);
    let march_numbers = letter_numbers(&config, &march);
    assert!(!march_numbers.is_empty());
    let april = json_of(
        "run",
        &config,
        &["--period", "2023-04", "--issue-date", "2023-05-08"],
    );
    let april_numbers = letter_numbers(&config, &april);
    assert!(!april_numbers.is_empty());
    let taken: std::collections::BTreeSet<u32> = march_numbers
        .values()
        .chain(april_numbers.values())
        .copied()
        .collect();
    assert_eq!(taken.len(), march_numbers.len() + april_numbers.len());

    // March's 补报 round, issued after April's letters went out.
    let round2 = json_of(
        "run",
        &config,
        &[
            "--period",
            "2023-03",
            "--resubmit",
            "--issue-date",
            "2023-05-10",
        ],
    );
    assert_eq!(round2["round"], 2);
    let numbers = letter_numbers(&config, &round2);
    assert!(!numbers.is_empty());
    for (letter, n) in &numbers {
        assert!(
            !taken.contains(n),
            "{letter:?} took {n}, already given: {taken:?}"
        );
    }
    // Written again, the round keeps its numbers: by duban docs …
    let again = json_of("docs", &config, &["--period", "2023-03"]);
    assert_eq!(letter_numbers(&config, &again), numbers);
    // … and by run --force (the same returns, the same letters).
    let forced = json_of(
        "run",
        &config,
        &[
            "--period",
            "2023-03",
            "--force",
            "--issue-date",
            "2023-05-10",
        ],
    );
    assert_eq!(forced["round"], 2);
    assert_eq!(letter_numbers(&config, &forced), numbers);
}
