//! Issue 15's fairness rules through the binary, under both presets:
//! overdue tasks are always due (§5), 前三位 is earned (§8), lateness comes
//! from the form and not the file (§10), the progress chart compares like
//! with like (§11) and a leader can be blue (§12).

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use crate::common::*;
use calamine::{open_workbook_auto, Data, Reader};
use rust_xlsxwriter::Workbook;
use serde_json::Value;

const PRESETS: [&str; 2] = ["red-yellow-blue", "yellow-orange-red"];

/// `duban run` into `out/<preset>` (`--force`: each test's periods are run
/// afresh, whatever was archived before).
fn run(w: &Workdir, period: &str, as_of: &str, preset: &str, extra: &[&str]) -> Value {
    let out = duban()
        .arg("run")
        .arg("--ledger")
        .arg(w.path("台账.xlsx"))
        .arg("--returns")
        .arg(w.returns())
        .args(["--period", period, "--as-of", as_of, "--preset", preset])
        .args(["--json", "-", "--quiet", "--force", "--out"])
        .arg(w.path(&format!("out/{preset}")))
        .args(extra)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "duban run failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn rows_of(path: &Path, sheet: &str) -> Vec<Vec<String>> {
    let mut wb = open_workbook_auto(path).unwrap();
    let range = wb.worksheet_range(sheet).unwrap();
    range
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::Empty => String::new(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

/// The ids in the 编号 column of a `duban forms` form (反馈表), below its header.
fn form_ids(path: &Path) -> Vec<String> {
    let rows = rows_of(path, "反馈表");
    let (header, col) = rows
        .iter()
        .enumerate()
        .find_map(|(i, r)| Some((i, r.iter().position(|c| c == "编号")?)))
        .expect("header");
    rows[header + 1..]
        .iter()
        .map(|r| r[col].clone())
        .take_while(|id| !id.is_empty())
        .collect()
}

/// A 发改 form for `label` (e.g. `2023年4月`) with ZF-001 and ZF-002 only.
fn fagai_without_zf003(label: &str) -> Form {
    let mut f = Form::new("区发展和改革局")
        .row(Form::ok_row(
            "ZF-001",
            "推进重点项目建设",
            "2023-06-30",
            45.0,
        ))
        .row(Form::ok_row(
            "ZF-002",
            "优化营商环境专项行动",
            "2023-12-31",
            35.0,
        ));
    f.unit_line = Some(format!("填报单位：区发展和改革局　报送期次：{label}"));
    f.title = None;
    for r in &mut f.rows {
        r[13] = V::S("2023-04-28");
    }
    f
}

// ------------------------------------------------------------------ §5

/// ZF-003 (3★) passed its deadline on 2023-03-15 and is not done: April is
/// off the 3★ quarterly cadence, yet the task is on April's forms and expected.
#[test]
fn overdue_tasks_are_due_every_period_whatever_their_stars() {
    let w = Workdir::new();
    w.ledger();
    // duban forms for April: 发改's form lists ZF-003 beside its 4★/5★ tasks.
    let out = duban()
        .args(["forms", "--period", "2023-04", "--ledger"])
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
    let ids = form_ids(&w.path("forms/区发展和改革局.xlsx"));
    assert_eq!(ids, vec!["ZF-001", "ZF-002", "ZF-003"]);

    fagai_without_zf003("2023年4月").write(&w.returns().join("发改-4月.xlsx"));
    for preset in PRESETS {
        let v = run(&w, "2023-04", "2023-04-30", preset, &[]);
        let t = task(&v, "ZF-003");
        assert_eq!(t["due"], true, "{preset}");
        assert_eq!(t["due_reason"], "overdue", "{preset}");
        assert_eq!(task(&v, "ZF-002")["due_reason"], "cadence");
        let missing = issues_with(&v, "TASK_NOT_REPORTED");
        let zf003: Vec<_> = missing.iter().filter(|i| i["task"] == "ZF-003").collect();
        assert_eq!(zf003.len(), 1, "{preset}: {missing:?}");
        let msg = zf003[0]["message"].as_str().unwrap();
        assert!(msg.contains("已超过完成时限未完成，每期须报送"), "{msg}");
        assert_eq!(unit(&v, "区发展和改革局")["due"], 3);
        // 督办提示 lists it as overdue, not as a quarterly 3★ reminder.
        let summary = w.path(&format!("out/{preset}/汇总_2023-04.xlsx"));
        let reminders = rows_of(&summary, "督办提示");
        let lines: Vec<String> = reminders
            .iter()
            .filter(|r| r.iter().any(|c| c == "ZF-003"))
            .map(|r| r.join("|"))
            .collect();
        assert_eq!(lines.len(), 1, "{lines:?}");
        assert!(lines[0].contains("已超过完成时限"), "{lines:?}");
    }
}

/// 下期表单 follows the same rule: after March, April's form for 发改 keeps
/// ZF-003 while it is not done, and drops it once it is done.
#[test]
fn next_period_forms_keep_overdue_tasks_until_done() {
    for (status, pct, kept) in [("正在办理", 80.0, true), ("已完成", 100.0, false)] {
        let w = Workdir::new();
        w.ledger();
        let mut f = fagai_form();
        f.rows[2][3] = V::S(status);
        f.rows[2][4] = V::N(pct);
        f.write(&w.returns().join("发改-3月.xlsx"));
        run(&w, "2023-03", "2023-03-31", "red-yellow-blue", &[]);
        let next = w.path("out/red-yellow-blue/下期表单/区发展和改革局.xlsx");
        let ids = form_ids(&next);
        assert_eq!(
            ids.contains(&"ZF-003".to_string()),
            kept,
            "{status}: {ids:?}"
        );
        assert!(ids.contains(&"ZF-002".to_string()));
    }
}

// ------------------------------------------------------------------ §10

fn set_mtime(path: &Path, days_after_epoch_date: SystemTime) {
    std::fs::File::options()
        .write(true)
        .open(path)
        .unwrap()
        .set_modified(days_after_epoch_date)
        .unwrap();
}

/// 2023-04-20 12:00 UTC: well after the reporting deadline of 2023-04-05.
fn late_file_time() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_681_992_000)
}

