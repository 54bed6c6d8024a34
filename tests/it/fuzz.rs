//! Fuzz target in `cargo test` (issue 7): proptest-driven mutations of the
//! project's real forms fed through ingest → validate → merge, and arbitrary
//! strings and numbers through the value normalisers.
//!
//! Bounded and deterministic: a fixed RNG seed and a fixed case count
//! (override with `PROPTEST_CASES=N`, vary the seed with `DUBAN_FUZZ_SEED=N`
//! for a longer local hunt). No fork, no persistence files. When hunting:
//! `DUBAN_FUZZ_TRACE=file` writes each case before it runs (the last one is
//! the culprit if a run hangs), `DUBAN_FUZZ_DUMP=dir` keeps every input that
//! made a dependency panic (caught, reported as a damaged file).
//!
//! Every crash found here is fixed in the product and kept below as a named
//! regression test (`regression_*`).

use std::io::{Cursor, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::common::*;
use chrono::NaiveDate;
use duban::calendar::Calendar;
use duban::config::Limits;
use duban::due::DueRule;
use duban::ingest::{self, Ingested};
use duban::merge::{self, MergeCtx};
use duban::model::{Ledger, Severity};
use duban::period::{cn_number, Period};
use duban::source;
use duban::store::history::History;
use duban::text::{norm_header, norm_id, to_half_width};
use duban::validate::{self, CheckedFile, ValidateCtx};
use duban::value::{parse_date, parse_date_text, parse_percent, parse_stars, parse_status};
use duban::value::{CellValue, PercentError};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, RngSeed, TestCaseError, TestRunner};

fn config(default_cases: u32) -> Config {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default_cases);
    let seed = std::env::var("DUBAN_FUZZ_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x0064_7562_616e); // "duban"
    Config {
        cases,
        failure_persistence: None,
        rng_algorithm: RngAlgorithm::ChaCha,
        rng_seed: RngSeed::Fixed(seed),
        max_shrink_iters: 200,
        ..Config::default()
    }
}

// ------------------------------------------------------------------ seeds

/// One real fixture file: its extension and bytes.
#[derive(Debug, Clone)]
struct Seed {
    name: String,
    ext: &'static str,
    bytes: Vec<u8>,
    /// Data rows of the form, as written.
    rows: usize,
}

struct Corpus {
    _dir: Workdir,
    ledger: Ledger,
    seeds: Vec<Seed>,
    /// The good 区发改局 form, checked: merged beside every mutant.
    good: CheckedFile,
}

fn period() -> Period {
    Period::month(2023, 3)
}
fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2023, 3, 31).unwrap()
}

fn calendar() -> Calendar {
    Calendar::new(&[], &[], 5)
}

fn openpyxl_form(path: &Path) -> Option<()> {
    let header = HEADER
        .iter()
        .map(|h| format!("'{h}'"))
        .collect::<Vec<_>>()
        .join(",");
    let script = format!(
        r#"
import datetime, openpyxl
wb = openpyxl.Workbook()
ws = wb.active
ws.title = '推进表'
ws['A1'] = '区财政局重点工作推进情况反馈表（2023年3月）'
ws.merge_cells('A1:N1')
ws['A2'] = '填报单位：区财政局　报送期次：2023年3月'
ws.append([{header}])
ws.append(['CZ-001', '盘活存量资金', datetime.date(2023, 9, 30), '正在办理', 0.3,
           '已盘活存量资金2亿元', '无', '继续推进', '2023-09-30', None, '张三',
           '13800000000', '王局长', datetime.date(2023, 3, 30)])
ws['E4'].number_format = '0%'
ws.append(['填表说明：完成进度填百分数'])
wb.save(r'{}')
"#,
        path.display()
    );
    python_openpyxl(&script)
}

fn csv_text() -> String {
    let mut s = String::from("区发改局重点工作推进情况反馈表（2023年3月）\n");
    s.push_str("填报单位：区发改局,报送期次：2023年3月\n");
    s.push_str(&HEADER.join(","));
    s.push('\n');
    s.push_str("ZF-001,推进重点项目建设,2023-06-30,正在办理,40%,项目按计划推进,资金到位较慢,加快推进,2023-06-30,,张三,13800000000,王局长,2023-03-30\n");
    s.push_str("ZF-002,优化营商环境专项行动,2023-12-31,进行中,0.3,\"专项行动推进,已完成阶段任务\",无,加快推进,2023/12/31,,张三,13800000000,王局长,2023年3月30日\n");
    s
}

