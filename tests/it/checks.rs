//! Every SPEC §3 check, run through the real binary on real workbooks; each
//! test asserts the exact issue code, severity and cell.
//!
//! Test forms: title in row 1, `填报单位：…` line in row 2, header in row 3
//! (A 编号, B 事项名称, C 完成时限, D 当前状态, E 完成进度, F 进展情况,
//! G 存在问题, H 下步措施, I 预计完成日期, J 延期说明, K 填报人, L 联系电话,
//! M 单位主要负责人, N 填报日期), data from row 4.

use crate::common::*;
use serde_json::Value;

const FAGAI: &str = "区发展和改革局";

fn file_issues<'a>(v: &'a Value, file: &str) -> Vec<&'a Value> {
    v["issues"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["file"] == file)
        .collect()
}

fn errors_in<'a>(v: &'a Value, file: &str) -> Vec<&'a Value> {
    file_issues(v, file)
        .into_iter()
        .filter(|i| i["severity"] == "error")
        .collect()
}

fn assert_issue(i: &Value, severity: &str, cell: Option<&str>, task: Option<&str>) {
    assert_eq!(i["severity"], severity, "{i}");
    match cell {
        Some(c) => assert_eq!(i["cell"], c, "{i}"),
        None => assert!(i["cell"].is_null(), "{i}"),
    }
    if let Some(t) = task {
        assert_eq!(i["task"], t, "{i}");
    }
    assert!(
        !i["message"].as_str().unwrap_or("").is_empty(),
        "message empty: {i}"
    );
}

#[test]
fn clean_form_has_no_issue_and_every_row_is_accepted() {
    let w = Workdir::new();
    fagai_form().write(&w.returns().join("区发改局-3月.xlsx"));
    let v = check(&w, &[]);
    assert!(
        file_issues(&v, "区发改局-3月.xlsx").is_empty(),
        "{:#?}",
        file_issues(&v, "区发改局-3月.xlsx")
    );
    let f = file_entry(&v, "区发改局-3月.xlsx");
    assert_eq!(f["outcome"], "accepted");
    assert_eq!(f["unit"], FAGAI);
    assert_eq!(f["rows"], 3);
    assert_eq!(v["totals"]["accepted"], 3);
    assert_reconciles(&v);
    // The four units that sent nothing are listed.
    let missing = issues_with(&v, "UNIT_NOT_REPORTED");
    assert_eq!(missing.len(), 4, "{missing:#?}");
}

#[test]
fn invalid_status() {
    let w = Workdir::new();
    let mut f = fagai_form();
    f.rows[1][3] = V::S("差不多");
    f.write(&w.returns().join("区发改局-3月.xlsx"));
    let v = check(&w, &[]);
    let i = one_issue(&v, "ROW_INVALID_STATUS");
    assert_issue(i, "error", Some("D5"), Some("ZF-002"));
    assert_eq!(i["value"], "差不多");
    assert_eq!(i["unit"], FAGAI);
    assert_eq!(i["sheet"], "推进表");
    assert_eq!(v["totals"]["rejected"], 1);
    assert_eq!(v["totals"]["accepted"], 2);
    assert_reconciles(&v);
}

#[test]
fn invalid_and_out_of_range_percent() {
    let w = Workdir::new();
    let mut f = fagai_form();
    f.rows[0][4] = V::S("过半");
    f.rows[1][4] = V::N(120.0);
    f.write(&w.returns().join("区发改局-3月.xlsx"));
    let v = check(&w, &[]);
    let i = one_issue(&v, "ROW_INVALID_PERCENT");
    assert_issue(i, "error", Some("E4"), Some("ZF-001"));
    assert_eq!(i["value"], "过半");
    let i = one_issue(&v, "ROW_PERCENT_OUT_OF_RANGE");
    assert_issue(i, "error", Some("E5"), Some("ZF-002"));
    assert_eq!(i["value"], "120");
    assert_eq!(v["totals"]["rejected"], 2);
    assert_reconciles(&v);
}

