//! Forms read back: headers, locked and answer cells, validations, pre-filled rows.

use super::form::{build_form, form_instructions, FORM_HEADER_ROW, FORM_SHEET};
use super::form::{build_form_with, col_of, FORM_COLUMNS};
use super::*;
use crate::ingest::{FORM_VERSION, META_KEYS, META_SHEET};
use crate::report::fixture;
use crate::report::xlsx::print_check::assert_readable;
use crate::report::xlsx::tests_support::{part, sheet_xml};
use crate::schema::FormField;
use crate::templates::templates;
use calamine::{open_workbook_auto, Data, DataType, Reader, SheetVisible};

/// The 0-based column of a field the form has.
fn col(key: FormField) -> u32 {
    u32::from(col_of(key).expect("a form column"))
}

fn spec_of<'a>(r: &'a crate::pipeline::RunResult, unit: &str, prefill: bool) -> FormSpec<'a> {
    let u = r.ledger.unit(unit).unwrap();
    let tasks: Vec<&Task> = r.ledger.tasks_of(&u.name).collect();
    FormSpec {
        unit: u,
        period: r.period,
        deadlines: tasks
            .iter()
            .filter_map(|t| t.deadline.map(|d| (t.id.to_string(), d)))
            .collect(),
        prefill: if prefill {
            tasks
                .iter()
                .filter_map(|t| {
                    r.merged
                        .reports
                        .get(t.id.as_str())
                        .map(|x| (t.id.to_string(), x.clone()))
                })
                .collect()
        } else {
            BTreeMap::new()
        },
        tasks,
        report_deadline: r.report_deadline,
        generated: r.as_of.to_string(),
        prefilled_from: String::new(),
    }
}

/// A unit with several tasks, some reported this period and some due next period.
fn busy_unit(r: &crate::pipeline::RunResult) -> &str {
    r.ledger
        .units
        .iter()
        .map(|u| u.name.as_str())
        .find(|u| {
            let tasks: Vec<&Task> = r.ledger.tasks_of(u).collect();
            tasks.len() >= 3
                && tasks
                    .iter()
                    .any(|t| r.merged.reports.contains_key(t.id.as_str()))
                && tasks.iter().any(|t| due_next(r, t))
        })
        .unwrap()
}

/// Due next period, written out (issue 15 §5): by star cadence, or not done
/// now and the deadline on or before the next period's last day + 7 days.
fn due_next(r: &crate::pipeline::RunResult, t: &Task) -> bool {
    let next = r.period.next();
    let now = r
        .scored
        .tasks
        .iter()
        .find(|x| x.id == t.id.as_str())
        .unwrap();
    let window = next.end() + chrono::Duration::days(7);
    next.is_due(t.stars) || (!now.done && now.deadline.is_some_and(|d| d <= window))
}

fn cell_str(range: &calamine::Range<Data>, row: u32, col: u32) -> String {
    range
        .get_value((row, col))
        .map(|d| d.to_string())
        .unwrap_or_default()
}

