//! A hand-built `RunResult` for the report tests: 5 units in 2 categories,
//! 12 tasks carrying all four cards, reminders, issues, rejected rows and a
//! superseded file. `big(n)` scales the task list for timing.

use std::collections::BTreeMap;
use std::path::PathBuf;

use chrono::NaiveDate;

use crate::config::{Config, Preset};
use crate::ingest::{FileFormat, SourceFile};
use crate::merge::{FileOutcome, FileRecord, Merged, RejectedRow, Submission, Totals};
use crate::model::{Card, Issue, IssueCode, Ledger, Provenance, Status, Task, Unit};
use crate::period::Period;
use crate::pipeline::RunResult;
use crate::score::{
    CardCounts, LeaderMark, LeaderResult, Reminder, ReminderKind, ScoreParts, Scored, TaskResult,
    UnitResult,
};
use crate::validate::Report;

pub fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

pub const UNITS: [(&str, &str); 5] = [
    ("区发改局", "区直部门"),
    ("区财政局", "区直部门"),
    ("区住建局", "区直部门"),
    ("城关镇", "乡镇街道"),
    ("河西街道", "乡镇街道"),
];

const LEADERS: [&str; 3] = ["张副区长", "李副区长", "王副区长"];

/// Card of task i (12 tasks: 2 red, 1 orange, 2 yellow, 3 blue, 4 none).
fn card_of(i: usize) -> Option<Card> {
    match i % 12 {
        0 | 7 => Some(Card::Red),
        1 => Some(Card::Orange),
        2 | 9 => Some(Card::Yellow),
        3 | 5 | 10 => Some(Card::Blue),
        _ => None,
    }
}

fn sha(n: usize) -> String {
    format!("{:064x}", n * 7919 + 12345)
}

fn unit(name: &str, cat: &str) -> Unit {
    Unit {
        name: name.into(),
        code: None,
        category: cat.into(),
        aliases: vec![],
        contact: "联系人".into(),
        phone: "0000-1234567".into(),
    }
}

fn src(rel: &str, n: usize) -> SourceFile {
    SourceFile {
        abs: PathBuf::from("/returns").join(rel),
        rel: rel.into(),
        size: 10_000 + n as u64,
        sha256: sha(n),
        modified: None,
        format: FileFormat::Xlsx,
    }
}

fn file_for(unit: usize) -> String {
    format!("{}/{}-3月.xlsx", UNITS[unit].1, UNITS[unit].0)
}

pub fn fixture() -> RunResult {
    big(12)
}

