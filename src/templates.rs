//! Column definitions and aliases (`templates/columns.toml`), embedded in the binary.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::Deserialize;

use crate::text::{norm_header, norm_header_into};

/// The raw TOML of the column definitions.
pub const COLUMNS_TOML: &str = include_str!("../templates/columns.toml");
/// The commented default configuration written by `duban init`.
pub const DEFAULT_CONFIG_TOML: &str = include_str!("../templates/duban.toml");

/// One column of a sheet duban reads.
#[derive(Debug, Clone, Deserialize)]
pub struct ColumnDef {
    /// Stable identifier used by the code.
    pub key: String,
    /// Canonical Chinese header, as written by duban.
    pub name: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub required: bool,
    /// Copied from the ledger (form columns only).
    #[serde(default)]
    pub assigned: bool,
}

/// A set of column definitions with a normalised-name index.
#[derive(Debug, Clone)]
pub struct Columns {
    pub defs: Vec<ColumnDef>,
    index: HashMap<String, usize>,
    /// Longest key of `index`, in bytes.
    max_key: usize,
}

impl Columns {
    fn new(defs: Vec<ColumnDef>) -> Self {
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
        Columns {
            defs,
            index,
            max_key,
        }
    }

    /// The column a header cell names, if any.
    pub fn match_header(&self, header: &str) -> Option<&ColumnDef> {
        self.match_header_buf(header, &mut String::new())
    }

    /// [`Columns::match_header`] normalising into `buf` (no allocation once
    /// `buf` has grown).
    pub fn match_header_buf(&self, header: &str, buf: &mut String) -> Option<&ColumnDef> {
        // A text that normalises to something longer than every key names no column.
        if !norm_header_into(header, self.max_key, buf) || buf.is_empty() {
            return None;
        }
        self.index.get(buf.as_str()).map(|&i| &self.defs[i])
    }

    pub fn get(&self, key: &str) -> Option<&ColumnDef> {
        self.defs.iter().find(|d| d.key == key)
    }

    /// Canonical name of a key (panics on an unknown key: a programming error).
    pub fn name(&self, key: &str) -> &str {
        &self
            .get(key)
            .unwrap_or_else(|| panic!("unknown column key {key}"))
            .name
    }

    pub fn required(&self) -> impl Iterator<Item = &ColumnDef> {
        self.defs.iter().filter(|d| d.required)
    }
}

#[derive(Debug, Deserialize)]
struct RawTemplates {
    ledger_tasks: Vec<ColumnDef>,
    ledger_milestones: Vec<ColumnDef>,
    ledger_units: Vec<ColumnDef>,
    ledger_evaluations: Vec<ColumnDef>,
    form: Vec<ColumnDef>,
}

/// Every column set duban knows.
#[derive(Debug, Clone)]
pub struct Templates {
    pub ledger_tasks: Columns,
    pub ledger_milestones: Columns,
    pub ledger_units: Columns,
    pub ledger_evaluations: Columns,
    pub form: Columns,
}

/// The embedded templates (parsed once).
pub fn templates() -> &'static Templates {
    static T: OnceLock<Templates> = OnceLock::new();
    T.get_or_init(|| {
        let raw: RawTemplates =
            toml::from_str(COLUMNS_TOML).expect("templates/columns.toml is valid");
        Templates {
            ledger_tasks: Columns::new(raw.ledger_tasks),
            ledger_milestones: Columns::new(raw.ledger_milestones),
            ledger_units: Columns::new(raw.ledger_units),
            ledger_evaluations: Columns::new(raw.ledger_evaluations),
            form: Columns::new(raw.form),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_match() {
        let t = templates();
        assert_eq!(t.form.match_header("完成进度（%）").unwrap().key, "percent");
        assert_eq!(t.form.match_header("进度").unwrap().key, "percent");
        assert_eq!(t.form.match_header("完成比例").unwrap().key, "percent");
        assert_eq!(t.form.match_header("Progress").unwrap().key, "percent");
        assert_eq!(t.form.match_header("序号").unwrap().key, "seq");
        assert_eq!(t.form.match_header("编 号").unwrap().key, "id");
        assert!(t.form.match_header("无关列").is_none());
        assert_eq!(
            t.ledger_tasks.match_header("牵头单位").unwrap().key,
            "lead_unit"
        );
        assert_eq!(t.form.name("status"), "当前状态");
    }

    #[test]
    fn no_alias_collides_within_a_sheet() {
        let t = templates();
        for cols in [
            &t.ledger_tasks,
            &t.ledger_milestones,
            &t.ledger_units,
            &t.ledger_evaluations,
            &t.form,
        ] {
            let mut seen: HashMap<String, &str> = HashMap::new();
            for d in &cols.defs {
                for n in std::iter::once(&d.name).chain(d.aliases.iter()) {
                    let k = norm_header(n);
                    if let Some(prev) = seen.insert(k.clone(), &d.key) {
                        assert_eq!(
                            prev, d.key,
                            "alias {n:?} ({k}) names both {prev} and {}",
                            d.key
                        );
                    }
                }
            }
        }
    }
}
