//! The example rows `duban init` writes into the blank ledger (one per
//! sheet). Read back unedited they are the template's, not the office's:
//! the example task is skipped with a `LEDGER_EXAMPLE_ROW` warning, and the
//! example unit, milestone and evaluation go with it.

/// 编号 of the example task (and of its milestone).
pub(crate) const TASK_ID: &str = "ZF-001";
/// 事项名称 of the example task: a row still holding it was not edited.
pub(crate) const TASK_TITLE: &str = "示例：推进城区污水管网改造工程，年底前完成主体工程";
/// 牵头单位 of the example task, and the example row of the 单位 sheet.
pub(crate) const UNIT: &str = "区住建局";
/// 联系人 and 联系电话 of the example unit (not a real person or number).
pub(crate) const UNIT_CONTACT: &str = "王五";
pub(crate) const UNIT_PHONE: &str = "0000-1234567";
/// The example milestone's planned percent.
pub(crate) const MILESTONE_PLANNED: i64 = 40;
/// Every evaluation of the example 评价 row.
pub(crate) const SCORE: i64 = 90;
