//! The document style (`[documents]` in `duban.toml`) and the page geometry
//! of GB/T 9704-2012 in twips (1/20 point, 1/1440 inch).

use serde::{Deserialize, Serialize};

/// A4 width and height in twips (210 × 297 mm).
pub(crate) const PAGE_WIDTH: u32 = 11906;
/// A4 height in twips.
pub(crate) const PAGE_HEIGHT: u32 = 16838;

/// Margins in millimetres (GB/T 9704-2012 §5.2.1: 天头 37 mm, 订口 28 mm;
/// the 版心 is 156 × 225 mm, so bottom 35 mm and right 26 mm).
pub(crate) const MARGIN_TOP_MM: f64 = 37.0;
/// Bottom margin in millimetres.
pub(crate) const MARGIN_BOTTOM_MM: f64 = 35.0;
/// Left margin in millimetres.
pub(crate) const MARGIN_LEFT_MM: f64 = 28.0;
/// Right margin in millimetres.
pub(crate) const MARGIN_RIGHT_MM: f64 = 26.0;

/// Lines per page and characters per line of the body (§5.2.2).
pub(crate) const LINES_PER_PAGE: u32 = 22;
/// Characters per body line.
pub(crate) const CHARS_PER_LINE: u32 = 28;

/// Font sizes in half-points (w:sz): 2号 22 pt, 3号 16 pt, 4号 14 pt.
pub(crate) const TITLE_SIZE: usize = 44;
/// 3号: body, headings, 主送, 落款.
pub(crate) const BODY_SIZE: usize = 32;
/// 4号: page numbers and the 版记.
pub(crate) const SMALL_SIZE: usize = 28;

/// Millimetres to twips, rounded.
pub(crate) fn mm(mm: f64) -> i32 {
    (mm * 1440.0 / 25.4).round() as i32
}

/// Margin top in twips (2098).
pub(crate) fn margin_top() -> i32 {
    mm(MARGIN_TOP_MM)
}
/// Margin bottom in twips (1984).
pub(crate) fn margin_bottom() -> i32 {
    mm(MARGIN_BOTTOM_MM)
}
/// Margin left in twips (1587).
pub(crate) fn margin_left() -> i32 {
    mm(MARGIN_LEFT_MM)
}
/// Margin right in twips (1474).
pub(crate) fn margin_right() -> i32 {
    mm(MARGIN_RIGHT_MM)
}

/// Width of the 版心 in twips (8845).
pub(crate) fn text_width() -> i32 {
    PAGE_WIDTH as i32 - margin_left() - margin_right()
}

/// Height of the 版心 in twips (12756).
pub(crate) fn text_height() -> i32 {
    PAGE_HEIGHT as i32 - margin_top() - margin_bottom()
}

/// The fixed line pitch: 22 lines fill the 版心 (579 twips = 28.95 pt).
/// Rounded down so that the 22nd line still fits.
pub(crate) fn line_pitch() -> i32 {
    text_height() / LINES_PER_PAGE as i32
}

/// Width of one grid character in twips (≈ 315.9): 28 fill a line.
pub(crate) fn char_pitch() -> f64 {
    f64::from(text_width()) / f64::from(CHARS_PER_LINE)
}

/// `w:docGrid/@w:charSpace`: Word's character pitch is the default font
/// size plus charSpace/4096 pt, so this makes 3号 characters 28 to a line.
pub(crate) fn char_space() -> isize {
    let pitch_pt = char_pitch() / 20.0;
    ((pitch_pt - BODY_SIZE as f64 / 2.0) * 4096.0).round() as isize
}

/// Character spacing of 3号 runs in twips (−5): 28 characters of 16 pt
/// condensed by this fit the 版心 width without snapping to the grid.
pub(crate) fn body_char_spacing() -> i32 {
    char_pitch().floor() as i32 - BODY_SIZE as i32 * 10
}

/// `n` body characters in twips, rounded.
pub(crate) fn chars(n: f64) -> i32 {
    (n * char_pitch()).round() as i32
}

