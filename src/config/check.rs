//! What is wrong with a `duban.toml`, said in Chinese and naming the key:
//! TOML the parser refuses (line, key, what was expected) and settings that
//! parse but make no sense (negative weights, `red_lag` ≤ `blue_lag`, an
//! as-of date outside the period …).

use chrono::NaiveDate;

use super::Config;
use crate::period::Period;

/// The parser's error in Chinese: where (line, column, table and key), what
/// is wrong, and the line itself.
pub(crate) fn toml_error(text: &str, e: &toml::de::Error) -> String {
    let msg = e.message();
    let Some(span) = e.span() else {
        return explain(msg, "");
    };
    let start = span.start.min(text.len());
    let line_no = text[..start].matches('\n').count() + 1;
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line = text[line_start..].lines().next().unwrap_or("");
    let col = text[line_start..start].chars().count() + 1;
    let key = key_at(text, line_start, line, start);
    let value = text.get(span.clone()).unwrap_or("").trim();
    let what = explain(msg, value);
    let place = match key {
        Some(k) => format!("第 {line_no} 行第 {col} 列（{k}）"),
        None => format!("第 {line_no} 行第 {col} 列"),
    };
    format!("{place}：{what}\n    {line_no} | {}", line.trim_end())
}

/// `[table] key` of the line holding `pos`: the key before `=` on that
/// line, in the last `[table]` above it.
fn key_at(text: &str, line_start: usize, line: &str, pos: usize) -> Option<String> {
    let table = text[..line_start]
        .lines()
        .rev()
        .map(str::trim)
        .find(|l| l.starts_with('[') && l.ends_with(']'))
        .map(|l| l.trim_matches(['[', ']']).trim().to_string());
    let key = match line.split_once('=') {
        Some((k, _)) if pos >= line_start + k.len() || !line.trim_start().starts_with('[') => {
            Some(k.trim().trim_matches('"').to_string())
        }
        _ => None,
    }
    .filter(|k| !k.is_empty() && !k.starts_with('['));
    match (table, key) {
        (Some(t), Some(k)) => Some(format!("[{t}] 中的 {k}")),
        (None, Some(k)) => Some(format!("设置项 {k}")),
        (Some(t), None) => Some(format!("[{t}]")),
        (None, None) => None,
    }
}

/// The parser's message in Chinese. `value` is the text it points at.
fn explain(msg: &str, value: &str) -> String {
    if !msg.starts_with(|c: char| c.is_ascii_alphabetic()) {
        // Our own messages (a period that cannot be read …) are Chinese already.
        return msg.to_string();
    }
    if let Some(rest) = msg.strip_prefix("unknown field `") {
        let (field, expected) = rest.split_once('`').unwrap_or((rest, ""));
        let known = backticked(expected);
        return match closest(field, &known) {
            Some(k) => format!("没有“{field}”这个设置项，是不是要写 {k}？"),
            None if known.is_empty() => format!("没有“{field}”这个设置项"),
            None => format!(
                "没有“{field}”这个设置项；这里可以写的有：{}",
                known.join("、")
            ),
        };
    }
    if let Some(rest) = msg.strip_prefix("unknown variant `") {
        let (v, expected) = rest.split_once('`').unwrap_or((rest, ""));
        return format!(
            "“{v}”不是可选的值；可选：{}",
            backticked(expected).join("、")
        );
    }
    if let Some(rest) = msg.strip_prefix("invalid type: ") {
        let (got, want) = rest.split_once(", expected ").unwrap_or((rest, ""));
        return format!("应为{}，这里写的是{}", kind_of(want), got_of(got));
    }
    if let Some(rest) = msg.strip_prefix("invalid value: ") {
        let (got, want) = rest.split_once(", expected ").unwrap_or((rest, ""));
        return format!("应为{}，这里写的是{}", kind_of(want), got_of(got));
    }
    if msg == "duplicate key" {
        return format!("设置项“{value}”写了两次，请删去一处");
    }
    if msg.starts_with("string values must be quoted") {
        return format!("文字要加英文双引号，如 \"{value}\"");
    }
    if msg.starts_with("unclosed table") {
        return "表名缺少右方括号“]”".to_string();
    }
    if msg.starts_with("invalid date")
        || msg.starts_with("input is out of range")
        || msg.starts_with("input contains invalid characters")
        || msg.starts_with("premature end of input")
        || msg.starts_with("trailing input")
    {
        return format!(
            "“{value}”不是有效的日期：日期请写成 \"2023-03-31\"，期次写成 \"2023-03\"（都加英文双引号）"
        );
    }
    format!("格式有误（{msg}）：请对照 duban init 生成的 duban.toml 检查这一行，写成 键 = 值，文字加英文双引号")
}

