//! Tests of the score stage with literal inputs.

use chrono::NaiveDate;

use super::cards::{self, fmt_num, TaskFacts, UnitFacts};
use super::rank;
use super::*;
use crate::config::{Preset, RedYellowBlue, YellowOrangeRed};
use crate::due::DueReason;
use crate::merge::Submission;
use crate::model::{Evaluation, Milestone, Provenance, Unit};
use crate::store::history::{PeriodSnapshot, TaskSnap, UnitSnap};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn task(id: &str, stars: u8, unit: &str, start: NaiveDate, deadline: NaiveDate) -> Task {
    Task {
        id: id.into(),
        title: format!("事项{id}"),
        source: "政府工作报告".into(),
        stars,
        leader: "张副区长".into(),
        lead_unit: unit.into(),
        coop_units: vec![],
        owner: String::new(),
        start: Some(start),
        deadline: Some(deadline),
        assigned: None,
        requirements: String::new(),
        milestones: vec![],
        ledger_row: 2,
        state_mark: None,
        group: None,
    }
}

fn unit(name: &str, category: &str) -> Unit {
    Unit {
        name: name.into(),
        code: None,
        category: category.into(),
        aliases: vec![],
        contact: String::new(),
        phone: String::new(),
    }
}

fn report(id: &str, unit: &str, status: Status, percent: f64) -> Report {
    Report {
        task: id.into(),
        unit: unit.into(),
        status,
        percent,
        progress: String::new(),
        problems: String::new(),
        next_steps: String::new(),
        expected: None,
        delay_reason: String::new(),
        filler: String::new(),
        phone: String::new(),
        head: String::new(),
        fill_date: None,
        provenance: Provenance::default(),
    }
}

fn submission(unit: &str, reported: bool, late: bool, errors: u32, warnings: u32) -> Submission {
    Submission {
        unit: unit.into(),
        reported,
        late,
        errors,
        warnings,
        ..Default::default()
    }
}

fn merged(reports: Vec<Report>, subs: Vec<Submission>) -> Merged {
    Merged {
        reports: reports
            .into_iter()
            .map(|r| (r.task.to_string(), std::sync::Arc::new(r)))
            .collect(),
        submissions: subs.into_iter().map(|s| (s.unit.clone(), s)).collect(),
        ..Default::default()
    }
}

fn tsnap(id: &str, unit: &str, actual: Option<f64>, card: Option<Card>) -> TaskSnap {
    TaskSnap {
        id: id.into(),
        unit: unit.into(),
        status: Some(Status::InProgress),
        actual,
        card,
        ..TaskSnap::default()
    }
}

fn usnap(name: &str, rank: u32, card: Option<Card>) -> UnitSnap {
    UnitSnap {
        name: name.into(),
        category: "区直部门".into(),
        score: 80.0,
        rank,
        card,
        ..UnitSnap::default()
    }
}

fn snap(period: Period, tasks: Vec<TaskSnap>, units: Vec<UnitSnap>) -> PeriodSnapshot {
    PeriodSnapshot::new(period, period.end(), tasks, units)
}

struct Fixture {
    ledger: Ledger,
    config: Config,
    calendar: Calendar,
    merged: Merged,
    history: History,
    period: Period,
    as_of: NaiveDate,
}

impl Fixture {
    fn new(tasks: Vec<Task>, units: Vec<Unit>, merged: Merged) -> Self {
        Fixture {
            ledger: Ledger::new(tasks, units, vec![]),
            config: Config::default(),
            calendar: Calendar::new(&[], &[], 5),
            merged,
            history: History::default(),
            period: Period::month(2023, 3),
            as_of: d(2023, 3, 31),
        }
    }
    fn run(&self) -> Scored {
        let expected = crate::due::DueRule {
            period: self.period,
            as_of: self.as_of,
            calendar: &self.calendar,
            near_deadline_days: self.config.near_deadline_days,
        }
        .expected_after(&self.ledger, &self.history);
        score(&ScoreInput {
            expected: &expected,
            ledger: &self.ledger,
            period: self.period,
            as_of: self.as_of,
            config: &self.config,
            calendar: &self.calendar,
            merged: &self.merged,
            history: &self.history,
        })
    }
}

fn facts<'a>(h: &'a History) -> TaskFacts<'a> {
    TaskFacts {
        id: "T1",
        status: Some(Status::InProgress),
        actual: None,
        planned: 0.0,
        lag: None,
        done: false,
        overdue: false,
        deadline: Some(d(2023, 12, 31)),
        days_left: Some(100),
        prev_actual: None,
        past: h.newest_first().map(|p| p.task("T1")).collect(),
    }
}

/// Facts of a started task with `planned` and `actual`.
fn behind<'a>(h: &'a History, planned: f64, actual: f64) -> TaskFacts<'a> {
    TaskFacts {
        actual: Some(actual),
        planned,
        lag: Some(planned - actual),
        ..facts(h)
    }
}

fn cards_of(fired: &[(Card, String)]) -> Vec<Card> {
    fired.iter().map(|f| f.0).collect()
}

// ------------------------------------------------------------ planned progress

#[test]
fn planned_linear_exact() {
    let cal = Calendar::new(&[], &[], 5);
    let t = task("T1", 3, "A", d(2023, 1, 1), d(2023, 1, 11));
    assert_eq!(planned_progress(&t, &cal, d(2022, 12, 31)), 0.0);
    assert_eq!(planned_progress(&t, &cal, d(2023, 1, 1)), 0.0);
    assert_eq!(planned_progress(&t, &cal, d(2023, 1, 4)), 30.0);
    assert_eq!(planned_progress(&t, &cal, d(2023, 1, 6)), 50.0);
    assert_eq!(planned_progress(&t, &cal, d(2023, 1, 11)), 100.0);
    assert_eq!(planned_progress(&t, &cal, d(2023, 2, 1)), 100.0);
}

#[test]
fn planned_through_milestones_exact() {
    let cal = Calendar::new(&[], &[], 5);
    let mut t = task("T1", 3, "A", d(2023, 1, 1), d(2023, 1, 11));
    t.milestones = vec![Milestone {
        date: d(2023, 1, 5),
        planned: 60.0,
    }];
    // 0 → 60 over 4 days, then 60 → 100 over 6 days.
    assert_eq!(planned_progress(&t, &cal, d(2023, 1, 3)), 30.0);
    assert_eq!(planned_progress(&t, &cal, d(2023, 1, 5)), 60.0);
    assert_eq!(planned_progress(&t, &cal, d(2023, 1, 8)), 80.0);
    // Linear would have said 70 on 01-08.
    t.milestones.clear();
    assert_eq!(planned_progress(&t, &cal, d(2023, 1, 8)), 70.0);
}

