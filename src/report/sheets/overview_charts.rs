//! The charts of 总览: cards by category (stacked columns) and planned
//! against actual progress by unit (the most lagging units; both averaged
//! over the same tasks, a due task not reported counting 0), drawn from
//! chart data written as values to the right of the overview.

use rust_xlsxwriter::{
    Chart, ChartDataLabel, ChartFormat, ChartSolidFill, ChartType, Color, XlsxError,
};

use crate::model::Card;
use crate::report::figures::{Figures, PROGRESS_BASIS};
use crate::report::xlsx::{Fill, Kind, Sheet, Val};

/// Name of the sheet the chart data is on.
const SHEET: &str = "总览";
/// Column of the chart data.
const C0: u16 = 3;
/// Column of the charts: one empty column after the chart data.
const CHART_COL: u16 = C0 + 6;
/// Units shown in the progress chart at most (the most lagging ones).
const CHART_UNITS: usize = 30;
const CARDS: [Card; 4] = [Card::Red, Card::Orange, Card::Yellow, Card::Blue];

/// Chart colours of the cards (stronger than the row tints).
fn chart_color(c: Card) -> Color {
    match c {
        Card::Red => Color::RGB(0xC00000),
        Card::Orange => Color::RGB(0xED7D31),
        Card::Yellow => Color::RGB(0xFFC000),
        Card::Blue => Color::RGB(0x5B9BD5),
    }
}

/// A block of chart data: the rows a chart reads (below the header row),
/// and the last row written.
struct Rows {
    first: u32,
    last: u32,
    end: u32,
}

/// Write the chart data and the two charts over it.
pub fn write(s: &mut Sheet, f: &Figures) -> Result<(), XlsxError> {
    let cats = category_data(s, f)?;
    let units = progress_data(s, f, cats.end + 2)?;
    card_chart(s, f, &cats)?;
    progress_chart(s, f, &units)
}

/// Cards by category, from row 2.
fn category_data(s: &mut Sheet, f: &Figures) -> Result<Rows, XlsxError> {
    let fmts = s.fmts;
    let mut row = 2u32;
    s.label(row, C0, "图表数据：各类别事项亮牌数", &fmts.section)?;
    row += 1;
    s.header_at(row, C0, &["类别", "红牌", "橙牌", "黄牌", "蓝牌"])?;
    let first = row + 1;
    for cat in &f.categories {
        row += 1;
        s.put(row, C0, Val::Str(cat.name), Kind::Text, Fill::None)?;
        let c = &cat.cards;
        for (i, v) in [c.red, c.orange, c.yellow, c.blue].iter().enumerate() {
            let col = C0 + 1 + i as u16;
            s.put(row, col, Val::Int(*v as i64), Kind::Int, Fill::None)?;
        }
    }
    Ok(Rows {
        first,
        last: row.max(first),
        end: row,
    })
}

/// Planned against actual progress by unit, the most lagging first, from `row`.
fn progress_data(s: &mut Sheet, f: &Figures, mut row: u32) -> Result<Rows, XlsxError> {
    let fmts = s.fmts;
    let title = format!("图表数据：各单位序时进度与实际进度（{PROGRESS_BASIS}，%；滞后多者在前）");
    s.label(row, C0, &title, &fmts.section)?;
    row += 1;
    let headers = [
        "单位",
        "序时进度(%)",
        "实际进度(%)",
        "滞后(个百分点)",
        "计入事项数",
    ];
    s.header_at(row, C0, &headers)?;
    let first = row + 1;
    for p in &f.progress {
        row += 1;
        s.put(row, C0, Val::Str(p.unit), Kind::Text, Fill::None)?;
        s.put(row, C0 + 1, Val::Num(p.planned), Kind::Num, Fill::None)?;
        s.put(row, C0 + 2, Val::Num(p.actual), Kind::Num, Fill::None)?;
        s.put(row, C0 + 3, Val::Num(p.lag), Kind::Num, Fill::None)?;
        s.put(row, C0 + 4, Val::Int(p.tasks as i64), Kind::Int, Fill::None)?;
    }
    let shown = (f.progress.len().min(CHART_UNITS) as u32).max(1);
    Ok(Rows {
        first,
        last: first + shown - 1,
        end: row,
    })
}

/// Stacked columns: each category's tasks by card.
fn card_chart(s: &mut Sheet, f: &Figures, rows: &Rows) -> Result<(), XlsxError> {
    let (first, last) = (rows.first, rows.last);
    let mut ch = Chart::new(ChartType::ColumnStacked);
    ch.title().set_name("各类别事项亮牌数");
    for (i, c) in CARDS.iter().enumerate() {
        let col = C0 + 1 + i as u16;
        let series = ch
            .add_series()
            .set_name((SHEET, first - 1, col))
            .set_categories((SHEET, first, C0, last, C0))
            .set_values((SHEET, first, col, last, col));
        // Counts on the bars, for the cards that occur at all (no rows of "0").
        let any = f.categories.iter().any(|cat| match c {
            Card::Red => cat.cards.red > 0,
            Card::Orange => cat.cards.orange > 0,
            Card::Yellow => cat.cards.yellow > 0,
            Card::Blue => cat.cards.blue > 0,
        });
        if any {
            series.set_data_label(ChartDataLabel::new().show_value());
        }
        let mut fill = ChartSolidFill::new();
        fill.set_color(chart_color(*c));
        series.set_format(ChartFormat::new().set_solid_fill(&fill));
    }
    ch.y_axis().set_name("事项数");
    ch.set_width(560).set_height(300);
    s.ws.insert_chart(2, CHART_COL, &ch)?;
    Ok(())
}

/// Clustered columns: planned and actual progress of the most lagging units.
fn progress_chart(s: &mut Sheet, f: &Figures, rows: &Rows) -> Result<(), XlsxError> {
    let (first, last) = (rows.first, rows.last);
    let mut ch = Chart::new(ChartType::Column);
    let title = if f.progress.len() > CHART_UNITS {
        format!(
            "序时进度与实际进度（滞后最多的 {CHART_UNITS} 个单位；同一批事项平均，应报未报按0计）"
        )
    } else {
        "各单位序时进度与实际进度（同一批事项平均，应报未报按0计）".to_string()
    };
    ch.title().set_name(&title);
    for (i, color) in [(1u16, 0xA5A5A5u32), (2, 0x4472C4)] {
        let mut fill = ChartSolidFill::new();
        fill.set_color(Color::RGB(color));
        ch.add_series()
            .set_name((SHEET, first - 1, C0 + i))
            .set_categories((SHEET, first, C0, last, C0))
            .set_values((SHEET, first, C0 + i, last, C0 + i))
            .set_format(ChartFormat::new().set_solid_fill(&fill));
    }
    ch.y_axis().set_name("进度（%）").set_min(0).set_max(100);
    ch.set_width(720).set_height(340);
    s.ws.insert_chart(19, CHART_COL, &ch)?;
    Ok(())
}
