//! Rows of a sheet that hold no data although cells are filled: totals
//! (`合计`, `小计：22项`, `共68项`), group headings (`一、经济发展（22项）`,
//! `（二）民生保障`, a row merged across the table) and rows of formulas
//! only. Shared by the ledger (where a heading names the tasks' group) and
//! the returned forms (where such rows are neither read nor rejected).

use super::grid::{Grid, GridCell};
use super::raw::RawRow;
use crate::schema::FormField;
use crate::text::{half_width_char, is_space, trim};
use crate::value::CellValue;

/// Words that make a whole cell a total.
const TOTAL_WORDS: [&str; 5] = ["总合计", "合计", "小计", "总计", "共计"];
/// What may stand before a total word (`本页小计`, `全年合计`).
const TOTAL_PREFIXES: [&str; 6] = ["本页", "本组", "本类", "本部分", "全年", "以上"];

/// Half-width, without spaces.
fn squeeze(s: &str) -> String {
    s.chars()
        .map(half_width_char)
        .filter(|c| !is_space(*c))
        .collect()
}

fn is_cn_digit(c: char) -> bool {
    matches!(
        c,
        '〇' | '零'
            | '一'
            | '二'
            | '两'
            | '三'
            | '四'
            | '五'
            | '六'
            | '七'
            | '八'
            | '九'
            | '十'
            | '百'
    )
}

/// A count such as `22项`, `共68项`, `(22项)`, `3个`, or a bare number: what
/// may follow a total word or close a heading.
fn is_count(s: &str) -> bool {
    let t = s.trim_matches(|c| matches!(c, '(' | ')' | ':' | ',' | '、' | '.' | '。' | ';'));
    let t = t.strip_prefix('共').unwrap_or(t);
    let t = t.trim_end_matches(['项', '个', '件', '条', '家']);
    !t.is_empty() && t.chars().all(|c| c.is_ascii_digit() || is_cn_digit(c))
}

/// Is this whole cell a total (`合计`, `合 计`, `小计：22项`, `本页小计`,
/// `共68项`, `总计68项`)? Text that merely contains such a word
/// (`累计完成投资5亿元`, `合计完成`) is not.
pub(crate) fn is_total_text(s: &str) -> bool {
    let t = squeeze(s);
    let t = t.trim_matches(|c| matches!(c, ':' | '。' | '.' | ',' | ';'));
    if t.is_empty() || t.chars().count() > 24 {
        return false;
    }
    if t.starts_with('共') && is_count(t) {
        return true;
    }
    let t = TOTAL_PREFIXES
        .iter()
        .find_map(|p| t.strip_prefix(p))
        .unwrap_or(t);
    TOTAL_WORDS.iter().any(|w| match t.strip_prefix(w) {
        Some(rest) => rest.is_empty() || is_count(rest),
        None => false,
    })
}

/// The heading level a numbering gives: `一、` 1, `（一）` 2, `1.`/`1、`/`（1）` 3.
/// None for text without such numbering.
pub(crate) fn numbering_level(s: &str) -> Option<u8> {
    let t: Vec<char> = s
        .chars()
        .map(half_width_char)
        .filter(|c| !is_space(*c))
        .collect();
    let digits = |from: usize, cn: bool| {
        t[from..]
            .iter()
            .take_while(|c| {
                if cn {
                    is_cn_digit(**c)
                } else {
                    c.is_ascii_digit()
                }
            })
            .count()
    };
    match t.first() {
        Some('(') => {
            let (n, cn) = match digits(1, true) {
                0 => (digits(1, false), false),
                n => (n, true),
            };
            (n > 0 && t.get(1 + n) == Some(&')')).then_some(if cn { 2 } else { 3 })
        }
        Some(c) if is_cn_digit(*c) => {
            let n = digits(0, true);
            matches!(t.get(n), Some('、' | '.' | ',') | None).then_some(1)
        }
        Some('第') => {
            let n = digits(1, true);
            (n > 0 && matches!(t.get(1 + n), Some('部' | '章' | '篇' | '类' | '项'))).then_some(1)
        }
        Some(c) if c.is_ascii_digit() => {
            let n = digits(0, false);
            // `1.` or `1、` followed by text (not `1.5`, not a date or an id).
            let sep = matches!(t.get(n), Some('、' | '.'));
            let text_after = t.get(n + 1).is_some_and(|c| !c.is_ascii_alphanumeric());
            (n <= 2 && sep && text_after).then_some(3)
        }
        _ => None,
    }
}