/// A font with the fallbacks an office PC may have instead, in order of
/// preference. In TOML either one name or a list:
/// `body = "仿宋"` or `body = ["仿宋_GB2312", "仿宋"]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "OneOrMany", into = "Vec<String>")]
pub(crate) struct FontList(Vec<String>);

#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl TryFrom<OneOrMany> for FontList {
    type Error = String;
    fn try_from(v: OneOrMany) -> Result<Self, String> {
        let names = match v {
            OneOrMany::One(s) => vec![s],
            OneOrMany::Many(v) => v,
        };
        FontList::new(names)
    }
}

impl From<FontList> for Vec<String> {
    fn from(f: FontList) -> Self {
        f.0
    }
}

impl FontList {
    /// A list of font names, first preferred; blank names are dropped and an
    /// empty list is an error.
    pub(crate) fn new<S: Into<String>>(names: impl IntoIterator<Item = S>) -> Result<Self, String> {
        let names: Vec<String> = names
            .into_iter()
            .map(|s| s.into().trim().to_string())
            .filter(|s| !s.is_empty())
            .collect();
        if names.is_empty() {
            return Err("字体列表不能为空".to_string());
        }
        Ok(FontList(names))
    }

    fn of(names: &[&str]) -> Self {
        FontList(names.iter().map(|s| s.to_string()).collect())
    }

    /// The preferred font: the name written in every run (w:rFonts).
    pub(crate) fn primary(&self) -> &str {
        &self.0[0]
    }

    /// The fallbacks, written as the font table's w:altName.
    pub(crate) fn fallbacks(&self) -> &[String] {
        &self.0[1..]
    }
}

/// The fonts of each role. Defaults are GB/T 9704's, each with the
/// fallbacks that Windows ships (仿宋, 楷体, 黑体, 宋体, 华文中宋 with Office).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct FontSet {
    /// Body text, 主送, 落款, tables, 版记 (仿宋_GB2312).
    pub(crate) body: FontList,
    /// Title (方正小标宋简体).
    pub(crate) title: FontList,
    /// 发文机关标志 in the 版头 (方正小标宋简体).
    pub(crate) masthead: FontList,
    /// Level-1 headings `一、` (黑体).
    pub(crate) heading1: FontList,
    /// Level-2 headings `（一）` (楷体_GB2312).
    pub(crate) heading2: FontList,
    /// Page numbers (宋体).
    pub(crate) page_number: FontList,
    /// Optional font for Latin letters and digits (e.g. "Times New Roman");
    /// unset, they take the role's Chinese font as most 公文 templates do.
    pub(crate) latin: Option<String>,
}

impl Default for FontSet {
    fn default() -> Self {
        let xbs = &["方正小标宋简体", "方正小标宋_GBK", "华文中宋", "宋体"];
        FontSet {
            body: FontList::of(&["仿宋_GB2312", "仿宋"]),
            title: FontList::of(xbs),
            masthead: FontList::of(xbs),
            heading1: FontList::of(&["黑体", "微软雅黑"]),
            heading2: FontList::of(&["楷体_GB2312", "楷体"]),
            page_number: FontList::of(&["宋体", "SimSun"]),
            latin: None,
        }
    }
}

impl FontSet {
    /// Every role's list, in a fixed order (for the font table).
    pub(crate) fn all(&self) -> [&FontList; 6] {
        [
            &self.body,
            &self.title,
            &self.masthead,
            &self.heading1,
            &self.heading2,
            &self.page_number,
        ]
    }
}

/// How the office's Word documents look (`[documents]` in `duban.toml`).
/// Page size, margins, the line grid and the body size are GB/T 9704's and
/// fixed; fonts and a few sizes the standard leaves open are settable.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct DocumentStyle {
    pub(crate) fonts: FontSet,
    /// Point size of table text (the standard leaves it open; 小四 = 12).
    pub(crate) table_pt: f64,
    /// Largest size of the 发文机关标志 in points; a long office name is set
    /// smaller so that it fits on one line.
    pub(crate) masthead_max_pt: f64,
    /// Space above the 发文机关标志, in millimetres from the top of the 版心
    /// (GB/T 9704 §7.2.3: 35 mm).
    pub(crate) masthead_space_mm: f64,
}

