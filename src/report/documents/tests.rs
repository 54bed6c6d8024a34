//! The documents of the fixture's runs say what the snapshot holds.

use std::io::Read;
use std::path::Path;

use super::wording::OVERRIDE_FILE;
use super::*;
use crate::config::Office;
use crate::report::fixture::{d, fixture, fixture_yor};

/// The text of a .docx's body, paragraphs on their own lines.
pub(super) fn docx_text(path: &Path) -> String {
    let bytes = std::fs::read(path).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    let mut out = String::new();
    for p in xml.split("</w:p>") {
        for t in p.split("<w:t").skip(1) {
            let Some(start) = t.find('>') else { continue };
            let body = &t[start + 1..];
            if let Some(end) = body.find("</w:t>") {
                out.push_str(&body[..end]);
            }
        }
        out.push('\n');
    }
    out.replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
}

pub(super) fn office() -> Office {
    Office {
        name: "四方台区人民政府督查室".into(),
        short_name: "区政府督查室".into(),
        doc_prefix: "四政督".into(),
        contact: "王明".into(),
        phone: "0469-1234567".into(),
    }
}

/// Write every document of `r` into `out`; the prepared plan and the paths.
pub(super) fn write_all(
    r: &crate::pipeline::RunResult,
    out: &Path,
) -> (Prepared, Config, Vec<std::path::PathBuf>) {
    let mut config = r.config.clone();
    config.office = office();
    config.issue_date = Some(d(2023, 4, 6));
    config.base_dir = out.to_path_buf();
    let mut run = r.clone();
    run.config = config.clone();
    let p = Prepared::new(
        Snapshot::of(&run, d(2023, 4, 6)),
        &config,
        out,
        d(2023, 4, 6),
    )
    .unwrap();
    let written = p.write(&config, out).unwrap();
    (p, config, written)
}

#[test]
#[ignore]
fn dump_documents() {
    let dir =
        std::path::PathBuf::from(std::env::var("DUBAN_DUMP").unwrap_or("/tmp/duban-docs".into()));
    for (name, r) in [("ryb", fixture()), ("yor", fixture_yor())] {
        let (_, _, written) = write_all(&r, &dir.join(name));
        eprintln!("{name}: {} documents", written.len());
    }
}

/// The documents written, by kind and unit, with their text.
fn texts(p: &Prepared, out: &Path) -> Vec<(DocKind, Option<String>, Option<u32>, String)> {
    p.plan
        .iter()
        .map(|d| {
            let text = docx_text(&out.join(&d.path));
            (d.kind, d.unit.clone(), d.number, text)
        })
        .collect()
}

fn flat(s: &str) -> String {
    s.split_whitespace().collect()
}

#[test]
fn the_bulletin_shows_the_figures_of_the_run() {
    for r in [fixture(), fixture_yor()] {
        let dir = tempfile::tempdir().unwrap();
        let (p, _, written) = write_all(&r, dir.path());
        assert_eq!(written.len(), p.plan.len());
        let all = texts(&p, dir.path());
        let (_, _, _, text) = all.iter().find(|d| d.0 == DocKind::Bulletin).unwrap();
        let text = flat(text);
        let s = &p.snapshot;
        let o = &s.overview;
        for want in [
            "四方台区人民政府督查室".to_string(),
            "第1期".into(),
            "关于2023年3月全区重点工作推进情况的通报".into(),
            format!("纳入督办的重点工作共{}项", o.tasks),
            format!("本期应报送{}项，实际报送{}项", o.due, o.reported),
            format!("已完成（含已落实）{}项", o.done),
            format!("按序时进度推进{}项", o.on_schedule),
            format!("滞后序时进度{}项，逾期未完成{}项", o.behind, o.overdue),
            format!("本期共有{}项重点工作亮牌", o.task_cards.total()),
            format!("亮牌单位{}个", o.unit_cards.total()),
            format!("未报送{}个", o.missing.len()),
            "2023年4月6日印发".into(),
        ] {
            assert!(text.contains(&want), "{want} missing from the 通报");
        }
        for t in &s.cards {
            assert!(text.contains(&t.id), "{}", t.id);
            for reason in super::common::reasons(&t.reasons).split('；') {
                assert!(text.contains(&flat(reason)), "{reason}");
            }
        }
        // Every unit of the ranking is named, ranked or not.
        for u in &s.units {
            assert!(text.contains(&u.name), "{}", u.name);
        }
        for u in s.units.iter().filter(|u| u.rank > 0) {
            let row = format!("{}{}{}", u.rank, u.name, common::score(u.score));
            assert!(text.contains(&row), "ranking row {row}");
        }
        for l in &s.leaders {
            assert!(text.contains(&l.name), "{}", l.name);
        }
        for u in &o.missing {
            assert!(text.contains(u.as_str()), "{u}");
        }
        // The attachment lists every task behind or overdue.
        for t in &s.behind {
            assert!(text.contains(&t.id), "attachment: {}", t.id);
        }
    }
}

