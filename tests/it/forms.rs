//! `duban forms` and `duban init` (交办): forms go out, are filled in by
//! another program typing only into the unlocked cells, and come back clean.

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::common::*;
use calamine::{open_workbook_auto, Data, Reader};
use serde_json::Value;

pub(crate) fn forms(w: &Workdir, period: &str) -> Vec<PathBuf> {
    w.ledger();
    let out = duban()
        .args(["forms", "--period", period, "--ledger"])
        .arg(w.path("台账.xlsx"))
        .arg("--out")
        .arg(w.path("forms"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut v: Vec<PathBuf> = std::fs::read_dir(w.path("forms"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    v.sort();
    v
}

/// The form written for `unit`.
fn form_of<'a>(files: &'a [PathBuf], unit: &str) -> &'a PathBuf {
    files
        .iter()
        .find(|p| p.to_string_lossy().contains(unit))
        .unwrap_or_else(|| panic!("no form for {unit} in {files:?}"))
}

/// Fill every answer cell of a form with openpyxl, as a unit would.
pub(crate) fn fill_with_openpyxl(src: &Path, dest: &Path, percent: u32) -> Option<()> {
    let script = format!(
        r#"
import openpyxl, datetime
wb = openpyxl.load_workbook({src:?})
ws = wb.worksheets[0]
hdr = None
for row in ws.iter_rows(min_row=1, max_row=15):
    for c in row:
        if isinstance(c.value, str) and c.value.strip() == "编号":
            hdr = c.row
    if hdr: break
assert hdr, "no header"
cols = {{}}
for c in ws[hdr]:
    if isinstance(c.value, str):
        cols[c.value.split("（")[0].split("(")[0].strip()] = c.column
r = hdr + 1
filled = 0
while True:
    idv = ws.cell(r, cols["编号"]).value
    if idv is None or str(idv).startswith("填表说明"):
        break
    def put(name, value):
        if name in cols:
            cell = ws.cell(r, cols[name])
            assert not cell.protection.locked, f"{{name}} is locked"
            cell.value = value
    put("当前状态", "正在办理")
    put("完成进度", {percent})
    put("进展情况", "按计划推进，本月完成阶段目标")
    put("存在问题", "无")
    put("下步措施", "继续推进")
    put("预计完成日期", datetime.datetime(2023, 12, 31))
    put("延期说明", "受审批进度影响，已书面报告")
    put("填报人", "张三")
    put("联系电话", "13800000000")
    put("单位主要负责人", "王局长")
    put("填报日期", datetime.datetime(2023, 3, 30))
    filled += 1
    r += 1
assert filled > 0
# the signature block below the table, if the form has one: the answer is
# the cell right of each label (labels may be merged over several cells)
signed = {{"填报人": "张三", "联系电话": "13800000000", "单位负责人": "王局长",
          "填报日期": datetime.datetime(2023, 3, 30)}}
for row in ws.iter_rows(min_row=r, max_row=r + 15):
    for c in row:
        if not isinstance(c.value, str):
            continue
        label = c.value.strip().rstrip("：:").split("（")[0]
        if label not in signed:
            continue
        end = c.column
        for m in ws.merged_cells.ranges:
            if m.min_row == c.row and m.min_col == c.column:
                end = m.max_col
        target = ws.cell(c.row, end + 1)
        assert not target.protection.locked, f"{{label}} answer is locked"
        target.value = signed[label]
wb.save({dest:?})
"#
    );
    python_openpyxl(&script)
}

#[test]
fn one_form_per_unit_with_its_due_tasks() {
    let w = Workdir::new();
    let files = forms(&w, "2023-03");
    assert_eq!(files.len(), UNITS.len(), "{files:?}");
    let f = form_of(&files, "区发展和改革局");
    let mut wb = open_workbook_auto(f).unwrap();
    let first = wb.sheet_names()[0].clone();
    let range = wb.worksheet_range(&first).unwrap();
    let text: Vec<String> = range
        .rows()
        .flat_map(|r| r.iter().map(|c| c.to_string()))
        .collect();
    assert!(text
        .iter()
        .any(|t| t.contains("区发展和改革局重点工作推进情况反馈表")));
    assert!(text
        .iter()
        .any(|t| t.contains("填报单位") && t.contains("2023年3月")));
    for id in ["ZF-001", "ZF-002", "ZF-003"] {
        assert!(text.iter().any(|t| t == id), "{id} missing");
    }
    assert!(!text.iter().any(|t| t == "CZ-001"));
    // Hidden metadata.
    let meta = wb.worksheet_range("_duban").unwrap();
    let cells: Vec<String> = meta
        .rows()
        .flat_map(|r| r.iter().map(|c| c.to_string()))
        .collect();
    assert!(cells.contains(&"区发展和改革局".to_string()), "{cells:?}");
    assert!(cells.contains(&"2023-03".to_string()), "{cells:?}");
}

#[test]
fn in_a_month_without_quarterly_tasks_fewer_tasks_are_due() {
    // February, not April: ZF-003 (3★) is due 2023-03-15, so from March 8 on
    // it is near or past its deadline and due every month (rules.rs).
    let w = Workdir::new();
    let files = forms(&w, "2023-02");
    let f = form_of(&files, "区发展和改革局");
    let mut wb = open_workbook_auto(f).unwrap();
    let first = wb.sheet_names()[0].clone();
    let range = wb.worksheet_range(&first).unwrap();
    let has = |id: &str| {
        range
            .rows()
            .any(|r| r.iter().any(|c| matches!(c, Data::String(s) if s == id)))
    };
    assert!(has("ZF-001") && has("ZF-002"));
    assert!(
        !has("ZF-003"),
        "a 3★ task reports quarterly, not in February"
    );
}

#[test]
fn assigned_cells_locked_answers_unlocked_dropdowns_protection() {
    let w = Workdir::new();
    let files = forms(&w, "2023-03");
    let f = form_of(&files, "区发展和改革局");
    let mut zip = zip::ZipArchive::new(std::fs::File::open(f).unwrap()).unwrap();
    let mut xml = String::new();
    zip.by_name("xl/worksheets/sheet1.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    assert!(xml.contains("<sheetProtection"), "sheet not protected");
    assert!(
        !xml.contains("password="),
        "protection must have no password"
    );
    assert!(xml.contains("<dataValidation"), "no dropdowns");
    assert!(
        xml.contains("<formula1>\"未启动,正在办理,已落实,已完成\"</formula1>"),
        "no status list"
    );
    assert!(xml.contains("paperSize=\"9\""), "not A4");
    assert!(xml.contains("orientation=\"landscape\""), "not landscape");
}

#[test]
fn filled_by_openpyxl_comes_back_with_zero_errors() {
    let w = Workdir::new();
    let files = forms(&w, "2023-03");
    let returns = w.path("returns");
    for f in &files {
        let dest = returns.join(f.file_name().unwrap());
        std::fs::create_dir_all(&returns).unwrap();
        if fill_with_openpyxl(f, &dest, 50).is_none() {
            return;
        }
    }
    let v = check_at(&w, &returns, &[]);
    let errors: Vec<&Value> = v["issues"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["severity"] == "error")
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(
        v["totals"]["accepted"].as_u64().unwrap() as usize,
        TASKS.len()
    );
    assert_eq!(v["totals"]["rejected"], 0);
    for t in v["tasks"].as_array().unwrap() {
        assert_eq!(t["actual"], 50.0, "{t}");
    }
}

#[test]
fn renamed_form_is_identified_by_its_metadata() {
    let w = Workdir::new();
    let files = forms(&w, "2023-03");
    let f = form_of(&files, "区财政局");
    let returns = w.path("returns");
    std::fs::create_dir_all(&returns).unwrap();
    if fill_with_openpyxl(f, &returns.join("新建文件(2).xlsx"), 30).is_none() {
        return;
    }
    let v = check_at(&w, &returns, &[]);
    let fe = file_entry(&v, "新建文件(2).xlsx");
    assert_eq!(fe["unit"], "区财政局");
    assert_eq!(fe["outcome"], "accepted");
    assert!(issues_with(&v, "FILE_UNIT_GUESSED").is_empty());
}

#[test]
fn edited_assigned_title_is_flagged() {
    let w = Workdir::new();
    let files = forms(&w, "2023-03");
    let f = form_of(&files, "区财政局");
    let returns = w.path("returns");
    std::fs::create_dir_all(&returns).unwrap();
    let filled = w.path("filled.xlsx");
    if fill_with_openpyxl(f, &filled, 30).is_none() {
        return;
    }
    // A unit that removes the protection and edits the task title.
    let script = format!(
        r#"
import openpyxl
wb = openpyxl.load_workbook({filled:?})
ws = wb.worksheets[0]
ws.protection.sheet = False
for row in ws.iter_rows():
    for c in row:
        if c.value == "盘活存量资金":
            c.value = "盘活存量资金（调整后）"
wb.save({dest:?})
"#,
        dest = returns.join("区财政局.xlsx")
    );
    python_openpyxl(&script).unwrap();
    let v = check_at(&w, &returns, &[]);
    let i = one_issue(&v, "ROW_ASSIGNED_ALTERED");
    assert_eq!(i["task"], "CZ-001");
    assert_eq!(i["severity"], "warning");
}

#[test]
fn init_makes_a_working_folder() {
    let w = Workdir::new();
    let dir = w.path("督办2023");
    let out = duban().arg("init").arg(&dir).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(dir.join("台账.xlsx").is_file());
    assert!(dir.join("duban.toml").is_file());
    assert!(dir.join("returns").is_dir());
    let wb = open_workbook_auto(dir.join("台账.xlsx")).unwrap();
    let names = wb.sheet_names().to_vec();
    for s in ["台账", "节点", "单位", "评价"] {
        assert!(names.contains(&s.to_string()), "{names:?}");
    }
    // The example ledger is readable by forms, with no flags, inside the folder.
    let out = duban().current_dir(&dir).args(["forms"]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The template's example row is not a task: no form, and forms says so.
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(shown.contains("LEDGER_EXAMPLE_ROW"), "{shown}");
    let sent = dir.join("下发表单");
    let written = |sent: &std::path::Path| -> Vec<String> {
        std::fs::read_dir(sent)
            .map(|d| {
                d.flatten()
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default()
    };
    assert!(written(&sent).is_empty(), "{:?}", written(&sent));
    // Edited (its title rewritten), the row is the office's own task: the form
    // of its unit (区住建局) is written, with the task (4★, due every month).
    let script = format!(
        r#"
import openpyxl
p = r"{}"
wb = openpyxl.load_workbook(p)
wb["台账"]["B3"] = "推进城区污水管网改造工程"
wb.save(p)
"#,
        dir.join("台账.xlsx").display()
    );
    if python_openpyxl(&script).is_some() {
        let out = duban().current_dir(&dir).args(["forms"]).output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!String::from_utf8_lossy(&out.stdout).contains("LEDGER_EXAMPLE_ROW"));
        assert_eq!(written(&sent), ["区住建局.xlsx"]);
        let mut form = open_workbook_auto(sent.join("区住建局.xlsx")).unwrap();
        let first = form.sheet_names()[0].clone();
        let range = form.worksheet_range(&first).unwrap();
        assert!(
            range.rows().any(|r| r
                .iter()
                .any(|c| matches!(c, Data::String(s) if s == "ZF-001"))),
            "the edited task is on the form"
        );
    }
    // A second init refuses to overwrite, and says how to.
    let ledger = std::fs::read(dir.join("台账.xlsx")).unwrap();
    let again = duban().arg("init").arg(&dir).output().unwrap();
    assert!(!again.status.success());
    let err = String::from_utf8_lossy(&again.stderr);
    assert!(err.contains("已存在") && err.contains("--force"), "{err}");
    assert_eq!(std::fs::read(dir.join("台账.xlsx")).unwrap(), ledger);
}

#[test]
fn filled_then_resaved_by_libreoffice_still_comes_back_clean() {
    // A unit that opens the form in LibreOffice (or WPS) and saves it again:
    // the workbook is rewritten by another program, hidden metadata included.
    let w = Workdir::new();
    let files = forms(&w, "2023-03");
    let f = form_of(&files, "区发展和改革局");
    let filled = w.path("filled/区发改局-已填.xlsx");
    std::fs::create_dir_all(filled.parent().unwrap()).unwrap();
    if fill_with_openpyxl(f, &filled, 60).is_none() {
        return;
    }
    let returns = w.path("returns");
    // Re-save as .xlsx and as .ods through LibreOffice.
    let Some(xlsx) = soffice_convert(&filled, "xlsx", &returns.join("lo-xlsx")) else {
        return;
    };
    let Some(ods) = soffice_convert(&filled, "ods", &returns.join("lo-ods")) else {
        return;
    };
    assert!(xlsx.exists() && ods.exists());
    let v = check_at(&w, &returns, &[]);
    for path in ["lo-xlsx/区发改局-已填.xlsx", "lo-ods/区发改局-已填.ods"] {
        let fe = file_entry(&v, path);
        assert_eq!(fe["unit"], "区发展和改革局", "{fe}");
        assert_eq!(fe["rows"], 3, "{fe}");
        assert_ne!(fe["outcome"], "rejected", "{fe}");
    }
    let errors: Vec<&Value> = v["issues"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["severity"] == "error" && i["code"] != "UNIT_NOT_REPORTED")
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    assert!(issues_with(&v, "FILE_UNIT_GUESSED").is_empty());
    for id in ["ZF-001", "ZF-002", "ZF-003"] {
        let t = v["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["id"] == id)
            .unwrap();
        assert_eq!(t["actual"], 60.0, "{t}");
    }
}

/// `duban forms` again after a unit's tasks left the ledger (or closed):
/// its form from the earlier run is removed, and said so; whatever else is
/// in the folder (a clerk's notes, a unit's filled-in copy under another
/// name, a workbook without duban's metadata) stays.
#[test]
fn forms_again_removes_the_stale_forms_it_wrote_and_nothing_else() {
    let w = Workdir::new();
    let files = forms(&w, "2023-03");
    let dir = w.path("forms");
    let taibao = form_of(&files, "太保镇").clone();
    // Things that are not duban's forms for a unit without tasks.
    std::fs::copy(&taibao, dir.join("太保镇-3月已填.xlsx")).unwrap();
    std::fs::write(dir.join("说明.txt"), "发送前核对").unwrap();
    Form::new("太保镇").write(&dir.join("太保镇_备注.xlsx"));
    Form::new("太保镇").write(&dir.join("太保镇_2.xlsx"));
    let before: Vec<_> = files.iter().map(|p| std::fs::read(p).unwrap()).collect();

    // TB-001 leaves the ledger: 太保镇 has nothing due.
    let tasks: Vec<TaskRow> = TASKS.iter().filter(|t| t.0 != "TB-001").copied().collect();
    write_ledger_with(&w.path("台账.xlsx"), &tasks);
    let out = duban()
        .args(["forms", "--period", "2023-03", "--ledger"])
        .arg(w.path("台账.xlsx"))
        .arg("--out")
        .arg(&dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains("已删除") && said.contains("太保镇.xlsx"),
        "{said}"
    );
    assert!(!taibao.exists(), "the stale form is still there");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let mut want: Vec<String> = UNITS
        .iter()
        .filter(|u| u.0 != "太保镇")
        .map(|u| format!("{}.xlsx", u.0))
        .chain(
            [
                "太保镇-3月已填.xlsx",
                "太保镇_2.xlsx",
                "太保镇_备注.xlsx",
                "说明.txt",
            ]
            .map(String::from),
        )
        .collect();
    want.sort();
    assert_eq!(names, want, "nothing else removed, no staging left behind");
    // The other units' forms were written again (the same bytes: same inputs).
    for (p, b) in files.iter().zip(&before) {
        if *p != taibao {
            assert_eq!(&std::fs::read(p).unwrap(), b, "{}", p.display());
        }
    }
    // Quiet: nothing printed.
    let out = duban()
        .args(["forms", "-q", "--period", "2023-03", "--ledger"])
        .arg(w.path("台账.xlsx"))
        .arg("--out")
        .arg(&dir)
        .output()
        .unwrap();
    assert!(out.status.success() && out.stdout.is_empty() && out.stderr.is_empty());
}
