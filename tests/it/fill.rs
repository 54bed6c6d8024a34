//! Filling in a form duban wrote, as a unit does: only the answer cells are
//! typed into (found by their header's name), everything else — the locked
//! cells, the hidden metadata, the styles — stays as duban wrote it.
//!
//! The cells are edited in the sheet's XML inside the workbook's zip, so a
//! test needs no spreadsheet program and cannot skip.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::Path;

use calamine::{open_workbook_auto, Data, Reader};

/// A value typed into a cell.
#[derive(Clone, Debug)]
pub enum Typed {
    Text(String),
    Num(f64),
    Date(u16, u8, u8),
}

/// What a unit writes on one task's row: status, percent (a number, or text
/// such as `过半`), progress text.
pub struct Answer<'a> {
    pub id: &'a str,
    pub status: &'a str,
    pub percent: Typed,
    pub progress: &'a str,
}

impl<'a> Answer<'a> {
    pub fn new(id: &'a str, status: &'a str, percent: f64, progress: &'a str) -> Answer<'a> {
        Answer {
            id,
            status,
            percent: Typed::Num(percent),
            progress,
        }
    }
}

/// The header row (0-based) of a form's first sheet and its columns by name
/// (the text before any `（`/`(`, e.g. `完成进度`).
fn header(path: &Path) -> (u32, HashMap<String, u32>, Vec<Vec<Data>>) {
    let mut wb = open_workbook_auto(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let first = wb.sheet_names()[0].clone();
    let range = wb.worksheet_range(&first).unwrap();
    let rows: Vec<Vec<Data>> = range.rows().map(|r| r.to_vec()).collect();
    let (start_row, _) = range.start().unwrap_or((0, 0));
    let (i, row) = rows
        .iter()
        .enumerate()
        .find(|(_, r)| r.iter().any(|c| c.to_string().trim() == "编号"))
        .unwrap_or_else(|| panic!("no header row in {}", path.display()));
    let cols = row
        .iter()
        .enumerate()
        .filter_map(|(c, v)| {
            let t = v.to_string();
            let name = t.split(['（', '(']).next()?.trim().to_string();
            (!name.is_empty()).then_some((name, c as u32))
        })
        .collect();
    (start_row + i as u32, cols, rows[i + 1..].to_vec())
}

/// The task ids listed on a form, in order.
pub fn form_ids(path: &Path) -> Vec<String> {
    let (_, cols, rows) = header(path);
    let id = cols["编号"] as usize;
    rows.iter()
        .map(|r| r.get(id).map(|c| c.to_string()).unwrap_or_default())
        .take_while(|s| !s.is_empty() && !s.starts_with("填表说明"))
        .collect()
}

/// The form's 填表说明 text.
pub fn form_instructions(path: &Path) -> String {
    let (_, _, rows) = header(path);
    rows.iter()
        .flatten()
        .map(|c| c.to_string())
        .find(|t| t.starts_with("填表说明"))
        .unwrap_or_else(|| panic!("no 填表说明 in {}", path.display()))
}

/// The value of a column on a task's row of a form (pre-filled values).
pub fn form_value(path: &Path, id: &str, column: &str) -> String {
    let (_, cols, rows) = header(path);
    let (i, c) = (cols["编号"] as usize, cols[column] as usize);
    rows.iter()
        .find(|r| r.get(i).is_some_and(|v| *v == id))
        .and_then(|r| r.get(c))
        .map(|v| v.to_string())
        .unwrap_or_default()
}

/// Fill the rows of `answers` in the form `src` and save it as `dest`:
/// status, percent and progress on each task's row, and `fill_date` in the
/// 填报日期 cells (a column of the table, or the cell right of a 填报日期
/// label below it). Every answer's task must be on the form.
pub fn fill(src: &Path, dest: &Path, answers: &[Answer], fill_date: (u16, u8, u8)) {
    let (header_row, cols, rows) = header(src);
    let id_col = cols["编号"] as usize;
    let mut edits: Vec<(String, Typed)> = Vec::new();
    let mut put = |row: u32, col: u32, v: Typed| edits.push((a1(row, col), v));
    for a in answers {
        let i = rows
            .iter()
            .position(|r| r.get(id_col).is_some_and(|v| *v == a.id))
            .unwrap_or_else(|| panic!("{} is not on the form {}", a.id, src.display()));
        let row = header_row + 1 + i as u32;
        put(row, cols["当前状态"], Typed::Text(a.status.into()));
        put(row, cols["完成进度"], a.percent.clone());
        put(row, cols["进展情况"], Typed::Text(a.progress.into()));
        let (y, m, d) = fill_date;
        if let Some(&c) = cols.get("填报日期") {
            put(row, c, Typed::Date(y, m, d));
        }
    }
    // A signature block below the table: the cell right of its 填报日期 label.
    if !cols.contains_key("填报日期") {
        for (i, r) in rows.iter().enumerate() {
            for (c, v) in r.iter().enumerate() {
                let t = v.to_string();
                if t.trim().trim_end_matches(['：', ':']) == "填报日期" {
                    let (y, m, d) = fill_date;
                    put(
                        header_row + 1 + i as u32,
                        c as u32 + 1,
                        Typed::Date(y, m, d),
                    );
                }
            }
        }
    }
    rewrite_sheet(src, dest, &edits);
}

/// `A1` reference of a 0-based cell.
fn a1(row: u32, col: u32) -> String {
    let mut name = String::new();
    let mut n = col + 1;
    while n > 0 {
        let r = (n - 1) % 26;
        name.insert(0, (b'A' + r as u8) as char);
        n = (n - 1) / 26;
    }
    format!("{name}{}", row + 1)
}

/// Days since 1899-12-30 (Excel's serial date).
fn serial(y: u16, m: u8, d: u8) -> i64 {
    let date = chrono::NaiveDate::from_ymd_opt(y.into(), m.into(), d.into()).unwrap();
    (date - chrono::NaiveDate::from_ymd_opt(1899, 12, 30).unwrap()).num_days()
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Replace the cells `edits` in the first sheet's XML, keeping each cell's style.
fn rewrite_sheet(src: &Path, dest: &Path, edits: &[(String, Typed)]) {
    let mut zin = zip::ZipArchive::new(std::fs::File::open(src).unwrap()).unwrap();
    if let Some(p) = dest.parent() {
        std::fs::create_dir_all(p).unwrap();
    }
    let mut zout = zip::ZipWriter::new(std::fs::File::create(dest).unwrap());
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for i in 0..zin.len() {
        let mut f = zin.by_index(i).unwrap();
        let name = f.name().to_string();
        let mut bytes = Vec::new();
        f.read_to_end(&mut bytes).unwrap();
        if name == "xl/worksheets/sheet1.xml" {
            let mut xml = String::from_utf8(bytes).unwrap();
            for (r, v) in edits {
                xml = set_cell(&xml, r, v);
            }
            bytes = xml.into_bytes();
        }
        zout.start_file(name, opts).unwrap();
        zout.write_all(&bytes).unwrap();
    }
    zout.finish().unwrap();
}

/// The sheet XML with cell `r` holding `v` (the cell must exist: duban
/// writes every answer cell, styled, even when empty).
fn set_cell(xml: &str, r: &str, v: &Typed) -> String {
    let open = format!("<c r=\"{r}\"");
    let start = xml
        .find(&(open.clone() + " "))
        .or_else(|| xml.find(&(open.clone() + ">")))
        .or_else(|| xml.find(&(open.clone() + "/")))
        .unwrap_or_else(|| panic!("no cell {r} in the sheet"));
    let tag_end = start + xml[start..].find('>').unwrap();
    let end = if xml[..tag_end].ends_with('/') {
        tag_end + 1
    } else {
        tag_end + xml[tag_end..].find("</c>").unwrap() + "</c>".len()
    };
    let tag = &xml[start..tag_end];
    let style = tag
        .split(" s=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .map(|s| format!(" s=\"{s}\""))
        .unwrap_or_default();
    let cell = match v {
        Typed::Text(t) => format!(
            "<c r=\"{r}\"{style} t=\"inlineStr\"><is><t>{}</t></is></c>",
            escape(t)
        ),
        Typed::Num(n) => format!("<c r=\"{r}\"{style}><v>{n}</v></c>"),
        Typed::Date(y, m, d) => format!("<c r=\"{r}\"{style}><v>{}</v></c>", serial(*y, *m, *d)),
    };
    format!("{}{cell}{}", &xml[..start], &xml[end..])
}

#[test]
fn cells_are_replaced_whole_and_keep_their_style() {
    let xml =
        r#"<row r="4"><c r="G4" s="7"/><c r="H4" s="8" t="s"><v>3</v></c><c r="I4" s="9"/></row>"#;
    let x = set_cell(xml, "G4", &Typed::Text("正在办理".into()));
    let x = set_cell(&x, "H4", &Typed::Num(60.0));
    assert_eq!(
        x,
        r#"<row r="4"><c r="G4" s="7" t="inlineStr"><is><t>正在办理</t></is></c><c r="H4" s="8"><v>60</v></c><c r="I4" s="9"/></row>"#
    );
    assert_eq!(a1(3, 27), "AB4");
    assert_eq!(serial(2023, 3, 31), 45016);
}
