//! The office's year in one working folder, through the binary: `duban init`
//! → ledger → `duban forms` → returns filled in → `duban run` → next month
//! with 下期表单 …, over January, February (with a resubmission round) and
//! March (a quarter's last month), the ledger changed between them and the
//! preset changed for March.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;

use calamine::{open_workbook_auto, Reader};
use rust_xlsxwriter::{Format, Workbook};
use serde_json::Value;

use crate::common::*;
use crate::fill::{fill, form_ids, form_instructions, form_value, Answer, Typed};

/// A task of the year's ledger: id, title, stars, lead unit, start, deadline, 状态.
type YTask = (
    &'static str,
    &'static str,
    u8,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);

const JANUARY_LEDGER: &[YTask] = &[
    (
        "ZF-001",
        "推进重点项目建设",
        5,
        "区发展和改革局",
        "2023-01-01",
        "2023-06-30",
        "",
    ),
    (
        "ZF-002",
        "优化营商环境专项行动",
        4,
        "区发展和改革局",
        "2023-01-01",
        "2023-12-31",
        "",
    ),
    (
        "ZF-003",
        "完成年度招商引资签约",
        3,
        "区发展和改革局",
        "2023-01-01",
        "2023-03-15",
        "",
    ),
    (
        "CZ-001",
        "盘活存量资金",
        4,
        "区财政局",
        "2023-01-01",
        "2023-09-30",
        "",
    ),
    (
        "ZJ-001",
        "老旧小区改造12个",
        5,
        "区住房和城乡建设局",
        "2023-02-01",
        "2023-11-30",
        "",
    ),
    (
        "TB-001",
        "高标准农田建设2万亩",
        4,
        "太保镇",
        "2023-01-01",
        "2023-10-31",
        "",
    ),
    (
        "DF-001",
        "背街小巷整治",
        4,
        "东风街道",
        "2023-01-01",
        "2023-12-31",
        "",
    ),
];

/// The ledger with a 状态 column.
fn write_year_ledger(path: &Path, tasks: &[YTask]) {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet().set_name("台账").unwrap();
    ws.merge_range(0, 0, 0, 8, "2023年区政府重点工作台账", &Format::new())
        .unwrap();
    let headers = [
        "编号",
        "事项名称",
        "来源",
        "星级",
        "牵头领导",
        "牵头单位",
        "开始日期",
        "完成时限",
        "状态",
    ];
    for (c, h) in headers.iter().enumerate() {
        ws.write_string(1, c as u16, *h).unwrap();
    }
    for (r, t) in tasks.iter().enumerate() {
        let row = r as u32 + 2;
        let cells = [t.0, t.1, "政府工作报告", "", "李遥", t.3, t.4, t.5, t.6];
        for (c, v) in cells.iter().enumerate() {
            ws.write_string(row, c as u16, *v).unwrap();
        }
        ws.write_number(row, 3, f64::from(t.2)).unwrap();
    }
    let ws = wb.add_worksheet().set_name("单位").unwrap();
    for (c, h) in ["单位名称", "类别", "别名"].iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (r, u) in UNITS.iter().enumerate() {
        for (c, v) in [u.0, u.1, u.2].iter().enumerate() {
            ws.write_string(r as u32 + 1, c as u16, *v).unwrap();
        }
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

/// The working folder `duban init` made.
struct Office {
    _w: Workdir,
    dir: PathBuf,
}

impl Office {
    fn init() -> Office {
        let w = Workdir::new();
        let dir = w.path("督办2023");
        let out = duban().arg("init").arg(&dir).output().unwrap();
        assert!(out.status.success(), "{}", text(&out.stderr));
        // This month's returns folder is made, and said so.
        let today = chrono::Local::now().date_naive();
        let month = today.format("%Y-%m").to_string();
        assert!(dir.join("returns").join(&month).is_dir());
        assert!(text(&out.stdout).contains(&format!("returns/{month}/")));
        Office { _w: w, dir }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.join(rel)
    }

    /// Set `period` and `preset` in duban.toml, as the clerk does each month.
    fn set_config(&self, period: &str, preset: &str) {
        let path = self.path("duban.toml");
        let old = std::fs::read_to_string(&path).unwrap();
        let new: Vec<String> = old
            .lines()
            .map(|l| {
                if l.starts_with("period = ") {
                    format!("period = \"{period}\"")
                } else if l.starts_with("preset = ") {
                    format!("preset = \"{preset}\"")
                } else {
                    l.to_string()
                }
            })
            .collect();
        std::fs::write(&path, new.join("\n")).unwrap();
    }

    /// duban, in the working folder, with these arguments.
    fn duban(&self, args: &[&str]) -> Output {
        duban().current_dir(&self.dir).args(args).output().unwrap()
    }

    /// `duban run` (plus `extra`), which must succeed: its JSON and stderr.
    fn run(&self, extra: &[&str]) -> (Value, String) {
        let mut args = vec!["run", "--json", "-"];
        args.extend(extra);
        let out = self.duban(&args);
        assert!(
            out.status.success(),
            "duban run failed: {}",
            text(&out.stderr)
        );
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_reconciles(&v);
        (v, text(&out.stderr))
    }

    /// Fill the form `form` (relative to the working folder) for `unit` into
    /// returns/<period>/<unit>-<name>.xlsx.
    fn answer(
        &self,
        form: &str,
        period: &str,
        name: &str,
        answers: &[Answer],
        date: (u16, u8, u8),
    ) -> PathBuf {
        let dest = self.path(&format!("returns/{period}/{name}.xlsx"));
        fill(&self.path(form), &dest, answers, date);
        dest
    }
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn codes_for<'a>(v: &'a Value, code: &str, task: &str) -> Vec<&'a Value> {
    issues_with(v, code)
        .into_iter()
        .filter(|i| i["task"] == task)
        .collect()
}

/// Every file under `dir` with its bytes.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut m = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
                m.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    m
}