#[test]
fn status_contradicts_percent() {
    let w = Workdir::new();
    let mut f = fagai_form();
    f.rows[0][3] = V::S("已完成");
    f.rows[0][4] = V::N(40.0);
    f.write(&w.returns().join("区发改局-3月.xlsx"));
    let v = check(&w, &[]);
    let i = one_issue(&v, "ROW_STATUS_CONFLICT");
    assert_issue(i, "error", Some("D4"), Some("ZF-001"));
    assert_eq!(i["value"], "已完成，40%");
    assert_eq!(v["totals"]["rejected"], 1);
}

#[test]
fn invalid_date() {
    let w = Workdir::new();
    let mut f = fagai_form();
    f.rows[2][8] = V::S("下月底");
    f.write(&w.returns().join("区发改局-3月.xlsx"));
    let v = check(&w, &[]);
    let i = one_issue(&v, "ROW_INVALID_DATE");
    assert_issue(i, "error", Some("I6"), Some("ZF-003"));
    assert_eq!(i["value"], "下月底");
}

#[test]
fn missing_required_value() {
    let w = Workdir::new();
    let mut f = fagai_form();
    f.rows[1][5] = V::E;
    f.write(&w.returns().join("区发改局-3月.xlsx"));
    let v = check(&w, &[]);
    let i = one_issue(&v, "ROW_MISSING_VALUE");
    assert_issue(i, "error", Some("F5"), Some("ZF-002"));
    assert!(i["message"].as_str().unwrap().contains("进展情况"), "{i}");
}

#[test]
fn unknown_task_and_task_of_another_unit() {
    let w = Workdir::new();
    let f = fagai_form()
        .row(Form::ok_row("ZF-999", "不存在的事项", "2023-06-30", 10.0))
        .row(Form::ok_row("CZ-001", "盘活存量资金", "2023-09-30", 10.0));
    f.write(&w.returns().join("区发改局-3月.xlsx"));
    let v = check(&w, &[]);
    let i = one_issue(&v, "ROW_UNKNOWN_TASK");
    assert_issue(i, "error", Some("A7"), None);
    assert_eq!(i["value"], "ZF-999");
    let i = one_issue(&v, "ROW_NOT_ASSIGNED");
    assert_issue(i, "error", Some("A8"), Some("CZ-001"));
    assert!(i["message"].as_str().unwrap().contains("区财政局"), "{i}");
    assert_eq!(v["totals"]["accepted"], 3);
    assert_eq!(v["totals"]["rejected"], 2);
    assert_reconciles(&v);
}

#[test]
fn same_task_twice_in_one_form() {
    let w = Workdir::new();
    let f = fagai_form().row(Form::ok_row(
        "ZF-001",
        "推进重点项目建设",
        "2023-06-30",
        45.0,
    ));
    f.write(&w.returns().join("区发改局-3月.xlsx"));
    let v = check(&w, &[]);
    let i = one_issue(&v, "ROW_DUPLICATE_TASK");
    assert_issue(i, "error", Some("A7"), Some("ZF-001"));
    assert_reconciles(&v);
}

#[test]
fn assigned_field_altered_is_a_warning() {
    let w = Workdir::new();
    let mut f = fagai_form();
    f.rows[0][1] = V::S("推进重点项目建设（已调整）");
    f.rows[1][2] = V::S("2024-06-30");
    f.write(&w.returns().join("区发改局-3月.xlsx"));
    let v = check(&w, &[]);
    let found = issues_with(&v, "ROW_ASSIGNED_ALTERED");
    assert_eq!(found.len(), 2, "{found:#?}");
    let cells: Vec<&str> = found.iter().map(|i| i["cell"].as_str().unwrap()).collect();
    assert!(cells.contains(&"B4") && cells.contains(&"C5"), "{cells:?}");
    assert!(found.iter().all(|i| i["severity"] == "warning"));
    assert_eq!(v["totals"]["accepted"], 3, "altered rows are kept");
}

#[test]
fn past_deadline_without_delay_reason() {
    let w = Workdir::new();
    let mut f = fagai_form();
    f.rows[2][9] = V::E; // ZF-003 is past its 2023-03-15 deadline
    f.write(&w.returns().join("区发改局-3月.xlsx"));
    let v = check(&w, &[]);
    let i = one_issue(&v, "ROW_DELAY_REASON_MISSING");
    assert_issue(i, "warning", Some("J6"), Some("ZF-003"));
}

