//! Helpers shared by the integration tests.

use std::path::PathBuf;

/// Finds `binary` on `PATH`. When it is missing: under `CI` (any value) the
/// test fails, since CI installs it; elsewhere the test is skipped with a
/// message, returning `None`.
pub fn require_binary(binary: &str) -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(binary))
            .find(|candidate| candidate.is_file())
    });
    match found {
        Some(path) => Some(path),
        None if std::env::var_os("CI").is_some() => {
            panic!("`{binary}` is not on PATH, and CI is set: .ci/run must install it")
        }
        None => {
            eprintln!("skipping: `{binary}` is not on PATH (install the Debian package; required when CI is set)");
            None
        }
    }
}
