//! Files that could not be read as forms (damaged, encrypted, a web page or
//! a PDF, a .rar …) tied to the unit their name or folder names, by the same
//! rules as a form's file name and folders. The unit then hears that its
//! file was received but could not be opened, and why; it still has no
//! accepted form. Lock files are never tied to anyone, and a file that is
//! not a spreadsheet and names no unit stays merely listed (`FILE_IGNORED`).

use serde::{Deserialize, Serialize};

use super::ident::{self, file_stem};
use super::{CheckedFile, FileState, ValidateCtx};
use crate::ingest::is_lock_file;
use crate::model::IssueCode;

/// Why a received file could not be read as a form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Unreadable {
    /// Corrupt, truncated, not what its name says (`FILE_UNREADABLE`).
    Damaged,
    /// Password-protected, or an encrypted zip (`FILE_ENCRYPTED`).
    Encrypted,
    /// Not an Excel form at all: a web page saved as .xls, a PDF, an image,
    /// a Word document, a .rar/.7z (`FILE_HTML`, `FILE_IGNORED`,
    /// `FILE_ARCHIVE_UNSUPPORTED`).
    Format,
    /// Over the configured limits (`FILE_TOO_LARGE`).
    TooLarge,
    /// Zero bytes, nothing in it (`FILE_EMPTY`).
    Empty,
    /// A spreadsheet without the form's header (`FILE_NOT_FORM`).
    NotForm,
}

impl Unreadable {
    /// The kind of a file-level issue that stopped a file from being read.
    pub(crate) fn of(code: IssueCode) -> Option<Unreadable> {
        Some(match code {
            IssueCode::FileUnreadable => Unreadable::Damaged,
            IssueCode::FileEncrypted => Unreadable::Encrypted,
            IssueCode::FileHtml | IssueCode::FileIgnored | IssueCode::FileArchiveUnsupported => {
                Unreadable::Format
            }
            IssueCode::FileTooLarge => Unreadable::TooLarge,
            IssueCode::FileEmpty => Unreadable::Empty,
            IssueCode::FileNotForm => Unreadable::NotForm,
            _ => return None,
        })
    }

    /// One word for tables (损坏 / 加密 / 格式 …).
    pub(crate) fn label(self) -> &'static str {
        match self {
            Unreadable::Damaged => "损坏",
            Unreadable::Encrypted => "加密",
            Unreadable::Format => "格式",
            Unreadable::TooLarge => "过大",
            Unreadable::Empty => "空文件",
            Unreadable::NotForm => "非反馈表",
        }
    }

    /// What is wrong with the file, for a sentence.
    pub(crate) fn why(self) -> &'static str {
        match self {
            Unreadable::Damaged => "文件已损坏，无法打开",
            Unreadable::Encrypted => "文件设有密码（加密），无法打开",
            Unreadable::Format => "不是 Excel 表格（格式不符），无法读取",
            Unreadable::TooLarge => "文件过大，未读取",
            Unreadable::Empty => "文件是空的",
            Unreadable::NotForm => "不是本期反馈表（找不到“编号”“当前状态”“完成进度”等表头）",
        }
    }

    /// What the unit should send instead.
    pub(crate) fn resend(self) -> &'static str {
        match self {
            Unreadable::Damaged => {
                "请在 Excel/WPS 中打开核对后另存为 Excel 工作簿(.xlsx)，重新报送"
            }
            Unreadable::Encrypted => "请去掉密码（或另存一份不设密码的副本）后重新报送",
            Unreadable::Format => {
                "请用下发的 Excel 表格填报，保存为 .xlsx 后报送（压缩包请用 .zip 格式）"
            }
            Unreadable::TooLarge => "请删除多余的工作表、图片和空白格式后另存，重新报送",
            Unreadable::Empty => "请填报后重新保存，再报送",
            Unreadable::NotForm => "请使用下发的反馈表填报后重新报送",
        }
    }
}

