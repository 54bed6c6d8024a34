//! What the documents say and which card calls for which: the embedded
//! `templates/documents.toml`, with any keys of `公文模板.toml` beside
//! `duban.toml` put over it (tables merged key by key, anything else
//! replaced), so an office changes its wording without a new build.
//!
//! Texts may hold placeholders (`{期次}`, `{单位}` …, [`PLACEHOLDERS`]); an
//! unknown one, an unknown key or a letter kind that does not exist is an
//! error naming the file and the key, not a document with a hole in it.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{bail, Context, Result};
use serde::Deserialize;

use super::kind::DocKind;
use crate::config::Preset;
use crate::model::Card;

/// The embedded default wording and rules.
pub(crate) const DEFAULT_TOML: &str = include_str!("../../../templates/documents.toml");

/// The office's own wording, beside `duban.toml`: only the keys it changes.
pub(crate) const OVERRIDE_FILE: &str = "公文模板.toml";

/// Every placeholder a text may hold.
pub(crate) const PLACEHOLDERS: [&str; 11] = [
    "期次",
    "年度",
    "政府",
    "范围",
    "督查室",
    "单位",
    "亮牌",
    "截止日期",
    "工作日",
    "约谈人",
    "约谈对象",
];

/// All of `templates/documents.toml`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Wording {
    pub(crate) common: Common,
    pub(crate) bulletin: BulletinWording,
    /// The 通报 of a quarter, half-year or year (`duban rollup`).
    pub(crate) span: SpanWording,
    pub(crate) letters: Letters,
    pub(crate) interview_list: ListWording,
    pub(crate) presets: Presets,
}

/// Names used throughout.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Common {
    /// `{政府}`: 区政府.
    pub(crate) government: String,
    /// `{范围}`: 全区.
    pub(crate) scope: String,
    /// 主送 of the 通报 and the 约谈名单.
    pub(crate) addressee: String,
}

/// The 通报's texts.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct BulletinWording {
    pub(crate) title: String,
    pub(crate) opening: String,
    /// The six section headings, without their numbers.
    pub(crate) sections: Vec<String>,
    pub(crate) no_cards: String,
    pub(crate) ranking: String,
    pub(crate) praise: String,
    pub(crate) called_in: String,
    pub(crate) leaders: String,
    pub(crate) not_reported: String,
    pub(crate) late: String,
    pub(crate) all_on_time: String,
    pub(crate) attachment: String,
    /// 抄送 of the 版记; empty: none.
    pub(crate) cc: String,
    pub(crate) requirements: Vec<Requirement>,
}

/// The texts of the 通报 of a span (季度、半年、年度); `{期次}` is the span.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpanWording {
    pub title: String,
    /// Title of a year's 通报 (with the 考评结果).
    pub year_title: String,
    pub opening: String,
    pub year_opening: String,
    /// Under the title when the archive was not verified (`--no-verify`).
    pub unverified: String,
    /// The five section headings, without their numbers.
    pub sections: Vec<String>,
    /// The 年度考评 section, before the last one in a year's 通报.
    pub annual_section: String,
    pub not_reported: String,
    pub late: String,
    pub all_on_time: String,
    pub no_cards: String,
    pub ranking: String,
    pub year_ranking: String,
    pub praise: String,
    pub called_in: String,
    pub interviews: String,
    pub no_interviews: String,
    pub repeated: String,
    pub annual: String,
    pub annual_bottom: String,
    pub two_years: String,
    /// 抄送 of the 版记; empty: none.
    pub cc: String,
    pub requirements: Vec<Requirement>,
}

/// One of the 通报's 下步工作要求: a run-in heading and its text.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Requirement {
    pub(crate) heading: String,
    pub(crate) text: String,
}

/// The texts of each kind of letter.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Letters {
    /// 提醒函.
    pub(crate) reminder: LetterWording,
    /// 督办提示函.
    pub(crate) prompt: LetterWording,
    /// 督办预警通知书.
    pub(crate) warning: LetterWording,
    /// 督办单.
    pub(crate) supervision: LetterWording,
    /// 约谈通知.
    pub(crate) interview: LetterWording,
}

/// One kind of letter's texts and deadline.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct LetterWording {
    pub(crate) title: String,
    pub(crate) opening: String,
    /// 整改要求, one paragraph each.
    pub(crate) requirements: Vec<String>,
    /// The unit answers this many working days after the issue date.
    pub(crate) working_days: u32,
    pub(crate) closing: String,
    /// Heading of the requirements' section.
    #[serde(default = "requirements_title")]
    pub(crate) requirements_title: String,
}

fn requirements_title() -> String {
    "整改要求".to_string()
}

/// The 约谈名单's texts.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ListWording {
    pub(crate) title: String,
    pub(crate) opening: String,
}

