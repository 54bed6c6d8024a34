use super::testkit::*;
use super::*;
use crate::ingest::{Ingested, MatchedColumn, RawRow};
use crate::model::IssueCode as C;
use crate::model::{IssueCode, Severity};
use crate::value::CellValue;

/// A 发改 form identified by its 填报单位 line, with the given rows.
fn fgw(rows: Vec<RawRow>) -> Ingested {
    forms_file(
        "区发改局.xlsx",
        vec![form(
            "推进表",
            &["填报单位：区发改局　报送期次：2023年3月"],
            rows,
        )],
    )
}

fn only(f: &CheckedFile, code: IssueCode) -> &Issue {
    let v = of(f, code);
    assert_eq!(v.len(), 1, "{code}: {:#?}", f.issues);
    v[0]
}

#[test]
fn clean_form_from_meta_round_trips_without_issues() {
    let env = Env::new();
    let f = with_meta(
        form("推进表", &[], vec![good(3, "ZF-001"), good(4, "zf-002 ")]),
        FGW,
        "2023-03",
    );
    let out = env.check(&forms_file("任意名字.xlsx", vec![f]));
    assert!(out.issues.is_empty(), "{:#?}", out.issues);
    assert_eq!(out.state, FileState::Checked);
    assert_eq!(out.unit.as_deref(), Some(FGW));
    assert_eq!(out.period, Some(Period::month(2023, 3)));
    assert_eq!(out.sheets, vec!["推进表".to_string()]);
    assert_eq!(out.rows.len(), 2);
    assert!(out.rows.iter().all(|r| r.outcome == RowOutcome::Accepted));
    let r = out.rows[1].report.as_ref().unwrap();
    assert_eq!(r.task, "ZF-002");
    assert_eq!(r.unit, FGW);
    assert_eq!(r.status, Status::InProgress);
    assert_eq!(r.percent, 60.0);
    assert_eq!(r.filler, "张三");
    assert_eq!(
        r.provenance,
        Provenance {
            file: "任意名字.xlsx".into(),
            sheet: "推进表".into(),
            row: 5,
            sha256: "sha-任意名字.xlsx".into(),
        }
    );
    assert_eq!(out.rows[1].task.as_deref(), Some("ZF-002"));
    assert_eq!(out.rows[1].row, 5);
}

#[test]
fn unit_from_unit_line() {
    let env = Env::new();
    let out = env.check(&fgw(vec![good(3, "ZF-001")]));
    assert_eq!(out.unit.as_deref(), Some(FGW));
    assert!(out.issues.is_empty(), "{:#?}", out.issues);
}

#[test]
fn unit_from_title() {
    let env = Env::new();
    let f = form(
        "Sheet1",
        &["区发改局2023年3月重点工作推进情况表"],
        vec![good(3, "ZF-001")],
    );
    let out = env.check(&forms_file("a.xlsx", vec![f]));
    assert_eq!(out.unit.as_deref(), Some(FGW));
    assert!(out.issues.is_empty(), "{:#?}", out.issues);
}

#[test]
fn unit_from_file_name() {
    let env = Env::new();
    let f = form("Sheet1", &["重点工作推进情况表"], vec![good(3, "ZF-004")]);
    let out = env.check(&forms_file("3月/区财政局-3月.xlsx", vec![f]));
    assert_eq!(out.unit.as_deref(), Some(CZJ));
    assert!(out.issues.is_empty(), "{:#?}", out.issues);
}

#[test]
fn unit_from_folder_before_task_ownership() {
    let env = Env::new();
    let f = form("Sheet1", &["重点工作推进情况表"], vec![good(3, "ZF-004")]);
    let out = env.check(&forms_file("区财政局/3月/反馈表.xlsx", vec![f]));
    assert_eq!(out.unit.as_deref(), Some(CZJ));
    assert!(out.issues.is_empty(), "{:#?}", out.issues);
}

#[test]
fn unit_from_footer() {
    let env = Env::new();
    let mut f = form("Sheet1", &["重点工作推进情况表"], vec![good(3, "ZF-004")]);
    f.footer = vec!["填报单位（盖章）：区财政局　填报人：李四".into()];
    let out = env.check(&forms_file("反馈.xlsx", vec![f]));
    assert_eq!(out.unit.as_deref(), Some(CZJ));
    assert!(out.issues.is_empty(), "{:#?}", out.issues);
}

#[test]
fn meta_wins_over_unit_line_and_file_name() {
    let env = Env::new();
    let f = with_meta(
        form("推进表", &["填报单位：区发改局"], vec![good(3, "ZF-004")]),
        CZJ,
        "2023-03",
    );
    let out = env.check(&forms_file("区发改局-3月.xlsx", vec![f]));
    assert_eq!(out.unit.as_deref(), Some(CZJ));
    assert!(out.issues.is_empty(), "{:#?}", out.issues);
    // Without meta, the unit line wins over the file name.
    let f = form("推进表", &["填报单位：区财政局"], vec![good(3, "ZF-004")]);
    let out = env.check(&forms_file("区发改局-3月.xlsx", vec![f]));
    assert_eq!(out.unit.as_deref(), Some(CZJ));
}

