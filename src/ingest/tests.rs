//! End-to-end tests of ingest on real workbooks generated with rust_xlsxwriter.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use rust_xlsxwriter::{Format, Workbook, Worksheet};
use sha2::{Digest, Sha256};

use super::*;
use crate::model::{Evaluation, Severity};
use crate::schema::{FormField, NO_CATEGORY};
use crate::test_support::soffice_convert;
use crate::value::CellValue;

fn limits() -> Limits {
    Limits::default()
}

/// One file on disk read as one input (as `source` reads a file of the folder).
fn ingest_file(path: &Path, root: &Path, limits: &Limits) -> Ingested {
    crate::source::ingest_one(path, root, limits)
}

fn d(y: i32, m: u32, day: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(y, m, day)
        .and_then(|x| x.and_hms_opt(0, 0, 0))
        .expect("valid date")
}

fn txt(s: &str) -> CellValue {
    CellValue::Text(s.to_string())
}

fn forms(r: &Ingested) -> &[RawForm] {
    match r {
        Ingested::Forms { forms, .. } => forms,
        other => panic!("expected forms, got {other:?}"),
    }
}

fn failed(r: &Ingested) -> &Issue {
    match r {
        Ingested::Failed { issue, .. } => issue,
        other => panic!("expected a failure, got {other:?}"),
    }
}

fn ignored(r: &Ingested) -> &Issue {
    match r {
        Ingested::Ignored { issue, .. } => issue,
        other => panic!("expected ignored, got {other:?}"),
    }
}

fn keys(f: &RawForm) -> Vec<(FormField, u32)> {
    f.columns.iter().map(|c| (c.key, c.col)).collect()
}

/// The messy returned form: merged title, unit/period line, a two-row header
/// with a merged group heading, a 存在问题 merged down three rows, a
/// percent-formatted cell, dates, blank rows, a 序号-only row and notes.
fn write_messy(ws: &mut Worksheet) {
    let merged = Format::new();
    let pct = Format::new().set_num_format("0%");
    let date = Format::new().set_num_format("yyyy-mm-dd");
    ws.merge_range(0, 0, 0, 10, "区发改局重点工作推进情况表", &merged)
        .unwrap();
    ws.write(1, 0, "填报单位：区发改局　报送期次：2023年3月")
        .unwrap();
    for (c, h) in [
        (0u16, "序号"),
        (1, "编 号"),
        (2, "事项名称"),
        (3, "完成时限"),
        (4, "当前状态"),
        (7, "存在问题"),
        (8, "下一步措施"),
        (9, "自定义列"),
        (10, "预计完成时间"),
    ] {
        ws.merge_range(2, c, 3, c, h, &merged).unwrap();
    }
    ws.merge_range(2, 5, 2, 6, "完成情况", &merged).unwrap();
    ws.write(3, 5, "完成进度（%）").unwrap();
    ws.write(3, 6, "进展情况").unwrap();

    let rows: [(&str, &str, &str); 3] = [
        ("ZF-001", "建设产业园", "正在办理"),
        ("ZF-002", "招商引资", "已完成"),
        ("ZF-003", "营商环境", "未启动"),
    ];
    for (i, (id, title, status)) in rows.iter().enumerate() {
        let r = 4 + i as u32;
        ws.write(r, 0, (i + 1) as f64).unwrap();
        ws.write(r, 1, *id).unwrap();
        ws.write(r, 2, *title).unwrap();
        ws.write_datetime_with_format(r, 3, NaiveDate::from_ymd_opt(2023, 6, 30).unwrap(), &date)
            .unwrap();
        ws.write(r, 4, *status).unwrap();
        ws.write(r, 6, format!("进展{}", i + 1)).unwrap();
        ws.write(r, 9, "x").unwrap();
    }
    ws.write_number_with_format(4, 5, 0.6, &pct).unwrap();
    ws.write(5, 5, "100%").unwrap();
    ws.write(6, 5, 0.0).unwrap();
    ws.merge_range(4, 7, 6, 7, "资金未到位", &merged).unwrap();
    ws.write_datetime_with_format(4, 10, NaiveDate::from_ymd_opt(2023, 5, 1).unwrap(), &date)
        .unwrap();
    ws.write(5, 10, "2023年4月1日").unwrap();
    // row 8 blank, row 9 only 序号
    ws.write(8, 0, 4.0).unwrap();
    ws.merge_range(9, 0, 9, 10, "填表说明：完成进度填 0-100 的数字。", &merged)
        .unwrap();
    ws.write(10, 0, "填报人：张三").unwrap();
    ws.write(10, 4, "审核人：李四").unwrap();
}

fn save(wb: &mut Workbook, path: &Path) {
    wb.save(path).expect("fixture saved");
}

fn messy_xlsx(dir: &Path, name: &str) -> PathBuf {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("推进表").unwrap();
    write_messy(ws);
    let p = dir.join(name);
    save(&mut wb, &p);
    p
}

