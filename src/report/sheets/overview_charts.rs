//! The charts of 总览: cards by category (stacked columns) and planned
//! against actual progress by unit (the most lagging units, as bars; both
//! averaged over the same tasks, a due task not reported counting 0), on
//! the leader's page to the right of the key figures; drawn from chart
//! data written as values to the right of the printed columns.

use rust_xlsxwriter::{
    Chart, ChartDataLabel, ChartFont, ChartFormat, ChartLegendPosition, ChartSolidFill, ChartType,
    Color, XlsxError,
};

use crate::model::Card;
use crate::report::figures::{Figures, PROGRESS_BASIS};
use crate::report::xlsx::{text_width, Fill, Kind, Sheet, Val};

/// Name of the sheet the chart data is on.
const SHEET: &str = "总览";
/// First column of the charts: after the key figures (A, B) and a gap (C).
const CHART_COL: u16 = 3;
/// Columns the charts span, and their width (units of column width).
const CHART_COLS: u16 = 8;
const CHART_COL_WIDTH: f64 = 7.0;
/// The printed columns: the key figures and the charts.
pub(crate) const PRINTED: u16 = CHART_COL + CHART_COLS;
/// Column of the chart data: one empty column after the printed ones.
const C0: u16 = PRINTED + 1;
/// Heights of the charts (pixels): both fit the leader's page beside the
/// key figures.
const CARD_CHART_PX: u32 = 230;
const PROGRESS_CHART_PX: u32 = 490;
/// Gap above the first chart and between the charts (pixels).
const GAP_PX: u32 = 6;
/// Where the charts end, in points below the top of row 1 (a pixel is ¾ point).
pub(crate) const CHARTS_BOTTOM_PT: f64 =
    (GAP_PX * 2 + CARD_CHART_PX + PROGRESS_CHART_PX) as f64 * 0.75;

/// Units shown in the progress chart at most (the most lagging ones): one
/// bar pair each, labels readable on paper.
const CHART_UNITS: usize = 12;
const CARDS: [Card; 4] = [Card::Red, Card::Orange, Card::Yellow, Card::Blue];
/// Size of the charts' text (points): at the page's scale it prints at 9 pt or more.
const CHART_FONT_PT: u8 = 11;

/// The charts' text font.
fn font(bold: bool) -> ChartFont {
    let mut f = ChartFont::new();
    f.set_size(CHART_FONT_PT).set_name("宋体");
    if bold {
        f.set_bold();
    } else {
        f.unset_bold();
    }
    f
}

/// Width (pixels) of the chart columns, as the spreadsheet program draws
/// them: the charts end exactly on a column edge.
fn charts_width_px() -> u32 {
    // rust_xlsxwriter: round(width × 7) + 5 pixels per column.
    ((CHART_COL_WIDTH * 7.0).round() as u32 + 5) * u32::from(CHART_COLS)
}

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

/// Write the chart data and the two charts over the chart columns.
pub(crate) fn write(s: &mut Sheet, f: &Figures) -> Result<(), XlsxError> {
    // A gap after the key figures, then the charts' columns.
    s.need_fixed(CHART_COL - 1, 1.0);
    for c in CHART_COL..PRINTED {
        s.need_fixed(c, CHART_COL_WIDTH - 1.0);
    }
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
    data_header(s, row, &["类别", "红牌", "橙牌", "黄牌", "蓝牌"])?;
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
    data_header(s, row, &headers)?;
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

/// A header row of chart data, on one line (the rows are shared with the
/// key figures, whose heights it must not change).
fn data_header(s: &mut Sheet, row: u32, headers: &[&str]) -> Result<(), XlsxError> {
    let fmts = s.fmts;
    for (i, h) in headers.iter().enumerate() {
        let col = C0 + i as u16;
        s.label(row, col, h, &fmts.header)?;
        s.need(col, text_width(h) + 2.0);
    }
    Ok(())
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
            series.set_data_label(ChartDataLabel::new().show_value().set_font(&font(false)));
        }
        let mut fill = ChartSolidFill::new();
        fill.set_color(chart_color(*c));
        series.set_format(ChartFormat::new().set_solid_fill(&fill));
    }
    ch.y_axis().set_name("事项数");
    style(&mut ch);
    ch.set_width(charts_width_px()).set_height(CARD_CHART_PX);
    s.ws.insert_chart_with_offset(1, CHART_COL, &ch, 0, GAP_PX)?;
    Ok(())
}

/// Clustered bars: planned and actual progress of the most lagging units,
/// the most lagging at the top.
fn progress_chart(s: &mut Sheet, f: &Figures, rows: &Rows) -> Result<(), XlsxError> {
    let (first, last) = (rows.first, rows.last);
    let mut ch = Chart::new(ChartType::Bar);
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
    // In a bar chart the categories are on the vertical (y) axis, listed
    // bottom up: reversed, the first (most lagging) unit is at the top;
    // every unit is labelled.
    ch.y_axis().set_reverse().set_label_interval(1);
    ch.x_axis().set_name("进度（%）").set_min(0).set_max(100);
    style(&mut ch);
    ch.set_width(charts_width_px())
        .set_height(PROGRESS_CHART_PX);
    s.ws.insert_chart_with_offset(1, CHART_COL, &ch, 0, CARD_CHART_PX + 2 * GAP_PX)?;
    Ok(())
}

/// Every text of a chart at the print size: title, axes, legend (below).
fn style(ch: &mut Chart) {
    ch.title().set_font(&{
        let mut f = font(true);
        f.set_size(CHART_FONT_PT + 1);
        f
    });
    ch.x_axis()
        .set_font(&font(false))
        .set_name_font(&font(false));
    ch.y_axis()
        .set_font(&font(false))
        .set_name_font(&font(false));
    ch.legend()
        .set_position(ChartLegendPosition::Bottom)
        .set_font(&font(false));
}
