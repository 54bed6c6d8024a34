//! Finding a form's unit, period and fill date in free text: the
//! `填报单位：…　报送期次：…` line above the header, the title, signature lines
//! below the data and the file name (SPEC §2).
//!
//! The scanners are deliberately conservative: a date (`2023年3月31日`,
//! `2023.3.31`, `20230331`) or a phone number is never read as a period.

use chrono::NaiveDate;

use crate::ingest::RawForm;
use crate::model::{Ledger, Task, Unit};
use crate::period::{cn_number, Period};
use crate::schema::FormField;
use crate::text::{is_space, to_half_width, trim};
use crate::value::parse_date_text;

/// Labels introducing the unit on a preamble/footer line, longest first.
pub(crate) const UNIT_LABELS: [&str; 6] = [
    "填报单位",
    "报送单位",
    "责任单位",
    "牵头单位",
    "承办单位",
    "单位",
];
/// Labels introducing the period.
pub(crate) const PERIOD_LABELS: [&str; 7] = [
    "报送期次",
    "填报期次",
    "报送期间",
    "报送时间段",
    "期次",
    "报告期",
    "所属期",
];
/// Labels introducing the fill date.
/// (A bare `日期` is not enough: `报送截止日期：…` is not a fill date.)
pub(crate) const FILL_DATE_LABELS: [&str; 4] = ["填报日期", "填表日期", "报送日期", "填报时间"];

/// The text following `label` on `line` when the label is followed (after an
/// optional bracketed remark such as `（盖章）`) by a colon or a space. The
/// whole rest of the line is returned, trimmed; `None` when the label does not
/// introduce a value here.
pub(crate) fn labelled_rest(line: &str, label: &str) -> Option<String> {
    let half = to_half_width(line);
    for (pos, _) in half.match_indices(label) {
        let after = &half[pos + label.len()..];
        let mut chars = after.char_indices().peekable();
        // Optional bracketed remark: (盖章) / （盖章） → already half-width "(".
        if let Some(&(_, '(')) = chars.peek() {
            let mut depth = 0;
            for (_, c) in chars.by_ref() {
                match c {
                    '(' => depth += 1,
                    ')' => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    _ => {}
                }
            }
        }
        let mut saw_sep = false;
        let mut start = after.len();
        for (i, c) in chars {
            if c == ':' || is_space(c) {
                saw_sep = true;
                continue;
            }
            start = i;
            break;
        }
        if !saw_sep || start >= after.len() {
            continue;
        }
        let rest = trim(&after[start..]);
        if !rest.is_empty() {
            return Some(rest.to_string());
        }
    }
    None
}

/// The first whitespace-delimited token of `s`.
pub(crate) fn first_token(s: &str) -> &str {
    let s = trim(s);
    match s.find(is_space) {
        Some(i) => &s[..i],
        None => s,
    }
}

/// The unit named after a 填报单位/报送单位/单位 label on this line, if any.
pub(crate) fn unit_on_labelled_line<'l>(ledger: &'l Ledger, line: &str) -> Option<&'l Unit> {
    for label in UNIT_LABELS {
        if let Some(rest) = labelled_rest(line, label) {
            let token = first_token(&rest);
            if let Some(u) = ledger.unit(token).or_else(|| ledger.find_unit_in(token)) {
                return Some(u);
            }
        }
    }
    None
}

/// The period named after a 报送期次/期次 label on this line, if any.
pub(crate) fn period_on_labelled_line(line: &str, default_year: i32) -> Option<Period> {
    PERIOD_LABELS.iter().find_map(|label| {
        let rest = labelled_rest(line, label)?;
        Period::parse_loose(first_token(&rest), default_year)
            .or_else(|| find_period_in(&rest, default_year))
    })
}

/// A fill date on this line: `填报日期：2023年3月31日`, or a line that is only a date.
pub(crate) fn fill_date_on_line(line: &str, default_year: i32) -> Option<NaiveDate> {
    for label in FILL_DATE_LABELS {
        if let Some(rest) = labelled_rest(line, label) {
            if let Some(d) = parse_date_text(first_token(&rest), default_year) {
                return Some(d);
            }
        }
    }
    // Only a full date with a year stands alone (a bare "3月31日" could be anything).
    let t = trim(line);
    if t.chars().count() >= 8 {
        return parse_date_text(t, default_year);
    }
    None
}

