//! Returned workbooks as units really send them, written by XlsxWriter and
//! openpyxl and passed through LibreOffice: last month's sheet left hidden,
//! two visible sheets, 合计/小计 rows, formulas-only rows and rows of spaces.

use std::path::Path;

use crate::common::*;
use serde_json::Value;

/// Python that defines `form(ws, period, rows)`: the standard header (A..N)
/// under a title and a `填报单位：区发展和改革局 报送期次：…` line, then `rows`.
const PY_FORM: &str = r#"
HEADER = ["编号", "事项名称", "完成时限", "当前状态", "完成进度（%）", "进展情况", "存在问题",
          "下步措施", "预计完成日期", "延期说明", "填报人", "联系电话", "单位主要负责人", "填报日期"]
def ok(i, title, pct):
    return [i, title, "", "正在办理", pct, title + "按计划推进", "无", "加快推进", "2023-06-30",
            "按计划推进", "张三", "13800000000", "王局长", "2023-03-30"]
MARCH = [ok("ZF-001", "推进重点项目建设", 40), ok("ZF-002", "优化营商环境专项行动", 30),
         ok("ZF-003", "完成年度招商引资签约", 80)]
FEB = [ok("ZF-001", "推进重点项目建设", 20), ok("ZF-002", "优化营商环境专项行动", 10),
       ok("ZF-003", "完成年度招商引资签约", 50)]
def put(ws, r, c, v):
    if v is None or v == "":
        return
    if isinstance(v, str) and v.startswith("="):
        ws.write_formula(r, c, v) if hasattr(ws, "write_formula") else ws.cell(r + 1, c + 1, v)
    elif hasattr(ws, "write"):
        ws.write(r, c, v)
    else:
        ws.cell(r + 1, c + 1, v)
def form(ws, period, rows):
    put(ws, 0, 0, "区发展和改革局重点工作推进情况反馈表")
    put(ws, 1, 0, "填报单位：区发展和改革局　报送期次：" + period)
    for c, h in enumerate(HEADER):
        put(ws, 2, c, h)
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            put(ws, 3 + r, c, v)
"#;

/// Rows below March's data that are not data, and one that is (an empty
/// 编号 with real answers, rejected for it).
const PY_NOT_DATA: &str = r#"
BLANK = [""] * 14
NOT_DATA = [
    ["   ", "\u3000", "", "  "],
    ["", "合计", "", "", "=AVERAGE(E4:E6)"],
    ["", "", "", '=COUNTIF(D4:D6,"已完成")', "=SUM(E4:E6)"],
    ["小计", "", "", "", "=SUM(E4:E6)"],
    ["", "共3项"],
    ["", "合计", "—", "—", "=AVERAGE(E4:E6)", "/", "——"],
    ["", "", "", "-", "=SUM(E4:E6)", "—"],
]
NO_ID = ["", "漏填编号的任务", "", "正在办理", 30, "已完成前期工作"]
"#;

fn run_check(w: &Workdir, returns: &Path) -> Value {
    let v = check_at(w, returns, &[]);
    assert_reconciles(&v);
    v
}

