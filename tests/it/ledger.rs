//! A ledger shaped the way offices keep theirs (written by openpyxl, and
//! converted by LibreOffice): group headings, 小计/合计 rows, blank rows, and
//! broken rows whose defects are the office's own, never a unit's.

use std::path::Path;

use crate::common::*;
use serde_json::Value;

/// 台账 with a 序号 column, a heading merged across the table, sub-headings
/// as `（一）` | text, a 小计 row, blank rows, a 合计 row, and five broken
/// rows: an id twice (ZF-009), a star level of 6 (ZF-010), no unit (ZF-011),
/// a unit not on the 单位 sheet (ZF-012), an unreadable deadline (ZF-013).
fn write_office_ledger(path: &Path) -> Option<()> {
    let script = format!(
        r#"
import datetime, openpyxl
wb = openpyxl.Workbook()
ws = wb.active
ws.title = "台账"
ws.append(["2023年区政府重点工作台账"])
ws.merge_cells("A1:K1")
ws.append(["序号", "编号", "事项名称", "来源", "星级", "牵头领导", "牵头单位", "配合单位", "开始日期", "完成时限", "交办日期"])
d = datetime.datetime
rows = [
    ["一、经济发展（5项）"],
    ["（一）", None, "招商引资（2项）"],
    [1, "ZF-001", "推进重点项目建设", "政府工作报告", 5, "李遥", "区发改局", None, d(2023, 1, 1), d(2023, 6, 30)],
    [2, "ZF-002", "优化营商环境专项行动", "政府工作报告", "4★", "李遥", "区发改局", None, d(2023, 1, 1), "2023年底"],
    ["（二）", None, "项目建设"],
    [3, "CZ-001", "盘活存量资金", "会议议定", "4", "刘洋", "区财政局", None, d(2023, 1, 1), d(2023, 9, 30)],
    [4, "ZF-009", "重复编号的任务甲", "会议议定", 3, "刘洋", "区财政局", None, d(2023, 1, 1), d(2023, 9, 30)],
    [None, None, "小计", None, "4项"],
    [],
    ["二、民生保障"],
    [5, "ZF-009", "重复编号的任务乙", "政府工作报告", 4, "周建军", "区住建局", None, d(2023, 1, 1), d(2023, 11, 30)],
    [6, "ZF-010", "星级写错的任务", "政府工作报告", "6", "周建军", "区住建局", None, d(2023, 1, 1), d(2023, 11, 30)],
    [7, "ZF-011", "没有牵头单位的任务", "政府工作报告", 4, "周建军", None, None, d(2023, 1, 1), d(2023, 11, 30)],
    [8, "ZF-012", "单位名单外的任务", "政府工作报告", 4, "周建军", "区外事办", None, d(2023, 1, 1), d(2023, 11, 30)],
    [9, "ZF-013", "完成时限写错的任务", "政府工作报告", 4, "闫强", "太保镇", None, d(2023, 1, 1), "尽快"],
    [10, "TB-001", "高标准农田建设2万亩", "政府工作报告", "四星", "闫强", "太保镇", None, d(2023, 1, 1), d(2023, 10, 31)],
    [],
    ["合计", None, "共10项"],
]
for r in rows:
    ws.append(r)
ws.merge_cells("A3:K3")
ws.merge_cells("A12:K12")
us = wb.create_sheet("单位")
us.append(["单位名称", "类别", "别名"])
for u in [["区发展和改革局", "区直部门", "区发改局"], ["区财政局", "区直部门", None],
          ["区住房和城乡建设局", "区直部门", "区住建局"], ["太保镇", "乡镇街道", None],
          ["东风街道", "乡镇街道", None]]:
    us.append(u)
wb.save(r"{}")
"#,
        path.display()
    );
    python_openpyxl(&script)
}

fn ledger_issue<'a>(v: &'a Value, code: &str) -> Vec<&'a Value> {
    v["ledger_issues"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["code"] == code)
        .collect()
}

fn task<'a>(v: &'a Value, id: &str) -> Option<&'a Value> {
    v["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == id)
}

