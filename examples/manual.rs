//! Builds a registry by hand (no macros) and prints its exposition:
//! Prometheus text 0.0.4 by default, OpenMetrics 1.0.0 with `--openmetrics`.
//!
//! ```text
//! cargo run -p examples --example manual [-- --openmetrics]
//! ```

use std::io::{self, Write};
use std::process::ExitCode;

use metrics_core::Format;

fn main() -> ExitCode {
    let format = match std::env::args().nth(1).as_deref() {
        None => Format::Text,
        Some("--openmetrics") => Format::OpenMetrics,
        Some(other) => {
            eprintln!("unknown argument `{other}`; usage: manual [--openmetrics]");
            return ExitCode::from(2);
        }
    };
    let demo = examples::manual::build();
    let stdout = io::stdout().lock();
    match demo.registry.encode(format, stdout) {
        Ok(_) => ExitCode::SUCCESS,
        // A closed pipe (`| head`) is not an error worth a message.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            let _ = writeln!(io::stderr(), "writing the exposition failed: {e}");
            ExitCode::FAILURE
        }
    }
}
