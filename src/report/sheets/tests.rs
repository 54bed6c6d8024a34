//! The consolidated workbook read back: each sheet shows what the run holds.

use super::*;
use crate::config::Preset;
use crate::merge::FileOutcome;
use crate::model::Card;
use crate::report::figures::card_label;
use crate::report::fixture;
use crate::report::sheets::ledger::{col as ledger_col, COLS as LEDGER_COLS};
use crate::report::xlsx::print_check::assert_readable;
use crate::report::xlsx::tests_support::{assert_same_look, part, sheet_xml};
use crate::score::{LeaderMark, TaskResult};
use crate::value::fmt_decimals;
use calamine::{open_workbook, Data, DataType, Range, Reader, Xlsx};

fn written(r: &RunResult) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out").join(summary_file_name(r));
    write_summary(r, &Figures::of(r), &path).unwrap();
    (dir, path)
}

fn s(range: &Range<Data>, row: u32, col: u32) -> String {
    range
        .get_value((row, col))
        .map(|d| d.to_string())
        .unwrap_or_default()
}

fn f(range: &Range<Data>, row: u32, col: u32) -> Option<f64> {
    range.get_value((row, col)).and_then(|d| d.as_f64())
}

/// Value in column B next to a label in column A of 总览.
fn overview_value(range: &Range<Data>, label: &str) -> Option<f64> {
    (0..range.end().unwrap().0)
        .find(|&r| s(range, r, 0) == label)
        .and_then(|r| f(range, r, 1))
}

fn fill_rgb(styles: &calamine::StyleRange, row: u32, col: u32) -> Option<(u8, u8, u8)> {
    let st = styles.get((row, col))?;
    let fill = st.fill.as_ref()?;
    if !fill.is_visible() {
        return None;
    }
    fill.get_color().map(|c| (c.red, c.green, c.blue))
}

#[test]
fn sheets_in_order_and_headers() {
    let r = fixture::fixture();
    let (_d, path) = written(&r);
    assert!(path.ends_with("汇总_2023-03.xlsx"));
    let mut wb: Xlsx<_> = open_workbook(&path).unwrap();
    assert_eq!(wb.sheet_names(), sheet_names());
    let range = wb.worksheet_range("台账汇总").unwrap();
    for (c, (h, _)) in LEDGER_COLS.iter().enumerate() {
        assert_eq!(s(&range, 0, c as u32), *h);
    }
    assert_eq!(range.end().unwrap().0 as usize, r.scored.tasks.len());
    for (i, t) in r.scored.tasks.iter().enumerate() {
        let row = i as u32 + 1;
        assert_eq!(s(&range, row, 0), t.id);
        assert_eq!(
            s(&range, row, ledger_col("牵头单位").unwrap() as u32),
            t.unit
        );
        assert_eq!(
            f(&range, row, ledger_col("序时进度(%)").unwrap() as u32),
            Some((t.planned * 10.0).round() / 10.0),
            "planned progress, to one decimal"
        );
        assert_eq!(
            f(&range, row, ledger_col("完成进度(%)").unwrap() as u32),
            t.actual
        );
        assert_eq!(
            s(&range, row, ledger_col("亮牌").unwrap() as u32),
            card_label(t.card)
        );
        let file = t
            .report
            .as_ref()
            .map(|x| x.provenance.file.clone())
            .unwrap_or_default();
        assert_eq!(s(&range, row, ledger_col("来源文件").unwrap() as u32), file);
    }
    let deadline = range
        .get_value((1, ledger_col("完成时限").unwrap() as u32))
        .unwrap();
    assert_eq!(deadline.as_date(), r.scored.tasks[0].deadline, "real dates");
}