#[test]
fn unit_guessed_from_task_ownership() {
    let env = Env::new();
    let f = form(
        "Sheet1",
        &["重点工作推进情况表"],
        vec![good(3, "ZF-001"), good(4, "ZF-002")],
    );
    let out = env.check(&forms_file("反馈表.xlsx", vec![f]));
    assert_eq!(out.unit.as_deref(), Some(FGW));
    assert_eq!(out.state, FileState::Checked);
    assert_eq!(codes(&out), vec![C::FileUnitGuessed]);
    let i = &out.issues[0];
    assert_eq!(i.severity, Severity::Warning);
    assert_eq!(i.cell, None);
    assert_eq!(i.file.as_deref(), Some("反馈表.xlsx"));
    assert_eq!(i.unit.as_deref(), Some(FGW));
    assert!(i.message.contains("填报单位"), "{}", i.message);
    assert!(out.rows.iter().all(|r| r.outcome == RowOutcome::Accepted));
}

#[test]
fn unknown_unit_rejects_every_row() {
    let env = Env::new();
    // Tasks of two units, nothing names a unit.
    let f = form(
        "Sheet1",
        &["重点工作推进情况表"],
        vec![good(3, "ZF-001"), good(4, "ZF-004")],
    );
    let out = env.check(&forms_file("反馈表.xlsx", vec![f]));
    assert_eq!(out.unit, None);
    assert_eq!(out.state, FileState::Rejected);
    let i = only(&out, C::FileUnknownUnit);
    assert_eq!(i.severity, Severity::Error);
    assert_eq!(i.cell, None);
    assert_eq!(out.issues.len(), 1);
    assert_eq!(out.rows.len(), 2);
    for r in &out.rows {
        assert_eq!(r.outcome, RowOutcome::Rejected);
        assert_eq!(r.reasons, vec![i.message.clone()]);
        assert!(r.report.is_none());
    }
    assert_eq!(out.rows[1].task.as_deref(), Some("ZF-004"));
    // A unit written but not in the ledger is quoted so an alias can be added.
    let f = form(
        "Sheet1",
        &["填报单位：发展改革委　报送期次：2023年3月"],
        vec![good(3, "XX-1")],
    );
    let out = env.check(&forms_file("x.xlsx", vec![f]));
    let i = only(&out, C::FileUnknownUnit);
    assert_eq!(i.value.as_deref(), Some("发展改革委"));
    assert!(i.message.contains("“发展改革委”"), "{}", i.message);
    assert!(i.message.contains("别名"), "{}", i.message);
    // No known task at all: unknown too.
    let f = form("Sheet1", &[], vec![good(3, "XX-1")]);
    let out = env.check(&forms_file("x.xlsx", vec![f]));
    assert_eq!(codes(&out), vec![C::FileUnknownUnit]);
}

#[test]
fn wrong_period_in_unit_line_rejects_the_file() {
    let env = Env::new();
    let f = form(
        "推进表",
        &["填报单位：区发改局　报送期次：2023年2月"],
        vec![good(3, "ZF-001")],
    );
    let out = env.check(&forms_file("区发改局.xlsx", vec![f]));
    assert_eq!(out.state, FileState::Rejected);
    assert_eq!(out.period, Some(Period::month(2023, 2)));
    let i = only(&out, C::FileWrongPeriod);
    assert_eq!(
        i.message,
        "本表为2023年2月的报表，本次收集的是2023年3月，请使用本期表单重新填报"
    );
    assert_eq!(i.unit.as_deref(), Some(FGW));
    assert_eq!(i.cell, None);
    assert_eq!(out.rows[0].outcome, RowOutcome::Rejected);
    assert_eq!(out.rows[0].reasons, vec![i.message.clone()]);
}

#[test]
fn wrong_period_from_meta_title_and_file_name() {
    let env = Env::new();
    let f = with_meta(form("推进表", &[], vec![good(3, "ZF-001")]), FGW, "2023-02");
    assert_eq!(
        codes(&env.check(&forms_file("a.xlsx", vec![f]))),
        vec![C::FileWrongPeriod]
    );
    let f = form(
        "推进表",
        &["区发改局2022年12月重点工作推进情况表"],
        vec![good(3, "ZF-001")],
    );
    let out = env.check(&forms_file("a.xlsx", vec![f]));
    assert_eq!(codes(&out), vec![C::FileWrongPeriod]);
    assert!(out.issues[0].message.starts_with("本表为2022年12月的报表"));
    let f = form("推进表", &[], vec![good(3, "ZF-001")]);
    let out = env.check(&forms_file("区发改局-2月.xlsx", vec![f]));
    assert_eq!(codes(&out), vec![C::FileWrongPeriod]);
}

