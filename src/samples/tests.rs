use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use calamine::{open_workbook_auto, Data, DataType, Reader};
use sha2::{Digest, Sha256};

use super::*;
use crate::schema::TaskId;

fn opts(units: u32, tasks: u32, messy: f64, seed: u64) -> SampleOptions {
    SampleOptions::new(units, tasks, messy, seed, Period::month(2023, 3))
}

/// rel path → SHA-256 of every file under `dir`.
fn hash_tree(dir: &Path) -> BTreeMap<String, String> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, String>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                let rel = p
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                let h = Sha256::digest(std::fs::read(&p).unwrap());
                out.insert(rel, format!("{h:x}"));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

fn text(d: &Data) -> String {
    match d {
        Data::DateTime(_) => d.as_date().unwrap().to_string(),
        Data::String(s) => s.clone(),
        Data::Float(f) => crate::value::fmt_number(*f),
        Data::Int(i) => i.to_string(),
        Data::Empty => String::new(),
        other => other.to_string(),
    }
}

fn sheet(path: &Path, name: &str) -> Vec<Vec<String>> {
    let mut wb = open_workbook_auto(path).unwrap();
    let range = wb.worksheet_range(name).unwrap();
    range.rows().map(|r| r.iter().map(text).collect()).collect()
}

#[test]
fn same_seed_same_bytes_other_seed_differs() {
    let (a, b, c) = (
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
    );
    let sa = generate(&opts(30, 300, 0.3, 7), a.path()).unwrap();
    // A second later: a clock read anywhere (e.g. a workbook's creation time) would show.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    generate(&opts(30, 300, 0.3, 7), b.path()).unwrap();
    generate(&opts(30, 300, 0.3, 8), c.path()).unwrap();
    let (ha, hb, hc) = (
        hash_tree(a.path()),
        hash_tree(b.path()),
        hash_tree(c.path()),
    );
    assert_eq!(ha, hb);
    assert!(ha.len() > 30, "{} files", ha.len());
    assert_ne!(ha.get("台账.xlsx"), hc.get("台账.xlsx"));
    assert_ne!(ha, hc);
    // Every file of the manifest exists, and nothing else is under returns/.
    let listed: BTreeSet<String> = sa
        .returns
        .iter()
        .map(|f| format!("returns/{}", f.path))
        .collect();
    let found: BTreeSet<String> = ha
        .keys()
        .filter(|k| k.starts_with("returns/"))
        .cloned()
        .collect();
    assert_eq!(listed, found);
}

#[test]
fn single_thread_gives_the_same_bytes() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    generate(&opts(12, 60, 0.5, 3), a.path()).unwrap();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    pool.install(|| generate(&opts(12, 60, 0.5, 3), b.path()))
        .unwrap();
    assert_eq!(hash_tree(a.path()), hash_tree(b.path()));
}