/// The returns: each unit reports its tasks, and three of them also rows
/// for the broken ledger rows (区住建局 nothing else).
fn write_returns(w: &Workdir) {
    let r = w.returns();
    fagai_like(
        "区发展和改革局",
        &[
            ("ZF-001", "推进重点项目建设"),
            ("ZF-002", "优化营商环境专项行动"),
        ],
    )
    .write(&r.join("区发改局-3月.xlsx"));
    fagai_like(
        "区财政局",
        &[("CZ-001", "盘活存量资金"), ("ZF-009", "重复编号的任务甲")],
    )
    .write(&r.join("区财政局-3月.xlsx"));
    fagai_like(
        "区住房和城乡建设局",
        &[("ZF-009", "重复编号的任务乙"), ("ZF-010", "星级写错的任务")],
    )
    .write(&r.join("区住建局-3月.xlsx"));
    fagai_like(
        "太保镇",
        &[
            ("TB-001", "高标准农田建设2万亩"),
            ("ZF-013", "完成时限写错的任务"),
        ],
    )
    .write(&r.join("太保镇-3月.xlsx"));
}

fn fagai_like(unit: &str, tasks: &[(&'static str, &'static str)]) -> Form {
    let mut f = Form::new(unit);
    for (id, title) in tasks {
        let mut row = Form::ok_row(id, title, "", 50.0);
        row[9] = V::S("按计划推进");
        f = f.row(row);
    }
    f
}