/// A bare numbering token standing alone in a cell (`一`, `二、`, `（一）`).
pub(crate) fn is_bare_numbering(s: &str) -> bool {
    let t = squeeze(s);
    let core = t.trim_end_matches(['、', '.']);
    let core = core
        .strip_prefix('(')
        .and_then(|c| c.strip_suffix(')'))
        .unwrap_or(core);
    !core.is_empty() && core.chars().all(is_cn_digit)
}

/// A heading's text without the count it ends with (`（22项）`, `(共5项)`,
/// `22项`) and without a trailing colon.
pub(crate) fn heading_name(s: &str) -> String {
    let mut t = trim(s).to_string();
    loop {
        let before = t.clone();
        let h: String = t.chars().map(half_width_char).collect();
        // A bracketed count at the end.
        if h.ends_with(')') {
            if let Some(open) = h.rfind('(') {
                if is_count(&h[open..]) {
                    let cut = h[..open].chars().count();
                    t = t.chars().take(cut).collect();
                }
            }
        }
        let trimmed = trim(&t).trim_end_matches([':', '：']).to_string();
        t = trim(&trimmed).to_string();
        // A count after a space: `三、生态环境 22项`.
        if let Some((head, last)) = t.rsplit_once(is_space) {
            if is_count(&squeeze(last)) && last.contains(['项', '个', '件', '条']) {
                t = trim(head).to_string();
            }
        }
        if t == before {
            return t;
        }
    }
}

/// Join a heading's pieces (`一` + `经济发展` → `一、经济发展`).
pub(crate) fn join_heading(pieces: &[&str]) -> String {
    let mut out = String::new();
    for (i, p) in pieces.iter().enumerate() {
        let p = trim(p);
        if p.is_empty() || (i > 0 && is_count(&squeeze(p))) {
            continue;
        }
        if !out.is_empty() {
            let bare_cn = is_bare_numbering(&out) && !out.ends_with(['、', ')', '）', '.']);
            if bare_cn {
                out.push('、');
            } else if !is_bare_numbering(&out) {
                out.push(' ');
            }
        }
        out.push_str(p);
    }
    heading_name(&out)
}

/// Does this text read as a heading rather than a task id: numbered like
/// one, ending with a count, or Chinese words without a digit (an id has one)?
pub(crate) fn looks_like_heading(s: &str) -> bool {
    let t = squeeze(s);
    if t.is_empty() {
        return false;
    }
    if numbering_level(&t).is_some() || heading_name(&t) != t {
        return true;
    }
    let cjk = t.chars().filter(|c| !c.is_ascii()).count();
    cjk >= 2 && !t.chars().any(|c| c.is_ascii_digit())
}

/// A cell copied across from a merged area to its left (not the row's own
/// value: a heading merged over the table).
pub(crate) fn is_copied_across(col: u32, cell: &GridCell) -> bool {
    cell.merged_from.is_some_and(|(_, oc)| oc != col)
}

/// The distinct texts a row shows (a merged area counted once, a value
/// merged down from above included), in column order.
pub(crate) fn row_pieces(grid: &Grid, row: u32) -> Vec<(u32, String)> {
    let mut out: Vec<(u32, String)> = Vec::new();
    for (c, cell) in grid.row(row) {
        if is_copied_across(c, cell) {
            continue;
        }
        let t = trim(&cell.value.display()).to_string();
        if !t.is_empty() {
            out.push((c, t));
        }
    }
    out
}

/// The widest merged area starting in this row, in cells of the row.
pub(crate) fn merged_across(grid: &Grid, row: u32) -> u32 {
    let mut best = 0u32;
    for (c, _) in grid.row(row) {
        let n = grid
            .row(row)
            .filter(|(_, x)| x.merged_from == Some((row, c)))
            .count() as u32;
        best = best.max(n + 1);
    }
    if best == 1 {
        0
    } else {
        best
    }
}