/// The rules of each card preset.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Presets {
    #[serde(rename = "red-yellow-blue")]
    pub(crate) red_yellow_blue: PresetRules,
    #[serde(rename = "yellow-orange-red")]
    pub(crate) yellow_orange_red: PresetRules,
}

/// Which letters each card calls for, who is called in, and what the 通报
/// says of red units.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PresetRules {
    /// Said after the red cards in the 通报 (empty: nothing).
    #[serde(default)]
    pub(crate) criticism: String,
    pub(crate) letters: CardLetters,
    #[serde(default)]
    pub(crate) interviews: Vec<InterviewRule>,
}

/// The letters a unit of each card receives.
#[derive(Debug, Clone, PartialEq, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct CardLetters {
    #[serde(default)]
    pub(crate) red: Vec<DocKind>,
    #[serde(default)]
    pub(crate) orange: Vec<DocKind>,
    #[serde(default)]
    pub(crate) yellow: Vec<DocKind>,
    #[serde(default)]
    pub(crate) blue: Vec<DocKind>,
}

/// What puts a unit on the 约谈名单.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Trigger {
    Red,
    Orange,
    Yellow,
    Blue,
    /// 排名后三位.
    Bottom3,
}

impl Trigger {
    fn card(self) -> Option<Card> {
        match self {
            Trigger::Red => Some(Card::Red),
            Trigger::Orange => Some(Card::Orange),
            Trigger::Yellow => Some(Card::Yellow),
            Trigger::Blue => Some(Card::Blue),
            Trigger::Bottom3 => None,
        }
    }
}

/// Who calls whom in, and when.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct InterviewRule {
    pub(crate) when: Trigger,
    /// 约谈人: `{政府}主要领导`.
    pub(crate) conductor: String,
    /// 约谈对象 (of the unit): `主要负责人`.
    pub(crate) interviewee: String,
}

impl InterviewRule {
    /// `v` with who conducts the 约谈 and who is called in filled in
    /// (`约谈人`, `约谈对象`), for a sentence that names them.
    pub(crate) fn vars(&self, v: &Vars) -> Vars {
        v.clone()
            .set("约谈人", v.fill(&self.conductor))
            .set("约谈对象", v.fill(&self.interviewee))
    }

    /// Whether a unit with `card`, in the bottom three or not, meets the rule.
    pub(crate) fn applies(&self, card: Option<Card>, bottom3: bool) -> bool {
        match self.when {
            Trigger::Bottom3 => bottom3,
            t => t.card().is_some() && t.card() == card,
        }
    }
}

impl PresetRules {
    /// The letters a unit carrying `card` receives.
    pub(crate) fn letters_for(&self, card: Card) -> &[DocKind] {
        match card {
            Card::Red => &self.letters.red,
            Card::Orange => &self.letters.orange,
            Card::Yellow => &self.letters.yellow,
            Card::Blue => &self.letters.blue,
        }
    }

    /// The first interview rule a unit meets (none: not called in).
    pub(crate) fn interview(&self, card: Option<Card>, bottom3: bool) -> Option<&InterviewRule> {
        self.interviews.iter().find(|r| r.applies(card, bottom3))
    }

    /// The first interview rule of the unit's card alone (for its letters).
    pub(crate) fn card_interview(&self, card: Card) -> Option<&InterviewRule> {
        self.interview(Some(card), false)
    }
}

impl Wording {
    /// The embedded wording (checked by the tests, so it cannot fail in a build).
    pub(crate) fn embedded() -> Wording {
        Wording::parse(DEFAULT_TOML, None)
            .unwrap_or_else(|e| unreachable!("templates/documents.toml: {e}"))
    }