fn run_json(w: &Workdir, preset: &str, out: &str) -> Value {
    let out = duban()
        .arg("run")
        .arg("--ledger")
        .arg(w.path("台账.xlsx"))
        .arg("--returns")
        .arg(w.returns())
        .args([
            "--period",
            "2023-03",
            "--as-of",
            "2023-03-31",
            "--json",
            "-",
            "--preset",
            preset,
        ])
        .arg("--out")
        .arg(w.path(out))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn office_ledger_groups_totals_and_its_own_defects() {
    let w = Workdir::new();
    if write_office_ledger(&w.path("台账.xlsx")).is_none() {
        return;
    }
    write_returns(&w);
    let v = check(&w, &[]);
    assert_reconciles(&v);

    // Four tasks, in their groups; headings, totals and broken rows are none.
    let ids: Vec<&str> = v["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["ZF-001", "ZF-002", "CZ-001", "TB-001"]);
    let group = |id| task(&v, id).unwrap()["group"].clone();
    assert_eq!(group("ZF-001"), "一、经济发展 / （一）招商引资");
    assert_eq!(group("ZF-002"), "一、经济发展 / （一）招商引资");
    assert_eq!(group("CZ-001"), "一、经济发展 / （二）项目建设");
    assert_eq!(group("TB-001"), "二、民生保障");
    assert_eq!(task(&v, "ZF-002").unwrap()["deadline"], "2023-12-31");
    // No heading text became a unit.
    let units: Vec<&str> = v["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["name"].as_str().unwrap())
        .collect();
    assert_eq!(units.len(), 5, "{units:?}");
    assert!(!units
        .iter()
        .any(|u| u.contains('、') || u.contains("区外事办")));

    // The ledger's defects, each an error with its own code and cell.
    for (code, cells) in [
        ("LEDGER_DUPLICATE_ID", vec!["B9", "B13"]),
        ("LEDGER_INVALID_STARS", vec!["E14"]),
        ("LEDGER_MISSING_UNIT", vec!["G15"]),
        ("LEDGER_UNKNOWN_UNIT", vec!["G16"]),
        ("LEDGER_INVALID_DATE", vec!["J17"]),
    ] {
        let found: Vec<&str> = ledger_issue(&v, code)
            .iter()
            .map(|i| {
                assert_eq!(i["severity"], "error", "{i}");
                assert_eq!(i["sheet"], "台账");
                i["cell"].as_str().unwrap()
            })
            .collect();
        assert_eq!(found, cells, "{code}");
    }
    assert_eq!(
        v["ledger_issues"].as_array().unwrap().len(),
        6,
        "{}",
        v["ledger_issues"]
    );

    // The units' rows for broken tasks are kept aside with the ledger's code.
    let t = &v["totals"];
    assert_eq!(
        (t["rows_read"].as_u64(), t["accepted"].as_u64()),
        (Some(8), Some(4))
    );
    assert_eq!(
        (t["rejected"].as_u64(), t["ledger_held"].as_u64()),
        (Some(4), Some(4))
    );
    let kept: Vec<(&str, &str)> = v["issues"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["code"].as_str().unwrap().starts_with("LEDGER_"))
        .map(|i| (i["code"].as_str().unwrap(), i["task"].as_str().unwrap()))
        .collect();
    assert_eq!(
        kept,
        [
            // 区住建局-3月.xlsx, 区财政局-3月.xlsx, 太保镇-3月.xlsx
            ("LEDGER_DUPLICATE_ID", "ZF-009"),
            ("LEDGER_INVALID_STARS", "ZF-010"),
            ("LEDGER_DUPLICATE_ID", "ZF-009"),
            ("LEDGER_INVALID_DATE", "ZF-013"),
        ]
    );
    for i in v["issues"].as_array().unwrap() {
        let code = i["code"].as_str().unwrap();
        assert!(
            !matches!(
                code,
                "TASK_NOT_REPORTED" | "UNIT_NOT_REPORTED" | "ROW_UNKNOWN_TASK"
            ),
            "blame for the ledger: {i}"
        );
        if code.starts_with("LEDGER_") {
            assert!(i["message"].as_str().unwrap().contains("不扣分"), "{i}");
        }
    }
    // A form made only of such rows was sent in good order.
    let zj = file_entry(&v, "区住建局-3月.xlsx");
    assert_eq!(zj["outcome"], "accepted", "{zj}");
    assert_eq!(
        (zj["rejected"].as_u64(), zj["held"].as_u64()),
        (Some(2), Some(2)),
        "{zj}"
    );
    assert_eq!(unit(&v, "区住房和城乡建设局")["reported"], true);
}

#[test]
fn ledger_defects_are_not_charged_to_units() {
    let w = Workdir::new();
    if write_office_ledger(&w.path("台账.xlsx")).is_none() {
        return;
    }
    write_returns(&w);
    // Under yellow-orange-red a unit with a form error is yellow: the rows
    // kept aside for the ledger are no such error.
    let v = run_json(&w, "yellow-orange-red", "out");
    for name in ["区财政局", "区住房和城乡建设局", "太保镇"] {
        let u = unit(&v, name);
        let reasons = u["reasons"].to_string();
        assert!(!reasons.contains("错误"), "{name}: {u}");
        assert_eq!(u["reported"], true, "{u}");
    }
    // The same forms with a real error of the unit's: then it is yellow.
    let mut f = fagai_like("区财政局", &[("CZ-001", "盘活存量资金")]);
    f.rows[0][3] = V::S("差不多");
    f.write(&w.returns().join("区财政局-3月.xlsx"));
    let v = run_json(&w, "yellow-orange-red", "out2");
    assert!(unit(&v, "区财政局")["reasons"].to_string().contains("错误"));

    // The notice of 区住建局 tells it the office is correcting its ledger,
    // and sends nothing back.
    let notice = w.path("out/反馈/区住房和城乡建设局.xlsx");
    let cells = cells_of(&notice);
    assert!(
        cells.iter().any(|c| c.contains("督查室正在更正台账")),
        "{cells:?}"
    );
    let sent_back = cells
        .iter()
        .position(|c| c.starts_with("二、退回重新办理"))
        .unwrap();
    assert_eq!(
        cells[sent_back + 1],
        "（无）",
        "nothing sent back: {cells:?}"
    );
}

/// The non-empty cells of a workbook's first sheet, row by row.
fn cells_of(path: &Path) -> Vec<String> {
    use calamine::{open_workbook_auto, Reader};
    let mut wb = open_workbook_auto(path).unwrap();
    let name = wb.sheet_names()[0].clone();
    let range = wb.worksheet_range(&name).unwrap();
    range
        .cells()
        .map(|(_, _, c)| c.to_string())
        .filter(|c| !c.is_empty())
        .collect()
}

#[test]
fn office_ledger_through_libreoffice_keeps_its_groups() {
    let w = Workdir::new();
    let src = w.path("src/台账.xlsx");
    std::fs::create_dir_all(w.path("src")).unwrap();
    if write_office_ledger(&src).is_none() {
        return;
    }
    for ext in ["xls", "ods"] {
        let Some(conv) = soffice_convert(&src, ext, &w.path(ext)) else {
            return;
        };
        let out = duban()
            .arg("check")
            .arg("--ledger")
            .arg(&conv)
            .arg("--returns")
            .arg(w.returns())
            .args(["--period", "2023-03", "--json", "-", "--quiet"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        let groups: Vec<(&str, &str)> = v["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| (t["id"].as_str().unwrap(), t["group"].as_str().unwrap()))
            .collect();
        assert_eq!(
            groups,
            [
                ("ZF-001", "一、经济发展 / （一）招商引资"),
                ("ZF-002", "一、经济发展 / （一）招商引资"),
                ("CZ-001", "一、经济发展 / （二）项目建设"),
                ("TB-001", "二、民生保障"),
            ],
            "{ext}"
        );
        assert_eq!(
            v["ledger_issues"].as_array().unwrap().len(),
            6,
            "{ext}: {}",
            v["ledger_issues"]
        );
    }
}

#[test]
fn the_templates_example_row_is_skipped_with_a_warning() {
    let w = Workdir::new();
    let out = duban().arg("init").arg(w.path("年度")).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = duban()
        .current_dir(w.path("年度"))
        .args(["check", "--period", "2023-03", "--json", "-"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["tasks"].as_array().unwrap().is_empty(), "{}", v["tasks"]);
    assert!(v["units"].as_array().unwrap().is_empty(), "{}", v["units"]);
    let codes: Vec<&str> = v["ledger_issues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["LEDGER_EXAMPLE_ROW", "LEDGER_EXAMPLE_ROW"]);
    // `check` prints them as `forms` does (on stderr, the JSON being on stdout).
    let shown = String::from_utf8_lossy(&out.stderr);
    assert!(
        shown.contains("台账提醒 2 条") && shown.contains("LEDGER_EXAMPLE_ROW"),
        "{shown}"
    );

    // `forms` prints them too.
    let out = duban()
        .current_dir(w.path("年度"))
        .args(["forms", "--period", "2023-03"])
        .output()
        .unwrap();
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(shown.contains("LEDGER_EXAMPLE_ROW"), "{shown}");
}

/// A 单位 sheet that groups its units under headings (`一、区直部门（2个）`
/// merged across, `（二）乡镇街道`) with 小计/合计 rows, and a 评价 sheet
/// ending with 平均 (a formula) and 合计 rows: none of these is a unit, and
/// none is a ledger problem. Written by openpyxl, and via LibreOffice .xls.
#[test]
fn unit_sheet_headings_and_totals_are_not_units() {
    let w = Workdir::new();
    let src = w.path("台账.xlsx");
    let script = format!(
        r#"
import datetime, openpyxl
d = datetime.datetime
wb = openpyxl.Workbook()
ws = wb.active
ws.title = "台账"
ws.append(["编号", "事项名称", "星级", "牵头单位", "开始日期", "完成时限"])
ws.append(["ZF-001", "推进重点项目建设", 5, "区发改局", d(2023, 1, 1), d(2023, 6, 30)])
ws.append(["CZ-001", "盘活存量资金", 4, "区财政局", d(2023, 1, 1), d(2023, 9, 30)])
ws.append(["TB-001", "高标准农田建设2万亩", 4, "太保镇", d(2023, 1, 1), d(2023, 10, 31)])
us = wb.create_sheet("单位")
us.append(["2023年重点工作责任单位名单"])
us.merge_cells("A1:D1")
us.append(["单位名称", "类别", "别名", "联系人"])
us.append(["一、区直部门（2个）"])
us.merge_cells("A3:D3")
us.append(["区发展和改革局", "区直部门", "区发改局", "张三"])
us.append(["区财政局", "区直部门", None, "李四"])
us.append(["小计", "2个"])
us.append([])
us.append(["（二）乡镇街道"])
us.append(["太保镇", "乡镇街道", None, "王五"])
us.append(["合计：3个"])
ev = wb.create_sheet("评价")
ev.append(["单位", "自评", "专班评价", "群众评价", "领导评价"])
for u in ["区发展和改革局", "区财政局", "太保镇"]:
    ev.append([u, 95, 90, 88, 92])
ev.append(["平均", "=AVERAGE(B2:B4)", "=AVERAGE(C2:C4)", None, None])
ev.append(["合  计", None, None, None, None])
wb.save(r"{}")
"#,
        src.display()
    );
    if python_openpyxl(&script).is_none() {
        return;
    }
    let Some(xls) = soffice_convert(&src, "xls", &w.path("xls")) else {
        return;
    };
    for ledger in [src, xls] {
        let out = duban()
            .arg("check")
            .arg("--ledger")
            .arg(&ledger)
            .arg("--returns")
            .arg(w.returns())
            .args(["--period", "2023-03", "--json", "-", "--quiet"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        let mut units: Vec<(&str, &str)> = v["units"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| (u["name"].as_str().unwrap(), u["category"].as_str().unwrap()))
            .collect();
        units.sort();
        assert_eq!(
            units,
            [
                ("区发展和改革局", "区直部门"),
                ("区财政局", "区直部门"),
                ("太保镇", "乡镇街道"),
            ],
            "{}",
            ledger.display()
        );
        assert_eq!(v["tasks"].as_array().unwrap().len(), 3);
        let unit_issues: Vec<&Value> = v["ledger_issues"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|i| i["sheet"] == "单位" || i["sheet"] == "评价")
            .collect();
        assert!(unit_issues.is_empty(), "{unit_issues:?}");
    }
}
