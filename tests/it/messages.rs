//! What a clerk reads when something is wrong, through the binary: flag
//! errors, config errors and a command run outside a working folder, all in
//! Chinese; periods written in Chinese; outputs readable by colleagues.

use crate::common::*;

/// Run `duban` with `args` in `dir`; (exit code, stdout, stderr).
fn run_in(dir: &std::path::Path, args: &[&str]) -> (i32, String, String) {
    let out = duban().current_dir(dir).args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// No English words of clap's or the parsers' in `text`.
fn chinese_only(text: &str) {
    for w in [
        "error:",
        "Usage",
        "unexpected",
        "invalid",
        "required",
        "expected",
        "tip:",
        "TOML",
        "os error",
    ] {
        assert!(!text.contains(w), "{w:?} in:\n{text}");
    }
}

#[test]
fn flag_errors_are_chinese() {
    let w = Workdir::new();
    let (code, out, err) = run_in(w.root(), &["--bad"]);
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(err.starts_with("错误: 无法识别的参数“--bad”"), "{err}");
    assert!(err.contains("运行 duban --help"), "{err}");
    chinese_only(&err);
    for (args, want) in [
        (&["run", "--period"][..], "参数 --period <PERIOD> 缺少取值"),
        (
            &["run", "--preset", "红黄蓝"],
            "可选的值为 red-yellow-blue、yellow-orange-red",
        ),
        (&["check", "--as-of", "昨天"], "无法识别的日期“昨天”"),
        (
            &["forms", "--period", "2023-13"],
            "无法识别的报送期次“2023-13”",
        ),
        (
            &["run", "--threads", "两个"],
            "--threads <N> 的值“两个”无效：须为整数",
        ),
        (&["runn"], "无法识别的命令“runn”"),
        (&["samples"], "缺少必需的参数：--out <DIR>"),
    ] {
        let (code, _, err) = run_in(w.root(), args);
        assert_eq!(code, 2, "{args:?}");
        assert!(err.contains(want), "{args:?}: {err}");
        chinese_only(&err);
    }
    // Help is not an error.
    let (code, out, _) = run_in(w.root(), &["run", "--help"]);
    assert_eq!(code, 0);
    assert!(out.contains("用法: duban run [选项]"), "{out}");
    chinese_only(&out);
}

#[test]
fn outside_a_working_folder_run_suggests_init() {
    let w = Workdir::new();
    for cmd in ["run", "check", "forms"] {
        let (code, _, err) = run_in(w.root(), &[cmd]);
        assert_eq!(code, 1, "{cmd}");
        assert!(err.contains("中没有 duban.toml"), "{cmd}: {err}");
        assert!(err.contains("duban init"), "{cmd}: {err}");
        chinese_only(&err);
    }
    let (code, _, err) = run_in(w.root(), &["run", "--config", "别处/duban.toml"]);
    assert_eq!(code, 1);
    assert!(err.contains("找不到配置文件 别处/duban.toml"), "{err}");
    chinese_only(&err);
}

#[test]
fn config_errors_name_the_key() {
    let w = Workdir::new();
    let (code, _, err) = run_in(w.root(), &["init", "."]);
    assert_eq!(code, 0, "{err}");
    let config = w.path("duban.toml");
    let original = std::fs::read_to_string(&config).unwrap();

    // A value of the wrong type: line, table and key.
    let broken = original.replacen("blue_lag = 10.0", "blue_lag = \"十\"", 1);
    std::fs::write(&config, &broken).unwrap();
    let line = broken
        .lines()
        .position(|l| l.starts_with("blue_lag"))
        .unwrap()
        + 1;
    let (code, _, err) = run_in(w.root(), &["run"]);
    assert_eq!(code, 1);
    assert!(err.contains("duban.toml 格式有误"), "{err}");
    assert!(
        err.contains(&format!(
            "第 {line} 行第 12 列（[rules.red_yellow_blue] 中的 blue_lag）：应为数字，这里写的是文字“十”"
        )),
        "{err}"
    );
    chinese_only(&err);

    // Settings that read but make no sense, each named.
    let nonsense = original
        .replacen("red_lag = 30.0", "red_lag = 8.0", 1)
        .replacen("deduct_red = 10.0", "deduct_red = -10.0", 1);
    std::fs::write(&config, nonsense).unwrap();
    let (code, _, err) = run_in(w.root(), &["check"]);
    assert_eq!(code, 1);
    assert!(err.contains("red_lag = 8 须大于 blue_lag = 10"), "{err}");
    assert!(err.contains("[score] deduct_red = -10 不能为负数"), "{err}");
    chinese_only(&err);

    // An as-of date outside the period, from the config and from the flag.
    let period = original
        .lines()
        .find(|l| l.starts_with("period = "))
        .unwrap()
        .to_string();
    let dated = original.replacen(
        &period,
        "period = \"2026年11月\"\nas_of = \"2026-10-31\"",
        1,
    );
    std::fs::write(&config, dated).unwrap();
    let (code, _, err) = run_in(w.root(), &["forms"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("as_of = 2026-10-31 不在报送期次 2026年11月（2026-11-01 至 2026-11-30）内"),
        "{err}"
    );
    let (_, _, err) = run_in(w.root(), &["forms", "--as-of", "2026-12-01"]);
    assert!(
        err.contains("--as-of 2026-12-01 不在报送期次 2026年11月"),
        "{err}"
    );
}

#[test]
fn periods_written_in_chinese_are_taken_everywhere() {
    let w = Workdir::new();
    w.ledger();
    for (written, file_period) in [
        ("2023年3月", "2023年3月"),
        ("2023年3月份", "2023年3月"),
        ("2023年第一季度", "2023年第1季度"),
        ("2023年1季度", "2023年第1季度"),
    ] {
        let out = w.path(&format!("表单-{written}"));
        let (code, _, err) = run_in(
            w.root(),
            &[
                "forms",
                "--ledger",
                "台账.xlsx",
                "--period",
                written,
                "--out",
                out.to_str().unwrap(),
                "-q",
            ],
        );
        assert_eq!(code, 0, "{written}: {err}");
        let any = std::fs::read_dir(&out).unwrap().next().unwrap().unwrap();
        let mut wb = calamine::open_workbook_auto(any.path()).unwrap();
        use calamine::Reader;
        let range = wb.worksheet_range("反馈表").unwrap();
        let line = range.get_value((1, 0)).unwrap().to_string();
        assert!(
            line.ends_with(&format!("报送期次：{file_period}")),
            "{written}: {line}"
        );
    }
    // In duban.toml too.
    std::fs::write(
        w.path("duban.toml"),
        "period = \"2023年第一季度\"\nledger = \"台账.xlsx\"\n",
    )
    .unwrap();
    let (code, _, err) = run_in(w.root(), &["forms", "-q"]);
    assert_eq!(code, 0, "{err}");
    assert!(w.path("下发表单").read_dir().unwrap().next().is_some());
}

/// Outputs are created like any file of the user's (the umask decides),
/// not private to the user: colleagues sharing the folder read them.
#[cfg(unix)]
#[test]
fn outputs_follow_the_umask() {
    use std::os::unix::fs::PermissionsExt;
    let w = Workdir::new();
    let ledger = w.ledger();
    let returns = w.returns();
    let bin = assert_cmd::cargo::cargo_bin("duban");
    let status = std::process::Command::new("sh")
        .current_dir(w.root())
        .arg("-c")
        .arg("umask 022 && exec \"$0\" \"$@\"")
        .arg(&bin)
        .args(["run", "--period", "2023-03", "--ledger"])
        .arg(&ledger)
        .arg("--returns")
        .arg(&returns)
        .args(["--out", "out", "-q"])
        .status()
        .unwrap();
    assert!(status.success());
    let mut checked = 0;
    let mut stack = vec![w.path("out")];
    while let Some(dir) = stack.pop() {
        let mode = std::fs::metadata(&dir).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o755, "{}", dir.display());
        for e in std::fs::read_dir(&dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let mode = e.metadata().unwrap().permissions().mode() & 0o777;
                assert_eq!(mode, 0o644, "{}", p.display());
                checked += 1;
            }
        }
    }
    assert!(checked > 5, "{checked} files");
}

