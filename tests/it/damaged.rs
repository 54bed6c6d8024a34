//! Reliability under bad input (issue 7): a folder of well over 100 damaged
//! copies of real forms beside good ones. duban must exit 0, list every file
//! with an outcome, accept the good forms and reconcile the row totals.

use std::io::Write;

use crate::common::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::Value;

fn good_forms(w: &Workdir) -> Vec<(String, Vec<u8>)> {
    let src = w.path("src");
    let mut out = Vec::new();
    let f = fagai_form();
    f.write(&src.join("区发改局-3月.xlsx"));
    out.push((
        "区发改局-3月.xlsx".to_string(),
        std::fs::read(src.join("区发改局-3月.xlsx")).unwrap(),
    ));
    let f = Form::new("区财政局").row(Form::ok_row("CZ-001", "盘活存量资金", "2023-09-30", 30.0));
    f.write(&src.join("区财政局-3月.xlsx"));
    out.push((
        "区财政局-3月.xlsx".to_string(),
        std::fs::read(src.join("区财政局-3月.xlsx")).unwrap(),
    ));
    if let Some(xls) = soffice_convert(&src.join("区发改局-3月.xlsx"), "xls", &src) {
        out.push(("区发改局-3月.xls".to_string(), std::fs::read(xls).unwrap()));
    }
    if let Some(ods) = soffice_convert(&src.join("区财政局-3月.xlsx"), "ods", &src) {
        out.push(("区财政局-3月.ods".to_string(), std::fs::read(ods).unwrap()));
    }
    out
}

fn put(path: &std::path::Path, bytes: &[u8]) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

/// An xlsx with a stray value at XFD1048576 (its used range is the whole grid).
fn huge_range(path: &std::path::Path) {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet().set_name("推进表").unwrap();
    ws.write_string(0, 0, "区住建局重点工作推进情况反馈表")
        .unwrap();
    for (c, h) in HEADER.iter().enumerate() {
        ws.write_string(1, c as u16, *h).unwrap();
    }
    let r = Form::ok_row("ZJ-001", "老旧小区改造12个", "2023-11-30", 20.0);
    for (c, v) in r.iter().enumerate() {
        match v {
            V::S(s) => {
                ws.write_string(2, c as u16, *s).unwrap();
            }
            V::Str(s) => {
                ws.write_string(2, c as u16, s).unwrap();
            }
            V::N(n) => {
                ws.write_number(2, c as u16, *n).unwrap();
            }
            _ => {}
        }
    }
    ws.write_string(1_048_575, 16_383, "x").unwrap();
    wb.save(path).unwrap();
}

/// A zip whose one member inflates far beyond the configured limit.
fn inflating(path: &std::path::Path, bytes: usize) {
    let f = std::fs::File::create(path).unwrap();
    let mut z = zip::ZipWriter::new(f);
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    z.start_file("[Content_Types].xml", opts).unwrap();
    z.write_all(b"<?xml version=\"1.0\"?><Types/>").unwrap();
    z.start_file("xl/workbook.xml", opts).unwrap();
    z.write_all(b"<workbook/>").unwrap();
    z.start_file("xl/worksheets/sheet1.xml", opts).unwrap();
    let chunk = vec![b' '; 1 << 20];
    for _ in 0..(bytes >> 20) {
        z.write_all(&chunk).unwrap();
    }
    z.finish().unwrap();
}

#[test]
fn a_folder_of_damaged_files_never_stops_the_batch() {
    let w = Workdir::new();
    w.ledger();
    let returns = w.returns();
    let goods = good_forms(&w);
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let mut n = 0;
    // At least this many damaged files, six of them the odd ones below.
    const DAMAGED: usize = 100;
    const ODD: usize = 6;
    // Without LibreOffice there are no .xls/.ods sources: more copies of
    // each remaining source (cut and flipped) keep the count.
    let copies = 15.max((DAMAGED - ODD).div_ceil(2 * goods.len()));
    for (name, bytes) in &goods {
        put(&returns.join(format!("good/{name}")), bytes);
        let (stem, ext) = name.rsplit_once('.').unwrap();
        // Truncated at random points.
        for i in 0..copies {
            let cut = rng.random_range(0..bytes.len());
            put(
                &returns.join(format!("cut/{stem}-{i}.{ext}")),
                &bytes[..cut],
            );
            n += 1;
        }
        // Bytes flipped anywhere.
        for i in 0..copies {
            let mut b = bytes.clone();
            for _ in 0..rng.random_range(1..20) {
                let at = rng.random_range(0..b.len());
                b[at] ^= rng.random_range(1..=255u8);
            }
            put(&returns.join(format!("flip/{stem}-{i}.{ext}")), &b);
            n += 1;
        }
    }
    let odd = returns.join("odd");
    std::fs::create_dir_all(&odd).unwrap();
    std::fs::write(odd.join("zero.xlsx"), b"").unwrap();
    let mut noise = vec![0u8; 4096];
    rng.fill(&mut noise[..]);
    std::fs::write(odd.join("noise.xlsx"), &noise).unwrap();
    std::fs::write(odd.join("noise.xls"), &noise).unwrap();
    std::fs::write(
        odd.join("page.xls"),
        "<!DOCTYPE html><html><table><tr><td>编号</td></tr></table></html>",
    )
    .unwrap();
    huge_range(&odd.join("区住建局-3月.xlsx"));
    inflating(&odd.join("bomb.xlsx"), 64 << 20);
    n += ODD;
    assert!(n >= DAMAGED, "only {n} damaged files");

    // A low inflate limit (configurable) makes the bomb refuse quickly.
    std::fs::write(
        w.path("duban.toml"),
        "[limits]\nmax_inflated_bytes = 16777216\n",
    )
    .unwrap();
    // duban must not fail on bad input (check_at asserts a successful exit).
    let config = w.path("duban.toml");
    let v = check_at(&w, &returns, &["--config", config.to_str().unwrap()]);
    let files = v["files"].as_array().unwrap();
    assert_eq!(files.len(), n + goods.len(), "every file is listed");
    for f in files {
        let o = f["outcome"].as_str().unwrap();
        assert!(
            ["accepted", "rejected", "superseded", "ignored"].contains(&o),
            "{f}"
        );
    }
    for (name, _) in &goods {
        let fe = file_entry(&v, &format!("good/{name}"));
        assert_ne!(fe["outcome"], "rejected", "good form rejected: {fe}");
    }
    assert_eq!(file_entry(&v, "odd/bomb.xlsx")["outcome"], "rejected");
    let bomb: Vec<&Value> = v["issues"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["file"] == "odd/bomb.xlsx")
        .collect();
    assert!(
        bomb.iter().any(|i| i["code"] == "FILE_TOO_LARGE"),
        "{bomb:#?}"
    );
    // The stray cell at XFD1048576 does not stop the form being read.
    let huge = file_entry(&v, "odd/区住建局-3月.xlsx");
    assert_eq!(huge["rows"], 1, "{huge}");
    assert_eq!(file_entry(&v, "odd/page.xls")["outcome"], "rejected");
    assert_reconciles(&v);
}

