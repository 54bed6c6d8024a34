//! The kinds of document duban writes, by the name the office gives them.

use serde::{Deserialize, Serialize};

/// A kind of document, named as in the JSON summary's `documents[].kind`
/// and in `templates/documents.toml`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub(crate) enum DocKind {
    /// The monthly 通报 (office-wide).
    #[serde(rename = "通报")]
    Bulletin,
    /// 提醒函 (red-yellow-blue: blue).
    #[serde(rename = "提醒函")]
    Reminder,
    /// 重点工作督办提示函 (yellow-orange-red: yellow).
    #[serde(rename = "督办提示函")]
    Prompt,
    /// 重点工作督办预警通知书 (yellow-orange-red: orange).
    #[serde(rename = "督办预警通知书")]
    Warning,
    /// 督办单, with a 回执 (red).
    #[serde(rename = "督办单")]
    Supervision,
    /// 约谈通知 (red-yellow-blue: yellow and red).
    #[serde(rename = "约谈通知")]
    Interview,
    /// 约谈名单 for the leaders (office-wide).
    #[serde(rename = "约谈名单")]
    InterviewList,
}

impl DocKind {
    /// Every kind, in the order documents are listed and numbered.
    #[cfg(test)]
    pub(crate) const ALL: [DocKind; 7] = [
        DocKind::Bulletin,
        DocKind::InterviewList,
        DocKind::Supervision,
        DocKind::Warning,
        DocKind::Interview,
        DocKind::Prompt,
        DocKind::Reminder,
    ];

    /// The name as the office writes it (and the JSON's `kind`).
    pub(crate) fn label(self) -> &'static str {
        match self {
            DocKind::Bulletin => "通报",
            DocKind::Reminder => "提醒函",
            DocKind::Prompt => "督办提示函",
            DocKind::Warning => "督办预警通知书",
            DocKind::Supervision => "督办单",
            DocKind::Interview => "约谈通知",
            DocKind::InterviewList => "约谈名单",
        }
    }

    /// A letter to one unit (numbered with a 文号), not an office-wide document.
    pub(crate) fn is_letter(self) -> bool {
        !matches!(self, DocKind::Bulletin | DocKind::InterviewList)
    }
}

impl std::fmt::Display for DocKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_serialise_as_their_chinese_names() {
        for k in DocKind::ALL {
            let json = serde_json::to_string(&k).unwrap();
            assert_eq!(json, format!("\"{}\"", k.label()));
            assert_eq!(serde_json::from_str::<DocKind>(&json).unwrap(), k);
        }
        let letters: Vec<_> = DocKind::ALL.iter().filter(|k| k.is_letter()).collect();
        assert_eq!(letters.len(), 5);
    }
}
