use std::io::{Cursor, Write};
use std::path::Path;

use chrono::NaiveDate;

use super::*;
use crate::ingest::Content;
use crate::samples::zipfile::{stored_zip, Member};

fn read_all(path: &Path, root: &Path, limits: &Limits) -> (Received, Vec<Input>) {
    let mut inputs = Vec::new();
    let r = read(path, root, limits, &mut |i| inputs.push(i));
    (r, inputs)
}

fn refused(i: &Input) -> (IssueCode, &str) {
    match &i.content {
        Content::Refused { code, message } => (*code, message.as_str()),
        Content::Bytes(_) => panic!("{} was not refused", i.rel),
    }
}

fn bytes(i: &Input) -> &[u8] {
    match &i.content {
        Content::Bytes(b) => b,
        Content::Refused { message, .. } => panic!("{} refused: {message}", i.rel),
    }
}

/// A zip written by the zip crate (UTF-8 names, deflated).
fn zip_of(members: &[(&str, &[u8])]) -> Vec<u8> {
    let mut buf = Cursor::new(Vec::new());
    {
        let mut w = ::zip::ZipWriter::new(&mut buf);
        let o = ::zip::write::SimpleFileOptions::default()
            .compression_method(::zip::CompressionMethod::Deflated);
        for (name, data) in members {
            if name.ends_with('/') {
                w.add_directory(name.trim_end_matches('/'), o).unwrap();
            } else {
                w.start_file(*name, o).unwrap();
                w.write_all(data).unwrap();
            }
        }
        w.finish().unwrap();
    }
    buf.into_inner()
}

fn t0() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2023, 4, 3)
        .unwrap()
        .and_hms_opt(9, 0, 0)
        .unwrap()
}

#[test]
fn the_folder_is_listed_sorted_and_recursive() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("b/c")).unwrap();
    std::fs::create_dir_all(root.join("a")).unwrap();
    std::fs::write(root.join("b/c/z.xlsx"), b"z").unwrap();
    std::fs::write(root.join("a/y.xlsx"), b"y").unwrap();
    std::fs::write(root.join("b/~$z.xlsx"), b"x").unwrap();
    std::fs::write(root.join("0.txt"), b"x").unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(root, root.join("b/loop")).unwrap();
    let files = discover(root).unwrap();
    let rels: Vec<String> = files.iter().map(|p| folder::rel_path(p, root)).collect();
    assert_eq!(rels, vec!["0.txt", "a/y.xlsx", "b/c/z.xlsx", "b/~$z.xlsx"]);
    assert!(discover(&root.join("missing")).is_err());
}

#[test]
fn a_plain_file_is_one_input_of_its_own() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("U盘")).unwrap();
    let p = dir.path().join("U盘/区发改局.xlsx");
    std::fs::write(&p, b"not really a workbook").unwrap();
    let (r, inputs) = read_all(&p, dir.path(), &Limits::default());
    assert_eq!(r.kind, ReceivedKind::File);
    assert_eq!(
        (r.path.as_str(), r.inputs, r.size),
        ("U盘/区发改局.xlsx", 1, 21)
    );
    assert_eq!(inputs.len(), 1);
    assert_eq!(inputs[0].rel, "U盘/区发改局.xlsx");
    assert_eq!(inputs[0].container, None);
    assert_eq!(inputs[0].sha256, r.sha256);
    assert_eq!(bytes(&inputs[0]), b"not really a workbook");
}

#[test]
fn a_zip_is_read_as_a_folder_of_its_members() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("邮件")).unwrap();
    let z = zip_of(&[
        ("3月/", b""),
        ("3月/区财政局.xlsx", b"B"),
        ("3月/区司法局.xlsx", b"A"),
        ("__MACOSX/3月/._区司法局.xlsx", b"junk"),
        ("3月/.DS_Store", b"junk"),
        ("3月/~$区司法局.xlsx", b"lock"),
        ("../../../etc/evil.xlsx", b"C"),
    ]);
    let p = dir.path().join("邮件/3月报表.zip");
    std::fs::write(&p, &z).unwrap();
    let (r, inputs) = read_all(&p, dir.path(), &Limits::default());
    assert_eq!(r.kind, ReceivedKind::Zip);
    assert_eq!(r.sha256, crate::store::digest::sha256_hex(&z));
    let rels: Vec<&str> = inputs.iter().map(|i| i.rel.as_str()).collect();
    // Sorted by path; junk skipped; `..` never leaves the zip.
    assert_eq!(
        rels,
        [
            "邮件/3月报表.zip/3月/~$区司法局.xlsx",
            "邮件/3月报表.zip/3月/区司法局.xlsx",
            "邮件/3月报表.zip/3月/区财政局.xlsx",
            "邮件/3月报表.zip/etc/evil.xlsx",
        ]
    );
    assert_eq!(r.inputs, 4);
    for i in &inputs {
        assert_eq!(i.container.as_deref(), Some("邮件/3月报表.zip"));
        assert_eq!(i.sha256, crate::store::digest::sha256_hex(bytes(i)));
        assert!(i.modified.is_some());
    }
    assert_eq!(bytes(&inputs[1]), b"A");
    assert_eq!(
        display_name(&inputs[1].rel, inputs[1].container.as_deref()),
        "3月报表.zip/3月/区司法局.xlsx"
    );
    assert_eq!(display_name("U盘/区发改局.xlsx", None), "区发改局.xlsx");
    assert_eq!(display_name("a.zip/b.xlsx", Some("a.zip")), "a.zip/b.xlsx");
}

