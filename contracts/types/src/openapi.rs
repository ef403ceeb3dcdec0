//! OpenAPI schemas (feature `openapi`, off by default) for the types whose JSON form is written
//! by hand: digests, keys and signatures in hex, dates as `YYYY-MM-DD`. Every other type of this
//! crate derives its schema from its serde form; the REST API enables the feature to describe
//! its answers. The rules stay free of it: the feature adds schemas, never behaviour.

use utoipa::{
    PartialSchema, ToSchema,
    openapi::{
        RefOr,
        schema::{ObjectBuilder, Schema, Type},
    },
};

use crate::{
    hash::Hash32,
    keys::{PublicKey, Signature},
    report_records::ReportPeriod,
    time::Date,
};

/// The schema of a string described by `description`, matching `pattern`, such as `example`.
pub fn text_schema(description: &str, pattern: &str, example: &str) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some(description))
        .pattern(Some(pattern))
        .examples([example])
        .into()
}

/// The schema of `bytes` bytes in lower-case hex.
fn hex_schema(description: &str, bytes: usize) -> RefOr<Schema> {
    text_schema(description, &format!("^[0-9a-f]{{{}}}$", 2 * bytes), &"0a".repeat(bytes))
}

impl PartialSchema for Hash32 {
    fn schema() -> RefOr<Schema> {
        hex_schema("A 32-byte BLAKE3 digest in lower-case hex (docs/formats.md).", 32)
    }
}

impl ToSchema for Hash32 {}

impl PartialSchema for PublicKey {
    fn schema() -> RefOr<Schema> {
        hex_schema("An ed25519 public key in lower-case hex: a member's, or a node key.", 32)
    }
}

impl ToSchema for PublicKey {}

impl PartialSchema for Signature {
    fn schema() -> RefOr<Schema> {
        hex_schema("An ed25519 signature in lower-case hex.", 64)
    }
}

impl ToSchema for Signature {}

impl PartialSchema for Date {
    fn schema() -> RefOr<Schema> {
        text_schema("A calendar day, `YYYY-MM-DD`.", r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", "2026-03-02")
    }
}

impl ToSchema for Date {}

impl PartialSchema for ReportPeriod {
    fn schema() -> RefOr<Schema> {
        text_schema(
            "A report's period in local time: a month `YYYY-MM`, a quarter `YYYY-Qn` or a year `YYYY`.",
            r"^[0-9]{4}(-[0-9]{2}|-Q[1-4])?$",
            "2026-12",
        )
    }
}

impl ToSchema for ReportPeriod {}