#[test]
fn due_task_missing_from_the_form() {
    let w = Workdir::new();
    let mut f = fagai_form();
    f.rows.remove(1); // ZF-002
    f.write(&w.returns().join("区发改局-3月.xlsx"));
    let v = check(&w, &[]);
    let i = one_issue(&v, "TASK_NOT_REPORTED");
    assert_eq!(i["task"], "ZF-002");
    assert_eq!(i["unit"], FAGAI);
    assert!(i["cell"].is_null());
}

#[test]
fn merged_value_down_a_column_is_filled_with_a_warning() {
    let w = Workdir::new();
    let mut f = fagai_form();
    f.rows[0][6] = V::S("项目审批流程较长");
    f.merges.push((3, 6, 5)); // G4:G6
    f.write(&w.returns().join("区发改局-3月.xlsx"));
    let v = check(&w, &[]);
    let i = one_issue(&v, "ROW_MERGED_FILL");
    assert_issue(i, "warning", Some("G4"), None);
    assert_eq!(v["totals"]["accepted"], 3);
}

#[test]
fn missing_column_rejects_the_file() {
    let w = Workdir::new();
    let mut f = fagai_form();
    f.header.remove(3); // 当前状态
    for r in &mut f.rows {
        r.remove(3);
    }
    f.write(&w.returns().join("区发改局-3月.xlsx"));
    let v = check(&w, &[]);
    let i = one_issue(&v, "HEADER_MISSING_COLUMN");
    assert_issue(i, "error", None, None);
    assert!(i["message"].as_str().unwrap().contains("当前状态"), "{i}");
    assert_eq!(file_entry(&v, "区发改局-3月.xlsx")["outcome"], "rejected");
    assert_eq!(v["totals"]["rejected"], 3);
    assert_reconciles(&v);
}