#[test]
fn overview_figures_match_the_run() {
    let r = fixture::fixture();
    let (_d, path) = written(&r);
    let mut wb: Xlsx<_> = open_workbook(&path).unwrap();
    let o = wb.worksheet_range("总览").unwrap();
    let t = r.merged.totals;
    assert_eq!(t.rows_read, t.accepted + t.rejected + t.superseded);
    let n = |x: usize| Some(x as f64);
    assert_eq!(overview_value(&o, "读取行数"), Some(t.rows_read as f64));
    assert_eq!(overview_value(&o, "采用"), Some(t.accepted as f64));
    assert_eq!(overview_value(&o, "退回"), Some(t.rejected as f64));
    assert_eq!(overview_value(&o, "被替代"), Some(t.superseded as f64));
    assert_eq!(overview_value(&o, "重点事项数"), n(r.scored.tasks.len()));
    assert_eq!(overview_value(&o, "责任单位数"), n(r.ledger.units.len()));
    let tasks = |f: fn(&TaskResult) -> bool| n(r.scored.tasks.iter().filter(|t| f(t)).count());
    assert_eq!(overview_value(&o, "本期应报事项数"), tasks(|t| t.due));
    assert_eq!(overview_value(&o, "已逾期未完成"), tasks(|t| t.overdue));
    for c in [Card::Red, Card::Orange, Card::Yellow, Card::Blue] {
        let count = r.scored.tasks.iter().filter(|t| t.card == Some(c)).count();
        assert_eq!(overview_value(&o, c.label()), n(count), "{c:?}");
    }
    let files = |o: FileOutcome| n(r.merged.files.iter().filter(|f| f.outcome == o).count());
    let superseded = overview_value(&o, "被替代文件");
    assert_eq!(superseded, files(FileOutcome::Superseded));
    assert_eq!(overview_value(&o, "退回文件"), files(FileOutcome::Rejected));
    assert_eq!(overview_value(&o, "采用文件"), files(FileOutcome::Accepted));
    let silent: Vec<&str> = r
        .merged
        .submissions
        .values()
        .filter(|s| !s.reported && !s.due.is_empty())
        .map(|s| s.unit.as_str())
        .collect();
    assert_eq!(overview_value(&o, "未报送单位数"), n(silent.len()));
    let all: Vec<String> = o.cells().map(|(_, _, v)| v.to_string()).collect();
    for u in &silent {
        assert!(all.iter().any(|x| x == u), "unit not reported listed: {u}");
    }
    assert!(all.iter().any(|x| x.contains("相符")));
    let red_lag = r.config.rules.red_yellow_blue.red_lag;
    let legend = format!("滞后序时进度达 {red_lag} 个百分点");
    assert!(all.iter().any(|x| x.starts_with(&legend)), "legend");
    // Two charts with cached values from cells: one bar per category.
    let cats: std::collections::BTreeSet<&str> =
        r.scored.units.iter().map(|u| u.category.as_str()).collect();
    let buf = std::fs::read(&path).unwrap();
    let c1 = part(&buf, "xl/charts/chart1.xml");
    let c2 = part(&buf, "xl/charts/chart2.xml");
    assert!(c1.contains(r#"<c:grouping val="stacked"/>"#), "{c1}");
    // The chart data is to the right of the printed columns (A–K).
    let range = format!("<c:f>总览!$M$5:$M${}</c:f>", 4 + cats.len());
    assert!(c1.contains(&range), "{range}: {c1}");
    // Cached values, so viewers that do not recalculate still draw the chart.
    for c in &cats {
        assert!(c1.contains(&format!("<c:v>{c}</c:v>")), "{c}");
    }
    assert!(c1.contains("<c:numCache>"));
    assert!(c2.contains("<c:barChart>") && c2.contains(r#"<c:grouping val="clustered"/>"#));
}

#[test]
fn carded_rows_are_filled_by_card() {
    for r in [fixture::fixture(), fixture::fixture_yor()] {
        carded_rows_are_filled(&r);
    }
}

fn carded_rows_are_filled(r: &RunResult) {
    let (_d, path) = written(r);
    let mut wb: Xlsx<_> = open_workbook(&path).unwrap();
    let styles = wb.worksheet_style("台账汇总").unwrap();
    for (i, t) in r.scored.tasks.iter().enumerate() {
        let row = i as u32 + 1;
        let want = t.card.map(|c| match c {
            Card::Red => (0xFF, 0xC7, 0xCE),
            Card::Orange => (0xFF, 0xD8, 0xA8),
            Card::Yellow => (0xFF, 0xF2, 0xCC),
            Card::Blue => (0xDD, 0xEB, 0xF7),
        });
        assert_eq!(fill_rgb(&styles, row, 0), want, "row of {}", t.id);
        assert_eq!(fill_rgb(&styles, row, 20), want, "whole row of {}", t.id);
    }
}

#[test]
fn alerts_ranking_leaders_and_reminders() {
    // Units carry cards and reasons of their own under yellow-orange-red.
    for r in [fixture::fixture(), fixture::fixture_yor()] {
        alerts_ranking_leaders_and_reminders_of(&r);
    }
}

fn alerts_ranking_leaders_and_reminders_of(r: &RunResult) {
    let (_d, path) = written(r);
    let mut wb: Xlsx<_> = open_workbook(&path).unwrap();

    let a = wb.worksheet_range("亮牌预警").unwrap();
    let carded = r.scored.tasks.iter().filter(|t| t.card.is_some()).count();
    assert_eq!(a.end().unwrap().0 as usize, carded);
    let sev: Vec<u8> = (1..=carded as u32)
        .map(|row| match s(&a, row, 1).as_str() {
            "红牌" => 4,
            "橙牌" => 3,
            "黄牌" => 2,
            "蓝牌" => 1,
            x => panic!("{x}"),
        })
        .collect();
    assert!(sev.windows(2).all(|w| w[0] >= w[1]), "{sev:?}");

    let u = wb.worksheet_range("单位排名").unwrap();
    let styles = wb.worksheet_style("单位排名").unwrap();
    for (i, unit) in r.scored.units.iter().enumerate() {
        let row = i as u32 + 1;
        assert_eq!(s(&u, row, 2), unit.name);
        let change = match unit.rank_change {
            Some(c) if c > 0 => format!("↑{c}"),
            Some(c) if c < 0 => format!("↓{}", -c),
            _ => "—".to_string(),
        };
        assert_eq!(s(&u, row, 13), change, "{}", unit.name);
        assert!(!(unit.top3 && unit.bottom3), "{}", unit.name);
        let mark = match (unit.top3, unit.bottom3) {
            (false, true) => "后三位（约谈）".to_string(),
            (true, false) => "前三位".to_string(),
            _ if unit.rank <= 3 && unit.rank > 0 && !unit.not_top3.is_empty() => {
                format!("不列前三位（{}）", unit.not_top3.join("、"))
            }
            _ => String::new(),
        };
        assert_eq!(s(&u, row, 11), mark, "{}", unit.name);
        assert_eq!(s(&u, row, 16), unit.reasons.join("；"), "{}", unit.name);
        assert_eq!(f(&u, row, 3), Some(unit.score));
        let fill = fill_rgb(&styles, row, 2);
        if unit.bottom3 {
            assert_eq!(fill, Some((0xFF, 0xC7, 0xCE)), "{}", unit.name);
        } else if unit.top3 {
            assert_eq!(fill, Some((0xE2, 0xEF, 0xDA)), "{}", unit.name);
        } else {
            assert_eq!(fill, None, "{}", unit.name);
        }
    }
    assert_leaders_marked(r);

    let m = wb.worksheet_range("督办提示").unwrap();
    let kinds: Vec<String> = (1..=r.scored.reminders.len() as u32)
        .map(|row| s(&m, row, 0))
        .collect();
    let order = |k: &str| {
        ["已逾期", "临近到期", "本期应报"]
            .iter()
            .position(|x| *x == k)
            .unwrap()
    };
    assert!(
        kinds.windows(2).all(|w| order(&w[0]) <= order(&w[1])),
        "{kinds:?}"
    );
    assert!(kinds.iter().any(|k| k == "已逾期"));
}

/// Each leader's mark shows in words and colour (one more leader marked
/// blue, so both marks are seen).
fn assert_leaders_marked(r: &RunResult) {
    let mut r = r.clone();
    let quiet = r
        .scored
        .leaders
        .iter_mut()
        .find(|l| l.mark.is_none())
        .unwrap();
    quiet.mark = Some(LeaderMark::Blue);
    let (_d, path) = written(&r);
    let mut wb: Xlsx<_> = open_workbook(&path).unwrap();
    let l = wb.worksheet_range("领导分管").unwrap();
    let styles = wb.worksheet_style("领导分管").unwrap();
    for (i, lr) in r.scored.leaders.iter().enumerate() {
        let row = i as u32 + 1;
        assert_eq!(s(&l, row, 0), lr.name);
        assert_eq!(f(&l, row, 2), Some(lr.tasks as f64));
        match lr.mark {
            Some(LeaderMark::Red) => {
                assert_eq!(s(&l, row, 12), "红");
                assert_eq!(fill_rgb(&styles, row, 12), Some((0xFF, 0xC7, 0xCE)));
            }
            Some(LeaderMark::Blue) => {
                assert_eq!(s(&l, row, 12), "蓝");
                assert_eq!(fill_rgb(&styles, row, 12), Some((0xDD, 0xEB, 0xF7)));
            }
            None => assert_eq!(s(&l, row, 12), ""),
        }
    }
}

#[test]
fn ranking_shows_weights_deductions_and_a_checkable_formula() {
    let r = fixture::fixture();
    let (_d, path) = written(&r);
    let mut wb: Xlsx<_> = open_workbook(&path).unwrap();
    let u = wb.worksheet_range("单位排名").unwrap();
    assert_eq!(s(&u, 0, 4), "进度得分（权重40）");
    assert_eq!(s(&u, 0, 7), "报送质量得分（权重20）");
    assert_eq!(s(&u, 0, 21), "亮牌扣分明细");
    assert_eq!(s(&u, 0, 22), "得分计算式");
    for (i, unit) in r.scored.units.iter().enumerate() {
        let row = i as u32 + 1;
        assert_eq!(s(&u, row, 2), unit.name);
        // Components are written unrounded (shown with two decimals).
        assert_eq!(f(&u, row, 4), Some(unit.parts.progress));
        assert_eq!(f(&u, row, 8), Some(unit.parts.base));
        let formula = s(&u, row, 22);
        assert!(formula.starts_with("基础分=("), "{formula}");
        assert!(
            formula.ends_with(&format!("={:.2}", unit.score)),
            "{formula} vs {}",
            unit.score
        );
        let detail = s(&u, row, 21);
        if unit.parts.deduction == 0.0 {
            assert_eq!(detail, "无亮牌，不扣分");
        } else {
            assert!(
                detail.ends_with(&format!("= {}", fmt_decimals(unit.parts.deduction, 2))),
                "{detail}"
            );
        }
    }
    // The rules under the table, with the configured weights.
    let last = u.end().unwrap().0;
    let text: Vec<String> = (0..=last).map(|row| s(&u, row, 0)).collect();
    assert!(text.iter().any(|t| t == "计分说明"));
    assert!(text.iter().any(|t| t.contains("进度得分×40")), "{text:?}");
    assert!(text.iter().any(|t| t.contains("红牌10分")), "{text:?}");
}

#[test]
fn overview_names_the_units_to_call_in() {
    let r = fixture::fixture();
    let (_d, path) = written(&r);
    let mut wb: Xlsx<_> = open_workbook(&path).unwrap();
    let o = wb.worksheet_range("总览").unwrap();
    let rows: Vec<(String, String)> = (0..=o.end().unwrap().0)
        .map(|row| (s(&o, row, 0), s(&o, row, 1)))
        .collect();
    let at = rows
        .iter()
        .position(|x| x.0 == "五、后三位单位（约谈）")
        .expect("section");
    let called: Vec<_> = r.scored.units.iter().filter(|u| u.bottom3).collect();
    assert!(!called.is_empty());
    for (k, u) in called.iter().enumerate() {
        let (cat, text) = &rows[at + 1 + k];
        assert_eq!(cat, &u.category);
        assert!(
            text.starts_with(&format!("{}（{:.2}分", u.name, u.score)),
            "{text}"
        );
    }
}

#[test]
fn wrapped_rows_get_heights_and_pages_a_header() {
    let r = fixture::fixture();
    let buf = build_summary(&r, &Figures::of(&r))
        .unwrap()
        .save_to_buffer()
        .unwrap();
    // 单位排名: the two-line formula makes its rows taller than one line.
    let xml = sheet_xml(&buf, 4);
    assert!(xml.contains(r#"customHeight="1""#), "row heights");
    assert!(xml.contains("&amp;A"), "sheet name in the page header");
}

#[test]
fn submissions_issues_and_rejected_rows() {
    let r = fixture::fixture();
    let (_d, path) = written(&r);
    let mut wb: Xlsx<_> = open_workbook(&path).unwrap();

    let sub = wb.worksheet_range("报送情况").unwrap();
    let cells: Vec<String> = sub.cells().map(|(_, _, v)| v.to_string()).collect();
    assert!(cells.iter().any(|x| x == "未报送"));
    assert!(cells.iter().any(|x| x == "逾期报送"));
    for fr in &r.merged.files {
        assert!(cells.contains(&fr.file.sha256), "sha of {}", fr.file.rel);
        assert!(cells.contains(&fr.file.rel));
    }
    assert!(cells.iter().any(|x| x == "已被新版本替代"));

    let iss = wb.worksheet_range("校验问题").unwrap();
    let all: Vec<&crate::model::Issue> = r.ledger_issues.iter().chain(&r.merged.issues).collect();
    assert_eq!(iss.end().unwrap().0 as usize, all.len());
    let styles = wb.worksheet_style("校验问题").unwrap();
    for (i, x) in all.iter().enumerate() {
        let row = i as u32 + 1;
        assert_eq!(s(&iss, row, 6), x.code.as_str());
        assert_eq!(s(&iss, row, 5), x.severity.label());
        let red = fill_rgb(&styles, row, 7) == Some((0xFF, 0xC7, 0xCE));
        assert_eq!(red, x.is_error(), "errors highlighted");
    }

    let rej = wb.worksheet_range("退回明细").unwrap();
    assert_eq!(rej.end().unwrap().0 as usize, r.merged.rejected.len());
    for (i, x) in r.merged.rejected.iter().enumerate() {
        let row = i as u32 + 1;
        assert_eq!(f(&rej, row, 3), Some(x.row as f64));
        assert_eq!(s(&rej, row, 6), x.reasons.join("；"));
        let cells: Vec<String> = x
            .original
            .iter()
            .map(|(h, v)| format!("{h}：{v}"))
            .collect();
        let handling = if x.office {
            "台账待更正，暂不处理（不扣分）"
        } else {
            "退回单位修改"
        };
        assert_eq!(s(&rej, row, 7), handling);
        assert_eq!(s(&rej, row, 8), cells.join("；"));
    }
}

/// Printed as set up, every sheet's text is 9 pt or more; the wide tables a
/// leader reads whole are on A3, the others on A4, landscape; provenance,
/// formulas and chart data are beside the printed columns.
#[test]
fn every_sheet_is_readable_on_paper() {
    for r in [fixture::fixture(), fixture::fixture_yor()] {
        let buf = build_summary(&r, &Figures::of(&r))
            .unwrap()
            .save_to_buffer()
            .unwrap();
        let printed = assert_readable(&buf, 9.0);
        let names: Vec<&str> = printed.iter().map(|p| p.sheet.as_str()).collect();
        assert_eq!(names, sheet_names());
        for p in &printed {
            assert!(p.landscape, "{}", p.sheet);
            let a3 = ["台账汇总", "亮牌预警", "单位排名"].contains(&p.sheet.as_str());
            assert_eq!(p.paper, if a3 { 8 } else { 9 }, "{}", p.sheet);
            // Never below 9 pt, even if a program shrinks 4% more.
            assert!(p.printed_pt() * 0.96 >= 8.9, "{p:?}");
        }
        let cols = |name: &str| printed.iter().find(|p| p.sheet == name).unwrap().cols;
        let last = |h| u32::from(ledger_col(h).unwrap());
        assert_eq!(cols("台账汇总"), (0, last("下步措施")));
        for provenance in ["来源文件", "工作表", "行号"] {
            assert!(
                last(provenance) > cols("台账汇总").1,
                "{provenance} printed"
            );
        }
        assert_eq!(cols("单位排名").1, 16, "up to 单位亮牌原因");
        assert_eq!(cols("总览"), (0, 10));
        assert_eq!(cols("报送情况"), (0, 12));
        let wbx = part(&buf, "xl/workbook.xml");
        assert_eq!(
            wbx.matches("_xlnm.Print_Titles").count(),
            SHEETS.len(),
            "{wbx}"
        );
        assert!(sheet_xml(&buf, 2).contains("<autoFilter "));
        assert!(sheet_xml(&buf, 2).contains(r#"<pane ySplit="1""#));
        // 总览: the clerk's figures start on a page of their own.
        assert!(sheet_xml(&buf, 1).contains("<rowBreaks "));
    }
}

#[test]
fn byte_identical_when_written_twice() {
    let r = fixture::fixture();
    let (_d1, p1) = written(&r);
    let (_d2, p2) = written(&r);
    let (a, b) = (std::fs::read(p1).unwrap(), std::fs::read(p2).unwrap());
    assert_eq!(a, b);
    // The creation time is the as-of date, never the clock.
    let core = part(&a, "docProps/core.xml");
    assert!(core.contains(">2023-03-31T00:00:00Z<"), "{core}");
}

#[test]
fn streamed_sheets_look_the_same_as_in_memory() {
    let big = fixture::run(30, 400, &[Preset::RedYellowBlue]).remove(0);
    for r in [fixture::fixture(), fixture::fixture_yor(), big] {
        let mem = build(&r, &Figures::of(&r), false)
            .unwrap()
            .save_to_buffer()
            .unwrap();
        let cm = build_summary(&r, &Figures::of(&r))
            .unwrap()
            .save_to_buffer()
            .unwrap();
        let heights = assert_same_look(&mem, &cm);
        // 台账汇总 has rows made taller for their wrapped text.
        assert!(heights[1] > 1, "{heights:?}");
    }
}

#[test]
fn empty_run_still_writes() {
    let mut r = fixture::fixture();
    r.scored = Default::default();
    r.merged = Default::default();
    let buf = build_summary(&r, &Figures::of(&r))
        .unwrap()
        .save_to_buffer()
        .unwrap();
    assert!(!buf.is_empty());
}

/// `cargo test -- --ignored big_summary --nocapture`: timing on 50,000 tasks.
#[test]
#[ignore]
fn big_summary_50k() {
    let r = fixture::run(1000, 50_000, &[Preset::RedYellowBlue]).remove(0);
    let fmts = Formats::new();
    let t = std::time::Instant::now();
    let f = Figures::of(&r);
    let ws = Sheet::new(SHEETS[1].name, &fmts).unwrap();
    crate::report::sheets::ledger::build(&r, &f, ws).unwrap();
    eprintln!("台账汇总 alone: {:?}", t.elapsed());
    let t = std::time::Instant::now();
    let mut wb = build_summary(&r, &f).unwrap();
    let built = t.elapsed();
    let dir = tempfile::tempdir().unwrap();
    save_atomic(&mut wb, &dir.path().join("big.xlsx")).unwrap();
    eprintln!("50k tasks: built {built:?}, total {:?}", t.elapsed());
}

#[test]
fn printed_headers_follow_the_sheet_list() {
    let r = fixture::fixture();
    let buf = build_summary(&r, &Figures::of(&r))
        .unwrap()
        .save_to_buffer()
        .unwrap();
    let mut names = std::collections::BTreeSet::new();
    for (i, def) in SHEETS.iter().enumerate() {
        assert!(names.insert(def.name), "{} twice", def.name);
        let header = part(&buf, &format!("xl/worksheets/sheet{}.xml", i + 1));
        let header = header.split("<oddHeader>").nth(1).unwrap();
        assert!(
            header.starts_with("&amp;L重点工作督办汇总（2023年3月）"),
            "{header}"
        );
        assert_eq!(
            header.contains("行底色＝亮牌颜色"),
            def.card_rows,
            "{}",
            def.name
        );
    }
}

/// Issue 15 §11: the 总览 progress chart averages planned and actual over
/// the same tasks (done, reported or due; a due task nobody reported counts
/// 0), and its title says so.
#[test]
fn overview_progress_chart_compares_like_with_like() {
    let r = fixture::fixture();
    let (_d, path) = written(&r);
    let mut wb: Xlsx<_> = open_workbook(&path).unwrap();
    let o = wb.worksheet_range("总览").unwrap();
    // The chart data is to the right of the printed columns (A–K).
    const C0: u32 = 12;
    let title = (0..o.end().unwrap().0)
        .find(|&row| s(&o, row, C0).starts_with("图表数据：各单位序时进度与实际进度"))
        .expect("chart data");
    assert!(s(&o, title, C0).contains("应报未报的按0计"));
    assert_eq!(s(&o, title + 1, C0 + 4), "计入事项数");
    let mut row = title + 2;
    let mut with_missing = 0;
    while !s(&o, row, C0).is_empty() {
        let unit = s(&o, row, C0);
        let mine: Vec<&TaskResult> = r
            .scored
            .tasks
            .iter()
            .filter(|t| t.unit == unit && (t.due || t.reported || t.done))
            .collect();
        let n = mine.len() as f64;
        let avg = |f: &dyn Fn(&TaskResult) -> f64| {
            let sum: f64 = mine.iter().map(|t| f(t)).sum();
            if mine.is_empty() {
                0.0
            } else {
                (sum / n * 10.0).round() / 10.0
            }
        };
        let planned = avg(&|t| t.planned);
        let actual = avg(&|t| t.actual.unwrap_or(if t.done { 100.0 } else { 0.0 }));
        assert_eq!(f(&o, row, C0 + 1), Some(planned), "{unit}");
        assert_eq!(f(&o, row, C0 + 2), Some(actual), "{unit}");
        assert_eq!(f(&o, row, C0 + 4), Some(n), "{unit}");
        if mine.iter().any(|t| t.due && !t.reported && !t.done) {
            with_missing += 1;
        }
        row += 1;
    }
    assert_eq!(row - title - 2, r.scored.units.len() as u32);
    assert!(with_missing > 0, "a unit with due tasks unreported");
    let buf = std::fs::read(&path).unwrap();
    let charts: String = (1..=2)
        .map(|i| part(&buf, &format!("xl/charts/chart{i}.xml")))
        .collect();
    assert!(charts.contains("同一批事项平均，应报未报按0计"));
}

#[test]
fn groups_in_the_ledger_sheet_and_on_the_overview() {
    let r = fixture::fixture();
    let figures = Figures::of(&r);
    assert!(
        r.scored.tasks.iter().all(|t| t.group.is_some()),
        "the fixture's ledger is grouped"
    );
    let (_d, path) = written(&r);
    let mut wb: Xlsx<_> = open_workbook(&path).unwrap();
    let range = wb.worksheet_range("台账汇总").unwrap();
    let col = ledger_col("分组").unwrap() as u32;
    for (i, t) in r.scored.tasks.iter().enumerate() {
        assert_eq!(
            s(&range, i as u32 + 1, col),
            t.group.clone().unwrap_or_default()
        );
    }
    // 总览: a line per group, with its counts; the groups' tasks add up.
    let o = wb.worksheet_range("总览").unwrap();
    let at = (0..o.height() as u32)
        .find(|&row| s(&o, row, 0).starts_with("九、分组情况"))
        .expect("a groups section");
    assert!(!figures.groups.is_empty());
    for (k, g) in figures.groups.iter().enumerate() {
        let row = at + 1 + k as u32;
        assert_eq!(s(&o, row, 0).trim_start_matches('　'), g.name);
        assert_eq!(s(&o, row, 1), crate::report::figures::group_line(g));
    }
    let top: u32 = figures
        .groups
        .iter()
        .filter(|g| g.level == 1)
        .map(|g| g.counts.tasks)
        .sum();
    assert_eq!(top as usize, r.scored.tasks.len());
}

/// The header row of a sheet, as text.
fn headers(range: &Range<Data>) -> Vec<String> {
    (0..range.width() as u32).map(|c| s(range, 0, c)).collect()
}

#[test]
fn task_lists_name_the_group_only_when_the_ledger_has_groups() {
    let r = fixture::fixture();
    let group_of: std::collections::HashMap<&str, String> = r
        .scored
        .tasks
        .iter()
        .map(|t| (t.id.as_str(), t.group.clone().unwrap_or_default()))
        .collect();
    let (_d, path) = written(&r);
    let mut wb: Xlsx<_> = open_workbook(&path).unwrap();
    for sheet in ["亮牌预警", "督办提示"] {
        let range = wb.worksheet_range(sheet).unwrap();
        let h = headers(&range);
        let id = h.iter().position(|x| x == "编号").unwrap() as u32;
        // After the task's 编号, as in 台账汇总.
        assert_eq!(h[id as usize + 1], "分组", "{sheet}: {h:?}");
        assert_eq!(h[id as usize + 2], "事项名称", "{sheet}: {h:?}");
        let rows = range.height() as u32 - 1;
        assert!(rows > 0, "{sheet} lists tasks");
        for row in 1..=rows {
            let task = s(&range, row, id);
            let group = &group_of[task.as_str()];
            assert!(!group.is_empty(), "{sheet}: {task} has a group");
            assert_eq!(&s(&range, row, id + 1), group, "{sheet}: {task}");
        }
    }
    // A ledger without groups: no 分组 column, 编号 then 事项名称.
    let mut plain = r.clone();
    for t in &mut plain.scored.tasks {
        t.group = None;
    }
    let (_d, path) = written(&plain);
    let mut wb: Xlsx<_> = open_workbook(&path).unwrap();
    for sheet in ["亮牌预警", "督办提示"] {
        let h = headers(&wb.worksheet_range(sheet).unwrap());
        assert!(!h.iter().any(|x| x == "分组"), "{sheet}: {h:?}");
        let id = h.iter().position(|x| x == "编号").unwrap();
        assert_eq!(h[id + 1], "事项名称", "{sheet}: {h:?}");
    }
}

/// Long text is given the room on paper: each wrapped column's share of the
/// page follows the text it holds, so the reasons and the original content
/// are wider than short notes, and no row is absurdly tall.
#[test]
fn long_text_columns_get_the_room_on_paper() {
    use crate::report::xlsx::print_check::{col_widths, row_heights};
    use crate::report::xlsx::sheet::LINE_HEIGHT;
    let r = fixture::fixture();
    let (_d, path) = written(&r);
    let buf = std::fs::read(&path).unwrap();
    let mut wb: Xlsx<_> = open_workbook(&path).unwrap();
    let names = sheet_names();
    let index = |name: &str| names.iter().position(|n| *n == name).unwrap() + 1;
    // 台账汇总: the card reasons (the longest text a leader reads) wider
    // than the short 销号 note and the task's name.
    let ledger = sheet_xml(&buf, index("台账汇总"));
    let w = col_widths(&ledger);
    let width = |h: &str| w[&(ledger_col(h).unwrap() as u32)];
    assert!(
        width("亮牌原因") > width("销号") && width("亮牌原因") > width("事项名称"),
        "{w:?}"
    );
    // 退回明细: the original content is the widest column.
    let range = wb.worksheet_range("退回明细").unwrap();
    let h = headers(&range);
    let rejected = sheet_xml(&buf, index("退回明细"));
    let w = col_widths(&rejected);
    let original = h.iter().position(|x| x.starts_with("原始内容")).unwrap() as u32;
    let widest = w.iter().max_by(|a, b| a.1.total_cmp(b.1)).unwrap();
    assert_eq!(*widest.0, original, "{w:?}");
    // No row of a task list taller than 10 lines; a rejected row, whose
    // original content is every cell of the form's row, 14.
    for (sheet, lines) in [
        ("台账汇总", 10.0),
        ("亮牌预警", 10.0),
        ("督办提示", 10.0),
        ("退回明细", 14.0),
    ] {
        let xml = sheet_xml(&buf, index(sheet));
        for (row, ht) in row_heights(&xml) {
            assert!(
                ht <= lines * LINE_HEIGHT + 3.0,
                "{sheet} row {}: {ht} pt",
                row + 1
            );
        }
    }
}
