//! Earlier periods' results, read back from the archive (`archive/<period>/results.json`),
//! feeding the rules that need them: lowered progress, repeat cards, orange twice
//! in a year, rank change, unchanged progress text.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::model::{Card, Status};
use crate::period::Period;

/// One task as it stood at the end of an earlier period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskSnap {
    pub id: String,
    pub unit: String,
    pub status: Option<Status>,
    /// Reported percent (None if nothing valid was reported).
    pub actual: Option<f64>,
    /// 进展情况 text as reported.
    #[serde(default)]
    pub progress: String,
    pub card: Option<Card>,
}

/// One unit as it stood at the end of an earlier period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitSnap {
    pub name: String,
    pub category: String,
    pub score: f64,
    pub rank: u32,
    pub card: Option<Card>,
}

/// The results of one earlier period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PeriodSnapshot {
    pub period: Period,
    pub as_of: NaiveDate,
    pub tasks: Vec<TaskSnap>,
    pub units: Vec<UnitSnap>,
}

impl PeriodSnapshot {
    pub fn task(&self, id: &str) -> Option<&TaskSnap> {
        self.tasks.iter().find(|t| t.id == id)
    }
    pub fn unit(&self, name: &str) -> Option<&UnitSnap> {
        self.units.iter().find(|u| u.name == name)
    }
}

/// Earlier periods, oldest first, all strictly before the current period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct History {
    pub periods: Vec<PeriodSnapshot>,
}

impl History {
    /// The most recent earlier period.
    pub fn last(&self) -> Option<&PeriodSnapshot> {
        self.periods.last()
    }

    /// The task as last reported in an earlier period (most recent first).
    pub fn prev_task(&self, id: &str) -> Option<&TaskSnap> {
        self.periods.iter().rev().find_map(|p| p.task(id))
    }

    /// Earlier periods newest first.
    pub fn newest_first(&self) -> impl Iterator<Item = &PeriodSnapshot> {
        self.periods.iter().rev()
    }
}
