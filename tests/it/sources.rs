//! Where returns come from (issue 14 §4–§7): zip attachments (GBK names,
//! nested, hostile), collection-tool exports (问卷星, 腾讯文档收集表), and
//! unreadable files tied to the unit their name or folder names. Fixtures
//! are written by real tools: Python's zipfile, openpyxl, XlsxWriter,
//! LibreOffice, msoffcrypto-tool.

use std::path::Path;

use calamine::{open_workbook_auto, Reader};
use serde_json::Value;

use crate::common::*;

/// `duban run --json` on the standard ledger and `returns`, under `preset`.
fn run_json(w: &Workdir, returns: &Path, out: &str, preset: &str, extra: &[&str]) -> Value {
    let o = duban()
        .arg("run")
        .arg("--ledger")
        .arg(w.path("台账.xlsx"))
        .arg("--returns")
        .arg(returns)
        .args([
            "--period",
            "2023-03",
            "--as-of",
            "2023-03-31",
            "--preset",
            preset,
            "--json",
            "-",
            "--quiet",
        ])
        .arg("--out")
        .arg(w.path(out))
        .arg("--archive")
        .arg(w.path(out).join("archive"))
        .args(extra)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "duban run failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_slice(&o.stdout).unwrap()
}

/// `check` and `run` under both presets: the same files, units and issues.
fn check_and_run(w: &Workdir) -> Value {
    check_and_run_with(w, &[])
}

fn check_and_run_with(w: &Workdir, extra: &[&str]) -> Value {
    let v = check(w, extra);
    assert_reconciles(&v);
    for (preset, out) in [
        ("red-yellow-blue", "out-ryb"),
        ("yellow-orange-red", "out-yor"),
    ] {
        let r = run_json(w, &w.returns(), out, preset, extra);
        assert_reconciles(&r);
        assert_eq!(r["files"], v["files"], "{preset}");
        assert_eq!(r["issues"], v["issues"], "{preset}");
        assert_eq!(r["received"], v["received"], "{preset}");
        for (a, b) in r["units"]
            .as_array()
            .unwrap()
            .iter()
            .zip(v["units"].as_array().unwrap())
        {
            assert_eq!(a["reported"], b["reported"], "{preset}");
        }
    }
    v
}

fn issue_of<'a>(v: &'a Value, code: &str, unit: &str) -> &'a Value {
    let found: Vec<&Value> = issues_with(v, code)
        .into_iter()
        .filter(|i| i["unit"] == unit)
        .collect();
    assert_eq!(found.len(), 1, "{code} of {unit}: {:#}", v["issues"]);
    found[0]
}

