//! The column enums. Each variant's key (its serde name) is how
//! `templates/columns.toml` names the column.

use std::fmt::Debug;
use std::hash::Hash;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// A column of one kind of sheet.
pub trait Field:
    Copy + Eq + Ord + Hash + Debug + Send + Sync + Serialize + DeserializeOwned + 'static
{
    /// Every column, in declaration order.
    const ALL: &'static [Self];
    /// The section of `templates/columns.toml` that defines these columns.
    const SECTION: &'static str;
    /// The row-number column (序号), if the sheet has one: a row holding
    /// nothing else is blank.
    const ROW_NUMBER: Option<Self> = None;

    /// The stable key, as written in `templates/columns.toml`.
    fn key(self) -> &'static str;

    /// Position in [`Field::ALL`].
    fn index(self) -> usize;
}

/// Defines a column enum and its [`Field`] impl: `Variant = "key"`, in the
/// order of the TOML section.
macro_rules! fields {
    (
        $(#[$meta:meta])*
        $name:ident in $section:literal $(, row number $rn:ident)? {
            $( $(#[$vmeta:meta])* $variant:ident = $key:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name {
            $( $(#[$vmeta])* #[serde(rename = $key)] $variant, )+
        }

        impl $name {
            /// The stable key, as written in `templates/columns.toml`.
            pub(crate) const fn as_str(self) -> &'static str {
                match self {
                    $( $name::$variant => $key, )+
                }
            }
        }

        impl Field for $name {
            const ALL: &'static [Self] = &[$($name::$variant),+];
            const SECTION: &'static str = $section;
            $(const ROW_NUMBER: Option<Self> = Some($name::$rn);)?

            fn key(self) -> &'static str {
                self.as_str()
            }

            fn index(self) -> usize {
                self as usize
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

fields! {
    /// A column of the returned form (反馈表).
    FormField in "form", row number Seq {
        /// 编号 (required; copied from the ledger).
        Id = "id",
        /// 事项名称 (copied from the ledger).
        Title = "title",
        /// 完成时限 (copied from the ledger).
        Deadline = "deadline",
        /// 当前状态 (required).
        Status = "status",
        /// 完成进度 (required).
        Percent = "percent",
        /// 进展情况 (required).
        Progress = "progress",
        /// 存在问题.
        Problems = "problems",
        /// 下步措施.
        NextSteps = "next_steps",
        /// 预计完成日期.
        Expected = "expected",
        /// 延期说明.
        DelayReason = "delay_reason",
        /// 填报人.
        Filler = "filler",
        /// 联系电话.
        Phone = "phone",
        /// 单位主要负责人.
        Head = "head",
        /// 填报日期.
        FillDate = "fill_date",
        /// 序号: recognised so it is never taken for 编号, otherwise ignored.
        Seq = "seq",
        /// 备注: recognised, ignored.
        Remark = "remark",
        /// 牵头单位 (copied from the ledger).
        LeadUnit = "lead_unit",
        /// 牵头领导 (copied from the ledger).
        Leader = "leader",
        /// 星级 (copied from the ledger).
        Stars = "stars",
        /// 填报单位 of each row of a collection-tool export (many units in
        /// one sheet); a form whose rows fill it is read row by row.
        ReportingUnit = "unit",
        /// 提交时间 of each row of a collection-tool export: the row's
        /// 填报日期, and which of a unit's submissions is the latest.
        SubmittedAt = "submitted_at",
    }
}

fields! {
    /// A column of the ledger's 台账 sheet (one task per row).
    LedgerField in "ledger_tasks" {
        Id = "id",
        Title = "title",
        Source = "source",
        Stars = "stars",
        Leader = "leader",
        LeadUnit = "lead_unit",
        CoopUnits = "coop_units",
        Owner = "owner",
        Start = "start",
        Deadline = "deadline",
        Assigned = "assigned",
        Requirements = "requirements",
        /// 状态: `销号` closes a task by hand, `在办` keeps it open.
        State = "state",
    }
}

fields! {
    /// A column of the ledger's 节点 sheet (milestones).
    MilestoneField in "ledger_milestones" {
        Id = "id",
        Date = "date",
        Planned = "planned",
    }
}

fields! {
    /// A column of the ledger's 单位 sheet (responsible units).
    UnitField in "ledger_units" {
        Name = "name",
        Code = "code",
        Category = "category",
        Aliases = "aliases",
        Contact = "contact",
        Phone = "phone",
    }
}

fields! {
    /// A column of the ledger's 评价 sheet (evaluations of units).
    EvaluationField in "ledger_evaluations" {
        Unit = "unit",
        SelfEval = "self",
        Team = "team",
        Public = "public",
        Leader = "leader",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check<F: Field>() {
        for (i, f) in F::ALL.iter().enumerate() {
            assert_eq!(f.index(), i, "{f:?}");
            // The key is the serde name, both ways.
            let json = serde_json::to_string(f).unwrap();
            assert_eq!(json, format!("\"{}\"", f.key()));
            assert_eq!(serde_json::from_str::<F>(&json).unwrap(), *f);
        }
    }

    #[test]
    fn keys_are_serde_names_and_indexes_positions() {
        check::<FormField>();
        check::<LedgerField>();
        check::<MilestoneField>();
        check::<UnitField>();
        check::<EvaluationField>();
        assert_eq!(FormField::ROW_NUMBER, Some(FormField::Seq));
        assert_eq!(LedgerField::ROW_NUMBER, None);
        assert_eq!(EvaluationField::SelfEval.key(), "self");
    }
}
