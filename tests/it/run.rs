//! `duban run` end to end: outputs, archive, history across two periods,
//! refusal to overwrite, determinism, and a real spreadsheet program opening
//! what duban writes.

use std::collections::BTreeMap;
use std::path::Path;

use crate::common::*;
use calamine::{open_workbook_auto, Data, Reader};
use serde_json::Value;

fn run(w: &Workdir, returns: &Path, period: &str, as_of: &str, extra: &[&str]) -> Value {
    let out = duban()
        .arg("run")
        .arg("--ledger")
        .arg(w.path("台账.xlsx"))
        .arg("--returns")
        .arg(returns)
        .args([
            "--period", period, "--as-of", as_of, "--json", "-", "--quiet",
        ])
        .arg("--out")
        .arg(w.path("out"))
        .args(extra)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "duban run failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn sheet_rows(path: &Path, sheet: &str) -> Vec<Vec<String>> {
    let mut wb = open_workbook_auto(path).unwrap();
    let range = wb.worksheet_range(sheet).unwrap();
    range
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::Empty => String::new(),
                    Data::Float(f) if f.fract() == 0.0 => format!("{}", *f as i64),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

/// The names of the files in `dir`, sorted.
fn file_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// The unit sent no form this period.
fn silent(v: &Value, unit: &str) -> bool {
    v["units"]
        .as_array()
        .unwrap()
        .iter()
        .any(|u| u["name"] == unit && u["reported"] == false)
}

fn march(w: &Workdir) -> std::path::PathBuf {
    w.ledger();
    let dir = w.path("returns-03");
    fagai_form().write(&dir.join("区发改局-3月.xlsx"));
    Form::new("区财政局")
        .row(Form::ok_row("CZ-001", "盘活存量资金", "2023-09-30", 30.0))
        .write(&dir.join("区财政局-3月.xlsx"));
    dir
}

#[test]
fn run_writes_every_output() {
    let w = Workdir::new();
    let returns = march(&w);
    let v = run(&w, &returns, "2023-03", "2023-03-31", &[]);
    assert_reconciles(&v);
    let summary = w.path("out/汇总_2023-03.xlsx");
    assert!(summary.exists());
    let wb = open_workbook_auto(&summary).unwrap();
    let names: Vec<String> = wb.sheet_names().to_vec();
    assert_eq!(
        names,
        [
            "总览",
            "台账汇总",
            "亮牌预警",
            "单位排名",
            "领导分管",
            "报送情况",
            "校验问题",
            "退回明细",
            "督办提示"
        ]
    );
    // 台账汇总 lists every task of the ledger.
    let rows = sheet_rows(&summary, "台账汇总");
    for (id, ..) in TASKS {
        assert!(
            rows.iter().any(|r| r.iter().any(|c| c == id)),
            "{id} missing from 台账汇总"
        );
    }
    assert!(w.path("out/反馈").is_dir());
    assert!(w.path("out/下期表单").is_dir());
    // Notices for units with something to hear: each silent unit and each
    // unit with a carded task, none for 区财政局 (all accepted, none carded);
    // next period's forms for every unit.
    let carded_units: Vec<&str> = v["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| !t["card"].is_null())
        .map(|t| t["unit"].as_str().unwrap())
        .collect();
    let mut hear: Vec<String> = v["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["name"].as_str().unwrap())
        .filter(|u| carded_units.contains(u) || silent(&v, u))
        .map(|u| format!("{u}.xlsx"))
        .collect();
    hear.sort();
    assert!(!hear.contains(&"区财政局.xlsx".to_string()), "{hear:?}");
    assert_eq!(file_names(&w.path("out/反馈")), hear);
    let mut every_unit: Vec<String> = UNITS.iter().map(|u| format!("{}.xlsx", u.0)).collect();
    every_unit.sort();
    assert_eq!(file_names(&w.path("out/下期表单")), every_unit);
    // The archive.
    let arch = w.path("out/archive/2023-03");
    for f in [
        "manifest.json",
        "results.json",
        "summary.json",
        "SHA256SUMS",
    ] {
        assert!(arch.join(f).is_file(), "archive lacks {f}");
    }
    // Received files are archived byte for byte.
    let orig = std::fs::read(returns.join("区发改局-3月.xlsx")).unwrap();
    let copy = std::fs::read(arch.join("received/区发改局-3月.xlsx")).unwrap();
    assert_eq!(orig, copy);
    // The archived summary is the JSON printed.
    let archived: Value =
        serde_json::from_str(&std::fs::read_to_string(arch.join("summary.json")).unwrap()).unwrap();
    assert_eq!(archived, v);
    // Every unit of the ledger is scored and ranked.
    assert_eq!(v["units"].as_array().unwrap().len(), UNITS.len());
    // Input files are never modified.
    assert_eq!(
        std::fs::read(returns.join("区发改局-3月.xlsx")).unwrap(),
        orig
    );
}

#[test]
fn archived_period_is_not_overwritten_without_force() {
    let w = Workdir::new();
    let returns = march(&w);
    run(&w, &returns, "2023-03", "2023-03-31", &[]);
    let before = std::fs::read(w.path("out/archive/2023-03/manifest.json")).unwrap();
    let out = duban()
        .arg("run")
        .arg("--ledger")
        .arg(w.path("台账.xlsx"))
        .arg("--returns")
        .arg(&returns)
        .args(["--period", "2023-03", "--quiet", "--out"])
        .arg(w.path("out"))
        .output()
        .unwrap();
    assert!(!out.status.success(), "a second run must be refused");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--force"), "{err}");
    assert_eq!(
        std::fs::read(w.path("out/archive/2023-03/manifest.json")).unwrap(),
        before
    );
    // With --force it is replaced, whole: a file left in the old archive is
    // gone, and the new manifest lists the return that arrived since.
    let arch = w.path("out/archive/2023-03");
    std::fs::write(arch.join("留存.txt"), "旧归档").unwrap();
    Form::new("太保镇")
        .row(Form::ok_row(
            "TB-001",
            "高标准农田建设2万亩",
            "2023-10-31",
            30.0,
        ))
        .write(&returns.join("太保镇-3月.xlsx"));
    let v = run(&w, &returns, "2023-03", "2023-03-31", &["--force"]);
    assert!(!arch.join("留存.txt").exists(), "the old archive was kept");
    let manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(arch.join("manifest.json")).unwrap())
            .unwrap();
    let paths: Vec<&str> = manifest["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        paths,
        ["区发改局-3月.xlsx", "区财政局-3月.xlsx", "太保镇-3月.xlsx"]
    );
    assert_eq!(file_entry(&v, "太保镇-3月.xlsx")["outcome"], "accepted");
    assert_eq!(file_names(&w.path("out/archive")), ["2023-03"]);
}

#[test]
fn two_periods_catch_lowered_progress() {
    let w = Workdir::new();
    let returns = march(&w);
    let march_v = run(&w, &returns, "2023-03", "2023-03-31", &[]);
    let march_manifest = std::fs::read(w.path("out/archive/2023-03/manifest.json")).unwrap();

    // April: 发改 lowers ZF-001 from 40% to 20% and copies last month's text.
    let april = w.path("returns-04");
    let mut f = Form::new("区发展和改革局");
    f.title = Some("区发展和改革局重点工作推进情况反馈表（2023年4月）".into());
    f.unit_line = Some("填报单位：区发展和改革局　报送期次：2023年4月".into());
    let mut r1 = Form::ok_row("ZF-001", "推进重点项目建设", "2023-06-30", 20.0);
    r1[13] = V::S("2023-04-28");
    let mut r2 = Form::ok_row("ZF-002", "优化营商环境专项行动", "2023-12-31", 45.0);
    r2[13] = V::S("2023-04-28");
    r2[5] = V::S("营商环境专项行动第二阶段已启动");
    f = f.row(r1).row(r2);
    f.write(&april.join("区发改局-4月.xlsx"));
    let v = run(&w, &april, "2023-04", "2023-04-30", &[]);

    let lowered = one_issue(&v, "ROW_PROGRESS_LOWERED");
    assert_eq!(lowered["task"], "ZF-001");
    assert_eq!(lowered["severity"], "warning");
    assert_eq!(lowered["cell"], "E4");
    let msg = lowered["message"].as_str().unwrap();
    assert!(msg.contains("40") && msg.contains("20"), "{msg}");
    let unchanged = one_issue(&v, "ROW_TEXT_UNCHANGED");
    assert_eq!(unchanged["task"], "ZF-001");

    let t = v["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == "ZF-001")
        .unwrap();
    assert_eq!(t["card"], "red", "{t}");
    let reasons = t["reasons"].to_string();
    assert!(
        reasons.contains("40") && reasons.contains("20"),
        "{reasons}"
    );

    // Rank change is known in April.
    assert!(v["units"]
        .as_array()
        .unwrap()
        .iter()
        .all(|u| !u["rank_change"].is_null()));
    // March's archive is intact.
    assert_eq!(
        std::fs::read(w.path("out/archive/2023-03/manifest.json")).unwrap(),
        march_manifest
    );
    assert!(w.path("out/archive/2023-04/results.json").is_file());
    assert_eq!(march_v["period"], "2023-03");
}

fn tree_bytes(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut m = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
                m.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    m
}

#[test]
fn same_output_for_any_thread_count_and_file_order() {
    let w = Workdir::new();
    w.ledger();
    let gen = duban()
        .args([
            "samples", "--units", "12", "--tasks", "60", "--messy", "0.5", "--seed", "11", "--out",
        ])
        .arg(w.path("s"))
        .output()
        .unwrap();
    assert!(
        gen.status.success(),
        "{}",
        String::from_utf8_lossy(&gen.stderr)
    );

    // A copy of the returns with the files in a different on-disk order
    // (created in reverse order).
    let src = w.path("s/returns");
    let copy = w.path("s2/returns");
    let mut files: Vec<_> = tree_bytes(&src).into_iter().collect();
    files.reverse();
    for (rel, bytes) in files {
        let p = copy.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }

    let mut outs = Vec::new();
    for (threads, returns, out) in [("1", &src, "o1"), ("2", &src, "o2"), ("2", &copy, "o3")] {
        let o = duban()
            .args([
                "--threads",
                threads,
                "--quiet",
                "run",
                "--period",
                "2023-03",
                "--ledger",
            ])
            .arg(w.path("s/台账.xlsx"))
            .arg("--returns")
            .arg(returns)
            .arg("--out")
            .arg(w.path(out))
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        outs.push(tree_bytes(&w.path(out)));
    }
    assert_eq!(
        outs[0].keys().collect::<Vec<_>>(),
        outs[1].keys().collect::<Vec<_>>()
    );
    for (k, v) in &outs[0] {
        assert!(outs[1][k] == *v, "{k} differs between 1 and 2 threads");
        assert!(outs[2][k] == *v, "{k} differs with another file order");
    }
}

/// Non-empty cells of a sheet by (row, column), as text.
type Cells = BTreeMap<(u32, u32), String>;

/// Every non-empty cell of every sheet, by sheet name and (row, column), as
/// text normalised so that the same value reads the same from an .xlsx and
/// an .ods: numbers to 6 decimals, dates and times as `%Y-%m-%d %H:%M:%S`.
fn workbook_cells(path: &Path) -> Vec<(String, Cells)> {
    use calamine::DataType;
    let mut wb = open_workbook_auto(path).unwrap();
    let names = wb.sheet_names().to_vec();
    names
        .into_iter()
        .map(|name| {
            let range = wb.worksheet_range(&name).unwrap();
            let (r0, c0) = range.start().unwrap_or((0, 0));
            let cells = range
                .cells()
                .filter_map(|(r, c, v)| {
                    let text = match v {
                        Data::Empty => return None,
                        Data::String(s) if s.is_empty() => return None,
                        Data::Float(f) => format!("{:.6}", f),
                        Data::Int(i) => format!("{:.6}", *i as f64),
                        Data::DateTime(_) | Data::DateTimeIso(_) => v
                            .as_datetime()
                            .or_else(|| v.as_date().and_then(|d| d.and_hms_opt(0, 0, 0)))
                            .map(|d| d.format("%Y-%m-%d %H:%M:%S").to_string())
                            .unwrap_or_else(|| v.to_string()),
                        other => other.to_string(),
                    };
                    Some(((r0 + r as u32, c0 + c as u32), text))
                })
                .collect();
            (name, cells)
        })
        .collect()
}

#[test]
fn libreoffice_opens_the_consolidated_workbook() {
    let w = Workdir::new();
    let returns = march(&w);
    run(&w, &returns, "2023-03", "2023-03-31", &[]);
    let ours = w.path("out/汇总_2023-03.xlsx");
    // LibreOffice reads the whole workbook and writes it again in its own
    // format: every sheet and every value it read back is what duban wrote.
    let Some(ods) = soffice_convert(&ours, "ods", &w.path("lo")) else {
        return;
    };
    let wrote = workbook_cells(&ours);
    let read_back = workbook_cells(&ods);
    let names = |wb: &[(String, Cells)]| wb.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    assert_eq!(names(&read_back), names(&wrote));
    assert_eq!(wrote.len(), 9);
    for ((name, ours), (_, theirs)) in wrote.iter().zip(&read_back) {
        assert!(!ours.is_empty(), "{name} is empty");
        for (at, v) in ours {
            assert_eq!(theirs.get(at), Some(v), "{name} {at:?}");
        }
        assert_eq!(theirs.len(), ours.len(), "{name}: cells LibreOffice added");
    }
    // What LibreOffice read includes the period and every task of the ledger.
    assert!(read_back[0].1.values().any(|v| v.contains("2023年3月")));
    assert_eq!(read_back[1].0, "台账汇总");
    for (id, ..) in TASKS {
        assert!(read_back[1].1.values().any(|v| v == id), "{id}");
    }
}

/// The value right of the first cell whose text is exactly `label` (总览 is a label/value layout).
fn value_right_of(rows: &[Vec<String>], label: &str) -> String {
    for r in rows {
        if let Some(i) = r.iter().position(|c| c == label) {
            if let Some(v) = r.get(i + 1) {
                return v.clone();
            }
        }
    }
    panic!("no label {label:?} in 总览: {rows:?}");
}

#[test]
fn overview_figures_match_the_json_and_carded_rows_are_colored() {
    use calamine::Xlsx;
    let w = Workdir::new();
    let returns = march(&w);
    let v = run(&w, &returns, "2023-03", "2023-03-31", &[]);
    let path = w.path("out/汇总_2023-03.xlsx");
    let overview = sheet_rows(&path, "总览");
    let t = &v["totals"];
    for (label, key) in [
        ("读取行数", "rows_read"),
        ("采用", "accepted"),
        ("退回", "rejected"),
        ("被替代", "superseded"),
        ("文件总数", "files"),
    ] {
        assert_eq!(
            value_right_of(&overview, label),
            t[key].to_string(),
            "总览 {label} differs from JSON totals.{key}"
        );
    }

    // Carded tasks' rows in 台账汇总 carry their card's fill; uncarded rows have none.
    let rows = sheet_rows(&path, "台账汇总");
    let header = rows
        .iter()
        .position(|r| r.iter().any(|c| c == "编号"))
        .unwrap();
    let card_col = rows[header].iter().position(|c| c == "亮牌").unwrap();
    let mut wb: Xlsx<_> = calamine::open_workbook(&path).unwrap();
    let range = wb.worksheet_range("台账汇总").unwrap();
    let (r0, c0) = range.start().unwrap();
    let styles = wb.worksheet_style("台账汇总").unwrap();
    let fill_of = |row: usize| {
        styles
            .get((r0 + row as u32, c0))
            .and_then(|s| s.fill.as_ref())
            .and_then(|f| f.get_color())
            .map(|c| c.to_argb() & 0x00FF_FFFF)
    };
    let mut by_card: BTreeMap<String, std::collections::BTreeSet<u32>> = BTreeMap::new();
    let mut carded = 0;
    for (i, r) in rows.iter().enumerate().skip(header + 1) {
        let Some(card) = r.get(card_col) else {
            continue;
        };
        if r.first().is_none_or(|id| id.is_empty()) {
            continue;
        }
        let fill = fill_of(i);
        if card.is_empty() {
            assert!(
                fill.is_none() || fill == Some(0xFFFFFF),
                "uncarded row {} is filled {fill:x?}",
                r[0]
            );
        } else {
            carded += 1;
            let f = fill.unwrap_or_else(|| panic!("carded row {} ({card}) has no fill", r[0]));
            by_card.entry(card.clone()).or_default().insert(f);
        }
    }
    assert!(carded > 0, "the March data should card some task");
    // One fill per card color, and different colors for different cards.
    let fills: Vec<u32> = by_card
        .values()
        .map(|s| {
            assert_eq!(s.len(), 1, "{by_card:x?}");
            *s.iter().next().unwrap()
        })
        .collect();
    let distinct: std::collections::BTreeSet<_> = fills.iter().collect();
    assert_eq!(distinct.len(), fills.len(), "{by_card:x?}");
    // The JSON agrees on which tasks are carded.
    let json_carded = v["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| !t["card"].is_null())
        .count();
    assert_eq!(carded, json_carded);

    // Print settings: A4 landscape, fit to width, header rows repeated.
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&path).unwrap()).unwrap();
    let mut wbxml = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("xl/workbook.xml").unwrap(), &mut wbxml)
        .unwrap();
    assert!(
        wbxml.contains("_xlnm.Print_Titles"),
        "no repeated header rows"
    );
    for i in 1..=9 {
        let mut xml = String::new();
        std::io::Read::read_to_string(
            &mut zip.by_name(&format!("xl/worksheets/sheet{i}.xml")).unwrap(),
            &mut xml,
        )
        .unwrap();
        // 台账汇总, 亮牌预警 and 单位排名 are read whole on A3, the others A4.
        let paper = if (2..=4).contains(&i) { "8" } else { "9" };
        assert!(
            xml.contains(&format!("paperSize=\"{paper}\"")),
            "sheet{i} not on paper {paper}"
        );
        assert!(
            xml.contains("orientation=\"landscape\""),
            "sheet{i} not landscape"
        );
        assert!(
            xml.contains("fitToWidth=\"1\"") || xml.contains("fitToPage=\"1\""),
            "sheet{i} not fit to width"
        );
    }
}

/// Text of every cell of every sheet of a workbook.
fn all_text(path: &Path) -> Vec<String> {
    workbook_cells(path)
        .into_iter()
        .flat_map(|(_, cells)| cells.into_values())
        .collect()
}

/// A run before any unit has returned its form: nothing read, every unit
/// listed as not reported with its missing tasks (JSON, 报送情况, a notice
/// each), next period's forms, and an archive that received nothing.
#[test]
fn run_with_no_returns_lists_every_unit_as_not_reported() {
    let w = Workdir::new();
    w.ledger();
    let returns = w.returns();
    let v = run(&w, &returns, "2023-03", "2023-03-31", &[]);
    for k in ["files", "rows_read", "accepted", "rejected", "superseded"] {
        assert_eq!(v["totals"][k], 0, "totals.{k}");
    }
    assert_eq!(v["files"].as_array().unwrap().len(), 0);
    assert!(v["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .all(|t| t["reported"] == false && t["actual"].is_null()));

    // Every unit has tasks due in March, all missing.
    let units = v["units"].as_array().unwrap();
    let mut names: Vec<&str> = units.iter().map(|u| u["name"].as_str().unwrap()).collect();
    names.sort();
    let mut ledger_units: Vec<&str> = UNITS.iter().map(|u| u.0).collect();
    ledger_units.sort();
    assert_eq!(names, ledger_units);
    let missing = |u: &Value| -> Vec<String> {
        u["missing"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap().to_string())
            .collect()
    };
    for u in units {
        assert_eq!(u["reported"], false, "{u}");
        assert!(u["due"].as_u64().unwrap() > 0, "{u}");
        assert_eq!(missing(u).len() as u64, u["due"].as_u64().unwrap(), "{u}");
    }
    let mut not_reported: Vec<&str> = issues_with(&v, "UNIT_NOT_REPORTED")
        .iter()
        .map(|i| i["unit"].as_str().unwrap())
        .collect();
    not_reported.sort();
    assert_eq!(not_reported, ledger_units);

    // 报送情况: each unit 未报送, with the ids of its missing tasks.
    let rows = sheet_rows(&w.path("out/汇总_2023-03.xlsx"), "报送情况");
    let col = |h: &str| rows[0].iter().position(|c| c == h).unwrap();
    let (status, ids) = (col("报送情况"), col("未报事项编号"));
    for u in units {
        let name = u["name"].as_str().unwrap();
        let row = rows
            .iter()
            .find(|r| r[0] == name)
            .unwrap_or_else(|| panic!("{name} missing from 报送情况"));
        assert_eq!(row[status], "未报送", "{row:?}");
        assert_eq!(row[ids], missing(u).join("、"), "{row:?}");
    }

    // A notice for each unit naming every task it did not report.
    let notices = w.path("out/反馈");
    let mut want: Vec<String> = UNITS.iter().map(|u| format!("{}.xlsx", u.0)).collect();
    want.sort();
    assert_eq!(file_names(&notices), want);
    for u in units {
        let name = u["name"].as_str().unwrap();
        let text = all_text(&notices.join(format!("{name}.xlsx")));
        assert!(
            text.iter().any(|t| t.contains("未报送")),
            "{name}: {text:?}"
        );
        for id in missing(u) {
            assert!(text.contains(&id), "{name}'s notice lacks {id}");
        }
    }

    // April's forms, one per unit.
    assert_eq!(file_names(&w.path("out/下期表单")), want);

    // The archive received nothing and holds the summary printed.
    let arch = w.path("out/archive/2023-03");
    let manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(arch.join("manifest.json")).unwrap())
            .unwrap();
    assert_eq!(manifest["files"], serde_json::json!([]));
    assert!(!arch.join("received").exists());
    let archived: Value =
        serde_json::from_str(&std::fs::read_to_string(arch.join("summary.json")).unwrap()).unwrap();
    assert_eq!(archived, v);
}