/// A complete 发改 March form without any 填报日期, saved (so its file says) on 2023-04-20.
fn undated_form(w: &Workdir) -> PathBuf {
    w.ledger();
    let mut f = fagai_form();
    for r in &mut f.rows {
        r[13] = V::E;
    }
    let p = w.returns().join("发改-3月.xlsx");
    f.write(&p);
    set_mtime(&p, late_file_time());
    p
}

#[test]
fn a_form_without_fill_date_is_not_late_by_its_file_time() {
    let w = Workdir::new();
    undated_form(&w);
    for preset in PRESETS {
        let v = run(&w, "2023-03", "2023-03-31", preset, &[]);
        assert!(issues_with(&v, "FILE_LATE").is_empty(), "{preset}");
        let i = one_issue(&v, "FILE_NO_FILL_DATE");
        assert_eq!(i["severity"], "warning");
        assert_eq!(i["unit"], "区发展和改革局");
        assert!(i["message"].as_str().unwrap().contains("没有填写填报日期"));
        assert_eq!(file_entry(&v, "发改-3月.xlsx")["late"], false);
        assert_eq!(unit(&v, "区发展和改革局")["late"], false);
    }
    // `late_by_file_time = true` restores the file-time rule.
    std::fs::write(w.path("duban.toml"), "late_by_file_time = true\n").unwrap();
    let config = w.path("duban.toml");
    let config = config.to_str().unwrap();
    for preset in PRESETS {
        let v = run(&w, "2023-03", "2023-03-31", preset, &["--config", config]);
        let i = one_issue(&v, "FILE_LATE");
        assert!(i["message"]
            .as_str()
            .unwrap()
            .contains("文件修改日期为2023-04-20"));
        assert!(issues_with(&v, "FILE_NO_FILL_DATE").is_empty());
        assert_eq!(unit(&v, "区发展和改革局")["late"], true);
    }
}

/// The signature block under the table (`填报日期：…`) is the form's date.
#[test]
fn the_fill_date_under_the_table_counts() {
    let w = Workdir::new();
    let mut f = fagai_form();
    for r in &mut f.rows {
        r[13] = V::E;
    }
    f.notes = vec!["填报人：张三　联系电话：13800000000　填报日期：2023年4月8日".into()];
    let p = w.returns().join("发改-3月.xlsx");
    f.write(&p);
    // The file time says on time; the form says late: the form wins.
    set_mtime(
        &p,
        SystemTime::UNIX_EPOCH + Duration::from_secs(1_680_000_000),
    );
    let v = check(&w, &[]);
    let i = one_issue(&v, "FILE_LATE");
    assert!(i["message"]
        .as_str()
        .unwrap()
        .contains("填报日期为2023-04-08"));
    assert!(issues_with(&v, "FILE_NO_FILL_DATE").is_empty());
}

// ------------------------------------------------------------------ §8

/// A ledger of two categories, one 5★ task per unit (2023-03-01 … 04-30:
/// planned 50% on 03-31): six towns and four departments.
const TOWNS: [&str; 6] = ["甲镇", "乙镇", "丙镇", "丁镇", "戊镇", "己镇"];
const DEPTS: [&str; 4] = ["区发改局", "区财政局", "区住建局", "区教育局"];