fn check_messy(f: &RawForm, percent_formatted: bool) {
    assert_eq!(f.header_first_row, 2);
    assert_eq!(f.header_row, 3);
    assert_eq!(
        keys(f),
        vec![
            (FormField::Seq, 0),
            (FormField::Id, 1),
            (FormField::Title, 2),
            (FormField::Deadline, 3),
            (FormField::Status, 4),
            (FormField::Percent, 5),
            (FormField::Progress, 6),
            (FormField::Problems, 7),
            (FormField::NextSteps, 8),
            (FormField::Expected, 10),
        ]
    );
    assert_eq!(
        f.column(FormField::Percent).unwrap().header,
        "完成进度（%）"
    );
    assert!(f.duplicate_columns.is_empty());
    assert!(f.missing_required.is_empty());
    assert_eq!(
        f.preamble,
        vec![
            "区发改局重点工作推进情况表".to_string(),
            "填报单位：区发改局　报送期次：2023年3月".to_string()
        ]
    );
    assert_eq!(
        f.footer,
        vec![
            "填表说明：完成进度填 0-100 的数字。".to_string(),
            "填报人：张三　审核人：李四".to_string()
        ]
    );
    assert_eq!(f.rows.len(), 3);
    let r0 = &f.rows[0];
    assert_eq!(r0.row, 4);
    assert_eq!(r0.value(FormField::Id), &txt("ZF-001"));
    assert_eq!(
        r0.value(FormField::Deadline),
        &CellValue::Date(d(2023, 6, 30))
    );
    assert_eq!(
        r0.value(FormField::Expected),
        &CellValue::Date(d(2023, 5, 1))
    );
    if percent_formatted {
        assert_eq!(r0.value(FormField::Percent), &CellValue::Percent(0.6));
    } else {
        assert_eq!(
            crate::value::parse_percent(r0.value(FormField::Percent)),
            Ok(60.0)
        );
    }
    assert_eq!(r0.value(FormField::Problems), &txt("资金未到位"));
    assert_eq!(r0.get(FormField::Problems).unwrap().merged_from, None);
    for r in &f.rows[1..] {
        let c = r.get(FormField::Problems).unwrap();
        assert_eq!(c.value, txt("资金未到位"));
        assert_eq!(c.merged_from, Some((4, 7)));
        assert_eq!(c.col, 7);
    }
    assert_eq!(f.rows[1].value(FormField::Percent), &txt("100%"));
    assert_eq!(f.rows[1].value(FormField::Expected), &txt("2023年4月1日"));
    assert_eq!(f.rows[2].value(FormField::Percent), &CellValue::Number(0.0));
    // the original values, in column order, unmatched column included
    let original = f.original(&f.rows[2]);
    let orig: Vec<(&str, &str)> = original
        .iter()
        .map(|(h, v)| (h.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        orig,
        vec![
            ("序号", "3"),
            ("编 号", "ZF-003"),
            ("事项名称", "营商环境"),
            ("完成时限", "2023-06-30"),
            ("当前状态", "未启动"),
            ("完成进度（%）", "0"),
            ("进展情况", "进展3"),
            ("存在问题", "资金未到位"),
            ("自定义列", "x"),
        ]
    );
}

#[test]
fn messy_xlsx_form_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let p = messy_xlsx(dir.path(), "区发改局-3月.xlsx");
    let r = ingest_file(&p, dir.path(), &limits());
    let file = r.file();
    assert_eq!(file.rel, "区发改局-3月.xlsx");
    assert_eq!(file.format, FileFormat::Xlsx);
    assert_eq!(file.size, std::fs::metadata(&p).unwrap().len());
    assert_eq!(file.sha256.len(), 64);
    assert_eq!(
        file.sha256,
        format!("{:x}", Sha256::digest(std::fs::read(&p).unwrap()))
    );
    assert!(file.modified.is_some());
    let fs = forms(&r);
    assert_eq!(fs.len(), 1);
    assert_eq!(fs[0].sheet, "推进表");
    assert_eq!(fs[0].meta, None);
    check_messy(&fs[0], true);
}

#[test]
fn english_fullwidth_headers_duplicates_and_missing_columns() {
    let dir = tempfile::tempdir().unwrap();
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in [
        "No.",
        "Task ID",
        "Ｓｔａｔｕｓ",
        "Progress (%)",
        "完成比例",
        "Remarks",
    ]
    .iter()
    .enumerate()
    {
        ws.write(0, c as u16, *h).unwrap();
    }
    ws.write(1, 0, 1).unwrap();
    ws.write(1, 1, "Ｔ０１－００１").unwrap();
    ws.write(1, 2, "in progress").unwrap();
    ws.write(1, 3, 45).unwrap();
    ws.write(1, 4, 50).unwrap();
    ws.write(2, 0, "注：以上数据截至月底").unwrap();
    let p = dir.path().join("en.xlsx");
    save(&mut wb, &p);
    let r = ingest_file(&p, dir.path(), &limits());
    let f = &forms(&r)[0];
    assert_eq!(f.header_row, 0);
    assert_eq!(f.header_first_row, 0);
    assert_eq!(
        keys(f),
        vec![
            (FormField::Seq, 0),
            (FormField::Id, 1),
            (FormField::Status, 2),
            (FormField::Percent, 3),
            (FormField::Remark, 5)
        ]
    );
    assert_eq!(f.duplicate_columns.len(), 1);
    assert_eq!(f.duplicate_columns[0].key, FormField::Percent);
    assert_eq!(f.duplicate_columns[0].col, 4);
    assert_eq!(f.duplicate_columns[0].header, "完成比例");
    assert_eq!(f.missing_required, vec![FormField::Progress]);
    assert_eq!(f.rows.len(), 1);
    assert_eq!(f.rows[0].value(FormField::Id), &txt("Ｔ０１－００１"));
    assert_eq!(
        f.rows[0].value(FormField::Percent),
        &CellValue::Number(45.0)
    );
    assert_eq!(f.footer, vec!["注：以上数据截至月底".to_string()]);
    assert!(f.preamble.is_empty());
}