#[test]
fn dates_and_phones_are_not_read_as_periods() {
    let env = Env::new();
    let f = form(
        "推进表",
        &[
            "填报单位：区发改局　联系电话：13812345678",
            "填报日期：2023年2月28日",
        ],
        vec![good(3, "ZF-001")],
    );
    let out = env.check(&forms_file("区发改局_20230228.xlsx", vec![f]));
    assert!(out.issues.is_empty(), "{:#?}", out.issues);
    assert_eq!(out.period, Some(Period::month(2023, 3)));
    assert_eq!(out.fill_date, Some(d(2023, 2, 28)));
}

#[test]
fn quarter_title_matches_a_month_of_that_quarter() {
    let env = Env::new();
    let f = form(
        "推进表",
        &["区发改局2023年第一季度重点工作推进表"],
        vec![good(3, "ZF-001")],
    );
    assert!(env.check(&forms_file("a.xlsx", vec![f])).issues.is_empty());
    let f = form(
        "推进表",
        &["区发改局2023年第二季度重点工作推进表"],
        vec![good(3, "ZF-001")],
    );
    assert_eq!(
        codes(&env.check(&forms_file("a.xlsx", vec![f]))),
        vec![C::FileWrongPeriod]
    );
}

#[test]
fn missing_required_columns_reject_the_form() {
    let env = Env::new();
    let mut f = form("推进表", &["填报单位：区发改局"], vec![good(3, "ZF-001")]);
    f.columns
        .retain(|c| c.key != FormField::Percent && c.key != FormField::Progress);
    f.missing_required = vec![FormField::Percent, FormField::Progress];
    let out = env.check(&forms_file("a.xlsx", vec![f]));
    assert_eq!(out.state, FileState::Rejected);
    let v = of(&out, C::HeaderMissingColumn);
    assert_eq!(v.len(), 2);
    assert!(v.iter().all(|i| i.cell.is_none() && i.is_error()));
    assert_eq!(v[0].sheet.as_deref(), Some("推进表"));
    assert!(v.iter().any(|i| i.message.contains("“完成进度”")));
    assert!(v.iter().any(|i| i.message.contains("“进展情况”")));
    assert_eq!(out.issues.len(), 2, "no row issues on a rejected form");
    assert_eq!(out.rows[0].outcome, RowOutcome::Rejected);
    assert_eq!(out.rows[0].reasons.len(), 2);
}

#[test]
fn last_months_sheet_beside_this_months_is_set_aside() {
    let env = Env::new();
    // February's sheet first (its header is even broken), March's second.
    let mut feb = form(
        "2月",
        &["填报单位：区发改局　报送期次：2023年2月"],
        vec![good(3, "ZF-001"), good(4, "ZF-002")],
    );
    feb.missing_required = vec![FormField::Status];
    let mar = form("3月", &["填报单位：区发改局"], vec![good(3, "ZF-001")]);
    let out = env.check(&forms_file("a.xlsx", vec![feb, mar]));
    assert_eq!(out.state, FileState::Checked);
    assert_eq!(out.period, Some(Period::month(2023, 3)));
    assert_eq!(out.sheets, vec!["3月".to_string()]);
    // Only March's row is read: February's are neither merged nor counted.
    assert_eq!(out.rows.len(), 1);
    assert_eq!(out.rows[0].outcome, RowOutcome::Accepted);
    assert!(of(&out, C::HeaderMissingColumn).is_empty());
    assert!(of(&out, C::FileWrongPeriod).is_empty());
    let i = only(&out, C::FileExtraSheet);
    assert_eq!(i.severity, Severity::Warning);
    assert_eq!(i.sheet.as_deref(), Some("2月"));
    assert_eq!(i.unit.as_deref(), Some(FGW));
    assert_eq!(i.value.as_deref(), Some("2023年2月"));
    assert!(
        i.message.contains("2行") && i.message.contains("“3月”"),
        "{}",
        i.message
    );
}

#[test]
fn only_other_periods_reads_the_latest_and_rejects_it() {
    let env = Env::new();
    let jan = form("1月", &["填报单位：区发改局"], vec![good(3, "ZF-001")]);
    let feb = form("2月", &[], vec![good(3, "ZF-001")]);
    let out = env.check(&forms_file("a.xlsx", vec![jan, feb]));
    assert_eq!(out.sheets, vec!["2月".to_string()]);
    assert_eq!(out.state, FileState::Rejected);
    assert_eq!(
        only(&out, C::FileWrongPeriod).value.as_deref(),
        Some("2023年2月")
    );
    assert_eq!(only(&out, C::FileExtraSheet).sheet.as_deref(), Some("1月"));
}