fn corpus() -> &'static Corpus {
    static C: OnceLock<Corpus> = OnceLock::new();
    C.get_or_init(|| {
        let w = Workdir::new();
        w.ledger();
        let src = w.path("src");
        std::fs::create_dir_all(&src).unwrap();
        let mut seeds = Vec::new();
        let mut add = |name: &str, ext: &'static str, path: &Path, rows: usize| {
            seeds.push(Seed {
                name: name.to_string(),
                ext,
                bytes: std::fs::read(path).unwrap(),
                rows,
            });
        };
        let fagai = src.join("区发改局-3月.xlsx");
        fagai_form().write(&fagai);
        add("rust_xlsxwriter 区发改局", "xlsx", &fagai, 3);
        // Hidden metadata sheet and a vertical merge.
        let mut f = Form::new("区发展和改革局")
            .row(Form::ok_row(
                "ZF-001",
                "推进重点项目建设",
                "2023-06-30",
                40.0,
            ))
            .row(Form::ok_row(
                "ZF-002",
                "优化营商环境专项行动",
                "2023-12-31",
                30.0,
            ));
        f.meta = Some(("区发展和改革局".into(), "2023-03".into()));
        f.merges.push((3, 6, 4));
        f.notes.push("填表说明：进度按百分数填写".into());
        let meta = src.join("meta.xlsx");
        f.write(&meta);
        add("rust_xlsxwriter meta+merge", "xlsx", &meta, 2);
        let cz = src.join("区财政局-3月.xlsx");
        Form::new("区财政局")
            .row(Form::ok_row("CZ-001", "盘活存量资金", "2023-09-30", 30.0))
            .write(&cz);
        add("rust_xlsxwriter 区财政局", "xlsx", &cz, 1);
        match soffice_convert(&fagai, "xls", &src) {
            Some(p) => add("LibreOffice xls", "xls", &p, 3),
            None => eprintln!("note: LibreOffice missing, no .xls seed"),
        }
        match soffice_convert(&meta, "ods", &src) {
            Some(p) => add("LibreOffice ods", "ods", &p, 2),
            None => eprintln!("note: LibreOffice missing, no .ods seed"),
        }
        let op = src.join("openpyxl.xlsx");
        match openpyxl_form(&op) {
            Some(()) => add("openpyxl xlsx", "xlsx", &op, 1),
            None => eprintln!("note: openpyxl missing, no openpyxl seed"),
        }
        let csv = src.join("utf8.csv");
        std::fs::write(&csv, csv_text()).unwrap();
        add("csv utf-8", "csv", &csv, 2);
        let gbk = src.join("gbk.csv");
        std::fs::write(&gbk, encoding_rs::GB18030.encode(&csv_text()).0).unwrap();
        add("csv gb18030", "csv", &gbk, 2);

        let (ledger, _) = ingest::read_ledger(&w.path("台账.xlsx"), &Limits::default()).unwrap();
        let good_ing = source::ingest_one(&fagai, &src, &Limits::default());
        let good =
            validate::validate_file(&good_ing, &vctx(&ledger, &calendar(), &History::default()));
        assert_eq!(good.rows.len(), 3);
        Corpus {
            _dir: w,
            ledger,
            seeds,
            good,
        }
    })
}

fn vctx<'a>(ledger: &'a Ledger, cal: &'a Calendar, history: &'a History) -> ValidateCtx<'a> {
    ValidateCtx {
        ledger,
        period: period(),
        as_of: as_of(),
        calendar: cal,
        near_deadline_days: 7,
        history,
    }
}

// -------------------------------------------------------------- mutations

/// A position or length as a fraction of the current size (so one strategy
/// fits seeds of any size).
type Frac = u16;

fn at(f: Frac, len: usize) -> usize {
    (f as usize * len) / (u16::MAX as usize + 1)
}