/// Labels of the names signed under a form (its signature block), longest
/// first within each: 填报人, 联系电话, 单位负责人.
const FILLER_LABELS: [&str; 2] = ["填报人", "填表人"];
const PHONE_LABELS: [&str; 2] = ["联系电话", "电话"];
const HEAD_LABELS: [&str; 3] = ["单位主要负责人", "单位负责人", "主要负责人"];

/// The names signed under a form: 填报人, 联系电话, 单位负责人 (empty when
/// not given).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Signature {
    pub(crate) filler: String,
    pub(crate) phone: String,
    pub(crate) head: String,
}

/// The signature block among a form's preamble and footer lines
/// (`填报人：张三　联系电话：138…　填报日期：…`, `单位负责人（签字）：李四`): the
/// first value found after each label. A label left blank is not mistaken
/// for the next label.
pub(crate) fn signature_on_lines<'l>(lines: impl IntoIterator<Item = &'l String>) -> Signature {
    let mut sig = Signature::default();
    for line in lines {
        for (labels, slot) in [
            (&FILLER_LABELS[..], &mut sig.filler),
            (&PHONE_LABELS[..], &mut sig.phone),
            (&HEAD_LABELS[..], &mut sig.head),
        ] {
            if !slot.is_empty() {
                continue;
            }
            if let Some(v) = labels.iter().find_map(|l| signed_value(line, l)) {
                *slot = v;
            }
        }
    }
    sig
}

/// The value after `label` on `line`, unless it is another label (the
/// field was left blank).
fn signed_value(line: &str, label: &str) -> Option<String> {
    let rest = labelled_rest(line, label)?;
    let token = first_token(&rest);
    let is_label = token.ends_with(':') || token.ends_with('：');
    (!token.is_empty() && !is_label).then(|| token.to_string())
}

/// The file name of a `/`-separated relative path without its extension.
pub(crate) fn file_stem(rel: &str) -> &str {
    let name = rel.rsplit(['/', '\\']).next().unwrap_or(rel);
    match name.rfind('.') {
        Some(i) if i > 0 => &name[..i],
        _ => name,
    }
}

fn is_cn_numeral(c: char) -> bool {
    matches!(
        c,
        '〇' | '零' | '一' | '二' | '两' | '三' | '四' | '五' | '六' | '七' | '八' | '九' | '十'
    )
}

fn is_range_sep(c: char) -> bool {
    matches!(c, '-' | '~' | '至' | '到')
}

/// End of the ASCII digit run starting at `i`.
fn digit_run_end(s: &[char], i: usize) -> usize {
    let mut j = i;
    while j < s.len() && s[j].is_ascii_digit() {
        j += 1;
    }
    j
}

fn number_of(s: &[char], from: usize, to: usize) -> Option<u32> {
    let t: String = s[from..to].iter().collect();
    cn_number(&t)
}

/// Is position `p` the start of a day number (`31日`, `三十一号`)? Then the
/// month before it belongs to a date, not a period.
fn is_day_after(s: &[char], p: usize) -> bool {
    let mut j = p;
    while j < s.len() && (s[j].is_ascii_digit() || is_cn_numeral(s[j])) {
        j += 1;
    }
    j > p && j < s.len() && matches!(s[j], '日' | '号')
}