#[test]
fn ledger_counts_and_shape() {
    let dir = tempfile::tempdir().unwrap();
    let s = generate(&opts(30, 300, 0.2, 11), dir.path()).unwrap();
    assert_eq!((s.units, s.tasks), (30, 300));
    let ledger = dir.path().join("台账.xlsx");
    let tasks = sheet(&ledger, "台账");
    assert_eq!(tasks[0][0], "2023年重点工作台账");
    assert_eq!(
        tasks[1],
        [
            "编号",
            "事项名称",
            "来源",
            "星级",
            "牵头领导",
            "牵头单位",
            "配合单位",
            "责任人",
            "开始日期",
            "完成时限",
            "交办日期",
            "工作要求"
        ]
    );
    // With messy returns the ledger has group headings, 小计, 合计 and
    // blank rows besides its 300 task rows (those with a 牵头单位).
    let task_rows: Vec<&Vec<String>> = tasks[2..].iter().filter(|r| !r[5].is_empty()).collect();
    assert_eq!(task_rows.len(), 300);
    assert!(tasks.len() - 2 > 300 + 2);
    assert!(tasks[2][0].starts_with("一、"), "{:?}", tasks[2]);
    assert_eq!(tasks.last().unwrap()[..2], ["合计", "共300项"]);
    assert!(tasks.iter().any(|r| r[1].starts_with("小计：")));
    assert!(tasks.iter().any(|r| r.iter().all(String::is_empty)));
    let ids: BTreeSet<&String> = task_rows.iter().map(|r| &r[0]).collect();
    assert_eq!(ids.len(), 300, "ids are unique");
    let units = sheet(&ledger, "单位");
    assert_eq!(
        units[0],
        ["单位名称", "单位编码", "类别", "别名", "联系人", "联系电话"]
    );
    assert_eq!(units.len() - 1, 30);
    let names: BTreeSet<&String> = units[1..].iter().map(|r| &r[0]).collect();
    assert_eq!(names.len(), 30);
    let cats: BTreeSet<&str> = units[1..].iter().map(|r| r[2].as_str()).collect();
    assert_eq!(cats, BTreeSet::from(["乡镇街道", "区直部门"]));
    // Every unit leads at least one task; 牵头单位 names are ledger units.
    let leads: BTreeSet<&String> = task_rows.iter().map(|r| &r[5]).collect();
    assert_eq!(leads, names);
    // Some tasks have only 交办日期, some deadlines are already past.
    assert!(task_rows
        .iter()
        .any(|r| r[9].is_empty() && !r[10].is_empty()));
    let evals = sheet(&ledger, "评价");
    assert_eq!(evals.len() - 1, 30);
    for r in &evals[1..] {
        for v in &r[1..5] {
            let n: f64 = v.parse().unwrap();
            assert!((60.0..=100.0).contains(&n));
        }
    }
    let nodes = sheet(&ledger, "节点");
    assert_eq!(nodes[0], ["编号", "节点日期", "计划进度(%)"]);
    assert!(nodes.len() > 10);
    // Every ledger header is a known column of its sheet, none twice.
    let t = crate::templates::templates();
    fn known_once<F: crate::schema::Field>(cols: &crate::schema::Columns<F>, header: &[String]) {
        let keys: BTreeSet<F> = header
            .iter()
            .map(|h| cols.match_header(h).unwrap_or_else(|| panic!("{h}")).key)
            .collect();
        assert_eq!(keys.len(), header.len());
        assert!(cols.required().all(|d| keys.contains(&d.key)));
    }
    known_once(&t.ledger_tasks, &tasks[1]);
    known_once(&t.ledger_milestones, &nodes[0]);
    known_once(&t.ledger_units, &units[0]);
    known_once(&t.ledger_evaluations, &evals[0]);
    let cfg = std::fs::read_to_string(dir.path().join("duban.toml")).unwrap();
    let c = crate::config::Config::from_toml(&cfg, dir.path()).unwrap();
    assert_eq!(c.period, Some(Period::month(2023, 3)));
    assert_eq!(c.returns.as_deref(), Some(Path::new("returns")));
    // A realistic office signs the notices, on a fixed day after the deadline.
    assert_eq!(c.office.name, "四方台区人民政府督查室");
    assert_eq!(c.office.short_name, "区政府督查室");
    assert_eq!(c.office.doc_prefix, "四政督");
    assert!(!c.office.contact.is_empty() && !c.office.phone.is_empty());
    assert_eq!(
        c.issue_date.map(|d| d.to_string()).as_deref(),
        Some("2023-04-06")
    );
}

#[test]
fn messy_ledger_reads_back_grouped_without_issues() {
    let dir = tempfile::tempdir().unwrap();
    let s = generate(&opts(12, 80, 0.5, 3), dir.path()).unwrap();
    let limits = crate::config::Limits::default();
    let (ledger, issues) =
        crate::ingest::read_ledger(&dir.path().join("台账.xlsx"), &limits).unwrap();
    assert!(issues.is_empty(), "{issues:#?}");
    assert_eq!(ledger.tasks.len() as u32, s.tasks);
    assert_eq!(ledger.units.len() as u32, s.units);
    assert!(ledger.held.is_empty());
    // Every task has its source's group; a group with units of both
    // categories has two sub-groups.
    for t in &ledger.tasks {
        let g = t.group.as_deref().unwrap();
        let top = g.split(crate::model::GROUP_SEP).next().unwrap();
        assert!(
            top.ends_with(&t.source) && top.contains('、'),
            "{g} / {}",
            t.source
        );
    }
    let subs: BTreeSet<&str> = ledger
        .tasks
        .iter()
        .filter_map(|t| t.group.as_deref()?.split_once(crate::model::GROUP_SEP))
        .map(|(_, sub)| sub)
        .collect();
    assert!(subs.contains("（一）区直部门牵头"), "{subs:?}");
    assert!(subs.contains("（二）乡镇街道牵头"), "{subs:?}");
    // A clean data set has a plain ledger.
    let clean = tempfile::tempdir().unwrap();
    generate(&opts(12, 80, 0.0, 3), clean.path()).unwrap();
    let (ledger, _) = crate::ingest::read_ledger(&clean.path().join("台账.xlsx"), &limits).unwrap();
    assert!(ledger.tasks.iter().all(|t| t.group.is_none()));
}

