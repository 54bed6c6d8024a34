//! Literal ledgers, forms and files for the validate and merge tests.

use chrono::{NaiveDate, NaiveDateTime};

use crate::calendar::Calendar;
use crate::due::{DueRule, Expected};
use crate::ingest::{
    FileFormat, FormMeta, Ingested, MatchedColumn, RawCell, RawForm, RawRow, SourceFile,
};
use crate::model::{Issue, IssueCode, Ledger, Status, Task, Unit};
use crate::period::Period;
pub(crate) use crate::schema::FormField;
use crate::store::history::{History, PeriodSnapshot, TaskSnap};
use crate::validate::{validate_file, CheckedFile, ValidateCtx};
use crate::value::CellValue;

pub(crate) fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

pub(crate) fn dt(y: i32, m: u32, day: u32, h: u32) -> NaiveDateTime {
    d(y, m, day).and_hms_opt(h, 0, 0).unwrap()
}

pub(crate) fn t(s: &str) -> CellValue {
    CellValue::Text(s.to_string())
}

pub(crate) fn n(x: f64) -> CellValue {
    CellValue::Number(x)
}

pub(crate) const FGW: &str = "区发展和改革局";
pub(crate) const CZJ: &str = "区财政局";
pub(crate) const ZJJ: &str = "区住房和城乡建设局";
pub(crate) const TJJ: &str = "区统计局";

fn unit(name: &str, aliases: &[&str], category: &str) -> Unit {
    Unit {
        name: name.into(),
        code: None,
        category: category.into(),
        aliases: aliases.iter().map(|s| s.to_string()).collect(),
        contact: String::new(),
        phone: String::new(),
    }
}

pub(crate) fn task(
    id: &str,
    title: &str,
    lead: &str,
    stars: u8,
    deadline: Option<NaiveDate>,
) -> Task {
    Task {
        id: id.into(),
        title: title.into(),
        source: "政府工作报告".into(),
        stars,
        leader: "张副区长".into(),
        lead_unit: lead.into(),
        coop_units: vec![],
        owner: String::new(),
        start: Some(d(2023, 1, 1)),
        deadline,
        assigned: Some(d(2023, 1, 1)),
        requirements: String::new(),
        milestones: vec![],
        ledger_row: 0,
        state_mark: None,
        group: None,
    }
}

/// Units: 区发展和改革局 (alias 区发改局), 区财政局, 区住房和城乡建设局 (alias 区住建局),
/// 区统计局, 区档案局 (no tasks).
///
/// Tasks (period 2023-03, as of 2023-03-31):
/// - ZF-001 发改 4★ due 2023-12-31; ZF-002 发改 5★ due 2023-09-30; ZF-003 发改 3★ due 2023-06-30
/// - ZF-004 财政 4★ due 2023-12-31 (发改 cooperates)
/// - ZF-006 住建 4★ due 2023-04-05 (near); ZF-007 住建 5★ due 2023-03-20 (overdue);
///   ZF-008 住建 4★ no deadline, assigned 2023-03-20 → 2023-03-27 (overdue: 5 working days after assignment)
/// - ZF-009 统计 3★ due 2023-12-31
pub(crate) fn ledger() -> Ledger {
    let mut tasks = vec![
        task("ZF-001", "推进重点项目建设", FGW, 4, Some(d(2023, 12, 31))),
        task("ZF-002", "优化营商环境", FGW, 5, Some(d(2023, 9, 30))),
        task("ZF-003", "编制产业规划", FGW, 3, Some(d(2023, 6, 30))),
        task("ZF-004", "盘活存量资产", CZJ, 4, Some(d(2023, 12, 31))),
        task("ZF-006", "老旧小区改造", ZJJ, 4, Some(d(2023, 4, 5))),
        task("ZF-007", "保障房交付", ZJJ, 5, Some(d(2023, 3, 20))),
        task("ZF-008", "处理群众来信", ZJJ, 4, None),
        task("ZF-009", "统计普查", TJJ, 3, Some(d(2023, 12, 31))),
    ];
    tasks[3].coop_units = vec![FGW.into()];
    tasks[6].assigned = Some(d(2023, 3, 20));
    Ledger::new(
        tasks,
        vec![
            unit(FGW, &["区发改局"], "区直部门"),
            unit(CZJ, &[], "区直部门"),
            unit(ZJJ, &["区住建局"], "区直部门"),
            unit(TJJ, &[], "区直部门"),
            unit("区档案局", &[], "区直部门"),
        ],
        vec![],
    )
}