#[test]
fn form_reads_back_with_headers_meta_and_rows() {
    let r = fixture::fixture();
    let dir = tempfile::tempdir().unwrap();
    let unit = busy_unit(&r);
    let path = dir.path().join(format!("下期表单/{unit}.xlsx"));
    let spec = spec_of(&r, unit, false);
    write_form(&spec, &path).unwrap();

    let mut wb = open_workbook_auto(&path).unwrap();
    assert_eq!(
        wb.sheet_names(),
        vec![FORM_SHEET.to_string(), META_SHEET.to_string()]
    );
    let meta = wb
        .sheets_metadata()
        .iter()
        .find(|s| s.name == META_SHEET)
        .unwrap()
        .visible;
    assert_eq!(meta, SheetVisible::VeryHidden);

    let range = wb.worksheet_range(FORM_SHEET).unwrap();
    assert_eq!(
        cell_str(&range, 0, 0),
        format!("{unit}重点工作推进情况反馈表（2023年3月）")
    );
    assert_eq!(
        cell_str(&range, 1, 0),
        format!("填报单位：{unit}　报送期次：2023年3月")
    );
    // Every header matches its column via the template aliases.
    let t = &templates().form;
    for (c, col) in FORM_COLUMNS.iter().enumerate() {
        let h = cell_str(&range, FORM_HEADER_ROW, c as u32);
        assert_eq!(t.match_header(&h).map(|d| d.key), Some(col.0), "{h}");
    }
    for req in t.required() {
        assert!(FORM_COLUMNS.iter().any(|c| c.0 == req.key));
    }
    // Rows: the unit's tasks in ledger order, ids and deadlines filled, answers blank.
    let ids: Vec<String> = r.ledger.tasks_of(unit).map(|t| t.id.to_string()).collect();
    assert_eq!(ids.len(), spec.tasks.len());
    for (i, id) in ids.iter().enumerate() {
        let row = FORM_HEADER_ROW + 1 + i as u32;
        assert_eq!(cell_str(&range, row, col(FormField::Id)), *id);
        let dl = range.get_value((row, col(FormField::Deadline))).unwrap();
        assert_eq!(
            dl.as_date(),
            r.ledger.task(id).unwrap().deadline,
            "deadline is a real date"
        );
        assert_eq!(cell_str(&range, row, col(FormField::Status)), "");
    }
    // One signature block below the table, then the instructions.
    let sig_row = FORM_HEADER_ROW + 1 + ids.len() as u32 + 1;
    assert_eq!(cell_str(&range, sig_row, 0), "填报人：");
    assert_eq!(cell_str(&range, sig_row, 3), "联系电话：");
    assert_eq!(cell_str(&range, sig_row, 7), "填报日期：");
    assert_eq!(cell_str(&range, sig_row + 1, 0), "单位负责人（签字）：");
    // A fresh form names the ledger's contact; the date is left to the unit.
    let u = r.ledger.unit(unit).unwrap();
    assert_eq!(cell_str(&range, sig_row, 2), u.contact);
    assert_eq!(cell_str(&range, sig_row, 5), u.phone);
    assert_eq!(cell_str(&range, sig_row, 9), "");
    // No per-row columns for them any more.
    for key in [
        FormField::Filler,
        FormField::Phone,
        FormField::Head,
        FormField::FillDate,
    ] {
        assert!(col_of(key).is_none(), "{key}");
    }
    let note_row = sig_row + 3;
    assert!(cell_str(&range, note_row, 0).starts_with("填表说明："));

    let meta = wb.worksheet_range(META_SHEET).unwrap();
    let values = [
        unit.to_string(),
        "2023-03".to_string(),
        FORM_VERSION.to_string(),
        "2023-03-31".to_string(),
    ];
    for (i, k) in META_KEYS.iter().enumerate() {
        assert_eq!(cell_str(&meta, i as u32, 0), *k);
        assert_eq!(cell_str(&meta, i as u32, 1), values[i]);
    }
}