#[test]
fn fewer_tasks_than_units_and_exact_counts() {
    let dir = tempfile::tempdir().unwrap();
    let s = generate(&opts(50, 17, 0.0, 5), dir.path()).unwrap();
    assert_eq!((s.units, s.tasks), (50, 17));
    let tasks = sheet(&dir.path().join("台账.xlsx"), "台账");
    assert_eq!(tasks.len() - 2, 17);
}

#[test]
fn every_due_unit_returns_except_the_silent_one() {
    let dir = tempfile::tempdir().unwrap();
    let s = generate(&opts(30, 300, 0.3, 21), dir.path()).unwrap();
    let silent = s.silent_unit.clone().expect("a silent unit when messy > 0");
    // A zip's members and an export's units returned too.
    let returned: BTreeSet<String> = s
        .returns
        .iter()
        .flat_map(|f| std::iter::once(f).chain(&f.members))
        .filter(|f| f.period.as_deref() == Some("2023-03"))
        .flat_map(|f| f.unit.iter().chain(&f.units).cloned())
        .collect();
    assert!(s.returns.iter().any(|f| !f.members.is_empty()));
    assert!(s.returns.iter().any(|f| f.units.len() > 1));
    assert!(!returned.contains(&silent));
    assert_eq!(returned.len() as u32 + 1, s.due_units);
    // March is a quarter end: every task is due, so every unit reports.
    assert_eq!(s.due_units, 30);
}

#[test]
fn only_due_tasks_are_in_a_months_forms() {
    let dir = tempfile::tempdir().unwrap();
    let mut o = opts(20, 200, 0.0, 4);
    o.period = Period::month(2023, 2);
    let s = generate(&o, dir.path()).unwrap();
    let (ledger, _) = crate::ingest::read_ledger(
        &dir.path().join("台账.xlsx"),
        &crate::config::Limits::default(),
    )
    .unwrap();
    // Due in February: 4★ and 5★ by cadence, and (nothing being done before)
    // every task whose deadline is past or within 7 days of 2023-02-28.
    let cal = crate::calendar::Calendar::new(&[], &[], 5);
    let window = NaiveDate::from_ymd_opt(2023, 3, 7).unwrap();
    let due: BTreeSet<String> = ledger
        .tasks
        .iter()
        .filter(|t| t.stars >= 4 || cal.effective_deadline(t).is_some_and(|d| d <= window))
        .map(|t| t.id.to_string())
        .collect();
    assert!(
        ledger
            .tasks
            .iter()
            .any(|t| t.stars == 3 && due.contains(t.id.as_str())),
        "a 3★ task due for its deadline"
    );
    let mut seen = BTreeSet::new();
    for f in &s.returns {
        let rows = sheet(&dir.path().join("returns").join(&f.path), "推进表");
        for r in &rows[3..] {
            assert!(due.contains(&r[0]), "task {} not due in February", r[0]);
            seen.insert(r[0].clone());
        }
    }
    assert_eq!(seen, due);
}

