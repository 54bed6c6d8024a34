//! SPEC §2: every spelling of percents, dates, statuses and ids, and forms
//! written by other programs (LibreOffice .xls/.ods, openpyxl, CSV in UTF-8
//! and GBK) — all read to the same figures.

use crate::common::*;
use serde_json::Value;

fn errors(v: &Value) -> Vec<&Value> {
    v["issues"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["severity"] == "error" && i["code"] != "UNIT_NOT_REPORTED")
        .collect()
}

/// Each percent spelling on the 发改 form's three rows (and the 财政 form).
#[test]
fn percent_spellings() {
    for (val, want) in [
        (V::S("60"), 60.0),
        (V::S("60%"), 60.0),
        (V::S("60％"), 60.0),
        (V::S("６０"), 60.0),
        (V::Pct(0.6), 60.0),
        (V::S("60.0"), 60.0),
        (V::N(60.0), 60.0),
        (V::N(0.6), 60.0),
    ] {
        let w = Workdir::new();
        let mut f = fagai_form();
        f.rows[1][4] = val.clone();
        f.write(&w.returns().join("区发改局-3月.xlsx"));
        let v = check(&w, &[]);
        assert!(errors(&v).is_empty(), "{val:?}: {:#?}", errors(&v));
        assert_eq!(task(&v, "ZF-002")["actual"], want, "{val:?}");
    }
}

#[test]
fn date_spellings() {
    for val in [
        V::D(2023, 6, 15),
        V::S("2023-06-15"),
        V::S("2023/6/15"),
        V::S("2023.6.15"),
        V::S("2023年6月15日"),
        V::S("6月15日"),
        V::N(45092.0),
    ] {
        let w = Workdir::new();
        let mut f = fagai_form();
        f.rows[0][8] = val.clone();
        f.rows[0][13] = match &val {
            V::S(s) if s.contains('月') && !s.contains('年') => V::S("3月30日"),
            _ => V::S("2023-03-30"),
        };
        f.write(&w.returns().join("区发改局-3月.xlsx"));
        let v = check(&w, &[]);
        assert!(errors(&v).is_empty(), "{val:?}: {:#?}", errors(&v));
        assert_eq!(v["totals"]["accepted"], 3, "{val:?}");
    }
}

#[test]
fn status_synonyms_and_id_spellings() {
    let w = Workdir::new();
    let mut f = fagai_form();
    f.rows[0][0] = V::S("Ｚｆ－００１ "); // full-width, lower case, trailing space
    f.rows[0][3] = V::S("进行中");
    f.rows[1][0] = V::S("zf-002");
    f.rows[1][3] = V::S("推进中");
    f.rows[2][3] = V::S("已办结");
    f.rows[2][4] = V::S("100%");
    f.write(&w.returns().join("区发改局-3月.xlsx"));
    let v = check(&w, &[]);
    assert!(errors(&v).is_empty(), "{:#?}", errors(&v));
    assert_eq!(task(&v, "ZF-001")["status"], "正在办理");
    assert_eq!(task(&v, "ZF-002")["status"], "正在办理");
    assert_eq!(task(&v, "ZF-003")["status"], "已完成");
    assert_eq!(task(&v, "ZF-003")["actual"], 100.0);
}