#[test]
fn planned_milestones_clamped() {
    let cal = Calendar::new(&[], &[], 5);
    let mut t = task("T1", 3, "A", d(2023, 1, 1), d(2023, 1, 11));
    t.milestones = vec![
        // Outside [start, deadline]: ignored.
        Milestone {
            date: d(2022, 12, 1),
            planned: 90.0,
        },
        Milestone {
            date: d(2023, 1, 3),
            planned: 40.0,
        },
        // Lower than the one before: raised to 40.
        Milestone {
            date: d(2023, 1, 7),
            planned: 20.0,
        },
        Milestone {
            date: d(2023, 2, 1),
            planned: 10.0,
        },
    ];
    assert_eq!(planned_progress(&t, &cal, d(2023, 1, 2)), 20.0);
    assert_eq!(planned_progress(&t, &cal, d(2023, 1, 5)), 40.0);
    // 40 → 100 from 01-07 to 01-11.
    assert_eq!(planned_progress(&t, &cal, d(2023, 1, 9)), 70.0);
}

#[test]
fn planned_without_deadline_or_start() {
    let cal = Calendar::new(&[], &[], 5);
    let mut t = task("T1", 3, "A", d(2023, 1, 1), d(2023, 1, 11));
    t.start = None;
    // Start falls back to 1 January of the deadline's year.
    assert_eq!(planned_progress(&t, &cal, d(2023, 1, 6)), 50.0);
    t.deadline = None;
    assert_eq!(planned_progress(&t, &cal, d(2023, 1, 6)), 0.0);
}

#[test]
fn default_deadline_five_working_days() {
    // Assigned Thu 2023-03-30; weekend 04-01/02 and holiday Wed 04-05 skipped:
    // 03-31, 04-03, 04-04, 04-06, 04-07 → deadline Fri 2023-04-07.
    let cal = Calendar::new(&[d(2023, 4, 5)], &[], 5);
    let mut t = task("T1", 5, "A", d(2023, 3, 30), d(2023, 3, 30));
    t.start = None;
    t.deadline = None;
    t.assigned = Some(d(2023, 3, 30));
    assert_eq!(cal.effective_deadline(&t), Some(d(2023, 4, 7)));
    // Span 8 days from 交办日期; 4 days in → 50%.
    assert_eq!(planned_progress(&t, &cal, d(2023, 4, 3)), 50.0);

    let mut f = Fixture::new(vec![t], vec![unit("A", "区直部门")], Merged::default());
    f.calendar = cal;
    f.as_of = d(2023, 4, 10);
    f.period = Period::month(2023, 4);
    let s = f.run();
    let r = &s.tasks[0];
    assert_eq!(r.deadline, Some(d(2023, 4, 7)));
    assert!(r.deadline_derived);
    assert_eq!(r.days_left, Some(-3));
    assert!(r.overdue);
    assert_eq!(r.card, Some(Card::Red));
    assert_eq!(r.reasons[0], "已超过完成时限（2023-04-07）3天仍未完成");
}

// ------------------------------------------------------------ red-yellow-blue

#[test]
fn fmt_num_drops_needless_decimals() {
    assert_eq!(fmt_num(35.0), "35");
    assert_eq!(fmt_num(12.5), "12.5");
    assert_eq!(fmt_num(10.009999999999998), "10.01");
    assert_eq!(fmt_num(-0.001), "0");
}

#[test]
fn ryb_blue_threshold() {
    let h = History::default();
    let c = RedYellowBlue::default();
    assert_eq!(cards::ryb_task(&behind(&h, 50.0, 40.0), &c), vec![]);
    let fired = cards::ryb_task(&behind(&h, 50.0, 39.99), &c);
    assert_eq!(cards_of(&fired), vec![Card::Blue]);
    assert_eq!(
        fired[0].1,
        "已启动但进度缓慢：序时进度50%，实际39.99%，滞后10.01个百分点（>10）"
    );
    // Not started and 0%: not blue (that is the yellow rule's business).
    let mut f = behind(&h, 15.0, 0.0);
    f.status = Some(Status::NotStarted);
    assert_eq!(cards::ryb_task(&f, &c), vec![]);
    // A percent above 0 counts as started whatever the status.
    let mut f = behind(&h, 15.0, 1.0);
    f.status = Some(Status::NotStarted);
    assert_eq!(cards_of(&cards::ryb_task(&f, &c)), vec![Card::Blue]);
    // Done tasks are not behind.
    let mut f = behind(&h, 50.0, 20.0);
    f.done = true;
    f.status = Some(Status::Implemented);
    assert_eq!(cards::ryb_task(&f, &c), vec![]);
}

#[test]
fn ryb_red_lag_threshold() {
    let h = History::default();
    let c = RedYellowBlue::default();
    let fired = cards::ryb_task(&behind(&h, 70.0, 40.01), &c);
    assert_eq!(cards_of(&fired), vec![Card::Blue]);
    let fired = cards::ryb_task(&behind(&h, 70.0, 40.0), &c);
    assert_eq!(cards_of(&fired), vec![Card::Red, Card::Blue]);
    assert_eq!(cards::most_severe(&fired), Some(Card::Red));
    assert_eq!(
        fired[0].1,
        "序时进度70%，实际40%，滞后30个百分点（≥30），严重滞后"
    );
    let fired = cards::ryb_task(&behind(&h, 75.0, 40.0), &c);
    assert_eq!(
        fired[0].1,
        "序时进度75%，实际40%，滞后35个百分点（≥30），严重滞后"
    );
}

#[test]
fn ryb_yellow_threshold() {
    let h = History::default();
    let c = RedYellowBlue::default();
    let mut f = behind(&h, 19.99, 0.0);
    f.status = Some(Status::NotStarted);
    assert_eq!(cards::ryb_task(&f, &c), vec![]);
    f.planned = 20.0;
    f.lag = Some(20.0);
    let fired = cards::ryb_task(&f, &c);
    assert_eq!(cards_of(&fired), vec![Card::Yellow]);
    assert_eq!(fired[0].1, "仍未启动，序时进度已达20%（≥20%）");
    f.planned = 25.0;
    f.lag = Some(25.0);
    assert_eq!(
        cards::ryb_task(&f, &c)[0].1,
        "仍未启动，序时进度已达25%（≥20%）"
    );
}

#[test]
fn ryb_red_lowered_threshold() {
    let h = History::default();
    let c = RedYellowBlue::default();
    let mut f = behind(&h, 50.0, 55.0);
    f.prev_actual = Some(60.0);
    assert_eq!(cards::ryb_task(&f, &c), vec![]);
    let mut f = behind(&h, 50.0, 54.99);
    f.prev_actual = Some(60.0);
    let fired = cards::ryb_task(&f, &c);
    assert_eq!(cards_of(&fired), vec![Card::Red]);
    assert_eq!(
        fired[0].1,
        "完成进度由上期60%降至54.99%，下降5.01个百分点（>5，疑似谎报进度）"
    );
    let mut f = behind(&h, 50.0, 50.0);
    f.prev_actual = Some(60.0);
    assert_eq!(
        cards::ryb_task(&f, &c)[0].1,
        "完成进度由上期60%降至50%，下降10个百分点（>5，疑似谎报进度）"
    );
}

#[test]
fn ryb_red_overdue() {
    let h = History::default();
    let c = RedYellowBlue::default();
    let mut f = behind(&h, 100.0, 95.0);
    f.overdue = true;
    f.deadline = Some(d(2023, 3, 15));
    f.days_left = Some(-3);
    let fired = cards::ryb_task(&f, &c);
    assert_eq!(cards_of(&fired), vec![Card::Red]);
    assert_eq!(fired[0].1, "已超过完成时限（2023-03-15）3天仍未完成");
}