#[test]
fn clean_return_reads_back() {
    let dir = tempfile::tempdir().unwrap();
    let s = generate(&opts(30, 300, 0.0, 9), dir.path()).unwrap();
    assert_eq!(s.messy_files, 0);
    assert!(s.silent_unit.is_none());
    assert_eq!(s.returns.len(), 30);
    for f in &s.returns {
        assert!(f.kinds.is_empty() && f.row_errors.is_empty() && !f.late && !f.superseded);
        assert!(f.path.ends_with("-3月.xlsx"), "{}", f.path);
        assert!(f.fill_date.unwrap() <= Period::month(2023, 3).end() + chrono::Duration::days(5));
    }
    let f = &s.returns[0];
    let unit = f.unit.clone().unwrap();
    let path = dir.path().join("returns").join(&f.path);
    let rows = sheet(&path, "推进表");
    assert_eq!(
        rows[0][0],
        format!("{unit}重点工作推进情况反馈表（2023年3月）")
    );
    assert_eq!(rows[1][0], format!("填报单位：{unit}　报送期次：2023年3月"));
    assert_eq!(
        rows[2],
        [
            "编号",
            "事项名称",
            "星级",
            "牵头领导",
            "完成时限",
            "当前状态",
            "完成进度（%）",
            "进展情况",
            "存在问题",
            "下步措施",
            "预计完成日期",
            "延期说明",
            "填报人",
            "联系电话",
            "单位主要负责人",
            "填报日期"
        ]
    );
    assert_eq!(rows.len() - 3, f.rows as usize);
    for r in &rows[3..] {
        let status = crate::value::parse_status(&r[5]).expect("canonical status");
        assert_eq!(status.label(), r[5]);
        let pct: f64 = r[6].parse().unwrap();
        assert!((0.0..=100.0).contains(&pct));
        assert_eq!(status.is_done(), pct == 100.0, "{r:?}");
        assert_eq!(
            status == crate::model::Status::NotStarted,
            pct == 0.0,
            "{r:?}"
        );
        assert!(!r[7].is_empty(), "进展情况 filled");
        // Past or near its deadline and not done: a 延期说明 is given.
        let deadline = NaiveDate::parse_from_str(&r[4], "%Y-%m-%d").unwrap();
        if !status.is_done() && deadline <= NaiveDate::from_ymd_opt(2023, 4, 7).unwrap() {
            assert!(!r[11].is_empty(), "延期说明 for {r:?}");
        }
    }
    let meta = sheet(&path, crate::ingest::META_SHEET);
    let meta: BTreeMap<&str, &str> = meta
        .iter()
        .map(|r| (r[0].as_str(), r[1].as_str()))
        .collect();
    assert_eq!(meta["unit"], unit);
    assert_eq!(meta["period"], "2023-03");
    assert_eq!(meta["version"], crate::ingest::FORM_VERSION);
    assert_eq!(meta["generated"], f.fill_date.unwrap().to_string());
}

#[test]
fn every_messy_kind_appears_at_a_realistic_size() {
    for seed in [2023, 1, 99] {
        every_messy_kind(seed);
    }
}