#[test]
fn each_letter_goes_to_its_unit_with_its_tasks_number_and_deadline() {
    let mut silent_seen = false;
    for r in [fixture(), fixture_yor()] {
        let dir = tempfile::tempdir().unwrap();
        let (p, config, _) = write_all(&r, dir.path());
        let rules = p.wording.rules(p.snapshot.preset);
        let calendar = config.calendar();
        let letters: Vec<_> = texts(&p, dir.path())
            .into_iter()
            .filter(|d| d.0.is_letter())
            .collect();
        // Every carded unit gets what its card calls for, nothing else.
        let mut want: Vec<(DocKind, String)> = Vec::new();
        for l in &p.snapshot.letters {
            for k in rules.letters_for(l.card) {
                want.push((*k, l.unit.clone()));
            }
        }
        let mut got: Vec<(DocKind, String)> = letters
            .iter()
            .map(|d| (d.0, d.1.clone().unwrap()))
            .collect();
        want.sort();
        got.sort();
        assert_eq!(got, want);
        assert!(!letters.is_empty());
        silent_seen |= p.snapshot.letters.iter().any(|l| l.not_reported);
        // Numbered one after another from the first free number.
        let numbers: Vec<u32> = letters.iter().map(|d| d.2.unwrap()).collect();
        let first = p.numbering.first_letter;
        assert_eq!(
            numbers,
            (first..first + numbers.len() as u32).collect::<Vec<_>>()
        );
        for (kind, unit, number, text) in &letters {
            let unit = unit.as_deref().unwrap();
            let text = flat(text);
            let l = p.snapshot.letters.iter().find(|l| l.unit == unit).unwrap();
            let w = p.wording.letter(*kind).unwrap();
            let deadline = calendar.add_working_days(d(2023, 4, 6), w.working_days);
            for want in [
                format!("四政督〔2023〕{}号", number.unwrap()),
                format!("{unit}："),
                crate::value::cn_date(deadline),
                "联系人：王明，联系电话：0469-1234567。".into(),
            ] {
                assert!(text.contains(&want), "{kind} to {unit}: {want} missing");
            }
            for t in &l.tasks {
                assert!(text.contains(&t.id), "{kind} to {unit}: task {}", t.id);
                for reason in super::common::reasons(&t.reasons).split('；') {
                    assert!(text.contains(&flat(reason)), "{kind} to {unit}: {reason}");
                }
            }
            for reason in super::common::reasons(&l.reasons).split('；') {
                assert!(text.contains(&flat(reason)), "{kind} to {unit}: {reason}");
            }
            let silent = format!("你单位未报送{}重点工作推进情况", p.snapshot.period.label());
            let said = l.not_reported && l.reasons.is_empty();
            assert_eq!(text.contains(&silent), said, "{kind} to {unit}");
            for (id, _) in &l.missing {
                assert!(text.contains(id.as_str()), "{kind} to {unit}: missing {id}");
            }
            if !l.rejected.is_empty() {
                let (title, _) = l.notice.as_ref().unwrap();
                assert!(text.contains(&format!("附件：{title}")), "{unit}");
                assert!(text.contains(&format!("有{}行数据未通过核查", l.rejected.len())));
            }
            assert_eq!(
                text.contains("此联回执"),
                *kind == DocKind::Supervision,
                "{kind}: 回执"
            );
        }
    }
    assert!(silent_seen, "a carded unit that sent nothing");
}

#[test]
fn the_interview_list_names_who_is_called_in_and_by_whom() {
    let r = fixture();
    let dir = tempfile::tempdir().unwrap();
    let (p, _, _) = write_all(&r, dir.path());
    let all = texts(&p, dir.path());
    let (_, _, _, text) = all.iter().find(|d| d.0 == DocKind::InterviewList).unwrap();
    let text = flat(text);
    let rules = p.wording.rules(p.snapshot.preset);
    let mut n = 0;
    for u in &p.snapshot.units {
        match rules.interview(u.card, u.bottom3) {
            Some(rule) => {
                n += 1;
                let who = p.wording.common.government.clone()
                    + rule.conductor.trim_start_matches("{政府}");
                assert!(text.contains(&u.name), "{}", u.name);
                assert!(text.contains(&who), "{who}");
                if u.bottom3 {
                    let rank =
                        format!("{}第{}名，{}分", u.category, u.rank, common::score(u.score));
                    assert!(text.contains(&rank), "{rank}");
                }
            }
            None => assert!(!text.contains(&format!("{}亮", u.name)), "{}", u.name),
        }
    }
    assert!(n > 0);
    assert!(text.contains(&format!("共{n}个单位")));
}