    /// The embedded wording with `公文模板.toml` in `dir` over it, if there is one.
    pub(crate) fn load(dir: &Path) -> Result<Wording> {
        let path = dir.join(OVERRIDE_FILE);
        if !path.is_file() {
            return Ok(Wording::embedded());
        }
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("无法读取公文模板 {}", path.display()))?;
        let text = text.trim_start_matches('\u{feff}');
        Wording::parse(DEFAULT_TOML, Some(text))
            .map_err(|e| anyhow::anyhow!("{e}"))
            .with_context(|| format!("公文模板 {} 有误", path.display()))
    }

    /// `default` with `over` merged over it, checked.
    pub(crate) fn parse(default: &str, over: Option<&str>) -> Result<Wording> {
        let mut base: toml::Table = toml::from_str(default).map_err(|e| anyhow::anyhow!("{e}"))?;
        if let Some(over) = over {
            let over: toml::Table = toml::from_str(over).map_err(|e| anyhow::anyhow!("{e}"))?;
            merge(&mut base, over);
        }
        check_placeholders(&toml::Value::Table(base.clone()), "")?;
        let w: Wording = toml::Value::Table(base)
            .try_into()
            .map_err(|e: toml::de::Error| anyhow::anyhow!("{}", e.message()))?;
        w.check()?;
        Ok(w)
    }

    fn check(&self) -> Result<()> {
        if self.bulletin.sections.len() != 6 {
            bail!(
                "bulletin.sections 应有 6 个标题，现有 {} 个",
                self.bulletin.sections.len()
            );
        }
        if self.span.sections.len() != 5 {
            bail!(
                "span.sections 应有 5 个标题，现有 {} 个",
                self.span.sections.len()
            );
        }
        for (name, rules) in [
            ("red-yellow-blue", &self.presets.red_yellow_blue),
            ("yellow-orange-red", &self.presets.yellow_orange_red),
        ] {
            let l = &rules.letters;
            for k in l
                .red
                .iter()
                .chain(&l.orange)
                .chain(&l.yellow)
                .chain(&l.blue)
            {
                if !k.is_letter() {
                    bail!("presets.{name}.letters：{k}不是函件");
                }
            }
        }
        Ok(())
    }

    /// The rules of `preset`.
    pub(crate) fn rules(&self, preset: Preset) -> &PresetRules {
        match preset {
            Preset::RedYellowBlue => &self.presets.red_yellow_blue,
            Preset::YellowOrangeRed => &self.presets.yellow_orange_red,
        }
    }

    /// The texts of a letter kind (None for the 通报 and the 约谈名单).
    pub(crate) fn letter(&self, kind: DocKind) -> Option<&LetterWording> {
        let l = &self.letters;
        match kind {
            DocKind::Reminder => Some(&l.reminder),
            DocKind::Prompt => Some(&l.prompt),
            DocKind::Warning => Some(&l.warning),
            DocKind::Interview => Some(&l.interview),
            DocKind::Supervision => Some(&l.supervision),
            DocKind::Bulletin | DocKind::InterviewList => None,
        }
    }
}

/// Put `over` over `base`: tables key by key, anything else replaced.
fn merge(base: &mut toml::Table, over: toml::Table) {
    for (k, v) in over {
        match (base.get_mut(&k), v) {
            (Some(toml::Value::Table(b)), toml::Value::Table(o)) => merge(b, o),
            (_, v) => {
                base.insert(k, v);
            }
        }
    }
}