fn every_messy_kind(seed: u64) {
    let dir = tempfile::tempdir().unwrap();
    let s = generate(&opts(20, 200, 1.0, seed), dir.path()).unwrap();
    let kinds: BTreeSet<MessyKind> = s
        .returns
        .iter()
        .flat_map(|f| f.kinds.iter().copied())
        .collect();
    let mut missing: Vec<MessyKind> = PRIMARY
        .iter()
        .chain(&[MessyKind::LockFile, MessyKind::NotSpreadsheet])
        .copied()
        .filter(|k| !kinds.contains(k))
        .collect();
    missing.dedup();
    assert!(missing.is_empty(), "missing kinds: {missing:?}");
    assert!(s.silent_unit.is_some());
    let late = s
        .returns
        .iter()
        .find(|f| f.kinds.contains(&MessyKind::LateReturn))
        .unwrap();
    assert!(late.late && late.expected.contains(&IssueCode::FileLate));
    assert!(late.fill_date.unwrap() > s.report_deadline.unwrap());
    let older = s.returns.iter().find(|f| f.superseded).unwrap();
    assert!(older.expected.contains(&IssueCode::FileSuperseded));
    for f in &s.returns {
        for e in &f.row_errors {
            assert!(f.expected.contains(&e.code));
        }
    }
    let errs: BTreeSet<RowErrorKind> = s
        .returns
        .iter()
        .flat_map(|f| f.row_errors.iter().map(|e| e.kind))
        .collect();
    assert_eq!(errs.len(), RowErrorKind::ALL.len(), "{errs:?}");
    let root = dir.path().join("returns");
    assert!(s
        .returns
        .iter()
        .any(|f| f.superseded && f.path.ends_with("-3月.xlsx")));
    assert!(s
        .returns
        .iter()
        .any(|f| f.path.ends_with("-3月(修改版).xlsx")));
    assert!(s
        .returns
        .iter()
        .any(|f| f.period.as_deref() == Some("2023-02")));
    assert!(s
        .returns
        .iter()
        .any(|f| f.path.rsplit('/').next().unwrap().starts_with("~$")));
    // CSV files: one with a BOM, one in GBK that decodes to the unit's name.
    for f in s.returns.iter().filter(|f| f.format == "csv") {
        let bytes = std::fs::read(root.join(&f.path)).unwrap();
        let unit = f.unit.as_deref().unwrap();
        if f.kinds.contains(&MessyKind::CsvGbk) {
            assert!(std::str::from_utf8(&bytes).is_err());
            let (t, _, bad) = encoding_rs::GBK.decode(&bytes);
            assert!(!bad && t.contains(unit));
        } else {
            assert!(bytes.starts_with("\u{feff}".as_bytes()));
            assert!(String::from_utf8(bytes).unwrap().contains(unit));
        }
    }
    // Row errors point at the row holding the task.
    for f in s
        .returns
        .iter()
        .filter(|f| f.format == "xlsx" && !f.row_errors.is_empty())
    {
        let rows = sheet(&root.join(&f.path), "推进表");
        let distinct: BTreeSet<u32> = f.row_errors.iter().map(|e| e.row).collect();
        assert_eq!(
            distinct.len(),
            f.row_errors.len(),
            "one error per row: {:?}",
            f.row_errors
        );
        for e in &f.row_errors {
            let row = &rows[e.row as usize - 1];
            let id = TaskId::new(&e.task);
            assert!(row.iter().any(|c| TaskId::new(c) == id), "{e:?} in {row:?}");
        }
    }
    // Forms identified only by their task ids name no unit anywhere.
    let anon = s
        .returns
        .iter()
        .find(|f| f.kinds.contains(&MessyKind::UnitByTaskIdsOnly))
        .unwrap();
    let unit = anon.unit.as_deref().unwrap();
    assert!(!anon.path.contains(unit));
    let p = root.join(&anon.path);
    let wb = open_workbook_auto(&p).unwrap();
    assert_eq!(wb.sheet_names(), ["推进表"]);
    let rows = sheet(&p, "推进表");
    assert!(rows.iter().flatten().all(|c| !c.contains(unit)));
    // The manifest is written beside the returns.
    let json = std::fs::read_to_string(dir.path().join("samples_manifest.json")).unwrap();
    let back: SampleSummary = serde_json::from_str(&json).unwrap();
    assert_eq!(back.returns.len(), s.returns.len());
}

#[test]
fn unit_names_are_unique_at_city_scale() {
    let n = 20_000;
    let mut seen = BTreeSet::new();
    for i in 0..n {
        let (name, alias, _, _) = ledger::unit_name(i, n);
        assert!(seen.insert(name.clone()), "duplicate name {name}");
        if !alias.is_empty() {
            assert!(seen.insert(alias.clone()), "duplicate alias {alias}");
        }
    }
    let (first, alias, cat, _) = ledger::unit_name(0, 60);
    assert_eq!(
        (first.as_str(), alias.as_str(), cat),
        ("区发展和改革局", "区发改局", "区直部门")
    );
}