/// At `k`: an optional `第`, a number (ASCII ≤ 2 digits or Chinese numerals),
/// then 月/季/周. `year_given` says whether a year preceded it.
fn number_marker(s: &[char], k: usize, year: i32, year_given: bool) -> Option<Period> {
    let mut k = k;
    let di = k < s.len() && s[k] == '第';
    if di {
        k += 1;
    }
    let start = k;
    if k < s.len() && s[k].is_ascii_digit() {
        k = digit_run_end(s, k);
        if k - start > 2 {
            return None;
        }
    } else {
        while k < s.len() && is_cn_numeral(s[k]) {
            k += 1;
        }
    }
    if k == start || k >= s.len() {
        return None;
    }
    let n = number_of(s, start, k)?;
    let cn = !s[start].is_ascii_digit();
    // A cumulative range (`1-3月`, `1至3月`, `1月至3月`) is read as its last month.
    let range_end = |from: usize| -> Option<Period> {
        if from < s.len() && is_range_sep(s[from]) {
            number_marker(s, from + 1, year, year_given)
        } else {
            None
        }
    };
    match s[k] {
        '月' => {
            let after = k + 1;
            // "统一月度" is not January; "3月31日" is a date.
            if is_day_after(s, after) || (cn && !year_given && !di && s.get(after) == Some(&'度'))
            {
                return None;
            }
            if let Some(p) = range_end(after) {
                return Some(p);
            }
            (1..=12).contains(&n).then(|| Period::month(year, n))
        }
        c if is_range_sep(c) => range_end(k),
        '季' => (1..=4).contains(&n).then(|| Period::quarter(year, n)),
        '周' if di || year_given => (1..=53)
            .contains(&n)
            .then(|| NaiveDate::from_isoywd_opt(year, n, chrono::Weekday::Mon))
            .flatten()
            .map(|_| Period::week(year, n)),
        _ => None,
    }
}

/// ASCII forms after a 4-digit year at `k` (just after the year):
/// `-03`, `.3`, `-Q1`, `Q1`, `-W12`. A following `-15` makes it a date.
fn ascii_after_year(s: &[char], k: usize, year: i32) -> Option<Period> {
    let mut k = k;
    if k < s.len() && matches!(s[k], '-' | '_' | '.' | '/') {
        k += 1;
    }
    let c = *s.get(k)?;
    if c == 'Q' || c == 'W' {
        let e = digit_run_end(s, k + 1);
        if e == k + 1 || e - (k + 1) > 2 {
            return None;
        }
        let n = number_of(s, k + 1, e)?;
        return if c == 'Q' {
            (1..=4).contains(&n).then(|| Period::quarter(year, n))
        } else {
            NaiveDate::from_isoywd_opt(year, n, chrono::Weekday::Mon).map(|_| Period::week(year, n))
        };
    }
    if k == 0 || !matches!(s[k - 1], '-' | '_' | '.' | '/') || !c.is_ascii_digit() {
        return None;
    }
    let e = digit_run_end(s, k);
    if e - k > 2 {
        return None;
    }
    // 2023-03-15 / 2023.3.15: a date.
    if e + 1 < s.len() && matches!(s[e], '-' | '_' | '.' | '/') && s[e + 1].is_ascii_digit() {
        return None;
    }
    if s.get(e) == Some(&'月') && is_day_after(s, e + 1) {
        return None;
    }
    let m = number_of(s, k, e)?;
    (1..=12).contains(&m).then(|| Period::month(year, m))
}