/// Every text cell of the notice a unit got under `out`.
fn notice_text(w: &Workdir, out: &str, unit: &str) -> String {
    let p = w.path(out).join("反馈").join(format!("{unit}.xlsx"));
    let mut wb = open_workbook_auto(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    let range = wb.worksheet_range("反馈通知").unwrap();
    range
        .cells()
        .map(|(_, _, c)| c.to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Python: openpyxl forms (`form(path, unit, rows)`, `row(id, title,
/// deadline, pct)`) and a ZipInfo that stores its name in GBK without the
/// UTF-8 flag, as zips made on Chinese Windows do.
const PY_PRELUDE: &str = r#"
import datetime, io, zipfile, openpyxl
HEADER = ['编号', '事项名称', '完成时限', '当前状态', '完成进度（%）', '进展情况', '存在问题',
          '下步措施', '预计完成日期', '延期说明', '填报人', '联系电话', '单位主要负责人', '填报日期']
def row(id, title, deadline, pct, delay=None):
    return [id, title, deadline, '正在办理', pct, title + '按计划推进，完成阶段任务', '无',
            '继续推进', '2023-06-30', delay, '张三', '13800000000', '王局长', datetime.date(2023, 3, 30)]
def form_bytes(unit, rows, title=None):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = '推进表'
    ws['A1'] = title if title is not None else unit + '重点工作推进情况反馈表（2023年3月）'
    ws.merge_cells('A1:N1')
    if unit:
        ws['A2'] = '填报单位：' + unit + '　报送期次：2023年3月'
    ws.append(HEADER)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
class GbkName(zipfile.ZipInfo):
    def _encodeFilenameFlags(self):
        return self.filename.encode('gbk'), self.flag_bits & ~0x800
def member(name, gbk=True):
    i = (GbkName if gbk else zipfile.ZipInfo)(name, date_time=(2023, 4, 3, 10, 15, 0))
    i.compress_type = zipfile.ZIP_DEFLATED
    return i
FAGAI = [row('ZF-001', '推进重点项目建设', '2023-06-30', 40),
         row('ZF-002', '优化营商环境专项行动', '2023-12-31', 30),
         row('ZF-003', '完成年度招商引资签约', '2023-03-15', 80, '受疫情影响签约推迟，预计4月完成')]
"#;

fn python(modules: &[&str], body: &str) -> Option<()> {
    duban::test_support::run_python(modules, &format!("{PY_PRELUDE}\n{body}"))
}

// ------------------------------------------------------------------ zips

#[test]
fn a_zip_attachment_is_read_as_a_folder_of_its_members() {
    let w = Workdir::new();
    let returns = w.returns();
    // An .xls member converted by LibreOffice, when it is there.
    let cz = w.path("src/区财政局-3月.xlsx");
    std::fs::create_dir_all(cz.parent().unwrap()).unwrap();
    Form::new("区财政局")
        .row(Form::ok_row("CZ-001", "盘活存量资金", "2023-09-30", 30.0))
        .write(&cz);
    let xls = soffice_convert(&cz, "xls", &w.path("src"));
    let zip = returns.join("邮件/3月报表.zip");
    std::fs::create_dir_all(zip.parent().unwrap()).unwrap();
    let script = format!(
        r#"
inner = io.BytesIO()
with zipfile.ZipFile(inner, 'w') as z:
    z.writestr(member('反馈表.xlsx', gbk=False),
               form_bytes('', [row('TB-001', '高标准农田建设2万亩', '2023-10-31', 25)],
                          title='重点工作推进情况反馈表（2023年3月）'))
xls = {xls:?}
with zipfile.ZipFile({zip:?}, 'w') as z:
    z.writestr(zipfile.ZipInfo('3月报表/'), b'')
    z.writestr(member('3月报表/区发改局-3月.xlsx'), form_bytes('区发改局', FAGAI))
    if xls:
        z.writestr(member('3月报表/区财政局-3月.xls'), open(xls, 'rb').read())
    z.writestr(member('3月报表/~$区发改局-3月.xlsx'), b'\x0bzhangsan' + b' ' * 150)
    z.writestr(member('__MACOSX/3月报表/._区发改局-3月.xlsx'), b'resource fork')
    z.writestr(member('3月报表/太保镇.zip'), inner.getvalue())
"#,
        xls = xls
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_default(),
        zip = zip.display().to_string(),
    );
    if python(&["openpyxl"], &script).is_none() {
        return;
    }
    let v = check_and_run(&w);
    let c = "邮件/3月报表.zip";
    let fg = file_entry(&v, "邮件/3月报表.zip/3月报表/区发改局-3月.xlsx");
    assert_eq!(fg["outcome"], "accepted", "{fg}");
    assert_eq!(fg["unit"], "区发展和改革局");
    assert_eq!(fg["container"], c);
    assert_eq!(fg["accepted"], 3);
    // A zip inside the zip: its member's unit from the inner zip's name.
    let tb = file_entry(&v, "邮件/3月报表.zip/3月报表/太保镇.zip/反馈表.xlsx");
    assert_eq!(
        (&tb["outcome"], &tb["unit"], &tb["container"]),
        (&"accepted".into(), &"太保镇".into(), &c.into())
    );
    assert!(
        issues_with(&v, "FILE_UNIT_GUESSED").is_empty(),
        "named by the inner zip, not guessed from its task ids"
    );
    let lock = file_entry(&v, "邮件/3月报表.zip/3月报表/~$区发改局-3月.xlsx");
    assert_eq!(
        (&lock["outcome"], &lock["unit"]),
        (&"ignored".into(), &Value::Null)
    );
    if xls.is_some() {
        let x = file_entry(&v, "邮件/3月报表.zip/3月报表/区财政局-3月.xls");
        assert_eq!(
            (&x["outcome"], &x["unit"]),
            (&"accepted".into(), &"区财政局".into())
        );
        assert!(unit(&v, "区财政局")["reported"].as_bool().unwrap());
    }
    let paths: Vec<&str> = v["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert!(paths.iter().all(|p| !p.contains("__MACOSX")), "{paths:?}");
    let mut sorted = paths.clone();
    sorted.sort();
    assert_eq!(paths, sorted);
    for u in ["区发展和改革局", "太保镇"] {
        assert_eq!(unit(&v, u)["reported"], true, "{u}");
    }
    // Received: the zip as one file; its members each in files[].
    let received = v["received"].as_array().unwrap();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0]["path"], c);
    assert_eq!(received[0]["kind"], "zip");
    assert_eq!(
        received[0]["inputs"].as_u64().unwrap() as usize,
        paths.len()
    );
    // The archive keeps the zip byte for byte, lists its members with it.
    let arch = w.path("out-ryb/archive/2023-03");
    assert_eq!(
        std::fs::read(arch.join("received/邮件/3月报表.zip")).unwrap(),
        std::fs::read(&zip).unwrap()
    );
    assert!(!arch.join("received/邮件/3月报表.zip/3月报表").exists());
    let sums = std::fs::read_to_string(arch.join("SHA256SUMS")).unwrap();
    assert!(sums.contains(&format!(
        "{}  received/{c}\n",
        received[0]["sha256"].as_str().unwrap()
    )));
    let manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(arch.join("manifest.json")).unwrap())
            .unwrap();
    let members: Vec<&Value> = manifest["files"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["container"] == c)
        .collect();
    assert_eq!(members.len(), paths.len());
}

#[test]
fn hostile_zips_never_stop_the_batch_and_write_nothing_of_their_own() {
    let w = Workdir::new();
    let returns = w.returns();
    fagai_form().write(&returns.join("区发改局-3月.xlsx"));
    let script = format!(
        r#"
import os
root = {root:?}
# A bomb: 40 MB of zeros in a few kilobytes (the limit is set to 20 MB).
with zipfile.ZipFile(os.path.join(root, 'bomb.zip'), 'w', zipfile.ZIP_DEFLATED) as z:
    z.writestr('区财政局-3月.xlsx', b'\0' * (40 << 20))
# 1,500 members (over the default limit of 1,000).
with zipfile.ZipFile(os.path.join(root, 'many.zip'), 'w') as z:
    for i in range(1500):
        z.writestr('f%d.txt' % i, b'')
# Names that climb out of the zip.
with zipfile.ZipFile(os.path.join(root, 'evil.zip'), 'w') as z:
    z.writestr('../../evil.xlsx', form_bytes('区住建局', [row('ZJ-001', '老旧小区改造12个', '2023-11-30', 20)]))
    z.writestr('/abs/evil2.txt', b'x')
    z.writestr('C:\\Windows\\evil3.txt', b'x')
# Zips nested three deep.
def nest(depth):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, 'w') as z:
        z.writestr('inner.zip' if depth > 1 else 'a.txt', nest(depth - 1) if depth > 1 else b'a')
    return buf.getvalue()
open(os.path.join(root, 'deep.zip'), 'wb').write(nest(4))
# Truncated, and two members of the same name.
open(os.path.join(root, 'trunc.zip'), 'wb').write(nest(2)[:60])
with zipfile.ZipFile(os.path.join(root, 'dup.zip'), 'w') as z:
    z.writestr('a.txt', b'one')
    z.writestr('a.txt', b'two')
"#,
        root = returns.display().to_string()
    );
    if python(&["openpyxl"], &script).is_none() {
        return;
    }
    let config = w.path("duban.toml");
    std::fs::write(&config, "[limits]\nmax_inflated_bytes = 20971520\n").unwrap();
    let v = check_and_run_with(&w, &["--config", config.to_str().unwrap()]);
    let good = file_entry(&v, "区发改局-3月.xlsx");
    assert_eq!(good["outcome"], "accepted");
    let bomb = file_entry(&v, "bomb.zip");
    assert_eq!(bomb["outcome"], "rejected");
    assert_eq!(one_issue_in(&v, "bomb.zip")["code"], "FILE_TOO_LARGE");
    assert_eq!(one_issue_in(&v, "many.zip")["code"], "FILE_TOO_LARGE");
    assert!(one_issue_in(&v, "many.zip")["message"]
        .as_str()
        .unwrap()
        .contains("1500 个"));
    assert_eq!(one_issue_in(&v, "trunc.zip")["code"], "FILE_UNREADABLE");
    // The form climbing out is read inside the zip, and only there.
    let evil = file_entry(&v, "evil.zip/evil.xlsx");
    assert_eq!(evil["outcome"], "accepted");
    assert_eq!(evil["unit"], "区住房和城乡建设局");
    file_entry(&v, "evil.zip/abs/evil2.txt");
    file_entry(&v, "evil.zip/Windows/evil3.txt");
    let deepest = file_entry(&v, "deep.zip/inner.zip/inner.zip");
    assert_eq!(deepest["outcome"], "rejected");
    assert_eq!(
        one_issue_in(&v, "deep.zip/inner.zip/inner.zip")["code"],
        "FILE_ARCHIVE_UNSUPPORTED"
    );
    file_entry(&v, "dup.zip/a.txt");
    for p in [
        w.path("evil.xlsx"),
        w.root().parent().unwrap().join("evil.xlsx"),
        w.path("abs"),
        w.path("out-ryb/archive/2023-03/received/evil.zip/evil.xlsx"),
    ] {
        assert!(!p.exists(), "{} was written", p.display());
    }
}