#[test]
fn duplicate_column_warns_with_its_header_cell() {
    let env = Env::new();
    let mut f = form("推进表", &["填报单位：区发改局"], vec![good(3, "ZF-001")]);
    f.duplicate_columns = vec![MatchedColumn {
        key: FormField::Percent,
        col: 15,
        header: "进度".into(),
    }];
    let out = env.check(&forms_file("a.xlsx", vec![f]));
    let i = only(&out, C::HeaderDuplicateColumn);
    assert_eq!(i.severity, Severity::Warning);
    assert_eq!(i.cell.as_deref(), Some("P3"));
    assert_eq!(i.value.as_deref(), Some("进度"));
    assert_eq!(
        i.message,
        "“完成进度”列重复出现，已采用E列（完成进度）的内容，本列（P列）未读取；请删除重复的列"
    );
    assert_eq!(out.rows[0].outcome, RowOutcome::Accepted);
}

#[test]
fn empty_form_is_rejected() {
    let env = Env::new();
    let out = env.check(&fgw(vec![]));
    assert_eq!(out.state, FileState::Rejected);
    assert_eq!(codes(&out), vec![C::FileEmpty]);
    assert!(out.rows.is_empty());
    let out = env.check(&forms_file("x.xlsx", vec![]));
    assert_eq!(out.state, FileState::Rejected);
    assert!(codes(&out).contains(&C::FileEmpty));
}

#[test]
fn ignored_and_failed_files_pass_through() {
    let env = Env::new();
    let ign = Ingested::Ignored {
        file: src("~$a.xlsx"),
        issue: Issue::warning(C::FileIgnored, "锁定文件"),
    };
    let out = env.check(&ign);
    assert_eq!(out.state, FileState::Ignored);
    assert_eq!(codes(&out), vec![C::FileIgnored]);
    assert_eq!(out.issues[0].file.as_deref(), Some("~$a.xlsx"));
    let bad = Ingested::Failed {
        file: src("坏.xlsx"),
        issue: Issue::error(C::FileEncrypted, "有密码").file("坏.xlsx"),
    };
    let out = env.check(&bad);
    assert_eq!(out.state, FileState::Rejected);
    assert_eq!(codes(&out), vec![C::FileEncrypted]);
    assert!(out.rows.is_empty());
}

#[test]
fn id_problems() {
    let env = Env::new();
    let out = env.check(&fgw(vec![
        set(good(3, "ZF-001"), FormField::Id, CellValue::Empty),
        good(4, "ZF-999"),
        good(5, "ZF-004"),
        good(6, "ZF-002"),
        good(7, "ＺＦ－００２"),
    ]));
    let i = only(&out, C::RowMissingValue);
    assert_eq!((i.cell.as_deref(), i.task.as_deref()), (Some("A4"), None));
    assert!(i.message.starts_with("编号为空"));
    let i = only(&out, C::RowUnknownTask);
    assert_eq!(i.cell.as_deref(), Some("A5"));
    assert_eq!(i.value.as_deref(), Some("ZF-999"));
    assert_eq!(i.task.as_deref(), Some("ZF-999"));
    let i = only(&out, C::RowNotAssigned);
    assert_eq!(i.cell.as_deref(), Some("A6"));
    assert!(i.message.contains("牵头单位是区财政局"), "{}", i.message);
    assert!(i.message.contains("配合单位"), "{}", i.message);
    let i = only(&out, C::RowDuplicateTask);
    assert_eq!(i.cell.as_deref(), Some("A8"));
    assert_eq!(i.task.as_deref(), Some("ZF-002"));
    assert!(i.message.contains("第7行"), "{}", i.message);
    assert!(out.issues.iter().all(|i| i.is_error()));
    let outcomes: Vec<_> = out.rows.iter().map(|r| r.outcome).collect();
    use RowOutcome::*;
    assert_eq!(
        outcomes,
        vec![Rejected, Rejected, Rejected, Accepted, Rejected]
    );
    assert_eq!(out.rows[4].task.as_deref(), Some("ZF-002"));
    assert_eq!(out.rows[1].reasons.len(), 1);
}

#[test]
fn two_sheets_naming_no_period_read_the_first() {
    let env = Env::new();
    let a = form("一", &["填报单位：区发改局"], vec![good(3, "ZF-001")]);
    let b = form("二", &[], vec![good(3, "ZF-001"), good(4, "ZF-002")]);
    let out = env.check(&forms_file("a.xlsx", vec![a, b]));
    assert_eq!(out.sheets, vec!["一".to_string()]);
    assert_eq!(out.rows.len(), 1);
    assert!(of(&out, C::RowDuplicateTask).is_empty());
    let i = only(&out, C::FileExtraSheet);
    assert_eq!(i.sheet.as_deref(), Some("二"));
    assert!(i.message.contains("未写明期次"), "{}", i.message);
}

