//! Column definitions and aliases (`templates/columns.toml`), embedded in the
//! binary, keyed by the column enums of [`crate::schema`] and checked
//! complete when they are parsed.

use std::sync::OnceLock;

use serde::Deserialize;

pub(crate) use crate::schema::{ColumnDef, Columns};
use crate::schema::{EvaluationField, FormField, LedgerField, MilestoneField, UnitField};

/// The raw TOML of the column definitions.
pub(crate) const COLUMNS_TOML: &str = include_str!("../templates/columns.toml");
/// The commented default configuration written by `duban init`.
pub(crate) const DEFAULT_CONFIG_TOML: &str = include_str!("../templates/duban.toml");

#[derive(Debug, Deserialize)]
struct RawTemplates {
    ledger_tasks: Vec<ColumnDef<LedgerField>>,
    ledger_milestones: Vec<ColumnDef<MilestoneField>>,
    ledger_units: Vec<ColumnDef<UnitField>>,
    ledger_evaluations: Vec<ColumnDef<EvaluationField>>,
    form: Vec<ColumnDef<FormField>>,
}

/// Every column set duban knows.
#[derive(Debug, Clone)]
pub(crate) struct Templates {
    pub(crate) ledger_tasks: Columns<LedgerField>,
    pub(crate) ledger_milestones: Columns<MilestoneField>,
    pub(crate) ledger_units: Columns<UnitField>,
    pub(crate) ledger_evaluations: Columns<EvaluationField>,
    pub(crate) form: Columns<FormField>,
}

impl Templates {
    /// Parse column definitions: a key no enum knows is a TOML error, and
    /// every column of every enum must be defined exactly once.
    pub(crate) fn parse(toml_text: &str) -> Result<Templates, String> {
        let raw: RawTemplates = toml::from_str(toml_text).map_err(|e| e.to_string())?;
        Ok(Templates {
            ledger_tasks: Columns::new(raw.ledger_tasks)?,
            ledger_milestones: Columns::new(raw.ledger_milestones)?,
            ledger_units: Columns::new(raw.ledger_units)?,
            ledger_evaluations: Columns::new(raw.ledger_evaluations)?,
            form: Columns::new(raw.form)?,
        })
    }
}

/// The embedded templates, parsed and checked once (the `templates_are_complete`
/// test keeps the embedded file valid, so this cannot fail in a built binary).
pub(crate) fn templates() -> &'static Templates {
    static T: OnceLock<Templates> = OnceLock::new();
    T.get_or_init(|| {
        Templates::parse(COLUMNS_TOML)
            .unwrap_or_else(|e| unreachable!("templates/columns.toml: {e}"))
    })
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::schema::Field;
    use crate::text::norm_header;

    #[test]
    fn templates_are_complete() {
        let t = Templates::parse(COLUMNS_TOML).expect("the embedded columns.toml is valid");
        assert_eq!(t.form.defs.len(), FormField::ALL.len());
        assert_eq!(t.ledger_tasks.defs.len(), LedgerField::ALL.len());
        for f in FormField::ALL {
            assert_eq!(t.form.get(*f).key, *f);
        }
    }

    /// The embedded file with the `[[section]]` entry of `key` removed.
    fn without(section: &str, key: &str) -> String {
        let entries: Vec<&str> = COLUMNS_TOML.split("[[").collect();
        let head = format!("{section}]]\nkey = \"{key}\"\n");
        let kept: Vec<&str> = entries
            .iter()
            .copied()
            .filter(|e| !e.starts_with(&head))
            .collect();
        assert_eq!(
            kept.len() + 1,
            entries.len(),
            "{section}.{key} removed once"
        );
        kept.join("[[")
    }

    #[test]
    fn a_missing_column_is_caught() {
        let err = Templates::parse(&without("form", "delay_reason")).unwrap_err();
        assert!(
            err.contains("[[form]]") && err.contains("delay_reason"),
            "{err}"
        );
        let err = Templates::parse(&without("ledger_evaluations", "self")).unwrap_err();
        assert!(err.contains("`self`") || err.contains(" self"), "{err}");
    }

    #[test]
    fn a_column_defined_twice_or_an_unknown_key_is_caught() {
        let twice =
            format!("{COLUMNS_TOML}\n[[ledger_units]]\nkey = \"phone\"\nname = \"电话号码\"\n");
        let err = Templates::parse(&twice).unwrap_err();
        assert!(err.contains("twice") && err.contains("phone"), "{err}");
        let unknown = format!("{COLUMNS_TOML}\n[[form]]\nkey = \"budget\"\nname = \"预算\"\n");
        let err = Templates::parse(&unknown).unwrap_err();
        assert!(err.contains("budget"), "{err}");
    }

    #[test]
    fn aliases_match() {
        let t = templates();
        let key = |h: &str| t.form.match_header(h).map(|d| d.key);
        assert_eq!(key("完成进度（%）"), Some(FormField::Percent));
        assert_eq!(key("进度"), Some(FormField::Percent));
        assert_eq!(key("完成比例"), Some(FormField::Percent));
        assert_eq!(key("Progress"), Some(FormField::Percent));
        assert_eq!(key("序号"), Some(FormField::Seq));
        assert_eq!(key("编 号"), Some(FormField::Id));
        assert_eq!(key("无关列"), None);
        assert_eq!(
            t.ledger_tasks.match_header("牵头单位").unwrap().key,
            LedgerField::LeadUnit
        );
        assert_eq!(t.form.name(FormField::Status), "当前状态");
    }

    fn no_alias_collides<F: Field>(cols: &Columns<F>) {
        let mut seen: HashMap<String, F> = HashMap::new();
        for d in &cols.defs {
            for n in std::iter::once(&d.name).chain(d.aliases.iter()) {
                let k = norm_header(n);
                if let Some(prev) = seen.insert(k.clone(), d.key) {
                    assert_eq!(
                        prev, d.key,
                        "alias {n:?} ({k}) names both {prev:?} and {:?}",
                        d.key
                    );
                }
            }
        }
    }

    #[test]
    fn no_alias_collides_within_a_sheet() {
        let t = templates();
        no_alias_collides(&t.ledger_tasks);
        no_alias_collides(&t.ledger_milestones);
        no_alias_collides(&t.ledger_units);
        no_alias_collides(&t.ledger_evaluations);
        no_alias_collides(&t.form);
    }
}