fn codes(v: &Value) -> Vec<String> {
    v["issues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["code"].as_str().unwrap().to_string())
        .collect()
}

/// The March form read: three tasks accepted, nothing about the other
/// sheets or the rows that are not data, the row without an id rejected.
fn assert_march_only(v: &Value, file: &str) {
    let f = file_entry(v, file);
    assert_eq!(f["outcome"], "accepted", "{f}");
    assert_eq!(f["rows"], 4, "3 tasks and the row without an id: {f}");
    assert_eq!(
        (f["accepted"].as_u64(), f["rejected"].as_u64()),
        (Some(3), Some(1)),
        "{f}"
    );
    let mine: Vec<&Value> = v["issues"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["file"] == file)
        .collect();
    let errors: Vec<&&Value> = mine.iter().filter(|i| i["severity"] == "error").collect();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert_eq!(errors[0]["code"], "ROW_MISSING_VALUE");
    assert_eq!(errors[0]["cell"], "A7", "{}", errors[0]);
    for i in &mine {
        let code = i["code"].as_str().unwrap();
        assert!(
            !matches!(
                code,
                "FILE_WRONG_PERIOD" | "FILE_EXTRA_SHEET" | "ROW_UNKNOWN_TASK"
            ),
            "{i}"
        );
    }
    let actual = |id: &str| {
        v["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["id"] == id)
            .unwrap()["actual"]
            .clone()
    };
    assert_eq!(actual("ZF-001"), 40.0, "March's figures, not February's");
}

#[test]
fn hidden_february_sheet_and_total_rows_written_by_xlsxwriter() {
    let w = Workdir::new();
    let src = w.path("src/区发改局-3月.xlsx");
    std::fs::create_dir_all(w.path("src")).unwrap();
    let script = format!(
        r#"{PY_FORM}{PY_NOT_DATA}
import xlsxwriter
wb = xlsxwriter.Workbook(r"{}")
feb = wb.add_worksheet("2月")
form(feb, "2023年2月", FEB)
feb.hide()
mar = wb.add_worksheet("3月")
mar.activate()
form(mar, "2023年3月", MARCH + [NO_ID] + NOT_DATA)
old = wb.add_worksheet("备份")
form(old, "2023年1月", FEB)
old.very_hidden()
wb.close()
"#,
        src.display()
    );
    if duban::test_support::run_python(&["xlsxwriter"], &script).is_none() {
        return;
    }
    let returns = w.path("xlsx");
    std::fs::create_dir_all(&returns).unwrap();
    std::fs::copy(&src, returns.join("区发改局-3月.xlsx")).unwrap();
    let v = run_check(&w, &returns);
    assert_march_only(&v, "区发改局-3月.xlsx");

    // LibreOffice keeps the hidden sheets hidden and computes the formulas.
    for ext in ["xls", "ods", "xlsx"] {
        let dir = w.path(&format!("lo-{ext}"));
        let Some(conv) = soffice_convert(&src, ext, &w.path(&format!("conv-{ext}"))) else {
            return;
        };
        std::fs::create_dir_all(&dir).unwrap();
        let name = format!("区发改局-3月.{ext}");
        std::fs::copy(&conv, dir.join(&name)).unwrap();
        let v = run_check(&w, &dir);
        assert_march_only(&v, &name);
    }
}

#[test]
fn two_visible_sheets_read_the_runs_period_written_by_openpyxl() {
    let w = Workdir::new();
    let p = w.returns().join("区发改局.xlsx");
    let script = format!(
        r#"{PY_FORM}{PY_NOT_DATA}
import openpyxl
wb = openpyxl.Workbook()
feb = wb.active
feb.title = "2月"
form(feb, "2023年2月", FEB)
mar = wb.create_sheet("3月")
form(mar, "2023年3月", MARCH + [NO_ID] + NOT_DATA)
wb.save(r"{}")
"#,
        p.display()
    );
    if python_openpyxl(&script).is_none() {
        return;
    }
    let v = run_check(&w, &w.returns());
    // openpyxl stores formulas without results: those rows are read as blank.
    let f = file_entry(&v, "区发改局.xlsx");
    assert_eq!(f["rows"], 4, "{f}");
    assert_eq!(f["accepted"], 3, "{f}");
    let extra = one_issue(&v, "FILE_EXTRA_SHEET");
    assert_eq!(extra["sheet"], "2月");
    assert_eq!(extra["severity"], "warning");
    assert_eq!(extra["unit"], "区发展和改革局");
    assert!(
        extra["message"]
            .as_str()
            .unwrap()
            .contains("2023年2月的报表，3行"),
        "{extra}"
    );
    assert!(!codes(&v).contains(&"FILE_WRONG_PERIOD".to_string()));
    let unit = v["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["name"] == "区发展和改革局")
        .unwrap();
    assert_eq!(unit["reported"], true);
}

#[test]
fn a_form_only_in_a_hidden_sheet_says_so() {
    let w = Workdir::new();
    let p = w.returns().join("区发改局-3月.xlsx");
    let script = format!(
        r#"{PY_FORM}
import openpyxl
wb = openpyxl.Workbook()
cover = wb.active
cover.title = "封面"
cover["A1"] = "区发展和改革局2023年3月重点工作推进情况"
data = wb.create_sheet("推进表")
form(data, "2023年3月", MARCH)
data.sheet_state = "hidden"
wb.save(r"{}")
"#,
        p.display()
    );
    if python_openpyxl(&script).is_none() {
        return;
    }
    let v = run_check(&w, &w.returns());
    let i = one_issue(&v, "FILE_NOT_FORM");
    let msg = i["message"].as_str().unwrap();
    assert!(msg.contains("隐藏") && msg.contains("推进表"), "{msg}");
    assert_eq!(file_entry(&v, "区发改局-3月.xlsx")["outcome"], "rejected");
}