fn repeat_history(actuals: [Option<f64>; 2], cards: [Option<Card>; 2]) -> History {
    History {
        periods: vec![
            snap(
                Period::month(2023, 1),
                vec![tsnap("T1", "A", actuals[0], cards[0])],
                vec![],
            ),
            snap(
                Period::month(2023, 2),
                vec![tsnap("T1", "A", actuals[1], cards[1])],
                vec![],
            ),
        ],
    }
}

#[test]
fn ryb_red_after_three_carded_periods_without_gain() {
    let c = RedYellowBlue::default();
    let h = repeat_history(
        [Some(40.0), Some(40.0)],
        [Some(Card::Blue), Some(Card::Blue)],
    );
    let fired = cards::ryb_task(&behind(&h, 60.0, 40.0), &c);
    assert_eq!(cards_of(&fired), vec![Card::Blue, Card::Red]);
    assert_eq!(
        fired[1].1,
        "连续3期亮牌且进度无提升（40%→40%，多次督办无果）"
    );
    // A gain since the first carded period: no repeat red.
    let fired = cards::ryb_task(&behind(&h, 60.0, 41.0), &c);
    assert_eq!(cards_of(&fired), vec![Card::Blue]);
    // Only two periods in a row carded: no repeat red.
    let h = repeat_history([Some(40.0), Some(40.0)], [None, Some(Card::Blue)]);
    assert_eq!(
        cards_of(&cards::ryb_task(&behind(&h, 60.0, 40.0), &c)),
        vec![Card::Blue]
    );
    // Not carded this period: nothing.
    let h = repeat_history(
        [Some(40.0), Some(40.0)],
        [Some(Card::Blue), Some(Card::Blue)],
    );
    assert_eq!(cards::ryb_task(&behind(&h, 45.0, 40.0), &c), vec![]);
}

// ------------------------------------------------------------ yellow-orange-red

#[test]
fn yor_orange_threshold() {
    let h = History::default();
    let c = YellowOrangeRed::default();
    let rules = &cards::YOR_TASK_RULES;
    assert_eq!(
        cards::run_task_rules(&behind(&h, 55.0, 40.0), &c, rules),
        vec![]
    );
    let fired = cards::run_task_rules(&behind(&h, 55.01, 40.0), &c, rules);
    assert_eq!(cards_of(&fired), vec![Card::Orange]);
    assert_eq!(
        fired[0].1,
        "进展缓慢：序时进度55.01%，实际40%，滞后15.01个百分点（>15）"
    );
}

fn ufacts<'a>(h: &'a History, sub: Option<&'a Submission>) -> UnitFacts<'a> {
    UnitFacts {
        name: "A",
        period: Period::month(2023, 3),
        due: 2,
        missing: vec![],
        submission: sub,
        orange_now: false,
        past_cards: h
            .newest_first()
            .map(|p| (p.period.year, p.unit("A").and_then(|u| u.card)))
            .collect(),
    }
}

#[test]
fn yor_unit_yellow_rules() {
    let h = History::default();
    let c = YellowOrangeRed::default();
    let rules = &cards::YOR_UNIT_RULES;
    let ok = submission("A", true, false, 0, 3);
    assert_eq!(
        cards::run_unit_rules(&ufacts(&h, Some(&ok)), &c, rules),
        vec![]
    );

    let late = submission("A", true, true, 0, 0);
    let fired = cards::run_unit_rules(&ufacts(&h, Some(&late)), &c, rules);
    assert_eq!(
        fired,
        vec![(Card::Yellow, "逾期报送（上报材料不及时）".into())]
    );

    let fired = cards::run_unit_rules(&ufacts(&h, None), &c, rules);
    assert_eq!(
        fired,
        vec![(
            Card::Yellow,
            "本期应报2项，未报送有效报表（上报材料不及时）".into()
        )]
    );
    // Nothing due, nothing sent: fine.
    let mut f = ufacts(&h, None);
    f.due = 0;
    assert_eq!(cards::run_unit_rules(&f, &c, rules), vec![]);

    let bad = submission("A", true, false, 1, 0);
    let fired = cards::run_unit_rules(&ufacts(&h, Some(&bad)), &c, rules);
    assert_eq!(
        fired,
        vec![(
            Card::Yellow,
            "报表有1处错误（≥1），报送材料质量不高、台账不规范".into()
        )]
    );
    let mut c2 = c.clone();
    c2.yellow_form_errors = 2;
    assert_eq!(
        cards::run_unit_rules(&ufacts(&h, Some(&bad)), &c2, rules),
        vec![]
    );

    let mut f = ufacts(&h, Some(&ok));
    f.missing = vec!["T2".into(), "T3".into()];
    assert_eq!(
        cards::run_unit_rules(&f, &c, rules),
        vec![(Card::Yellow, "本期应报未报2项（T2、T3）".into())]
    );
}

#[test]
fn yor_orange_twice_in_a_year_is_red() {
    let c = YellowOrangeRed::default();
    let rules = &cards::YOR_UNIT_RULES;
    let ok = submission("A", true, false, 0, 0);
    let h = History {
        periods: vec![
            // Last year's orange does not count.
            snap(
                Period::month(2022, 12),
                vec![],
                vec![usnap("A", 1, Some(Card::Orange))],
            ),
            snap(
                Period::month(2023, 1),
                vec![],
                vec![usnap("A", 1, Some(Card::Yellow))],
            ),
        ],
    };
    let mut f = ufacts(&h, Some(&ok));
    f.orange_now = true;
    assert_eq!(cards::run_unit_rules(&f, &c, rules), vec![]);

    let mut h2 = h.clone();
    h2.periods.push(snap(
        Period::month(2023, 2),
        vec![],
        vec![usnap("A", 1, Some(Card::Orange))],
    ));
    let mut f = ufacts(&h2, Some(&ok));
    f.orange_now = true;
    assert_eq!(
        cards::run_unit_rules(&f, &c, rules),
        vec![(Card::Red, "2023年内第2次亮橙牌（≥2次）".into())]
    );
    // No orange this period: no red, whatever the history.
    f.orange_now = false;
    assert_eq!(cards::run_unit_rules(&f, &c, rules), vec![]);
}

// ------------------------------------------------------------ cadence and reminders