/// Mutations of the XML inside a zip member.
#[derive(Debug, Clone)]
enum XmlOp {
    /// Duplicate one `<row …>…</row>` (or an .ods `<table:table-row>`).
    DuplicateRow(Frac),
    /// Move one cell reference to the last cell of the sheet.
    AbsurdRef(Frac),
    /// Declare the used range as the whole sheet.
    HugeDimension,
    /// Point a shared-string cell past the end of the table.
    SharedStringPastEnd(Frac, u32),
    /// Change a cell's type attribute.
    WrongType(Frac, &'static str),
    /// A merged area over the whole sheet.
    HugeMerge,
    /// .ods: repeat a row or a cell a million times.
    OdsRepeat(Frac, bool),
    /// Delete a range of the text.
    Delete(Frac, u16),
    /// Insert a snippet.
    Insert(Frac, &'static str),
}

#[derive(Debug, Clone)]
enum Op {
    Truncate(Frac),
    Flip(Frac, u8),
    /// Copy a range of another seed over this one.
    Splice(usize, Frac, u16, Frac),
    Insert(Frac, Vec<u8>),
    Delete(Frac, u16),
    /// Rewrite one member of the zip (index as fraction of members) with mutated XML.
    Xml(Frac, XmlOp),
    /// Drop one member of the zip (sharedStrings, styles, …).
    DropMember(Frac),
}

const SNIPPETS: &[&str] = &[
    "<row r=\"1048576\"><c r=\"XFD1048576\" t=\"inlineStr\"><is><t>x</t></is></c></row>",
    "<c r=\"A0\"><v>1</v></c>",
    "<c r=\"ZZZZZ99999999\" t=\"s\"><v>0</v></c>",
    "<c t=\"s\"><v>-1</v></c>",
    "<c t=\"n\"><v>1e999</v></c>",
    "<c t=\"d\"><v>9999-99-99T99:99</v></c>",
    "<c t=\"e\"><v>#N/A</v></c>",
    "<v>NaN</v>",
    "<mergeCell ref=\"A1:XFD1048576\"/>",
    "<mergeCell ref=\"B:A\"/>",
    "<dimension ref=\"A1:A1\"/>",
    "<si><t>编号</t></si>",
    "&#xFFFF;&#0;&bogus;",
    "<![CDATA[",
    "<!--",
    "<x:y xmlns:x=\"urn:z\">",
    "</sheetData>",
    "table:number-columns-repeated=\"16384\" ",
    "table:number-rows-repeated=\"1048576\" ",
    "<table:table-cell office:value-type=\"percentage\" office:value=\"inf\"/>",
    "<table:covered-table-cell table:number-columns-spanned=\"99999\"/>",
];

const TYPES: &[&str] = &["s", "b", "e", "d", "n", "str", "inlineStr", "zz"];

fn xml_op() -> impl Strategy<Value = XmlOp> {
    prop_oneof![
        any::<Frac>().prop_map(XmlOp::DuplicateRow),
        any::<Frac>().prop_map(XmlOp::AbsurdRef),
        Just(XmlOp::HugeDimension),
        (any::<Frac>(), prop_oneof![Just(u32::MAX), 50u32..100_000])
            .prop_map(|(f, n)| XmlOp::SharedStringPastEnd(f, n)),
        (any::<Frac>(), prop::sample::select(TYPES)).prop_map(|(f, t)| XmlOp::WrongType(f, t)),
        Just(XmlOp::HugeMerge),
        (any::<Frac>(), any::<bool>()).prop_map(|(f, b)| XmlOp::OdsRepeat(f, b)),
        (any::<Frac>(), 1u16..400).prop_map(|(f, n)| XmlOp::Delete(f, n)),
        (any::<Frac>(), prop::sample::select(SNIPPETS)).prop_map(|(f, s)| XmlOp::Insert(f, s)),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        1 => any::<Frac>().prop_map(Op::Truncate),
        3 => (any::<Frac>(), 1u8..=255).prop_map(|(f, x)| Op::Flip(f, x)),
        1 => (0usize..16, any::<Frac>(), 1u16..2048, any::<Frac>()).prop_map(|(s, a, n, b)| Op::Splice(s, a, n, b)),
        1 => (any::<Frac>(), prop::collection::vec(any::<u8>(), 1..64)).prop_map(|(f, b)| Op::Insert(f, b)),
        1 => (any::<Frac>(), 1u16..4096).prop_map(|(f, n)| Op::Delete(f, n)),
        6 => (any::<Frac>(), xml_op()).prop_map(|(f, x)| Op::Xml(f, x)),
        1 => any::<Frac>().prop_map(Op::DropMember),
    ]
}

/// Nth match of `pat` in `s`, chosen by fraction.
fn nth_match(s: &str, pat: &str, f: Frac) -> Option<usize> {
    let all: Vec<usize> = s.match_indices(pat).map(|(i, _)| i).collect();
    if all.is_empty() {
        None
    } else {
        Some(all[at(f, all.len())])
    }
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn mutate_xml(xml: &str, op: &XmlOp) -> String {
    let mut s = xml.to_string();
    match op {
        XmlOp::DuplicateRow(f) => {
            for (open, close) in [
                ("<row ", "</row>"),
                ("<table:table-row", "</table:table-row>"),
            ] {
                if let Some(i) = nth_match(&s, open, *f) {
                    if let Some(j) = s[i..].find(close) {
                        let row = s[i..i + j + close.len()].to_string();
                        s.insert_str(i, &row);
                        break;
                    }
                }
            }
        }
        XmlOp::AbsurdRef(f) => {
            if let Some(i) = nth_match(&s, " r=\"", *f) {
                let v = i + 4;
                if let Some(j) = s[v..].find('"') {
                    s.replace_range(v..v + j, "XFD1048576");
                }
            }
        }
        XmlOp::HugeDimension => {
            if let Some(i) = s.find("<dimension ref=\"") {
                let v = i + 16;
                if let Some(j) = s[v..].find('"') {
                    s.replace_range(v..v + j, "A1:XFD1048576");
                }
            }
        }
        XmlOp::SharedStringPastEnd(f, n) => {
            if let Some(i) = nth_match(&s, "t=\"s\"", *f) {
                if let Some(j) = s[i..].find("<v>") {
                    let v = i + j + 3;
                    if let Some(k) = s[v..].find("</v>") {
                        s.replace_range(v..v + k, &n.to_string());
                    }
                }
            }
        }
        XmlOp::WrongType(f, t) => {
            if let Some(i) = nth_match(&s, "<c r=\"", *f) {
                let end = s[i..].find('>').map_or(i, |j| i + j);
                let tag = s[i..end].to_string();
                let new = match tag.find(" t=\"") {
                    Some(p) => {
                        let q = tag[p + 4..].find('"').map_or(tag.len(), |q| p + 4 + q);
                        format!("{} t=\"{t}{}", &tag[..p], &tag[q..])
                    }
                    None => format!("{tag} t=\"{t}\""),
                };
                let new = new.trim_end_matches('/').to_string();
                let slash = if tag.ends_with('/') { "/" } else { "" };
                s.replace_range(i..end, &format!("{new}{slash}"));
            }
        }
        XmlOp::HugeMerge => {
            if let Some(i) = s.find("</sheetData>") {
                s.insert_str(
                    i + 12,
                    "<mergeCells count=\"1\"><mergeCell ref=\"A1:XFD1048576\"/></mergeCells>",
                );
            }
        }
        XmlOp::OdsRepeat(f, rows) => {
            let (pat, attr) = if *rows {
                (
                    "<table:table-row",
                    " table:number-rows-repeated=\"1048000\"",
                )
            } else {
                (
                    "<table:table-cell",
                    " table:number-columns-repeated=\"16000\"",
                )
            };
            if let Some(i) = nth_match(&s, pat, *f) {
                s.insert_str(i + pat.len(), attr);
            }
        }
        XmlOp::Delete(f, n) => {
            let a = floor_boundary(&s, at(*f, s.len()));
            let b = floor_boundary(&s, a + *n as usize);
            s.replace_range(a..b, "");
        }
        XmlOp::Insert(f, snippet) => {
            let a = floor_boundary(&s, at(*f, s.len()));
            s.insert_str(a, snippet);
        }
    }
    s
}

/// Members of a zip, in order; None when the bytes are no longer a readable zip.
fn unzip(bytes: &[u8]) -> Option<Vec<(String, Vec<u8>)>> {
    let mut z = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
    let mut out = Vec::new();
    for i in 0..z.len() {
        let mut f = z.by_index(i).ok()?;
        let mut data = Vec::new();
        f.by_ref().take(64 << 20).read_to_end(&mut data).ok()?;
        out.push((f.name().to_string(), data));
    }
    Some(out)
}

fn rezip(members: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut buf = Cursor::new(Vec::new());
    {
        let mut w = zip::ZipWriter::new(&mut buf);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, data) in members {
            let o = if name == "mimetype" {
                opts.compression_method(zip::CompressionMethod::Stored)
            } else {
                opts
            };
            w.start_file(name.as_str(), o).unwrap();
            w.write_all(data).unwrap();
        }
        w.finish().unwrap();
    }
    buf.into_inner()
}

/// Pick the member an XML mutation hits: the sheet or content most of the time.
fn pick_member(members: &[(String, Vec<u8>)], f: Frac) -> usize {
    let main: Vec<usize> = members
        .iter()
        .enumerate()
        .filter(|(_, (n, _))| {
            n.starts_with("xl/worksheets/") || n == "content.xml" || n == "xl/sharedStrings.xml"
        })
        .map(|(i, _)| i)
        .collect();
    // Three in four: a sheet/content/shared strings; else any member.
    if !main.is_empty() && f % 4 != 0 {
        main[at(f, main.len())]
    } else {
        at(f, members.len())
    }
}

fn apply(bytes: &mut Vec<u8>, op: &Op, seeds: &[Seed]) {
    let len = bytes.len();
    match op {
        Op::Truncate(f) => bytes.truncate(at(*f, len)),
        Op::Flip(f, x) => {
            if len > 0 {
                bytes[at(*f, len)] ^= x;
            }
        }
        Op::Splice(s, a, n, b) => {
            let other = &seeds[s % seeds.len()].bytes;
            let from = at(*a, other.len());
            let chunk = &other[from..(from + *n as usize).min(other.len())];
            let to = at(*b, len);
            let end = (to + chunk.len()).min(len);
            bytes.splice(to..end, chunk.iter().copied());
        }
        Op::Insert(f, b) => {
            let i = at(*f, len);
            bytes.splice(i..i, b.iter().copied());
        }
        Op::Delete(f, n) => {
            let i = at(*f, len);
            bytes.drain(i..(i + *n as usize).min(len));
        }
        Op::Xml(f, x) => {
            let Some(mut members) = unzip(bytes) else {
                return;
            };
            if members.is_empty() {
                return;
            }
            let m = pick_member(&members, *f);
            let text = String::from_utf8_lossy(&members[m].1).into_owned();
            members[m].1 = mutate_xml(&text, x).into_bytes();
            *bytes = rezip(&members);
        }
        Op::DropMember(f) => {
            let Some(mut members) = unzip(bytes) else {
                return;
            };
            if members.is_empty() {
                return;
            }
            let m = at(*f, members.len());
            members.remove(m);
            *bytes = rezip(&members);
        }
    }
}

// ------------------------------------------------------------- invariants

thread_local! {
    /// Forms, Failed, Ignored, caught dependency panics.
    static STATS: std::cell::RefCell<[u32; 4]> = const { std::cell::RefCell::new([0; 4]) };
}

/// Read one file and push it through validate and merge beside the good
/// form: no panic escapes, every file has an outcome, no row is lost.
fn check_bytes(bytes: &[u8], ext: &str, dir: &Path, limits: &Limits) -> Result<(), TestCaseError> {
    let c = corpus();
    let path: PathBuf = dir.join(format!("区发改局-3月-mutant.{ext}"));
    std::fs::write(&path, bytes).unwrap();
    let ing = source::ingest_one(&path, dir, limits);
    let panicked = ingest::take_last_parser_panic();
    STATS.with(|st| {
        let mut st = st.borrow_mut();
        match &ing {
            Ingested::Forms { .. } => st[0] += 1,
            Ingested::Failed { .. } => st[1] += 1,
            Ingested::Ignored { .. } => st[2] += 1,
        }
        st[3] += panicked.is_some() as u32;
    });
    if let (Some(at), Ok(dump)) = (&panicked, std::env::var("DUBAN_FUZZ_DUMP")) {
        // Keep the inputs that made a dependency panic (for new regression fixtures).
        let name = format!("panic-{}.{ext}", &ing.file().sha256[..12]);
        std::fs::create_dir_all(&dump).unwrap();
        std::fs::write(Path::new(&dump).join(name), bytes).unwrap();
        eprintln!("dependency panic at {at}");
    }
    if let Some(at) = panicked {
        // A panic inside a dependency is caught by design (the file is
        // reported as damaged); one in duban's own code is a bug.
        prop_assert!(
            !at.starts_with("src/"),
            "panic in duban's own parsing code at {at}"
        );
    }
    let read_rows = match &ing {
        Ingested::Forms { forms, .. } => {
            prop_assert!(!forms.is_empty(), "Forms without a form");
            forms.iter().map(|f| f.rows.len()).sum::<usize>()
        }
        Ingested::Failed { issue, .. } => {
            prop_assert_eq!(issue.severity, Severity::Error);
            prop_assert!(!issue.message.is_empty());
            0
        }
        Ingested::Ignored { issue, .. } => {
            prop_assert!(!issue.message.is_empty());
            0
        }
    };
    prop_assert_eq!(ing.file().sha256.len(), 64);
    let (cal, hist) = (calendar(), History::default());
    let checked = validate::validate_file(&ing, &vctx(&c.ledger, &cal, &hist));
    prop_assert_eq!(checked.rows.len(), read_rows, "a row read was not checked");
    let expected = DueRule {
        period: period(),
        as_of: period().end(),
        calendar: &cal,
        near_deadline_days: 7,
    }
    .expected(&c.ledger, |_| false);
    let merged = merge::merge(
        vec![c.good.clone(), checked],
        &MergeCtx {
            ledger: &c.ledger,
            period: period(),
            expected: &expected,
            report_deadline: NaiveDate::from_ymd_opt(2023, 4, 5).unwrap(),
            late_by_file_time: false,
            round: 1,
            earlier_rounds: duban::merge::NO_EARLIER_ROUNDS,
        },
    );
    let t = merged.totals;
    prop_assert_eq!(t.files, 2);
    prop_assert_eq!(merged.files.len(), 2);
    prop_assert_eq!(t.rows_read as usize, 3 + read_rows);
    prop_assert_eq!(t.rows_read, t.accepted + t.rejected + t.superseded);
    for f in &merged.files {
        prop_assert_eq!(f.rows_read, f.accepted + f.rejected + f.superseded);
    }
    prop_assert!(merged.rejected.len() as u32 <= t.rejected);
    Ok(())
}

#[test]
fn mutated_real_forms_never_crash_or_lose_rows() {
    let c = corpus();
    eprintln!(
        "fuzz seeds: {}",
        c.seeds
            .iter()
            .map(|s| s.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    let dir = tempfile::tempdir().unwrap();
    let limits = Limits::default();
    let n = c.seeds.len();
    let strategy = (0..n, prop::collection::vec(op(), 1..4));
    let mut runner = TestRunner::new(config(256));
    let result = runner.run(&strategy, |(s, ops)| {
        let seed = &c.seeds[s];
        if let Ok(trace) = std::env::var("DUBAN_FUZZ_TRACE") {
            // The case about to run (to find one that hangs).
            std::fs::write(trace, format!("{} {ops:?}\n", seed.name)).unwrap();
        }
        let mut bytes = seed.bytes.clone();
        for o in &ops {
            apply(&mut bytes, o, &c.seeds);
        }
        check_bytes(&bytes, seed.ext, dir.path(), &limits)
    });
    STATS.with(|st| {
        let st = st.borrow();
        eprintln!(
            "fuzz outcomes: {} read as forms, {} failed, {} ignored; {} panics inside dependencies caught",
            st[0], st[1], st[2], st[3]
        );
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}

/// The unmutated seeds are read as forms (else the fuzzing would start from garbage).
#[test]
fn seeds_are_real_forms() {
    let c = corpus();
    let dir = tempfile::tempdir().unwrap();
    for s in &c.seeds {
        let p = dir.path().join(format!("区发改局-3月.{}", s.ext));
        std::fs::write(&p, &s.bytes).unwrap();
        match source::ingest_one(&p, dir.path(), &Limits::default()) {
            Ingested::Forms { forms, .. } => {
                assert!(!forms[0].rows.is_empty(), "{}", s.name);
                let rows: usize = forms.iter().map(|f| f.rows.len()).sum();
                assert_eq!(rows, s.rows, "{}", s.name);
            }
            other => panic!("seed {} not read: {other:?}", s.name),
        }
    }
}

// ---------------------------------------------------------- normalisers

/// ASCII → full-width forms (as an IME in full-width mode types them).
fn to_full_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '!'..='~' => char::from_u32(c as u32 + 0xFEE0).unwrap(),
            ' ' => '\u{3000}',
            c => c,
        })
        .collect()
}

/// Strings biased to what the normalisers look for, mixed with any Unicode.
fn wild_string() -> impl Strategy<Value = String> {
    const ALPHABET: &[char] = &[
        '0',
        '1',
        '2',
        '3',
        '9',
        '.',
        '-',
        '/',
        '%',
        '％',
        '年',
        '月',
        '日',
        '号',
        '第',
        '季',
        '度',
        '周',
        '十',
        '一',
        '二',
        '三',
        '四',
        '五',
        '九',
        '零',
        '〇',
        '两',
        '★',
        '☆',
        '*',
        '星',
        '级',
        'Q',
        'W',
        'q',
        'w',
        'T',
        ' ',
        '\u{3000}',
        '\u{00A0}',
        '\u{200B}',
        '\u{FEFF}',
        '０',
        '５',
        '．',
        '－',
        '（',
        '）',
        '(',
        ')',
        '【',
        '】',
        '：',
        '。',
        '—',
        'e',
        'E',
        '+',
        'İ',
        'ß',
        '\u{10FFFF}',
        '\u{0301}',
    ];
    prop::collection::vec(
        prop_oneof![3 => prop::sample::select(ALPHABET), 1 => any::<char>()],
        0..24,
    )
    .prop_map(String::from_iter)
}

fn wild_number() -> impl Strategy<Value = f64> {
    prop_oneof![
        any::<f64>(),
        -2.0f64..200.0,
        18000.0f64..80000.0,
        Just(f64::NAN),
        Just(f64::INFINITY),
        Just(f64::NEG_INFINITY),
        Just(f64::MIN_POSITIVE),
        Just(20230315.0),
        Just(1e300),
    ]
}

fn cell() -> impl Strategy<Value = CellValue> {
    prop_oneof![
        wild_string().prop_map(CellValue::Text),
        wild_number().prop_map(CellValue::Number),
        wild_number().prop_map(CellValue::Percent),
        Just(CellValue::Empty),
        any::<bool>().prop_map(CellValue::Bool),
        wild_string().prop_map(CellValue::Error),
    ]
}

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn percent_is_within_0_to_100(v in cell()) {
        if let Ok(p) = parse_percent(&v) {
            prop_assert!(p.is_finite() && (0.0..=100.0).contains(&p), "{v:?} → {p}");
        }
        if v.is_empty() {
            prop_assert_eq!(parse_percent(&v), Err(PercentError::Missing));
        }
    }

    #[test]
    fn dates_stay_within_1950_to_2100(v in cell(), year in 1950i32..=2100, s in wild_string()) {
        use chrono::Datelike;
        if let Some(d) = parse_date(&v, year) {
            prop_assert!((1950..=2100).contains(&d.year()), "{v:?} → {d}");
        }
        if let Some(d) = parse_date_text(&s, year) {
            prop_assert!((1950..=2100).contains(&d.year()), "{s:?} → {d}");
        }
    }

    #[test]
    fn dates_with_any_default_year_never_panic(s in wild_string(), year in any::<i32>()) {
        use chrono::Datelike;
        if let Some(d) = parse_date_text(&s, year) {
            prop_assert!((1950..=2100).contains(&d.year()));
        }
    }

    #[test]
    fn status_and_stars(s in wild_string(), v in cell()) {
        let _ = parse_status(&s);
        if let Some(n) = parse_stars(&v) {
            prop_assert!((1..=5).contains(&n));
        }
    }

    #[test]
    fn text_normalisers(s in wild_string()) {
        let h = norm_header(&s);
        prop_assert_eq!(norm_header(&h), h.clone(), "norm_header not idempotent on {:?}", s);
        let id = norm_id(&s);
        prop_assert_eq!(norm_id(&id), id.clone(), "norm_id not idempotent on {:?}", s);
        let half = to_half_width(&s);
        prop_assert_eq!(half.chars().count(), s.chars().count());
        prop_assert_eq!(to_half_width(&half), half.clone());
        let full_width = |c: char| ('\u{FF01}'..='\u{FF5E}').contains(&c);
        prop_assert!(!half.chars().any(full_width), "full-width left in {:?}", half);
    }

    #[test]
    fn periods(s in wild_string(), year in 1990i32..=2100) {
        if let Ok(p) = s.parse::<Period>() {
            prop_assert!(p.start() <= p.end());
            prop_assert_eq!(p.to_string().parse::<Period>().ok(), Some(p));
            let _ = (p.prev().start(), p.next().end(), p.label(), p.is_due(3));
        }
        if let Some(p) = Period::parse_loose(&s, year) {
            prop_assert!(p.start() <= p.end());
            prop_assert_eq!(Period::parse_loose(&p.label(), year), Some(p));
        }
        let _ = cn_number(&s);
    }

    #[test]
    fn written_dates_and_percents_read_back(days in 0i64..54_000, p in 0u32..=100) {
        let d = NaiveDate::from_ymd_opt(1950, 1, 1).unwrap() + chrono::Duration::days(days);
        for f in ["%Y-%m-%d", "%Y/%-m/%-d", "%Y.%-m.%-d", "%Y年%-m月%-d日", "%Y%m%d", "%Y-%m-%d 08:30:00"] {
            let s = d.format(f).to_string();
            prop_assert_eq!(parse_date_text(&s, 2023), Some(d), "{}", s);
            prop_assert_eq!(parse_date_text(&to_full_width(&s), 2023), Some(d), "full-width {}", s);
        }
        let n = p as f64;
        prop_assert_eq!(parse_percent(&CellValue::Text(format!("{p}%"))), Ok(n));
        prop_assert_eq!(parse_percent(&CellValue::Text(to_full_width(&format!("{p}%")))), Ok(n));
        prop_assert_eq!(parse_percent(&CellValue::Percent(n / 100.0)), Ok(n));
        if p > 1 {
            prop_assert_eq!(parse_percent(&CellValue::Number(n)), Ok(n));
        }
    }

    #[test]
    fn cn_number_reads_what_it_should(n in 0u32..100) {
        const D: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
        prop_assert_eq!(cn_number(&n.to_string()), Some(n));
        prop_assert_eq!(cn_number(&format!("{n:02}")), Some(n));
        let cn = match (n / 10, n % 10) {
            (0, o) => D[o as usize].to_string(),
            (1, 0) => "十".to_string(),
            (1, o) => format!("十{}", D[o as usize]),
            (t, 0) => format!("{}十", D[t as usize]),
            (t, o) => format!("{}十{}", D[t as usize], D[o as usize]),
        };
        prop_assert_eq!(cn_number(&cn), Some(n), "{}", cn);
    }
}

// ------------------------------------------------------------ regressions

/// Mutated files the fuzz target found that make calamine 0.38 panic (three
/// LibreOffice .xls: `utils.rs:48`, `cfb.rs:320`, `xls.rs:665`; one
/// rust_xlsxwriter .xlsx: `xlsx/mod.rs:3097`): each is a clear
/// FILE_UNREADABLE error, the run goes on, and no panic message or backtrace
/// reaches the clerk's terminal (quiet panic hook around parsing).
#[test]
fn regression_calamine_panics_are_quiet_file_errors() {
    const PANICS: [&str; 4] = [
        "panic-calamine-utils.xls",
        "panic-calamine-cfb.xls",
        "panic-calamine-xls.xls",
        "panic-calamine-xlsx.xlsx",
    ];
    let w = Workdir::new();
    w.ledger();
    let returns = w.returns();
    fagai_form().write(&returns.join("区发改局-3月.xlsx"));
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    for name in PANICS {
        std::fs::copy(fixtures.join(name), returns.join(name)).unwrap();
        let ing = source::ingest_one(&returns.join(name), &returns, &Limits::default());
        assert!(
            ingest::take_last_parser_panic().is_some(),
            "{name} no longer panics inside calamine: keep it as a plain damaged-file case"
        );
        match ing {
            Ingested::Failed { issue, .. } => {
                assert_eq!(issue.code, duban::model::IssueCode::FileUnreadable)
            }
            other => panic!("{name}: {other:?}"),
        }
    }
    let out = duban()
        .env("RUST_BACKTRACE", "1")
        .args([
            "check",
            "--period",
            "2023-03",
            "--as-of",
            "2023-03-31",
            "--json",
            "-",
        ])
        .arg("--ledger")
        .arg(w.path("台账.xlsx"))
        .arg("--returns")
        .arg(&returns)
        .output()
        .unwrap();
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !err.contains("panicked") && !err.contains("backtrace"),
        "a parser panic reached the terminal:\n{err}"
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for name in PANICS {
        assert_eq!(file_entry(&v, name)["outcome"], "rejected");
    }
    assert_eq!(file_entry(&v, "区发改局-3月.xlsx")["outcome"], "accepted");
    assert_reconciles(&v);
}

/// A shared string longer than Excel can hold (32,767 characters) refuses
/// the file with FILE_TOO_LARGE; copied around, a 195 MB string cost 1.4 GB.
#[test]
fn regression_cell_text_longer_than_excel_allows() {
    let c = corpus();
    let dir = tempfile::tempdir().unwrap();
    let mut members = unzip(&c.seeds[0].bytes).unwrap();
    let sst = members
        .iter_mut()
        .find(|(n, _)| n == "xl/sharedStrings.xml")
        .unwrap();
    let xml = String::from_utf8(sst.1.clone()).unwrap();
    let i = xml.find("<t>").unwrap() + 3;
    let long = format!("{}{}{}", &xml[..i], "长".repeat(40_000), &xml[i..]);
    sst.1 = long.into_bytes();
    let p = dir.path().join("long.xlsx");
    std::fs::write(&p, rezip(&members)).unwrap();
    match source::ingest_one(&p, dir.path(), &Limits::default()) {
        Ingested::Failed { issue, .. } => {
            assert_eq!(issue.code, duban::model::IssueCode::FileTooLarge);
            assert!(issue.message.contains("32767"), "{}", issue.message);
        }
        other => panic!("{other:?}"),
    }
}

/// A LibreOffice .ods whose `</table:table>` was broken by the fuzz target:
/// calamine 0.38 loops forever reading it (`ods.rs` `read_table` never sees
/// the end tag nor handles end of file), which hung the whole batch. The
/// pre-scan of `content.xml` now refuses it as damaged first.
#[test]
fn regression_ods_with_unclosed_table_does_not_hang() {
    assert_fixture_unreadable("hang-unclosed-table.ods", "区发改局-3月.ods");
}

/// Read `tests/fixtures/<fixture>` as a return named `name`: it must end as
/// one `FILE_UNREADABLE` file.
fn assert_fixture_unreadable(fixture: &str, name: &str) {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join(name);
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(fixture),
        &p,
    )
    .unwrap();
    match source::ingest_one(&p, dir.path(), &Limits::default()) {
        Ingested::Failed { issue, .. } => {
            assert_eq!(issue.code, duban::model::IssueCode::FileUnreadable)
        }
        other => panic!("{other:?}"),
    }
}

/// A LibreOffice .xls with 649 bytes cut out (found by the fuzz target): its
/// sector chain loops, and calamine 0.38 followed it until the machine ran
/// out of memory (24 GB, OOM-killed). The compound file is checked for
/// looping chains first and refused as damaged.
#[test]
fn regression_xls_with_cyclic_sector_chain_does_not_exhaust_memory() {
    assert_fixture_unreadable("oom-cyclic-fat.xls", "区发改局-3月.xls");
}