#[test]
fn status_problems() {
    let env = Env::new();
    let out = env.check(&fgw(vec![
        set(good(3, "ZF-001"), FormField::Status, t("  ")),
        set(good(4, "ZF-002"), FormField::Status, t("差不多了")),
        set(good(5, "ZF-003"), FormField::Status, t("推进中")),
    ]));
    let i = only(&out, C::RowMissingValue);
    assert_eq!(i.cell.as_deref(), Some("D4"));
    assert!(i.message.contains("当前状态为空"));
    let i = only(&out, C::RowInvalidStatus);
    assert_eq!(i.cell.as_deref(), Some("D5"));
    assert_eq!(i.value.as_deref(), Some("差不多了"));
    assert!(
        i.message.contains("未启动、正在办理、已落实、已完成"),
        "{}",
        i.message
    );
    assert_eq!(out.rows[2].outcome, RowOutcome::Accepted);
    assert_eq!(out.issues.len(), 2);
}

#[test]
fn percent_problems() {
    let env = Env::new();
    let out = env.check(&fgw(vec![
        set(good(3, "ZF-001"), FormField::Percent, CellValue::Empty),
        set(good(4, "ZF-002"), FormField::Percent, t("过半")),
        set(good(5, "ZF-003"), FormField::Percent, t("120%")),
    ]));
    let i = only(&out, C::RowMissingValue);
    assert_eq!(i.cell.as_deref(), Some("E4"));
    let i = only(&out, C::RowInvalidPercent);
    assert_eq!(i.cell.as_deref(), Some("E5"));
    assert_eq!(
        i.message,
        "完成进度“过半”无法识别，请填写0–100之间的数字（如60或60%）"
    );
    assert_eq!(i.value.as_deref(), Some("过半"));
    let i = only(&out, C::RowPercentOutOfRange);
    assert_eq!(i.cell.as_deref(), Some("E6"));
    assert!(i.message.contains("0–100"));
    assert!(out.rows.iter().all(|r| r.outcome == RowOutcome::Rejected));
    assert_eq!(out.issues.len(), 3);
}

#[test]
fn progress_text_is_required() {
    let env = Env::new();
    let out = env.check(&fgw(vec![set(
        good(3, "ZF-001"),
        FormField::Progress,
        t(" "),
    )]));
    let i = only(&out, C::RowMissingValue);
    assert_eq!(i.cell.as_deref(), Some("F4"));
    assert!(i.message.contains("进展情况为空"));
    assert_eq!(out.rows[0].outcome, RowOutcome::Rejected);
}

#[test]
fn status_conflicts_at_the_edges() {
    let env = Env::new();
    let r = |i: u32, id: &str, s: &str, p: CellValue| {
        set(
            set(good(i, id), FormField::Status, t(s)),
            FormField::Percent,
            p,
        )
    };
    let out = env.check(&fgw(vec![
        r(3, "ZF-001", "已完成", n(100.0)),
        r(4, "ZF-002", "已完成", n(99.5)),
    ]));
    let i = only(&out, C::RowStatusConflict);
    assert_eq!(i.severity, Severity::Error);
    assert_eq!(i.cell.as_deref(), Some("D5"));
    assert_eq!(i.task.as_deref(), Some("ZF-002"));
    assert!(
        i.message.starts_with("状态为已完成，但完成进度为99.5%"),
        "{}",
        i.message
    );
    assert_eq!(out.rows[0].outcome, RowOutcome::Accepted);
    assert_eq!(out.rows[1].outcome, RowOutcome::Rejected);
    assert_eq!(out.issues.len(), 1);

    let out = env.check(&fgw(vec![
        r(3, "ZF-001", "已落实", t("40%")),
        r(4, "ZF-002", "未启动", n(0.0)),
        r(5, "ZF-003", "未启动", n(5.0)),
    ]));
    let v = of(&out, C::RowStatusConflict);
    assert_eq!(v.len(), 2);
    assert!(v[0].message.starts_with("状态为已落实，但完成进度为40%"));
    assert_eq!(v[1].cell.as_deref(), Some("D6"));
    assert!(v[1].message.starts_with("状态为未启动，但完成进度为5%"));
    use RowOutcome::*;
    let outcomes: Vec<_> = out.rows.iter().map(|r| r.outcome).collect();
    assert_eq!(outcomes, vec![Rejected, Accepted, Rejected]);

    // 正在办理 at 100%: a warning, the row is kept.
    let out = env.check(&fgw(vec![r(
        3,
        "ZF-001",
        "正在办理",
        CellValue::Percent(1.0),
    )]));
    let i = only(&out, C::RowStatusConflict);
    assert_eq!(i.severity, Severity::Warning);
    assert!(i.message.contains("已完成"));
    assert_eq!(out.rows[0].outcome, RowOutcome::Accepted);
}

