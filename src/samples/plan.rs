//! Which unit sends what: planned sequentially from the master RNG (the
//! files themselves are written in `returns.rs`).

use rand::seq::SliceRandom;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::ledger::Data;
use super::{pick, short_label, MessyKind, RowErrorKind, SampleOptions, EXTRA, PRIMARY};
use chrono::NaiveDate;

use crate::calendar::Calendar;
use crate::config::Config;
use crate::due::DueRule;
use crate::period::Period;

/// What one reporting unit sends.
pub(crate) struct UnitPlan {
    pub(crate) unit: usize,
    /// Due task indexes, ledger order.
    pub(crate) due: Vec<usize>,
    /// Sorted, deduplicated.
    pub(crate) kinds: Vec<MessyKind>,
    pub(crate) dir: &'static str,
    pub(crate) file_name: String,
    pub(crate) meta: bool,
    pub(crate) row_errors: Vec<RowErrorKind>,
    /// A task of another unit, for `RowErrorKind::OtherUnitTask`.
    pub(crate) foreign: Option<usize>,
    /// Tasks due last period (for `MessyKind::WrongPeriod`).
    pub(crate) prev_due: Vec<usize>,
}

impl UnitPlan {
    pub(super) fn has(&self, k: MessyKind) -> bool {
        self.kinds.contains(&k)
    }
    pub(super) fn csv(&self) -> bool {
        self.has(MessyKind::CsvUtf8Bom) || self.has(MessyKind::CsvGbk)
    }
}

