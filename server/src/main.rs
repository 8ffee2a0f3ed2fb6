//! The `knooppunt` binary: the operator's command line and the server.

fn main() -> std::process::ExitCode {
    knooppunt::cli::main()
}
