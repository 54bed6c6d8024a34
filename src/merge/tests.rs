use super::*;
use crate::ingest::Ingested;
use crate::model::{IssueCode as C, Severity};
use crate::validate::testkit::*;
use crate::validate::CheckedRow;

fn mctx(ledger: &Ledger) -> MergeCtx<'_> {
    let period = Period::month(2023, 3);
    MergeCtx {
        ledger,
        period,
        expected: expected(ledger, period),
        report_deadline: d(2023, 4, 3),
        late_by_file_time: false,
        round: 1,
        earlier_rounds: NO_EARLIER_ROUNDS,
    }
}

/// A checked 发改 file named by its 填报单位 line.
fn fgw_file(env: &Env, rel: &str, rows: Vec<crate::ingest::RawRow>) -> CheckedFile {
    env.check(&forms_file(
        rel,
        vec![form("推进表", &["填报单位：区发改局"], rows)],
    ))
}

fn all_fgw_rows() -> Vec<crate::ingest::RawRow> {
    vec![good(3, "ZF-001"), good(4, "ZF-002"), good(5, "ZF-003")]
}

fn with_dates(
    mut f: CheckedFile,
    fill: Option<NaiveDate>,
    modified: Option<chrono::NaiveDateTime>,
) -> CheckedFile {
    f.fill_date = fill;
    f.file.modified = modified;
    f
}

fn rec<'a>(m: &'a Merged, rel: &str) -> &'a FileRecord {
    m.files.iter().find(|f| f.file.rel == rel).unwrap()
}

fn codes_of(m: &Merged, code: C) -> Vec<&Issue> {
    m.issues.iter().filter(|i| i.code == code).collect()
}

fn assert_conserved(m: &Merged) {
    let t = m.totals;
    assert_eq!(t.rows_read, t.accepted + t.rejected + t.superseded, "{t:?}");
    let sum = |g: fn(&FileRecord) -> u32| m.files.iter().map(g).sum::<u32>();
    assert_eq!(t.rows_read, sum(|f| f.rows_read));
    assert_eq!(t.accepted, sum(|f| f.accepted));
    assert_eq!(t.rejected, sum(|f| f.rejected));
    assert_eq!(t.superseded, sum(|f| f.superseded));
    for f in &m.files {
        assert_eq!(
            f.rows_read,
            f.accepted + f.rejected + f.superseded,
            "{}",
            f.file.rel
        );
    }
    assert_eq!(t.accepted as usize, m.reports.len());
    assert_eq!(t.rejected as usize, m.rejected.len());
    assert_eq!(t.files as usize, m.files.len());
}

/// A collection export: 发改 (ZF-001, ZF-002) answered on 03-30, 财政
/// (ZF-004) on 03-29; with a 发改 file of `fgw_date` beside it.
fn export_and_fgw_file(fgw_date: NaiveDate) -> Merged {
    let env = Env::new();
    let export = env.check(&forms_file(
        "收集结果.xlsx",
        vec![export_form(vec![
            export_row(1, FGW, "ZF-001", "2023-03-30 10:00"),
            export_row(2, CZJ, "ZF-004", "2023-03-29 10:00"),
            export_row(3, FGW, "ZF-002", "2023-03-30 10:05"),
        ])],
    ));
    let file = with_dates(
        fgw_file(&env, "区发改局-3月.xlsx", all_fgw_rows()),
        Some(fgw_date),
        Some(dt(2023, 3, 30, 9)),
    );
    merge(vec![file, export], &mctx(&env.ledger))
}

#[test]
fn an_exports_units_are_submissions_of_their_own() {
    // The file is newer for 发改: the export's 发改 rows are superseded,
    // its 财政 row stands; the export is listed once, with both units.
    let m = export_and_fgw_file(d(2023, 4, 1));
    assert_conserved(&m);
    assert_eq!(m.files.len(), 2);
    let e = rec(&m, "收集结果.xlsx");
    assert_eq!(e.outcome, FileOutcome::Accepted);
    assert_eq!(e.unit, None);
    assert_eq!(e.units, [FGW, CZJ]);
    assert_eq!((e.rows_read, e.accepted, e.superseded), (3, 1, 2));
    assert!(e.export && e.superseded_by.is_none());
    let s = codes_of(&m, C::FileSuperseded);
    assert_eq!(s.len(), 1);
    assert_eq!(s[0].file.as_deref(), Some("收集结果.xlsx"));
    assert_eq!(s[0].unit.as_deref(), Some(FGW));
    assert!(
        s[0].message.contains("本收集表中区发展和改革局的2行"),
        "{}",
        s[0].message
    );
    let fgw = &m.submissions[FGW];
    assert_eq!(fgw.files, ["区发改局-3月.xlsx"]);
    assert_eq!(fgw.superseded_files, ["收集结果.xlsx"]);
    assert_eq!(m.submissions[CZJ].files, ["收集结果.xlsx"]);
    assert_eq!(m.reports["ZF-001"].provenance.file, "区发改局-3月.xlsx");

    // The export is newer: the file is superseded by it, the export wins whole.
    let m = export_and_fgw_file(d(2023, 3, 28));
    assert_conserved(&m);
    assert_eq!(
        rec(&m, "区发改局-3月.xlsx").outcome,
        FileOutcome::Superseded
    );
    assert_eq!(
        rec(&m, "区发改局-3月.xlsx").superseded_by.as_deref(),
        Some("收集结果.xlsx")
    );
    let e = rec(&m, "收集结果.xlsx");
    assert_eq!((e.accepted, e.superseded), (3, 0));
    assert_eq!(m.reports["ZF-001"].provenance.file, "收集结果.xlsx");
    assert_eq!(m.submissions[FGW].files, ["收集结果.xlsx"]);
    // ZF-003 was only in the superseded file: 发改 left it out.
    assert_eq!(m.submissions[FGW].missing, ["ZF-003"]);
}

