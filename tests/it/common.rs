//! Shared test harness: a scratch folder per test, the real binary with a clean
//! environment, a small realistic ledger, and a flexible form writer.

use std::path::{Path, PathBuf};
use std::process::Command;

use assert_cmd::cargo::CommandCargoExt;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook};
use serde_json::Value;

/// LibreOffice conversions (skip with a note when missing, fail in CI).
pub use duban::test_support::soffice_convert;

/// A scratch folder for one test, removed when dropped.
pub struct Workdir {
    pub dir: tempfile::TempDir,
}

impl Workdir {
    pub fn new() -> Workdir {
        Workdir {
            dir: tempfile::tempdir().expect("tempdir"),
        }
    }
    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }
    pub fn root(&self) -> &Path {
        self.dir.path()
    }
    pub fn returns(&self) -> PathBuf {
        let p = self.path("returns");
        std::fs::create_dir_all(&p).unwrap();
        p
    }
    /// Write the standard test ledger to `台账.xlsx`.
    pub fn ledger(&self) -> PathBuf {
        let p = self.path("台账.xlsx");
        write_ledger(&p);
        p
    }
}

/// The real binary, with the environment that changes behaviour cleared.
pub fn duban() -> Command {
    let mut c = Command::cargo_bin("duban").expect("binary");
    c.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", std::env::var("HOME").unwrap_or_default())
        .env("NO_COLOR", "1")
        .env("LANG", "C.UTF-8");
    c
}

/// Run `duban check` on the standard ledger and `w.returns()`; return the JSON summary.
pub fn check(w: &Workdir, extra: &[&str]) -> Value {
    check_at(w, &w.returns(), extra)
}

/// Run `duban check` on the standard ledger (written if missing) and the
/// returns folder `returns`; the run must succeed. Returns the JSON summary.
pub fn check_at(w: &Workdir, returns: &Path, extra: &[&str]) -> Value {
    let ledger = w.path("台账.xlsx");
    if !ledger.exists() {
        w.ledger();
    }
    let mut cmd = duban();
    cmd.arg("check")
        .arg("--ledger")
        .arg(&ledger)
        .arg("--returns")
        .arg(returns)
        .args([
            "--period",
            "2023-03",
            "--as-of",
            "2023-03-31",
            "--json",
            "-",
            "--quiet",
        ])
        .args(extra);
    let out = cmd.output().expect("run duban");
    assert!(
        out.status.success(),
        "duban check failed: {}\n{}",
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
    );
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("bad JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)))
}

/// Issues of a summary with the given code.
pub fn issues_with<'a>(v: &'a Value, code: &str) -> Vec<&'a Value> {
    v["issues"]
        .as_array()
        .expect("issues array")
        .iter()
        .filter(|i| i["code"] == code)
        .collect()
}

/// The single issue with `code`; panics listing all issues otherwise.
pub fn one_issue<'a>(v: &'a Value, code: &str) -> &'a Value {
    let found = issues_with(v, code);
    assert_eq!(
        found.len(),
        1,
        "expected exactly one {code}, issues were:\n{}",
        serde_json::to_string_pretty(&v["issues"]).unwrap()
    );
    found[0]
}

/// The `units[]` entry of the summary named `name` (panics when absent).
pub fn unit<'a>(v: &'a Value, name: &str) -> &'a Value {
    v["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["name"] == name)
        .unwrap_or_else(|| panic!("no unit {name}"))
}

/// The `tasks[]` entry of the summary with id `id` (panics when absent).
pub fn task<'a>(v: &'a Value, id: &str) -> &'a Value {
    v["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == id)
        .unwrap_or_else(|| panic!("no task {id}"))
}

pub fn file_entry<'a>(v: &'a Value, path: &str) -> &'a Value {
    v["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == path)
        .unwrap_or_else(|| panic!("no file {path} in {}", v["files"]))
}