#[test]
fn metadata_sheet_is_read_and_never_a_form() {
    let dir = tempfile::tempdir().unwrap();
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("反馈表").unwrap();
    write_messy(ws);
    let meta = wb.add_worksheet();
    meta.set_name(META_SHEET).unwrap();
    for (r, (k, v)) in [
        ("unit", "区发改局"),
        ("period", "2023-03"),
        ("version", FORM_VERSION),
        ("generated", "2023-03-01T08:00:00"),
    ]
    .iter()
    .enumerate()
    {
        meta.write(r as u32, 0, *k).unwrap();
        meta.write(r as u32, 1, *v).unwrap();
    }
    meta.set_very_hidden(true);
    let p = dir.path().join("renamed.xlsx");
    save(&mut wb, &p);
    let r = ingest_file(&p, dir.path(), &limits());
    let fs = forms(&r);
    assert_eq!(fs.len(), 1);
    assert_eq!(fs[0].sheet, "反馈表");
    assert_eq!(
        fs[0].meta,
        Some(FormMeta {
            unit: "区发改局".into(),
            period: "2023-03".into(),
            version: FORM_VERSION.into(),
            generated: "2023-03-01T08:00:00".into(),
        })
    );
}

#[test]
fn header_only_form_has_zero_rows_and_other_sheets_are_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let mut wb = Workbook::new();
    let notes = wb.add_worksheet();
    notes.set_name("说明").unwrap();
    notes.write(0, 0, "请按要求填写").unwrap();
    wb.add_worksheet().set_name("空表").unwrap();
    let ws = wb.add_worksheet();
    for (c, h) in ["编号", "当前状态", "完成进度", "进展情况"]
        .iter()
        .enumerate()
    {
        ws.write(0, c as u16, *h).unwrap();
    }
    let p = dir.path().join("h.xlsx");
    save(&mut wb, &p);
    let r = ingest_file(&p, dir.path(), &limits());
    let fs = forms(&r);
    assert_eq!(fs.len(), 1);
    assert_eq!(fs[0].sheet, "Sheet3");
    assert!(fs[0].rows.is_empty());
}

#[test]
fn workbook_without_header_is_not_a_form() {
    let dir = tempfile::tempdir().unwrap();
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.write(0, 0, "序号").unwrap();
    ws.write(0, 1, "姓名").unwrap();
    ws.write(1, 0, 1).unwrap();
    let p = dir.path().join("roster.xlsx");
    save(&mut wb, &p);
    let issue = failed(&ingest_file(&p, dir.path(), &limits())).clone();
    assert_eq!(issue.code, IssueCode::FileNotForm);
    assert_eq!(issue.severity, Severity::Error);
    assert_eq!(issue.file.as_deref(), Some("roster.xlsx"));
    assert!(issue.message.contains("未找到表头"), "{}", issue.message);
    assert_eq!(issue.cell, None);
}

#[test]
fn stray_cell_at_xfd1048576_reads_fast_without_a_huge_grid() {
    let dir = tempfile::tempdir().unwrap();
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in ["编号", "当前状态", "完成进度", "进展情况"]
        .iter()
        .enumerate()
    {
        ws.write(0, c as u16, *h).unwrap();
    }
    ws.write(1, 0, "ZF-001").unwrap();
    ws.write(1, 1, "进行中").unwrap();
    ws.write(1048575, 16383, "stray").unwrap();
    let p = dir.path().join("stray.xlsx");
    save(&mut wb, &p);
    let start = Instant::now();
    let r = ingest_file(&p, dir.path(), &limits());
    assert!(start.elapsed() < Duration::from_secs(5));
    let f = &forms(&r)[0];
    assert_eq!(f.rows.len(), 1);
    assert_eq!(f.rows[0].value(FormField::Status), &txt("进行中"));

    // Reading the sheet keeps only the cells that exist, and stops at max_rows.
    let bytes = std::fs::read(&p).unwrap();
    let capped = Limits {
        max_rows: 100_000,
        ..limits()
    };
    let sheets = workbook::read_workbook(&bytes, FileFormat::Xlsx, &capped, None).unwrap();
    assert_eq!(sheets[0].grid.len(), 6);
    assert!(sheets[0].truncated);
    // With a generous row limit the stray cell is kept, still sparsely.
    let wide = Limits {
        max_rows: 2_000_000,
        ..limits()
    };
    let sheets = workbook::read_workbook(&bytes, FileFormat::Xlsx, &wide, None).unwrap();
    assert_eq!(sheets[0].grid.len(), 7);
    assert_eq!(sheets[0].grid.max_row(), Some(1_048_575));
    let r = ingest_file(&p, dir.path(), &wide);
    assert_eq!(forms(&r)[0].rows.len(), 1);
}