fn write_ranking_ledger(path: &Path) {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet().set_name("台账").unwrap();
    let headers = [
        "编号",
        "事项名称",
        "星级",
        "牵头领导",
        "牵头单位",
        "开始日期",
        "完成时限",
    ];
    for (c, h) in headers.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (i, u) in TOWNS.iter().chain(&DEPTS).enumerate() {
        let row = i as u32 + 1;
        let cells = [
            format!("T-{:02}", i + 1),
            format!("{u}重点工作"),
            "5".into(),
            "李遥".into(),
            u.to_string(),
            "2023-03-01".into(),
            "2023-04-30".into(),
        ];
        for (c, v) in cells.iter().enumerate() {
            ws.write_string(row, c as u16, v).unwrap();
        }
    }
    let ws = wb.add_worksheet().set_name("单位").unwrap();
    ws.write_string(0, 0, "单位名称").unwrap();
    ws.write_string(0, 1, "类别").unwrap();
    for (i, u) in TOWNS.iter().chain(&DEPTS).enumerate() {
        ws.write_string(i as u32 + 1, 0, *u).unwrap();
        let cat = if i < TOWNS.len() {
            "乡镇街道"
        } else {
            "区直部门"
        };
        ws.write_string(i as u32 + 1, 1, cat).unwrap();
    }
    wb.save(path).unwrap();
}

/// One unit's March form for its one task at `pct`, filled on `date`.
fn ranking_form(w: &Workdir, i: usize, unit: &str, pct: f64, date: &'static str) {
    let mut f = Form::new(unit);
    let mut r = Form::ok_row("T-01", "x", "2023-04-30", pct);
    r[0] = V::Str(format!("T-{:02}", i + 1));
    r[1] = V::Str(format!("{unit}重点工作"));
    r[13] = V::S(date);
    f.rows.push(r);
    f.write(&w.returns().join(format!("{unit}.xlsx")));
}

fn marks(v: &Value, names: &[&str]) -> Vec<(String, bool, bool, Vec<String>)> {
    names
        .iter()
        .map(|n| {
            let u = unit(v, n);
            let bars = u["not_top3"]
                .as_array()
                .unwrap()
                .iter()
                .map(|b| b.as_str().unwrap().to_string())
                .collect();
            (
                n.to_string(),
                u["top3"].as_bool().unwrap(),
                u["bottom3"].as_bool().unwrap(),
                bars,
            )
        })
        .collect()
}

#[test]
fn top_three_is_earned_and_never_meets_the_bottom() {
    let w = Workdir::new();
    write_ranking_ledger(&w.path("台账.xlsx"));
    // Towns: 甲 on plan but late; 乙 … 戊 further and further behind; 己 silent.
    for (i, (u, pct)) in TOWNS.iter().zip([50.0, 35.0, 30.0, 25.0, 20.0]).enumerate() {
        let date = if i == 0 { "2023-04-08" } else { "2023-03-30" };
        ranking_form(&w, i, u, pct, date);
    }
    // Departments: the issue's case — four units, one sent nothing (20 points).
    for (i, (u, pct)) in DEPTS[..3].iter().zip([50.0, 45.0, 40.0]).enumerate() {
        ranking_form(&w, TOWNS.len() + i, u, pct, "2023-03-30");
    }
    let s = |x: &[&str]| x.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let row = |n: &str, top, bottom, bars: &[&str]| (n.to_string(), top, bottom, s(bars));
    for preset in PRESETS {
        let v = run(&w, "2023-03", "2023-03-31", preset, &[]);
        // 甲 scores highest but was late; 戊 is red under red-yellow-blue.
        let towns = marks(&v, &TOWNS);
        assert_eq!(unit(&v, "甲镇")["rank"], 1, "{preset}");
        assert_eq!(
            towns[0],
            row("甲镇", false, false, &["逾期报送"]),
            "{preset}"
        );
        assert_eq!(towns[1], row("乙镇", true, false, &[]), "{preset}");
        assert_eq!(
            towns[5],
            row("己镇", false, true, &["本期未报送"]),
            "{preset}"
        );
        assert!(towns[3].2 && towns[4].2, "{preset}: {towns:?}");
        let tops = towns.iter().filter(|t| t.1).count();
        let bottoms = towns.iter().filter(|t| t.2).count();
        assert!(tops <= 3 && bottoms == 3, "{preset}: {towns:?}");
        assert!(towns.iter().all(|t| !(t.1 && t.2)));
        assert!(towns.iter().filter(|t| t.1).all(|t| t.3.is_empty()));
        if preset == "red-yellow-blue" {
            assert_eq!(towns[2], row("丙镇", true, false, &[]));
            assert_eq!(towns[4].3, s(&["亮红牌"]));
        } else {
            // Lag 20 > 15: orange, so 丙 may not be top either.
            assert_eq!(towns[2], row("丙镇", false, false, &["亮橙牌"]));
        }
        // Four departments: at most two each way; the silent one scores 20,
        // is bottom and never top.
        let depts = marks(&v, &DEPTS);
        if preset == "red-yellow-blue" {
            assert_eq!(unit(&v, "区教育局")["score"], 20.0);
        }
        assert_eq!(
            depts,
            vec![
                row("区发改局", true, false, &[]),
                row("区财政局", true, false, &[]),
                row("区住建局", false, true, &[]),
                row("区教育局", false, true, &["本期未报送"]),
            ],
            "{preset}"
        );
        // 单位排名 says why 甲镇, ranked first, is not 前三位.
        let summary = w.path(&format!("out/{preset}/汇总_2023-03.xlsx"));
        let ranking = rows_of(&summary, "单位排名");
        let col = ranking[0].iter().position(|h| h == "标注").unwrap();
        let jia = ranking.iter().find(|r| r[2] == "甲镇").unwrap();
        assert_eq!(jia[col], "不列前三位（逾期报送）");
        let yi = ranking.iter().find(|r| r[2] == "乙镇").unwrap();
        assert_eq!(yi[col], "前三位");
        let ji = ranking.iter().find(|r| r[2] == "己镇").unwrap();
        assert_eq!(ji[col], "后三位（约谈）");
    }
}