/// A cell that only marks "nothing here": `—`, `/`, `-`, `——` (no letter
/// or digit), as offices fill the other columns of a 合计 row.
fn is_placeholder(s: &str) -> bool {
    !s.chars().any(char::is_alphanumeric)
}

/// Is every filled cell of the row (outside `skip`) a formula, a total word
/// or a placeholder?
pub(crate) fn formulas_only(grid: &Grid, row: u32, skip: &[u32]) -> bool {
    let mut any_formula = false;
    for (c, cell) in grid.row(row) {
        if skip.contains(&c) || cell.value.is_empty() || cell.merged_from.is_some() {
            continue;
        }
        if cell.formula {
            any_formula = true;
        } else if !matches!(&cell.value, CellValue::Text(t) if is_total_text(t) || is_placeholder(t))
        {
            return false;
        }
    }
    any_formula
}

/// Is this row of a returned form no data, though filled: a total (an empty
/// 编号 and a whole cell reading `合计`/`小计`/`共N项`, with no 当前状态 or
/// 进展情况 of its own; placeholders such as `—` or `/` are none), formulas
/// only under an empty 编号 (`=SUM(…)`, placeholders beside them), or a
/// group heading (`一、经济发展`, or a row merged across the table, with no
/// answers)? A row with an empty 编号 but real answers is data (and is
/// rejected for its missing 编号).
pub(crate) fn not_form_data(grid: &Grid, raw: &RawRow) -> bool {
    let own = |k: FormField| {
        raw.get(k)
            .filter(|c| !c.merged_from.is_some_and(|(_, oc)| oc != c.col))
            .map(|c| c.value.as_text())
            .filter(|t| !is_placeholder(t))
            .unwrap_or_default()
    };
    let id = own(FormField::Id);
    let id_blank = id.is_empty() || is_total_text(&id);
    let quiet = |k: FormField| {
        let v = own(k);
        v.is_empty() || is_total_text(&v)
    };
    let no_text_answers = quiet(FormField::Status) && quiet(FormField::Progress);
    let pieces = row_pieces(grid, raw.row);
    if id_blank && no_text_answers && pieces.iter().any(|(_, t)| is_total_text(t)) {
        return true;
    }
    // Only dashes and slashes (what is left of a 合计 row whose formulas
    // were stored without results).
    if pieces.iter().all(|(_, t)| is_placeholder(t)) {
        return true;
    }
    if id.is_empty() && formulas_only(grid, raw.row, &[]) {
        return true;
    }
    let headed = id_blank || numbering_level(&id).is_some();
    let no_answers = no_text_answers && own(FormField::Percent).is_empty();
    // A heading alone in its row: numbered (`一、经济发展`) or counted
    // (`经济发展类（5项）`). (Words alone may be a task's title left unfilled.)
    let alone = |t: &str| numbering_level(t).is_some() || heading_name(t) != trim(t);
    headed
        && no_answers
        && (merged_across(grid, raw.row) >= 3 || matches!(pieces.as_slice(), [(_, t)] if alone(t)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totals_are_whole_cells() {
        for t in [
            "合计",
            "合 计",
            "合　计：",
            "小计：22项",
            "小计（22项）",
            "本页小计",
            "共68项",
            "共 68 项",
            "总计68项",
            "合计68",
            "共计",
            "共六十八项",
        ] {
            assert!(is_total_text(t), "{t}");
        }
        for t in [
            "累计完成投资5亿元",
            "合计完成",
            "完成合计",
            "ZF-001",
            "共同推进",
            "",
            "一、经济发展（22项）",
        ] {
            assert!(!is_total_text(t), "{t}");
        }
    }

    /// The rows of a form grid that are data, by their first cell.
    fn data_rows_of(g: &Grid) -> Vec<String> {
        use crate::ingest::header;
        let h = header::find_header(g, &crate::templates::templates().form, FormField::Id).unwrap();
        let (rows, _) = header::extract_rows(g, &h);
        rows.iter()
            .filter(|r| !not_form_data(g, r))
            .map(|r| format!("{}:{}", r.row + 1, r.value(FormField::Id).as_text()))
            .collect()
    }

    #[test]
    fn form_rows_that_are_not_data() {
        let mut g = Grid::default();
        let put = |g: &mut Grid, r: u32, cells: &[(u32, CellValue)]| {
            for (c, v) in cells {
                g.set(r, *c, v.clone());
            }
        };
        let t = CellValue::text;
        let n = CellValue::Number;
        put(
            &mut g,
            0,
            &[
                (0, t("编号")),
                (1, t("事项名称")),
                (2, t("当前状态")),
                (3, t("完成进度")),
                (4, t("进展情况")),
            ],
        );
        put(&mut g, 1, &[(0, t("一、经济发展（2项）"))]);
        put(
            &mut g,
            2,
            &[
                (0, t("ZF-001")),
                (1, t("甲")),
                (2, t("正在办理")),
                (3, n(40.0)),
                (4, t("推进")),
            ],
        );
        put(&mut g, 3, &[(1, t("合计")), (3, n(40.0))]);
        put(&mut g, 4, &[(2, n(0.0)), (3, n(40.0))]);
        put(&mut g, 5, &[(0, t("小计")), (3, n(40.0))]);
        put(&mut g, 6, &[(1, t("共1项"))]);
        // An empty id with real answers is data (rejected for its id).
        put(
            &mut g,
            7,
            &[
                (1, t("乙")),
                (2, t("正在办理")),
                (3, n(30.0)),
                (4, t("推进")),
            ],
        );
        // Numbers alone that are not formulas are data too.
        put(&mut g, 8, &[(3, n(55.0))]);
        // A heading merged across the table.
        put(&mut g, 9, &[(0, t("二、民生保障"))]);
        // Words alone may be a task's title left unfilled: data.
        put(&mut g, 10, &[(1, t("推进重点项目建设"))]);
        put(&mut g, 11, &[(1, t("民生类（3项）"))]);
        g.mark_formulas([(4, 2), (4, 3), (3, 3), (5, 3)]);
        g.apply_merges(&[calamine::Dimensions::new((9, 0), (9, 4))], 100);
        assert!(g.rows_without_text());
        assert_eq!(data_rows_of(&g), ["3:ZF-001", "8:", "9:", "11:"]);
    }

    #[test]
    fn headings_and_their_levels() {
        assert_eq!(numbering_level("一、经济发展（22项）"), Some(1));
        assert_eq!(numbering_level("十二、其他"), Some(1));
        assert_eq!(numbering_level("（二）民生保障"), Some(2));
        assert_eq!(numbering_level("(二)民生保障"), Some(2));
        assert_eq!(numbering_level("（3）小项"), Some(3));
        assert_eq!(numbering_level("1. 项目建设"), Some(3));
        assert_eq!(numbering_level("2、项目建设"), Some(3));
        assert_eq!(numbering_level("第一部分 经济发展"), Some(1));
        assert_eq!(numbering_level("ZF-001"), None);
        assert_eq!(numbering_level("1.5"), None);
        assert_eq!(numbering_level("2023001"), None);
        assert_eq!(numbering_level("经济发展"), None);

        assert_eq!(heading_name("一、经济发展（22项）"), "一、经济发展");
        assert_eq!(heading_name("（二）民生保障(共5项)："), "（二）民生保障");
        assert_eq!(heading_name("三、生态环境 22项"), "三、生态环境");
        assert_eq!(heading_name("四、2023年工作"), "四、2023年工作");
        assert_eq!(join_heading(&["一", "经济发展", "22项"]), "一、经济发展");
        assert_eq!(join_heading(&["（一）", "招商引资"]), "（一）招商引资");
        assert_eq!(join_heading(&["经济发展类（3项）"]), "经济发展类");

        assert!(looks_like_heading("经济发展类"));
        assert!(looks_like_heading("一、经济发展"));
        assert!(looks_like_heading("民生（5项）"));
        assert!(!looks_like_heading("ZF-001"));
        assert!(!looks_like_heading("政府-01"));
        assert!(!looks_like_heading("23001"));
        assert!(is_bare_numbering("一"));
        assert!(is_bare_numbering("（二）"));
        assert!(!is_bare_numbering("一、经济"));
    }
}