#[test]
fn broken_and_foreign_files_get_clear_issues() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let good = messy_xlsx(root, "good.xlsx");
    let bytes = std::fs::read(&good).unwrap();

    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("empty.xlsx", Vec::new()),
        (
            "random.xlsx",
            (0..4096u32)
                .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
                .collect(),
        ),
        ("half.xlsx", bytes[..bytes.len() / 2].to_vec()),
        (
            "web.xls",
            "\u{FEFF}\n  <HTML><body><table><tr><td>编号</td></tr></table></body></html>"
                .as_bytes()
                .to_vec(),
        ),
        ("ole.xls", {
            let mut v = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
            v.extend((0..2000u32).map(|i| (i * 7 % 251) as u8));
            v
        }),
        ("olewb.xls", {
            let mut v = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
            v.extend((0..2000u32).map(|i| (i * 7 % 251) as u8));
            v.extend("Workbook".encode_utf16().flat_map(u16::to_le_bytes));
            v
        }),
        ("locked.xlsx", {
            let mut v = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
            v.extend([0u8; 512]);
            v.extend("EncryptionInfo".encode_utf16().flat_map(u16::to_le_bytes));
            v
        }),
    ];
    for (name, data) in &cases {
        std::fs::write(root.join(name), data).unwrap();
    }
    let get = |name: &str| failed(&ingest_file(&root.join(name), root, &limits())).clone();

    let e = get("empty.xlsx");
    assert_eq!(e.code, IssueCode::FileEmpty);
    let e = get("random.xlsx");
    assert_eq!(e.code, IssueCode::FileUnreadable);
    let e = get("half.xlsx");
    assert_eq!(e.code, IssueCode::FileUnreadable);
    assert!(e.message.contains("损坏"), "{}", e.message);
    assert!(e.message.contains("重新保存"), "{}", e.message);
    let r = ingest_file(&root.join("web.xls"), root, &limits());
    assert_eq!(r.file().format, FileFormat::Html);
    let e = failed(&r);
    assert_eq!(e.code, IssueCode::FileHtml);
    assert!(e.message.contains("另存为"), "{}", e.message);
    let r = ingest_file(&root.join("ole.xls"), root, &limits());
    assert_eq!(r.file().format, FileFormat::Other);
    assert_eq!(failed(&r).code, IssueCode::FileUnreadable);
    // An OLE file that does name a workbook stream but is junk inside.
    let r = ingest_file(&root.join("olewb.xls"), root, &limits());
    assert_eq!(r.file().format, FileFormat::Xls);
    let e = failed(&r);
    assert_eq!(e.code, IssueCode::FileUnreadable);
    assert!(e.message.contains("损坏"), "{}", e.message);
    let r = ingest_file(&root.join("locked.xlsx"), root, &limits());
    assert_eq!(r.file().format, FileFormat::Encrypted);
    let e = failed(&r);
    assert_eq!(e.code, IssueCode::FileEncrypted);
    assert!(e.message.contains("密码"), "{}", e.message);
    assert_eq!(e.severity, Severity::Error);
}

#[test]
fn lock_files_and_non_spreadsheets_are_ignored() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(root.join("~$区发改局.xlsx"), b"\x0bowner").unwrap();
    std::fs::write(root.join(".~lock.a.xlsx#"), b"x").unwrap();
    std::fs::write(root.join("说明.txt"), "编号,当前状态\n".as_bytes()).unwrap();
    std::fs::write(root.join("page.html"), "<html></html>".as_bytes()).unwrap();
    let mut thumbs = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    thumbs.extend("Catalog".encode_utf16().flat_map(u16::to_le_bytes));
    std::fs::write(root.join("Thumbs.db"), &thumbs).unwrap();
    // A real workbook with a wrong extension is read.
    let real = messy_xlsx(root, "x.xlsx");
    std::fs::rename(&real, root.join("表格.dat")).unwrap();

    let i = ignored(&ingest_file(&root.join("~$区发改局.xlsx"), root, &limits())).clone();
    assert_eq!(i.code, IssueCode::FileIgnored);
    assert_eq!(i.severity, Severity::Warning);
    assert!(i.message.contains("锁定文件"), "{}", i.message);
    assert_eq!(
        ignored(&ingest_file(&root.join(".~lock.a.xlsx#"), root, &limits())).code,
        IssueCode::FileIgnored
    );
    let i = ignored(&ingest_file(&root.join("说明.txt"), root, &limits())).clone();
    assert!(
        i.message.contains("这是文本文件，不是电子表格"),
        "{}",
        i.message
    );
    // What a file is, from its bytes first, in the message.
    std::fs::write(root.join("扫描件.jpg.bak"), b"%PDF-1.7\n...").unwrap();
    std::fs::write(root.join("照片"), b"\x89PNG\r\n\x1a\n...").unwrap();
    let i = ignored(&ingest_file(&root.join("扫描件.jpg.bak"), root, &limits())).clone();
    assert!(i.message.contains("这是PDF文件"), "{}", i.message);
    let i = ignored(&ingest_file(&root.join("照片"), root, &limits())).clone();
    assert!(i.message.contains("这是图片"), "{}", i.message);
    ignored(&ingest_file(&root.join("page.html"), root, &limits()));
    let r = ingest_file(&root.join("Thumbs.db"), root, &limits());
    assert!(ignored(&r).message.contains("不是电子表格文件"));
    let r = ingest_file(&root.join("表格.dat"), root, &limits());
    assert_eq!(r.file().format, FileFormat::Xlsx);
    assert_eq!(forms(&r)[0].rows.len(), 3);
}

#[test]
fn size_limits() {
    let dir = tempfile::tempdir().unwrap();
    let p = messy_xlsx(dir.path(), "a.xlsx");
    let small = Limits {
        max_file_bytes: 100,
        ..limits()
    };
    let r = ingest_file(&p, dir.path(), &small);
    let e = failed(&r);
    assert_eq!(e.code, IssueCode::FileTooLarge);
    assert_eq!(r.file().sha256.len(), 64);
    let bomb = Limits {
        max_inflated_bytes: 1000,
        ..limits()
    };
    let e = failed(&ingest_file(&p, dir.path(), &bomb)).clone();
    assert_eq!(e.code, IssueCode::FileTooLarge);
    assert!(e.message.contains("解压后过大"), "{}", e.message);
    let few = Limits {
        max_cells: 10,
        ..limits()
    };
    assert_eq!(
        failed(&ingest_file(&p, dir.path(), &few)).code,
        IssueCode::FileTooLarge
    );
}

const CSV_TEXT: &str = "重点工作推进情况表\n编号,当前状态,完成进度(%),进展情况,存在问题\nZF-001,进行中,60%,\"完成,可研\",无\n\nZF-002,已完成,100,已验收,\n备注：无\n";