/// A run with `n` tasks spread over the five units.
pub fn big(n: usize) -> RunResult {
    let period = Period::month(2023, 3);
    let as_of = d(2023, 3, 31);
    let units: Vec<Unit> = UNITS.iter().map(|(n, c)| unit(n, c)).collect();
    let mut tasks = Vec::with_capacity(n);
    let mut results = Vec::with_capacity(n);
    let mut reports = BTreeMap::new();
    for i in 0..n {
        // 河西街道 (unit 4) does not report at all.
        let u = i % 5;
        let id = format!("ZF-{:03}", i + 1);
        let stars = [3u8, 4, 5][i % 3];
        let deadline = d(2023, 1 + (i % 12) as u32, 28);
        let task = Task {
            id: id.as_str().into(),
            title: format!("推进重点项目建设第{}项，确保按期完成年度目标任务", i + 1),
            source: ["政府工作报告", "领导批示", "会议议定"][i % 3].into(),
            stars,
            leader: LEADERS[i % 3].into(),
            lead_unit: UNITS[u].0.into(),
            coop_units: if i % 2 == 0 {
                vec!["区财政局".into(), "区自然资源局".into()]
            } else {
                vec![]
            },
            owner: "赵某".into(),
            start: Some(d(2023, 1, 1)),
            deadline: Some(deadline),
            assigned: Some(d(2022, 12, 30)),
            requirements: "按要求推进".into(),
            milestones: vec![],
            ledger_row: i as u32 + 2,
        };
        let card = card_of(i);
        let reported = u != 4 && i % 12 != 11;
        let status = if !reported {
            None
        } else if i % 12 == 4 || i % 12 == 6 {
            Some(Status::Completed)
        } else if i % 12 == 2 || i % 12 == 9 {
            Some(Status::NotStarted)
        } else {
            Some(Status::InProgress)
        };
        let actual = status.map(|s| match s {
            Status::Completed => 100.0,
            Status::NotStarted => 0.0,
            _ => 40.0 + (i % 5) as f64 * 10.0,
        });
        let planned = 50.0 + (i % 4) as f64 * 12.5;
        let report = status
            .map(|s| Report {
                task: id.as_str().into(),
                unit: UNITS[u].0.into(),
                status: s,
                percent: actual.unwrap_or(0.0),
                progress: format!("已完成前期手续第{}阶段", i % 4 + 1),
                problems: if i % 3 == 0 {
                    "资金缺口较大".into()
                } else {
                    String::new()
                },
                next_steps: "加快推进".into(),
                expected: Some(deadline),
                delay_reason: String::new(),
                filler: "钱某".into(),
                phone: "13800000000".into(),
                head: "孙某".into(),
                fill_date: Some(d(2023, 3, 30)),
                provenance: Provenance {
                    file: file_for(u),
                    sheet: "推进表".into(),
                    row: 4 + (i / 5) as u32,
                    sha256: sha(u),
                },
            })
            .map(std::sync::Arc::new);
        if let Some(r) = &report {
            reports.insert(id.clone(), r.clone());
        }
        results.push(TaskResult {
            id: id.clone(),
            title: task.title.clone(),
            source: task.source.clone(),
            stars,
            leader: task.leader.clone(),
            unit: task.lead_unit.to_string(),
            coop_units: task.coop_units.iter().map(String::from).collect(),
            owner: task.owner.clone(),
            start: task.start,
            deadline: Some(deadline),
            deadline_derived: false,
            due: period.is_due(stars),
            reported,
            status,
            actual,
            planned,
            lag: actual.map(|a| planned - a),
            done: status.is_some_and(Status::is_done),
            overdue: deadline < as_of && !status.is_some_and(Status::is_done),
            near_deadline: false,
            days_left: Some((deadline - as_of).num_days()),
            prev_actual: actual.map(|a| (a - 10.0).max(0.0)),
            card,
            reasons: card
                .map(|c| vec![format!("{}：滞后序时进度 {:.1} 个百分点", c.label(), 20.0)])
                .unwrap_or_default(),
            report,
        });
        tasks.push(task);
    }
    let ledger = Ledger::new(tasks, units, vec![]);

    // Files: one accepted per reporting unit, plus a superseded older file of
    // 区发改局 and a rejected (unreadable) one.
    let mut files = Vec::new();
    #[allow(clippy::needless_range_loop)]
    for u in 0..4 {
        let accepted = results
            .iter()
            .filter(|t| t.unit == UNITS[u].0 && t.reported)
            .count() as u32;
        files.push(FileRecord {
            file: src(&file_for(u), u),
            unit: Some(UNITS[u].0.into()),
            period: Some(period),
            fill_date: Some(d(2023, 3, 30)),
            sheets: vec!["推进表".into()],
            outcome: FileOutcome::Accepted,
            rows_read: accepted + if u == 1 { 2 } else { 0 },
            accepted,
            rejected: if u == 1 { 2 } else { 0 },
            superseded: 0,
            late: u == 2,
            superseded_by: None,
            error: None,
        });
    }
    files.push(FileRecord {
        file: src("区直部门/区发改局-3月(旧).xlsx", 10),
        unit: Some("区发改局".into()),
        period: Some(period),
        fill_date: Some(d(2023, 3, 20)),
        sheets: vec!["推进表".into()],
        outcome: FileOutcome::Superseded,
        rows_read: 2,
        accepted: 0,
        rejected: 0,
        superseded: 2,
        late: false,
        superseded_by: Some(file_for(0)),
        error: None,
    });
    files.push(FileRecord {
        file: src("坏文件.xlsx", 11),
        unit: None,
        period: None,
        fill_date: None,
        sheets: vec![],
        outcome: FileOutcome::Rejected,
        rows_read: 0,
        accepted: 0,
        rejected: 0,
        superseded: 0,
        late: false,
        superseded_by: None,
        error: Some("文件已损坏，无法打开".into()),
    });
    files.sort_by(|a, b| a.file.rel.cmp(&b.file.rel));

    let rejected = vec![
        RejectedRow {
            file: file_for(1),
            sheet: "推进表".into(),
            row: 9,
            unit: Some("区财政局".into()),
            task: Some("ZF-099".into()),
            original: vec![
                ("编号".into(), "ZF-099".into()),
                ("当前状态".into(), "正在办理".into()),
                ("完成进度（%）".into(), "50".into()),
            ],
            reasons: vec!["编号“ZF-099”不在台账中，请核对编号".into()],
        },
        RejectedRow {
            file: file_for(1),
            sheet: "推进表".into(),
            row: 10,
            unit: Some("区财政局".into()),
            task: Some("ZF-002".into()),
            original: vec![
                ("编号".into(), "ZF-002".into()),
                ("当前状态".into(), "已完成".into()),
                ("完成进度（%）".into(), "40".into()),
            ],
            reasons: vec!["当前状态为“已完成”但完成进度为 40%，请核实".into()],
        },
    ];

    let mut issues = vec![
        Issue::error(
            IssueCode::FileUnreadable,
            "文件已损坏，无法打开，请重新保存后报送",
        )
        .file("坏文件.xlsx"),
        Issue::error(
            IssueCode::RowUnknownTask,
            "编号“ZF-099”不在台账中，请核对编号",
        )
        .file(file_for(1))
        .sheet("推进表")
        .cell("B9")
        .unit("区财政局")
        .task("ZF-099")
        .value("ZF-099"),
        Issue::error(
            IssueCode::RowStatusConflict,
            "当前状态为“已完成”但完成进度为 40%，请核实",
        )
        .file(file_for(1))
        .sheet("推进表")
        .cell("G10")
        .unit("区财政局")
        .task("ZF-002")
        .value("已完成"),
        Issue::warning(
            IssueCode::RowTextUnchanged,
            "进展情况与上期相同，请如实更新",
        )
        .file(file_for(2))
        .sheet("推进表")
        .cell("I4")
        .unit("区住建局")
        .task("ZF-003")
        .value("已完成前期手续第3阶段"),
        Issue::warning(IssueCode::FileLate, "报送时间晚于截止日期 2023-04-05")
            .file(file_for(2))
            .unit("区住建局"),
        Issue::warning(IssueCode::UnitNotReported, "河西街道本期未报送").unit("河西街道"),
    ];
    issues.sort_by(|a, b| crate::model::issue_sort_key(a).cmp(&crate::model::issue_sort_key(b)));

    let mut submissions = BTreeMap::new();
    for (ui, (name, _)) in UNITS.iter().enumerate() {
        let mine: Vec<&TaskResult> = results.iter().filter(|t| t.unit == *name).collect();
        let due: Vec<String> = mine
            .iter()
            .filter(|t| t.due)
            .map(|t| t.id.clone())
            .collect();
        let missing: Vec<String> = mine
            .iter()
            .filter(|t| t.due && !t.reported)
            .map(|t| t.id.clone())
            .collect();
        submissions.insert(
            name.to_string(),
            Submission {
                unit: name.to_string(),
                due,
                files: if ui < 4 { vec![file_for(ui)] } else { vec![] },
                superseded_files: if ui == 0 {
                    vec!["区直部门/区发改局-3月(旧).xlsx".into()]
                } else {
                    vec![]
                },
                rejected_files: vec![],
                reported: ui < 4,
                late: ui == 2,
                errors: if ui == 1 { 2 } else { 0 },
                warnings: if ui == 2 { 2 } else { 0 },
                rows_accepted: mine.iter().filter(|t| t.reported).count() as u32,
                rows_rejected: if ui == 1 { 2 } else { 0 },
                missing,
            },
        );
    }
    let totals = Totals {
        files: files.len() as u32,
        rows_read: files.iter().map(|f| f.rows_read).sum(),
        accepted: files.iter().map(|f| f.accepted).sum(),
        rejected: files.iter().map(|f| f.rejected).sum(),
        superseded: files.iter().map(|f| f.superseded).sum(),
    };

    let mut unit_results = Vec::new();
    for (ui, (name, cat)) in UNITS.iter().enumerate() {
        let mine: Vec<&TaskResult> = results.iter().filter(|t| t.unit == *name).collect();
        let mut cards = CardCounts::default();
        let mut card = None;
        for t in &mine {
            cards.add(t.card);
            card = Card::max(card, t.card);
        }
        let own = if ui == 4 { Some(Card::Yellow) } else { None };
        let score = 90.0 - ui as f64 * 7.5;
        unit_results.push(UnitResult {
            name: name.to_string(),
            category: cat.to_string(),
            tasks: mine.len() as u32,
            due: mine.iter().filter(|t| t.due).count() as u32,
            done: mine.iter().filter(|t| t.done).count() as u32,
            behind: mine
                .iter()
                .filter(|t| !t.done && t.lag.is_some_and(|l| l > 0.0))
                .count() as u32,
            reported: ui < 4,
            late: ui == 2,
            parts: ScoreParts {
                progress: 80.0,
                completion: 70.0,
                reporting: if ui == 4 { 0.0 } else { 100.0 },
                quality: 90.0,
                base: score + 5.0,
                deduction: 5.0,
                evaluation: None,
            },
            score,
            rank: match ui {
                0 => 1,
                1 => 2,
                2 => 3,
                3 => 1,
                _ => 2,
            },
            prev_rank: match ui {
                0 => Some(3),
                1 => Some(1),
                2 => Some(2),
                3 => Some(1),
                _ => None,
            },
            rank_change: match ui {
                0 => Some(2),
                1 => Some(-1),
                2 => Some(-1),
                3 => Some(0),
                _ => None,
            },
            top3: ui < 2 || ui == 3,
            bottom3: ui == 2 || ui == 4,
            card: Card::max(card, own),
            reasons: if ui == 4 {
                vec!["本期未报送".into()]
            } else {
                vec![]
            },
            cards,
        });
    }
    unit_results
        .sort_by(|a, b| (&a.category, a.rank, &a.name).cmp(&(&b.category, b.rank, &b.name)));

    let leaders = LEADERS
        .iter()
        .enumerate()
        .map(|(li, name)| {
            let mine: Vec<&TaskResult> = results.iter().filter(|t| t.leader == *name).collect();
            let mut cards = CardCounts::default();
            for t in &mine {
                cards.add(t.card);
            }
            let mut units: Vec<String> = mine.iter().map(|t| t.unit.clone()).collect();
            units.sort();
            units.dedup();
            LeaderResult {
                name: name.to_string(),
                units,
                tasks: mine.len() as u32,
                done: mine.iter().filter(|t| t.done).count() as u32,
                behind: mine
                    .iter()
                    .filter(|t| !t.done && t.lag.is_some_and(|l| l > 0.0))
                    .count() as u32,
                overdue: mine.iter().filter(|t| t.overdue).count() as u32,
                cards,
                mark: match li {
                    0 => Some(LeaderMark::Red),
                    1 => Some(LeaderMark::Blue),
                    _ => None,
                },
                mark_reason: match li {
                    0 => "分管事项有红牌".into(),
                    1 => "分管事项全部按序时推进".into(),
                    _ => String::new(),
                },
            }
        })
        .collect::<Vec<_>>();
    let mut leaders = leaders;
    leaders.sort_by(|a, b| a.name.cmp(&b.name));

    let mut reminders = Vec::new();
    for t in results.iter().take(12) {
        let kind = if t.overdue {
            ReminderKind::Overdue
        } else if t.days_left.is_some_and(|x| (0..=7).contains(&x)) {
            ReminderKind::NearDeadline
        } else if t.due {
            ReminderKind::Cadence
        } else {
            continue;
        };
        reminders.push(Reminder {
            kind,
            task: t.id.clone(),
            title: t.title.clone(),
            unit: t.unit.clone(),
            leader: t.leader.clone(),
            stars: t.stars,
            deadline: t.deadline,
            days_left: t.days_left,
            note: match kind {
                ReminderKind::Overdue => "已超过完成时限，请说明原因并提出整改时限".into(),
                ReminderKind::NearDeadline => "临近完成时限，请加快推进".into(),
                ReminderKind::Cadence => format!("{}星事项本期应报送", t.stars),
            },
        });
    }

    RunResult {
        period,
        as_of,
        report_deadline: d(2023, 4, 5),
        preset: Preset::RedYellowBlue,
        config: Config::default(),
        ledger,
        ledger_file: "台账.xlsx".into(),
        ledger_issues: vec![],
        merged: Merged {
            files,
            reports,
            rejected,
            issues,
            totals,
            submissions,
        },
        scored: Scored {
            tasks: results,
            units: unit_results,
            leaders,
            reminders,
        },
        history_periods: vec![Period::month(2023, 2)],
    }
}
