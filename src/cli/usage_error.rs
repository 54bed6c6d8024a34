//! clap's own errors (an unknown flag, a missing or invalid value …) told in
//! Chinese: clap parses, and this module words what went wrong from the
//! error's kind and context (the flag, the value, the valid values, clap's
//! suggestion), then says where the help is.

use clap::error::{ContextKind, ContextValue, ErrorKind};

/// The Chinese text of a command-line error, without the `错误:` prefix:
/// what is wrong, a suggestion when clap has one, the usage line, and
/// which `--help` to read. `None` for the "errors" that are not errors
/// (`--help`, `--version`, help shown for a missing command): clap prints
/// those itself.
pub(crate) fn message(e: &clap::Error, args: &[String]) -> Option<String> {
    let what = what(e)?;
    let mut text = what;
    for s in suggestions(e) {
        text.push_str(&format!("\n  {s}"));
    }
    if let Some(usage) = context_str(e, ContextKind::Usage) {
        let usage = usage.trim();
        let usage = usage.strip_prefix("Usage:").unwrap_or(usage).trim();
        text.push_str(&format!("\n\n用法: {usage}"));
    }
    let help = match command_of(args) {
        Some(c) => format!("duban {c} --help"),
        None => "duban --help".to_string(),
    };
    text.push_str(&format!("\n运行 {help} 查看全部参数和示例。"));
    Some(text)
}

/// The subcommand named on the command line, if any.
fn command_of(args: &[String]) -> Option<&str> {
    const COMMANDS: [&str; 5] = ["init", "forms", "check", "run", "samples"];
    args.iter()
        .skip(1)
        .map(String::as_str)
        .find(|a| COMMANDS.contains(a))
}

/// What went wrong, in one sentence.
fn what(e: &clap::Error) -> Option<String> {
    let arg = context_str(e, ContextKind::InvalidArg).unwrap_or_default();
    let value = context_str(e, ContextKind::InvalidValue).unwrap_or_default();
    Some(match e.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => return None,
        ErrorKind::UnknownArgument => format!("无法识别的参数“{arg}”"),
        ErrorKind::InvalidSubcommand => {
            let sub = context_str(e, ContextKind::InvalidSubcommand).unwrap_or(arg);
            format!("无法识别的命令“{sub}”：命令有 init、forms、check、run、samples")
        }
        ErrorKind::InvalidValue if value.is_empty() => {
            format!("参数 {arg} 缺少取值：请在它后面写上要用的值")
        }
        ErrorKind::InvalidValue => {
            let valid = context_list(e, ContextKind::ValidValue);
            if valid.is_empty() {
                format!("参数 {arg} 的值“{value}”无效")
            } else {
                format!(
                    "参数 {arg} 的值“{value}”无效：可选的值为 {}",
                    valid.join("、")
                )
            }
        }
        ErrorKind::ValueValidation => {
            let why = std::error::Error::source(e)
                .map(|s| s.to_string())
                .unwrap_or_default();
            let why = translate_std(&why);
            if why.is_empty() {
                format!("参数 {arg} 的值“{value}”无效")
            } else {
                format!("参数 {arg} 的值“{value}”无效：{why}")
            }
        }
        ErrorKind::NoEquals => format!("参数 {arg} 的值须用等号连接，如 {arg}=值"),
        ErrorKind::TooManyValues => format!("参数 {arg} 给了多余的值“{value}”"),
        ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => {
            format!("参数 {arg} 的取值个数不对")
        }
        ErrorKind::ArgumentConflict => {
            let prior = context_str(e, ContextKind::PriorArg).unwrap_or_default();
            if prior.is_empty() || prior == arg {
                format!("参数 {arg} 只能给一次")
            } else {
                format!("参数 {arg} 不能与 {prior} 同时使用")
            }
        }
        ErrorKind::MissingRequiredArgument => {
            let missing = context_list(e, ContextKind::InvalidArg);
            format!("缺少必需的参数：{}", missing.join("、"))
        }
        ErrorKind::MissingSubcommand => {
            "缺少命令：请写 init、forms、check、run 或 samples".to_string()
        }
        ErrorKind::InvalidUtf8 => "参数中含有无法识别的字符（不是有效的 UTF-8 编码）".to_string(),
        _ => "命令行参数有误".to_string(),
    })
}

/// clap's suggestions (`--threads` for `--thread` …) as Chinese lines.
fn suggestions(e: &clap::Error) -> Vec<String> {
    let mut out = Vec::new();
    for kind in [
        ContextKind::SuggestedArg,
        ContextKind::SuggestedSubcommand,
        ContextKind::SuggestedValue,
    ] {
        let list = context_list(e, kind);
        if !list.is_empty() {
            out.push(format!("你是不是要写 {}？", list.join(" 或 ")));
        }
    }
    if e.kind() == ErrorKind::UnknownArgument {
        if let Some(ContextValue::String(v)) = e.get(ContextKind::TrailingArg) {
            out.push(format!("若“{v}”是一个值而不是参数，请在它前面加 -- "));
        }
    }
    out
}

