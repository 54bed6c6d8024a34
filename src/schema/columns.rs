//! Column definitions (name, aliases, required) of one kind of sheet, as
//! read from `templates/columns.toml`, with a normalised-name index.

use std::collections::HashMap;

use serde::Deserialize;

use super::Field;
use crate::text::{norm_header, norm_header_into};

/// Longest question number [`without_question_number`] takes off (`第123题.`).
const QUESTION_NUMBER_BYTES: usize = 12;

/// A normalised header without the question number an online form's export
/// puts in front of it (`1、填报单位` → `1填报单位` → `填报单位`; `q2.编号`,
/// `第3题当前状态`); None when there is none, or nothing but digits after it.
fn without_question_number(h: &str) -> Option<&str> {
    let rest = h.strip_prefix('第').unwrap_or(h);
    let rest = rest.strip_prefix('q').unwrap_or(rest);
    let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    if digits == 0 || digits > 3 {
        return None;
    }
    let rest = &rest[digits..];
    let rest = rest.strip_prefix('题').unwrap_or(rest);
    let rest = rest.trim_start_matches(['.', '-', '．']);
    (!rest.is_empty() && !rest.starts_with(|c: char| c.is_ascii_digit())).then_some(rest)
}

/// One column of a sheet duban reads.
#[derive(Debug, Clone, Deserialize)]
#[serde(bound = "F: Field")]
pub(crate) struct ColumnDef<F> {
    /// The column the code knows it as.
    pub(crate) key: F,
    /// Canonical Chinese header, as written by duban.
    pub(crate) name: String,
    #[serde(default)]
    pub(crate) aliases: Vec<String>,
    #[serde(default)]
    pub(crate) required: bool,
    /// Copied from the ledger (form columns only). Read from columns.toml;
    /// nothing reads it back yet.
    #[serde(default)]
    #[allow(dead_code)]
    pub(crate) assigned: bool,
}

/// Every column of one kind of sheet, each defined exactly once, in the
/// order of the file, with a normalised-name index.
#[derive(Debug, Clone)]
pub(crate) struct Columns<F: Field> {
    /// In the order of `templates/columns.toml`.
    pub(crate) defs: Vec<ColumnDef<F>>,
    /// Position in `defs` of each field, by [`Field::index`].
    by_field: Vec<usize>,
    index: HashMap<String, usize>,
    /// Longest key of `index`, in bytes.
    max_key: usize,
}

impl<F: Field> Columns<F> {
    /// The column set, or what is wrong with it: every field must be defined
    /// exactly once.
    pub(crate) fn new(defs: Vec<ColumnDef<F>>) -> Result<Self, String> {
        let mut by_field = vec![usize::MAX; F::ALL.len()];
        for (i, d) in defs.iter().enumerate() {
            let slot = &mut by_field[d.key.index()];
            if *slot != usize::MAX {
                return Err(format!(
                    "[[{}]] defines the column `{}` twice",
                    F::SECTION,
                    d.key.key()
                ));
            }
            *slot = i;
        }
        let missing: Vec<&str> = F::ALL
            .iter()
            .filter(|f| by_field[f.index()] == usize::MAX)
            .map(|f| f.key())
            .collect();
        if !missing.is_empty() {
            return Err(format!(
                "[[{}]] does not define the column(s) {}",
                F::SECTION,
                missing.join(", ")
            ));
        }
        let mut index = HashMap::new();
        for (i, d) in defs.iter().enumerate() {
            for n in std::iter::once(&d.name).chain(d.aliases.iter()) {
                let k = norm_header(n);
                if !k.is_empty() {
                    index.entry(k).or_insert(i);
                }
            }
        }
        let max_key = index.keys().map(String::len).max().unwrap_or(0);
        Ok(Columns {
            defs,
            by_field,
            index,
            max_key,
        })
    }

    /// The column a header cell names, if any.
    #[cfg(test)]
    pub(crate) fn match_header(&self, header: &str) -> Option<&ColumnDef<F>> {
        self.match_header_buf(header, &mut String::new())
    }

    /// [`Columns::match_header`] normalising into `buf` (no allocation once
    /// `buf` has grown).
    pub(crate) fn match_header_buf(&self, header: &str, buf: &mut String) -> Option<&ColumnDef<F>> {
        // A text that normalises to something longer than every key (and a
        // question number) names no column.
        if !norm_header_into(header, self.max_key + QUESTION_NUMBER_BYTES, buf) || buf.is_empty() {
            return None;
        }
        let i = self
            .index
            .get(buf.as_str())
            .or_else(|| self.index.get(without_question_number(buf)?))?;
        Some(&self.defs[*i])
    }

    /// The definition of a column (every field has one: checked by [`Columns::new`]).
    pub(crate) fn get(&self, key: F) -> &ColumnDef<F> {
        &self.defs[self.by_field[key.index()]]
    }

    /// Canonical Chinese header of a column.
    pub(crate) fn name(&self, key: F) -> &str {
        &self.get(key).name
    }

    pub(crate) fn required(&self) -> impl Iterator<Item = &ColumnDef<F>> {
        self.defs.iter().filter(|d| d.required)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn question_numbers_of_online_forms_are_not_part_of_the_header() {
        let strip = |h: &str| without_question_number(&norm_header(h)).map(str::to_string);
        assert_eq!(strip("1、填报单位").as_deref(), Some("填报单位"));
        assert_eq!(strip("Q2. 编号").as_deref(), Some("编号"));
        assert_eq!(strip("第3题 当前状态").as_deref(), Some("当前状态"));
        assert_eq!(strip("12.完成进度（%）").as_deref(), Some("完成进度"));
        assert_eq!(strip("编号"), None);
        assert_eq!(strip("2023"), None);
        assert_eq!(strip("1234事项"), None);
        let cols = &crate::templates::templates().form;
        use crate::schema::FormField;
        for (h, key) in [
            ("1、填报单位", FormField::ReportingUnit),
            ("2、任务编号", FormField::Id),
            ("Q4.完成进度(%)", FormField::Percent),
            ("提交答卷时间", FormField::SubmittedAt),
            ("单位名称", FormField::ReportingUnit),
            ("1、您所在的单位：", FormField::ReportingUnit),
            ("5、本月进展情况", FormField::Progress),
        ] {
            assert_eq!(cols.match_header(h).map(|d| d.key), Some(key), "{h}");
        }
        assert!(cols.match_header("1月").is_none());
    }
}