fn check_csv(r: &Ingested) {
    assert_eq!(r.file().format, FileFormat::Csv);
    let f = &forms(r)[0];
    assert_eq!(f.header_row, 1);
    assert_eq!(f.preamble, vec!["重点工作推进情况表".to_string()]);
    assert_eq!(f.rows.len(), 2);
    assert_eq!(f.rows[0].row, 2);
    assert_eq!(f.rows[0].value(FormField::Percent), &txt("60%"));
    assert_eq!(f.rows[0].value(FormField::Progress), &txt("完成,可研"));
    assert_eq!(f.rows[1].row, 4);
    assert_eq!(
        f.rows[1].value(FormField::Percent),
        &CellValue::Number(100.0)
    );
    assert_eq!(f.rows[1].value(FormField::Problems), &CellValue::Empty);
    assert_eq!(f.footer, vec!["备注：无".to_string()]);
}

#[test]
fn csv_utf8_bom_gbk_and_semicolons() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let mut bom = vec![0xEF, 0xBB, 0xBF];
    bom.extend_from_slice(CSV_TEXT.as_bytes());
    std::fs::write(root.join("utf8.csv"), &bom).unwrap();
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(CSV_TEXT);
    assert!(!unmappable);
    assert!(std::str::from_utf8(&gbk).is_err());
    std::fs::write(root.join("gbk.csv"), &gbk).unwrap();
    let semi = CSV_TEXT
        .replace(",\"完成,可研\",", ";\"完成,可研\";")
        .replace(',', ";");
    let semi = semi.replace("\"完成;可研\"", "\"完成,可研\"");
    std::fs::write(root.join("semi.csv"), semi.as_bytes()).unwrap();
    check_csv(&ingest_file(&root.join("utf8.csv"), root, &limits()));
    check_csv(&ingest_file(&root.join("gbk.csv"), root, &limits()));
    check_csv(&ingest_file(&root.join("semi.csv"), root, &limits()));
}

fn write_ledger(path: &Path, with_units: bool) {
    let mut wb = Workbook::new();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let pct = Format::new().set_num_format("0%");
    let ws = wb.add_worksheet();
    ws.set_name("重点工作台账").unwrap();
    ws.merge_range(0, 0, 0, 11, "2023年重点工作台账", &Format::new())
        .unwrap();
    let heads = [
        "编号",
        "事项名称",
        "来源",
        "星级",
        "牵头领导",
        "牵头单位",
        "配合单位",
        "责任人",
        "开始日期",
        "完成时限",
        "交办日期",
        "工作要求",
    ];
    for (c, h) in heads.iter().enumerate() {
        ws.write(1, c as u16, *h).unwrap();
    }
    let rows: [[&str; 12]; 5] = [
        [
            "ZF-001",
            "建设产业园",
            "政府工作报告",
            "★★★★",
            "王副县长",
            "发改局",
            "区财政局、区住建局",
            "张三",
            "",
            "",
            "",
            "按期建成",
        ],
        [
            "ＺＦ－００２ ",
            "招商引资",
            "会议议定",
            "五星",
            "李副县长",
            "区商务局",
            "",
            "李四",
            "2023/1/1",
            "12月31日",
            "",
            "",
        ],
        [
            "ZF-003",
            "督办件",
            "领导批示",
            "",
            "王副县长",
            "区发改局",
            "",
            "",
            "",
            "",
            "2023-03-01",
            "",
        ],
        [
            "ZF-004",
            "重复行",
            "",
            "3",
            "",
            "区发改局",
            "",
            "",
            "",
            "明年",
            "",
            "",
        ],
        [
            "ZF-004",
            "未知单位的任务",
            "",
            "9星",
            "",
            "区外事办",
            "",
            "",
            "",
            "",
            "",
            "",
        ],
    ];
    for (i, row) in rows.iter().enumerate() {
        let r = 2 + i as u32;
        for (c, v) in row.iter().enumerate() {
            if !v.is_empty() {
                ws.write(r, c as u16, *v).unwrap();
            }
        }
    }
    ws.write_datetime_with_format(2, 8, NaiveDate::from_ymd_opt(2023, 1, 15).unwrap(), &date)
        .unwrap();
    ws.write_datetime_with_format(2, 9, NaiveDate::from_ymd_opt(2023, 10, 31).unwrap(), &date)
        .unwrap();

    let ms = wb.add_worksheet();
    ms.set_name("节点").unwrap();
    for (c, h) in ["编号", "节点日期", "计划进度(%)"].iter().enumerate() {
        ms.write(0, c as u16, *h).unwrap();
    }
    ms.write(1, 0, "ZF-001").unwrap();
    ms.write_datetime_with_format(1, 1, NaiveDate::from_ymd_opt(2023, 6, 30).unwrap(), &date)
        .unwrap();
    ms.write(1, 2, 50).unwrap();
    ms.write(2, 0, "ZF-001").unwrap();
    ms.write(2, 1, "2023-03-31").unwrap();
    ms.write_number_with_format(2, 2, 0.2, &pct).unwrap();
    ms.write(3, 0, "ZF-999").unwrap();
    ms.write(3, 1, "2023-03-31").unwrap();
    ms.write(3, 2, 10).unwrap();

    if with_units {
        let us = wb.add_worksheet();
        us.set_name("单位名单").unwrap();
        for (c, h) in ["单位名称", "单位编码", "类别", "别名", "联系人", "联系电话"]
            .iter()
            .enumerate()
        {
            us.write(0, c as u16, *h).unwrap();
        }
        let units = [
            [
                "区发改局",
                "FG",
                "区直部门",
                "发改局、区发展和改革局",
                "赵六",
                "123",
            ],
            ["区商务局", "", "区直部门", "", "", ""],
            ["区财政局", "", "", "", "", ""],
            ["城关镇", "", "乡镇街道", "", "", ""],
        ];
        for (i, u) in units.iter().enumerate() {
            for (c, v) in u.iter().enumerate() {
                if !v.is_empty() {
                    us.write(1 + i as u32, c as u16, *v).unwrap();
                }
            }
        }
        let ev = wb.add_worksheet();
        ev.set_name("评价").unwrap();
        for (c, h) in ["单位", "自评", "专班评价", "群众评价", "领导评价"]
            .iter()
            .enumerate()
        {
            ev.write(0, c as u16, *h).unwrap();
        }
        ev.write(1, 0, "发改局").unwrap();
        ev.write(1, 1, 95).unwrap();
        ev.write(1, 2, "88分").unwrap();
        ev.write(1, 3, 120).unwrap();
        ev.write(1, 4, 90.5).unwrap();
    }
    save(&mut wb, path);
}