#[test]
fn gbk_names_of_zips_made_on_chinese_windows_decode() {
    let dir = tempfile::tempdir().unwrap();
    let gbk = |s: &str| encoding_rs::GBK.encode(s).0.into_owned();
    let z = stored_zip(&[
        Member {
            name: gbk("三月\\区司法局-3月.xlsx"),
            utf8: false,
            data: b"A",
            modified: t0(),
        },
        Member {
            name: "区商务局.xlsx".as_bytes().to_vec(),
            utf8: true,
            data: b"B",
            modified: t0(),
        },
    ]);
    let p = dir.path().join("附件.zip");
    std::fs::write(&p, z).unwrap();
    let (_, inputs) = read_all(&p, dir.path(), &Limits::default());
    let rels: Vec<&str> = inputs.iter().map(|i| i.rel.as_str()).collect();
    assert_eq!(
        rels,
        ["附件.zip/三月/区司法局-3月.xlsx", "附件.zip/区商务局.xlsx"]
    );
    assert_eq!(inputs[0].modified, Some(t0()));
}

#[test]
fn nested_zips_are_unpacked_two_levels_deep_and_no_deeper() {
    let dir = tempfile::tempdir().unwrap();
    let deepest = zip_of(&[("c.xlsx", b"C")]);
    let inner = zip_of(&[("b.xlsx", b"B"), ("more.zip", &deepest)]);
    let outer = zip_of(&[("a.xlsx", b"A"), ("inner.zip", &inner)]);
    let p = dir.path().join("outer.zip");
    std::fs::write(&p, outer).unwrap();
    let (r, inputs) = read_all(&p, dir.path(), &Limits::default());
    let rels: Vec<&str> = inputs.iter().map(|i| i.rel.as_str()).collect();
    assert_eq!(
        rels,
        [
            "outer.zip/a.xlsx",
            "outer.zip/inner.zip/b.xlsx",
            "outer.zip/inner.zip/more.zip"
        ]
    );
    assert_eq!(r.inputs, 3);
    assert_eq!(bytes(&inputs[1]), b"B");
    assert_eq!(inputs[1].container.as_deref(), Some("outer.zip"));
    let (code, msg) = refused(&inputs[2]);
    assert_eq!(code, IssueCode::FileArchiveUnsupported);
    assert!(msg.contains("多层压缩包"), "{msg}");
}

#[test]
fn encrypted_damaged_empty_and_other_archives_are_refused_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    // An encrypted member (flag bit 0, as ZipCrypto and AES set it).
    let mut z = stored_zip(&[Member {
        name: b"secret.xlsx".to_vec(),
        utf8: false,
        data: b"xxxx",
        modified: t0(),
    }]);
    let central = memchr::memmem::rfind(&z, b"PK\x01\x02").unwrap();
    z[6] |= 1;
    z[central + 8] |= 1;
    std::fs::write(root.join("区司法局.zip"), &z).unwrap();
    let (_, inputs) = read_all(&root.join("区司法局.zip"), root, &Limits::default());
    assert_eq!(inputs[0].rel, "区司法局.zip/secret.xlsx");
    let (code, msg) = refused(&inputs[0]);
    assert_eq!(code, IssueCode::FileEncrypted);
    assert!(msg.contains("密码"), "{msg}");

    std::fs::write(root.join("坏.zip"), b"PK\x03\x04 truncated").unwrap();
    let (r, inputs) = read_all(&root.join("坏.zip"), root, &Limits::default());
    assert_eq!((r.kind, inputs.len()), (ReceivedKind::Zip, 1));
    assert_eq!(inputs[0].rel, "坏.zip");
    assert_eq!(inputs[0].container, None);
    assert_eq!(refused(&inputs[0]).0, IssueCode::FileUnreadable);

    std::fs::write(root.join("空.zip"), zip_of(&[("文件夹/", b"")])).unwrap();
    let (_, inputs) = read_all(&root.join("空.zip"), root, &Limits::default());
    assert_eq!(refused(&inputs[0]).0, IssueCode::FileEmpty);

    std::fs::write(root.join("区商务局.rar"), b"Rar!\x1A\x07\x01\x00rest").unwrap();
    let (r, inputs) = read_all(&root.join("区商务局.rar"), root, &Limits::default());
    assert_eq!(r.kind, ReceivedKind::File);
    let (code, msg) = refused(&inputs[0]);
    assert_eq!(code, IssueCode::FileArchiveUnsupported);
    assert!(msg.contains("RAR") && msg.contains(".zip"), "{msg}");
    // A 7z named .zip is told by its bytes.
    std::fs::write(
        root.join("报表.zip"),
        [b'7', b'z', 0xBC, 0xAF, 0x27, 0x1C, 0, 4],
    )
    .unwrap();
    let (_, inputs) = read_all(&root.join("报表.zip"), root, &Limits::default());
    assert_eq!(refused(&inputs[0]).0, IssueCode::FileArchiveUnsupported);
}