#[test]
fn cadence_by_stars() {
    let feb = Period::month(2023, 2);
    let mar = Period::month(2023, 3);
    assert!(!feb.is_due(3) && feb.is_due(4) && feb.is_due(5));
    assert!(mar.is_due(3) && mar.is_due(4));
    assert!(Period::quarter(2023, 1).is_due(3));
    // W13 (03-27 … 04-02) holds the quarter's last day; W12 holds no month end.
    assert!(Period::week(2023, 13).is_due(3) && Period::week(2023, 13).is_due(4));
    assert!(!Period::week(2023, 12).is_due(3) && !Period::week(2023, 12).is_due(4));
    assert!(Period::week(2023, 12).is_due(5));

    let tasks = vec![
        task("T3", 3, "A", d(2023, 1, 1), d(2023, 12, 31)),
        task("T4", 4, "A", d(2023, 1, 1), d(2023, 12, 31)),
        task("T5", 5, "A", d(2023, 1, 1), d(2023, 12, 31)),
    ];
    let mut f = Fixture::new(tasks, vec![unit("A", "区直部门")], Merged::default());
    f.period = feb;
    f.as_of = d(2023, 2, 28);
    let s = f.run();
    let due: Vec<bool> = s.tasks.iter().map(|t| t.due).collect();
    assert_eq!(due, vec![false, true, true]);
    let notes: Vec<(&str, &str)> = s
        .reminders
        .iter()
        .map(|r| (r.task.as_str(), r.note.as_str()))
        .collect();
    assert_eq!(
        notes,
        vec![
            ("T4", "4★按月提示，本期须报送进展"),
            ("T5", "5★随时调度，本期须报送进展"),
        ]
    );
    f.period = Period::week(2023, 13);
    f.as_of = d(2023, 4, 2);
    let s = f.run();
    assert_eq!(s.reminders.len(), 3);
    assert_eq!(s.reminders[0].note, "3★按季度提示，本期须报送进展");
}

/// Issue 15 §5: in April (3★ off its quarterly cadence) a 3★ task past or
/// near its deadline is due all the same, unless it was done before.
#[test]
fn overdue_and_near_deadline_tasks_are_due_whatever_their_stars() {
    let tasks = vec![
        task("T1", 3, "A", d(2023, 1, 1), d(2023, 4, 20)), // overdue, not reported
        task("T2", 3, "A", d(2023, 1, 1), d(2023, 5, 5)),  // near (5 days), reported
        task("T3", 3, "A", d(2023, 1, 1), d(2023, 12, 31)), // far: not due
        task("T4", 3, "A", d(2023, 1, 1), d(2023, 4, 10)), // overdue but done in March
    ];
    let m = merged(
        vec![report("T2", "A", Status::InProgress, 90.0)],
        vec![submission("A", true, false, 0, 0)],
    );
    let mut f = Fixture::new(tasks, vec![unit("A", "区直部门")], m);
    f.period = Period::month(2023, 4);
    f.as_of = d(2023, 4, 30);
    let mut done = tsnap("T4", "A", Some(100.0), None);
    done.status = Some(Status::Completed);
    f.history = History {
        periods: vec![snap(Period::month(2023, 3), vec![done], vec![])],
    };
    let s = f.run();
    let due: Vec<(bool, Option<DueReason>)> =
        s.tasks.iter().map(|t| (t.due, t.due_reason)).collect();
    assert_eq!(
        due,
        vec![
            (true, Some(DueReason::Overdue)),
            (true, Some(DueReason::NearDeadline)),
            (false, None),
            (false, None),
        ]
    );
    assert!(s.tasks[0].reasons.iter().any(|r| r == NOT_REPORTED));
    assert_eq!(s.tasks[0].card, Some(Card::Red));
    // Its reminders say overdue / near, not "3★ reports quarterly".
    let got: Vec<(ReminderKind, &str)> = s
        .reminders
        .iter()
        .map(|r| (r.kind, r.task.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            (ReminderKind::Overdue, "T1"),
            (ReminderKind::NearDeadline, "T2"),
        ]
    );
    // Two due, one reported, on time: reporting = 100 × 1/2.
    let u = &s.units[0];
    assert_eq!(u.due, 2);
    assert_eq!(u.parts.reporting, 50.0);
}

#[test]
fn reminders_sorted_overdue_near_cadence() {
    let tasks = vec![
        task("T1", 3, "A", d(2023, 1, 1), d(2023, 4, 7)), // near: 7 days
        task("T2", 3, "A", d(2023, 1, 1), d(2023, 3, 20)), // overdue 11 days
        task("T3", 3, "A", d(2023, 1, 1), d(2023, 4, 8)), // 8 days: not near
        task("T4", 3, "A", d(2023, 1, 1), d(2023, 3, 31)), // today
        task("T5", 3, "A", d(2023, 1, 1), d(2023, 3, 10)), // overdue, but done
    ];
    let m = merged(
        vec![
            report("T1", "A", Status::InProgress, 90.0),
            report("T2", "A", Status::InProgress, 90.0),
            report("T3", "A", Status::InProgress, 90.0),
            report("T4", "A", Status::InProgress, 99.0),
            report("T5", "A", Status::Completed, 100.0),
        ],
        vec![submission("A", true, false, 0, 0)],
    );
    let f = Fixture::new(tasks, vec![unit("A", "区直部门")], m);
    let s = f.run();
    let got: Vec<(ReminderKind, &str, &str)> = s
        .reminders
        .iter()
        .map(|r| (r.kind, r.task.as_str(), r.note.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            (ReminderKind::Overdue, "T2", "已超过完成时限11天仍未完成"),
            (ReminderKind::NearDeadline, "T4", "今日到期，请督促按时完成"),
            (ReminderKind::NearDeadline, "T1", "距完成时限还有7天"),
            (ReminderKind::Cadence, "T2", "3★按季度提示，本期须报送进展"),
            (ReminderKind::Cadence, "T4", "3★按季度提示，本期须报送进展"),
            (ReminderKind::Cadence, "T1", "3★按季度提示，本期须报送进展"),
            (ReminderKind::Cadence, "T3", "3★按季度提示，本期须报送进展"),
        ]
    );
    assert!(!s.tasks[4].overdue && s.tasks[4].done);
}

// ------------------------------------------------------------ ranking

#[test]
fn competition_ranks_share_ties() {
    assert_eq!(
        rank::competition_ranks(&[90.0, 80.0, 80.0, 70.0]),
        vec![1, 2, 2, 4]
    );
    assert_eq!(rank::competition_ranks(&[70.0, 80.0, 80.0]), vec![3, 1, 1]);
}

/// Issue 15 §8 end to end: six units of one category, one late at the top,
/// one silent at the bottom, under both presets.
fn earned_top_fixture() -> Fixture {
    // One 5★ task each, planned 50% on 03-31.
    let names = ["甲", "乙", "丙", "丁", "戊", "己"];
    let actuals = [
        Some(50.0),
        Some(35.0),
        Some(30.0),
        Some(25.0),
        Some(20.0),
        None,
    ];
    let tasks: Vec<Task> = names
        .iter()
        .enumerate()
        .map(|(i, n)| task(&format!("T{i}"), 5, n, d(2023, 3, 1), d(2023, 4, 30)))
        .collect();
    let units: Vec<Unit> = names.iter().map(|n| unit(n, "乡镇街道")).collect();
    let reports: Vec<Report> = names
        .iter()
        .zip(actuals)
        .enumerate()
        .filter_map(|(i, (n, a))| Some(report(&format!("T{i}"), n, Status::InProgress, a?)))
        .collect();
    let mut subs: Vec<Submission> = names[..5]
        .iter()
        .map(|n| submission(n, true, *n == "甲", 0, 0))
        .collect();
    let mut silent = submission("己", false, false, 0, 0);
    silent.due = vec!["T5".into()];
    silent.missing = vec!["T5".into()];
    subs.push(silent);
    Fixture::new(tasks, units, merged(reports, subs))
}