#[test]
fn the_working_folder_changes_the_wording_and_the_office() {
    let r = fixture();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join(OVERRIDE_FILE),
        "[common]\ngovernment = \"县政府\"\nscope = \"全县\"\n\n[letters.reminder]\nworking_days = 2\nclosing = \"务请于{截止日期}前（{工作日}个工作日内）回复。\"\n",
    )
    .unwrap();
    let (p, _, _) = write_all(&r, dir.path());
    let all = texts(&p, dir.path());
    let bulletin = flat(&all.iter().find(|d| d.0 == DocKind::Bulletin).unwrap().3);
    assert!(bulletin.contains("关于2023年3月全县重点工作推进情况的通报"));
    let reminder = all.iter().find(|d| d.0 == DocKind::Reminder).unwrap();
    // Thursday 6 April + 2 working days.
    assert!(
        flat(&reminder.3).contains("务请于2023年4月10日前（2个工作日内）回复。"),
        "{}",
        reminder.3
    );
}

#[test]
fn the_same_run_gives_the_same_documents() {
    let r = fixture_yor();
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let (pa, _, wa) = write_all(&r, a.path());
    let (pb, _, wb) = write_all(&r, b.path());
    assert_eq!(pa.entries(), pb.entries());
    for (x, y) in wa.iter().zip(&wb) {
        assert_eq!(
            std::fs::read(x).unwrap(),
            std::fs::read(y).unwrap(),
            "{}",
            x.display()
        );
    }
    // Writing again replaces the folder's documents: none is left over.
    let again = pa
        .write(
            &Config {
                office: office(),
                ..r.config.clone()
            },
            a.path(),
        )
        .unwrap();
    assert_eq!(
        std::fs::read_dir(a.path().join(DOCUMENTS_DIR))
            .unwrap()
            .count(),
        again.len()
    );
}

#[test]
fn a_unit_that_leads_no_task_is_named_as_not_ranked() {
    let r = fixture();
    let dir = tempfile::tempdir().unwrap();
    let mut config = r.config.clone();
    config.office = office();
    config.base_dir = dir.path().to_path_buf();
    let mut snap = Snapshot::of(&r, d(2023, 4, 6));
    let last = snap.units.len() - 1;
    snap.units[last].rank = 0;
    let name = snap.units[last].name.clone();
    let p = Prepared::new(snap, &config, dir.path(), d(2023, 4, 6)).unwrap();
    p.write(&config, dir.path()).unwrap();
    let bulletin = p.plan.iter().find(|d| d.kind == DocKind::Bulletin).unwrap();
    let text = flat(&docx_text(&dir.path().join(&bulletin.path)));
    assert!(
        text.contains(&format!("{name}本期无牵头事项，未参与排名。")),
        "{name}"
    );
}

#[test]
fn long_lists_of_tasks_are_written_per_unit_with_every_task() {
    let r = fixture();
    let dir = tempfile::tempdir().unwrap();
    let mut config = r.config.clone();
    config.office = office();
    config.base_dir = dir.path().to_path_buf();
    let mut snap = Snapshot::of(&r, d(2023, 4, 6));
    // A city's lists: hundreds of tasks of each card, and behind.
    let grow = |v: &mut Vec<snapshot::TaskDoc>, times: usize| {
        let base = v.clone();
        for k in 0..times {
            v.extend(base.iter().map(|t| snapshot::TaskDoc {
                id: format!("{}-{k}", t.id),
                ..t.clone()
            }));
        }
    };
    grow(&mut snap.cards, 301);
    let times = 301 / snap.behind.len() + 1;
    grow(&mut snap.behind, times);
    let p = Prepared::new(snap, &config, dir.path(), d(2023, 4, 6)).unwrap();
    p.write(&config, dir.path()).unwrap();
    let bulletin = p.plan.iter().find(|d| d.kind == DocKind::Bulletin).unwrap();
    let xml = {
        let bytes = std::fs::read(dir.path().join(&bulletin.path)).unwrap();
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut s = String::new();
        zip.by_name("word/document.xml")
            .unwrap()
            .read_to_string(&mut s)
            .unwrap();
        s
    };
    let text = flat(&docx_text(&dir.path().join(&bulletin.path)));
    let s = &p.snapshot;
    for t in s.cards.iter().chain(&s.behind) {
        assert!(text.contains(&format!("{}“{}”", t.id, t.title)), "{}", t.id);
    }
    let unit = &s.behind[0].unit;
    let n = s.behind.iter().filter(|t| &t.unit == unit).count();
    assert!(text.contains(&format!("{unit}（{n}项）：")), "{unit}");
    // Only the short tables are tables: ranking per category, leaders.
    let tables = xml.matches("<w:tbl>").count();
    assert_eq!(tables, s.categories().len() + 1, "{tables} tables");
}
