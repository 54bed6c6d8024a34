//! `duban rollup`: quarters, halves and years added up from an archive of
//! monthly runs made through the binary, checked against what the monthly
//! summaries said; the archive's checksums; missing periods; older snapshots.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;

use crate::common::*;

const SEED: &str = "11";
/// Months run: the whole third quarter and two months of the fourth.
const MONTHS: [&str; 5] = ["2026-07", "2026-08", "2026-09", "2026-10", "2026-11"];

/// A working folder of `duban samples` (8 units, 30 tasks) with `months`
/// run one after the other (each month's returns made by `duban samples`
/// for that month), and each month's `--json` summary.
pub(crate) struct Year {
    pub(crate) w: Workdir,
    pub(crate) summaries: BTreeMap<String, Value>,
}

impl Year {
    pub(crate) fn dir(&self) -> PathBuf {
        self.w.path("督办")
    }

    fn duban(&self, args: &[&str]) -> Output {
        duban().current_dir(self.dir()).args(args).output().unwrap()
    }

    /// `duban rollup SPAN --json -` (plus `extra`) in the working folder.
    pub(crate) fn rollup(&self, span: &str, extra: &[&str]) -> (Output, Option<Value>) {
        let mut args = vec!["rollup", span, "--json", "-"];
        args.extend(extra);
        let out = self.duban(&args);
        let v = out
            .status
            .success()
            .then(|| serde_json::from_slice(&out.stdout).expect("rollup JSON"));
        (out, v)
    }
}

pub(crate) fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn samples(dir: &Path, period: &str) {
    let out = duban()
        .args(["samples", "--units", "8", "--tasks", "30", "--seed", SEED])
        .args(["--period", period, "--force", "--out"])
        .arg(dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
}

pub(crate) fn build_year(months: &[&str]) -> Year {
    let w = Workdir::new();
    let dir = w.path("督办");
    samples(&dir, months[0]);
    std::fs::rename(dir.join("returns"), w.path("first-returns")).unwrap();
    std::fs::create_dir_all(dir.join("returns")).unwrap();
    std::fs::rename(w.path("first-returns"), dir.join("returns").join(months[0])).unwrap();
    let mut year = Year {
        w,
        summaries: BTreeMap::new(),
    };
    for (i, m) in months.iter().enumerate() {
        year.run(m, i == 0);
    }
    year
}

impl Year {
    /// Run the period `p` with its returns from `duban samples` (made
    /// already for the first) and keep its summary.
    fn run(&mut self, p: &str, made: bool) {
        if !made {
            let gen = self.w.path(&format!("gen-{p}"));
            samples(&gen, p);
            std::fs::rename(gen.join("returns"), self.dir().join("returns").join(p)).unwrap();
        }
        let mut args = vec!["run", "--period", p, "--json", "-", "--quiet"];
        // August's deadline is its first day after the month: most forms
        // come late (one from a unit with nothing due).
        if p == "2026-08" {
            args.extend(["--due", "2026-09-01"]);
        }
        let out = self.duban(&args);
        assert!(out.status.success(), "{p}: {}", text(&out.stderr));
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        // The period's returns match the year's ledger (same seed).
        let accepted = v["totals"]["accepted"].as_u64().unwrap();
        assert!(accepted > 10, "{p}: {}", v["totals"]);
        self.summaries.insert(p.to_string(), v);
    }
}

/// A file somewhere under `dir` (the first by name, depth first).
fn first_file(dir: &Path) -> PathBuf {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    entries.sort();
    for p in &entries {
        if p.is_file() {
            return p.clone();
        }
    }
    for p in entries {
        if p.is_dir() {
            return first_file(&p);
        }
    }
    panic!("no file under {}", dir.display())
}

fn r2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// What a unit's line of a roll-up must say, worked out from the monthly
/// summaries of `months` (red-yellow-blue: yellow and red call for 约谈,
/// as do the 后三位).
fn expected_unit(y: &Year, months: &[&str], name: &str) -> Value {
    let (mut due, mut on_time, mut late, mut not_reported) = (0, 0, 0, 0);
    let mut cards = BTreeMap::from([("red", 0), ("orange", 0), ("yellow", 0), ("blue", 0)]);
    let (mut bottom3, mut interviews) = (0, 0);
    let mut scores = Vec::new();
    for m in months {
        let s = &y.summaries[*m];
        let Some(u) = s["units"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["name"] == name)
        else {
            continue;
        };
        let has_due = u["due"].as_u64().unwrap() > 0;
        let reported = u["reported"].as_bool().unwrap();
        let is_late = u["late"].as_bool().unwrap();
        if has_due {
            due += 1;
            scores.push(u["score"].as_f64().unwrap());
            if reported && !is_late {
                on_time += 1;
            }
            if !reported {
                not_reported += 1;
            }
        }
        if is_late {
            late += 1;
        }
        if let Some(c) = u["card"].as_str() {
            *cards.get_mut(c).unwrap() += 1;
        }
        let b = u["bottom3"].as_bool().unwrap();
        bottom3 += u32::from(b);
        interviews += u32::from(b || matches!(u["card"].as_str(), Some("yellow" | "red")));
    }
    let mean = (!scores.is_empty()).then(|| r2(scores.iter().sum::<f64>() / scores.len() as f64));
    serde_json::json!({
        "periods_due": due, "on_time": on_time, "late": late, "not_reported": not_reported,
        "cards": cards, "bottom3_count": bottom3, "interviews": interviews, "mean_score": mean,
    })
}

fn strings(v: &Value) -> Vec<&str> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect()
}

