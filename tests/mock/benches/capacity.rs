//! The capacity benchmark (written next).
fn main() {}