/// The names between backticks in `s`.
fn backticked(s: &str) -> Vec<String> {
    s.split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

/// The known name closest to `field` (a typo of one or two letters, or one
/// that contains the other).
fn closest<'k>(field: &str, known: &'k [String]) -> Option<&'k String> {
    known
        .iter()
        .map(|k| (edit_distance(field, k), k))
        .filter(|(d, k)| *d <= 2 || k.contains(field) || field.contains(k.as_str()))
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// What the parser expected, in words.
fn kind_of(want: &str) -> &'static str {
    match want {
        "u32" | "u64" | "usize" | "u8" | "u16" => "不小于 0 的整数",
        "i32" | "i64" => "整数",
        "f64" | "f32" => "数字",
        "a boolean" => "true 或 false",
        "a formatted date string" => "日期（如 \"2023-03-31\"，加英文双引号）",
        "a string" | "string" => "文字（加英文双引号）",
        "a sequence" => "列表（如 [\"2023-04-05\"]）",
        w if w.starts_with("struct") || w.contains("map") => "一个表（[表名] 下的若干设置项）",
        _ => "另一种写法",
    }
}

/// What was written instead, in words.
fn got_of(got: &str) -> String {
    let value = |prefix: &str| {
        got.strip_prefix(prefix)
            .map(|v| v.trim().trim_matches(['`', '"']).to_string())
    };
    if let Some(v) = value("string ") {
        format!("文字“{v}”")
    } else if let Some(v) = value("integer ") {
        format!("整数 {v}")
    } else if let Some(v) = value("floating point ") {
        format!("小数 {v}")
    } else if let Some(v) = value("boolean ") {
        v.to_string()
    } else if got.starts_with("sequence") {
        "一个列表".to_string()
    } else if got.starts_with("map") {
        "一个表".to_string()
    } else {
        got.to_string()
    }
}