#[test]
fn ledger_with_all_four_sheets() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("台账.xlsx");
    write_ledger(&p, true);
    let (ledger, issues) = read_ledger(&p, &limits()).unwrap();

    let ids: Vec<&str> = ledger.tasks.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(ids, vec!["ZF-001", "ZF-002", "ZF-003"]);
    let t1 = ledger.task("zf-001").unwrap();
    assert_eq!(t1.title, "建设产业园");
    assert_eq!(t1.stars, 4);
    assert_eq!(t1.lead_unit, "区发改局");
    assert_eq!(
        t1.coop_units,
        vec!["区财政局".to_string(), "区住建局".to_string()]
    );
    assert_eq!(t1.start, NaiveDate::from_ymd_opt(2023, 1, 15));
    assert_eq!(t1.deadline, NaiveDate::from_ymd_opt(2023, 10, 31));
    assert_eq!(t1.ledger_row, 3);
    assert_eq!(
        t1.milestones,
        vec![
            crate::model::Milestone {
                date: NaiveDate::from_ymd_opt(2023, 3, 31).unwrap(),
                planned: 20.0
            },
            crate::model::Milestone {
                date: NaiveDate::from_ymd_opt(2023, 6, 30).unwrap(),
                planned: 50.0
            },
        ]
    );
    let t2 = ledger.task("ZF-002").unwrap();
    assert_eq!(t2.stars, 5);
    assert_eq!(t2.deadline, NaiveDate::from_ymd_opt(2023, 12, 31));
    assert_eq!(t2.start, NaiveDate::from_ymd_opt(2023, 1, 1));
    let t3 = ledger.task("ZF-003").unwrap();
    assert_eq!(t3.stars, 3);
    assert_eq!(t3.assigned, NaiveDate::from_ymd_opt(2023, 3, 1));
    assert_eq!(t3.deadline, None);
    // An id on two rows is on neither, and its unit is no unit.
    assert!(ledger.task("ZF-004").is_none());
    let h = ledger.held("zf-004").unwrap();
    assert_eq!(
        (h.code, h.rows.clone()),
        (IssueCode::LedgerDuplicateId, vec![6, 7])
    );
    assert!(ledger.unit("区外事办").is_none());

    assert_eq!(ledger.units.len(), 4);
    let u = ledger.unit("区发展和改革局").unwrap();
    assert_eq!(u.name, "区发改局");
    assert_eq!(u.code.as_deref(), Some("FG"));
    assert_eq!(u.category, "区直部门");
    assert_eq!(u.contact, "赵六");
    assert_eq!(ledger.unit("区财政局").unwrap().category, NO_CATEGORY);
    assert_eq!(ledger.unit("区商务局").unwrap().code, None);

    assert_eq!(
        ledger.evaluations,
        vec![Evaluation {
            unit: "区发改局".into(),
            self_eval: Some(95.0),
            team: Some(88.0),
            public: None,
            leader: Some(90.5),
        }]
    );

    let found: Vec<(IssueCode, Option<&str>, Option<&str>)> = issues
        .iter()
        .map(|i| (i.code, i.sheet.as_deref(), i.cell.as_deref()))
        .collect();
    let sheet = Some("重点工作台账");
    assert_eq!(
        found,
        vec![
            (IssueCode::LedgerInvalidStars, sheet, Some("D5")),
            (IssueCode::LedgerInvalidDate, sheet, Some("J6")),
            (IssueCode::LedgerInvalidStars, sheet, Some("D7")),
            (IssueCode::LedgerDuplicateId, sheet, Some("A6")),
            (IssueCode::LedgerDuplicateId, sheet, Some("A7")),
            (IssueCode::LedgerUnknownTask, Some("节点"), Some("A4")),
            (IssueCode::LedgerInvalidValue, Some("评价"), Some("D2")),
        ]
    );
    let severities: Vec<Severity> = issues.iter().map(|i| i.severity).collect();
    use Severity::{Error as E, Warning as W};
    assert_eq!(severities, vec![W, E, E, E, E, W, W]);
    assert!(issues.iter().all(|i| i.code.is_ledger()));
    assert!(issues
        .iter()
        .all(|i| i.file.as_deref() == Some("台账.xlsx")));
    assert_eq!(issues[1].value.as_deref(), Some("明年"));
    assert!(
        issues[0].message.contains("暂按3星"),
        "{}",
        issues[0].message
    );
}

#[test]
fn ledger_without_unit_sheet_derives_units() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("bare.xlsx");
    write_ledger(&p, false);
    let (ledger, issues) = read_ledger(&p, &limits()).unwrap();
    let names: Vec<&str> = ledger.units.iter().map(|u| u.name.as_str()).collect();
    assert_eq!(names, vec!["发改局", "区商务局", "区发改局"]);
    assert!(ledger.units.iter().all(|u| u.category == NO_CATEGORY));
    assert!(issues.iter().any(|i| i.code == IssueCode::LedgerNoUnitSheet
        && i.cell.is_none()
        && i.message.contains("单位")));
    assert!(ledger.evaluations.is_empty());
}