#[test]
fn planned_progress_follows_milestones() {
    let d = |m, day| NaiveDate::from_ymd_opt(2023, m, day).unwrap();
    let t = ledger::TaskRec {
        id: "ZF-001".into(),
        numeric: false,
        title: String::new(),
        source: "政府工作报告",
        stars: 4,
        star_text: ledger::StarText::Number,
        leader: 0,
        unit: 0,
        coops: vec![],
        owner: String::new(),
        start: Some(d(1, 1)),
        deadline: Some(d(12, 31)),
        assigned: d(1, 1),
        requirements: String::new(),
        milestones: vec![(d(3, 31), 40.0), (d(6, 30), 50.0)],
    };
    assert_eq!(t.planned(d(1, 1)), 0.0);
    assert_eq!(t.planned(d(3, 31)), 40.0);
    assert!((t.planned(d(5, 15)) - 45.0).abs() < 1.0);
    assert_eq!(t.planned(d(12, 31)), 100.0);
    let only_assigned = ledger::TaskRec {
        start: None,
        deadline: None,
        assigned: d(3, 16),
        milestones: vec![],
        ..t
    };
    assert_eq!(only_assigned.effective_deadline(), d(3, 23));
}

/// `DUBAN_SAMPLE_OUT=/tmp/x cargo test dump_sample -- --ignored` writes a data set to look at.
#[test]
#[ignore]
fn dump_sample() {
    let out = std::env::var("DUBAN_SAMPLE_OUT").unwrap_or_else(|_| "/tmp/duban-sample".into());
    let units = std::env::var("DUBAN_SAMPLE_UNITS").map_or(20, |v| v.parse().unwrap());
    let tasks = std::env::var("DUBAN_SAMPLE_TASKS").map_or(200, |v| v.parse().unwrap());
    let messy = std::env::var("DUBAN_SAMPLE_MESSY").map_or(1.0, |v| v.parse().unwrap());
    let t = std::time::Instant::now();
    let s = generate(&opts(units, tasks, messy, 2023), Path::new(&out)).unwrap();
    eprintln!("{} files in {:?}", s.files, t.elapsed());
}

#[test]
fn weeks_quarters_and_year_ends_work() {
    let cases = [
        (Period::week(2023, 12), "2023年第12周"),
        (Period::quarter(2023, 1), "2023年第1季度"),
        (Period::month(2023, 1), "2023年1月"),
        (Period::month(2023, 12), "2023年12月"),
    ];
    for (p, label) in cases {
        let dir = tempfile::tempdir().unwrap();
        let mut o = opts(15, 120, 0.5, 6);
        o.period = p;
        let s = generate(&o, dir.path()).unwrap();
        let current: Vec<&SampleFile> = s
            .returns
            .iter()
            .filter(|f| f.period.as_deref() == Some(&p.to_string()))
            .collect();
        assert!(!current.is_empty(), "{p}");
        for f in current
            .iter()
            .filter(|f| f.format == "xlsx" && f.units.is_empty())
        {
            let rows = sheet(&dir.path().join("returns").join(&f.path), "推进表");
            assert!(
                rows[0][0].ends_with(&format!("（{label}）")),
                "{}",
                rows[0][0]
            );
        }
        let cfg = std::fs::read_to_string(dir.path().join("duban.toml")).unwrap();
        assert!(cfg.contains(&format!("period = \"{p}\"")));
    }
}

#[test]
fn rerun_replaces_its_own_files_and_keeps_foreign_ones() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    generate(&opts(12, 60, 0.5, 1), a.path()).unwrap();
    generate(&opts(12, 60, 0.5, 2), a.path()).unwrap();
    generate(&opts(12, 60, 0.5, 2), b.path()).unwrap();
    assert_eq!(hash_tree(a.path()), hash_tree(b.path()));
    // A file the generator did not write is never deleted: the run stops instead.
    std::fs::write(a.path().join("returns/单位自报.xlsx"), b"x").unwrap();
    assert!(generate(&opts(12, 60, 0.5, 3), a.path()).is_err());
    assert!(a.path().join("returns/单位自报.xlsx").exists());
    std::fs::remove_file(a.path().join("returns/单位自报.xlsx")).unwrap();
    assert_eq!(
        hash_tree(a.path()),
        hash_tree(b.path()),
        "nothing removed before the refusal"
    );
}