#[test]
fn workbooks_and_documents_are_never_unpacked() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let xlsx = zip_of(&[
        ("[Content_Types].xml", b"<x/>"),
        ("xl/workbook.xml", b"<w/>"),
    ]);
    // A workbook named .zip, an .xlsx, a .docx: one input each, as they are.
    for name in ["renamed.zip", "form.xlsx", "letter.docx"] {
        std::fs::write(root.join(name), &xlsx).unwrap();
        let (r, inputs) = read_all(&root.join(name), root, &Limits::default());
        assert_eq!(r.kind, ReceivedKind::File, "{name}");
        assert_eq!(bytes(&inputs[0]), &xlsx[..], "{name}");
    }
    // A zip of forms with any other name is unpacked.
    let z = zip_of(&[("a.xlsx", b"A")]);
    std::fs::write(root.join("附件"), &z).unwrap();
    let (r, _) = read_all(&root.join("附件"), root, &Limits::default());
    assert_eq!(r.kind, ReceivedKind::Zip);
}

#[test]
fn limits_hold_for_the_zip_as_a_whole() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    // Too many members: refused on the count, before anything is inflated.
    let many: Vec<(String, Vec<u8>)> = (0..30).map(|i| (format!("{i}.txt"), vec![])).collect();
    let many: Vec<(&str, &[u8])> = many.iter().map(|(n, d)| (n.as_str(), &d[..])).collect();
    std::fs::write(root.join("many.zip"), zip_of(&many)).unwrap();
    let few = Limits {
        max_zip_members: 20,
        ..Limits::default()
    };
    let (_, inputs) = read_all(&root.join("many.zip"), root, &few);
    assert_eq!(inputs.len(), 1);
    let (code, msg) = refused(&inputs[0]);
    assert_eq!(code, IssueCode::FileTooLarge);
    assert!(
        msg.contains("30 个") && msg.contains("max_zip_members"),
        "{msg}"
    );

    // Inflated bytes over the budget in all, though each member is small.
    let big = vec![b'a'; 60_000];
    std::fs::write(
        root.join("bomb.zip"),
        zip_of(&[("a.xlsx", &big), ("b.xlsx", &big)]),
    )
    .unwrap();
    let tight = Limits {
        max_inflated_bytes: 100_000,
        ..Limits::default()
    };
    let (_, inputs) = read_all(&root.join("bomb.zip"), root, &tight);
    assert_eq!(inputs.len(), 1);
    assert_eq!(inputs[0].rel, "bomb.zip");
    assert_eq!(refused(&inputs[0]).0, IssueCode::FileTooLarge);

    // Sizes that lie (declared 1,000 bytes, inflating to 200,000): caught
    // by counting while inflating.
    let mut lying = zip_of(&[("a.xlsx", &vec![b'a'; 200_000])]);
    let (real, lie) = (200_000u32.to_le_bytes(), 1_000u32.to_le_bytes());
    for i in 0..lying.len() - 4 {
        if lying[i..i + 4] == real {
            lying[i..i + 4].copy_from_slice(&lie);
        }
    }
    std::fs::write(root.join("lying.zip"), lying).unwrap();
    let (_, inputs) = read_all(&root.join("lying.zip"), root, &tight);
    assert_eq!(inputs.len(), 1);
    let (code, _) = refused(&inputs[0]);
    assert!(
        matches!(code, IssueCode::FileTooLarge | IssueCode::FileUnreadable),
        "{code:?}"
    );

    // A member over the per-file limit is refused alone.
    let small = Limits {
        max_file_bytes: 1_000,
        ..Limits::default()
    };
    std::fs::write(
        root.join("one.zip"),
        zip_of(&[("big.xlsx", &vec![b'x'; 5_000]), ("ok.xlsx", b"fine")]),
    )
    .unwrap();
    let (_, inputs) = read_all(&root.join("one.zip"), root, &small);
    assert_eq!(refused(&inputs[0]).0, IssueCode::FileTooLarge);
    assert_eq!(bytes(&inputs[1]), b"fine");
}