/// (name, score, rank, 前三位, 后三位, why not 前三位) of a unit.
type Standing<'a> = (&'a str, f64, u32, bool, bool, Vec<String>);

fn standings(s: &Scored) -> Vec<Standing<'_>> {
    s.units
        .iter()
        .map(|u| {
            (
                u.name.as_str(),
                u.score,
                u.rank,
                u.top3,
                u.bottom3,
                u.not_top3.clone(),
            )
        })
        .collect()
}

#[test]
fn top_three_is_earned_and_never_meets_the_bottom() {
    let v = |x: &[&str]| x.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let mut f = earned_top_fixture();
    // 甲 ranks first but was late: passed over; 丁 would be next but is bottom.
    assert_eq!(
        standings(&f.run()),
        vec![
            ("甲", 92.0, 1, false, false, v(&["逾期报送"])),
            ("乙", 87.0, 2, true, false, v(&[])),
            ("丙", 83.0, 3, true, false, v(&[])),
            ("丁", 79.0, 4, false, true, v(&[])),
            ("戊", 66.0, 5, false, true, v(&["亮红牌"])),
            ("己", 20.0, 6, false, true, v(&["本期未报送"])),
        ]
    );
    // Yellow-orange-red: lags over 15 are orange, late and silent units yellow.
    f.config.preset = Preset::YellowOrangeRed;
    assert_eq!(
        standings(&f.run()),
        vec![
            ("甲", 89.0, 1, false, false, v(&["逾期报送"])),
            ("乙", 88.0, 2, true, false, v(&[])),
            ("丙", 78.0, 3, false, false, v(&["亮橙牌"])),
            ("丁", 74.0, 4, false, true, v(&["亮橙牌"])),
            ("戊", 70.0, 5, false, true, v(&["亮橙牌"])),
            ("己", 17.0, 6, false, true, v(&["本期未报送"])),
        ]
    );
    // Four units, the silent one scoring 20: never 前三位, two marked each way.
    let mut f = earned_top_fixture();
    for name in ["丁", "戊"] {
        f.ledger.units.retain(|u| u.name.as_str() != name);
        f.ledger.tasks.retain(|t| t.lead_unit.as_str() != name);
    }
    f.ledger.reindex();
    let s = f.run();
    let got: Vec<(&str, bool, bool)> = s
        .units
        .iter()
        .map(|u| (u.name.as_str(), u.top3, u.bottom3))
        .collect();
    // 乙 87, 丙 83 (bottom: 2nd lowest), 甲 late: only 乙 is top.
    assert_eq!(
        got,
        vec![
            ("甲", false, false),
            ("乙", true, false),
            ("丙", false, true),
            ("己", false, true),
        ]
    );
}

/// Units whose score is driven by the share of on-plan progress only.
fn ranking_fixture() -> Fixture {
    // Each unit has one 5★ task, planned 50% on 03-31 (03-01 … 04-30).
    let names = ["甲", "乙", "丙", "丁", "戊"];
    let actuals = [50.0, 45.0, 45.0, 40.0, 20.0];
    let mut tasks: Vec<Task> = names
        .iter()
        .enumerate()
        .map(|(i, n)| task(&format!("T{i}"), 5, n, d(2023, 3, 1), d(2023, 4, 30)))
        .collect();
    let mut units: Vec<Unit> = names.iter().map(|n| unit(n, "乡镇街道")).collect();
    units.push(unit("己", ""));
    units.push(unit("庚", "乡镇街道"));
    tasks.push(task("T9", 3, "己", d(2023, 3, 1), d(2023, 4, 30)));
    let reports: Vec<Report> = names
        .iter()
        .zip(actuals)
        .enumerate()
        .map(|(i, (n, a))| report(&format!("T{i}"), n, Status::InProgress, a))
        .chain([report("T9", "己", Status::InProgress, 50.0)])
        .collect();
    let subs = names
        .iter()
        .chain(&["己"])
        .map(|n| submission(n, true, false, 0, 0))
        .collect();
    let mut f = Fixture::new(tasks, units, merged(reports, subs));
    f.history = History {
        periods: vec![snap(
            Period::month(2023, 2),
            vec![],
            vec![usnap("甲", 3, None), usnap("戊", 4, None)],
        )],
    };
    f
}

#[test]
fn ranking_within_category_with_history() {
    let s = ranking_fixture().run();
    let got: Vec<(&str, &str, f64, u32, bool, bool)> = s
        .units
        .iter()
        .map(|u| {
            (
                u.category.as_str(),
                u.name.as_str(),
                u.score,
                u.rank,
                u.top3,
                u.bottom3,
            )
        })
        .collect();
    // progress = actual / 50 × 100; base = 0.4 × progress + 60; 戊 is blue (lag 30 → red).
    assert_eq!(
        got,
        vec![
            // Five units: two marked each way; 丙 and 乙 tie for second,
            // and 1 + 2 would pass ⌊5/2⌋, so neither is 前三位.
            ("乡镇街道", "甲", 100.0, 1, true, false),
            ("乡镇街道", "丙", 96.0, 2, false, false),
            ("乡镇街道", "乙", 96.0, 2, false, false),
            ("乡镇街道", "丁", 92.0, 4, false, true),
            ("乡镇街道", "戊", 66.0, 5, false, true),
            // Leads no task: listed, not ranked.
            ("乡镇街道", "庚", 100.0, 0, false, false),
            // Alone in its category: nothing to compare with, no mark.
            ("未分类", "己", 100.0, 1, false, false),
        ]
    );
    let jia = &s.units[0];
    assert_eq!((jia.prev_rank, jia.rank_change), (Some(3), Some(2)));
    let wu = &s.units[4];
    assert_eq!((wu.prev_rank, wu.rank_change), (Some(4), Some(-1)));
    assert_eq!(wu.card, Some(Card::Red));
    assert_eq!(s.units[1].prev_rank, None);
    // Deterministic: same input, same output.
    assert_eq!(s, ranking_fixture().run());
}

// ------------------------------------------------------------ scores

/// The README's worked example.
fn worked_example() -> Fixture {
    let tasks = vec![
        task("T1", 5, "区发改局", d(2023, 3, 1), d(2023, 4, 30)),
        task("T2", 4, "区发改局", d(2023, 3, 1), d(2023, 3, 21)),
        task("T3", 3, "区发改局", d(2023, 3, 1), d(2023, 4, 30)),
        task("T4", 4, "区发改局", d(2023, 3, 1), d(2023, 3, 28)),
    ];
    let m = merged(
        vec![
            report("T1", "区发改局", Status::InProgress, 40.0),
            report("T2", "区发改局", Status::Completed, 100.0),
            report("T4", "区发改局", Status::InProgress, 80.0),
        ],
        vec![submission("区发改局", true, false, 1, 2)],
    );
    Fixture::new(tasks, vec![unit("区发改局", "区直部门")], m)
}