/// A file that could not be read as a form (`f`, with its one file-level
/// issue), tied to the unit its name or folders name: `unit` and the
/// issue's unit set, `unreadable` saying why. A file whose name names
/// another period than the run's is left to no one (it is not this
/// period's return).
pub(super) fn attribute(mut f: CheckedFile, ctx: &ValidateCtx) -> CheckedFile {
    if is_lock_file(f.file.name()) {
        return f;
    }
    let Some(kind) = f.issues.first().and_then(|i| Unreadable::of(i.code)) else {
        return f;
    };
    let named = ident::find_period_in(file_stem(&f.file.rel), ctx.period.year);
    if named.is_some_and(|p| !ident::period_matches(p, ctx.period)) {
        f.period = named;
        return f;
    }
    let unit = ident::unit_named_in_path(&f.file.rel, ctx.ledger);
    // A PDF or a note that names no unit is just listed, as before.
    if f.state == FileState::Ignored && unit.is_none() {
        return f;
    }
    f.unreadable = Some(kind);
    f.period = Some(ctx.period);
    if let Some(u) = unit {
        f.unit = Some(u.name.clone());
        for i in &mut f.issues {
            i.unit = Some(u.name.to_string());
        }
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::Ingested;
    use crate::model::Issue;
    use crate::validate::testkit::*;
    use crate::validate::validate_file;

    fn failed(rel: &str, code: IssueCode) -> Ingested {
        Ingested::Failed {
            file: src(rel),
            issue: Issue::error(code, "x").file(rel),
        }
    }

    fn ignored(rel: &str) -> Ingested {
        Ingested::Ignored {
            file: src(rel),
            issue: Issue::warning(IssueCode::FileIgnored, "x").file(rel),
        }
    }

    #[test]
    fn tied_by_name_then_folder_never_a_lock_file_nor_another_period() {
        let env = Env::new();
        let ctx = env.ctx();
        let check = |ing: &Ingested| validate_file(ing, &ctx);
        // The file name first, then the folders, innermost first.
        let f = check(&failed("区发改局/区住建局.xlsx", IssueCode::FileUnreadable));
        assert_eq!(f.unit.as_deref(), Some(ZJJ));
        assert_eq!(f.issues[0].unit.as_deref(), Some(ZJJ));
        assert_eq!(f.unreadable, Some(Unreadable::Damaged));
        let f = check(&failed(
            "区发改局.zip/反馈表.xlsx",
            IssueCode::FileEncrypted,
        ));
        assert_eq!(f.unit.as_deref(), Some(FGW));
        assert_eq!(f.unreadable, Some(Unreadable::Encrypted));
        // A PDF naming a unit is tied; one naming none is just listed.
        let f = check(&ignored("区财政局-盖章件.pdf"));
        assert_eq!(
            (f.unit.as_deref(), f.unreadable),
            (Some(CZJ), Some(Unreadable::Format))
        );
        let f = check(&ignored("会议纪要.pdf"));
        assert_eq!((f.unit.as_deref(), f.unreadable), (None, None));
        // A damaged file naming no unit still says why, for no one.
        let f = check(&failed("新建表格.xlsx", IssueCode::FileUnreadable));
        assert_eq!(
            (f.unit.as_deref(), f.unreadable),
            (None, Some(Unreadable::Damaged))
        );
        // Lock files belong to no one; last month's file is not this month's.
        let f = check(&ignored("~$区财政局.xlsx"));
        assert_eq!((f.unit.as_deref(), f.unreadable), (None, None));
        let f = check(&failed("区财政局-2月.xlsx", IssueCode::FileUnreadable));
        assert_eq!(f.unit, None);
        assert_eq!(f.period, Some(crate::period::Period::month(2023, 2)));
        let f = check(&failed("区财政局-3月.xlsx", IssueCode::FileUnreadable));
        assert_eq!(f.unit.as_deref(), Some(CZJ));
    }

    #[test]
    fn every_refusal_has_its_words() {
        for code in [
            IssueCode::FileUnreadable,
            IssueCode::FileEncrypted,
            IssueCode::FileHtml,
            IssueCode::FileIgnored,
            IssueCode::FileArchiveUnsupported,
            IssueCode::FileTooLarge,
            IssueCode::FileEmpty,
            IssueCode::FileNotForm,
        ] {
            let u = Unreadable::of(code).unwrap();
            assert!(!u.label().is_empty() && !u.why().is_empty() && !u.resend().is_empty());
        }
        assert_eq!(Unreadable::of(IssueCode::FileWrongPeriod), None);
        assert_eq!(
            Unreadable::of(IssueCode::FileEncrypted).unwrap().label(),
            "加密"
        );
    }
}
