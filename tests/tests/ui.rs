//! The trybuild UI suite: every compile-time check of the macros has a
//! case under `tests/ui/fail/` whose `.stderr` shows the error the user
//! sees; `tests/ui/pass/` holds programs that must compile and run.
//!
//! Regenerate the expected output after an intended change with
//! `TRYBUILD=overwrite cargo test -p integration-tests --test ui`, then
//! read every changed `.stderr`.

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("ui/fail/*.rs");
    cases.pass("ui/pass/*.rs");
}