#[test]
fn worked_example_red_yellow_blue() {
    let s = worked_example().run();
    let t: Vec<(f64, Option<f64>, Option<Card>)> =
        s.tasks.iter().map(|t| (t.planned, t.lag, t.card)).collect();
    assert_eq!(
        t,
        vec![
            (50.0, Some(10.0), None),
            (100.0, Some(0.0), None),
            (50.0, None, None),
            (100.0, Some(20.0), Some(Card::Red)),
        ]
    );
    assert_eq!(s.tasks[2].reasons, vec!["本期应报未报".to_string()]);
    assert_eq!(
        s.tasks[3].reasons,
        vec![
            "已超过完成时限（2023-03-28）3天仍未完成".to_string(),
            "已启动但进度缓慢：序时进度100%，实际80%，滞后20个百分点（>10）".to_string(),
        ]
    );
    let u = &s.units[0];
    assert_eq!(
        u.parts,
        ScoreParts {
            progress: 70.0,
            completion: 50.0,
            reporting: 75.0,
            quality: 86.0,
            base: 70.2,
            deduction: 10.0,
            evaluation: None,
        }
    );
    assert_eq!(u.score, 60.2);
    assert_eq!((u.tasks, u.due, u.done, u.behind), (4, 4, 1, 2));
    assert_eq!(u.card, Some(Card::Red));
    assert!(u.reasons.is_empty());
    assert_eq!(
        u.cards,
        CardCounts {
            red: 1,
            ..Default::default()
        }
    );
}

#[test]
fn worked_example_yellow_orange_red() {
    let mut f = worked_example();
    f.config.preset = Preset::YellowOrangeRed;
    let s = f.run();
    let cards: Vec<Option<Card>> = s.tasks.iter().map(|t| t.card).collect();
    assert_eq!(cards, vec![None, None, None, Some(Card::Orange)]);
    let u = &s.units[0];
    // Unit card = max(task orange, own yellow).
    assert_eq!(u.card, Some(Card::Orange));
    assert_eq!(
        u.reasons,
        vec![
            "本期应报未报1项（T3）".to_string(),
            "报表有1处错误（≥1），报送材料质量不高、台账不规范".to_string(),
        ]
    );
    assert_eq!(u.parts.deduction, 9.0);
    assert_eq!(u.score, 61.2);

    // Orange last month too: the unit's own card is red, and so is the unit.
    f.history = History {
        periods: vec![snap(
            Period::month(2023, 2),
            vec![],
            vec![usnap("区发改局", 1, Some(Card::Orange))],
        )],
    };
    let s = f.run();
    let u = &s.units[0];
    assert_eq!(u.card, Some(Card::Red));
    assert_eq!(u.reasons[0], "2023年内第2次亮橙牌（≥2次）");
    assert_eq!(u.parts.deduction, 16.0);
    assert_eq!(u.score, 54.2);
    assert_eq!(u.prev_rank, Some(1));
    assert_eq!(u.rank_change, Some(0));
}

#[test]
fn unit_card_is_most_severe_of_tasks() {
    let tasks = vec![
        task("T1", 4, "A", d(2023, 3, 1), d(2023, 4, 30)),
        task("T2", 4, "A", d(2023, 3, 1), d(2023, 4, 30)),
    ];
    let mut nstart = report("T2", "A", Status::NotStarted, 0.0);
    nstart.percent = 0.0;
    let m = merged(
        vec![report("T1", "A", Status::InProgress, 35.0), nstart],
        vec![submission("A", true, false, 0, 0)],
    );
    let s = Fixture::new(tasks, vec![unit("A", "区直部门")], m).run();
    assert_eq!(s.tasks[0].card, Some(Card::Blue));
    // Not started with 50% planned: yellow, and lag 50 ≥ 30: red.
    assert_eq!(s.tasks[1].card, Some(Card::Red));
    assert_eq!(s.units[0].card, Some(Card::Red));
    assert_eq!(
        s.units[0].cards,
        CardCounts {
            red: 1,
            blue: 1,
            ..Default::default()
        }
    );
}

#[test]
fn evaluation_blend() {
    let mut f = worked_example();
    f.ledger.evaluations = vec![Evaluation {
        unit: "区发改局".into(),
        self_eval: Some(90.0),
        team: Some(80.0),
        public: Some(70.0),
        leader: None,
    }];
    // Share 0: evaluations ignored.
    assert_eq!(f.run().units[0].score, 60.2);
    f.config.score.evaluation_share = 0.3;
    let u = f.run().units[0].clone();
    // (0.1×90 + 0.3×80 + 0.3×70) / 0.7 = 77.142857…; 0.7×60.2 + 0.3×77.142857 = 65.282857…
    assert!((u.parts.evaluation.unwrap() - 54.0 / 0.7).abs() < 1e-9);
    assert_eq!(u.score, 65.28);
}

#[test]
fn unit_that_did_not_report() {
    let tasks = vec![
        task("T1", 4, "A", d(2023, 3, 1), d(2023, 4, 30)),
        task("T2", 3, "A", d(2023, 3, 1), d(2023, 4, 30)),
    ];
    let mut f = Fixture::new(
        tasks,
        vec![unit("A", "区直部门")],
        merged(vec![], vec![submission("A", false, false, 0, 0)]),
    );
    f.period = Period::month(2023, 2);
    f.as_of = d(2023, 2, 28);
    let s = f.run();
    // Only the 4★ task is due in February; no card from missing data.
    assert_eq!(s.tasks[0].reasons, vec!["本期应报未报".to_string()]);
    assert!(s.tasks[1].reasons.is_empty());
    assert_eq!(s.tasks[0].card, None);
    let u = &s.units[0];
    // progress 0 (due, unreported; T2 not due is left out), completion 100,
    // reporting 0, quality 0 → 0.2 × 100 = 20.
    assert_eq!(
        (
            u.parts.progress,
            u.parts.completion,
            u.parts.reporting,
            u.parts.quality
        ),
        (0.0, 100.0, 0.0, 0.0)
    );
    assert_eq!(u.score, 20.0);
    assert!(!u.reported);

    f.config.preset = Preset::YellowOrangeRed;
    let s = f.run();
    assert_eq!(s.units[0].card, Some(Card::Yellow));
    assert_eq!(
        s.units[0].reasons,
        vec!["本期应报1项，未报送有效报表（上报材料不及时）".to_string()]
    );
}

// ------------------------------------------------------------ leaders