impl Config {
    /// Settings that parse but make no sense, each naming its key: weights
    /// and deductions below 0, thresholds outside 0–100, `red_lag` not above
    /// `blue_lag`, a day both holiday and working day, an empty office name …
    /// Empty when the config is sound. The dates that belong to a period are
    /// checked by [`Config::date_problems`].
    pub(crate) fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        let rules = &self.rules.red_yellow_blue;
        let yor = &self.rules.yellow_orange_red;
        let mut points = |key: &str, v: f64| {
            if !(0.0..=100.0).contains(&v) {
                out.push(format!(
                    "{key} = {v} 超出范围：须在 0 到 100 之间（百分点）"
                ));
            }
        };
        points("[rules.red_yellow_blue] blue_lag", rules.blue_lag);
        points(
            "[rules.red_yellow_blue] yellow_planned",
            rules.yellow_planned,
        );
        points("[rules.red_yellow_blue] red_lag", rules.red_lag);
        points("[rules.red_yellow_blue] red_lowered", rules.red_lowered);
        points("[rules.yellow_orange_red] orange_lag", yor.orange_lag);
        if rules.red_lag <= rules.blue_lag {
            out.push(format!(
                "[rules.red_yellow_blue] red_lag = {} 须大于 blue_lag = {}：红牌（严重滞后）的门槛应高于蓝牌",
                rules.red_lag, rules.blue_lag
            ));
        }
        if rules.red_repeat_periods < 2 {
            out.push(format!(
                "[rules.red_yellow_blue] red_repeat_periods = {} 须至少为 2（连续几期亮牌才算多次督办无果）",
                rules.red_repeat_periods
            ));
        }
        if yor.red_orange_count < 1 {
            out.push("[rules.yellow_orange_red] red_orange_count = 0 须至少为 1".to_string());
        }
        if yor.yellow_form_errors < 1 {
            out.push("[rules.yellow_orange_red] yellow_form_errors = 0 须至少为 1".to_string());
        }
        self.score_problems(&mut out);
        self.annual_problems(&mut out);
        self.calendar_problems(&mut out);
        let office = &self.office;
        for (key, v) in [("name", &office.name), ("short_name", &office.short_name)] {
            if v.trim().is_empty() {
                out.push(format!(
                    "[office] {key} 不能为空：通知和公文要用它落款（如 \"四方台区人民政府督查室\"）"
                ));
            }
        }
        let limits = &self.limits;
        for (key, v) in [
            ("max_file_bytes", limits.max_file_bytes),
            ("max_cells", limits.max_cells),
            ("max_rows", limits.max_rows as u64),
            ("max_inflated_bytes", limits.max_inflated_bytes),
        ] {
            if v == 0 {
                out.push(format!("[limits] {key} = 0 须大于 0"));
            }
        }
        out
    }

    /// `[score]`: weights and deductions not negative, the four weights not
    /// all zero, `evaluation_share` within 0–1.
    fn score_problems(&self, out: &mut Vec<String>) {
        let s = &self.score;
        let weights = [
            ("progress", s.progress),
            ("completion", s.completion),
            ("reporting", s.reporting),
            ("quality", s.quality),
        ];
        let rest = [
            ("deduct_red", s.deduct_red),
            ("deduct_orange", s.deduct_orange),
            ("deduct_yellow", s.deduct_yellow),
            ("deduct_blue", s.deduct_blue),
            ("eval_self", s.eval_self),
            ("eval_team", s.eval_team),
            ("eval_public", s.eval_public),
            ("eval_leader", s.eval_leader),
        ];
        for (key, v) in weights.iter().chain(&rest) {
            if !v.is_finite() || *v < 0.0 {
                out.push(format!("[score] {key} = {v} 不能为负数"));
            }
        }
        if weights.iter().all(|(_, v)| *v <= 0.0) {
            out.push(
                "[score] progress、completion、reporting、quality 四项权重不能全为 0".to_string(),
            );
        }
        if !(0.0..=1.0).contains(&s.evaluation_share) {
            out.push(format!(
                "[score] evaluation_share = {} 须在 0 到 1 之间（0.3 表示评价占 30%）",
                s.evaluation_share
            ));
        }
    }

    /// `[annual]`: deductions not negative, `annual_evaluation_share`
    /// within 0–1.
    fn annual_problems(&self, out: &mut Vec<String>) {
        let a = &self.annual;
        for (key, v) in [
            ("deduct_late", a.deduct_late),
            ("deduct_unreported", a.deduct_unreported),
        ] {
            if !v.is_finite() || v < 0.0 {
                out.push(format!("[annual] {key} = {v} 不能为负数"));
            }
        }
        if !(0.0..=1.0).contains(&a.annual_evaluation_share) {
            out.push(format!(
                "[annual] annual_evaluation_share = {} 须在 0 到 1 之间（0.3 表示评价占 30%）",
                a.annual_evaluation_share
            ));
        }
    }

    /// `holidays` and `workdays` do not share a day.
    fn calendar_problems(&self, out: &mut Vec<String>) {
        for d in &self.holidays {
            if self.workdays.contains(d) {
                out.push(format!(
                    "{d} 同时写在 holidays（放假）和 workdays（调休上班）中，请删去一处"
                ));
            }
        }
    }

    /// The dates of a run against its period: the as-of date inside the
    /// period, the reporting deadline and the issue date not before it
    /// starts. `from_flag` names, for each of `as_of`, `report_deadline`
    /// and `issue_date`, the flag that gave it (else the config's key is named).
    pub(crate) fn date_problems(
        &self,
        period: &Period,
        from_flag: [Option<&str>; 3],
    ) -> Vec<String> {
        let mut out = Vec::new();
        let name = |i: usize, key: &'static str| from_flag[i].unwrap_or(key);
        let span = format!(
            "报送期次 {}（{} 至 {}）",
            period.label(),
            period.start(),
            period.end()
        );
        if let Some(d) = self.as_of {
            if !period.contains(d) {
                out.push(format!(
                    "{} {d} 不在{span}内：统计截止日期应在期次之内（不写则取期次最后一天）",
                    name(0, "as_of =")
                ));
            }
        }
        let before = |d: Option<NaiveDate>| d.filter(|d| *d < period.start());
        if let Some(d) = before(self.report_deadline) {
            out.push(format!(
                "{} {d} 早于{span}的开始：报送截止日期应在期次结束之后",
                name(1, "report_deadline =")
            ));
        }
        if let Some(d) = before(self.issue_date) {
            out.push(format!(
                "{} {d} 早于{span}的开始：成文日期应在统计截止日期之后",
                name(2, "issue_date =")
            ));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    fn parse_error(text: &str) -> String {
        let e = Config::from_toml(text, Path::new(".")).unwrap_err();
        format!("{e:#}")
    }

    #[test]
    fn toml_errors_name_line_and_key_in_chinese() {
        let e = parse_error("period = \"2023-03\"\nperoid = \"2023-04\"\n");
        assert!(e.starts_with("第 2 行第 1 列（设置项 peroid）"), "{e}");
        assert!(
            e.contains("没有“peroid”这个设置项，是不是要写 period？"),
            "{e}"
        );
        assert!(e.contains("2 | peroid = \"2023-04\""), "{e}");

        let e = parse_error("[rules.red_yellow_blue]\nblue_lag = \"十\"\n");
        assert!(
            e.starts_with("第 2 行第 12 列（[rules.red_yellow_blue] 中的 blue_lag）：应为数字，这里写的是文字“十”"),
            "{e}"
        );
        let e = parse_error("deadline_days = -1");
        assert!(
            e.contains("（设置项 deadline_days）：应为不小于 0 的整数，这里写的是整数 -1"),
            "{e}"
        );
        let e = parse_error("preset = \"red\"");
        assert!(
            e.contains("“red”不是可选的值；可选：red-yellow-blue、yellow-orange-red"),
            "{e}"
        );
        let e = parse_error("as_of = \"2023-02-30\"");
        assert!(
            e.contains("（设置项 as_of）：“\"2023-02-30\"”不是有效的日期"),
            "{e}"
        );
        let e = parse_error("period = 2023-03");
        assert!(e.contains("期次写成 \"2023-03\""), "{e}");
        let e = parse_error("ledger = 台账.xlsx");
        assert!(e.contains("文字要加英文双引号，如 \"台账.xlsx\""), "{e}");
        let e = parse_error("out = \"a\"\nout = \"b\"");
        assert!(
            e.starts_with("第 2 行") && e.contains("“out”写了两次"),
            "{e}"
        );
        let e = parse_error("[score]\nprogres = 40");
        assert!(
            e.contains("[score] 中的 progres") && e.contains("progress？"),
            "{e}"
        );
        let e = parse_error("period = \"2023-13\"");
        assert!(e.contains("无法识别的报送期次“2023-13”"), "{e}");
        for e in [
            parse_error("[office\nname = \"x\""),
            parse_error("holidays = [\"2023-04-05\", 3]"),
            parse_error("near_deadline_days = 7.5"),
        ] {
            assert!(e.starts_with("第 1 行"), "{e}");
            for w in ["expected", "invalid", "TOML", "error"] {
                assert!(!e.contains(w), "{w}: {e}");
            }
        }
    }

    #[test]
    fn nonsense_settings_are_named() {
        let parse = |t: &str| Config::from_toml(t, Path::new(".")).unwrap().problems();
        assert!(Config::default().problems().is_empty());
        let p = parse("[rules.red_yellow_blue]\nred_lag = 10\nblue_lag = 20\n");
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(p[0].contains("red_lag = 10 须大于 blue_lag = 20"), "{p:?}");
        let p = parse("[score]\nprogress = -40\nevaluation_share = 1.5\n");
        assert!(
            p.iter().any(|m| m == "[score] progress = -40 不能为负数"),
            "{p:?}"
        );
        assert!(
            p.iter().any(|m| m.contains("evaluation_share = 1.5")),
            "{p:?}"
        );
        let p = parse("[score]\nprogress = 0\ncompletion = 0\nreporting = 0\nquality = 0\n");
        assert!(p[0].contains("四项权重不能全为 0"), "{p:?}");
        let p = parse("[annual]\ndeduct_late = -1\nannual_evaluation_share = 2\n");
        assert_eq!(p.len(), 2, "{p:?}");
        assert_eq!(p[0], "[annual] deduct_late = -1 不能为负数");
        assert!(
            p[1].starts_with("[annual] annual_evaluation_share = 2 须在 0 到 1 之间"),
            "{p:?}"
        );
        let p = parse("[rules.yellow_orange_red]\norange_lag = 150\n");
        assert!(
            p[0].starts_with("[rules.yellow_orange_red] orange_lag = 150 超出范围"),
            "{p:?}"
        );
        let p = parse("[rules.red_yellow_blue]\nred_repeat_periods = 1\n");
        assert!(p[0].contains("red_repeat_periods = 1"), "{p:?}");
        let p = parse("holidays = [\"2023-04-05\"]\nworkdays = [\"2023-04-05\"]\n");
        assert!(p[0].starts_with("2023-04-05 同时写在 holidays"), "{p:?}");
        let p = parse("[office]\nname = \" \"\n");
        assert!(p[0].starts_with("[office] name 不能为空"), "{p:?}");
    }

    #[test]
    fn dates_against_the_period() {
        let c = Config::from_toml(
            "as_of = \"2026-10-31\"\nreport_deadline = \"2026-10-20\"\nissue_date = \"2026-10-30\"",
            Path::new("."),
        )
        .unwrap();
        let nov = Period::month(2026, 11);
        let p = c.date_problems(&nov, [None; 3]);
        assert_eq!(p.len(), 3, "{p:?}");
        assert!(
            p[0].starts_with(
                "as_of = 2026-10-31 不在报送期次 2026年11月（2026-11-01 至 2026-11-30）内"
            ),
            "{p:?}"
        );
        assert!(
            p[1].starts_with("report_deadline = 2026-10-20 早于"),
            "{p:?}"
        );
        assert!(p[2].starts_with("issue_date = 2026-10-30 早于"), "{p:?}");
        let p = c.date_problems(&nov, [Some("--as-of"), None, None]);
        assert!(p[0].starts_with("--as-of 2026-10-31 不在"), "{p:?}");
        assert!(c
            .date_problems(&Period::month(2026, 10), [None; 3])
            .is_empty());
        assert!(Config::default().date_problems(&nov, [None; 3]).is_empty());
    }
}
