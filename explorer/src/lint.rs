//! What a Chinese page must never show: the ledger's raw words where a clerk should read
//! Chinese. The explorer's tests run every page's visible text through [`raw_values`].
//!
//! The patterns, each on a word of letters, digits, `_`, `.` and `-` (split at anything else):
//! - a field or parameter name in `snake_case` (`expires_at`, `share_request`);
//! - an event kind, `<part>.<part>` in lower case (`policy.set`, `grant.issued`);
//! - a block time in milliseconds, 13 digits (`1828022400000`);
//! - an English rejection name ([`rejection_names`]: `RegistrantNotProvider`, ...) or a
//!   violation reason spelt as a Rust variant (`GrantRevoked`, `WrongGrantee`);
//! - an enum value as the JSON spells it ([`ENUM_VALUES`]: `under-review`, `daily`, `true`, ...).

use onebook_types::rejection::Rejection;

/// Enum values (statuses, reasons, kinds, roles, levels, grades, frequencies) as JSON spells
/// them, and the booleans.
pub const ENUM_VALUES: &[&str] = &[
    "true",
    "false",
    "draft",
    "submitted",
    "returned",
    "approved",
    "published",
    "deprecated",
    "under-review",
    "granted",
    "refused",
    "withdrawn",
    "active",
    "revoked",
    "suspended",
    "covered",
    "violation",
    "reported",
    "fixed",
    "disputed",
    "ruled",
    "applied",
    "in-notice",
    "certified",
    "pending",
    "upheld",
    "dismissed",
    "cancelled",
    "met",
    "open",
    "passed",
    "rejected",
    "no-grant",
    "grant-unknown",
    "grant-revoked",
    "grant-expired",
    "out-of-scope",
    "wrong-grantee",
    "not-yet-valid",
    "item-out-of-scope",
    "grant-closed",
    "parent-grant-ended",
    "catalog-update",
    "resource-registration",
    "correction",
    "org-admin",
    "catalog-clerk",
    "share-approver",
    "data-user",
    "registrar",
    "auditor",
    "national",
    "provincial",
    "city",
    "district",
    "bureau",
    "public-service",
    "enterprise",
    "registration-centre",
    "unconditional",
    "conditional",
    "conditionally_open",
    "not_open",
    "general",
    "important",
    "core",
    "query",
    "download",
    "holding",
    "daily",
    "weekly",
    "monthly",
    "quarterly",
    "yearly",
    "real-time",
    "valid",
    "expired",
    "parent-cancelled",
    "parent-expired",
    "parent-unknown",
    "approve",
    "refuse",
    "on-time",
    "late",
    "destroyed",
    "retained",
    "parent-ended",
    "end-of-use",
    "primary",
    "secondary",
    "GrantRevoked",
    "WrongGrantee",
    "NoGrant",
    "GrantUnknown",
    "GrantExpired",
    "OutOfScope",
    "NotYetValid",
    "ItemOutOfScope",
];

/// Every rejection's English name.
pub fn rejection_names() -> Vec<String> {
    Rejection::ALL.iter().map(|rule| rule.name()).collect()
}

/// The words of `text` that match a pattern of the module's list, each once, in order.
pub fn raw_values(text: &str) -> Vec<String> {
    let rejections = rejection_names();
    let mut found: Vec<String> = Vec::new();
    let words = text.split(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')));
    for word in words.map(|word| word.trim_matches(|c| matches!(c, '.' | '-'))) {
        if word.is_empty() || found.iter().any(|seen| seen == word) {
            continue;
        }
        let lower = |part: &str| {
            !part.is_empty() && part.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
        };
        let snake = word.contains('_') && lower(word);
        let event = word.split_once('.').is_some_and(|(a, b)| lower(a) && lower(b));
        let millis = word.len() == 13 && word.bytes().all(|b| b.is_ascii_digit());
        if snake
            || event
            || millis
            || ENUM_VALUES.contains(&word)
            || rejections.iter().any(|name| name == word)
        {
            found.push(word.to_owned());
        }
    }
    found
}

/// The names the page shows without a label: each field (`<dt title="name">`), event kind or
/// action type (`<span class="tag" title="kind">`) and event attribute
/// (`<span class="name" title="name">`) whose shown text is its raw name, each once, in order.
/// A name the label table lacks is shown as it is, so this lists the labels a page is missing
/// in either language.
pub fn unlabelled(html: &str) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    for opening in ["<dt title=\"", "<span class=\"tag\" title=\"", "<span class=\"name\" title=\""]
    {
        for part in html.split(opening).skip(1) {
            let Some((name, rest)) = part.split_once('"') else { continue };
            let Some(shown) = rest.split_once('>').map(|(_, after)| after) else { continue };
            let shown = shown.split('<').next().unwrap_or_default().trim();
            let name = name.replace("&amp;", "&");
            if shown == name && !found.contains(&name) {
                found.push(name);
            }
        }
    }
    found
}

/// The text a reader sees: no tags, scripts, styles, attribute values or collapsed JSON views.
pub fn visible_text(html: &str) -> String {
    let mut html = html.to_owned();
    for (open, close) in [
        ("<script", "</script>"),
        ("<style", "</style>"),
        ("<details id=\"json-view\"", "</details>"),
        ("<title", "</title>"),
    ] {
        while let Some(start) = html.find(open) {
            let end = html[start..].find(close).map_or(html.len(), |end| start + end + close.len());
            html.replace_range(start..end, " ");
        }
    }
    let mut text = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                text.push(' ');
            }
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_shown_as_itself_is_unlabelled() {
        let html = r#"<dt title="expires_at">授权到期</dt><dt title="interval">interval</dt>
            <span class="tag" title="checkpoint.anchored">checkpoint.anchored</span>
            <span class="name" title="chain">链</span><span class="name" title="genesis">genesis</span>"#;

        assert_eq!(unlabelled(html), ["interval", "checkpoint.anchored", "genesis"]);
    }

    #[test]
    fn raw_words_are_found_and_chinese_ids_and_codes_pass() {
        let text = "share_request：7 授权到期：1828022400000 policy.set 被拒绝 · RegistrantNotProvider (209) 更新频率 daily";

        assert_eq!(
            raw_values(text),
            ["share_request", "1828022400000", "policy.set", "RegistrantNotProvider", "daily"]
        );
        let clean = "厦门市公安局 (xm-gaj) 目录 350200-xm-dsj-0007 证书 350200-2026-000001X 高度 127.0.0.1 下载 CSV";
        assert!(raw_values(clean).is_empty(), "{:?}", raw_values(clean));
    }
}