/// Issue 15 §12: blue is reachable — a lag below the card threshold does not
/// take it away; a card, an overdue or an unreported due task does.
#[test]
fn leader_blue_red_marks() {
    let mut tasks = vec![
        task("T1", 4, "A", d(2023, 3, 1), d(2023, 4, 30)),
        task("T2", 4, "B", d(2023, 3, 1), d(2023, 4, 30)),
        task("T3", 4, "C", d(2023, 3, 1), d(2023, 4, 30)),
        task("T4", 4, "A", d(2023, 3, 1), d(2023, 3, 20)),
        task("T5", 4, "D", d(2023, 3, 1), d(2023, 4, 30)),
        task("T6", 4, "E", d(2023, 3, 1), d(2023, 4, 30)),
    ];
    let leaders = [
        "李副区长",
        "王副区长",
        "赵副区长",
        "李副区长",
        "孙副区长",
        "钱副区长",
    ];
    for (t, l) in tasks.iter_mut().zip(leaders) {
        t.leader = l.into();
    }
    // Planned 50% on 03-31: T2 lags 5 (no card), T3 35 (red), T5 12
    // (blue under red-yellow-blue, nothing under yellow-orange-red), T6 unreported.
    let m = merged(
        vec![
            report("T1", "A", Status::InProgress, 50.0),
            report("T2", "B", Status::InProgress, 45.0),
            report("T3", "C", Status::InProgress, 15.0),
            report("T4", "A", Status::Completed, 100.0),
            report("T5", "D", Status::InProgress, 38.0),
        ],
        vec![],
    );
    let units = ["A", "B", "C", "D", "E"]
        .map(|n| unit(n, "区直部门"))
        .to_vec();
    let mut f = Fixture::new(tasks, units, m);
    let marks = |s: &Scored| -> Vec<(String, Option<LeaderMark>, String, u32, u32)> {
        s.leaders
            .iter()
            .map(|l| {
                (
                    l.name.clone(),
                    l.mark,
                    l.mark_reason.clone(),
                    l.tasks,
                    l.behind,
                )
            })
            .collect()
    };
    let blue = |n: u32, lag: &str| {
        (
            Some(LeaderMark::Blue),
            format!("分管事项{n}项均无亮牌、无超期、无应报未报{lag}"),
        )
    };
    let row = |name: &str, (mark, why): (Option<LeaderMark>, String), tasks, behind| {
        (name.to_string(), mark, why, tasks, behind)
    };
    let small_lag = "（1项略滞后于序时进度，未达亮牌标准）";
    let s = f.run();
    assert_eq!(
        marks(&s),
        vec![
            row("孙副区长", (None, "亮牌1项".into()), 1, 1),
            row("李副区长", blue(2, ""), 2, 0),
            row("王副区长", blue(1, small_lag), 1, 1),
            row(
                "赵副区长",
                (Some(LeaderMark::Red), "分管事项中红牌事项1项".into()),
                1,
                1
            ),
            row("钱副区长", (None, "应报未报1项".into()), 1, 0),
        ]
    );
    assert_eq!(s.leaders[1].done, 1);
    assert_eq!(s.leaders[1].units, vec!["A".to_string()]);
    // Under yellow-orange-red a lag of 12 is no card (orange > 15): blue.
    f.config.preset = Preset::YellowOrangeRed;
    let s = f.run();
    assert_eq!(marks(&s)[0], row("孙副区长", blue(1, small_lag), 1, 1));
    // A lag of 35 is orange there, not red: no mark.
    assert_eq!(
        marks(&s)[3],
        row("赵副区长", (None, "亮牌1项".into()), 1, 1)
    );
    assert_eq!(marks(&s)[4].1, None);
}

#[test]
fn done_last_period_stays_done_and_prev_actual() {
    let tasks = vec![task("T1", 3, "A", d(2023, 1, 1), d(2023, 1, 31))];
    let mut f = Fixture::new(tasks, vec![unit("A", "区直部门")], Merged::default());
    f.period = Period::month(2023, 2);
    f.as_of = d(2023, 2, 28);
    let mut t = tsnap("T1", "A", Some(100.0), None);
    t.status = Some(Status::Completed);
    f.history = History {
        periods: vec![
            snap(
                Period::month(2022, 12),
                vec![tsnap("T1", "A", Some(80.0), None)],
                vec![],
            ),
            snap(Period::month(2023, 1), vec![t], vec![]),
        ],
    };
    let s = f.run();
    let r = &s.tasks[0];
    assert!(r.done && !r.overdue && !r.due);
    assert_eq!(r.prev_actual, Some(100.0));
    assert_eq!(r.card, None);
}

#[test]
fn history_feeds_lowered_and_repeat_end_to_end() {
    // Planned 50% on 03-31; reported 40% (lag 10: no blue by itself).
    let tasks = vec![
        task("T1", 4, "A", d(2023, 3, 1), d(2023, 4, 30)),
        task("T2", 4, "A", d(2023, 3, 1), d(2023, 4, 30)),
    ];
    let m = merged(
        vec![
            report("T1", "A", Status::InProgress, 40.0),
            report("T2", "A", Status::InProgress, 35.0),
        ],
        vec![submission("A", true, false, 0, 0)],
    );
    let mut f = Fixture::new(tasks, vec![unit("A", "区直部门")], m);
    f.history = History {
        periods: vec![
            snap(
                Period::month(2023, 1),
                vec![
                    tsnap("T1", "A", Some(30.0), None),
                    tsnap("T2", "A", Some(35.0), Some(Card::Blue)),
                ],
                vec![],
            ),
            snap(
                Period::month(2023, 2),
                vec![
                    tsnap("T1", "A", Some(47.0), None),
                    tsnap("T2", "A", None, Some(Card::Blue)),
                ],
                vec![],
            ),
        ],
    };
    let s = f.run();
    let t1 = &s.tasks[0];
    assert_eq!(t1.prev_actual, Some(47.0));
    assert_eq!(t1.card, Some(Card::Red));
    assert_eq!(
        t1.reasons,
        vec!["完成进度由上期47%降至40%，下降7个百分点（>5，疑似谎报进度）".to_string()]
    );
    let t2 = &s.tasks[1];
    // Last known percent is January's 35 (February's was not reported).
    assert_eq!(t2.prev_actual, Some(35.0));
    assert_eq!(
        t2.reasons,
        vec![
            "已启动但进度缓慢：序时进度50%，实际35%，滞后15个百分点（>10）".to_string(),
            "连续3期亮牌且进度无提升（35%→35%，多次督办无果）".to_string(),
        ]
    );
    assert_eq!(t2.card, Some(Card::Red));
    // Repeat periods configured to 4: history too short, blue only.
    f.config.rules.red_yellow_blue.red_repeat_periods = 4;
    assert_eq!(f.run().tasks[1].card, Some(Card::Blue));
}

#[test]
fn near_deadline_window() {
    let tasks = vec![
        task("T1", 5, "A", d(2023, 3, 1), d(2023, 4, 7)),
        task("T2", 5, "A", d(2023, 3, 1), d(2023, 4, 8)),
        task("T3", 5, "A", d(2023, 3, 1), d(2023, 4, 7)),
    ];
    let m = merged(
        vec![
            report("T1", "A", Status::InProgress, 90.0),
            report("T2", "A", Status::InProgress, 90.0),
            report("T3", "A", Status::Completed, 100.0),
        ],
        vec![submission("A", true, false, 0, 0)],
    );
    let s = Fixture::new(tasks, vec![unit("A", "区直部门")], m).run();
    let got: Vec<(Option<i64>, bool)> = s
        .tasks
        .iter()
        .map(|t| (t.days_left, t.near_deadline))
        .collect();
    assert_eq!(
        got,
        vec![(Some(7), true), (Some(8), false), (Some(7), false)]
    );
}

