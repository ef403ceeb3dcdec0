//! Talking to a node's REST API from a home: which node (the home's own API unless `--node`
//! names another), reads signed with a member key of the home, and the one sentence a clerk
//! reads when the node or the ledger's rules refuse a tx.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use onebook_types::{keys::SecretKey, rejection::Rejection};
use serde_json::Value;

use crate::{Home, http};

/// The node to talk to, as `host:port`: `given` (a `host:port` or `http://host:port`), else the
/// address the home's own node serves its API on (`[api] listen`, an unspecified address read
/// as the loopback one).
pub(crate) fn node_address(
    home: &Home,
    overrides: &[String],
    given: Option<&str>,
) -> eyre::Result<String> {
    if let Some(given) = given {
        let address = given.trim_start_matches("http://").trim_end_matches('/');
        if address.is_empty() || address.contains('/') || given.starts_with("https://") {
            eyre::bail!("--node {given:?} is not host:port or http://host:port");
        }
        return Ok(address.to_owned());
    }
    let config = super::load_config(home, overrides)?;
    let listen = config.api.listen_addr()?;
    Ok(reachable(listen).to_string())
}

/// `listen` as a client reaches it: an unspecified address (`0.0.0.0`, `::`) by the loopback one.
fn reachable(listen: SocketAddr) -> SocketAddr {
    if listen.ip().is_unspecified() {
        let loopback = match listen.ip() {
            IpAddr::V4(_) => IpAddr::V4(Ipv4Addr::LOCALHOST),
            IpAddr::V6(_) => IpAddr::V6(std::net::Ipv6Addr::LOCALHOST),
        };
        SocketAddr::new(loopback, listen.port())
    } else {
        listen
    }
}

/// `GET path` on `node`, signed with `reader` if given (`docs/formats.md` §18), so restricted
/// records answer to the members their rule names. The status and the body.
pub(crate) fn get(
    node: &str,
    path: &str,
    reader: Option<&SecretKey>,
) -> eyre::Result<(u16, Vec<u8>)> {
    match reader {
        Some(reader) => http::request_as(node, reader, "GET", path),
        None => http::request(node, "GET", path, None),
    }
}

/// A tx refused by the rules or turned away by the node: an expected outcome, printed as its
/// one sentence, without a source location, and exit status 1.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub(crate) struct Refused(pub(crate) String);

/// The sentence of a refusal with `code`: `<verb>: <code> <Name>: <sentence>` (the sentence of
/// `docs/rules.md`), then what stood in the way, from the receipt's `tx.refused` event
/// `detail` (its attributes but the rule's name and the signer's own org), if any.
pub(crate) fn refusal_sentence(verb: &str, code: u64, detail: &[(String, String)]) -> String {
    let rule = u16::try_from(code).ok().and_then(Rejection::from_code);
    let mut line = match rule {
        Some(rule) => format!("{verb}: {code} {}: {}", rule.name(), rule.sentence()),
        // A code this build does not know is shown as its number.
        None => format!("{verb}: code {code}."),
    };
    let named: Vec<String> = detail
        .iter()
        .filter(|(name, _)| name != "rejection" && name != "org")
        .map(|(name, value)| format!("{name} {value}"))
        .collect();
    if !named.is_empty() {
        line.pop();
        line.push_str(&format!(": {}.", named.join(", ")));
    }
    line
}

/// The attributes of the `tx.refused` event of a receipt's JSON, if it has one.
pub(crate) fn refusal_detail(receipt: &Value) -> Vec<(String, String)> {
    let Some(events) = receipt["events"].as_array() else { return Vec::new() };
    let refused = events.iter().find(|event| event["kind"] == "tx.refused");
    let Some(attributes) = refused.and_then(|event| event["attributes"].as_array()) else {
        return Vec::new();
    };
    attributes
        .iter()
        .filter_map(|pair| {
            let name = pair.get(0)?.as_str()?;
            let value = pair.get(1)?.as_str()?;
            Some((name.to_owned(), value.to_owned()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_is_one_sentence_with_its_code_name_and_the_rules_sentence() {
        let plain = refusal_sentence("refused", 142, &[]);
        let detail = [
            ("rejection".to_owned(), "AuthoritativeSourceExists".to_owned()),
            ("data_element".to_owned(), "DE-GA-0002".to_owned()),
            ("holder_org".to_owned(), "xm-gaj".to_owned()),
            ("org".to_owned(), "xm-scjg".to_owned()),
        ];
        let named = refusal_sentence("refused", 109, &detail);
        let unknown = refusal_sentence("refused", 999, &[]);

        assert_eq!(
            plain,
            "refused: 142 RefusalWithoutLegalBasis: A refusal must cite a legal basis of the \
             registry."
        );
        assert_eq!(
            named,
            "refused: 109 AuthoritativeSourceExists: A data element already has an \
             authoritative source (one source per data element): data_element DE-GA-0002, \
             holder_org xm-gaj."
        );
        assert_eq!(unknown, "refused: code 999.");
    }

    #[test]
    fn a_node_is_named_by_host_and_port_and_an_unspecified_listen_address_is_the_loopback() {
        let home = Home::new(Some(std::env::temp_dir())).expect("a home");

        let given = node_address(&home, &[], Some("http://127.0.0.1:26600/")).expect("given");
        let wrong = node_address(&home, &[], Some("https://node:1"));

        assert_eq!(given, "127.0.0.1:26600");
        assert!(wrong.is_err());
        assert_eq!(reachable("0.0.0.0:8640".parse().unwrap()).to_string(), "127.0.0.1:8640");
        assert_eq!(reachable("10.0.0.5:8640".parse().unwrap()).to_string(), "10.0.0.5:8640");
    }
}