#[test]
fn invalid_dates() {
    let env = Env::new();
    let out = env.check(&fgw(vec![
        set(good(3, "ZF-001"), FormField::Expected, t("下月底")),
        set(good(4, "ZF-002"), FormField::FillDate, t("2023-02-30")),
        set(
            set(good(5, "ZF-003"), FormField::Expected, t("6月30日")),
            FormField::FillDate,
            n(45016.0),
        ),
    ]));
    let v = of(&out, C::RowInvalidDate);
    assert_eq!(v.len(), 2);
    assert_eq!(v[0].cell.as_deref(), Some("I4"));
    assert!(
        v[0].message.starts_with("预计完成日期“下月底”无法识别"),
        "{}",
        v[0].message
    );
    assert_eq!(v[1].cell.as_deref(), Some("N5"));
    assert!(v[1].message.starts_with("填报日期"));
    assert_eq!(out.rows[0].outcome, RowOutcome::Rejected);
    assert_eq!(out.rows[1].outcome, RowOutcome::Rejected);
    let rep = out.rows[2].report.as_ref().unwrap();
    assert_eq!(rep.expected, Some(d(2023, 6, 30)));
    assert_eq!(rep.fill_date, Some(d(2023, 3, 31)));
    assert_eq!(out.fill_date, Some(d(2023, 3, 31)));
}

#[test]
fn fill_date_from_footer_and_rows() {
    let env = Env::new();
    let mut f = form(
        "推进表",
        &["填报单位：区发改局"],
        vec![
            good(3, "ZF-001"),
            set(good(4, "ZF-002"), FormField::FillDate, t("2023年4月2日")),
        ],
    );
    f.footer = vec!["填报人：张三　联系电话：13812345678　填报日期：2023年3月30日".into()];
    let out = env.check(&forms_file("a.xlsx", vec![f]));
    assert!(out.issues.is_empty(), "{:#?}", out.issues);
    assert_eq!(
        out.rows[0].report.as_ref().unwrap().fill_date,
        Some(d(2023, 3, 30))
    );
    assert_eq!(
        out.rows[1].report.as_ref().unwrap().fill_date,
        Some(d(2023, 4, 2))
    );
    assert_eq!(out.fill_date, Some(d(2023, 4, 2)));
}

#[test]
fn assigned_fields_altered_warn_and_keep_the_row() {
    let env = Env::new();
    let out = env.check(&fgw(vec![
        set(good(3, "ZF-001"), FormField::Title, t("推进重点项目")),
        set(good(4, "ZF-002"), FormField::Deadline, t("2023年12月31日")),
        // Same title with full-width spaces, deadline as an Excel date: fine.
        set(
            set(good(5, "ZF-003"), FormField::Title, t(" 编制　产业规划 ")),
            FormField::Deadline,
            CellValue::Date(dt(2023, 6, 30, 0)),
        ),
    ]));
    let v = of(&out, C::RowAssignedAltered);
    assert_eq!(v.len(), 2, "{:#?}", out.issues);
    assert_eq!(v[0].cell.as_deref(), Some("B4"));
    assert!(v[0].message.contains("“推进重点项目”") && v[0].message.contains("“推进重点项目建设”"));
    assert_eq!(v[1].cell.as_deref(), Some("C5"));
    assert!(v[1].message.contains("2023年12月31日") && v[1].message.contains("2023-09-30"));
    assert!(v.iter().all(|i| i.severity == Severity::Warning));
    assert!(out.rows.iter().all(|r| r.outcome == RowOutcome::Accepted));
}

#[test]
fn progress_lowered_and_text_unchanged_against_history() {
    let env = Env::with_history();
    let out = env.check(&fgw(vec![set(
        set(good(3, "ZF-001"), FormField::Percent, n(40.0)),
        FormField::Progress,
        t("已完成 立项"),
    )]));
    let i = only(&out, C::RowProgressLowered);
    assert_eq!(i.cell.as_deref(), Some("E4"));
    assert_eq!(i.severity, Severity::Warning);
    assert!(
        i.message.contains("上期的70%") && i.message.contains("本期的40%"),
        "{}",
        i.message
    );
    let i = only(&out, C::RowTextUnchanged);
    assert_eq!(i.cell.as_deref(), Some("F4"));
    assert_eq!(out.rows[0].outcome, RowOutcome::Accepted);
    // Equal or higher progress and new text: nothing.
    let out = env.check(&fgw(vec![set(
        good(3, "ZF-001"),
        FormField::Percent,
        n(70.0),
    )]));
    assert!(out.issues.is_empty(), "{:#?}", out.issues);
}