#[test]
fn header_aliases_english_and_title_rows() {
    let w = Workdir::new();
    let mut f = fagai_form();
    f.header = [
        "Task ID",
        "Title",
        "Deadline",
        "Status",
        "Progress (%)",
        "Progress notes",
        "Problems",
        "Next steps",
        "Expected completion",
        "Delay reason",
        "Reporter",
        "Phone",
        "Head",
        "Report date",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    f.write(&w.returns().join("区发改局-3月.xlsx"));
    let v = check(&w, &[]);
    assert!(errors(&v).is_empty(), "{:#?}", errors(&v));
    assert_eq!(v["totals"]["accepted"], 3);

    let w = Workdir::new();
    let mut f = fagai_form();
    f.header[3] = "状态".into();
    f.header[4] = "完成比例".into();
    f.header[5] = "工作进展".into();
    f.header.insert(0, "序号".into());
    for (i, r) in f.rows.iter_mut().enumerate() {
        r.insert(0, V::N(i as f64 + 1.0));
    }
    f.notes.push("填表说明：1.完成进度填写0-100的数字。".into());
    f.write(&w.returns().join("区发改局-3月.xlsx"));
    let v = check(&w, &[]);
    assert!(errors(&v).is_empty(), "{:#?}", errors(&v));
    assert_eq!(v["totals"]["rows_read"], 3, "the note row is not data");
    assert_eq!(task(&v, "ZF-001")["actual"], 40.0);
}

#[test]
fn libreoffice_xls_and_ods() {
    let w = Workdir::new();
    let src = w.path("src/区发改局-3月.xlsx");
    fagai_form().write(&src);
    let Some(xls) = soffice_convert(&src, "xls", &w.returns().join("xls")) else {
        return;
    };
    let Some(ods) = soffice_convert(&src, "ods", &w.returns().join("ods")) else {
        return;
    };
    assert!(xls.exists() && ods.exists());
    let v = check(&w, &[]);
    for f in ["xls/区发改局-3月.xls", "ods/区发改局-3月.ods"] {
        let fe = file_entry(&v, f);
        assert_eq!(fe["unit"], "区发展和改革局", "{fe}");
        assert_eq!(fe["rows"], 3, "{fe}");
    }
    // Same unit and period twice: one supersedes the other, figures identical.
    assert_eq!(v["totals"]["accepted"], 3);
    assert_eq!(v["totals"]["superseded"], 3);
    assert!(errors(&v).is_empty(), "{:#?}", errors(&v));
    assert_eq!(task(&v, "ZF-001")["actual"], 40.0);
    assert_reconciles(&v);
}

#[test]
fn openpyxl_written_form_with_two_row_header_and_merged_cells() {
    let w = Workdir::new();
    let dest = w.returns().join("区财政局-3月.xlsx");
    let script = format!(
        r#"
import openpyxl, datetime
wb = openpyxl.Workbook()
ws = wb.active
ws.title = "Sheet1"
ws["A1"] = "区财政局2023年3月重点工作推进情况表"
ws.merge_cells("A1:H1")
ws["A2"] = "填报单位：区财政局　　报送期次：2023年3月"
# two-row header: 本期进展 over 当前状态/完成进度/进展情况
for col, h in zip("ABCG", ["序号", "编号", "事项名称", "存在问题"]):
    ws[f"{{col}}3"] = h
    ws.merge_cells(f"{{col}}3:{{col}}4")
ws["D3"] = "本期进展"
ws.merge_cells("D3:F3")
ws["D4"] = "当前状态"; ws["E4"] = "完成进度(%)"; ws["F4"] = "进展情况"
ws["H3"] = "填报日期"; ws.merge_cells("H3:H4")
ws.append([1, "CZ-001", "盘活存量资金", "推进中", 0.55, "已盘活存量资金1.2亿元", "部分资金沉淀", datetime.datetime(2023, 3, 29)])
ws["E5"].number_format = "0%"
ws.append([])
ws.append(["填表说明：完成进度按百分比填写"])
wb.save({dest:?})
"#
    );
    if python_openpyxl(&script).is_none() {
        return;
    }
    let v = check(&w, &[]);
    assert!(errors(&v).is_empty(), "{:#?}", errors(&v));
    let fe = file_entry(&v, "区财政局-3月.xlsx");
    assert_eq!(fe["unit"], "区财政局");
    assert_eq!(fe["rows"], 1);
    assert_eq!(task(&v, "CZ-001")["actual"], 55.0);
    assert_eq!(task(&v, "CZ-001")["status"], "正在办理");
}

fn csv_text() -> String {
    let mut s = String::from("编号,事项名称,当前状态,完成进度,进展情况,填报日期\n");
    s.push_str("ZJ-001,老旧小区改造12个,正在办理,35%,已开工5个小区,2023-03-30\n");
    s
}

#[test]
fn csv_utf8_bom_and_gbk() {
    let w = Workdir::new();
    let mut bytes = vec![0xEF, 0xBB, 0xBF];
    bytes.extend_from_slice(csv_text().as_bytes());
    std::fs::write(w.returns().join("区住建局-3月.csv"), bytes).unwrap();
    let v = check(&w, &[]);
    assert!(errors(&v).is_empty(), "{:#?}", errors(&v));
    assert_eq!(task(&v, "ZJ-001")["actual"], 35.0);
    assert_eq!(
        file_entry(&v, "区住建局-3月.csv")["unit"],
        "区住房和城乡建设局"
    );

    let w = Workdir::new();
    let text = csv_text();
    let (gbk, _, bad) = encoding_rs::GBK.encode(&text);
    assert!(!bad);
    std::fs::write(w.returns().join("区住建局-3月.csv"), gbk.as_ref()).unwrap();
    let v = check(&w, &[]);
    assert!(errors(&v).is_empty(), "{:#?}", errors(&v));
    assert_eq!(task(&v, "ZJ-001")["actual"], 35.0);
    assert_eq!(task(&v, "ZJ-001")["status"], "正在办理");
}

#[test]
fn extension_is_not_trusted() {
    // An xlsx saved with an .xls name is read as what it is.
    let w = Workdir::new();
    fagai_form().write(&w.returns().join("区发改局-3月.xls"));
    let v = check(&w, &[]);
    assert_eq!(file_entry(&v, "区发改局-3月.xls")["outcome"], "accepted");
    assert_eq!(v["totals"]["accepted"], 3);
}