/// A form cut off at `max_rows` is never accepted in part (rows past the
/// limit would be lost silently): it is rejected whole with FILE_TOO_LARGE.
/// Formatting alone past the limit loses nothing and is no reason to refuse.
#[test]
fn form_cut_off_at_max_rows_is_rejected_not_silently_truncated() {
    let w = Workdir::new();
    w.ledger();
    let returns = w.returns();
    // Header in row 3, data in rows 4–6, then notes down to row 31.
    let mut f = fagai_form();
    f.notes = (1..=25).map(|i| format!("第{i}行补充内容")).collect();
    f.write(&returns.join("区发改局-3月.xlsx"));
    // Blank formatted cells far below the data.
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet().set_name("推进表").unwrap();
    for (c, h) in HEADER.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    let r = Form::ok_row("CZ-001", "盘活存量资金", "2023-09-30", 30.0);
    for (c, v) in r.iter().enumerate() {
        match v {
            V::S(s) => ws.write_string(1, c as u16, *s).map(|_| ()).unwrap(),
            V::Str(s) => ws.write_string(1, c as u16, s).map(|_| ()).unwrap(),
            V::N(n) => ws.write_number(1, c as u16, *n).map(|_| ()).unwrap(),
            _ => {}
        }
    }
    let fmt = rust_xlsxwriter::Format::new().set_bold();
    for row in 100..120 {
        // Past max_rows = 20: formatting only.
        ws.write_blank(row, 0, &fmt).unwrap();
    }
    wb.save(returns.join("区财政局-3月.xlsx")).unwrap();

    std::fs::write(w.path("duban.toml"), "[limits]\nmax_rows = 20\n").unwrap();
    let v = check(&w, &["--config", w.path("duban.toml").to_str().unwrap()]);
    let fagai = file_entry(&v, "区发改局-3月.xlsx");
    assert_eq!(fagai["outcome"], "rejected", "{fagai}");
    let too_large = one_issue(&v, "FILE_TOO_LARGE");
    assert_eq!(too_large["file"], "区发改局-3月.xlsx");
    assert_eq!(too_large["severity"], "error");
    let msg = too_large["message"].as_str().unwrap();
    assert!(msg.contains("max_rows") && msg.contains("20"), "{msg}");
    // The rows that were read are listed as rejected, not dropped.
    let rows = fagai["rows"].as_u64().unwrap();
    assert!(rows >= 3 && fagai["rejected"] == rows, "{fagai}");
    let caizheng = file_entry(&v, "区财政局-3月.xlsx");
    assert_eq!(
        caizheng["outcome"], "accepted",
        "{caizheng}\n{:#}",
        v["issues"]
    );
    assert_reconciles(&v);
}

/// A ledger cut off at `max_rows` stops the run with a clear message: read in
/// part, its missing tasks would make good rows "unknown task ids".
#[test]
fn ledger_cut_off_at_max_rows_stops_the_run() {
    let w = Workdir::new();
    w.ledger();
    w.returns();
    std::fs::write(w.path("duban.toml"), "[limits]\nmax_rows = 5\n").unwrap();
    let out = duban()
        .args(["check", "--period", "2023-03", "--quiet", "--config"])
        .arg(w.path("duban.toml"))
        .arg("--ledger")
        .arg(w.path("台账.xlsx"))
        .arg("--returns")
        .arg(w.returns())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("max_rows") && err.contains("台账"), "{err}");
}
