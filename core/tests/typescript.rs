//! The JavaScript package's types of what the core returns are generated from the Rust types here, so that
//! the two cannot drift: this test fails when `bindings/js/src/generated.ts` is not what the Rust types
//! give. `make types` (or `UPDATE_TYPES=1 cargo test -p andopen-core --features typescript --test
//! typescript`) writes it anew.
#![cfg(feature = "typescript")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use andopen_core::{
    CountryCode, ErrorCode, ErrorItem, ErrorReport, ErrorType, GiftRequest, GiftRequestStatus, LineItem, MetaReport, RateLimit, Recipient,
    ShippingAddress, Timestamp, Uuid,
};
use ts_rs::{Config, TS};

#[test]
fn the_javascript_types_are_generated_from_the_rust_types() {
    // JSON numbers arrive as JavaScript numbers, not bigints.
    let cfg = Config::new().with_large_int("number");
    let declarations = [
        (Uuid::decl(&cfg), "A UUID, as the API writes ids."),
        (Timestamp::decl(&cfg), "An ISO 8601 timestamp in UTC with milliseconds, e.g. `2026-04-16T10:30:00.000Z`."),
        (CountryCode::decl(&cfg), "An ISO 3166-1 alpha-2 country code, uppercase."),
        (GiftRequestStatus::decl(&cfg), "Where a gift request has got to; a status this SDK does not know is `\"unknown\"`."),
        (GiftRequest::decl(&cfg), "A gift request, as the API returns it."),
        (Recipient::decl(&cfg), "The recipient of a gift request, as returned."),
        (ShippingAddress::decl(&cfg), "A direct-send address, as returned."),
        (LineItem::decl(&cfg), "A locked line item, as returned."),
        (ErrorType::decl(&cfg), "The category of an error."),
        (ErrorCode::decl(&cfg), "A machine-readable error code (an open set)."),
        (ErrorItem::decl(&cfg), "One problem, in the server's words: show `message` under the field named by `param`."),
        (RateLimit::decl(&cfg), "The `RateLimit-*` headers of a response (`reset` in absolute Unix seconds)."),
        (MetaReport::decl(&cfg), "Status, request id and rate limits of a response."),
        (ErrorReport::decl(&cfg), "An error as plain data, as the core reports it."),
    ];
    let mut generated = String::from("// Generated from the Rust types of andopen-core (core/tests/typescript.rs): do not edit.\n");
    for (declaration, doc) in declarations {
        generated.push_str(&format!("\n/** {doc} */\nexport {declaration}\n"));
    }
    // The tags of a payload's tokens: a `const enum`, so that the compiler writes the numbers in place.
    use andopen_core::tokens::{ARRAY, FALSE, NULL, NUMBER, OBJECT, STRING, TRUE};
    generated.push_str(&format!(
        "\n/** The tags of a payload's tokens (`andopen_core::tokens`). */\nexport const enum Token {{ Object = {OBJECT}, Array = {ARRAY}, String = {STRING}, Number = {NUMBER}, True = {TRUE}, False = {FALSE}, Null = {NULL} }}\n"
    ));
    use andopen_core::tokens::MOST_PER_TAG;
    generated.push_str(&format!(
        "\n/** The most bytes of JSON one tag of a payload's tokens stands for, beside its text (`andopen_core::tokens::MOST_PER_TAG`). */\nexport const MOST_PER_TAG = {MOST_PER_TAG};\n"
    ));
    // A known key's tag: a `switch`, which compares the interned keys of an object in a few instructions.
    use andopen_core::tokens::{KEY, KEYS};
    generated.push_str("\n/** The tag of a key of `andopen_core::tokens::KEYS` (`KEY | i`), or 0 for a key that goes as text. */\nexport function keyTag(key: string): number {\n  switch (key) {\n");
    for (i, key) in (0u32..).zip(KEYS) {
        generated.push_str(&format!("    case \"{key}\": return {};\n", KEY | i));
    }
    generated.push_str("    default: return 0;\n  }\n}\n");
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../bindings/js/src/generated.ts");
    if std::env::var_os("UPDATE_TYPES").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(committed == generated, "bindings/js/src/generated.ts is out of date: run `make types`\n{generated}");
}
