fn main() -> std::process::ExitCode {
    duban::app::main()
}
