//! The command line itself: help, exit codes and the messages a clerk sees
//! when the run cannot complete.

use crate::common::*;
use predicates::prelude::*;

#[test]
fn help_lists_every_command() {
    let out = duban().arg("--help").output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    for c in ["init", "forms", "check", "run", "docs", "samples"] {
        assert!(text.contains(c), "{c} missing from --help:\n{text}");
    }
    for c in ["init", "forms", "check", "run", "docs", "samples"] {
        let out = duban().args([c, "--help"]).output().unwrap();
        assert!(out.status.success(), "{c} --help");
        // Its own usage line, and the common flags.
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains(&format!("duban {c} ")), "{c} --help:\n{text}");
        for flag in ["--threads", "--quiet", "--help"] {
            assert!(text.contains(flag), "{c} --help lacks {flag}:\n{text}");
        }
    }
    let out = duban().args(["run", "--help"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    for flag in [
        "--ledger",
        "--returns",
        "--period",
        "--as-of",
        "--config",
        "--out",
        "--preset",
        "--json",
        "--force",
    ] {
        assert!(text.contains(flag), "run --help lacks {flag}");
    }
}

#[test]
fn missing_ledger_is_a_clear_error() {
    let w = Workdir::new();
    w.returns();
    assert_cmd::Command::from_std(duban())
        .args(["run", "--period", "2023-03", "--ledger"])
        .arg(w.path("没有这个文件.xlsx"))
        .arg("--returns")
        .arg(w.returns())
        .arg("--out")
        .arg(w.path("out"))
        .assert()
        .failure()
        .stderr(
            predicate::str::contains("找不到台账文件")
                .and(predicate::str::contains("没有这个文件.xlsx")),
        );
}

#[test]
fn missing_period_and_bad_period() {
    let w = Workdir::new();
    w.ledger();
    assert_cmd::Command::from_std(duban())
        .current_dir(w.root())
        .args(["check", "--ledger", "台账.xlsx", "--returns", "."])
        .assert()
        .failure()
        .stderr(predicate::str::contains("缺少报送期次"));
    assert_cmd::Command::from_std(duban())
        .args(["check", "--period", "2023-13"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("2023-03"));
}

#[test]
fn validation_issues_are_results_not_failures() {
    let w = Workdir::new();
    let mut f = fagai_form();
    f.rows[0][3] = V::S("差不多");
    f.write(&w.returns().join("区发改局-3月.xlsx"));
    w.ledger();
    assert_cmd::Command::from_std(duban())
        .args(["check", "--period", "2023-03", "--ledger"])
        .arg(w.path("台账.xlsx"))
        .arg("--returns")
        .arg(w.returns())
        .assert()
        .success()
        .stdout(
            predicate::str::contains("ROW_INVALID_STATUS")
                .and(predicate::str::contains("核对无误")),
        );
}

#[test]
fn config_supplies_flags_and_flags_win() {
    let w = Workdir::new();
    w.ledger();
    fagai_form().write(&w.returns().join("区发改局-3月.xlsx"));
    std::fs::write(
        w.path("duban.toml"),
        "period = \"2023-02\"\nledger = \"台账.xlsx\"\nreturns = \"returns\"\nout = \"out\"\n",
    )
    .unwrap();
    // The config says February; the flag says March and wins.
    let out = duban()
        .args([
            "check", "--json", "-", "--quiet", "--period", "2023-03", "--config",
        ])
        .arg(w.path("duban.toml"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["period"], "2023-03");
    assert_eq!(v["totals"]["accepted"], 3);
}