#[test]
fn form_locks_assigned_cells_and_protects_without_password() {
    let r = fixture::fixture();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.xlsx");
    let spec = spec_of(&r, busy_unit(&r), false);
    write_form(&spec, &path).unwrap();

    let mut x: calamine::Xlsx<_> = calamine::open_workbook(&path).unwrap();
    let styles = x.worksheet_style(FORM_SHEET).unwrap();
    let row = FORM_HEADER_ROW + 1;
    let locked = |c: u16| {
        styles
            .get((row, c as u32))
            .and_then(|s| s.protection.as_ref())
            .map(|p| p.locked)
            .unwrap_or(true)
    };
    use FormField::*;
    for key in [Id, Title, Stars, Leader, Deadline] {
        assert!(locked(col_of(key).unwrap()), "{key} must be locked");
    }
    for key in [Status, Percent, Progress, Expected, DelayReason] {
        assert!(!locked(col_of(key).unwrap()), "{key} must be unlocked");
    }
    // The signature block: labels locked, answers open.
    let sig = FORM_HEADER_ROW + 1 + spec.tasks.len() as u32 + 1;
    let locked_at = |row: u32, c: u32| {
        styles
            .get((row, c))
            .and_then(|s| s.protection.as_ref())
            .map(|p| p.locked)
            .unwrap_or(true)
    };
    for (row, label, answer) in [(sig, 0, 2), (sig, 3, 5), (sig, 7, 9), (sig + 1, 0, 3)] {
        assert!(locked_at(row, label), "label at {row},{label}");
        assert!(!locked_at(row, answer), "answer at {row},{answer}");
    }

    let buf = std::fs::read(&path).unwrap();
    let xml = sheet_xml(&buf, 1);
    assert!(xml.contains("<sheetProtection"), "protected");
    assert!(!xml.contains("password="), "no password");
    assert!(xml.contains(r#"formatColumns="0""#) && xml.contains(r#"autoFilter="0""#));
    assert_eq!(xml.matches("<dataValidation ").count(), 4, "{xml}");
    assert!(xml.contains("未启动,正在办理,已落实,已完成"));
    assert!(xml.contains(r#"type="whole""#) && xml.contains(r#"type="date""#));
    // Validations cover the answer rows only (from row 4, one per task),
    // and the signature block's date.
    let rows = format!(r#"sqref="E4:E{}""#, 3 + spec.tasks.len());
    assert!(xml.contains(&rows), "{rows}: {xml}");
    let date = format!(r#"sqref="J{0}:K{0}""#, sig + 1);
    assert!(xml.contains(&date), "{date}: {xml}");
    // A4 landscape, text at 10 pt or more; 星级 and 牵头领导 beside the printed columns.
    let p = &assert_readable(&buf, 10.0)[0];
    assert_eq!((p.paper, p.landscape, p.cols), (9, true, (0, 10)));
    assert!(u32::from(col_of(Stars).unwrap()) > p.cols.1);
    let wbx = part(&buf, "xl/workbook.xml");
    assert!(wbx.contains("_xlnm.Print_Titles"));
    assert!(wbx.contains(r#"state="veryHidden""#));
}

#[test]
fn prefilled_form_carries_last_report() {
    let r = fixture::fixture();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.xlsx");
    let spec = spec_of(&r, busy_unit(&r), true);
    assert!(!spec.prefill.is_empty());
    write_form(&spec, &path).unwrap();
    let mut wb = open_workbook_auto(&path).unwrap();
    let range = wb.worksheet_range(FORM_SHEET).unwrap();
    for (i, t) in spec.tasks.iter().enumerate() {
        let row = FORM_HEADER_ROW + 1 + i as u32;
        let Some(rep) = spec.prefill.get(t.id.as_str()) else {
            continue;
        };
        assert_eq!(
            cell_str(&range, row, col(FormField::Status)),
            rep.status.label()
        );
        assert_eq!(
            range
                .get_value((row, col(FormField::Percent)))
                .and_then(|d| d.as_f64()),
            Some(rep.percent)
        );
        assert_eq!(
            cell_str(&range, row, col(FormField::Progress)),
            rep.progress
        );
    }
}

#[test]
fn answer_cells_are_tinted_and_rows_tall_enough_to_write_in() {
    let r = fixture::fixture();
    let unit = busy_unit(&r);
    let spec = spec_of(&r, unit, false);
    let buf = build_form(&spec).unwrap().save_to_buffer().unwrap();
    let styles = crate::report::xlsx::tests_support::part(&buf, "xl/styles.xml");
    assert!(styles.contains("FFFFFDE7"), "answer fill");
    assert!(styles.contains("FFF2F2F2"), "assigned fill");
    let xml = crate::report::xlsx::tests_support::sheet_xml(&buf, 1);
    // Every task row is at least 45 points high (three lines to write in).
    let first = FORM_HEADER_ROW + 2;
    for i in 0..spec.tasks.len() as u32 {
        let row = format!("<row r=\"{}\" ht=\"", first + i);
        let ht: f64 = xml
            .split(&row[..])
            .nth(1)
            .and_then(|t| t.split('"').next())
            .and_then(|h| h.parse().ok())
            .unwrap_or_else(|| panic!("no height for {row}: {xml}"));
        assert!(ht >= 45.0, "{row}{ht}");
    }
    assert!(form_instructions(&spec).contains("浅黄色单元格由责任单位填写"));
    assert!(!form_instructions(&spec).contains("已预填上期"));
    let next = spec_of(&r, unit, true);
    assert!(form_instructions(&next).contains("6. 浅黄色单元格已预填上期报送的内容"));
}

#[test]
fn form_is_byte_identical_when_written_twice() {
    let r = fixture::fixture();
    let spec = spec_of(&r, busy_unit(&r), true);
    let a = build_form(&spec).unwrap().save_to_buffer().unwrap();
    let b = build_form(&spec).unwrap().save_to_buffer().unwrap();
    assert_eq!(a, b);
}

/// The tasks the run ends closed (销号).
fn closed_ids(r: &crate::pipeline::RunResult) -> std::collections::HashSet<&str> {
    r.scored
        .tasks
        .iter()
        .filter(|t| t.closed())
        .map(|t| t.id.as_str())
        .collect()
}

#[test]
fn closed_tasks_are_left_off_the_next_forms() {
    let r = fixture::fixture();
    let closed = closed_ids(&r);
    let t = r
        .scored
        .tasks
        .iter()
        .find(|t| t.closed() && r.period.next().is_due(t.stars))
        .expect("a task closed this period that would be due next period");
    assert_eq!(t.closed_period, Some(r.period));
    let cal = r.config.calendar();
    let rule = crate::due::DueRule {
        period: r.period.next(),
        as_of: r.period.next().end(),
        calendar: &cal,
        near_deadline_days: 7,
    };
    let listed = |expected: &crate::due::Expected| {
        form_specs(
            &r.ledger,
            r.period.next(),
            &cal,
            expected,
            &r.merged.reports,
            r.report_deadline,
            "2023-03-31",
        )
        .iter()
        .any(|s| s.tasks.iter().any(|x| x.id == t.id))
    };
    let all = rule.expected(&r.ledger, |_| false);
    // Without the closing it would have been on its unit's form.
    assert!(listed(&all));
    assert!(
        !listed(&all.without(|id| closed.contains(id))),
        "{} is closed",
        t.id
    );
    // What write_next_forms writes leaves it out.
    let dir = tempfile::tempdir().unwrap();
    let unit = r.ledger.task(&t.id).unwrap().lead_unit.to_string();
    let paths = write_next_forms(&r, dir.path()).unwrap();
    if let Some(p) = paths.iter().find(|p| p.ends_with(format!("{unit}.xlsx"))) {
        let mut wb = open_workbook_auto(p).unwrap();
        let range = wb.worksheet_range(FORM_SHEET).unwrap();
        assert!(!range
            .rows()
            .any(|row| row.iter().any(|c| c.to_string() == t.id)));
    }
}

#[test]
fn empty_form_still_valid() {
    let r = fixture::fixture();
    let mut spec = spec_of(&r, busy_unit(&r), false);
    spec.tasks.clear();
    let buf = build_form(&spec).unwrap().save_to_buffer().unwrap();
    // Only the signature block's date is validated.
    assert_eq!(sheet_xml(&buf, 1).matches("<dataValidation ").count(), 1);
}

#[test]
fn next_period_forms_for_units_with_due_tasks() {
    let r = fixture::fixture();
    let dir = tempfile::tempdir().unwrap();
    let paths = write_next_forms(&r, dir.path()).unwrap();
    // A form for every unit with tasks due in April: 4★ and 5★ (3★ report
    // quarterly), and 3★ tasks overdue or near the deadline, not done.
    let next = r.period.next();
    assert!(next.is_due(4) && !next.is_due(3));
    // Tasks closed (销号) this period are left out of next period's forms.
    let closed = closed_ids(&r);
    assert!(!closed.is_empty(), "the fixture closes tasks");
    let open_due = |t: &&Task| due_next(&r, t) && !closed.contains(t.id.as_str());
    let with_due = r
        .ledger
        .units
        .iter()
        .filter(|u| r.ledger.tasks_of(&u.name).any(|t| open_due(&t)))
        .count();
    assert_eq!(paths.len(), with_due);
    // The data set has such 3★ tasks, so the rule is exercised.
    assert!(r
        .ledger
        .tasks
        .iter()
        .any(|t| t.stars == 3 && due_next(&r, t)));
    let unit = busy_unit(&r);
    let p = dir.path().join(format!("{unit}.xlsx"));
    assert!(paths.contains(&p));
    let mut wb = open_workbook_auto(&p).unwrap();
    let range = wb.worksheet_range(FORM_SHEET).unwrap();
    assert_eq!(
        cell_str(&range, 1, 0),
        format!("填报单位：{unit}　报送期次：2023年4月")
    );
    let due: Vec<&Task> = r.ledger.tasks_of(unit).filter(open_due).collect();
    let mut prefilled = 0;
    for (i, t) in due.iter().enumerate() {
        let row = FORM_HEADER_ROW + 1 + i as u32;
        assert_eq!(cell_str(&range, row, col(FormField::Id)), t.id);
        if let Some(rep) = r.merged.reports.get(t.id.as_str()) {
            assert_eq!(
                cell_str(&range, row, col(FormField::Status)),
                rep.status.label()
            );
            prefilled += 1;
        }
    }
    assert!(prefilled > 0);
    // The signature block carries what the unit signed last time, not the date.
    let sig = FORM_HEADER_ROW + 1 + due.len() as u32 + 1;
    let last = due
        .iter()
        .find_map(|t| r.merged.reports.get(t.id.as_str()))
        .unwrap();
    assert!(!last.filler.is_empty());
    assert_eq!(cell_str(&range, sig, 2), last.filler);
    assert_eq!(cell_str(&range, sig, 5), last.phone);
    assert_eq!(cell_str(&range, sig + 1, 3), last.head);
    assert_eq!(cell_str(&range, sig, 9), "");
    assert!(cell_str(&range, sig + 3, 0).starts_with("填表说明"));
    let buf = std::fs::read(&p).unwrap();
    assert_readable(&buf, 10.0);
    let meta = wb.worksheet_range(META_SHEET).unwrap();
    assert_eq!(cell_str(&meta, 1, 1), "2023-04");
}

#[test]
fn streamed_form_looks_the_same_as_in_memory() {
    let r = fixture::fixture();
    for unit in r.ledger.units.iter().map(|u| u.name.as_str()) {
        for prefill in [false, true] {
            let spec = spec_of(&r, unit, prefill);
            let mut a = build_form_with(&spec, false).unwrap();
            let mut b = build_form(&spec).unwrap();
            let (a, b) = (a.save_to_buffer().unwrap(), b.save_to_buffer().unwrap());
            let tall = crate::report::xlsx::tests_support::assert_same_look(&a, &b);
            if !spec.tasks.is_empty() {
                assert!(tall[0] > spec.tasks.len(), "{unit}: {tall:?}");
            }
        }
    }
}