/// Every `{name}` in every text must be one of [`PLACEHOLDERS`].
fn check_placeholders(v: &toml::Value, path: &str) -> Result<()> {
    match v {
        toml::Value::String(s) => {
            for name in placeholders(s) {
                if !PLACEHOLDERS.contains(&name) {
                    let known: Vec<String> =
                        PLACEHOLDERS.iter().map(|p| format!("{{{p}}}")).collect();
                    bail!(
                        "{path} 中的占位符 {{{name}}} 无法识别；可用的有 {}",
                        known.join("、")
                    );
                }
            }
        }
        toml::Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                check_placeholders(x, &format!("{path}[{}]", i + 1))?;
            }
        }
        toml::Value::Table(t) => {
            for (k, x) in t {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                check_placeholders(x, &p)?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// The `{name}`s of a text.
fn placeholders(s: &str) -> impl Iterator<Item = &str> {
    s.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
}

/// Values of the placeholders for one document.
#[derive(Debug, Clone, Default)]
pub(crate) struct Vars(BTreeMap<&'static str, String>);

impl Vars {
    pub(crate) fn new() -> Vars {
        Vars::default()
    }

    /// Set `{name}`.
    pub(crate) fn set(mut self, name: &'static str, value: impl Into<String>) -> Vars {
        debug_assert!(PLACEHOLDERS.contains(&name), "{name}");
        self.0.insert(name, value.into());
        self
    }

    /// `text` with every placeholder that has a value filled in; one
    /// without a value here (`{单位}` in the 通报) is left as written.
    pub(crate) fn fill(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len() + 16);
        let mut rest = text;
        while let Some(i) = rest.find('{') {
            out.push_str(&rest[..i]);
            let after = &rest[i + 1..];
            match after.split_once('}') {
                Some((name, tail)) if self.0.contains_key(name) => {
                    out.push_str(&self.0[name]);
                    rest = tail;
                }
                _ => {
                    out.push('{');
                    rest = after;
                }
            }
        }
        out.push_str(rest);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_wording_is_complete() {
        let w = Wording::parse(DEFAULT_TOML, None).expect("templates/documents.toml is valid");
        assert_eq!(w.bulletin.sections.len(), 6);
        assert_eq!(w.letter(DocKind::Supervision).unwrap().working_days, 5);
        let ryb = w.rules(Preset::RedYellowBlue);
        assert_eq!(ryb.letters_for(Card::Blue), [DocKind::Reminder]);
        assert_eq!(
            ryb.letters_for(Card::Red),
            [DocKind::Interview, DocKind::Supervision]
        );
        let yor = w.rules(Preset::YellowOrangeRed);
        assert_eq!(yor.letters_for(Card::Orange), [DocKind::Warning]);
        assert_eq!(yor.letters_for(Card::Yellow), [DocKind::Prompt]);
        assert!(yor.letters_for(Card::Blue).is_empty());
    }

    #[test]
    fn an_override_changes_only_its_keys() {
        let over = "[common]\ngovernment = \"县政府\"\n\n[letters.reminder]\nworking_days = 3\n\n\
                    [presets.red-yellow-blue.letters]\nblue = []\n";
        let w = Wording::parse(DEFAULT_TOML, Some(over)).unwrap();
        let d = Wording::embedded();
        assert_eq!(w.common.government, "县政府");
        assert_eq!(w.common.scope, d.common.scope);
        let reminder = w.letter(DocKind::Reminder).unwrap();
        assert_eq!(reminder.working_days, 3);
        assert_eq!(reminder.title, d.letter(DocKind::Reminder).unwrap().title);
        assert!(w.letter(DocKind::Bulletin).is_none());
        assert!(w.rules(Preset::RedYellowBlue).letters.blue.is_empty());
        assert_eq!(
            w.rules(Preset::RedYellowBlue).letters.red,
            d.rules(Preset::RedYellowBlue).letters.red
        );
        // Arrays of tables are replaced whole.
        let over =
            "[[bulletin.requirements]]\nheading = \"抓落实。\"\ntext = \"各单位要抓落实。\"\n";
        let w = Wording::parse(DEFAULT_TOML, Some(over)).unwrap();
        assert_eq!(w.bulletin.requirements.len(), 1);
    }

    #[test]
    fn mistakes_in_an_override_are_named() {
        let err = |over: &str| {
            format!(
                "{:#}",
                Wording::parse(DEFAULT_TOML, Some(over)).unwrap_err()
            )
        };
        let e = err("[bulletin]\nopening = \"{期间}的情况\"\n");
        assert!(
            e.contains("bulletin.opening") && e.contains("{期间}"),
            "{e}"
        );
        let e = err("[letters.reminder]\nworking_dayz = 3\n");
        assert!(e.contains("working_dayz"), "{e}");
        let e = err("[letters.notice]\ntitle = \"x\"\n");
        assert!(e.contains("notice"), "{e}");
        let e = err("[presets.red-yellow-blue.letters]\nred = [\"通报\"]\n");
        assert!(e.contains("通报不是函件"), "{e}");
        let e = err("[bulletin]\nsections = [\"总体情况\"]\n");
        assert!(e.contains("6 个标题"), "{e}");
        assert!(Wording::parse(DEFAULT_TOML, Some("[common\n")).is_err());
    }

    #[test]
    fn the_override_file_is_read_from_the_working_folder() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(Wording::load(dir.path()).unwrap(), Wording::embedded());
        std::fs::write(
            dir.path().join(OVERRIDE_FILE),
            "\u{feff}[common]\nscope = \"全县\"\n",
        )
        .unwrap();
        assert_eq!(Wording::load(dir.path()).unwrap().common.scope, "全县");
        std::fs::write(dir.path().join(OVERRIDE_FILE), "[common]\nscop = 1\n").unwrap();
        let e = format!("{:#}", Wording::load(dir.path()).unwrap_err());
        assert!(e.contains("公文模板.toml") && e.contains("scop"), "{e}");
    }

    #[test]
    fn interview_rules_first_match_wins() {
        let w = Wording::embedded();
        let ryb = w.rules(Preset::RedYellowBlue);
        let who = |card, bottom3| ryb.interview(card, bottom3).map(|r| r.conductor.as_str());
        assert_eq!(who(Some(Card::Red), true), Some("{政府}主要领导"));
        assert_eq!(who(Some(Card::Yellow), false), Some("{政府}分管领导"));
        assert_eq!(who(None, true), Some("{政府}主要领导"));
        assert_eq!(who(Some(Card::Blue), false), None);
        assert_eq!(who(None, false), None);
        assert_eq!(
            ryb.card_interview(Card::Yellow).unwrap().interviewee,
            "主要负责人"
        );
    }

    #[test]
    fn placeholders_are_filled_where_known() {
        let v = Vars::new()
            .set("期次", "2023年3月")
            .set("督查室", "区政府督查室");
        assert_eq!(
            v.fill("{督查室}对{期次}情况通报如下：{单位}"),
            "区政府督查室对2023年3月情况通报如下：{单位}"
        );
        assert_eq!(v.fill("{未闭合"), "{未闭合");
        assert_eq!(v.fill("无占位符"), "无占位符");
        let names: Vec<&str> = placeholders("a{x}b{y}c{").collect();
        assert_eq!(names, vec!["x", "y"]);
    }
}