#[test]
fn a_closed_task_is_not_compared_with_its_last_report() {
    let mut env = Env::with_history();
    env.ledger.set_closures([(
        crate::schema::TaskId::new("ZF-001"),
        crate::model::Closure {
            period: Period::month(2023, 2),
            by_hand: true,
        },
    )]);
    let out = env.check(&fgw(vec![set(
        set(good(3, "ZF-001"), FormField::Percent, n(40.0)),
        FormField::Progress,
        t("已完成 立项"),
    )]));
    assert!(
        of(&out, C::RowProgressLowered).is_empty(),
        "{:#?}",
        out.issues
    );
    assert!(
        of(&out, C::RowTextUnchanged).is_empty(),
        "{:#?}",
        out.issues
    );
    assert_eq!(out.rows[0].outcome, RowOutcome::Accepted);
}

fn zjj(rows: Vec<RawRow>) -> Ingested {
    forms_file(
        "区住建局.xlsx",
        vec![form("推进表", &["填报单位：区住建局"], rows)],
    )
}

#[test]
fn delay_reason_required_past_or_near_deadline() {
    let env = Env::new();
    let out = env.check(&zjj(vec![
        good(3, "ZF-007"),                                  // overdue (03-20)
        good(4, "ZF-006"),                                  // 5 days left
        good(5, "ZF-008"),                                  // 交办 03-20 + 5 working days = 03-27
        set(good(6, "ZF-007"), FormField::Id, t("ZF-007")), // duplicate, ignore
    ]));
    let v = of(&out, C::RowDelayReasonMissing);
    assert_eq!(v.len(), 3, "{:#?}", out.issues);
    assert_eq!(v[0].cell.as_deref(), Some("J4"));
    assert!(
        v[0].message.contains("已超过完成时限（2023-03-20）"),
        "{}",
        v[0].message
    );
    assert_eq!(v[1].cell.as_deref(), Some("J5"));
    assert!(v[1].message.contains("仅剩5天"), "{}", v[1].message);
    assert_eq!(v[2].task.as_deref(), Some("ZF-008"));
    assert!(v[2].message.contains("2023-03-27"), "{}", v[2].message);
    assert!(v.iter().all(|i| i.severity == Severity::Warning));

    let out = env.check(&zjj(vec![
        set(
            good(3, "ZF-007"),
            FormField::DelayReason,
            t("拆迁未完成，预计5月交付"),
        ),
        set(good(4, "ZF-006"), FormField::Expected, t("2023-04-03")),
        set(
            set(good(5, "ZF-008"), FormField::Status, t("已完成")),
            FormField::Percent,
            n(100.0),
        ),
    ]));
    assert!(out.issues.is_empty(), "{:#?}", out.issues);

    // Without a 延期说明 column the warning is still raised (no cell).
    let mut f = form("推进表", &["填报单位：区住建局"], vec![good(3, "ZF-007")]);
    f.columns.retain(|c| c.key != FormField::DelayReason);
    let out = env.check(&forms_file("a.xlsx", vec![f]));
    let i = only(&out, C::RowDelayReasonMissing);
    assert_eq!(i.cell, None);
    assert!(i.message.contains("请增加该列"));
}

#[test]
fn merged_fill_warns_once_per_area() {
    let env = Env::new();
    let merged = |mut r: RawRow, origin: Option<(u32, u32)>| {
        r.cells.insert(
            FormField::Problems,
            crate::ingest::RawCell {
                col: col(FormField::Problems),
                value: t("资金不足"),
                merged_from: origin,
            },
        );
        r
    };
    let g = col(FormField::Problems);
    let out = env.check(&fgw(vec![
        merged(good(3, "ZF-001"), None),
        merged(good(4, "ZF-002"), Some((3, g))),
        merged(good(5, "ZF-003"), Some((3, g))),
    ]));
    let i = only(&out, C::RowMergedFill);
    assert_eq!(i.cell.as_deref(), Some("G4"));
    assert_eq!(i.severity, Severity::Warning);
    assert!(i.message.contains("“存在问题”列第4–6行"), "{}", i.message);
    assert!(out.rows.iter().all(|r| r.outcome == RowOutcome::Accepted));
    assert!(out
        .rows
        .iter()
        .all(|r| r.report.as_ref().unwrap().problems == "资金不足"));
}

#[test]
fn row_errors_collect_all_reasons() {
    let env = Env::new();
    let out = env.check(&fgw(vec![set(
        set(good(3, "ZF-001"), FormField::Status, t("??")),
        FormField::Percent,
        t("很多"),
    )]));
    assert_eq!(out.rows[0].reasons.len(), 2);
    assert!(out.rows[0]
        .original
        .iter()
        .any(|(h, v)| h == "当前状态" && v == "??"));
    let unit_task: Vec<_> = out
        .issues
        .iter()
        .map(|i| {
            (
                i.unit.as_deref(),
                i.task.as_deref(),
                i.file.as_deref(),
                i.sheet.as_deref(),
            )
        })
        .collect();
    assert!(unit_task.iter().all(|x| *x
        == (
            Some(FGW),
            Some("ZF-001"),
            Some("区发改局.xlsx"),
            Some("推进表")
        )));
}