/// Every unit's figures in `v` agree with the monthly summaries of `months`;
/// ranks are competition ranks of the mean (or annual) score in category.
fn check_against_months(y: &Year, v: &Value, months: &[&str]) {
    assert_eq!(strings(&v["periods_used"]), months);
    let names: Vec<String> = y.summaries[months[0]]["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(v["units"].as_array().unwrap().len(), names.len());
    for name in &names {
        let got = unit(v, name);
        let want = expected_unit(y, months, name);
        for (k, w) in want.as_object().unwrap() {
            assert_eq!(&got[k], w, "{name} {k} in {}", v["span"]);
        }
    }
    let year = v["annual_rules"].is_object();
    let score = |u: &Value| {
        if year {
            u["annual"]["score"].as_f64()
        } else {
            u["mean_score"].as_f64()
        }
    };
    for u in v["units"].as_array().unwrap() {
        let Some(s) = score(u) else {
            assert_eq!(u["rank"], 0);
            continue;
        };
        let better = v["units"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|o| o["category"] == u["category"])
            .filter(|o| score(o).is_some_and(|x| x > s))
            .count();
        assert_eq!(u["rank"], better as u64 + 1, "{}", u["name"]);
    }
}

#[test]
fn quarter_half_and_year_agree_with_the_monthly_summaries() {
    let mut y = build_year(&MONTHS);
    // Two quarterly runs in the monthly year: the second quarter (no month
    // of it archived) is used; the third overlaps July–September and is not.
    y.run("2026-Q2", false);
    y.run("2026-Q3", false);

    // The third quarter: every month archived.
    let (out, q3) = y.rollup("2026-Q3", &[]);
    let q3 = q3.unwrap_or_else(|| panic!("{}", text(&out.stderr)));
    assert_eq!(q3["span"], "2026-Q3");
    assert_eq!(q3["verified"], true);
    assert!(strings(&q3["periods_missing"]).is_empty());
    assert_eq!(
        q3["documents"],
        serde_json::json!([{"path": "公文/通报_2026年第三季度.docx", "kind": "通报", "unit": null}])
    );
    check_against_months(&y, &q3, &MONTHS[..3]);
    // Something to add up: some unit was late, missing or carded.
    let all = |k: &str| -> u64 {
        q3["units"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u[k].as_u64().unwrap())
            .sum()
    };
    assert!(all("not_reported") > 0, "a unit that sends nothing");
    assert!(all("late") > 0, "August's late forms");
    assert!(all("interviews") > 0);
    let notes = q3["notes"].to_string();
    assert!(
        notes.contains("2026-Q3") && notes.contains("未计入"),
        "{notes}"
    );
    // The quarter before is the quarterly run of 2026-Q2.
    assert_eq!(q3["previous"], "2026-Q2");

    // The fourth quarter in Chinese: December not archived yet; compared with Q3.
    let (out, q4) = y.rollup("2026年第四季度", &[]);
    let q4 = q4.unwrap_or_else(|| panic!("{}", text(&out.stderr)));
    assert_eq!(q4["span"], "2026-Q4");
    assert_eq!(strings(&q4["periods_missing"]), ["2026-12"]);
    check_against_months(&y, &q4, &MONTHS[3..]);
    assert_eq!(q4["previous"], "2026-Q3");
    for u in q4["units"].as_array().unwrap() {
        let before = unit(&q3, u["name"].as_str().unwrap())["rank"]
            .as_i64()
            .unwrap();
        let now = u["rank"].as_i64().unwrap();
        if before > 0 && now > 0 {
            assert_eq!(u["rank_change"], before - now, "{}", u["name"]);
        }
    }
    let said = text(&out.stderr);
    assert!(
        said.contains("2026年第四季度") && said.contains("2026-12"),
        "{said}"
    );
    assert!(said.contains("校验"), "{said}");

    // The second half.
    // Nothing of 2025 is archived: said, not an empty roll-up.
    let (out, _) = y.rollup("2025", &[]);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(
        err.contains("没有2025年") && err.contains("duban run"),
        "{err}"
    );

    let (out, h2) = y.rollup("2026-H2", &[]);
    let h2 = h2.unwrap_or_else(|| panic!("{}", text(&out.stderr)));
    check_against_months(&y, &h2, &MONTHS);
    assert_eq!(strings(&h2["periods_missing"]), ["2026-12"]);

    // The year: January–June and December missing; the 年度考评.
    let (out, year) = y.rollup("2026年", &[]);
    let year = year.unwrap_or_else(|| panic!("{}", text(&out.stderr)));
    let missing = strings(&year["periods_missing"]);
    assert_eq!(missing, ["2026-01", "2026-02", "2026-03", "2026-12"]);
    let mut used = vec!["2026-Q2"];
    used.extend(MONTHS);
    check_against_months(&y, &year, &used);
    let notes = year["notes"].to_string();
    assert!(
        notes.contains("2026-Q2") && notes.contains("已计入"),
        "{notes}"
    );
    let rules = &year["annual_rules"];
    assert_eq!(
        (
            rules["deduct_late"].as_f64(),
            rules["deduct_unreported"].as_f64()
        ),
        (Some(1.0), Some(2.0))
    );
    for u in year["units"].as_array().unwrap() {
        let a = &u["annual"];
        let Some(mean) = u["mean_score"].as_f64() else {
            assert!(a.is_null());
            continue;
        };
        assert_eq!(a["period_mean"].as_f64(), Some(mean));
        let k = a["evaluation_share"].as_f64().unwrap();
        let blended = match a["evaluation"].as_f64() {
            Some(e) => (1.0 - k) * mean + k * e,
            None => mean,
        };
        let late = u["late"].as_f64().unwrap();
        let unreported = u["not_reported"].as_f64().unwrap();
        assert_eq!(a["deduction"].as_f64(), Some(late + 2.0 * unreported));
        let want = r2((blended - late - 2.0 * unreported).clamp(0.0, 100.0));
        assert!((a["score"].as_f64().unwrap() - want).abs() < 0.011, "{u}");
        assert_eq!(a["rank"], u["rank"]);
    }
    // Tasks: one entry per period listed, the card and percent that period's
    // summary gave.
    for t in year["tasks"].as_array().unwrap() {
        for e in t["periods"].as_array().unwrap() {
            let s = &y.summaries[e["period"].as_str().unwrap()];
            let m = s["tasks"]
                .as_array()
                .unwrap()
                .iter()
                .find(|x| x["id"] == t["id"])
                .unwrap();
            for k in ["card", "actual", "status", "due", "closed"] {
                assert_eq!(e[k], m[k], "{} {} {k}", t["id"], e["period"]);
            }
        }
    }
    assert!(!year["leaders"].as_array().unwrap().is_empty());
}

#[test]
fn a_changed_or_missing_archive_file_stops_the_rollup_unless_no_verify() {
    let y = build_year(&MONTHS[..2]);
    let results = y.dir().join("archive/2026-08/results.json");
    // Still valid JSON, other bytes.
    let mut bytes = std::fs::read(&results).unwrap();
    bytes.extend_from_slice(b"\n");
    std::fs::write(&results, bytes).unwrap();

    let (out, v) = y.rollup("2026-Q3", &[]);
    assert!(!out.status.success() && v.is_none());
    let err = text(&out.stderr);
    assert!(
        err.contains("results.json") && err.contains("2026-08"),
        "{err}"
    );
    assert!(err.contains("--no-verify"), "{err}");

    // A received file gone.
    let received = y.dir().join("archive/2026-07/received");
    let first = first_file(&received);
    std::fs::remove_file(&first).unwrap();
    let (out, _) = y.rollup("2026-Q3", &[]);
    let err = text(&out.stderr);
    let name = first.file_name().unwrap().to_string_lossy().into_owned();
    assert!(!out.status.success());
    assert!(err.contains(&name) && err.contains("缺失"), "{err}");

    // --no-verify goes on and says so, in the JSON and on the terminal.
    let (out, v) = y.rollup("2026-Q3", &["--no-verify"]);
    let v = v.unwrap_or_else(|| panic!("{}", text(&out.stderr)));
    assert_eq!(v["verified"], false);
    assert_eq!(strings(&v["periods_used"]), ["2026-07", "2026-08"]);
    assert_eq!(strings(&v["periods_missing"]), ["2026-09"]);
    assert!(text(&out.stderr).contains("未校验"));
    // Without --json the terminal goes to stdout.
    let out = y.duban(&["rollup", "2026-Q3", "--no-verify"]);
    assert!(out.status.success());
    assert!(text(&out.stdout).contains("未校验"));
}

#[test]
fn an_archive_of_version_1_snapshots_is_rolled_up() {
    let w = Workdir::new();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/archive_v1/2023-03");
    let archive = w.path("archive");
    let dest = archive.join("2023-03");
    std::fs::create_dir_all(&dest).unwrap();
    for f in ["results.json", "manifest.json"] {
        std::fs::copy(fixture.join(f), dest.join(f)).unwrap();
    }
    let rollup = |extra: &[&str]| {
        duban()
            .current_dir(w.root())
            .args(["rollup", "2023-Q1", "--json", "-", "--archive"])
            .arg(&archive)
            .arg("--out")
            .arg(w.path("out"))
            .args(extra)
            .output()
            .unwrap()
    };
    // It has no SHA256SUMS: nothing to check it against.
    let out = rollup(&[]);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(
        err.contains("SHA256SUMS") && err.contains("--no-verify"),
        "{err}"
    );

    let out = rollup(&["--no-verify"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(strings(&v["periods_used"]), ["2023-03"]);
    assert_eq!(strings(&v["periods_missing"]), ["2023-01", "2023-02"]);
    let fagai = unit(&v, "区发展和改革局");
    assert_eq!(
        (
            fagai["mean_score"].as_f64(),
            fagai["cards"]["blue"].as_u64()
        ),
        (Some(85.87), Some(1))
    );
    assert_eq!(fagai["on_time"], 1);
    // 区财政局's rows were all rejected: due and not reported.
    let czj = unit(&v, "区财政局");
    assert_eq!(
        (czj["periods_due"].as_u64(), czj["not_reported"].as_u64()),
        (Some(1), Some(1))
    );
    let notes = v["notes"].to_string();
    assert!(notes.contains("较早版本"), "{notes}");
    let hy = v["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == "HY-002")
        .unwrap();
    assert_eq!(hy["periods"][0]["actual"], 60.0);
    assert_eq!(hy["final_status"], "正在办理");
}

#[test]
fn a_span_that_cannot_be_read_is_refused_in_chinese() {
    let w = Workdir::new();
    let out = duban()
        .current_dir(w.root())
        .args(["rollup", "2026年第五季度", "--archive", "a", "--out", "o"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(
        err.contains("无法识别的汇总期间") && err.contains("2026年下半年"),
        "{err}"
    );
}

/// The sheet `name` of the workbook at `path`, read with calamine.
fn sheet(path: &Path, name: &str) -> calamine::Range<calamine::Data> {
    use calamine::Reader;
    let mut wb = calamine::open_workbook_auto(path).unwrap();
    wb.worksheet_range(name).unwrap()
}

fn sheet_names(path: &Path) -> Vec<String> {
    use calamine::Reader;
    calamine::open_workbook_auto(path).unwrap().sheet_names()
}

/// The cell text or number at (row, col) as a string ("" when empty).
fn cell(r: &calamine::Range<calamine::Data>, row: usize, col: usize) -> String {
    r.get((row, col)).map(|d| d.to_string()).unwrap_or_default()
}

fn num(r: &calamine::Range<calamine::Data>, row: usize, col: usize) -> Option<f64> {
    use calamine::DataType;
    r.get((row, col)).and_then(|d| d.as_f64())
}

/// Row of the first cell in column `col` equal to `text`.
fn row_of(r: &calamine::Range<calamine::Data>, col: usize, text: &str) -> usize {
    (0..r.height())
        .find(|&i| cell(r, i, col) == text)
        .unwrap_or_else(|| panic!("no {text} in column {col}"))
}

/// Column of the header `text` in row `row`.
fn col_of(r: &calamine::Range<calamine::Data>, row: usize, text: &str) -> usize {
    (0..r.width())
        .find(|&c| cell(r, row, c) == text)
        .unwrap_or_else(|| panic!("no header {text} in row {row}"))
}

/// The fill colour (`FFC7CE` …) of the cell `at` (`E5`) of sheet `n` of the
/// xlsx at `path`, from its XML.
fn fill_of(path: &Path, n: usize, at: &str) -> Option<String> {
    use std::io::Read;
    let part = |name: &str| {
        let f = std::fs::File::open(path).unwrap();
        let mut z = zip::ZipArchive::new(f).unwrap();
        let mut s = String::new();
        z.by_name(name).unwrap().read_to_string(&mut s).unwrap();
        s
    };
    let xml = part(&format!("xl/worksheets/sheet{n}.xml"));
    let tag = xml
        .split(&format!("<c r=\"{at}\""))
        .nth(1)?
        .split('>')
        .next()?;
    let style: usize = tag.split("s=\"").nth(1)?.split('"').next()?.parse().ok()?;
    let styles = part("xl/styles.xml");
    let xfs = styles.split("<cellXfs").nth(1)?;
    let xf = xfs.split("<xf ").nth(style + 1)?;
    let fill: usize = xf
        .split("fillId=\"")
        .nth(1)?
        .split('"')
        .next()?
        .parse()
        .ok()?;
    let fills = styles.split("<fills").nth(1)?;
    let f = fills.split("<fill>").nth(fill + 1)?;
    let rgb = f.split("fgColor rgb=\"").nth(1)?.split('"').next()?;
    // ARGB: the first two digits are the alpha.
    Some(rgb.get(2..).unwrap_or(rgb).to_string())
}

/// `A1`-style name of a 0-based cell.
fn a1(row: usize, col: usize) -> String {
    let mut c = col + 1;
    let mut letters = String::new();
    while c > 0 {
        letters.insert(0, (b'A' + ((c - 1) % 26) as u8) as char);
        c = (c - 1) / 26;
    }
    format!("{letters}{}", row + 1)
}

#[test]
fn the_shaidan_workbook_shows_the_json_figures() {
    let y = build_year(&MONTHS[..3]);
    let (out, q3) = y.rollup("2026-Q3", &[]);
    let q3 = q3.unwrap_or_else(|| panic!("{}", text(&out.stderr)));
    let said = text(&out.stderr);
    let path = said
        .lines()
        .find_map(|l| l.strip_prefix("输出   "))
        .map(|p| y.dir().join(p))
        .unwrap_or_else(|| panic!("no output listed: {said}"));
    assert!(path.ends_with("晒单_2026年第三季度.xlsx"), "{said}");
    assert_eq!(
        sheet_names(&path),
        ["总览", "单位汇总", "事项进展", "领导汇总"]
    );
    let overview = sheet(&path, "总览");
    let all: String = (0..overview.height())
        .flat_map(|r| (0..4).map(move |c| (r, c)))
        .map(|(r, c)| cell(&overview, r, c))
        .collect();
    assert!(
        all.contains("2026年第三季度") && all.contains("SHA256SUMS"),
        "{all}"
    );
    assert!(!all.contains("未校验"));

    // 单位汇总: every unit's counts and mean score as the JSON has them.
    let units = sheet(&path, "单位汇总");
    let name_col = col_of(&units, 1, "单位");
    for u in q3["units"].as_array().unwrap() {
        let row = row_of(&units, name_col, u["name"].as_str().unwrap());
        for (h, k) in [
            ("应报期数", "periods_due"),
            ("按时报送(期)", "on_time"),
            ("逾期报送(期)", "late"),
            ("未报送(期)", "not_reported"),
            ("后三位(次)", "bottom3_count"),
            ("约谈(次)", "interviews"),
            ("平均得分", "mean_score"),
        ] {
            let got = num(&units, row, col_of(&units, 1, h));
            assert_eq!(got, u[k].as_f64(), "{} {h}", u["name"]);
        }
        let red = num(&units, row, col_of(&units, 1, "红牌(期)"));
        assert_eq!(red, u["cards"]["red"].as_f64(), "{}", u["name"]);
        if u["rank"] != 0 {
            assert_eq!(
                num(&units, row, col_of(&units, 1, "排名")),
                u["rank"].as_f64()
            );
        }
    }

    // 事项进展: each reported percent, the card colour of a carded cell.
    let tasks = sheet(&path, "事项进展");
    let mut carded = 0;
    for t in q3["tasks"].as_array().unwrap() {
        let row = row_of(&tasks, 0, t["id"].as_str().unwrap());
        for e in t["periods"].as_array().unwrap() {
            let month = e["period"].as_str().unwrap()[5..].trim_start_matches('0');
            let col = col_of(&tasks, 2, &format!("{month}月"));
            if let Some(a) = e["actual"].as_f64() {
                assert_eq!(
                    num(&tasks, row, col),
                    Some(a),
                    "{} {}",
                    t["id"],
                    e["period"]
                );
            }
            let want = match e["card"].as_str() {
                Some("red") => Some("FFC7CE"),
                Some("orange") => Some("FFD8A8"),
                Some("yellow") => Some("FFF2CC"),
                Some("blue") => Some("DDEBF7"),
                _ => None,
            };
            if let Some(want) = want {
                carded += 1;
                assert_eq!(fill_of(&path, 3, &a1(row, col)).as_deref(), Some(want));
            }
        }
    }
    assert!(carded > 0, "some task was carded");

    // A year adds 年度考评, its scores those of the JSON; LibreOffice opens it.
    let (out, year) = y.rollup("2026", &["--no-verify"]);
    let year = year.unwrap_or_else(|| panic!("{}", text(&out.stderr)));
    let path = y
        .dir()
        .join(path.parent().unwrap())
        .join("晒单_2026年.xlsx");
    assert_eq!(
        sheet_names(&path),
        ["总览", "单位汇总", "事项进展", "领导汇总", "年度考评"]
    );
    let check_annual = |path: &Path| {
        let annual = sheet(path, "年度考评");
        let name_col = col_of(&annual, 1, "单位");
        for u in year["units"].as_array().unwrap() {
            let a = &u["annual"];
            if a.is_null() {
                continue;
            }
            let row = row_of(&annual, name_col, u["name"].as_str().unwrap());
            for (h, k) in [
                ("期均得分", "period_mean"),
                ("加权得分", "blended"),
                ("扣分合计", "deduction"),
                ("年度得分", "score"),
            ] {
                let got = num(&annual, row, col_of(&annual, 1, h));
                assert_eq!(got, a[k].as_f64(), "{} {h}", u["name"]);
            }
        }
        let overview = sheet(path, "总览");
        assert!(cell(&overview, 1, 0).contains("未校验（--no-verify）"));
    };
    check_annual(&path);
    let Some(ods) = soffice_convert(&path, "ods", &y.w.path("ods")) else {
        return;
    };
    assert_eq!(
        sheet_names(&ods),
        ["总览", "单位汇总", "事项进展", "领导汇总", "年度考评"]
    );
    check_annual(&ods);
}