/// The first period named anywhere in `text` (a title or a file name):
/// `2023年3月`, `3月份`, `三月`, `2023年第一季度`, `一季度`, `第12周`,
/// `2023-03`, `2023.3`, `202303`, `2023-Q1`, `2023Q1`, `2023-W12`.
/// Dates and long digit runs (phone numbers) are skipped.
pub(crate) fn find_period_in(text: &str, default_year: i32) -> Option<Period> {
    let s: Vec<char> = to_half_width(text)
        .chars()
        .filter(|c| !is_space(*c))
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let n = s.len();
    let mut i = 0;
    while i < n {
        let c = s[i];
        let prev = if i > 0 { Some(s[i - 1]) } else { None };
        if c.is_ascii_digit() && !prev.is_some_and(|p| p.is_ascii_digit()) {
            let j = digit_run_end(&s, i);
            let len = j - i;
            let found = match len {
                4 => {
                    let y = number_of(&s, i, j).map(|y| y as i32);
                    match y {
                        Some(y) if (1990..=2100).contains(&y) => {
                            if s.get(j) == Some(&'年') {
                                number_marker(&s, j + 1, y, true)
                            } else {
                                ascii_after_year(&s, j, y)
                            }
                        }
                        _ => None,
                    }
                }
                6 => {
                    let y = number_of(&s, i, i + 4).map(|y| y as i32);
                    let m = number_of(&s, i + 4, j);
                    match (y, m) {
                        (Some(y), Some(m))
                            if (default_year - 5..=default_year + 1).contains(&y)
                                && (1..=12).contains(&m) =>
                        {
                            Some(Period::month(y, m))
                        }
                        _ => None,
                    }
                }
                1 | 2 if prev != Some('年') && !prev.is_some_and(|p| matches!(p, '.' | '/')) => {
                    let di = prev == Some('第');
                    let start = if di { i - 1 } else { i };
                    number_marker(&s, start, default_year, false)
                }
                _ => None,
            };
            if found.is_some() {
                return found;
            }
            i = j;
            continue;
        }
        if c == 'Q'
            && !prev.is_some_and(|p| p.is_ascii_alphanumeric())
            && s.get(i + 1).is_some_and(|d| ('1'..='4').contains(d))
            && !s.get(i + 2).is_some_and(|d| d.is_ascii_alphanumeric())
        {
            let q = s[i + 1].to_digit(10).unwrap_or(0);
            return Some(Period::quarter(default_year, q));
        }
        if (is_cn_numeral(c) || c == '第')
            && !prev.is_some_and(|p| is_cn_numeral(p) || p == '第' || p == '年')
        {
            if let Some(p) = number_marker(&s, i, default_year, false) {
                return Some(p);
            }
        }
        i += 1;
    }
    None
}

/// How the unit of a file was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum UnitSource {
    Named,
    /// Taken from the ownership of the form's task ids (warning).
    Guessed,
}

/// Identify the unit (SPEC §2 order): hidden metadata; a `填报单位：…` line
/// above the header; the title (other preamble lines); the file name; the
/// lines below the data; the enclosing folders; finally the single lead unit
/// owning every known task id.
pub(super) fn identify_unit<'l>(
    forms: &[RawForm],
    rel: &str,
    ledger: &'l Ledger,
) -> Option<(&'l Unit, UnitSource)> {
    if let Some(u) = named_unit(forms, rel, ledger) {
        return Some((u, UnitSource::Named));
    }
    let mut owners: Vec<&str> = forms
        .iter()
        .flat_map(|f| &f.rows)
        .filter_map(|r| find_task(ledger, &r.value(FormField::Id).as_text()))
        .map(|t| t.lead_unit.as_str())
        .collect();
    owners.sort_unstable();
    owners.dedup();
    match owners.as_slice() {
        [one] => ledger.unit(one).map(|u| (u, UnitSource::Guessed)),
        _ => None,
    }
}

/// The unit a form names (everything [`identify_unit`] tries but the task
/// ids).
pub(super) fn named_unit<'l>(forms: &[RawForm], rel: &str, ledger: &'l Ledger) -> Option<&'l Unit> {
    forms
        .iter()
        .filter_map(|f| f.meta.as_ref())
        .find_map(|m| {
            ledger
                .unit(&m.unit)
                .or_else(|| ledger.find_unit_in(&m.unit))
        })
        .or_else(|| {
            forms
                .iter()
                .flat_map(|f| &f.preamble)
                .find_map(|l| unit_on_labelled_line(ledger, l))
        })
        .or_else(|| {
            forms
                .iter()
                .flat_map(|f| &f.preamble)
                .find_map(|l| ledger.find_unit_in(l))
        })
        .or_else(|| ledger.find_unit_in(file_stem(rel)))
        .or_else(|| {
            forms
                .iter()
                .flat_map(|f| &f.footer)
                .find_map(|l| unit_on_labelled_line(ledger, l).or_else(|| ledger.find_unit_in(l)))
        })
        // Last resort before task ownership: the folder the clerk filed it in
        // (`区发改局/反馈表.xlsx`, `区发改局.zip/反馈表.xlsx`), innermost first.
        .or_else(|| folder_unit(rel, ledger))
}