#[test]
fn unreadable_ledgers_are_errors_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("坏台账.xlsx");
    std::fs::write(&p, b"PK\x03\x04broken").unwrap();
    let e = format!("{:#}", read_ledger(&p, &limits()).unwrap_err());
    assert!(e.contains("坏台账.xlsx") && e.contains("损坏"), "{e}");

    let p = dir.path().join("无台账.xlsx");
    let mut wb = Workbook::new();
    wb.add_worksheet().write(0, 0, "hello").unwrap();
    save(&mut wb, &p);
    let e = format!("{:#}", read_ledger(&p, &limits()).unwrap_err());
    assert!(e.contains("无台账.xlsx") && e.contains("台账"), "{e}");

    let e = format!(
        "{:#}",
        read_ledger(&dir.path().join("nope.xlsx"), &limits()).unwrap_err()
    );
    assert!(e.contains("nope.xlsx"), "{e}");
}

#[test]
fn legacy_xls_and_ods_via_libreoffice() {
    let dir = tempfile::tempdir().unwrap();
    let src = messy_xlsx(dir.path(), "messy.xlsx");
    let out = dir.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    for (ext, format, percent_kept) in [
        ("xls", FileFormat::Xls, true),
        ("ods", FileFormat::Ods, true),
    ] {
        let Some(p) = soffice_convert(&src, ext, &out) else {
            return;
        };
        let r = ingest_file(&p, &out, &limits());
        assert_eq!(r.file().format, format);
        let f = &forms(&r)[0];
        check_messy(f, percent_kept);
        if format == FileFormat::Xls {
            let scan = ole::xls_scan(&std::fs::read(&p).unwrap()).unwrap();
            assert_eq!(scan.len(), 1);
            assert_eq!(scan[0].name.as_deref(), Some("推进表"));
            assert_eq!(
                scan[0].percent_cells,
                [(4u32, 5u32)]
                    .into_iter()
                    .collect::<std::collections::HashSet<_>>()
            );
            assert_eq!(
                scan[0].extent,
                Some(ole::Extent {
                    min_row: 0,
                    max_row: 10,
                    min_col: 0,
                    max_col: 10
                })
            );
        }
    }
}

#[test]
fn stray_cell_in_legacy_xls_via_libreoffice() {
    let dir = tempfile::tempdir().unwrap();
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in ["编号", "当前状态", "完成进度", "进展情况"]
        .iter()
        .enumerate()
    {
        ws.write(0, c as u16, *h).unwrap();
    }
    ws.write(1, 0, "ZF-001").unwrap();
    ws.write(65535, 255, "stray").unwrap();
    let src = dir.path().join("stray.xlsx");
    save(&mut wb, &src);
    let out = dir.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    let Some(p) = soffice_convert(&src, "xls", &out) else {
        return;
    };
    let hwm = || {
        std::fs::read_to_string("/proc/self/status")
            .unwrap_or_default()
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:").map(|v| v.trim().to_string()))
    };
    let before = hwm();
    let start = Instant::now();
    let r = ingest_file(&p, &out, &limits());
    eprintln!(
        "xls stray cell: peak memory {before:?} -> {:?} in {:?}",
        hwm(),
        start.elapsed()
    );
    let e = failed(&r);
    assert_eq!(e.code, IssueCode::FileTooLarge);
    assert!(e.message.contains("IV65536"), "{}", e.message);
    assert!(start.elapsed() < Duration::from_secs(5));

    // The same stray cell in an .ods is measured before calamine expands it.
    let Some(p) = soffice_convert(&src, "ods", &out) else {
        return;
    };
    let r = ingest_file(&p, &out, &limits());
    assert_eq!(r.file().format, FileFormat::Ods);
    let e = failed(&r);
    assert_eq!(e.code, IssueCode::FileTooLarge);
    assert!(e.message.contains("IV65536"), "{}", e.message);
}

#[test]
fn macro_enabled_workbook_is_xlsm_and_read() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let src = messy_xlsx(dir.path(), "a.xlsx");
    let bytes = std::fs::read(&src).unwrap();
    let mut zin = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut w = zip::ZipWriter::new(&mut out);
        for i in 0..zin.len() {
            w.raw_copy_file(zin.by_index_raw(i).unwrap()).unwrap();
        }
        w.start_file(
            "xl/vbaProject.bin",
            zip::write::SimpleFileOptions::default(),
        )
        .unwrap();
        w.write_all(b"not really vba").unwrap();
        w.finish().unwrap();
    }
    let p = dir.path().join("宏.xlsm");
    std::fs::write(&p, out.into_inner()).unwrap();
    let r = ingest_file(&p, dir.path(), &limits());
    assert_eq!(r.file().format, FileFormat::Xlsm);
    check_messy(&forms(&r)[0], true);
}

#[test]
fn workbook_with_only_empty_sheets_is_empty() {
    let dir = tempfile::tempdir().unwrap();
    let mut wb = Workbook::new();
    wb.add_worksheet();
    wb.add_worksheet();
    let p = dir.path().join("blank.xlsx");
    save(&mut wb, &p);
    let e = failed(&ingest_file(&p, dir.path(), &limits())).clone();
    assert_eq!(e.code, IssueCode::FileEmpty);
    assert_eq!(e.severity, Severity::Error);
}

/// Deterministic byte flips: every outcome is a result, never a panic, and a
/// damaged container is reported as unreadable rather than silently empty.
fn flip_variants(bytes: &[u8], n: usize) -> Vec<Vec<u8>> {
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) as usize
    };
    (0..n)
        .map(|_| {
            let mut v = bytes.to_vec();
            for _ in 0..8 {
                let at = next() % v.len();
                v[at] ^= 0xFF;
            }
            v
        })
        .collect()
}