#[test]
fn odd_input_never_panics() {
    let env = Env::new();
    let mut f = form("", &["", "单位：", "报送期次：", "填报日期："], vec![]);
    f.rows = vec![
        RawRow::default(),
        row(
            u32::MAX,
            &[
                (FormField::Id, CellValue::Error("#N/A".into())),
                (FormField::Percent, n(f64::NAN)),
            ],
        ),
        row(
            1,
            &[
                (FormField::Id, n(1.0)),
                (FormField::Status, CellValue::Bool(true)),
                (FormField::Expected, n(-5.0)),
            ],
        ),
    ];
    // A required column reported missing that the form also has, and a
    // duplicate of a column the form lacks.
    f.missing_required = vec![FormField::Id];
    f.duplicate_columns = vec![MatchedColumn {
        key: FormField::Remark,
        col: 16383,
        header: String::new(),
    }];
    let out = env.check(&forms_file("", vec![f.clone(), f]));
    // One of the two sheets is read (the other is set aside).
    assert_eq!(out.rows.len(), 3);
}

mod props {
    use super::*;
    use crate::ingest::RawCell;
    use proptest::prelude::*;

    const CHARS: &[char] = &[
        '0', '1', '3', '9', '2', '-', '.', '/', '%', '％', '年', '月', '日', '季', '度', '第',
        '周', '一', '三', '十', '区', '发', '改', '局', '财', '政', '：', ':', '　', ' ', 'Q', 'W',
        'Z', 'F', '已', '完', '成', '未', '启', '动', '填', '报', '单', '位', '期', '次', '(', ')',
    ];

    fn text() -> impl Strategy<Value = String> {
        proptest::collection::vec(proptest::sample::select(CHARS), 0..14)
            .prop_map(|v| v.into_iter().collect())
    }

    fn value() -> impl Strategy<Value = CellValue> {
        prop_oneof![
            Just(CellValue::Empty),
            text().prop_map(CellValue::Text),
            any::<f64>().prop_map(CellValue::Number),
            (-2.0f64..3.0).prop_map(CellValue::Percent),
            (0.0f64..150.0).prop_map(CellValue::Number),
            proptest::sample::select(vec![
                "ZF-001",
                "ZF-002",
                "ZF-004",
                "ZF-007",
                "已完成",
                "正在办理",
                "未启动"
            ])
            .prop_map(|s| CellValue::Text(s.into())),
        ]
    }

    fn raw_row() -> impl Strategy<Value = RawRow> {
        (
            0u32..40,
            proptest::collection::vec(
                (
                    0usize..KEYS.len(),
                    value(),
                    proptest::option::of((0u32..40, 0u32..20)),
                ),
                0..10,
            ),
        )
            .prop_map(|(r, cells)| {
                let mut row = RawRow {
                    row: r,
                    ..RawRow::default()
                };
                for (k, v, m) in cells {
                    row.cells.insert(
                        KEYS[k],
                        RawCell {
                            col: k as u32,
                            value: v,
                            merged_from: m,
                        },
                    );
                }
                row
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        #[test]
        fn any_form_is_checked_without_panic(
            preamble in proptest::collection::vec(text(), 0..3),
            footer in proptest::collection::vec(text(), 0..2),
            rows in proptest::collection::vec(raw_row(), 0..8),
            name in text(),
            history in any::<bool>(),
        ) {
            let env = if history { Env::with_history() } else { Env::new() };
            let mut f = form("S", &[], rows.clone());
            f.preamble = preamble;
            f.footer = footer;
            let out = env.check(&forms_file(&format!("{name}.xlsx"), vec![f]));
            prop_assert_eq!(out.rows.len(), rows.len());
            for r in &out.rows {
                prop_assert_eq!(r.outcome == RowOutcome::Accepted, r.report.is_some());
                prop_assert_eq!(r.outcome == RowOutcome::Rejected, !r.reasons.is_empty());
                if let Some(rep) = &r.report {
                    prop_assert!((0.0..=100.0).contains(&rep.percent));
                    prop_assert_eq!(Some(rep.unit.as_str()), out.unit.as_deref());
                }
            }
            // Errors on a checked file always reject something.
            if out.state == FileState::Rejected {
                prop_assert!(out.rows.iter().all(|r| r.outcome == RowOutcome::Rejected));
            }
            let rel = format!("{name}.xlsx");
            for i in &out.issues {
                prop_assert!(!i.message.is_empty());
                prop_assert_eq!(i.file.as_deref(), Some(rel.as_str()));
            }
        }
    }
}