fn one_issue_in<'a>(v: &'a Value, file: &str) -> &'a Value {
    let found: Vec<&Value> = v["issues"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["file"] == file)
        .collect();
    assert_eq!(found.len(), 1, "issues of {file}: {found:#?}");
    found[0]
}

// ------------------------------------------------------ collection exports

#[test]
fn a_wenjuanxing_export_is_read_row_by_row_each_as_its_units() {
    let w = Workdir::new();
    let path = w.returns().join("3月重点工作进展_问卷星.xlsx");
    // 问卷星's download: answer metadata, then the questions numbered.
    let script = format!(
        r#"
import xlsxwriter
wb = xlsxwriter.Workbook({path:?})
ws = wb.add_worksheet('Sheet1')
head = ['序号', '提交答卷时间', '所用时间', '来源', '来源详情', '来自IP', '1、填报单位', '2、任务编号',
        '3、事项名称', '4、当前状态', '5、完成进度(%)', '6、进展情况', '7、存在问题', '8、延期说明']
rows = [
    ['2023/3/28 9:10:11', '区发改局', 'ZF-001', '推进重点项目建设', '正在办理', 40, '项目开工', '无', ''],
    ['2023/3/28 9:15:00', '区发改局', 'ZF-002 优化营商环境专项行动', '优化营商环境专项行动', '正在办理', 30, '专项行动推进', '无', ''],
    ['2023/3/28 9:20:00', '区发改局', 'ZF-003', '完成年度招商引资签约', '正在办理', 80, '签约推进', '无', '受疫情影响，预计4月完成'],
    ['2023/3/29 10:00:00', '太保镇', 'TB-001', '高标准农田建设2万亩', '正在办理', 20, '初报', '无', ''],
    ['2023/3/31 16:30:00', '太保镇', 'TB-001', '高标准农田建设2万亩', '正在办理', 30, '完成土地平整', '无', ''],
    ['2023/3/30 11:00:00', '区财政局', 'CZ-001', '盘活存量资金', '正在办理', 30, '盘活资金2亿元', '无', ''],
    ['2023/3/30 11:05:00', '区财政局', 'ZF-001', '推进重点项目建设', '正在办理', 50, '配合推进', '无', ''],
    ['2023/3/30 12:00:00', '区统计局', 'CZ-001', '盘活存量资金', '正在办理', 10, '误填', '无', ''],
]
for c, h in enumerate(head):
    ws.write(0, c, h)
for r, x in enumerate(rows, start=1):
    ws.write_row(r, 0, [r, x[0], '35秒', '微信', 'N/A', '10.0.0.%d' % r] + x[1:])
wb.close()
"#,
        path = path.display().to_string()
    );
    if python(&["xlsxwriter"], &script).is_none() {
        return;
    }
    let v = check_and_run(&w);
    let name = "3月重点工作进展_问卷星.xlsx";
    let f = file_entry(&v, name);
    assert_eq!(f["outcome"], "accepted", "{f}");
    assert_eq!(f["unit"], Value::Null);
    assert_eq!(
        f["units"],
        serde_json::json!(["区发展和改革局", "区财政局", "太保镇"])
    );
    assert_eq!(
        (&f["rows"], &f["accepted"], &f["rejected"], &f["superseded"]),
        (&8.into(), &5.into(), &2.into(), &1.into())
    );
    for u in ["区发展和改革局", "区财政局", "太保镇"] {
        assert_eq!(unit(&v, u)["reported"], true, "{u}");
        assert_eq!(unit(&v, u)["late"], false, "{u}");
    }
    assert_eq!(unit(&v, "东风街道")["reported"], false);
    assert!(issues_with(&v, "FILE_UNKNOWN_UNIT").is_empty());
    // 太保镇 answered twice: the later answer wins, the earlier row is superseded.
    let s = issue_of(&v, "ROW_SUPERSEDED", "太保镇");
    assert_eq!(s["cell"], "B5");
    assert_eq!(s["task"], "TB-001");
    let tb = v["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == "TB-001")
        .unwrap();
    assert_eq!(tb["actual"], 30.0);
    assert_eq!(tb["source"]["row"], 6);
    // A unit reporting another unit's task; a unit the ledger does not know.
    let na = issue_of(&v, "ROW_NOT_ASSIGNED", "区财政局");
    assert_eq!(na["task"], "ZF-001");
    let uu = one_issue(&v, "ROW_UNKNOWN_UNIT");
    assert_eq!(
        (&uu["cell"], &uu["value"], &uu["unit"]),
        (&"G9".into(), &"区统计局".into(), &Value::Null)
    );
    assert!(uu["message"].as_str().unwrap().contains("别名"));
    // The id followed by its title (a dropdown's text) is the id.
    assert!(v["issues"]
        .as_array()
        .unwrap()
        .iter()
        .all(|i| i["code"] != "ROW_UNKNOWN_TASK"));
}

#[test]
fn a_tencent_export_and_a_units_own_file_resolve_by_date() {
    let w = Workdir::new();
    let returns = w.returns();
    let export = returns.join("重点工作收集表（收集结果）.xlsx");
    // 腾讯文档收集表: 提交者, 提交时间 (date-time cells), then the questions.
    let script = format!(
        r#"
wb = openpyxl.Workbook()
ws = wb.active
ws.title = '工作表1'
ws.append(['提交者', '提交时间', '填报单位', '编号', '事项名称', '当前状态', '完成进度（%）',
           '进展情况', '存在问题', '下步措施', '延期说明'])
ws.append(['李四', datetime.datetime(2023, 3, 30, 10, 0), '东风街道办事处', 'DF-001', '背街小巷整治',
           '正在办理', 50, '完成3条街巷整治', '无', '继续推进', '拆迁协调中，预计4月底完成'])
ws.append(['王五', datetime.datetime(2023, 4, 8, 9, 0), '区住建局', 'ZJ-001', '老旧小区改造12个',
           '正在办理', 30, '开工4个小区', '无', '继续推进', None])
ws.append(['赵六', datetime.datetime(2023, 3, 29, 15, 0), '区财政局', 'CZ-001', '盘活存量资金',
           '正在办理', 20, '初步盘活', '无', '继续推进', None])
for r in range(2, 5):
    ws.cell(r, 2).number_format = 'yyyy-mm-dd hh:mm:ss'
wb.save({export:?})
"#,
        export = export.display().to_string()
    );
    if python(&["openpyxl"], &script).is_none() {
        return;
    }
    // 东风街道 also sent a file, older than its answer online; 区财政局 a
    // file newer than its answer.
    let mut df = Form::new("东风街道").row(Form::ok_row("DF-001", "背街小巷整治", "", 40.0));
    df.rows[0][9] = V::S("拆迁协调中");
    df.rows[0][13] = V::S("2023-03-28");
    df.write(&returns.join("东风街道-3月.xlsx"));
    let mut cz =
        Form::new("区财政局").row(Form::ok_row("CZ-001", "盘活存量资金", "2023-09-30", 35.0));
    cz.rows[0][13] = V::S("2023-04-02");
    cz.write(&returns.join("区财政局-3月.xlsx"));

    let v = check_and_run(&w);
    let name = "重点工作收集表（收集结果）.xlsx";
    let f = file_entry(&v, name);
    assert_eq!(f["outcome"], "accepted");
    assert_eq!(
        f["units"],
        serde_json::json!(["东风街道", "区住房和城乡建设局", "区财政局"])
    );
    assert_eq!((&f["accepted"], &f["superseded"]), (&2.into(), &1.into()));
    // The export is newer for 东风街道: its own file is superseded.
    let old = file_entry(&v, "东风街道-3月.xlsx");
    assert_eq!(old["outcome"], "superseded");
    assert_eq!(old["superseded_by"], name);
    let df = v["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == "DF-001")
        .unwrap();
    assert_eq!(
        (&df["actual"], &df["source"]["file"]),
        (&50.0.into(), &name.into())
    );
    // The file is newer for 区财政局: its rows of the export are superseded.
    assert_eq!(file_entry(&v, "区财政局-3月.xlsx")["outcome"], "accepted");
    let s = issue_of(&v, "FILE_SUPERSEDED", "区财政局");
    assert_eq!(
        (&s["file"], &s["value"]),
        (&name.into(), &"区财政局-3月.xlsx".into())
    );
    // 区住建局 answered after the deadline: late, on its own.
    let late = issue_of(&v, "FILE_LATE", "区住房和城乡建设局");
    assert_eq!(late["file"], name);
    assert!(late["message"]
        .as_str()
        .unwrap()
        .contains("提交时间为2023-04-08"));
    assert_eq!(unit(&v, "区住房和城乡建设局")["late"], true);
    assert_eq!(unit(&v, "东风街道")["late"], false);
    for u in ["东风街道", "区住房和城乡建设局", "区财政局"] {
        assert_eq!(unit(&v, u)["reported"], true, "{u}");
    }
}

// ------------------------------------------------- unreadable files (§6)

#[test]
fn unreadable_files_are_tied_to_the_unit_their_name_or_folder_names() {
    let w = Workdir::new();
    let r = w.returns();
    let good = w.path("good.xlsx");
    fagai_form().write(&good);
    let bytes = std::fs::read(&good).unwrap();
    fagai_form().write(&r.join("区发改局-3月.xlsx"));
    std::fs::write(r.join("区发改局-盖章扫描件.pdf"), b"%PDF-1.4 scan").unwrap();
    std::fs::write(r.join("区财政局.xlsx"), &bytes[..bytes.len() / 2]).unwrap();
    std::fs::create_dir_all(r.join("太保镇")).unwrap();
    std::fs::write(r.join("太保镇/反馈表.pdf"), b"%PDF-1.7 ...").unwrap();
    std::fs::write(
        r.join("区住建局-3月.xls"),
        "<html><body><table><tr><td>编号</td></tr></table></body></html>",
    )
    .unwrap();
    std::fs::write(r.join("东风街道.rar"), b"Rar!\x1A\x07\x01\x00payload").unwrap();
    std::fs::write(r.join("会议纪要.pdf"), b"%PDF-1.4").unwrap();
    std::fs::write(r.join("~$区财政局.xlsx"), b"\x0bzhangsan").unwrap();

    let v = check_and_run(&w);
    let expect = [
        (
            "区财政局.xlsx",
            "区财政局",
            "FILE_UNREADABLE",
            "damaged",
            "损坏",
        ),
        (
            "太保镇/反馈表.pdf",
            "太保镇",
            "FILE_IGNORED",
            "format",
            "格式",
        ),
        (
            "区住建局-3月.xls",
            "区住房和城乡建设局",
            "FILE_HTML",
            "format",
            "格式",
        ),
        (
            "东风街道.rar",
            "东风街道",
            "FILE_ARCHIVE_UNSUPPORTED",
            "format",
            "格式",
        ),
    ];
    for (path, u, code, why, word) in expect {
        let f = file_entry(&v, path);
        assert_eq!(
            (&f["unit"], &f["unreadable"]),
            (&u.into(), &why.into()),
            "{path}"
        );
        let i = one_issue_in(&v, path);
        assert_eq!(
            (&i["code"], &i["unit"]),
            (&code.into(), &u.into()),
            "{path}"
        );
        // Not "nothing came": the file is named, and why it could not be read.
        let nr = issue_of(&v, "UNIT_NOT_REPORTED", u);
        let msg = nr["message"].as_str().unwrap();
        let name = path.rsplit('/').next().unwrap();
        assert!(
            msg.contains(&format!("《{name}》")) && msg.contains("无法"),
            "{msg}"
        );
        assert!(!msg.contains("请督促尽快报送"), "{msg}");
        // Said once, with what to send instead.
        assert_eq!(msg.matches("无法").count(), 1, "{msg}");
        let after = msg.rsplit('》').next().unwrap();
        assert!(after.contains("，请"), "{msg}");
        assert_eq!(unit(&v, u)["reported"], false, "{u}");
        // Its notice says the same, with what to resend.
        for out in ["out-ryb", "out-yor"] {
            let text = notice_text(&w, out, u);
            assert!(
                text.contains(&format!("收到你单位报送的《{name}》")),
                "{u}: {text}"
            );
            assert!(text.contains(word), "{u}: {text}");
            assert!(text.contains("无法读取的文件 1 个"), "{u}: {text}");
        }
    }
    // A PDF naming no unit, and a lock file, belong to no one.
    for path in ["会议纪要.pdf", "~$区财政局.xlsx"] {
        let f = file_entry(&v, path);
        assert_eq!(
            (&f["unit"], &f["outcome"]),
            (&Value::Null, &"ignored".into()),
            "{path}"
        );
        assert_eq!(one_issue_in(&v, path)["unit"], Value::Null);
    }
    // A scan beside an accepted form: tied to the unit, never held against it.
    let scan = file_entry(&v, "区发改局-盖章扫描件.pdf");
    assert_eq!(scan["unit"], "区发展和改革局");
    assert_eq!(unit(&v, "区发展和改革局")["reported"], true);
    for out in ["out-ryb", "out-yor"] {
        if w.path(out).join("反馈/区发展和改革局.xlsx").exists() {
            let text = notice_text(&w, out, "区发展和改革局");
            assert!(!text.contains("盖章扫描件"), "{text}");
        }
    }
    let alone = Workdir::new();
    fagai_form().write(&alone.returns().join("区发改局-3月.xlsx"));
    let a = check(&alone, &[]);
    assert_eq!(
        unit(&a, "区发展和改革局")["score"],
        unit(&v, "区发展和改革局")["score"]
    );
}

#[test]
fn an_encrypted_form_is_tied_to_its_unit_and_says_password() {
    let w = Workdir::new();
    let plain = w.path("plain.xlsx");
    Form::new("区财政局")
        .row(Form::ok_row("CZ-001", "盘活存量资金", "2023-09-30", 30.0))
        .write(&plain);
    let dest = w.returns().join("财政/反馈表(加密).xlsx");
    std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
    let script = format!(
        "import msoffcrypto\n\
         from msoffcrypto.format.ooxml import OOXMLFile\n\
         OOXMLFile(open({plain:?}, 'rb')).encrypt('secret', open({dest:?}, 'wb'))\n"
    );
    if duban::test_support::run_python(&["msoffcrypto"], &script).is_none() {
        return;
    }
    // The folder is named by an alias-free short form: no unit; renamed to
    // the unit's folder, it is tied.
    let v = check(&w, &[]);
    assert_eq!(
        file_entry(&v, "财政/反馈表(加密).xlsx")["unit"],
        Value::Null
    );
    let tied = w.returns().join("区财政局");
    std::fs::rename(dest.parent().unwrap(), &tied).unwrap();
    let v = check_and_run(&w);
    let f = file_entry(&v, "区财政局/反馈表(加密).xlsx");
    assert_eq!(
        (&f["unit"], &f["unreadable"]),
        (&"区财政局".into(), &"encrypted".into())
    );
    let nr = issue_of(&v, "UNIT_NOT_REPORTED", "区财政局");
    assert!(nr["message"].as_str().unwrap().contains("加密"), "{nr}");
    let text = notice_text(&w, "out-ryb", "区财政局");
    assert!(text.contains("密码"), "{text}");
}

// ---------------------------------------------------- the samples' shapes

#[test]
fn the_samples_zip_and_export_are_read_whole() {
    let w = Workdir::new();
    let s = w.path("s");
    let gen = duban()
        .args([
            "samples", "--units", "15", "--tasks", "60", "--messy", "0.6", "--seed", "9", "--out",
        ])
        .arg(&s)
        .output()
        .unwrap();
    assert!(
        gen.status.success(),
        "{}",
        String::from_utf8_lossy(&gen.stderr)
    );
    let manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(s.join("samples_manifest.json")).unwrap())
            .unwrap();
    let o = duban()
        .args(["check", "--config"])
        .arg(s.join("duban.toml"))
        .args(["--json", "-", "--quiet"])
        .output()
        .unwrap();
    assert!(o.status.success());
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_reconciles(&v);
    let returns = manifest["returns"].as_array().unwrap();
    let zip = returns.iter().find(|f| f["format"] == "zip").unwrap();
    for m in zip["members"].as_array().unwrap() {
        let f = file_entry(&v, m["path"].as_str().unwrap());
        assert_eq!(
            (&f["unit"], &f["container"]),
            (&m["unit"], &zip["path"]),
            "{m}"
        );
    }
    let export = returns
        .iter()
        .find(|f| {
            f["kinds"]
                .as_array()
                .unwrap()
                .contains(&"collection_export".into())
        })
        .unwrap();
    let f = file_entry(&v, export["path"].as_str().unwrap());
    assert_eq!(f["units"], export["units"]);
    assert_eq!(f["superseded"], export["superseded_rows"]);
    // No unit whose form (or rows) was read and accepted is 未报送.
    let units = v["units"].as_array().unwrap();
    for f in v["files"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["accepted"].as_u64() > Some(0))
    {
        for u in f["units"].as_array().unwrap() {
            let entry = units.iter().find(|x| x["name"] == *u).unwrap();
            assert_eq!(entry["reported"], true, "{u} in {}", f["path"]);
        }
    }
}

// ------------------------------------------------------------ fuzz (zips)

/// Seeded mutations of a zip attachment holding two real forms — cut short,
/// bytes flipped, sizes, offsets and name lengths in its headers rewritten —
/// through source → ingest → validate → merge: nothing panics, nothing
/// escapes the zip's name, every row read is accounted for. 64 cases by
/// default (`PROPTEST_CASES` to change).
#[test]
fn mutated_zip_attachments_never_crash_or_lose_rows() {
    use duban::calendar::Calendar;
    use duban::config::Limits;
    use duban::merge::{self, MergeCtx};
    use duban::period::Period;
    use duban::store::history::History;
    use duban::validate::{self, ValidateCtx};
    use rand::{Rng, SeedableRng};
    use std::io::Write;

    let w = Workdir::new();
    let (ledger, _) = duban::ingest::read_ledger(&w.ledger(), &Limits::default()).unwrap();
    let src = w.path("src");
    std::fs::create_dir_all(&src).unwrap();
    fagai_form().write(&src.join("a.xlsx"));
    Form::new("区财政局")
        .row(Form::ok_row("CZ-001", "盘活存量资金", "2023-09-30", 30.0))
        .write(&src.join("b.xlsx"));
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut buf);
        let o = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, file) in [
            ("3月/区发改局-3月.xlsx", "a.xlsx"),
            ("3月/区财政局-3月.xlsx", "b.xlsx"),
        ] {
            z.start_file(name, o).unwrap();
            z.write_all(&std::fs::read(src.join(file)).unwrap())
                .unwrap();
        }
        z.finish().unwrap();
    }
    let seed = buf.into_inner();
    let cases: u64 = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(64);
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(0x7a69_7073);
    let headers: Vec<usize> = seed
        .windows(4)
        .enumerate()
        .filter(|(_, s)| *s == b"PK\x03\x04" || *s == b"PK\x01\x02" || *s == b"PK\x05\x06")
        .map(|(i, _)| i)
        .collect();
    let cal = Calendar::new(&[], &[], 5);
    let history = History::default();
    let period = Period::month(2023, 3);
    let as_of = chrono::NaiveDate::from_ymd_opt(2023, 3, 31).unwrap();
    let vctx = ValidateCtx {
        ledger: &ledger,
        period,
        as_of,
        calendar: &cal,
        near_deadline_days: 7,
        history: &history,
    };
    let expected = duban::due::DueRule {
        period,
        as_of,
        calendar: &cal,
        near_deadline_days: 7,
    }
    .expected(&ledger, |_| false);
    let dir = w.path("fuzz");
    std::fs::create_dir_all(&dir).unwrap();
    let mut outcomes = std::collections::BTreeMap::new();
    for case in 0..cases {
        let mut bytes = seed.clone();
        for _ in 0..rng.random_range(1..4) {
            match rng.random_range(0..4) {
                0 => bytes.truncate(rng.random_range(0..bytes.len())),
                1 => {
                    for _ in 0..rng.random_range(1..8) {
                        let i = rng.random_range(0..bytes.len());
                        bytes[i] ^= rng.random_range(1..=255u8);
                    }
                }
                _ => {
                    // A field of a header: sizes, offsets, name lengths.
                    let h = headers[rng.random_range(0..headers.len())];
                    let at = h + rng.random_range(4..30);
                    let v: u32 = match rng.random_range(0..3) {
                        0 => u32::MAX,
                        1 => rng.random_range(0..70_000),
                        _ => rng.random(),
                    };
                    if at + 4 <= bytes.len() {
                        bytes[at..at + 4].copy_from_slice(&v.to_le_bytes());
                    }
                }
            }
        }
        let path = dir.join("附件.zip");
        std::fs::write(&path, &bytes).unwrap();
        let limits = Limits::default();
        let mut checked = Vec::new();
        let received = duban::source::read(&path, &dir, &limits, &mut |input| {
            assert!(
                input.rel.starts_with("附件.zip"),
                "case {case}: {}",
                input.rel
            );
            let ing = duban::ingest::ingest_input(input, &limits);
            checked.push(validate::validate_file(&ing, &vctx));
        });
        assert_eq!(received.inputs as usize, checked.len(), "case {case}");
        let m = merge::merge(
            checked,
            &MergeCtx {
                ledger: &ledger,
                period,
                expected: &expected,
                report_deadline: chrono::NaiveDate::from_ymd_opt(2023, 4, 5).unwrap(),
                late_by_file_time: false,
                round: 1,
                earlier_rounds: duban::merge::NO_EARLIER_ROUNDS,
            },
        );
        let t = m.totals;
        assert_eq!(
            t.rows_read,
            t.accepted + t.rejected + t.superseded,
            "case {case}"
        );
        assert_eq!(t.files as usize, m.files.len(), "case {case}");
        for f in &m.files {
            *outcomes.entry(format!("{:?}", f.outcome)).or_insert(0u32) += 1;
        }
    }
    eprintln!("zip mutations: {outcomes:?}");
    // The mutations reach both ends: members still read, and damage refused.
    if cases >= 64 {
        assert!(outcomes.contains_key("Accepted"), "{outcomes:?}");
        assert!(outcomes.contains_key("Rejected"), "{outcomes:?}");
    }
}