/// The messages of the standard parsers our flags use (numbers), in Chinese.
fn translate_std(why: &str) -> String {
    match why {
        "invalid digit found in string" => "须为整数".to_string(),
        "cannot parse integer from empty string" => "不能为空".to_string(),
        "number too large to fit in target type" => "数值太大".to_string(),
        "invalid float literal" => "须为数字".to_string(),
        w if w.is_ascii() && !w.is_empty() => format!("格式不对（{w}）"),
        w => w.to_string(),
    }
}

fn context_str(e: &clap::Error, kind: ContextKind) -> Option<String> {
    match e.get(kind)? {
        ContextValue::String(s) => Some(s.clone()),
        ContextValue::StyledStr(s) => Some(s.to_string()),
        ContextValue::Strings(v) => v.first().cloned(),
        ContextValue::StyledStrs(v) => v.first().map(|s| s.to_string()),
        ContextValue::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn context_list(e: &clap::Error, kind: ContextKind) -> Vec<String> {
    match e.get(kind) {
        Some(ContextValue::String(s)) => vec![s.clone()],
        Some(ContextValue::Strings(v)) => v.clone(),
        Some(ContextValue::StyledStr(s)) => vec![s.to_string()],
        Some(ContextValue::StyledStrs(v)) => v.iter().map(|s| s.to_string()).collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;
    use crate::cli::args::Cli;

    /// The Chinese message of the error parsing `line`.
    fn err(line: &str) -> String {
        let args: Vec<String> = line.split_whitespace().map(String::from).collect();
        let e = Cli::try_parse_from(&args).expect_err(line);
        message(&e, &args).unwrap_or_else(|| panic!("{line}: no message"))
    }

    fn no_english(text: &str) {
        for word in [
            "error",
            "Usage",
            "unexpected",
            "invalid",
            "required",
            "tip",
            "found",
        ] {
            assert!(!text.contains(word), "{word:?} in {text}");
        }
    }

    #[test]
    fn unknown_flag() {
        let m = err("duban --bad");
        assert!(m.starts_with("无法识别的参数“--bad”"), "{m}");
        assert!(m.contains("运行 duban --help 查看"), "{m}");
        no_english(&m);
        let m = err("duban run --thread 2");
        assert!(m.contains("无法识别的参数“--thread”"), "{m}");
        assert!(m.contains("你是不是要写 --threads？"), "{m}");
        assert!(m.contains("用法: duban run [选项]"), "{m}");
        assert!(m.contains("运行 duban run --help 查看"), "{m}");
        no_english(&m);
    }

    #[test]
    fn missing_and_invalid_values() {
        let m = err("duban run --period");
        assert!(m.starts_with("参数 --period <PERIOD> 缺少取值"), "{m}");
        no_english(&m);
        let m = err("duban run --preset red");
        assert!(m.contains("参数 --preset <PRESET> 的值“red”无效"), "{m}");
        assert!(m.contains("red-yellow-blue、yellow-orange-red"), "{m}");
        no_english(&m);
        let m = err("duban run --period 2023-13");
        assert!(m.contains("的值“2023-13”无效：无法识别的报送期次"), "{m}");
        no_english(&m);
        let m = err("duban samples --out x --units many");
        assert!(
            m.contains("--units <UNITS> 的值“many”无效：须为整数"),
            "{m}"
        );
        no_english(&m);
        let m = err("duban run --as-of 昨天");
        assert!(m.contains("无法识别的日期“昨天”"), "{m}");
    }

    #[test]
    fn unknown_command_and_missing_argument() {
        let m = err("duban runn");
        assert!(m.starts_with("无法识别的命令“runn”"), "{m}");
        assert!(m.contains("你是不是要写 run？"), "{m}");
        no_english(&m);
        let m = err("duban samples");
        assert!(m.starts_with("缺少必需的参数：--out <DIR>"), "{m}");
        no_english(&m);
        let m = err("duban run --force --force");
        assert!(m.starts_with("参数 --force 只能给一次"), "{m}");
    }

    #[test]
    fn help_and_version_are_not_errors() {
        for line in ["duban --help", "duban run -h", "duban --version", "duban"] {
            let args: Vec<String> = line.split_whitespace().map(String::from).collect();
            let e = Cli::try_parse_from(&args).expect_err(line);
            assert!(message(&e, &args).is_none(), "{line}: {:?}", e.kind());
        }
    }
}