pub(crate) struct Plan {
    pub(crate) due_units: u32,
    pub(crate) silent: Option<usize>,
    pub(crate) units: Vec<UnitPlan>,
    /// Lock file: (dir, name) next to a unit's xlsx.
    pub(crate) lock: Option<(&'static str, String, String)>,
    pub(crate) note_file: bool,
    /// Units whose forms arrive in one zip attachment.
    pub(crate) zip: Option<ZipPlan>,
    /// Units that answered an online form instead of sending a file.
    pub(crate) export: Option<ExportPlan>,
}

/// One e-mail attachment holding several units' forms, zipped on Chinese
/// Windows (GBK names, no UTF-8 flag).
pub(crate) struct ZipPlan {
    pub(crate) dir: &'static str,
    /// `3月报表.zip`; its members sit in the folder `3月报表/`.
    pub(crate) name: String,
    /// Unit indexes, ascending.
    pub(crate) units: Vec<usize>,
}

/// A collection-tool export (腾讯文档收集表) with several units' rows.
pub(crate) struct ExportPlan {
    pub(crate) name: String,
    /// Unit indexes, ascending.
    pub(crate) units: Vec<usize>,
    /// The unit that submitted twice (its earlier rows are superseded).
    pub(crate) twice: usize,
}

const DIRS: [(&str, u32); 4] = [("", 50), ("邮件", 25), ("U盘", 15), ("微信", 10)];

/// Does the task `t` report in `period` (as of `as_of`)? The real rule
/// ([`crate::due`]) with the config's defaults: nothing is done before the
/// generated period.
fn is_due(data: &Data, t: usize, period: Period, as_of: NaiveDate) -> bool {
    let cal = Calendar::new(&[], &[], 5);
    let rule = DueRule {
        period,
        as_of,
        calendar: &cal,
        near_deadline_days: Config::default().near_deadline_days,
    };
    let task = &data.tasks[t];
    rule.reason_of(task.stars, Some(task.effective_deadline()), false)
        .is_some()
}

pub(crate) fn plan(data: &Data, opts: &SampleOptions, rng: &mut ChaCha8Rng) -> Plan {
    let period = opts.period;
    let due: Vec<Vec<usize>> = data
        .by_unit
        .iter()
        .map(|ts| {
            ts.iter()
                .copied()
                .filter(|&t| is_due(data, t, period, opts.as_of()))
                .collect()
        })
        .collect();
    let reporting: Vec<usize> = (0..data.units.len())
        .filter(|&u| !due[u].is_empty())
        .collect();
    let n_messy = if opts.messy > 0.0 && !reporting.is_empty() {
        ((opts.messy * reporting.len() as f64).round() as usize).clamp(1, reporting.len())
    } else {
        0
    };
    let mut order = reporting.clone();
    order.shuffle(rng);
    let messy: Vec<usize> = order[..n_messy].to_vec();
    let silent = (n_messy >= 2).then(|| messy[n_messy - 1]);

    let mut kinds = messy_kinds(data, period.prev(), &due, &messy, silent, rng);
    sheet_shapes(&mut kinds, &messy, silent);
    let (errors, foreign) = spread_row_errors(data, &due, &messy, &kinds, rng);
    let mut per_unit = PerUnit {
        due,
        kinds,
        errors,
        foreign,
    };
    let units = unit_plans(data, period, &reporting, silent, &mut per_unit, rng);
    let (zip, export) = if n_messy > 0 {
        bundles(&units, period, rng)
    } else {
        (None, None)
    };
    let bundled = |u: usize| {
        zip.as_ref().is_some_and(|z| z.units.contains(&u))
            || export.as_ref().is_some_and(|e| e.units.contains(&u))
    };
    let lock = if n_messy > 0 {
        units
            .iter()
            .find(|p| !p.csv() && !p.has(MessyKind::DuplicatePair) && !bundled(p.unit))
            .map(|p| {
                (
                    p.dir,
                    format!("~${}", p.file_name),
                    data.units[p.unit].contact.clone(),
                )
            })
    } else {
        None
    };
    Plan {
        due_units: reporting.len() as u32,
        silent,
        units,
        lock,
        note_file: n_messy > 0,
        zip,
        export,
    }
}

/// Which units arrive bundled (only in a messy data set): three clean units
/// answer an online form (one of them twice) when at least four are clean;
/// two or three other clean units send their forms in one zip attachment
/// when at least two are left.
fn bundles(
    units: &[UnitPlan],
    period: Period,
    rng: &mut ChaCha8Rng,
) -> (Option<ZipPlan>, Option<ExportPlan>) {
    let mut clean: Vec<usize> = units
        .iter()
        .filter(|p| p.kinds.is_empty())
        .map(|p| p.unit)
        .collect();
    clean.shuffle(rng);
    let export = (clean.len() >= 4).then(|| {
        let mut chosen: Vec<usize> = clean.drain(..3).collect();
        chosen.sort_unstable();
        let twice = chosen[rng.random_range(0..chosen.len())];
        ExportPlan {
            name: format!(
                "{}重点工作进展收集表（收集结果）.xlsx",
                short_label(&period)
            ),
            units: chosen,
            twice,
        }
    });
    let pool = clean;
    let n = rng.random_range(2..=3usize).min(pool.len());
    let zip = (n >= 2).then(|| {
        let mut chosen: Vec<usize> = pool[..n].to_vec();
        chosen.sort_unstable();
        ZipPlan {
            dir: "邮件",
            name: format!("{}报表.zip", short_label(&period)),
            units: chosen,
        }
    });
    (zip, export)
}

/// What the plan decides for each unit (indexed by unit) before its file is named.
struct PerUnit {
    /// Due task indexes, ledger order.
    due: Vec<Vec<usize>>,
    kinds: Vec<Vec<MessyKind>>,
    errors: Vec<Vec<RowErrorKind>>,
    foreign: Vec<Option<usize>>,
}

/// The kinds of mess of each messy unit (the silent one sends nothing):
/// one primary kind in turn, sometimes an extra one and row errors.
fn messy_kinds(
    data: &Data,
    prev: Period,
    due: &[Vec<usize>],
    messy: &[usize],
    silent: Option<usize>,
    rng: &mut ChaCha8Rng,
) -> Vec<Vec<MessyKind>> {
    let mut kinds: Vec<Vec<MessyKind>> = vec![Vec::new(); data.units.len()];
    for (k, &u) in messy.iter().enumerate() {
        if Some(u) == silent {
            continue;
        }
        let mut primary = PRIMARY[k % PRIMARY.len()];
        if primary == MessyKind::MergedProblems && due[u].len() < 2 {
            primary = MessyKind::DateFormats;
        }
        let prev_due = data.by_unit[u]
            .iter()
            .any(|&t| is_due(data, t, prev, prev.end()));
        if primary == MessyKind::WrongPeriod && !prev_due {
            primary = MessyKind::StatusSynonyms;
        }
        let mut ks = vec![primary];
        if rng.random_bool(0.5) {
            let e = *pick(rng, &EXTRA);
            let conflict = e == MessyKind::AliasHeaders && primary == MessyKind::EnglishHeaders;
            if !conflict {
                ks.push(e);
            }
        }
        if primary != MessyKind::RowErrors && rng.random_bool(0.15) {
            ks.push(MessyKind::RowErrors);
        }
        ks.sort();
        ks.dedup();
        kinds[u] = ks;
    }
    kinds
}

/// The first messy xlsx forms (in the messy order) get last period's sheet
/// left hidden beside this period's, and a 合计 row and a formulas-only row
/// below the data: no draw from the RNG, so the rest stays as it was.
fn sheet_shapes(kinds: &mut [Vec<MessyKind>], messy: &[usize], silent: Option<usize>) {
    let plain = |ks: &[MessyKind]| {
        !ks.iter().any(|k| {
            matches!(
                k,
                MessyKind::CsvUtf8Bom
                    | MessyKind::CsvGbk
                    | MessyKind::WrongPeriod
                    | MessyKind::DuplicatePair
                    | MessyKind::RowErrors
                    | MessyKind::UnitByTaskIdsOnly
            )
        })
    };
    let mut wanted = vec![MessyKind::TotalRows, MessyKind::StaleHiddenSheet];
    for &u in messy.iter().filter(|&&u| Some(u) != silent) {
        if plain(&kinds[u]) {
            if let Some(k) = wanted.pop() {
                kinds[u].push(k);
                kinds[u].sort();
            }
        }
    }
}

/// Spread every kind of row error over the files that have row errors;
/// with the other unit's task each `OtherUnitTask` borrows.
fn spread_row_errors(
    data: &Data,
    due: &[Vec<usize>],
    messy: &[usize],
    kinds: &[Vec<MessyKind>],
    rng: &mut ChaCha8Rng,
) -> (Vec<Vec<RowErrorKind>>, Vec<Option<usize>>) {
    let with_errors: Vec<usize> = messy
        .iter()
        .copied()
        .filter(|&u| kinds[u].contains(&MessyKind::RowErrors))
        .collect();
    let per_file = RowErrorKind::ALL
        .len()
        .div_ceil(with_errors.len().max(1))
        .max(1);
    let mut errors: Vec<Vec<RowErrorKind>> = vec![Vec::new(); data.units.len()];
    let mut foreign: Vec<Option<usize>> = vec![None; data.units.len()];
    let mut counter = 0usize;
    for &u in &with_errors {
        let mut edits = 0;
        let mut tries = 0;
        while errors[u].len() < per_file && tries < RowErrorKind::ALL.len() {
            let k = RowErrorKind::ALL[counter % RowErrorKind::ALL.len()];
            counter += 1;
            tries += 1;
            if k.edits_row() {
                if edits >= due[u].len() {
                    continue;
                }
                edits += 1;
            }
            if k == RowErrorKind::OtherUnitTask {
                if data.units.len() < 2 {
                    continue;
                }
                let f = loop {
                    let t = rng.random_range(0..data.tasks.len());
                    if data.tasks[t].unit != u {
                        break t;
                    }
                };
                foreign[u] = Some(f);
            }
            errors[u].push(k);
        }
    }
    (errors, foreign)
}

/// The plan of every reporting unit but the silent one: the folder its
/// file lands in, the file's name, whether it carries duban's metadata.
fn unit_plans(
    data: &Data,
    period: Period,
    reporting: &[usize],
    silent: Option<usize>,
    per_unit: &mut PerUnit,
    rng: &mut ChaCha8Rng,
) -> Vec<UnitPlan> {
    let dir_total: u32 = DIRS.iter().map(|d| d.1).sum();
    let short = short_label(&period);
    let mut neutral = 0;
    let mut units = Vec::new();
    for &u in reporting {
        let mut x = rng.random_range(0..dir_total);
        let mut dir = DIRS[0].0;
        for d in DIRS {
            if x < d.1 {
                dir = d.0;
                break;
            }
            x -= d.1;
        }
        if Some(u) == silent {
            continue;
        }
        let ks = std::mem::take(&mut per_unit.kinds[u]);
        let csv = ks.contains(&MessyKind::CsvUtf8Bom) || ks.contains(&MessyKind::CsvGbk);
        let ext = if csv { "csv" } else { "xlsx" };
        let anonymous =
            ks.contains(&MessyKind::UnitInTitleOnly) || ks.contains(&MessyKind::UnitByTaskIdsOnly);
        let file_name = if anonymous {
            neutral += 1;
            let base = *pick(
                rng,
                &[
                    "反馈表",
                    "重点工作推进情况表",
                    "新建 Microsoft Excel 工作表",
                ],
            );
            format!("{base}({neutral}).{ext}")
        } else {
            format!("{}-{short}.{ext}", data.units[u].stem)
        };
        let identity_hidden = anonymous || ks.contains(&MessyKind::UnitInFileNameOnly);
        let meta = if ks.is_empty() {
            true
        } else if identity_hidden || csv {
            false
        } else {
            rng.random_bool(0.5)
        };
        let prev_due = if ks.contains(&MessyKind::WrongPeriod) {
            let prev = period.prev();
            data.by_unit[u]
                .iter()
                .copied()
                .filter(|&t| is_due(data, t, prev, prev.end()))
                .collect()
        } else {
            Vec::new()
        };
        units.push(UnitPlan {
            unit: u,
            due: per_unit.due[u].clone(),
            kinds: ks,
            dir,
            file_name,
            meta,
            row_errors: std::mem::take(&mut per_unit.errors[u]),
            foreign: per_unit.foreign[u],
            prev_due,
        });
    }
    units
}