/// The tasks of `ledger` due in `period` ([`crate::due`]), as of its last
/// day, nothing done before (leaked: a few bytes per test).
pub(crate) fn expected(ledger: &Ledger, period: Period) -> &'static Expected {
    let cal = Calendar::new(&[], &[], 5);
    let rule = DueRule {
        period,
        as_of: period.end(),
        calendar: &cal,
        near_deadline_days: 7,
    };
    Box::leak(Box::new(rule.expected(ledger, |_| false)))
}

/// Standard column layout: A 编号 … N 填报日期.
pub(crate) const KEYS: [FormField; 14] = [
    FormField::Id,
    FormField::Title,
    FormField::Deadline,
    FormField::Status,
    FormField::Percent,
    FormField::Progress,
    FormField::Problems,
    FormField::NextSteps,
    FormField::Expected,
    FormField::DelayReason,
    FormField::Filler,
    FormField::Phone,
    FormField::Head,
    FormField::FillDate,
];

pub(crate) fn col(key: FormField) -> u32 {
    KEYS.iter().position(|k| *k == key).unwrap() as u32
}

pub(crate) fn columns() -> Vec<MatchedColumn> {
    KEYS.iter()
        .enumerate()
        .map(|(i, k)| MatchedColumn {
            key: *k,
            col: i as u32,
            header: crate::templates::templates().form.name(*k).to_string(),
        })
        .collect()
}

/// Header on 0-based row 2 (sheet row 3); data from sheet row 4.
pub(crate) const HEADER_ROW: u32 = 2;

/// A data row at 0-based `row` with the given cells (empty values skipped).
pub(crate) fn row(r: u32, vals: &[(FormField, CellValue)]) -> RawRow {
    let mut out = RawRow {
        row: r,
        ..RawRow::default()
    };
    for (k, v) in vals {
        if v.is_empty() {
            continue;
        }
        out.cells.insert(
            *k,
            RawCell {
                col: col(*k),
                value: v.clone(),
                merged_from: None,
            },
        );
    }
    out
}

/// A clean row for a ledger task (title and deadline copied, 正在办理 60%).
pub(crate) fn good(r: u32, id: &str) -> RawRow {
    let l = ledger();
    let tk = l.task(id);
    let title = tk.map(|t| t.title.clone()).unwrap_or_default();
    let deadline = tk
        .and_then(|t| t.deadline)
        .map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default();
    row(
        r,
        &[
            (FormField::Id, t(id)),
            (FormField::Title, t(&title)),
            (FormField::Deadline, t(&deadline)),
            (FormField::Status, t("正在办理")),
            (FormField::Percent, n(60.0)),
            (FormField::Progress, t("按计划推进")),
            (FormField::Filler, t("张三")),
        ],
    )
}

/// Replace (or remove, with Empty) one cell of a row.
pub(crate) fn set(mut r: RawRow, key: FormField, v: CellValue) -> RawRow {
    if v.is_empty() {
        r.cells.remove(key);
    } else {
        r.cells.insert(
            key,
            RawCell {
                col: col(key),
                value: v,
                merged_from: None,
            },
        );
    }
    r
}

pub(crate) fn form(sheet: &str, preamble: &[&str], rows: Vec<RawRow>) -> RawForm {
    RawForm {
        sheet: sheet.into(),
        meta: None,
        preamble: preamble.iter().map(|s| s.to_string()).collect(),
        footer: vec![],
        header_row: HEADER_ROW,
        header_first_row: HEADER_ROW,
        columns: columns(),
        duplicate_columns: vec![],
        missing_required: vec![],
        header_texts: columns().into_iter().map(|c| (c.col, c.header)).collect(),
        rows,
        truncated_at: None,
    }
}