fn assert_no_panic_on_flips(src: &Path, ext: &str, n: usize) {
    let dir = tempfile::tempdir().unwrap();
    let bytes = std::fs::read(src).unwrap();
    for (i, v) in flip_variants(&bytes, n).into_iter().enumerate() {
        let p = dir.path().join(format!("f{i}.{ext}"));
        std::fs::write(&p, &v).unwrap();
        match ingest_file(&p, dir.path(), &limits()) {
            Ingested::Forms { .. } => {}
            Ingested::Failed { issue, .. } => assert!(
                matches!(
                    issue.code,
                    IssueCode::FileUnreadable
                        | IssueCode::FileNotForm
                        | IssueCode::FileEmpty
                        | IssueCode::FileTooLarge
                        | IssueCode::FileEncrypted
                ),
                "{issue:?}"
            ),
            Ingested::Ignored { issue, .. } => panic!("a flipped workbook was ignored: {issue:?}"),
        }
    }
}

#[test]
fn flipped_bytes_never_panic_xlsx() {
    let dir = tempfile::tempdir().unwrap();
    let src = messy_xlsx(dir.path(), "m.xlsx");
    assert_no_panic_on_flips(&src, "xlsx", 150);
}

#[test]
fn flipped_bytes_never_panic_xls_and_ods() {
    let dir = tempfile::tempdir().unwrap();
    let src = messy_xlsx(dir.path(), "m.xlsx");
    for ext in ["xls", "ods"] {
        let Some(p) = soffice_convert(&src, ext, dir.path()) else {
            return;
        };
        assert_no_panic_on_flips(&p, ext, 150);
    }
}

#[test]
fn ledger_state_column_closes_and_reopens_by_hand() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("台账.xlsx");
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet().set_name("台账").unwrap();
    for (c, h) in ["编号", "事项名称", "牵头单位", "星级", "销号状态"]
        .iter()
        .enumerate()
    {
        ws.write(0, c as u16, *h).unwrap();
    }
    for (r, (id, state)) in [("T1", "销号"), ("T2", "在办"), ("T3", ""), ("T4", "暂停")]
        .iter()
        .enumerate()
    {
        let row = r as u32 + 1;
        for (c, v) in [*id, "事项", "区财政局", "4", *state].iter().enumerate() {
            ws.write(row, c as u16, *v).unwrap();
        }
    }
    wb.save(&p).unwrap();
    let (ledger, issues) = read_ledger(&p, &limits()).unwrap();
    let mark = |id: &str| ledger.task(id).unwrap().state_mark;
    use crate::model::StateMark;
    assert_eq!(mark("T1"), Some(StateMark::Closed));
    assert_eq!(mark("T2"), Some(StateMark::Open));
    assert_eq!((mark("T3"), mark("T4")), (None, None));
    let bad: Vec<_> = issues
        .iter()
        .filter(|i| i.code == IssueCode::LedgerInvalidValue)
        .collect();
    assert_eq!(bad.len(), 1, "{issues:#?}");
    assert_eq!(bad[0].cell.as_deref(), Some("E5"));
    assert_eq!(bad[0].value.as_deref(), Some("暂停"));
    assert!(bad[0].message.contains("销号") && bad[0].message.contains("在办"));
}

#[test]
fn ledger_headings_unmerged_placeholders_and_a_hidden_old_copy() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("台账.xlsx");
    let mut wb = Workbook::new();
    let heads = ["编号", "事项名称", "星级", "牵头单位", "完成时限"];
    // An old copy of the ledger, hidden, before the real one.
    let old = wb.add_worksheet().set_name("台账（旧）").unwrap();
    for (c, h) in heads.iter().enumerate() {
        old.write(0, c as u16, *h).unwrap();
    }
    old.write_row(1, 0, ["OLD-1", "旧任务", "3", "区发改局", "2023-06-30"])
        .unwrap();
    old.set_hidden(true);
    let ws = wb.add_worksheet().set_name("重点工作台账").unwrap();
    ws.set_active(true);
    for (c, h) in heads.iter().enumerate() {
        ws.write(0, c as u16, *h).unwrap();
    }
    let rows: [[&str; 5]; 9] = [
        ["一、经济发展（22项）", "", "", "", ""],
        ["", "（一）招商引资", "", "", ""],
        ["ZF-001", "建设产业园", "5", "区发改局", "6月底前"],
        ["", "1. 重点项目", "", "", ""],
        ["ZF-002", "签约项目", "4", "区发改局", "长期坚持"],
        ["经济发展类小结", "", "", "—", ""],
        ["二、民生保障", "", "", "", ""],
        ["MS-001", "老旧小区改造", "三星", "区发改局", "2023年底"],
        ["合计", "共3项", "", "—", ""],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            if !v.is_empty() {
                ws.write(r as u32 + 1, c as u16, *v).unwrap();
            }
        }
    }
    save(&mut wb, &p);
    let (ledger, issues) = read_ledger(&p, &limits()).unwrap();
    assert!(
        issues
            .iter()
            .all(|i| i.code == IssueCode::LedgerNoUnitSheet),
        "{issues:#?}"
    );
    let got: Vec<(&str, Option<&str>, Option<NaiveDate>)> = ledger
        .tasks
        .iter()
        .map(|t| (t.id.as_str(), t.group.as_deref(), t.deadline))
        .collect();
    let d = |m, day| NaiveDate::from_ymd_opt(2023, m, day);
    assert_eq!(
        got,
        vec![
            ("ZF-001", Some("一、经济发展 / （一）招商引资"), d(6, 30)),
            (
                "ZF-002",
                Some("一、经济发展 / （一）招商引资 / 1. 重点项目"),
                None
            ),
            ("MS-001", Some("二、民生保障"), d(12, 31)),
        ]
    );
    let names: Vec<&str> = ledger.units.iter().map(|u| u.name.as_str()).collect();
    assert_eq!(names, vec!["区发改局"]);
}