#[test]
fn every_header_spelling_matches_its_column() {
    use crate::schema::{Field, FormField};
    use form::HeaderStyle;
    let cols = &crate::templates::templates().form;
    let all = FormField::ALL.iter().copied();
    for style in [
        HeaderStyle::Canonical,
        HeaderStyle::Alias,
        HeaderStyle::Alias2,
        HeaderStyle::English,
    ] {
        for c in all.clone() {
            let h = form::header(c, style);
            let m = cols.match_header(h).map(|d| d.key);
            assert_eq!(m, Some(c), "{style:?} header {h}");
        }
    }
    // The canonical spelling is the column's own name.
    for c in form::STANDARD {
        assert_eq!(
            crate::text::norm_header(form::header(c, HeaderStyle::Canonical)),
            crate::text::norm_header(cols.name(c))
        );
    }
}

#[test]
fn some_returns_arrive_zipped_and_some_as_a_collection_export() {
    let dir = tempfile::tempdir().unwrap();
    let s = generate(&opts(15, 60, 0.6, 9), dir.path()).unwrap();
    let root = dir.path().join("returns");
    // One e-mail attachment: 2–3 units' forms, names in GBK without the
    // UTF-8 flag, each member the unit's own form.
    let z = s.returns.iter().find(|f| f.format == "zip").unwrap();
    assert_eq!(z.kinds, [MessyKind::ZipAttachment]);
    assert!((2..=3).contains(&z.members.len()), "{:?}", z.members);
    let mut zip = ::zip::ZipArchive::new(std::fs::File::open(root.join(&z.path)).unwrap()).unwrap();
    assert_eq!(zip.len(), z.members.len());
    for (i, m) in z.members.iter().enumerate() {
        let mut f = zip.by_index(i).unwrap();
        let raw = f.name_raw().to_vec();
        assert!(std::str::from_utf8(&raw).is_err(), "GBK, not UTF-8");
        let name = encoding_rs::GB18030.decode(&raw).0.into_owned();
        assert_eq!(m.path, format!("{}/{name}", z.path));
        assert!(name.starts_with("3月报表/"), "{name}");
        assert!(m.kinds.contains(&MessyKind::ZipAttachment));
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut f, &mut bytes).unwrap();
        let unit = m.unit.clone().unwrap();
        let mut wb: calamine::Xlsx<_> = calamine::Reader::new(std::io::Cursor::new(bytes)).unwrap();
        let range = calamine::Reader::worksheet_range(&mut wb, "推进表").unwrap();
        assert!(range
            .rows()
            .any(|r| r.iter().any(|c| c.to_string().contains(&unit))));
        assert_eq!(range.rows().count() - 3, m.rows as usize);
    }
    // One collection-tool export: three units, one of them twice.
    let e = s
        .returns
        .iter()
        .find(|f| f.kinds.contains(&MessyKind::CollectionExport))
        .unwrap();
    assert_eq!(e.units.len(), 3);
    assert!(e.superseded_rows >= 1);
    assert!(e.expected.contains(&IssueCode::RowSuperseded));
    let rows = sheet(&root.join(&e.path), "Sheet1");
    assert_eq!(&rows[0][..4], ["序号", "提交者", "提交时间", "填报单位"]);
    assert_eq!(rows.len() - 1, e.rows as usize);
    let named: BTreeSet<&str> = rows[1..].iter().map(|r| r[3].as_str()).collect();
    let units: BTreeSet<&str> = e.units.iter().map(String::as_str).collect();
    assert_eq!(named, units);
    let pairs: BTreeSet<(&str, &str)> = rows[1..]
        .iter()
        .map(|r| (r[3].as_str(), r[4].as_str()))
        .collect();
    assert_eq!(rows.len() - 1 - pairs.len(), e.superseded_rows as usize);
    // Nobody in a bundle sends a file of its own.
    for f in s
        .returns
        .iter()
        .filter(|f| f.members.is_empty() && f.units.is_empty())
    {
        let bundled = |u: &String| {
            z.members.iter().any(|m| m.unit.as_ref() == Some(u)) || e.units.contains(u)
        };
        assert!(!f.unit.as_ref().is_some_and(bundled), "{}", f.path);
    }
    // No bundle in a clean data set.
    let clean = generate(&opts(15, 60, 0.0, 9), tempfile::tempdir().unwrap().path()).unwrap();
    assert!(clean
        .returns
        .iter()
        .all(|f| f.members.is_empty() && f.units.is_empty()));
}