#[test]
fn an_export_downloaded_late_makes_no_unit_late() {
    // No 提交时间 or 填报日期, downloaded (file time) after the deadline.
    let env = Env::new();
    let mut form = export_form(vec![export_row(1, CZJ, "ZF-004", "")]);
    form.rows[0].cells.remove(FormField::FillDate);
    let mut f = env.check(&forms_file("收集结果.xlsx", vec![form]));
    f.file.modified = Some(dt(2023, 4, 20, 9));
    let m = merge(vec![f], &mctx(&env.ledger));
    assert!(codes_of(&m, C::FileLate).is_empty());
    assert!(!m.submissions[CZJ].late && m.submissions[CZJ].reported);
}

#[test]
fn a_unit_hears_of_its_rejected_form_and_its_unreadable_files_not_of_its_scans() {
    let env = Env::new();
    let failed = |rel: &str, code: C| Ingested::Failed {
        file: src(rel),
        issue: Issue::error(code, "x").file(rel),
    };
    let ignored = |rel: &str| Ingested::Ignored {
        file: src(rel),
        issue: Issue::warning(C::FileIgnored, "x").file(rel),
    };
    // 发改: a form sent back whole (unknown task), a damaged copy, a scan.
    let bad = fgw_file(&env, "区发改局-3月.xlsx", vec![good(3, "ZF-099")]);
    let m = merge(
        vec![
            bad,
            env.check(&failed("区发改局(2).xlsx", C::FileUnreadable)),
            env.check(&ignored("区发改局-扫描件.pdf")),
            // 财政: only a PDF.
            env.check(&ignored("区财政局.pdf")),
        ],
        &mctx(&env.ledger),
    );
    assert_conserved(&m);
    let nr = |u: &str| {
        m.issues
            .iter()
            .find(|i| i.code == C::UnitNotReported && i.unit.as_deref() == Some(u))
            .map(|i| i.message.clone())
            .unwrap()
    };
    let fgw = nr(FGW);
    assert!(
        fgw.contains("已收到的报表（区发改局-3月.xlsx）被退回"),
        "{fgw}"
    );
    assert!(fgw.contains("《区发改局(2).xlsx》，但文件已损坏"), "{fgw}");
    assert!(!fgw.contains("扫描件"), "{fgw}");
    let told: Vec<&str> = m.submissions[FGW]
        .unreadable_to_tell()
        .map(|f| f.name.as_str())
        .collect();
    assert_eq!(told, ["区发改局(2).xlsx"]);
    assert_eq!(m.submissions[FGW].forms_sent_back(), ["区发改局-3月.xlsx"]);
    let czj = nr(CZJ);
    assert!(czj.contains("《区财政局.pdf》，但不是 Excel 表格"), "{czj}");
    assert!(!czj.contains("请督促尽快报送"), "{czj}");
    // A PDF costs no quality: only the errors of the forms count.
    assert_eq!(m.submissions[CZJ].warnings, 0);
}

/// A mixed batch: superseded file with a rejected row, unknown-unit file,
/// ignored and unreadable files, and a clean 财政 file.
fn batch(env: &Env) -> Vec<CheckedFile> {
    let old = with_dates(
        fgw_file(
            env,
            "发改/旧.xlsx",
            vec![
                good(3, "ZF-001"),
                good(4, "ZF-002"),
                set(good(5, "ZF-003"), FormField::Percent, t("过半")),
            ],
        ),
        Some(d(2023, 3, 30)),
        Some(dt(2023, 4, 1, 9)),
    );
    let new = with_dates(
        fgw_file(
            env,
            "发改/新.xlsx",
            vec![good(3, "ZF-001"), good(4, "ZF-002")],
        ),
        Some(d(2023, 3, 31)),
        Some(dt(2023, 3, 31, 9)),
    );
    let unknown = env.check(&forms_file(
        "不明.xlsx",
        vec![form(
            "Sheet1",
            &[],
            vec![good(3, "ZF-001"), good(4, "ZF-004")],
        )],
    ));
    let ignored = env.check(&Ingested::Ignored {
        file: src("~$锁.xlsx"),
        issue: Issue::warning(C::FileIgnored, "锁定文件，未读取"),
    });
    let failed = env.check(&Ingested::Failed {
        file: src("坏.xls"),
        issue: Issue::error(C::FileUnreadable, "文件已损坏"),
    });
    let czj = env.check(&forms_file(
        "区财政局.xlsx",
        vec![form(
            "推进表",
            &["填报单位：区财政局"],
            vec![good(3, "ZF-004")],
        )],
    ));
    vec![old, new, unknown, ignored, failed, czj]
}