#[test]
fn init_prints_the_monthly_routine() {
    let w = Workdir::new();
    let (code, out, err) = run_in(w.root(), &["init", "督办"]);
    assert_eq!(code, 0, "{err}");
    for s in [
        "每月工作流程",
        "把 period 改成本期",
        "duban forms",
        "按期次分子文件夹",
        "duban run --resubmit",
        "duban run",
        "发回各单位",
        "archive 文件夹",
        "[office]",
    ] {
        assert!(out.contains(s), "{s} missing from:\n{out}");
    }
    // Quiet: nothing but errors.
    let (code, out, _) = run_in(w.root(), &["init", "督办2", "-q"]);
    assert_eq!(code, 0);
    assert!(out.is_empty(), "{out}");
}

/// `--quiet` leaves only errors: not the 提醒 line that no earlier period
/// was compared (the first month of a working folder), on any command.
#[test]
fn quiet_prints_no_reminders() {
    let w = Workdir::new();
    let ledger = w.ledger();
    let returns = w.returns();
    let (l, r) = (ledger.to_str().unwrap(), returns.to_str().unwrap());
    let base = ["--period", "2023-03", "--ledger", l, "--returns", r];
    // Without --quiet the line is there (so the test can tell).
    let loud = [&["check"][..], &base].concat();
    let (code, _, err) = run_in(w.root(), &loud);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("提醒") && err.contains("均未比对"), "{err}");
    for cmd in [
        [
            &["run"][..],
            &base,
            &["--out", "out", "--archive", "归档", "-q"],
        ]
        .concat(),
        [&["check"][..], &base, &["-q"]].concat(),
        [
            &["check"][..],
            &base,
            &["--archive", "无此文件夹", "--quiet"],
        ]
        .concat(),
    ] {
        let (code, out, err) = run_in(w.root(), &cmd);
        assert_eq!(code, 0, "{cmd:?}: {err}");
        assert!(out.is_empty(), "{cmd:?}: {out}");
        assert!(err.is_empty(), "{cmd:?} printed: {err}");
    }
    // An error still shows.
    let (code, _, err) = run_in(w.root(), &["run", "--period", "2023-03", "-q"]);
    assert_ne!(code, 0);
    assert!(err.contains("错误"), "{err}");
}