#[test]
fn larger_input_is_complete_and_deterministic() {
    let n_units = 300;
    let units: Vec<Unit> = (0..n_units)
        .map(|i| {
            unit(
                &format!("单位{i:03}"),
                if i % 2 == 0 {
                    "乡镇街道"
                } else {
                    "区直部门"
                },
            )
        })
        .collect();
    let tasks: Vec<Task> = (0..6000)
        .map(|i| {
            task(
                &format!("T{i:05}"),
                3 + (i % 3) as u8,
                &format!("单位{:03}", i % n_units),
                d(2023, 1, 1),
                d(2023, 3 + (i % 10) as u32, 15),
            )
        })
        .collect();
    let reports: Vec<Report> = tasks
        .iter()
        .enumerate()
        .filter(|(i, _)| i % 7 != 0)
        .map(|(i, t)| report(&t.id, &t.lead_unit, Status::InProgress, (i % 100) as f64))
        .collect();
    let subs: Vec<Submission> = units
        .iter()
        .map(|u| submission(&u.name, true, false, 0, 0))
        .collect();
    let mut f = Fixture::new(tasks, units, merged(reports, subs));
    f.history = History {
        periods: (1..=2)
            .map(|m| {
                snap(
                    Period::month(2023, m),
                    f.ledger
                        .tasks
                        .iter()
                        .map(|t| tsnap(&t.id, &t.lead_unit, Some(10.0), Some(Card::Blue)))
                        .collect(),
                    f.ledger
                        .units
                        .iter()
                        .enumerate()
                        .map(|(i, u)| usnap(&u.name, i as u32 + 1, None))
                        .collect(),
                )
            })
            .collect(),
    };
    let a = f.run();
    assert_eq!(a.tasks.len(), 6000);
    assert_eq!(a.units.len(), 300);
    assert_eq!(a, f.run());
}

// ------------------------------------------------------------ 销号 and the preset of each period

#[test]
fn a_task_closed_before_is_not_due_not_carded_and_counts_as_done() {
    // T1 is past its deadline and was never reported this period: without
    // closing it is due, overdue and red, and lowers every component.
    let tasks = vec![
        task("T1", 4, "A", d(2023, 1, 1), d(2023, 2, 28)),
        task("T2", 4, "A", d(2023, 3, 1), d(2023, 4, 30)),
    ];
    let m = merged(
        vec![report("T2", "A", Status::InProgress, 50.0)],
        vec![submission("A", true, false, 0, 0)],
    );
    let mut f = Fixture::new(tasks, vec![unit("A", "区直部门")], m);
    let open = f.run();
    let t1 = &open.tasks[0];
    assert!(t1.due && t1.overdue && t1.closed_period.is_none());
    assert_eq!(t1.card, Some(Card::Red));
    let jan = Period::month(2023, 1);
    f.ledger.set_closures([(
        crate::schema::TaskId::new("T1"),
        crate::model::Closure {
            period: jan,
            by_hand: false,
        },
    )]);
    let s = f.run();
    let t1 = &s.tasks[0];
    assert!(!t1.due && !t1.overdue && t1.done);
    assert_eq!((t1.card, t1.reasons.len()), (None, 0));
    assert_eq!(t1.closed_period, Some(jan));
    let (u_open, u) = (&open.units[0], &s.units[0]);
    assert_eq!((u_open.due, u.due), (2, 1));
    // Done: completion 100 (1 of 1 past deadline), progress counts it 100.
    assert_eq!(u_open.parts.completion, 0.0);
    assert_eq!(u.parts.completion, 100.0);
    assert_eq!(u.parts.progress, (4.0 * 100.0 + 4.0 * 100.0) / 8.0);
    assert!(u.score > u_open.score);
    assert_eq!(u.card, None);
}

#[test]
fn a_report_done_at_100_closes_its_task_from_the_next_period() {
    let tasks = vec![task("T1", 4, "A", d(2023, 1, 1), d(2023, 6, 30))];
    let m = merged(
        vec![report("T1", "A", Status::Completed, 100.0)],
        vec![submission("A", true, false, 0, 0)],
    );
    let mut f = Fixture::new(tasks, vec![unit("A", "区直部门")], m);
    let t = &f.run().tasks[0];
    // This period it is reported and due as any other.
    assert!(t.due && t.reported && t.done);
    assert_eq!(t.closed_period, Some(f.period));
    // 在办 in the ledger keeps it open.
    f.ledger.tasks[0].state_mark = Some(crate::model::StateMark::Open);
    f.ledger.reindex();
    assert_eq!(f.run().tasks[0].closed_period, None);
}

#[test]
fn history_cards_count_only_under_the_current_preset() {
    // A unit orange now; in February it was red under red-yellow-blue.
    let tasks = vec![task("T1", 4, "A", d(2023, 1, 1), d(2023, 6, 30))];
    let m = merged(
        vec![report("T1", "A", Status::InProgress, 10.0)],
        vec![submission("A", true, false, 0, 0)],
    );
    let mut f = Fixture::new(tasks, vec![unit("A", "区直部门")], m);
    f.config.preset = Preset::YellowOrangeRed;
    let mut feb = snap(
        Period::month(2023, 2),
        vec![tsnap("T1", "A", Some(10.0), Some(Card::Red))],
        vec![usnap("A", 1, Some(Card::Red))],
    );
    feb.preset = Some(Preset::RedYellowBlue);
    f.history = History {
        periods: vec![feb.clone()],
    };
    let s = f.run();
    assert_eq!(s.tasks[0].card, Some(Card::Orange));
    assert_eq!(
        s.units[0].card,
        Some(Card::Orange),
        "{:?}",
        s.units[0].reasons
    );
    // Had February been under yellow-orange-red (or not said), it counts.
    for preset in [Some(Preset::YellowOrangeRed), None] {
        feb.preset = preset;
        f.history = History {
            periods: vec![feb.clone()],
        };
        assert_eq!(f.run().units[0].card, Some(Card::Red), "{preset:?}");
    }
}

#[test]
fn repeat_cards_count_only_under_the_current_preset() {
    // Blue now, carded in each of the two periods before without gain: red
    // (多次督办无果) — unless those cards were given under the other preset.
    let tasks = vec![task("T1", 4, "A", d(2023, 3, 1), d(2023, 4, 30))];
    let m = merged(
        vec![report("T1", "A", Status::InProgress, 35.0)],
        vec![submission("A", true, false, 0, 0)],
    );
    let mut f = Fixture::new(tasks, vec![unit("A", "区直部门")], m);
    let history = |preset: Option<Preset>| History {
        periods: [1, 2]
            .map(|m| {
                let mut s = snap(
                    Period::month(2023, m),
                    vec![tsnap("T1", "A", Some(35.0), Some(Card::Orange))],
                    vec![],
                );
                s.preset = preset;
                s
            })
            .to_vec(),
    };
    f.history = history(Some(Preset::RedYellowBlue));
    assert_eq!(f.run().tasks[0].card, Some(Card::Red));
    f.history = history(Some(Preset::YellowOrangeRed));
    assert_eq!(f.run().tasks[0].card, Some(Card::Blue));
}
