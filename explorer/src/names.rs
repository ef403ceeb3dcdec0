//! The names pages show beside ids: every org's name and every member's registered name and
//! org, so a table reads `厦门市公安局 (xm-gaj)` and `张三 · 厦门市公安局` rather than an id or a
//! key hash.
//!
//! The names are read once through the query port and kept for [`NAMES_TTL`]; each request runs
//! with them in a task-local, so the render helpers (plain functions) can reach them. Outside a
//! request (the live relay's stream) no names are known and ids are shown as they are.

use std::{
    collections::BTreeMap,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use axum::{extract::Request, extract::State, middleware::Next, response::Response};
use onebook_query::{LedgerQuery, ListParams, Record};

use crate::App;

/// How long names read from the ledger are reused before they are read again.
const NAMES_TTL: Duration = Duration::from_secs(5);
/// Most orgs, and members, read for the names.
const NAMES_MAX: usize = 2_000;

/// Org and member names.
#[derive(Debug, Default)]
pub(crate) struct Names {
    /// Org id -> name.
    pub(crate) orgs: BTreeMap<String, String>,
    /// Member key in hex -> (name, org id).
    pub(crate) members: BTreeMap<String, (String, String)>,
}

/// Names and when they were read.
type Read = (Instant, Arc<Names>);

/// The names last read and when.
#[derive(Clone, Debug, Default)]
pub(crate) struct NameCache(Arc<Mutex<Option<Read>>>);

tokio::task_local! {
    static NAMES: Arc<Names>;
    static UNLINKED: bool;
    static MISSING: std::collections::BTreeSet<String>;
}

/// Runs `render` knowing that the records of `missing` (`grant:7`) do not exist, so no link
/// leads to them.
pub(crate) fn with_missing<T>(
    missing: std::collections::BTreeSet<String>,
    render: impl FnOnce() -> T,
) -> T {
    MISSING.sync_scope(missing, render)
}

/// Whether the record `key` (`grant:7`) is known not to exist here (see [`with_missing`]).
pub(crate) fn is_missing(key: &str) -> bool {
    MISSING.try_with(|missing| missing.contains(key)).unwrap_or(false)
}

/// Whether org `id` is known, in this request; `None` when no names could be read.
pub(crate) fn org_known(id: &str) -> Option<bool> {
    NAMES
        .try_with(|names| (!names.orgs.is_empty()).then(|| names.orgs.contains_key(id)))
        .ok()
        .flatten()
}

/// Whether the member with key `hex` is known, in this request; `None` when no names could be
/// read.
pub(crate) fn member_known(hex: &str) -> Option<bool> {
    NAMES
        .try_with(|names| (!names.members.is_empty()).then(|| names.members.contains_key(hex)))
        .ok()
        .flatten()
}

/// Runs `render` with ids shown as text, not links: for a refused tx, whose action may name
/// records that do not exist.
pub(crate) fn unlinked<T>(render: impl FnOnce() -> T) -> T {
    UNLINKED.sync_scope(true, render)
}

/// Whether ids are shown as text here (see [`unlinked`]).
pub(crate) fn links_off() -> bool {
    UNLINKED.try_with(|off| *off).unwrap_or(false)
}

/// The name of org `id`, in this request.
pub(crate) fn org(id: &str) -> Option<String> {
    NAMES.try_with(|names| names.orgs.get(id).cloned()).ok().flatten()
}

/// The name and org of the member whose key is `hex`, in this request.
pub(crate) fn member(hex: &str) -> Option<(String, String)> {
    NAMES.try_with(|names| names.members.get(hex).cloned()).ok().flatten()
}

/// Every org id and name known in this request.
pub(crate) fn all_orgs() -> Vec<(String, String)> {
    NAMES
        .try_with(|names| names.orgs.iter().map(|(id, name)| (id.clone(), name.clone())).collect())
        .unwrap_or_default()
}

/// `org id` as `名称 (id)`, or the id alone when no name is known.
pub(crate) fn org_text(id: &str) -> String {
    match org(id) {
        Some(name) => format!("{name} ({id})"),
        None => id.to_owned(),
    }
}

async fn read<Q: LedgerQuery>(app: &App<Q>) -> Names {
    let mut names = Names::default();
    for kind in [crate::kinds::ORG, crate::kinds::MEMBER] {
        let Ok(collected) =
            crate::stats::collect(app, kind, ListParams::default(), NAMES_MAX).await
        else {
            continue;
        };
        for view in collected.views {
            match view.record {
                Record::Org(org) => {
                    names.orgs.insert(org.id.0, org.name);
                }
                Record::Member(member) => {
                    names.members.insert(member.key.to_hex(), (member.name, member.org.0));
                }
                _ => {}
            }
        }
    }
    names
}

/// The names, read again when older than [`NAMES_TTL`].
async fn current<Q: LedgerQuery>(app: &App<Q>) -> Arc<Names> {
    let cached = app.names.0.lock().ok().and_then(|held| held.clone());
    if let Some((read_at, names)) = cached
        && read_at.elapsed() < NAMES_TTL
    {
        return names;
    }
    let names = Arc::new(read(app).await);
    if let Ok(mut held) = app.names.0.lock() {
        *held = Some((Instant::now(), Arc::clone(&names)));
    }
    names
}

/// Runs the page with the names at hand.
pub(crate) async fn with_names<Q: LedgerQuery>(
    State(app): State<App<Q>>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path();
    if path.starts_with("/assets/") || path == "/events" || path == "/favicon.ico" {
        return next.run(request).await;
    }
    let names = current(&app).await;
    NAMES.scope(names, next.run(request)).await
}