/// The unit named by a file's name, else by its folders (innermost first;
/// a zip counts as a folder of its members): how a file that could not be
/// read is tied to a unit.
pub(crate) fn unit_named_in_path<'l>(rel: &str, ledger: &'l Ledger) -> Option<&'l Unit> {
    ledger
        .find_unit_in(file_stem(rel))
        .or_else(|| folder_unit(rel, ledger))
}

fn folder_unit<'l>(rel: &str, ledger: &'l Ledger) -> Option<&'l Unit> {
    rel.rsplit('/')
        .skip(1)
        .find_map(|dir| ledger.find_unit_in(dir))
}

/// The ledger's task for an id as a unit wrote it: the id itself in any
/// spelling, or an id followed by its title (`ZF-001 推进重点项目建设`, as
/// the options of an online form's dropdown often read) when no other word
/// of the text is an id too.
pub(crate) fn find_task<'l>(ledger: &'l Ledger, written: &str) -> Option<&'l Task> {
    if let Some(t) = ledger.task(written) {
        return Some(t);
    }
    let half = to_half_width(written);
    let mut words = half
        .split(|c: char| is_space(c) || matches!(c, ':' | '、' | '，' | ',' | '|'))
        .filter(|w| !w.is_empty());
    let first = words.next()?;
    let t = ledger.task(first)?;
    if words.any(|w| ledger.task(w).is_some()) {
        return None;
    }
    Some(t)
}

/// The unit as written after a 填报单位 label (or in the metadata), when it
/// could not be resolved: shown to the clerk so an alias can be added.
pub(super) fn written_unit(forms: &[RawForm]) -> Option<String> {
    forms
        .iter()
        .filter_map(|f| f.meta.as_ref())
        .map(|m| crate::text::trim(&m.unit).to_string())
        .find(|u| !u.is_empty())
        .or_else(|| {
            forms
                .iter()
                .flat_map(|f| f.preamble.iter().chain(&f.footer))
                .find_map(|l| UNIT_LABELS.iter().find_map(|label| labelled_rest(l, label)))
                .map(|rest| first_token(&rest).to_string())
        })
}

/// Identify the period: metadata; a `报送期次：…` line; a period in the title
/// (preamble lines other than instructions); the file name; the sheet's
/// name. None when the
/// form names none (it is then taken to be for the run's period).
pub(super) fn identify_period(forms: &[RawForm], rel: &str, year: i32) -> Option<Period> {
    let is_note = |l: &&String| {
        let t = crate::text::trim(l);
        t.contains("说明") || t.starts_with('注') || t.starts_with("备注")
    };
    forms
        .iter()
        .filter_map(|f| f.meta.as_ref())
        .find_map(|m| {
            m.period
                .parse::<Period>()
                .ok()
                .or_else(|| Period::parse_loose(&m.period, year))
        })
        .or_else(|| {
            forms
                .iter()
                .flat_map(|f| &f.preamble)
                .find_map(|l| period_on_labelled_line(l, year))
        })
        .or_else(|| {
            forms
                .iter()
                .flat_map(|f| &f.preamble)
                .filter(|l| !is_note(l))
                .find_map(|l| find_period_in(l, year))
        })
        .or_else(|| find_period_in(file_stem(rel), year))
        // Last, a sheet named for its period (`2月`, `2023年3月`).
        .or_else(|| forms.iter().find_map(|f| find_period_in(&f.sheet, year)))
}

