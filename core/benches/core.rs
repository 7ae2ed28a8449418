//! Benchmarks of the hot paths (criterion).
fn main() {}
