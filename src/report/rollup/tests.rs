use super::{build, card_colours, sheet_names, Card, Period, Rollup};
use crate::config::Preset;
use crate::model::Status;
use crate::report::xlsx::print_check::assert_readable;
use crate::rollup::{
    Annual, AnnualRules, CardTally, LeaderPeriod, LeaderRollup, PeriodUsed, TaskPeriod, TaskRollup,
    UnitPeriod, UnitRollup,
};

/// A year of twelve months: 40 units in two categories, 120 tasks with
/// long titles in groups, 10 leaders.
fn year() -> Rollup {
    let months: Vec<Period> = (1..=12).map(|m| Period::month(2026, m)).collect();
    let card = |i: usize| [None, Some(Card::Red), Some(Card::Yellow), Some(Card::Blue)][i % 4];
    let units = (0..40)
        .map(|i| UnitRollup {
            name: format!("区第{i}号发展和改革局"),
            category: if i < 20 {
                "党政群机关"
            } else {
                "政府部门"
            }
            .into(),
            periods: months
                .iter()
                .map(|&period| UnitPeriod {
                    period,
                    due: 3,
                    reported: true,
                    late: i % 5 == 0,
                    not_reported: false,
                    card: card(i),
                    score: 80.0 + i as f64 / 3.0,
                    rank: 1,
                    bottom3: false,
                    interview: false,
                })
                .collect(),
            periods_due: 12,
            on_time: 11,
            late: 1,
            not_reported: 0,
            cards: CardTally {
                red: 2,
                orange: 0,
                yellow: 3,
                blue: 4,
            },
            bottom3_count: 1,
            interviews: 2,
            mean_score: Some(80.0 + i as f64 / 3.0),
            rank: (i % 20 + 1) as u32,
            rank_change: Some(1),
            annual: Some(Annual {
                period_mean: 80.0 + i as f64 / 3.0,
                periods_scored: 12,
                evaluation: Some(90.0),
                evaluation_share: 0.3,
                blended: 84.0,
                late_periods: 1,
                unreported_periods: 1,
                deduction: 3.0,
                score: 81.0,
                rank: (i % 20 + 1) as u32,
                bottom3: i % 20 > 16,
                bottom3_last_year: Some(true),
                bottom3_two_years: i % 20 > 17,
            }),
        })
        .collect();
    let tasks = (0..120)
        .map(|i| TaskRollup {
            id: format!("ZD-{i:03}"),
            unit: format!("区第{}号发展和改革局", i % 40),
            title: "推进重点项目建设，加快形成实物工作量，确保年底前全面完成".repeat(1 + i % 2),
            group: Some(format!("第{}组 重点项目", i / 40)),
            leader: format!("领导{}", i % 10),
            stars: 4,
            periods: months
                .iter()
                .map(|&period| TaskPeriod {
                    period,
                    due: true,
                    reported: i % 7 != 0,
                    status: Some(Status::InProgress),
                    actual: (i % 3 != 0).then_some(55.5),
                    planned: Some(50.0),
                    card: card(i),
                    progress: String::new(),
                    closed: false,
                })
                .collect(),
            final_status: Some(Status::InProgress),
            final_actual: Some(55.5),
            closed_period: (i % 9 == 0).then(|| Period::month(2026, 11)),
        })
        .collect();
    let leaders = (0..10)
        .map(|i| LeaderRollup {
            name: format!("领导{i}"),
            periods: months
                .iter()
                .map(|&period| LeaderPeriod {
                    period,
                    tasks: 12,
                    done: 3,
                    overdue: 1,
                    mark: None,
                })
                .collect(),
            blue: 0,
            red: 0,
        })
        .collect();
    Rollup {
        span: crate::rollup::Span::year(2026),
        periods_used: months
            .iter()
            .map(|&period| PeriodUsed {
                period,
                round: 1,
                as_of: period.end(),
                preset: Some(Preset::RedYellowBlue),
            })
            .collect(),
        periods_missing: Vec::new(),
        verified: false,
        notes: vec!["说明一".into()],
        previous: None,
        units,
        tasks,
        leaders,
        annual_rules: Some(AnnualRules {
            evaluation_share: 0.3,
            deduct_late: 1.0,
            deduct_unreported: 2.0,
            evaluations_from: None,
        }),
    }
}

#[test]
fn a_year_prints_readably_and_the_same_every_time() {
    let r = year();
    let buf = build(&r).unwrap().save_to_buffer().unwrap();
    let printed = assert_readable(&buf, 9.0);
    let names: Vec<&str> = printed.iter().map(|p| p.sheet.as_str()).collect();
    assert_eq!(names, sheet_names(&r));
    assert_eq!(names.last(), Some(&"年度考评"));
    for p in &printed {
        assert!(p.landscape, "{}", p.sheet);
    }
    let again = build(&r).unwrap().save_to_buffer().unwrap();
    assert_eq!(buf, again);
    // A quarter has no 年度考评, and prints on A4.
    let mut q = r.clone();
    q.span = crate::rollup::Span::quarter(2026, 4);
    q.periods_used.truncate(3);
    q.annual_rules = None;
    let buf = build(&q).unwrap().save_to_buffer().unwrap();
    let printed = assert_readable(&buf, 9.0);
    assert_eq!(printed.len(), 4);
    assert!(printed.iter().all(|p| p.paper == 9), "{printed:?}");
}

#[test]
fn colours_shown_are_the_presets_and_those_that_occur() {
    let mut r = year();
    assert_eq!(card_colours(&r), [Card::Red, Card::Yellow, Card::Blue]);
    r.periods_used[0].preset = Some(Preset::YellowOrangeRed);
    assert_eq!(card_colours(&r).len(), 4);
}