/// A form for `found` is accepted in a run for `run` when they are the same
/// period, or — when the kinds differ (a monthly form in a quarterly run, a
/// `一季度` title on a monthly form) — when the two periods overlap.
pub(super) fn period_matches(found: Period, run: Period) -> bool {
    if found.kind == run.kind {
        found == run
    } else {
        found.start() <= run.end() && run.start() <= found.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Option<Period> {
        find_period_in(s, 2023)
    }

    #[test]
    fn periods_in_text() {
        let m3 = Some(Period::month(2023, 3));
        for s in [
            "区发改局-3月",
            "区发改局2023年3月",
            "2023年03月重点工作推进情况表",
            "区发改局_2023-03",
            "2023.3区发改局",
            "202303区发改局",
            "区发改局三月份",
            "3月份进展",
            "区发改局 填报日期：2023年3月31日 报送 3月",
        ] {
            assert_eq!(p(s), m3, "{s}");
        }
        assert_eq!(p("区发改局一季度"), Some(Period::quarter(2023, 1)));
        assert_eq!(p("2022年第四季度"), Some(Period::quarter(2022, 4)));
        assert_eq!(p("区发改局2023Q1"), Some(Period::quarter(2023, 1)));
        assert_eq!(p("2023-Q2"), Some(Period::quarter(2023, 2)));
        assert_eq!(p("第12周"), Some(Period::week(2023, 12)));
        assert_eq!(p("2023-W12"), Some(Period::week(2023, 12)));
        assert_eq!(p("十二月"), Some(Period::month(2023, 12)));
        assert_eq!(p("2023年1-3月重点工作"), m3_());
        assert_eq!(p("2023年1月至3月"), m3_());
        assert_eq!(p("1—3月进展"), m3_());
        assert_eq!(p("1~3月"), m3_());
    }

    fn m3_() -> Option<Period> {
        Some(Period::month(2023, 3))
    }

    #[test]
    fn dates_and_phones_are_not_periods() {
        for s in [
            "填报日期：2023年3月31日",
            "区发改局（2023.3.31）",
            "区发改局_20230331",
            "区发改局-2023-03-31",
            "联系电话：13812345678",
            "0551-12345678",
            "3月31日前报送",
            "区发改局重点工作推进情况表",
            "统一月度报表",
            "2023年度重点工作",
            "3个月",
            "区发改局v2",
            "2023年3-15",
            "3-15",
        ] {
            assert_eq!(p(s), None, "{s}");
        }
    }

    #[test]
    fn labelled_lines() {
        let line = "填报单位：区发改局　报送期次：2023年3月";
        assert_eq!(
            labelled_rest(line, "填报单位").as_deref().map(first_token),
            Some("区发改局")
        );
        assert_eq!(
            period_on_labelled_line(line, 2000),
            Some(Period::month(2023, 3))
        );
        assert_eq!(
            labelled_rest("填报单位（盖章）：区财政局", "填报单位").as_deref(),
            Some("区财政局")
        );
        // "单位主要负责人：张三" does not name a unit.
        assert_eq!(labelled_rest("单位主要负责人：张三", "单位"), None);
        assert_eq!(
            fill_date_on_line("填报人：张三　填报日期：2023年3月31日", 2023),
            NaiveDate::from_ymd_opt(2023, 3, 31)
        );
        assert_eq!(
            fill_date_on_line("2023年3月30日", 2023),
            NaiveDate::from_ymd_opt(2023, 3, 30)
        );
        assert_eq!(fill_date_on_line("联系电话：13812345678", 2023), None);
        assert_eq!(fill_date_on_line("报送截止日期：2023年4月3日", 2023), None);
        assert_eq!(file_stem("a/b/区发改局-3月.xlsx"), "区发改局-3月");
        assert_eq!(file_stem("x.y.xls"), "x.y");
    }

    #[test]
    fn signature_block_lines() {
        let lines: Vec<String> = [
            "填报人：　张三　联系电话：　0469-4221234　填报日期：　2023-03-30",
            "单位负责人（签字）：　王局长",
        ]
        .map(String::from)
        .into();
        let sig = signature_on_lines(&lines);
        assert_eq!(sig.filler, "张三");
        assert_eq!(sig.phone, "0469-4221234");
        assert_eq!(sig.head, "王局长");
        // A field left blank is not the next label.
        let blank = vec!["填报人：　联系电话：　13800000000　填报日期：".to_string()];
        let sig = signature_on_lines(&blank);
        assert_eq!(sig.filler, "");
        assert_eq!(sig.phone, "13800000000");
        assert_eq!(sig.head, "");
        // Old forms: one line, other labels.
        let old = vec!["填表人:李四 电话:123 单位主要负责人:赵五".to_string()];
        assert_eq!(
            signature_on_lines(&old),
            Signature {
                filler: "李四".into(),
                phone: "123".into(),
                head: "赵五".into()
            }
        );
    }
}