/// The row of 台账汇总 for a task, as text cells by header.
fn ledger_row(summary: &Path, id: &str) -> BTreeMap<String, String> {
    let mut wb = open_workbook_auto(summary).unwrap();
    let range = wb.worksheet_range("台账汇总").unwrap();
    let rows: Vec<Vec<String>> = range
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    let header = rows
        .iter()
        .find(|r| r.contains(&"编号".to_string()))
        .unwrap();
    let row = rows
        .iter()
        .find(|r| r.first().is_some_and(|c| c == id))
        .unwrap_or_else(|| panic!("{id} not in 台账汇总"));
    header.iter().cloned().zip(row.iter().cloned()).collect()
}

/// The value 总览 gives for `label`.
fn overview_value(summary: &Path, label: &str) -> String {
    let mut wb = open_workbook_auto(summary).unwrap();
    let range = wb.worksheet_range("总览").unwrap();
    range
        .rows()
        .find(|r| r.first().is_some_and(|c| *c == label))
        .and_then(|r| r.get(1).map(|c| c.to_string()))
        .unwrap_or_else(|| panic!("no {label} in 总览"))
}

#[test]
fn three_months_in_one_working_folder() {
    let o = Office::init();
    write_year_ledger(&o.path("台账.xlsx"), JANUARY_LEDGER);
    let fagai = "区发展和改革局";
    let jan_date = (2023, 2, 2);

    // ------------------------------------------------------------ January
    o.set_config("2023-01", "red-yellow-blue");
    let out = o.duban(&["forms"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let form = |unit: &str| format!("下发表单/{unit}.xlsx");
    // 3★ ZF-003 reports quarterly: not on January's form.
    assert_eq!(form_ids(&o.path(&form(fagai))), ["ZF-001", "ZF-002"]);
    let jan_fagai = o.answer(
        &form(fagai),
        "2023-01",
        "区发改局-1月",
        &[
            Answer::new("ZF-001", "正在办理", 10.0, "项目立项完成，开展前期工作"),
            Answer::new("ZF-002", "正在办理", 5.0, "专项行动方案起草中"),
        ],
        jan_date,
    );
    o.answer(
        &form("区财政局"),
        "2023-01",
        "区财政局-1月",
        &[Answer::new("CZ-001", "已完成", 100.0, "存量资金已全部盘活")],
        jan_date,
    );
    o.answer(
        &form("区住房和城乡建设局"),
        "2023-01",
        "区住建局-1月",
        &[Answer::new("ZJ-001", "未启动", 0.0, "2月开工，正在招标")],
        jan_date,
    );
    o.answer(
        &form("太保镇"),
        "2023-01",
        "太保镇-1月",
        &[Answer::new("TB-001", "正在办理", 10.0, "完成选址和规划")],
        jan_date,
    );
    // 东风街道 sends nothing.
    let (jan, stderr) = o.run(&[]);
    assert_eq!(
        (jan["period"].as_str(), jan["round"].as_u64()),
        (Some("2023-01"), Some(1))
    );
    assert!(jan["history"]["previous"].is_null(), "{}", jan["history"]);
    assert!(stderr.contains("均未比对"), "{stderr}");
    let said = overview_value(&o.path("out/汇总_2023-01.xlsx"), "历史期次");
    assert!(
        said.starts_with("无") && said.contains("均未比对"),
        "{said}"
    );
    assert_eq!(jan["totals"]["files"], 4);
    // The archive lives beside duban.toml, not in the output folder.
    assert!(o.path("archive/2023-01/results.json").is_file());
    assert!(!o.path("out/archive").exists());
    let cz = task(&jan, "CZ-001");
    assert_eq!(
        (cz["closed"].as_bool(), cz["closed_period"].as_str()),
        (Some(true), Some("2023-01"))
    );
    assert_eq!(task(&jan, "ZF-001")["closed"], false);
    let row = ledger_row(&o.path("out/汇总_2023-01.xlsx"), "CZ-001");
    assert_eq!(row["销号"], "已销号（2023年1月）", "{row:?}");
    // Closed in January: off February's forms (区财政局 has nothing else).
    assert!(!o.path("out/下期表单/区财政局.xlsx").exists());
    assert!(o.path("out/下期表单/太保镇.xlsx").exists());

    // ------------------------------------------------------------ February
    // The ledger changes: a new task for 区财政局; TB-001 closed by hand.
    o.set_config("2023-02", "red-yellow-blue");
    let mut feb_ledger = JANUARY_LEDGER.to_vec();
    feb_ledger.push((
        "CZ-002",
        "争取上级专项资金",
        4,
        "区财政局",
        "2023-02-01",
        "2023-12-31",
        "",
    ));
    for t in &mut feb_ledger {
        if t.0 == "TB-001" {
            t.6 = "销号";
        }
    }
    write_year_ledger(&o.path("台账.xlsx"), &feb_ledger);
    let out = o.duban(&["forms"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let said = text(&out.stdout);
    assert!(
        said.contains("2023年1月"),
        "pre-filled from January: {said}"
    );
    assert!(said.contains("太保镇"), "太保镇 has nothing due: {said}");
    assert_eq!(form_ids(&o.path(&form("区财政局"))), ["CZ-002"]);
    // Pre-filled from January's archive.
    let note = form_instructions(&o.path(&form(fagai)));
    assert!(note.contains("已预填2023年1月报送的内容"), "{note}");
    assert_eq!(
        form_value(&o.path(&form(fagai)), "ZF-001", "完成进度"),
        "10"
    );
    assert_eq!(
        form_value(&o.path(&form(fagai)), "ZF-001", "进展情况"),
        "项目立项完成，开展前期工作"
    );
    let feb_date = (2023, 3, 2);
    o.answer(
        &form(fagai),
        "2023-02",
        "区发改局-2月",
        &[
            // Lowered from 10%: 谎报进度, red under red-yellow-blue.
            Answer::new("ZF-001", "正在办理", 3.0, "重新核定工程量"),
            Answer::new("ZF-002", "正在办理", 12.0, "召开专项行动推进会"),
        ],
        feb_date,
    );
    o.answer(
        &form("区财政局"),
        "2023-02",
        "区财政局-2月",
        &[Answer::new("CZ-002", "正在办理", 10.0, "已申报两个项目")],
        feb_date,
    );
    o.answer(
        &form("区住房和城乡建设局"),
        "2023-02",
        "区住建局-2月",
        &[Answer::new("ZJ-001", "正在办理", 5.0, "完成招标")],
        feb_date,
    );
    let bad = Answer {
        percent: Typed::Text("过半".into()),
        ..Answer::new("DF-001", "正在办理", 0.0, "整治3条街巷")
    };
    o.answer(
        &form("东风街道"),
        "2023-02",
        "东风街道-2月",
        &[bad],
        feb_date,
    );
    // January's file sent again by mistake.
    std::fs::copy(
        &jan_fagai,
        o.path("returns/2023-02/区发改局-1月(重发).xlsx"),
    )
    .unwrap();

    let (feb, stderr) = o.run(&[]);
    assert!(!stderr.contains("均未比对"), "{stderr}");
    assert_eq!(feb["history"]["previous"], "2023-01");
    assert_eq!(feb["round"], 1);
    // Last month's file: listed, not read, not charged.
    let again = one_issue(&feb, "FILE_ALREADY_ARCHIVED");
    assert_eq!(again["file"], "区发改局-1月(重发).xlsx");
    assert!(again["unit"].is_null() && again["severity"] == "warning");
    assert!(again["message"].as_str().unwrap().contains("2023年1月"));
    let fe = file_entry(&feb, "区发改局-1月(重发).xlsx");
    assert_eq!(
        (fe["outcome"].as_str(), fe["rows"].as_u64()),
        (Some("ignored"), Some(0))
    );
    assert!(fe["unit"].is_null());
    assert!(issues_with(&feb, "FILE_SUPERSEDED").is_empty());
    // Closed tasks: not expected, not carded, listed as closed.
    let cz = task(&feb, "CZ-001");
    assert_eq!(
        (cz["closed"].as_bool(), cz["closed_period"].as_str()),
        (Some(true), Some("2023-01"))
    );
    assert_eq!(
        (cz["due"].as_bool(), cz["card"].is_null()),
        (Some(false), true)
    );
    assert!(codes_for(&feb, "TASK_NOT_REPORTED", "CZ-001").is_empty());
    let tb = task(&feb, "TB-001");
    assert_eq!(
        (tb["closed"].as_bool(), tb["closed_period"].as_str()),
        (Some(true), Some("2023-02"))
    );
    assert_eq!(unit(&feb, "太保镇")["due"], 0);
    assert!(issues_with(&feb, "UNIT_NOT_REPORTED")
        .iter()
        .all(|i| i["unit"] != "太保镇"));
    // The open tasks are compared with January.
    assert_eq!(task(&feb, "ZF-001")["card"], "red");
    assert_eq!(codes_for(&feb, "ROW_PROGRESS_LOWERED", "ZF-001").len(), 1);
    assert!(!issues_with(&feb, "ROW_INVALID_PERCENT").is_empty());
    assert!(o.path("out/反馈/东风街道.xlsx").is_file());

    // 东风街道 resends its form corrected: a second round (补报).
    o.answer(
        &form("东风街道"),
        "2023-02",
        "东风街道-2月(修改)",
        &[Answer::new("DF-001", "正在办理", 20.0, "整治3条街巷")],
        (2023, 3, 3),
    );
    let refused = o.duban(&["run", "--quiet"]);
    assert!(!refused.status.success());
    let err = text(&refused.stderr);
    assert!(
        err.contains("--resubmit") && err.contains("--force"),
        "{err}"
    );
    let round1 = tree(&o.path("archive/2023-02"));
    let (feb2, _) = o.run(&["--resubmit"]);
    assert_eq!(feb2["round"], 2);
    assert_eq!(
        feb2["history"]["previous"], "2023-01",
        "rounds of the same period are not history"
    );
    assert_eq!(tree(&o.path("archive/2023-02")), round1, "round 1 changed");
    assert!(o.path("archive/2023-02_第2轮/results.json").is_file());
    assert!(o.path("out/汇总_2023-02_第2轮.xlsx").is_file());
    assert!(o.path("out/汇总_2023-02.xlsx").is_file());
    assert_eq!(task(&feb2, "DF-001")["actual"], 20.0);
    assert_eq!(
        file_entry(&feb2, "东风街道-2月(修改).xlsx")["outcome"],
        "accepted"
    );
    assert_eq!(unit(&feb2, "东风街道")["reported"], true);
    let mut notice = open_workbook_auto(o.path(&format!("out/反馈/{fagai}.xlsx"))).unwrap();
    let first = notice.sheet_names()[0].clone();
    let title = notice
        .worksheet_range(&first)
        .unwrap()
        .rows()
        .next()
        .unwrap()[0]
        .to_string();
    assert!(title.contains("第2轮"), "{title}");
    // Next month's forms carry round 2's figures, and say so.
    let note = form_instructions(&o.path("out/下期表单/东风街道.xlsx"));
    assert!(
        note.contains("已预填2023年2月（第2轮）报送的内容"),
        "{note}"
    );
    assert_eq!(
        form_value(&o.path("out/下期表单/东风街道.xlsx"), "DF-001", "完成进度"),
        "20"
    );

    // ------------------------------------------------------------ March
    // A quarter's last month, under yellow-orange-red; CZ-001 reopened (在办).
    o.set_config("2023-03", "yellow-orange-red");
    for t in &mut feb_ledger {
        if t.0 == "CZ-001" {
            t.6 = "在办";
        }
    }
    write_year_ledger(&o.path("台账.xlsx"), &feb_ledger);
    // 下期表单 went out before the ledger changed; 区财政局 gets a new form.
    let out = o.duban(&["forms", "--out", "三月补发"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        form_ids(&o.path("三月补发/区财政局.xlsx")),
        ["CZ-001", "CZ-002"]
    );
    let next = |unit: &str| format!("out/下期表单/{unit}.xlsx");
    assert_eq!(
        form_ids(&o.path(&next(fagai))),
        ["ZF-001", "ZF-002", "ZF-003"]
    );
    assert!(
        !o.path(&next("太保镇")).exists(),
        "TB-001 was closed by hand"
    );
    let mar_date = (2023, 4, 3);
    o.answer(
        &next(fagai),
        "2023-03",
        "区发改局-3月",
        &[
            // 30% planned by 31 March: 20 points behind, orange.
            Answer::new("ZF-001", "正在办理", 10.0, "主体工程开工"),
            Answer::new("ZF-002", "正在办理", 25.0, "出台十条措施"),
            Answer::new("ZF-003", "正在办理", 80.0, "签约8个项目"),
        ],
        mar_date,
    );
    o.answer(
        "三月补发/区财政局.xlsx",
        "2023-03",
        "区财政局-3月",
        &[
            Answer::new(
                "CZ-001",
                "正在办理",
                90.0,
                "复查发现两笔资金未到位，正在整改",
            ),
            Answer::new("CZ-002", "正在办理", 25.0, "一个项目获批"),
        ],
        mar_date,
    );
    o.answer(
        &next("区住房和城乡建设局"),
        "2023-03",
        "区住建局-3月",
        &[Answer::new("ZJ-001", "正在办理", 15.0, "3个小区开工")],
        mar_date,
    );
    o.answer(
        &next("东风街道"),
        "2023-03",
        "东风街道-3月",
        &[Answer::new("DF-001", "正在办理", 30.0, "整治5条街巷")],
        mar_date,
    );
    // Written elsewhere: the history is the working folder's, not --out's.
    let (mar, _) = o.run(&["--out", "三月输出"]);
    assert_eq!(mar["preset"], "yellow-orange-red");
    assert_eq!(mar["history"]["previous"], "2023-02");
    assert_eq!(mar["history"]["previous_round"], 2);
    assert_eq!(
        mar["history"]["periods"],
        serde_json::json!(["2023-01", "2023-02"])
    );
    assert!(o.path("archive/2023-03/results.json").is_file());
    let said = overview_value(&o.path("三月输出/汇总_2023-03.xlsx"), "历史期次");
    assert_eq!(said, "2023年1月、2023年2月（与2023年2月第2轮比对）");
    // February's red was under red-yellow-blue: not an orange of this year.
    let u = unit(&mar, fagai);
    assert_eq!(u["card"], "orange", "{u}");
    assert!(!u["reasons"].to_string().contains("橙牌"), "{u}");
    assert_eq!(task(&mar, "ZF-001")["card"], "orange");
    // CZ-001 reopened, TB-001 still closed.
    let cz = task(&mar, "CZ-001");
    assert_eq!(
        (cz["closed"].as_bool(), cz["due"].as_bool()),
        (Some(false), Some(true))
    );
    assert_eq!(cz["actual"], 90.0);
    assert_eq!(task(&mar, "TB-001")["closed_period"], "2023-02");
    assert!(issues_with(&mar, "FILE_ALREADY_ARCHIVED").is_empty());
    let row = ledger_row(&o.path("三月输出/汇总_2023-03.xlsx"), "TB-001");
    assert_eq!(row["销号"], "已销号（2023年2月）");

    // Each archived period records its own preset and round.
    let snap = |dir: &str| -> Value {
        let p = o.path(&format!("archive/{dir}/results.json"));
        serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
    };
    for (dir, preset, round) in [
        ("2023-01", "red-yellow-blue", 1),
        ("2023-02", "red-yellow-blue", 1),
        ("2023-02_第2轮", "red-yellow-blue", 2),
        ("2023-03", "yellow-orange-red", 1),
    ] {
        let s = snap(dir);
        assert_eq!(
            (s["schema_version"].as_u64(), s["round"].as_u64()),
            (Some(2), Some(round)),
            "{dir}"
        );
        assert_eq!(s["preset"], preset, "{dir}");
    }
}

/// `duban run` with flags only (the archive in `<out>/archive`), JSON and stderr.
fn run_flags(w: &Workdir, returns: &Path, period: &str, extra: &[&str]) -> (Value, String) {
    let out = duban()
        .arg("run")
        .arg("--ledger")
        .arg(w.path("台账.xlsx"))
        .arg("--returns")
        .arg(returns)
        .args(["--period", period, "--json", "-", "--out"])
        .arg(w.path("out"))
        .args(extra)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "duban run failed: {}",
        text(&out.stderr)
    );
    (
        serde_json::from_slice(&out.stdout).unwrap(),
        text(&out.stderr),
    )
}

/// March returns of the standard test ledger.
fn march_returns(w: &Workdir) -> PathBuf {
    w.ledger();
    let dir = w.path("returns-03");
    fagai_form().write(&dir.join("区发改局-3月.xlsx"));
    dir
}

#[test]
fn an_archive_left_in_the_output_folder_is_still_found() {
    let w = Workdir::new();
    let returns = march_returns(&w);
    run_flags(&w, &returns, "2023-03", &[]);
    assert!(w.path("out/archive/2023-03").is_dir());
    // The office then starts using a config file (archive default: beside it).
    std::fs::write(
        w.path("duban.toml"),
        "period = \"2023-04\"\nledger = \"台账.xlsx\"\nreturns = \"returns-04\"\nout = \"out\"\n",
    )
    .unwrap();
    std::fs::create_dir_all(w.path("returns-04")).unwrap();
    let out = duban()
        .current_dir(w.root())
        .args(["run", "--json", "-"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["history"]["previous"], "2023-03");
    assert!(w.path("out/archive/2023-04").is_dir());
    assert!(!w.path("archive").exists());
}

#[test]
fn force_replaces_only_the_latest_round() {
    let w = Workdir::new();
    let returns = march_returns(&w);
    let (v, _) = run_flags(&w, &returns, "2023-03", &[]);
    assert_eq!(v["round"], 1);
    let (v, _) = run_flags(&w, &returns, "2023-03", &["--resubmit"]);
    assert_eq!(v["round"], 2);
    let round1 = tree(&w.path("out/archive/2023-03"));
    let round2_manifest = std::fs::read(w.path("out/archive/2023-03_第2轮/manifest.json")).unwrap();
    // A unit's late form arrives; the office replaces round 2.
    Form::new("区财政局")
        .row(Form::ok_row("CZ-001", "盘活存量资金", "2023-09-30", 30.0))
        .write(&returns.join("区财政局-3月.xlsx"));
    let (v, _) = run_flags(&w, &returns, "2023-03", &["--force"]);
    assert_eq!(v["round"], 2);
    assert_eq!(tree(&w.path("out/archive/2023-03")), round1);
    let manifest = std::fs::read(w.path("out/archive/2023-03_第2轮/manifest.json")).unwrap();
    assert_ne!(manifest, round2_manifest);
    let m: Value = serde_json::from_slice(&manifest).unwrap();
    assert_eq!(
        (m["round"].as_u64(), m["files"].as_array().unwrap().len()),
        (Some(2), 2)
    );
    let mut rounds: Vec<String> = std::fs::read_dir(w.path("out/archive"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    rounds.sort();
    assert_eq!(rounds, ["2023-03", "2023-03_第2轮"]);
    // Both at once make no sense.
    let both = duban()
        .args(["run", "--force", "--resubmit", "--period", "2023-03"])
        .output()
        .unwrap();
    assert!(!both.status.success());
    let err = text(&both.stderr);
    assert!(
        err.contains("--resubmit") && err.contains("--force"),
        "{err}"
    );
}

#[test]
fn an_archive_written_before_snapshots_had_a_version_is_read_as_history() {
    let w = Workdir::new();
    w.ledger();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/archive_v1/2023-03");
    let dest = w.path("out/archive/2023-03");
    std::fs::create_dir_all(&dest).unwrap();
    for f in ["results.json", "manifest.json"] {
        std::fs::copy(fixture.join(f), dest.join(f)).unwrap();
    }
    let april = w.path("returns-04");
    std::fs::create_dir_all(&april).unwrap();
    // check reads the same history (given the archive) and names the round a run would make.
    let out = duban()
        .arg("check")
        .arg("--ledger")
        .arg(w.path("台账.xlsx"))
        .arg("--returns")
        .arg(&april)
        .args(["--period", "2023-04", "--json", "-", "--archive"])
        .arg(w.path("out/archive"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let c: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (c["history"]["previous"].as_str(), c["round"].as_u64()),
        (Some("2023-03"), Some(1))
    );
    let (v, stderr) = run_flags(&w, &april, "2023-04", &[]);
    assert!(!stderr.contains("无法读取"), "{stderr}");
    assert_eq!(v["history"]["previous"], "2023-03");
    assert_eq!(v["history"]["previous_round"], 1);
    // The March archive is left as it was.
    assert_eq!(
        std::fs::read(dest.join("results.json")).unwrap(),
        std::fs::read(fixture.join("results.json")).unwrap()
    );
    let again = duban()
        .arg("check")
        .arg("--ledger")
        .arg(w.path("台账.xlsx"))
        .arg("--returns")
        .arg(&april)
        .args(["--period", "2023-04", "--json", "-", "--archive"])
        .arg(w.path("out/archive"))
        .output()
        .unwrap();
    let c: Value = serde_json::from_slice(&again.stdout).unwrap();
    assert_eq!(
        c["round"], 2,
        "April is archived: a run now would be round 2"
    );
}

/// A form with one row of `id` given the percent `pct` (a number, or text).
fn one_row(
    unit: &str,
    id: &'static str,
    title: &'static str,
    deadline: &'static str,
    pct: V,
) -> Form {
    let mut row = Form::ok_row(id, title, deadline, 0.0);
    row[4] = pct;
    Form::new(unit).row(row)
}

/// 补报: a unit whose round-1 form was sent back resends it corrected beside
/// the old one. In round 2 the new form supersedes the old one (which is not
/// charged again), whatever dates the two carry; a round-1 form its unit did
/// not replace is read as before.
#[test]
fn a_resubmitted_form_supersedes_the_units_earlier_round_form() {
    let w = Workdir::new();
    w.ledger();
    let returns = w.path("returns-03");
    let fagai = "区发展和改革局";
    let caizheng = "区财政局";
    // Round 1: 区财政局's only row is wrong (the file is sent back whole);
    // 区发改局's ZF-002 row is wrong; 太保镇's form is in order.
    let cz_bad = one_row(
        caizheng,
        "CZ-001",
        "盘活存量资金",
        "2023-09-30",
        V::S("过半"),
    );
    cz_bad.write(&returns.join("区财政局-3月.xlsx"));
    let mut fg_bad = fagai_form();
    fg_bad.rows[1][4] = V::S("三成");
    fg_bad.write(&returns.join("区发改局-3月.xlsx"));
    one_row(
        "太保镇",
        "TB-001",
        "高标准农田建设2万亩",
        "2023-10-31",
        V::N(30.0),
    )
    .write(&returns.join("太保镇-3月.xlsx"));
    let (r1, _) = run_flags(&w, &returns, "2023-03", &[]);
    assert_eq!(file_entry(&r1, "区财政局-3月.xlsx")["outcome"], "rejected");
    assert_eq!(file_entry(&r1, "区发改局-3月.xlsx")["rejected"], 1);
    assert_eq!(unit(&r1, caizheng)["reported"], false);

    // The corrected forms arrive. 区发改局's carries an earlier 填报日期
    // than its round-1 form (the date copied from a draft): it is still
    // the newer submission, received after round 1.
    let cz_good = one_row(caizheng, "CZ-001", "盘活存量资金", "2023-09-30", V::N(40.0));
    cz_good.write(&returns.join("区财政局-3月(修改).xlsx"));
    let mut fg_good = fagai_form();
    for row in &mut fg_good.rows {
        row[13] = V::S("2023-03-29");
    }
    fg_good.write(&returns.join("区发改局-3月(修改).xlsx"));
    let (r2, _) = run_flags(&w, &returns, "2023-03", &["--resubmit"]);
    assert_eq!(r2["round"], 2);
    assert_reconciles(&r2);
    for (old, new) in [
        ("区财政局-3月.xlsx", "区财政局-3月(修改).xlsx"),
        ("区发改局-3月.xlsx", "区发改局-3月(修改).xlsx"),
    ] {
        let f = file_entry(&r2, old);
        assert_eq!(
            (f["outcome"].as_str(), f["superseded_by"].as_str()),
            (Some("superseded"), Some(new)),
            "{f}"
        );
        assert_eq!(
            (f["rejected"].as_u64(), f["accepted"].as_u64()),
            (Some(0), Some(0))
        );
        assert_eq!(f["superseded"], f["rows"], "{f}");
        assert_eq!(file_entry(&r2, new)["outcome"], "accepted");
        let why = issues_with(&r2, "FILE_SUPERSEDED")
            .into_iter()
            .find(|i| i["file"] == old)
            .unwrap_or_else(|| panic!("no FILE_SUPERSEDED on {old}"));
        assert!(why["message"].as_str().unwrap().contains("第2轮"), "{why}");
    }
    // 太保镇 sent nothing new: its round-1 form is read as before.
    assert_eq!(file_entry(&r2, "太保镇-3月.xlsx")["outcome"], "accepted");
    assert_eq!(task(&r2, "TB-001")["actual"], 30.0);
    assert_eq!(task(&r2, "CZ-001")["actual"], 40.0);
    assert_eq!(task(&r2, "ZF-002")["actual"], 30.0);
    // Nothing of the old forms is sent back or charged: the units stand as
    // if only the corrected forms had come.
    assert!(
        !w.path("out/反馈/区财政局.xlsx").exists() || {
            let text = all_text(&w.path("out/反馈/区财政局.xlsx"));
            !text.contains("过半")
        }
    );
    let clean = w.path("returns-clean");
    cz_good.write(&clean.join("区财政局-3月(修改).xlsx"));
    fg_good.write(&clean.join("区发改局-3月(修改).xlsx"));
    std::fs::copy(
        returns.join("太保镇-3月.xlsx"),
        clean.join("太保镇-3月.xlsx"),
    )
    .unwrap();
    let fresh = duban()
        .arg("run")
        .arg("--ledger")
        .arg(w.path("台账.xlsx"))
        .arg("--returns")
        .arg(&clean)
        .args(["--period", "2023-03", "--json", "-", "--quiet", "--out"])
        .arg(w.path("out-clean"))
        .output()
        .unwrap();
    assert!(fresh.status.success(), "{}", text(&fresh.stderr));
    let fresh: Value = serde_json::from_slice(&fresh.stdout).unwrap();
    for name in [caizheng, fagai, "太保镇"] {
        let (a, b) = (unit(&r2, name), unit(&fresh, name));
        for k in ["score", "card", "reasons", "reported", "late", "missing"] {
            assert_eq!(a[k], b[k], "{name} {k}");
        }
    }
}

/// Every cell's text of every sheet of a workbook.
fn all_text(path: &Path) -> String {
    let mut wb = open_workbook_auto(path).unwrap();
    let mut s = String::new();
    for name in wb.sheet_names() {
        if let Ok(range) = wb.worksheet_range(&name) {
            for c in range.used_cells() {
                s.push_str(&c.2.to_string());
                s.push('\n');
            }
        }
    }
    s
}