#[test]
fn column_given_twice() {
    let w = Workdir::new();
    let mut f = fagai_form();
    f.header.push("完成比例".into()); // column O, an alias of 完成进度
    for r in &mut f.rows {
        r.push(V::N(99.0));
    }
    f.write(&w.returns().join("区发改局-3月.xlsx"));
    let v = check(&w, &[]);
    let i = one_issue(&v, "HEADER_DUPLICATE_COLUMN");
    assert_eq!(i["cell"], "O3", "{i}");
    // The first column is the one used.
    let t = v["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == "ZF-001")
        .unwrap();
    assert_eq!(t["actual"], 40.0);
}

#[test]
fn not_a_form() {
    let w = Workdir::new();
    let p = w.returns().join("会议纪要.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "关于召开重点工作推进会的通知")
        .unwrap();
    ws.write_string(2, 0, "各单位：定于3月20日召开会议。")
        .unwrap();
    wb.save(&p).unwrap();
    let v = check(&w, &[]);
    let i = one_issue(&v, "FILE_NOT_FORM");
    assert_issue(i, "error", None, None);
    assert_eq!(file_entry(&v, "会议纪要.xlsx")["outcome"], "rejected");
}

#[test]
fn empty_form() {
    let w = Workdir::new();
    Form::new(FAGAI).write(&w.returns().join("区发改局-3月.xlsx"));
    let v = check(&w, &[]);
    let i = one_issue(&v, "FILE_EMPTY");
    assert_eq!(i["severity"], "error");
    assert_eq!(file_entry(&v, "区发改局-3月.xlsx")["rows"], 0);
}

#[test]
fn unknown_unit() {
    let w = Workdir::new();
    let mut f = Form::new("某某管委会").row(Form::ok_row("XX-001", "某项工作", "2023-06-30", 10.0));
    f.meta = None;
    f.write(&w.returns().join("反馈表.xlsx"));
    let v = check(&w, &[]);
    let i = one_issue(&v, "FILE_UNKNOWN_UNIT");
    assert_issue(i, "error", None, None);
    assert_eq!(file_entry(&v, "反馈表.xlsx")["outcome"], "rejected");
    assert_eq!(v["totals"]["rejected"], 1);
    assert_reconciles(&v);
}

#[test]
fn unit_identified_only_by_task_ids() {
    let w = Workdir::new();
    let mut f = fagai_form();
    f.title = None;
    f.unit_line = None;
    f.write(&w.returns().join("反馈表(1).xlsx"));
    let v = check(&w, &[]);
    let i = one_issue(&v, "FILE_UNIT_GUESSED");
    assert_eq!(i["severity"], "warning");
    let fe = file_entry(&v, "反馈表(1).xlsx");
    assert_eq!(fe["unit"], FAGAI);
    assert_eq!(fe["outcome"], "accepted");
    assert_eq!(v["totals"]["accepted"], 3);
}

#[test]
fn unit_from_the_file_name_and_alias() {
    let w = Workdir::new();
    let mut f = fagai_form();
    f.title = Some("重点工作推进情况反馈表".into());
    f.unit_line = None;
    f.write(&w.returns().join("3月/区发改局.xlsx"));
    let v = check(&w, &[]);
    let fe = file_entry(&v, "3月/区发改局.xlsx");
    assert_eq!(fe["unit"], FAGAI);
    assert!(issues_with(&v, "FILE_UNIT_GUESSED").is_empty());
}

#[test]
fn unit_from_hidden_metadata_of_a_renamed_form() {
    let w = Workdir::new();
    let mut f = fagai_form();
    f.title = None;
    f.unit_line = None;
    f.meta = Some((FAGAI.into(), "2023-03".into()));
    f.write(&w.returns().join("新建 Microsoft Excel 工作表.xlsx"));
    let v = check(&w, &[]);
    let fe = file_entry(&v, "新建 Microsoft Excel 工作表.xlsx");
    assert_eq!(fe["unit"], FAGAI);
    assert!(issues_with(&v, "FILE_UNIT_GUESSED").is_empty());
}

#[test]
fn wrong_period() {
    let w = Workdir::new();
    let mut f = fagai_form();
    f.title = Some("区发展和改革局重点工作推进情况反馈表（2023年2月）".into());
    f.unit_line = Some("填报单位：区发展和改革局　报送期次：2023年2月".into());
    f.write(&w.returns().join("区发改局-2月.xlsx"));
    let v = check(&w, &[]);
    let i = one_issue(&v, "FILE_WRONG_PERIOD");
    assert_issue(i, "error", None, None);
    assert!(i["message"].as_str().unwrap().contains("2023年2月"), "{i}");
    assert_eq!(file_entry(&v, "区发改局-2月.xlsx")["outcome"], "rejected");
    assert_eq!(v["totals"]["rejected"], 3);
    assert_reconciles(&v);
}

#[test]
fn newer_submission_supersedes_older() {
    let w = Workdir::new();
    let mut old = fagai_form();
    for r in &mut old.rows {
        r[13] = V::S("2023-03-28");
    }
    old.rows[0][4] = V::N(20.0);
    old.write(&w.returns().join("区发改局-3月.xlsx"));
    let mut new = fagai_form();
    for r in &mut new.rows {
        r[13] = V::S("2023-03-30");
    }
    new.write(&w.returns().join("区发改局-3月(修改版).xlsx"));
    let v = check(&w, &[]);
    let old_e = file_entry(&v, "区发改局-3月.xlsx");
    assert_eq!(old_e["outcome"], "superseded");
    assert_eq!(old_e["superseded"], 3);
    assert_eq!(
        file_entry(&v, "区发改局-3月(修改版).xlsx")["outcome"],
        "accepted"
    );
    let i = one_issue(&v, "FILE_SUPERSEDED");
    assert_eq!(i["file"], "区发改局-3月.xlsx");
    assert_eq!(v["totals"]["superseded"], 3);
    assert_eq!(v["totals"]["accepted"], 3);
    let t = v["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == "ZF-001")
        .unwrap();
    assert_eq!(t["actual"], 40.0, "the newer file's figure wins");
    assert_reconciles(&v);
}

#[test]
fn returned_after_the_deadline() {
    let w = Workdir::new();
    let mut f = fagai_form();
    for r in &mut f.rows {
        r[13] = V::S("2023-04-10");
    }
    f.write(&w.returns().join("区发改局-3月.xlsx"));
    let v = check(&w, &[]);
    let i = one_issue(&v, "FILE_LATE");
    assert_eq!(i["severity"], "warning");
    assert_eq!(file_entry(&v, "区发改局-3月.xlsx")["late"], true);
    let u = v["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["name"] == FAGAI)
        .unwrap();
    assert_eq!(u["late"], true);
}

#[test]
fn lock_files_and_other_files_are_listed_not_read() {
    let w = Workdir::new();
    fagai_form().write(&w.returns().join("区发改局-3月.xlsx"));
    std::fs::write(w.returns().join("~$区发改局-3月.xlsx"), b"\x00lock").unwrap();
    std::fs::write(w.returns().join("说明.txt"), "请于4月5日前报送").unwrap();
    let v = check(&w, &[]);
    assert_eq!(file_entry(&v, "~$区发改局-3月.xlsx")["outcome"], "ignored");
    assert_eq!(file_entry(&v, "说明.txt")["outcome"], "ignored");
    assert_eq!(issues_with(&v, "FILE_IGNORED").len(), 2);
    assert_eq!(v["totals"]["files"], 3);
    assert_reconciles(&v);
}

#[test]
fn truncated_and_random_files_are_unreadable_not_fatal() {
    let w = Workdir::new();
    let good = w.returns().join("区发改局-3月.xlsx");
    fagai_form().write(&good);
    let bytes = std::fs::read(&good).unwrap();
    std::fs::write(
        w.returns().join("区财政局-3月.xlsx"),
        &bytes[..bytes.len() / 2],
    )
    .unwrap();
    std::fs::write(
        w.returns().join("太保镇.xls"),
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1garbage",
    )
    .unwrap();
    std::fs::write(w.returns().join("东风街道.xlsx"), b"").unwrap();
    let v = check(&w, &[]);
    for f in ["区财政局-3月.xlsx", "太保镇.xls"] {
        let fe = file_entry(&v, f);
        assert_eq!(fe["outcome"], "rejected", "{fe}");
        let is: Vec<_> = file_issues(&v, f);
        assert!(
            is.iter().any(|i| i["code"] == "FILE_UNREADABLE"),
            "{f}: {is:#?}"
        );
    }
    assert_eq!(file_issues(&v, "东风街道.xlsx")[0]["code"], "FILE_EMPTY");
    assert_eq!(file_entry(&v, "区发改局-3月.xlsx")["outcome"], "accepted");
    assert_reconciles(&v);
}

#[test]
fn html_saved_as_xls() {
    let w = Workdir::new();
    std::fs::write(
        w.returns().join("区财政局.xls"),
        "<html><body><table><tr><td>编号</td></tr></table></body></html>",
    )
    .unwrap();
    let v = check(&w, &[]);
    let i = one_issue(&v, "FILE_HTML");
    assert_issue(i, "error", None, None);
}

#[test]
fn encrypted_file_says_password() {
    // An OLE container holding an EncryptedPackage stream is what Excel writes
    // for a password-protected .xlsx. msoffcrypto-tool makes a real one.
    let w = Workdir::new();
    let plain = w.path("plain.xlsx");
    fagai_form().write(&plain);
    let dest = w.returns().join("区发改局-3月(加密).xlsx");
    let script = format!(
        "import msoffcrypto, io\n\
         from msoffcrypto.format.ooxml import OOXMLFile\n\
         f = OOXMLFile(open({plain:?}, 'rb'))\n\
         out = open({dest:?}, 'wb')\n\
         f.encrypt('secret', out)\n"
    );
    if duban::test_support::run_python(&["msoffcrypto"], &script).is_none() {
        return;
    }
    let v = check(&w, &[]);
    let i = one_issue(&v, "FILE_ENCRYPTED");
    assert_issue(i, "error", None, None);
    assert!(i["message"].as_str().unwrap().contains("密码"), "{i}");
}

#[test]
fn errors_of_one_file_do_not_touch_another() {
    let w = Workdir::new();
    fagai_form().write(&w.returns().join("区发改局-3月.xlsx"));
    let mut bad =
        Form::new("区财政局").row(Form::ok_row("CZ-001", "盘活存量资金", "2023-09-30", 50.0));
    bad.rows[0][3] = V::S("差不多");
    bad.write(&w.returns().join("区财政局-3月.xlsx"));
    let v = check(&w, &[]);
    assert!(errors_in(&v, "区发改局-3月.xlsx").is_empty());
    assert_eq!(errors_in(&v, "区财政局-3月.xlsx").len(), 1);
}