#[test]
fn rows_are_conserved_across_every_outcome() {
    let env = Env::new();
    let l = ledger();
    let m = merge(batch(&env), &mctx(&l));
    assert_conserved(&m);
    assert_eq!(
        m.totals,
        Totals {
            files: 6,
            rows_read: 8,
            accepted: 3,
            rejected: 2,
            superseded: 3,
            ledger_held: 0,
        }
    );
    let rels: Vec<_> = m.files.iter().map(|f| f.file.rel.as_str()).collect();
    assert_eq!(
        rels,
        vec![
            "~$锁.xlsx",
            "不明.xlsx",
            "区财政局.xlsx",
            "发改/新.xlsx",
            "发改/旧.xlsx",
            "坏.xls"
        ]
    );
    use FileOutcome::*;
    let outcomes: Vec<_> = m.files.iter().map(|f| f.outcome).collect();
    assert_eq!(
        outcomes,
        vec![Ignored, Rejected, Accepted, Accepted, Superseded, Rejected]
    );
    let old = rec(&m, "发改/旧.xlsx");
    assert_eq!(
        (old.rows_read, old.accepted, old.rejected, old.superseded),
        (3, 0, 0, 3)
    );
    assert_eq!(old.superseded_by.as_deref(), Some("发改/新.xlsx"));
    // The rejected row of the superseded file is not sent back.
    assert!(m.rejected.iter().all(|r| r.file == "不明.xlsx"));
    assert_eq!(m.rejected[1].task.as_deref(), Some("ZF-004"));
    assert!(!m.rejected[0].original.is_empty());
    // The row as the unit wrote it, for 退回明细.
    let original: Vec<(&str, &str)> = m.rejected[0]
        .original
        .iter()
        .map(|(h, v)| (h.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        original[..2],
        [("编号", "ZF-001"), ("事项名称", "推进重点项目建设")]
    );
    assert!(original.contains(&("完成进度", "60")), "{original:?}");
    assert!(m.rejected[0].reasons[0].contains("无法确定本表的填报单位"));
    assert_eq!(
        rec(&m, "不明.xlsx").error.as_deref(),
        Some(m.rejected[0].reasons[0].as_str())
    );
    assert_eq!(rec(&m, "坏.xls").error.as_deref(), Some("文件已损坏"));
    // Reports come from the newer file.
    assert_eq!(m.reports["ZF-001"].provenance.file, "发改/新.xlsx");
    assert_eq!(m.reports["ZF-004"].provenance.file, "区财政局.xlsx");
    assert!(!m.reports.contains_key("ZF-003"));
}

#[test]
fn older_submission_is_superseded_by_fill_date() {
    let env = Env::new();
    let l = ledger();
    // "a" sorts first but has the later 填报日期 and the older file time.
    let a = with_dates(
        fgw_file(&env, "a.xlsx", all_fgw_rows()),
        Some(d(2023, 3, 31)),
        Some(dt(2023, 3, 1, 8)),
    );
    let b = with_dates(
        fgw_file(&env, "b.xlsx", all_fgw_rows()),
        Some(d(2023, 3, 29)),
        Some(dt(2023, 3, 31, 8)),
    );
    let m = merge(vec![b, a], &mctx(&l));
    assert_eq!(rec(&m, "a.xlsx").outcome, FileOutcome::Accepted);
    assert_eq!(rec(&m, "b.xlsx").outcome, FileOutcome::Superseded);
    assert_eq!(rec(&m, "b.xlsx").superseded_by.as_deref(), Some("a.xlsx"));
    let v = codes_of(&m, C::FileSuperseded);
    assert_eq!(v.len(), 1);
    assert_eq!(v[0].file.as_deref(), Some("b.xlsx"));
    assert_eq!(v[0].unit.as_deref(), Some(FGW));
    assert_eq!(v[0].severity, Severity::Warning);
    assert_eq!(v[0].cell, None);
    assert!(v[0].message.contains("“a.xlsx”"), "{}", v[0].message);
    assert!(v[0].message.contains("2023-03-31"), "{}", v[0].message);
    let s = &m.submissions[FGW];
    assert_eq!(s.files, vec!["a.xlsx".to_string()]);
    assert_eq!(s.superseded_files, vec!["b.xlsx".to_string()]);
    assert_eq!((s.rows_accepted, s.rows_rejected), (3, 0));
    assert_conserved(&m);
}

#[test]
fn then_by_file_time_then_by_path() {
    let env = Env::new();
    let l = ledger();
    let a = with_dates(
        fgw_file(&env, "a.xlsx", all_fgw_rows()),
        None,
        Some(dt(2023, 3, 31, 18)),
    );
    let b = with_dates(
        fgw_file(&env, "b.xlsx", all_fgw_rows()),
        None,
        Some(dt(2023, 3, 31, 9)),
    );
    let m = merge(vec![a.clone(), b.clone()], &mctx(&l));
    assert_eq!(rec(&m, "a.xlsx").outcome, FileOutcome::Accepted);
    assert_eq!(rec(&m, "b.xlsx").superseded_by.as_deref(), Some("a.xlsx"));
    // Same 填报日期 and file time: the later path wins, deterministically.
    let a = with_dates(a, Some(d(2023, 3, 30)), Some(dt(2023, 3, 31, 9)));
    let b = with_dates(b, Some(d(2023, 3, 30)), Some(dt(2023, 3, 31, 9)));
    let m = merge(vec![b, a], &mctx(&l));
    assert_eq!(rec(&m, "b.xlsx").outcome, FileOutcome::Accepted);
    assert_eq!(rec(&m, "a.xlsx").outcome, FileOutcome::Superseded);
}

#[test]
fn a_file_without_fill_date_is_dated_by_its_file_time() {
    let env = Env::new();
    let l = ledger();
    let dated = with_dates(
        fgw_file(&env, "b.xlsx", all_fgw_rows()),
        Some(d(2023, 3, 28)),
        Some(dt(2023, 3, 28, 9)),
    );
    let undated = with_dates(
        fgw_file(&env, "a.xlsx", all_fgw_rows()),
        None,
        Some(dt(2023, 3, 31, 9)),
    );
    let m = merge(vec![dated, undated], &mctx(&l));
    assert_eq!(rec(&m, "a.xlsx").outcome, FileOutcome::Accepted);
    assert_eq!(rec(&m, "b.xlsx").superseded_by.as_deref(), Some("a.xlsx"));
    let i = codes_of(&m, C::FileSuperseded)[0];
    assert!(
        i.message.contains("其日期2023-03-31晚于本表的2023-03-28"),
        "{}",
        i.message
    );
}

#[test]
fn a_rejected_newer_file_does_not_supersede() {
    let env = Env::new();
    let l = ledger();
    let good_old = with_dates(
        fgw_file(&env, "a.xlsx", all_fgw_rows()),
        Some(d(2023, 3, 28)),
        None,
    );
    let bad_new = with_dates(
        fgw_file(
            &env,
            "b.xlsx",
            vec![set(good(3, "ZF-001"), FormField::Status, t("?"))],
        ),
        Some(d(2023, 3, 31)),
        None,
    );
    let m = merge(vec![good_old, bad_new], &mctx(&l));
    assert_eq!(rec(&m, "a.xlsx").outcome, FileOutcome::Accepted);
    assert_eq!(rec(&m, "b.xlsx").outcome, FileOutcome::Rejected);
    assert!(codes_of(&m, C::FileSuperseded).is_empty());
    assert_eq!(
        m.submissions[FGW].rejected_files,
        vec!["b.xlsx".to_string()]
    );
    assert_conserved(&m);
}

/// A file of the unit for 区财政局 (ZF-004).
fn czj_file(env: &Env, rel: &str, rows: Vec<crate::ingest::RawRow>) -> CheckedFile {
    env.check(&forms_file(
        rel,
        vec![form("推进表", &["填报单位：区财政局"], rows)],
    ))
}

fn with_sha(mut f: CheckedFile, sha: &str) -> CheckedFile {
    f.file.sha256 = sha.to_string();
    f
}

/// 补报: in round 2 a unit's new form supersedes what round 1 received of
/// it (sent back, or accepted with a later 填报日期); a unit that sent
/// nothing new keeps its round-1 form; round 1 itself is unchanged.
#[test]
fn a_new_rounds_form_supersedes_the_units_earlier_round_forms() {
    let env = Env::new();
    let l = ledger();
    let bad = |rel: &str| {
        let row = set(good(3, "ZF-001"), FormField::Status, t("?"));
        with_sha(fgw_file(&env, rel, vec![row]), &format!("sha-{rel}"))
    };
    // Round 1: 发改's form sent back; 财政's accepted.
    let fgw_old = with_dates(bad("发改-3月.xlsx"), Some(d(2023, 3, 31)), None);
    let czj_old = with_sha(
        czj_file(&env, "财政-3月.xlsx", vec![good(3, "ZF-004")]),
        "sha-czj",
    );
    // Round 2: 发改's corrected form, dated before the old one.
    let fgw_new = with_dates(
        with_sha(
            fgw_file(&env, "发改-3月(改).xlsx", all_fgw_rows()),
            "sha-new",
        ),
        Some(d(2023, 3, 30)),
        None,
    );
    let files = vec![fgw_old.clone(), czj_old.clone(), fgw_new.clone()];
    let m = merge(files.clone(), &mctx(&l));
    assert_eq!(
        rec(&m, "发改-3月.xlsx").outcome,
        FileOutcome::Rejected,
        "round 1"
    );

    let earlier: EarlierRounds = [("sha-发改-3月.xlsx", 1), ("sha-czj", 1)]
        .map(|(k, r)| (k.to_string(), r))
        .into();
    let ctx = MergeCtx {
        round: 2,
        earlier_rounds: &earlier,
        ..mctx(&l)
    };
    let m = merge(files, &ctx);
    let old = rec(&m, "发改-3月.xlsx");
    assert_eq!(old.outcome, FileOutcome::Superseded);
    assert_eq!(old.superseded_by.as_deref(), Some("发改-3月(改).xlsx"));
    assert_eq!((old.rejected, old.superseded), (0, 1));
    assert_eq!(rec(&m, "财政-3月.xlsx").outcome, FileOutcome::Accepted);
    let s = &m.submissions[FGW];
    assert_eq!((s.errors, s.rows_rejected), (0, 0), "{s:?}");
    assert!(s.rejected_files.is_empty() && s.reported);
    assert!(m.rejected.is_empty());
    let v = codes_of(&m, C::FileSuperseded);
    assert_eq!(v.len(), 1);
    assert!(v[0].message.contains("第2轮补报"), "{}", v[0].message);
    assert_conserved(&m);

    // An accepted round-1 form with a later 填报日期 than the new one.
    let fgw_r1 = with_dates(
        with_sha(
            fgw_file(&env, "发改-3月.xlsx", all_fgw_rows()),
            "sha-发改-3月.xlsx",
        ),
        Some(d(2023, 3, 31)),
        None,
    );
    let m = merge(vec![fgw_r1.clone(), fgw_new.clone()], &ctx);
    assert_eq!(rec(&m, "发改-3月.xlsx").outcome, FileOutcome::Superseded);
    assert_eq!(rec(&m, "发改-3月(改).xlsx").outcome, FileOutcome::Accepted);
    // A new form that is itself sent back replaces a sent-back one, not an
    // accepted one.
    let still_bad = with_sha(bad("发改-3月(再改).xlsx"), "sha-again");
    let m = merge(vec![fgw_r1, still_bad.clone()], &ctx);
    assert_eq!(rec(&m, "发改-3月.xlsx").outcome, FileOutcome::Accepted);
    assert_eq!(
        rec(&m, "发改-3月(再改).xlsx").outcome,
        FileOutcome::Rejected
    );
    let m = merge(vec![fgw_old, still_bad], &ctx);
    assert_eq!(rec(&m, "发改-3月.xlsx").outcome, FileOutcome::Superseded);
    assert_eq!(m.submissions[FGW].rejected_files, ["发改-3月(再改).xlsx"]);
    assert_conserved(&m);
}

#[test]
fn input_order_does_not_matter() {
    let env = Env::new();
    let l = ledger();
    let files = batch(&env);
    let base = serde_json::to_string(&merge(files.clone(), &mctx(&l))).unwrap();
    let n = files.len();
    for k in 1..n {
        let mut v = files.clone();
        v.rotate_left(k);
        if k % 2 == 0 {
            v.reverse();
        }
        let got = serde_json::to_string(&merge(v, &mctx(&l))).unwrap();
        assert_eq!(got, base, "rotation {k}");
    }
}

/// Issue 15 §10: lateness from the form's 填报日期, not the file's time.
#[test]
fn late_files_by_fill_date_not_file_time() {
    let env = Env::new();
    let l = ledger();
    let late = with_dates(
        fgw_file(&env, "发改.xlsx", all_fgw_rows()),
        Some(d(2023, 4, 5)),
        None,
    );
    let by_mtime = env.check(&forms_file(
        "财政.xlsx",
        vec![form(
            "推进表",
            &["填报单位：区财政局"],
            vec![good(3, "ZF-004")],
        )],
    ));
    let by_mtime = with_dates(by_mtime, None, Some(dt(2023, 4, 4, 8)));
    let on_time = env.check(&forms_file(
        "统计.xlsx",
        vec![form(
            "推进表",
            &["填报单位：区统计局"],
            vec![good(3, "ZF-009")],
        )],
    ));
    let on_time = with_dates(on_time, Some(d(2023, 4, 3)), Some(dt(2023, 4, 9, 8)));
    let files = vec![late, by_mtime, on_time];

    // Default: the undated form saved after the deadline is on time, with a
    // warning asking for the date.
    let m = merge(files.clone(), &mctx(&l));
    assert!(rec(&m, "发改.xlsx").late);
    assert!(!rec(&m, "财政.xlsx").late);
    assert!(!rec(&m, "统计.xlsx").late);
    let v = codes_of(&m, C::FileLate);
    assert_eq!(v.len(), 1);
    assert_eq!(v[0].file.as_deref(), Some("发改.xlsx"));
    assert!(
        v[0].message.contains("填报日期为2023-04-05"),
        "{}",
        v[0].message
    );
    assert!(v[0].message.contains("2023-04-03"));
    let undated = codes_of(&m, C::FileNoFillDate);
    assert_eq!(undated.len(), 1);
    assert_eq!(undated[0].file.as_deref(), Some("财政.xlsx"));
    assert_eq!(undated[0].unit.as_deref(), Some(CZJ));
    assert_eq!(undated[0].severity, Severity::Warning);
    assert!(undated[0].message.contains("没有填写填报日期"));
    assert!(m.submissions[FGW].late);
    assert!(!m.submissions[CZJ].late && m.submissions[CZJ].reported);
    // The warning counts against the form's quality like any other.
    assert_eq!(m.submissions[CZJ].warnings, 1);
    assert!(!m.submissions[TJJ].late && m.submissions[TJJ].reported);

    // late_by_file_time = true: the old rule, the file time stands in.
    let ctx = MergeCtx {
        late_by_file_time: true,
        ..mctx(&l)
    };
    let m = merge(files, &ctx);
    assert!(rec(&m, "财政.xlsx").late);
    let v = codes_of(&m, C::FileLate);
    assert_eq!(v.len(), 2);
    assert!(
        v[1].message.contains("文件修改日期为2023-04-04"),
        "{}",
        v[1].message
    );
    assert!(codes_of(&m, C::FileNoFillDate).is_empty());
}

/// The date may be on a `填报日期：…` line under the table (the form's
/// signature block), not only in a column.
#[test]
fn a_fill_date_in_the_footer_counts() {
    let env = Env::new();
    let l = ledger();
    let mut f = form("推进表", &["填报单位：区统计局"], vec![good(3, "ZF-009")]);
    // The standard rows carry a 填报日期 column: blank it.
    for r in &mut f.rows {
        *r = set(r.clone(), FormField::FillDate, t(""));
    }
    f.footer = vec!["填报人：李四　联系电话：12345678　填报日期：2023年4月6日".into()];
    let checked = env.check(&forms_file("统计.xlsx", vec![f]));
    assert_eq!(checked.fill_date, Some(d(2023, 4, 6)));
    let checked = with_dates(checked.clone(), checked.fill_date, Some(dt(2023, 4, 1, 8)));
    let m = merge(vec![checked], &mctx(&l));
    assert!(rec(&m, "统计.xlsx").late);
    assert!(codes_of(&m, C::FileNoFillDate).is_empty());
}

#[test]
fn missing_tasks_and_units() {
    let env = Env::new();
    let l = ledger();
    let fgw = fgw_file(
        &env,
        "发改.xlsx",
        vec![
            good(3, "ZF-001"),
            set(good(4, "ZF-003"), FormField::Status, t("?")),
        ],
    );
    let czj_bad = env.check(&forms_file(
        "财政.xlsx",
        vec![form(
            "推进表",
            &["填报单位：区财政局"],
            vec![set(good(3, "ZF-004"), FormField::Percent, t("x"))],
        )],
    ));
    let m = merge(vec![fgw, czj_bad], &mctx(&l));
    let s = &m.submissions[FGW];
    assert_eq!(s.due, vec!["ZF-001", "ZF-002", "ZF-003"]);
    assert_eq!(s.missing, vec!["ZF-002", "ZF-003"]);
    assert!(s.reported);
    let v = codes_of(&m, C::TaskNotReported);
    assert_eq!(v.len(), 2);
    assert_eq!(
        v.iter()
            .map(|i| i.task.as_deref().unwrap())
            .collect::<Vec<_>>(),
        vec!["ZF-002", "ZF-003"]
    );
    assert!(
        v[0].message.contains("报表中没有这项任务"),
        "{}",
        v[0].message
    );
    assert!(v[1].message.contains("已退回"), "{}", v[1].message);
    assert!(v.iter().all(|i| i.file.as_deref() == Some("发改.xlsx")
        && i.cell.is_none()
        && i.unit.as_deref() == Some(FGW)
        && i.severity == Severity::Warning));
    let v = codes_of(&m, C::UnitNotReported);
    let units: Vec<_> = v.iter().map(|i| i.unit.as_deref().unwrap()).collect();
    assert_eq!(units.len(), 3);
    for u in [CZJ, ZJJ, TJJ] {
        assert!(units.contains(&u), "{u}");
    }
    assert!(v
        .iter()
        .all(|i| i.is_error() && i.file.is_none() && i.task.is_none()));
    let czj = v.iter().find(|i| i.unit.as_deref() == Some(CZJ)).unwrap();
    assert!(czj.message.contains("财政.xlsx"), "{}", czj.message);
    // A unit without tasks is not chased.
    let archive = &m.submissions["区档案局"];
    assert!(archive.due.is_empty() && !archive.reported && archive.missing.is_empty());
    assert_eq!(m.submissions.len(), 5);
    // Form quality counts: 财政 has one row error (plus nothing else).
    let s = &m.submissions[CZJ];
    assert_eq!((s.errors, s.warnings, s.rows_rejected), (1, 0, 1));
    assert_eq!(s.missing, vec!["ZF-004"]);
}

#[test]
fn closed_tasks_are_not_expected() {
    let env = Env::new();
    let mut l = ledger();
    // 统计局's only task (3★, due in March) and one of 发改's are closed.
    let closed = |id: &str| {
        (
            crate::schema::TaskId::new(id),
            crate::model::Closure {
                period: Period::month(2023, 2),
                by_hand: false,
            },
        )
    };
    l.set_closures([closed("ZF-009"), closed("ZF-003")]);
    let fgw = fgw_file(
        &env,
        "发改.xlsx",
        vec![good(3, "ZF-001"), good(4, "ZF-002")],
    );
    let m = merge(vec![fgw], &mctx(&l));
    let s = &m.submissions[FGW];
    assert_eq!(s.due, vec!["ZF-001", "ZF-002"]);
    assert!(s.missing.is_empty());
    assert!(codes_of(&m, C::TaskNotReported).is_empty());
    // A unit whose tasks are all closed has nothing due and is not chased.
    assert!(m.submissions[TJJ].due.is_empty());
    let silent: Vec<_> = codes_of(&m, C::UnitNotReported)
        .iter()
        .map(|i| i.unit.clone().unwrap())
        .collect();
    assert!(!silent.contains(&TJJ.to_string()), "{silent:?}");
    assert!(silent.contains(&CZJ.to_string()), "{silent:?}");
}

#[test]
fn star_cadence_decides_what_is_due() {
    let l = ledger();
    let period = Period::month(2023, 2);
    let ctx = MergeCtx {
        ledger: &l,
        period,
        expected: expected(&l, period),
        report_deadline: d(2023, 3, 3),
        late_by_file_time: false,
        round: 1,
        earlier_rounds: NO_EARLIER_ROUNDS,
    };
    let m = merge(vec![], &ctx);
    assert_eq!(m.submissions[FGW].due, vec!["ZF-001", "ZF-002"]);
    assert!(m.submissions[TJJ].due.is_empty());
    assert_eq!(codes_of(&m, C::UnitNotReported).len(), 3);
    assert_eq!(m.totals, Totals::default());
}

/// Issue 15 §5: a 3★ task past (or near) its deadline is due every month,
/// and TASK_NOT_REPORTED says why.
#[test]
fn overdue_and_near_deadline_tasks_are_due_whatever_their_stars() {
    let mut l = ledger();
    // February: 3★ is off its cadence. ZF-003 overdue, ZF-009 due in 5 days.
    l.tasks[2].deadline = Some(d(2023, 2, 20));
    l.tasks[7].deadline = Some(d(2023, 3, 5));
    let period = Period::month(2023, 2);
    let ctx = MergeCtx {
        ledger: &l,
        period,
        expected: expected(&l, period),
        report_deadline: d(2023, 3, 3),
        late_by_file_time: false,
        round: 1,
        earlier_rounds: NO_EARLIER_ROUNDS,
    };
    let env = Env::new();
    let mut f = fgw_file(
        &env,
        "发改.xlsx",
        vec![good(3, "ZF-001"), good(4, "ZF-002")],
    );
    f.period = Some(period);
    let m = merge(vec![f], &ctx);
    assert_eq!(m.submissions[FGW].due, vec!["ZF-001", "ZF-002", "ZF-003"]);
    assert_eq!(m.submissions[FGW].missing, vec!["ZF-003"]);
    assert_eq!(m.submissions[TJJ].due, vec!["ZF-009"]);
    let missing = codes_of(&m, C::TaskNotReported);
    assert_eq!(missing.len(), 1);
    assert!(
        missing[0]
            .message
            .contains("3星，已超过完成时限未完成，每期须报送"),
        "{}",
        missing[0].message
    );
    let silent = codes_of(&m, C::UnitNotReported);
    assert!(silent.iter().any(|i| i.unit.as_deref() == Some(TJJ)));
}

#[test]
fn a_task_reported_twice_keeps_the_later_row() {
    let env = Env::new();
    let l = ledger();
    let mut f = fgw_file(&env, "发改.xlsx", all_fgw_rows());
    // Forge a second accepted row for ZF-001 (validate would reject it).
    let mut extra: CheckedRow = f.rows[0].clone();
    extra.row = 9;
    if let Some(r) = extra.report.as_mut() {
        r.provenance.row = 9;
        r.percent = 80.0;
    }
    f.rows.push(extra);
    let m = merge(vec![f], &mctx(&l));
    assert_eq!(m.reports["ZF-001"].percent, 80.0);
    let r = rec(&m, "发改.xlsx");
    assert_eq!(
        (r.rows_read, r.accepted, r.rejected, r.superseded),
        (4, 3, 0, 1)
    );
    assert_conserved(&m);
}

#[test]
fn issues_are_sorted_and_complete() {
    let env = Env::new();
    let l = ledger();
    let files = batch(&env);
    let n_file_issues: usize = files.iter().map(|f| f.issues.len()).sum();
    let m = merge(files, &mctx(&l));
    let mut sorted = m.issues.clone();
    sorted.sort_by(|a, b| crate::model::issue_sort_key(a).cmp(&crate::model::issue_sort_key(b)));
    assert_eq!(sorted, m.issues);
    // + 1 superseded, + 2 units not reported (住建, 统计), + 1 task missing
    // (发改 ZF-003), + 1 form without 填报日期 (区财政局.xlsx).
    let extra = m.issues.len() - n_file_issues;
    assert_eq!(codes_of(&m, C::FileSuperseded).len(), 1);
    assert_eq!(codes_of(&m, C::UnitNotReported).len(), 2);
    assert_eq!(codes_of(&m, C::TaskNotReported).len(), 1);
    let undated = codes_of(&m, C::FileNoFillDate);
    assert_eq!(undated.len(), 1);
    assert_eq!(undated[0].file.as_deref(), Some("区财政局.xlsx"));
    assert_eq!(extra, 5);
    assert!(m
        .rejected
        .iter()
        .all(|r| r.reasons.iter().all(|s| !s.is_empty())));
}

mod props {
    use super::*;
    use crate::model::Provenance;
    use crate::model::Status;
    use crate::validate::{FileState, Report};
    use proptest::prelude::*;

    /// (state, unit, rows as (accepted?, task index), fill day, mtime day)
    type FileSpec = (u8, u8, Vec<(bool, u8)>, Option<u32>, Option<u32>);

    fn build(i: usize, spec: &FileSpec) -> CheckedFile {
        let (state, unit, rows, fill, mtime) = spec;
        let units = [FGW, CZJ, ZJJ, TJJ];
        let unit = units.get(*unit as usize).map(|u| u.to_string());
        let state = match state % 3 {
            0 => FileState::Checked,
            1 => FileState::Rejected,
            _ => FileState::Ignored,
        };
        let rel = format!("f{i:02}.xlsx");
        let mut file = src(&rel);
        file.modified = mtime.map(|day| dt(2023, 3, day, 8));
        let rows = if state == FileState::Ignored {
            &[][..]
        } else {
            &rows[..]
        };
        let rows = rows
            .iter()
            .enumerate()
            .map(|(r, (ok, task))| {
                let accepted = *ok && state == FileState::Checked && unit.is_some();
                let id = format!("ZF-00{}", task % 4 + 1);
                CheckedRow {
                    sheet: "S".into(),
                    row: r as u32 + 4,
                    task: Some(id.clone()),
                    outcome: if accepted {
                        RowOutcome::Accepted
                    } else {
                        RowOutcome::Rejected
                    },
                    report: accepted.then(|| Report {
                        task: id.into(),
                        unit: unit.clone().unwrap_or_default().into(),
                        status: Status::InProgress,
                        percent: 50.0,
                        progress: "x".into(),
                        problems: String::new(),
                        next_steps: String::new(),
                        expected: None,
                        delay_reason: String::new(),
                        filler: String::new(),
                        phone: String::new(),
                        head: String::new(),
                        fill_date: None,
                        provenance: Provenance {
                            file: rel.clone(),
                            sheet: "S".into(),
                            row: r as u32 + 4,
                            sha256: String::new(),
                        },
                    }),
                    original: vec![],
                    reasons: if accepted { vec![] } else { vec!["错".into()] },
                    office: false,
                    unit: None,
                    when: None,
                }
            })
            .collect();
        CheckedFile {
            file,
            state,
            unit: unit.map(Into::into),
            period: Some(Period::month(2023, 3)),
            fill_date: fill.map(|day| d(2023, 3, day)),
            sheets: vec!["S".into()],
            rows,
            issues: vec![],
            export: false,
            submitted: None,
            unreadable: None,
        }
    }

    fn spec() -> impl Strategy<Value = FileSpec> {
        (
            0u8..3,
            0u8..5,
            proptest::collection::vec((any::<bool>(), 0u8..6), 0..6),
            proptest::option::of(1u32..29),
            proptest::option::of(1u32..29),
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        #[test]
        fn conservation_and_order_independence(
            specs in proptest::collection::vec(spec(), 0..8),
            rot in 0usize..8,
        ) {
            let l = ledger();
            let files: Vec<CheckedFile> = specs.iter().enumerate().map(|(i, s)| build(i, s)).collect();
            let m = merge(files.clone(), &mctx(&l));
            assert_conserved(&m);
            // One accepted file per unit at most.
            for s in m.submissions.values() {
                prop_assert!(s.files.len() <= 1);
            }
            let mut shuffled = files;
            if !shuffled.is_empty() {
                let k = rot % shuffled.len();
                shuffled.rotate_left(k);
                shuffled.reverse();
            }
            let m2 = merge(shuffled, &mctx(&l));
            prop_assert_eq!(
                serde_json::to_string(&m).unwrap(),
                serde_json::to_string(&m2).unwrap()
            );
        }
    }
}