pub fn assert_reconciles(v: &Value) {
    let t = &v["totals"];
    let n = |k: &str| t[k].as_u64().unwrap();
    assert_eq!(
        n("rows_read"),
        n("accepted") + n("rejected") + n("superseded"),
        "totals do not reconcile: {t}"
    );
    let files = v["files"].as_array().unwrap();
    assert_eq!(n("files") as usize, files.len());
    let rows: u64 = files.iter().map(|f| f["rows"].as_u64().unwrap()).sum();
    assert_eq!(rows, n("rows_read"), "file rows do not add up");
}

// ----------------------------------------------------------------- the ledger

/// Units: (name, category, aliases).
pub const UNITS: &[(&str, &str, &str)] = &[
    ("区发展和改革局", "区直部门", "区发改局、发改局"),
    ("区财政局", "区直部门", ""),
    ("区住房和城乡建设局", "区直部门", "区住建局"),
    ("太保镇", "乡镇街道", ""),
    ("东风街道", "乡镇街道", "东风街道办事处"),
];

/// A ledger row: (id, title, stars, leader, lead unit, start, deadline, assigned).
pub type TaskRow = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);

pub const TASKS: &[TaskRow] = &[
    (
        "ZF-001",
        "推进重点项目建设",
        "5",
        "李遥",
        "区发展和改革局",
        "2023-01-01",
        "2023-06-30",
        "",
    ),
    (
        "ZF-002",
        "优化营商环境专项行动",
        "4★",
        "李遥",
        "区发改局",
        "2023-01-01",
        "2023-12-31",
        "",
    ),
    (
        "ZF-003",
        "完成年度招商引资签约",
        "★★★",
        "任志超",
        "区发展和改革局",
        "2023-01-01",
        "2023-03-15",
        "",
    ),
    (
        "CZ-001",
        "盘活存量资金",
        "4",
        "刘洋",
        "区财政局",
        "2023-01-01",
        "2023-09-30",
        "",
    ),
    (
        "ZJ-001",
        "老旧小区改造12个",
        "5",
        "周建军",
        "区住建局",
        "2023-02-01",
        "2023-11-30",
        "",
    ),
    (
        "TB-001",
        "高标准农田建设2万亩",
        "四星",
        "闫强",
        "太保镇",
        "2023-01-01",
        "2023-10-31",
        "",
    ),
    (
        "DF-001",
        "背街小巷整治",
        "4",
        "赵锐",
        "东风街道",
        "",
        "",
        "2023-03-20",
    ),
];

pub fn write_ledger(path: &Path) {
    write_ledger_with(path, TASKS);
}