/// Column of 填报单位 and 提交时间 in [`export_form`] (after the standard ones).
pub(crate) const EXPORT_UNIT_COL: u32 = 14;
pub(crate) const EXPORT_TIME_COL: u32 = 15;

/// A collection-tool export's row: a clean row of `id` answered by `unit`
/// at `when` (`2023-03-30 10:00`; empty: no time).
pub(crate) fn export_row(r: u32, unit: &str, id: &str, when: &str) -> RawRow {
    let mut out = good(r, id);
    for (key, col, v) in [
        (FormField::ReportingUnit, EXPORT_UNIT_COL, unit),
        (FormField::SubmittedAt, EXPORT_TIME_COL, when),
    ] {
        if !v.is_empty() {
            out.cells.insert(
                key,
                RawCell {
                    col,
                    value: t(v),
                    merged_from: None,
                },
            );
        }
    }
    out
}

/// A collection-tool export sheet (no title lines): the standard columns,
/// then 填报单位 and 提交时间.
pub(crate) fn export_form(rows: Vec<RawRow>) -> RawForm {
    let mut f = form("Sheet1", &[], rows);
    for (key, col) in [
        (FormField::ReportingUnit, EXPORT_UNIT_COL),
        (FormField::SubmittedAt, EXPORT_TIME_COL),
    ] {
        let header = crate::templates::templates().form.name(key).to_string();
        f.header_texts.insert(col, header.clone());
        f.columns.push(MatchedColumn { key, col, header });
    }
    f
}

pub(crate) fn with_meta(mut f: RawForm, unit: &str, period: &str) -> RawForm {
    f.meta = Some(FormMeta {
        unit: unit.into(),
        period: period.into(),
        version: crate::ingest::FORM_VERSION.into(),
        generated: String::new(),
    });
    f
}

pub(crate) fn src(rel: &str) -> SourceFile {
    SourceFile {
        rel: rel.into(),
        container: None,
        size: 1000,
        sha256: format!("sha-{rel}"),
        modified: Some(dt(2023, 3, 30, 9)),
        format: FileFormat::Xlsx,
    }
}

pub(crate) fn forms_file(rel: &str, forms: Vec<RawForm>) -> Ingested {
    Ingested::Forms {
        file: src(rel),
        forms,
    }
}

/// Everything a validation context borrows.
pub(crate) struct Env {
    pub(crate) ledger: Ledger,
    pub(crate) calendar: Calendar,
    pub(crate) history: History,
    pub(crate) period: Period,
}

impl Env {
    pub(crate) fn new() -> Env {
        Env {
            ledger: ledger(),
            calendar: Calendar::new(&[], &[], 5),
            history: History::default(),
            period: Period::month(2023, 3),
        }
    }

    /// History where ZF-001 was at 70% with "已完成立项" last period.
    pub(crate) fn with_history() -> Env {
        let mut e = Env::new();
        e.history = History {
            periods: vec![PeriodSnapshot::new(
                Period::month(2023, 2),
                d(2023, 2, 28),
                vec![TaskSnap {
                    id: "ZF-001".into(),
                    unit: FGW.into(),
                    status: Some(Status::InProgress),
                    actual: Some(70.0),
                    progress: "已完成立项".into(),
                    card: None,
                    ..TaskSnap::default()
                }],
                vec![],
            )],
        };
        e
    }

    pub(crate) fn ctx(&self) -> ValidateCtx<'_> {
        ValidateCtx {
            ledger: &self.ledger,
            period: self.period,
            as_of: d(2023, 3, 31),
            calendar: &self.calendar,
            near_deadline_days: 7,
            history: &self.history,
        }
    }

    pub(crate) fn check(&self, ing: &Ingested) -> CheckedFile {
        validate_file(ing, &self.ctx())
    }
}

/// Issues of one code.
pub(crate) fn of(f: &CheckedFile, code: IssueCode) -> Vec<&Issue> {
    f.issues.iter().filter(|i| i.code == code).collect()
}

/// Codes of every issue, in order.
pub(crate) fn codes(f: &CheckedFile) -> Vec<IssueCode> {
    f.issues.iter().map(|i| i.code).collect()
}