// ------------------------------------------------------------ §11, §12

/// 发改 reports ZF-001 and ZF-002 but not ZF-003 (due in March); 财政 is a
/// little behind plan (27% against about 32.7%), no card under either preset.
#[test]
fn chart_averages_the_same_tasks_and_leaders_can_be_blue() {
    let w = Workdir::new();
    w.ledger();
    let mut f = fagai_form();
    f.rows.pop();
    f.write(&w.returns().join("发改-3月.xlsx"));
    Form::new("区财政局")
        .row(Form::ok_row("CZ-001", "盘活存量资金", "2023-09-30", 27.0))
        .write(&w.returns().join("财政-3月.xlsx"));
    for preset in PRESETS {
        let v = run(&w, "2023-03", "2023-03-31", preset, &[]);
        let planned: Vec<f64> = ["ZF-001", "ZF-002", "ZF-003"]
            .iter()
            .map(|id| task(&v, id)["planned"].as_f64().unwrap())
            .collect();
        assert!(task(&v, "ZF-003")["actual"].is_null());
        let round1 = |x: f64| (x * 10.0).round() / 10.0;
        let want_planned = round1(planned.iter().sum::<f64>() / 3.0);
        // Actual over the same three tasks: 40, 30 and 0 for ZF-003.
        let want_actual = round1((40.0 + 30.0 + 0.0) / 3.0);

        let summary = w.path(&format!("out/{preset}/汇总_2023-03.xlsx"));
        let o = rows_of(&summary, "总览");
        // The chart data, wherever its column is (right of the printed ones).
        let (title, c0) = o
            .iter()
            .enumerate()
            .find_map(|(i, r)| {
                r.iter()
                    .position(|c| c.starts_with("图表数据：各单位序时进度与实际进度"))
                    .map(|c| (i, c))
            })
            .unwrap();
        assert!(o[title][c0].contains("应报未报的按0计"));
        let fagai = o[title + 2..]
            .iter()
            .find(|r| r[c0] == "区发展和改革局")
            .unwrap();
        let num = |s: &str| s.parse::<f64>().unwrap();
        assert_eq!(num(&fagai[c0 + 1]), want_planned, "{preset}");
        assert_eq!(num(&fagai[c0 + 2]), want_actual, "{preset}");
        assert_eq!(num(&fagai[c0 + 4]), 3.0, "{preset}");

        // 领导分管: 刘洋's only task lags about 5.7 points, below any card: blue.
        assert!(task(&v, "CZ-001")["card"].is_null(), "{preset}");
        assert!(task(&v, "CZ-001")["lag"].as_f64().unwrap() > 0.0);
        let leaders = rows_of(&summary, "领导分管");
        let col = leaders[0].iter().position(|h| h == "标注(蓝红)").unwrap();
        let liu = leaders.iter().find(|r| r[0] == "刘洋").unwrap();
        assert_eq!(liu[col], "蓝", "{preset}: {liu:?}");
        // 任志超's ZF-003 is overdue: red.
        let ren = leaders.iter().find(|r| r[0] == "任志超").unwrap();
        assert_eq!(ren[col], "红", "{preset}");
    }
}
