//! Short texts the outputs show for a value: 是/否, card and status names,
//! rank changes, a rejected row's original cells.

use crate::config::Preset;
use crate::model::{Card, Status};
use crate::value::fmt_decimals;

/// `是` or `否`.
pub(crate) fn yes_no(b: bool) -> &'static str {
    if b {
        "是"
    } else {
        "否"
    }
}

/// `红牌` …, empty without a card.
pub(crate) fn card_label(c: Option<Card>) -> &'static str {
    c.map(Card::label).unwrap_or("")
}

/// The status as reported, `未报送` without a valid report.
pub(crate) fn status_label(s: Option<Status>) -> &'static str {
    s.map(Status::label).unwrap_or("未报送")
}

/// A rank change: `↑2` (moved up), `↓1`, `—` (same, or no earlier rank).
pub(crate) fn rank_change(ch: Option<i32>) -> String {
    match ch {
        Some(n) if n > 0 => format!("↑{n}"),
        Some(n) if n < 0 => format!("↓{}", -n),
        _ => "—".to_string(),
    }
}

/// Where a unit stands in its category: `前三位`, `后三位（约谈）`, both, or empty.
pub(crate) fn standing(top3: bool, bottom3: bool) -> &'static str {
    match (top3, bottom3) {
        (true, true) => "前三位；后三位（约谈）",
        (false, true) => "后三位（约谈）",
        (true, false) => "前三位",
        _ => "",
    }
}

/// `表头：值；表头：值` of a rejected row's original cells.
pub(crate) fn original_text(original: &[(String, String)]) -> String {
    original
        .iter()
        .map(|(h, v)| format!("{h}：{v}"))
        .collect::<Vec<_>>()
        .join("；")
}

/// The card rules' name, as the overview shows it.
pub(crate) fn preset_label(p: Preset) -> &'static str {
    match p {
        Preset::RedYellowBlue => "红黄蓝牌（red-yellow-blue）",
        Preset::YellowOrangeRed => "黄橙红牌（yellow-orange-red）",
    }
}

/// A percentage or lag as shown: rounded to one decimal.
pub(crate) fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// A weight, deduction or share as written in a formula: at most two
/// decimals, none when whole (`40`, `0.5`).
pub(crate) fn weight(x: f64) -> String {
    fmt_decimals(x, 2)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::cn_date;
    use chrono::NaiveDate;

    #[test]
    fn labels_of_values() {
        assert_eq!(yes_no(true), "是");
        assert_eq!(yes_no(false), "否");
        assert_eq!(card_label(Some(Card::Orange)), "橙牌");
        assert_eq!(card_label(None), "");
        assert_eq!(status_label(Some(Status::Implemented)), "已落实");
        assert_eq!(status_label(None), "未报送");
        assert_eq!(rank_change(Some(2)), "↑2");
        assert_eq!(rank_change(Some(-1)), "↓1");
        assert_eq!(rank_change(Some(0)), "—");
        assert_eq!(rank_change(None), "—");
        assert_eq!(standing(true, false), "前三位");
        assert_eq!(standing(false, true), "后三位（约谈）");
        assert_eq!(standing(true, true), "前三位；后三位（约谈）");
        assert_eq!(standing(false, false), "");
        let d = NaiveDate::from_ymd_opt(2023, 4, 10).unwrap();
        assert_eq!(cn_date(d), "2023年4月10日");
        assert_eq!(
            preset_label(Preset::YellowOrangeRed),
            "黄橙红牌（yellow-orange-red）"
        );
    }

    #[test]
    fn original_cells_read_header_colon_value() {
        let original = [
            ("编号", "ZF-099"),
            ("当前状态", "正在办理"),
            ("完成进度（%）", "50"),
        ]
        .map(|(h, v)| (h.to_string(), v.to_string()));
        assert_eq!(
            original_text(&original),
            "编号：ZF-099；当前状态：正在办理；完成进度（%）：50"
        );
        assert_eq!(original_text(&[]), "");
    }

    #[test]
    fn numbers_are_written_without_needless_decimals() {
        assert_eq!(round1(44.785), 44.8);
        assert_eq!(round1(-0.04), -0.0);
        assert_eq!(weight(40.0), "40");
        assert_eq!(weight(0.5), "0.5");
        assert_eq!(weight(10.009999999999998), "10.01");
        assert_eq!(weight(-0.001), "0");
        assert_eq!(fmt_decimals(-0.0, 6), "0");
        assert_eq!(fmt_decimals(1.0 / 3.0, 6), "0.333333");
        assert_eq!(fmt_decimals(350.0, 0), "350");
        assert_eq!(fmt_decimals(2.5e15, 6), "2500000000000000");
    }
}
