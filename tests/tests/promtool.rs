//! promtool