impl Default for DocumentStyle {
    fn default() -> Self {
        DocumentStyle {
            fonts: FontSet::default(),
            table_pt: 12.0,
            masthead_max_pt: 42.0,
            masthead_space_mm: 35.0,
        }
    }
}

impl DocumentStyle {
    /// Table text size in half-points, kept within 8–22 pt.
    pub(crate) fn table_size(&self) -> usize {
        half_points(self.table_pt, 8.0, 22.0)
    }

    /// The 发文机关标志 size in half-points for `name`: the largest size up
    /// to `masthead_max_pt` at which the name fits the 版心 width.
    pub(crate) fn masthead_size(&self, name: &str) -> usize {
        let width_chars = super::blocks::width_in_chars(name).max(1.0);
        let fit_pt = f64::from(text_width()) / 20.0 / width_chars * 0.96;
        half_points(self.masthead_max_pt.min(fit_pt.floor()), 16.0, 72.0)
    }
}

fn half_points(pt: f64, lo: f64, hi: f64) -> usize {
    let pt = if pt.is_finite() { pt.clamp(lo, hi) } else { lo };
    (pt * 2.0).round() as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn geometry_matches_the_standard() {
        assert_eq!(
            (margin_top(), margin_bottom(), margin_left(), margin_right()),
            (2098, 1984, 1587, 1474)
        );
        assert_eq!(text_width(), 8845);
        // 22 lines fit in the 版心, 23 would not.
        assert!(line_pitch() * 22 <= text_height());
        assert!(line_pitch() * 23 > text_height());
        // 28 characters of 16 pt + charSpace fill the line exactly.
        let pitch = BODY_SIZE as f64 / 2.0 + char_space() as f64 / 4096.0;
        assert!((pitch * 20.0 * 28.0 - f64::from(text_width())).abs() < 1.0);
        // Without the grid: 28 condensed characters fit, 29 do not.
        let condensed = BODY_SIZE as i32 * 10 + body_char_spacing();
        assert!(28 * condensed <= text_width() && 29 * condensed > text_width());
    }

    #[test]
    fn fonts_deserialize_from_a_name_or_a_list_and_keep_defaults() {
        let s: DocumentStyle = toml::from_str(
            "table_pt = 10.5\n[fonts]\nbody = \"仿宋\"\nheading1 = [\"方正黑体_GBK\", \"黑体\"]\n",
        )
        .unwrap();
        assert_eq!(s.fonts.body.primary(), "仿宋");
        assert!(s.fonts.body.fallbacks().is_empty());
        assert_eq!(s.fonts.heading1.fallbacks(), ["黑体".to_string()]);
        assert_eq!(s.fonts.heading2, FontSet::default().heading2);
        assert_eq!(s.table_size(), 21);
        assert!(toml::from_str::<DocumentStyle>("[fonts]\nbody = []\n").is_err());
        assert!(toml::from_str::<DocumentStyle>("colour = 1\n").is_err());
        // Round trip through TOML.
        let d = DocumentStyle::default();
        let back: DocumentStyle = toml::from_str(&toml::to_string(&d).unwrap()).unwrap();
        assert_eq!(back, d);
    }

    #[test]
    fn a_long_office_name_gets_a_smaller_masthead() {
        let s = DocumentStyle::default();
        assert_eq!(s.masthead_size("督查室"), 84);
        let long = s.masthead_size("佳木斯市郊区人民政府办公室督查室");
        assert!(long < 84);
        // It fits: width in points ≤ the 版心 width.
        assert!(long as f64 / 2.0 * 16.0 <= text_width() as f64 / 20.0);
    }
}