/// The standard ledger with these tasks.
pub fn write_ledger_with(path: &Path, tasks: &[TaskRow]) {
    let mut wb = Workbook::new();
    wb.set_properties(
        &DocProperties::new().set_creation_datetime(&ExcelDateTime::from_ymd(2023, 1, 1).unwrap()),
    );
    let ws = wb.add_worksheet().set_name("台账").unwrap();
    ws.merge_range(0, 0, 0, 9, "2023年区政府重点工作台账", &Format::new())
        .unwrap();
    let headers = [
        "编号",
        "事项名称",
        "来源",
        "星级",
        "牵头领导",
        "牵头单位",
        "配合单位",
        "开始日期",
        "完成时限",
        "交办日期",
    ];
    for (c, h) in headers.iter().enumerate() {
        ws.write_string(1, c as u16, *h).unwrap();
    }
    for (r, t) in tasks.iter().enumerate() {
        let row = r as u32 + 2;
        ws.write_string(row, 0, t.0).unwrap();
        ws.write_string(row, 1, t.1).unwrap();
        ws.write_string(row, 2, "政府工作报告").unwrap();
        ws.write_string(row, 3, t.2).unwrap();
        ws.write_string(row, 4, t.3).unwrap();
        ws.write_string(row, 5, t.4).unwrap();
        ws.write_string(row, 6, "区财政局、区自然资源局").unwrap();
        ws.write_string(row, 7, t.5).unwrap();
        ws.write_string(row, 8, t.6).unwrap();
        ws.write_string(row, 9, t.7).unwrap();
    }
    let ws = wb.add_worksheet().set_name("单位").unwrap();
    for (c, h) in ["单位名称", "类别", "别名", "联系人", "联系电话"]
        .iter()
        .enumerate()
    {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (r, u) in UNITS.iter().enumerate() {
        let row = r as u32 + 1;
        ws.write_string(row, 0, u.0).unwrap();
        ws.write_string(row, 1, u.1).unwrap();
        ws.write_string(row, 2, u.2).unwrap();
        ws.write_string(row, 3, "王明").unwrap();
        ws.write_string(row, 4, "0469-1234567").unwrap();
    }
    let ws = wb.add_worksheet().set_name("节点").unwrap();
    for (c, h) in ["编号", "节点日期", "计划进度(%)"].iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    ws.write_string(1, 0, "ZF-001").unwrap();
    ws.write_string(1, 1, "2023-03-31").unwrap();
    ws.write_number(1, 2, 30.0).unwrap();
    wb.save(path).unwrap();
}

// ----------------------------------------------------------------- forms

/// A cell value for the form writer.
#[derive(Clone, Debug)]
pub enum V {
    S(&'static str),
    Str(String),
    N(f64),
    /// A number in a percent-formatted cell (0.6 shows as 60%).
    Pct(f64),
    /// A real Excel date.
    D(u16, u8, u8),
    E,
}

impl From<&'static str> for V {
    fn from(s: &'static str) -> V {
        if s.is_empty() {
            V::E
        } else {
            V::S(s)
        }
    }
}

/// The standard header of the test forms (columns A..N).
pub const HEADER: [&str; 14] = [
    "编号",
    "事项名称",
    "完成时限",
    "当前状态",
    "完成进度（%）",
    "进展情况",
    "存在问题",
    "下步措施",
    "预计完成日期",
    "延期说明",
    "填报人",
    "联系电话",
    "单位主要负责人",
    "填报日期",
];

/// A form as a unit might write it. Defaults: a merged title in row 1, the
/// `填报单位：… 报送期次：…` line in row 2, the header in row 3, data from row 4.
#[derive(Clone, Debug)]
pub struct Form {
    pub title: Option<String>,
    pub unit_line: Option<String>,
    pub header: Vec<String>,
    pub rows: Vec<Vec<V>>,
    pub notes: Vec<String>,
    pub meta: Option<(String, String)>,
    pub sheet: String,
    /// (first_row, col, last_row) vertical merges, 0-based sheet rows.
    pub merges: Vec<(u32, u16, u32)>,
}

impl Form {
    /// A form for `unit` in March 2023 with the standard header.
    pub fn new(unit: &str) -> Form {
        Form {
            title: Some(format!("{unit}重点工作推进情况反馈表（2023年3月）")),
            unit_line: Some(format!("填报单位：{unit}　报送期次：2023年3月")),
            header: HEADER.iter().map(|s| s.to_string()).collect(),
            rows: Vec::new(),
            notes: Vec::new(),
            meta: None,
            sheet: "推进表".into(),
            merges: Vec::new(),
        }
    }

    /// A valid row for a task: 正在办理, `pct`, with progress text.
    pub fn ok_row(
        id: &'static str,
        title: &'static str,
        deadline: &'static str,
        pct: f64,
    ) -> Vec<V> {
        vec![
            V::S(id),
            V::S(title),
            V::S(deadline),
            V::S("正在办理"),
            V::N(pct),
            V::Str(format!("{title}按计划推进，已完成阶段任务")),
            V::S("资金到位较慢"),
            V::S("加快推进"),
            V::S("2023-06-30"),
            V::E,
            V::S("张三"),
            V::S("13800000000"),
            V::S("王局长"),
            V::S("2023-03-30"),
        ]
    }

    pub fn row(mut self, r: Vec<V>) -> Form {
        self.rows.push(r);
        self
    }

    /// 0-based sheet row of the first data row.
    pub fn first_data_row(&self) -> u32 {
        self.title.is_some() as u32 + self.unit_line.is_some() as u32 + 1
    }

    pub fn write(&self, path: &Path) {
        if let Some(p) = path.parent() {
            std::fs::create_dir_all(p).unwrap();
        }
        let mut wb = Workbook::new();
        wb.set_properties(
            &DocProperties::new()
                .set_creation_datetime(&ExcelDateTime::from_ymd(2023, 3, 31).unwrap()),
        );
        let pct = Format::new().set_num_format("0%");
        let date = Format::new().set_num_format("yyyy-mm-dd");
        let ws = wb.add_worksheet().set_name(&self.sheet).unwrap();
        let mut r = 0u32;
        let last_col = self.header.len().saturating_sub(1) as u16;
        if let Some(t) = &self.title {
            ws.merge_range(r, 0, r, last_col.max(1), t, &Format::new())
                .unwrap();
            r += 1;
        }
        if let Some(u) = &self.unit_line {
            ws.write_string(r, 0, u).unwrap();
            r += 1;
        }
        for (c, h) in self.header.iter().enumerate() {
            ws.write_string(r, c as u16, h).unwrap();
        }
        r += 1;
        let first = r;
        for row in &self.rows {
            for (c, v) in row.iter().enumerate() {
                let c = c as u16;
                if self
                    .merges
                    .iter()
                    .any(|&(f, mc, l)| mc == c && r > f && r <= l)
                {
                    continue; // covered by a merge
                }
                match v {
                    V::S(s) => {
                        ws.write_string(r, c, *s).unwrap();
                    }
                    V::Str(s) => {
                        ws.write_string(r, c, s).unwrap();
                    }
                    V::N(n) => {
                        ws.write_number(r, c, *n).unwrap();
                    }
                    V::Pct(n) => {
                        ws.write_number_with_format(r, c, *n, &pct).unwrap();
                    }
                    V::D(y, m, d) => {
                        let dt = ExcelDateTime::from_ymd(*y, *m, *d).unwrap();
                        ws.write_datetime_with_format(r, c, &dt, &date).unwrap();
                    }
                    V::E => {}
                }
            }
            r += 1;
        }
        let _ = first;
        for &(f, c, l) in &self.merges {
            let text = match self.rows[(f - self.first_data_row()) as usize][c as usize].clone() {
                V::S(s) => s.to_string(),
                V::Str(s) => s,
                _ => String::new(),
            };
            ws.merge_range(f, c, l, c, &text, &Format::new()).unwrap();
        }
        for n in &self.notes {
            ws.write_string(r, 0, n).unwrap();
            r += 1;
        }
        if let Some((unit, period)) = &self.meta {
            let m = wb.add_worksheet().set_name("_duban").unwrap();
            for (i, (k, v)) in [
                ("unit", unit.as_str()),
                ("period", period.as_str()),
                ("version", "duban-form-1"),
                ("generated", "2023-03-01"),
            ]
            .iter()
            .enumerate()
            {
                m.write_string(i as u32, 0, *k).unwrap();
                m.write_string(i as u32, 1, *v).unwrap();
            }
            m.set_hidden(true);
        }
        wb.save(path).unwrap();
    }
}

/// A complete valid March form for 区发展和改革局 (ZF-001, ZF-002, ZF-003 due).
pub fn fagai_form() -> Form {
    Form::new("区发展和改革局")
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
        ))
        .row({
            let mut r = Form::ok_row("ZF-003", "完成年度招商引资签约", "2023-03-15", 80.0);
            r[9] = V::S("受疫情影响签约推迟，预计4月完成");
            r
        })
}

/// Run a Python snippet with openpyxl; None (skip) if Python/openpyxl is
/// missing outside CI (in CI the test fails).
pub fn python_openpyxl(script: &str) -> Option<()> {
    duban::test_support::run_python(&["openpyxl"], script)
}
