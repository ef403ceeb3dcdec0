//! The chain's pages: home, blocks, a block, a tx, the validators and search; and the lists
//! every page pages through and downloads as CSV.

use std::collections::{BTreeMap, BTreeSet};

use axum::{
    extract::{Path, Query, State, rejection::QueryRejection},
    http::Uri,
    response::{Html, IntoResponse, Response},
};
use maud::{Markup, html};
use onebook_query::{
    BlockSummaryView, LedgerQuery, ListParams, Page, PageParams, QueryError, Record, SearchHitView,
    TimelineEntryView, TxView, ValidatorsView, parse_record_key,
};
use onebook_types::{
    action::Action, consortium::Validator, hash::Hash32, ids::Height, keys::PublicKey,
    limits::PAGE_ITEMS_MAX, record::RecordKey,
};
use serde::Deserialize;
use serde_json::Value;

use crate::{
    App,
    csv::{self, CSV_ROWS_MAX},
    error::{PageError, respond},
    html::{self, Cell, Table, page, section},
    i18n::Lang,
    kinds::{self, Kind},
};

/// A chain whose last block is older than this has stalled (the idle chain makes one every
/// ten seconds).
const STALLED_AFTER_MS: u64 = 30_000;
/// Blocks whose signatures the home and validator pages show.
const RECENT_BLOCKS: u64 = 10;
/// Blocks the tx rate is measured over.
const RATE_BLOCKS: u64 = 20;
/// Most catalog entries, and certificates, a search by prefix or name looks through.
const SEARCHED_RECORDS_MAX: usize = 1_000;

/// The query string of a list or a page with one: paging, the CSV switch and filters. Unknown
/// parameters (such as `lang`) are left to others.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ListQuery {
    pub(crate) cursor: Option<String>,
    pub(crate) limit: Option<u64>,
    pub(crate) format: Option<String>,
    pub(crate) org: Option<String>,
    pub(crate) status: Option<String>,
    pub(crate) q: Option<String>,
    pub(crate) under: Option<String>,
    /// First day, `YYYY-MM-DD` (Beijing time), of records created in a range.
    pub(crate) from: Option<String>,
    /// Last day, `YYYY-MM-DD`, of records created in a range.
    pub(crate) to: Option<String>,
    /// Which side of a two-party record the org is on (see [`Side`]).
    pub(crate) side: Option<String>,
    /// As of this height (the overdue dashboard's downloads are pinned to the height counted).
    pub(crate) height: Option<u64>,
    /// Only open-data plans of this year.
    pub(crate) year: Option<u16>,
}

impl ListQuery {
    pub(crate) fn csv(&self) -> bool {
        self.format.as_deref() == Some("csv")
    }

    pub(crate) fn page(&self) -> PageParams {
        PageParams { cursor: self.cursor.clone(), limit: self.limit }
    }
}

/// The query string, or a 400 page naming what is wrong with it.
pub(crate) fn parsed(
    query: Result<Query<ListQuery>, QueryRejection>,
) -> Result<ListQuery, PageError> {
    query.map(|Query(query)| query).map_err(|rejection| PageError::BadInput(rejection.body_text()))
}

/// The page's path and query, for its links.
pub(crate) fn path_of(uri: &Uri) -> String {
    uri.path_and_query().map_or_else(|| "/".to_owned(), |path| path.as_str().to_owned())
}

/// A page as an HTML response.
pub(crate) fn html_page(lang: Lang, title: &str, path: &str, body: Markup) -> Response {
    Html(page(lang, title, path, body).into_string()).into_response()
}

/// Which side of a two-party record an org is on: the provider (grants given, share requests
/// received, certificates issued) or the other party (grants received, share requests made,
/// certificates held).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Side {
    /// `side=provider`.
    Provider,
    /// `side=party`.
    Party,
}

impl Side {
    pub(crate) fn parse(text: Option<&str>) -> Result<Option<Self>, PageError> {
        match text {
            None | Some("") => Ok(None),
            Some("provider") => Ok(Some(Self::Provider)),
            Some("party") => Ok(Some(Self::Party)),
            Some(other) => Err(PageError::BadInput(format!("side={other}: provider | party"))),
        }
    }

    pub(crate) const fn code(self) -> &'static str {
        match self {
            Self::Provider => "provider",
            Self::Party => "party",
        }
    }

    /// Whether `record` has `org` on this side; records of kinds with no sides always do.
    pub(crate) fn holds(self, record: &Record, org: &str) -> bool {
        let (provider, party) = match record {
            Record::Grant(grant) => (grant.provider.as_str(), grant.grantee.as_str()),
            Record::ShareRequest(request) => {
                (request.provider.as_str(), request.requester_org.as_str())
            }
            Record::Certificate(certificate) => {
                (certificate.issuer.as_str(), certificate.holder.as_str())
            }
            _ => return true,
        };
        match self {
            Self::Provider => provider == org,
            Self::Party => party == org,
        }
    }
}

/// What a list's records are filtered by.
#[derive(Clone, Debug, Default)]
pub(crate) struct Filter {
    pub(crate) org: Option<String>,
    pub(crate) status: Option<String>,
    pub(crate) from: Option<onebook_types::ids::Timestamp>,
    pub(crate) to: Option<onebook_types::ids::Timestamp>,
    pub(crate) side: Option<Side>,
    pub(crate) year: Option<u16>,
}

impl Filter {
    /// The filter a list's query string asks for.
    pub(crate) fn of(lang: Lang, query: &ListQuery) -> Result<Self, PageError> {
        Ok(Self {
            org: query.org.clone().filter(|org| !org.is_empty()),
            status: query.status.clone().filter(|status| !status.is_empty()),
            from: crate::stats::parse_day(lang, query.from.as_deref(), false)?,
            to: crate::stats::parse_day(lang, query.to.as_deref(), true)?,
            side: Side::parse(query.side.as_deref())?,
            year: query.year,
        })
    }

    /// The port's parameters for this filter (the side is applied by the explorer).
    pub(crate) fn params(&self, page: PageParams) -> ListParams {
        ListParams {
            org: self.org.as_deref().map(onebook_types::ids::OrgId::from),
            status: self.status.clone(),
            from: self.from,
            to: self.to,
            year: self.year,
            page,
            ..ListParams::default()
        }
    }

    /// Whether a record the port listed passes the explorer's part of the filter.
    pub(crate) fn keeps(&self, view: &onebook_query::RecordView) -> bool {
        match (self.side, &self.org) {
            (Some(side), Some(org)) => side.holds(&view.record, org),
            _ => true,
        }
    }
}

/// What a list lists.
#[derive(Clone, Debug)]
pub(crate) enum Listing {
    /// The records of a kind, filtered.
    Records { kind: Kind, filter: Filter },
    /// The records of a kind under one record (a certificate's licences, a resource's accesses).
    Under { kind: Kind, under: RecordKey },
    /// The txs that touched a record.
    Timeline(RecordKey),
    /// The blocks, newest first.
    Blocks,
    /// One block's txs.
    BlockTxs(Height),
}

/// One page of `listing` as a table.
pub(crate) async fn fetch<Q: LedgerQuery>(
    app: &App<Q>,
    lang: Lang,
    listing: &Listing,
    page: PageParams,
) -> Result<Table, QueryError> {
    match listing {
        Listing::Records { kind, filter } => {
            let mut page = app.query.records(kind.kind, filter.params(page)).await?;
            page.items.retain(|view| filter.keeps(view));
            let mut table = records_table(lang, *kind, page);
            if *kind == kinds::ACCESS_EVENT {
                unlink_missing_grants(app, lang, &mut table).await;
            }
            if *kind == kinds::VIOLATION {
                add_accessed(app, lang, &mut table).await;
            }
            Ok(table)
        }
        Listing::Under { kind, under } => {
            let params = ListParams { under: Some(under.clone()), page, ..ListParams::default() };
            let mut table = records_table(lang, *kind, app.query.records(kind.kind, params).await?);
            if *kind == kinds::ACCESS_EVENT {
                unlink_missing_grants(app, lang, &mut table).await;
            }
            Ok(table)
        }
        Listing::Timeline(key) => {
            let timeline = app.query.timeline(key.clone(), page).await?;
            let names = member_names(app, timeline.items.iter().map(|entry| entry.signer)).await;
            Ok(timeline_table(lang, &timeline, &names))
        }
        Listing::Blocks => {
            let blocks = app.query.blocks(page).await?;
            let validators = app.query.validators(None).await?;
            Ok(blocks_table(lang, &blocks, &validators))
        }
        Listing::BlockTxs(height) => {
            let txs = app.query.block_txs(*height, page).await?;
            let names = member_names(app, txs.items.iter().map(|tx| tx.signer)).await;
            let missing =
                missing_grants(app, txs.items.iter().filter_map(|tx| tx.action.as_ref())).await;
            Ok(crate::names::with_missing(missing, || txs_table(lang, &txs, &names)))
        }
    }
}

/// How many records `listing` holds, from the port's count (the store's index). Where the port
/// cannot count it (a side with a status or a date range) or refuses its reader the count, the
/// records are read to [`crate::stats::COUNTED_MAX`] (the flag says the count was cut there);
/// `None` for listings that are not of records.
pub(crate) async fn count<Q: LedgerQuery>(
    app: &App<Q>,
    listing: &Listing,
) -> Result<Option<(usize, bool)>, QueryError> {
    if let Some((kind, params)) = count_params(listing) {
        let bounds = params.bounds.clone();
        let counted = if bounds.is_empty() {
            crate::stats::count(app, kind, params).await
        } else {
            crate::stats::counts_by_time(app, kind, params, bounds)
                .await
                .map(|counts| counts.iter().sum())
        };
        match counted {
            Ok(count) => return Ok(Some((usize::try_from(count).unwrap_or(usize::MAX), false))),
            Err(error) if crate::stats::count_refused(&error) => {}
            Err(error) => return Err(error),
        }
    }
    let (kind, params, filter) = match listing {
        Listing::Records { kind, filter } => {
            (*kind, filter.params(PageParams::default()), Some(filter))
        }
        Listing::Under { kind, under } => {
            (*kind, ListParams { under: Some(under.clone()), ..ListParams::default() }, None)
        }
        _ => return Ok(None),
    };
    let mut collected = crate::stats::collect(app, kind, params, crate::stats::COUNTED_MAX).await?;
    if let Some(filter) = filter {
        collected.views.retain(|view| filter.keeps(view));
    }
    Ok(Some((collected.views.len(), collected.capped)))
}

/// The port's count of `listing`, when the port can count it: its org, status and date range,
/// or its side of an org without a status or range, or the records under one record.
fn count_params(listing: &Listing) -> Option<(Kind, onebook_query::CountParams)> {
    use onebook_query::CountParams;
    match listing {
        Listing::Records { kind, filter } => {
            let side = match (filter.side, &filter.org) {
                (Some(_), None) | (None, _) => None,
                (Some(Side::Provider), Some(_)) => Some(onebook_query::Side::Provider),
                (Some(Side::Party), Some(_)) => Some(onebook_query::Side::Party),
            };
            let ranged = filter.from.is_some() || filter.to.is_some();
            let sided = side.is_some() && kind.kind.spec().sides;
            if sided && (ranged || filter.status.is_some()) {
                return None;
            }
            let bounds = if ranged {
                let from = filter.from.unwrap_or(onebook_types::ids::Timestamp(0));
                let to =
                    filter.to.unwrap_or(onebook_types::ids::Timestamp(onebook_query::TIME_MAX));
                if from >= to {
                    // An empty range: its listing reads nothing, so it counts at once.
                    return None;
                }
                vec![from, to]
            } else {
                Vec::new()
            };
            let params = CountParams {
                org: filter.org.as_deref().map(onebook_types::ids::OrgId::from),
                status: filter.status.clone(),
                side: side.filter(|_| sided),
                bounds,
                ..CountParams::default()
            };
            Some((*kind, params))
        }
        Listing::Under { kind, under } => {
            Some((*kind, CountParams { under: Some(under.clone()), ..CountParams::default() }))
        }
        _ => None,
    }
}

/// The grants that the access batches among `actions` claim and the ledger does not hold, as
/// record keys (`grant:4294967295`): a gateway may claim a grant it does not know, and the
/// ledger records that access as a violation, so an accepted tx can name a missing grant.
pub(crate) async fn missing_grants<'a, Q: LedgerQuery>(
    app: &App<Q>,
    actions: impl Iterator<Item = &'a Action>,
) -> BTreeSet<String> {
    let mut claimed = BTreeSet::new();
    for action in actions {
        if let Action::RecordAccesses { events } = action {
            claimed.extend(events.iter().filter_map(|event| event.grant));
        }
    }
    let mut missing = BTreeSet::new();
    for grant in claimed {
        if matches!(app.query.record(RecordKey::Grant(grant), None).await, Ok(None)) {
            missing.insert(format!("{}:{}", kinds::GRANT.key_kind, grant.0));
        }
    }
    missing
}

/// Adds to a table of violations the resource and the member of each violation's access.
async fn add_accessed<Q: LedgerQuery>(app: &App<Q>, lang: Lang, table: &mut Table) {
    let Some(column) =
        kinds::VIOLATION.columns.iter().position(|(name, _)| *name == "access_event")
    else {
        return;
    };
    table.columns.push(lang.t("resource").into_owned());
    table.columns.push(lang.t("member").into_owned());
    for row in &mut table.rows {
        let access = row.get(column).and_then(|cell| cell.text.parse::<u64>().ok());
        let key = access.map(|id| RecordKey::AccessEvent(onebook_types::ids::AccessEventId(id)));
        let event = match key {
            Some(key) => app.query.record(key, None).await.ok().flatten(),
            None => None,
        };
        match event.map(|view| view.record) {
            Some(Record::AccessEvent(event)) => {
                let resource = event.access.resource.0.to_string();
                let member = event.access.member.to_hex();
                row.push(Cell::rich(
                    resource.clone(),
                    html::record_link(kinds::RESOURCE, &resource),
                ));
                row.push(Cell::rich(
                    html::record_text(kinds::MEMBER, &member),
                    html::record_link(kinds::MEMBER, &member),
                ));
            }
            _ => {
                row.push(Cell::text(""));
                row.push(Cell::text(""));
            }
        }
    }
}

/// An access event's grant that does not exist (a gateway claimed an unknown grant) is shown
/// as text, so no link leads to a missing page.
pub(crate) async fn unlink_missing_grants<Q: LedgerQuery>(
    app: &App<Q>,
    lang: Lang,
    table: &mut Table,
) {
    let Some(column) = kinds::ACCESS_EVENT.columns.iter().position(|(name, _)| *name == "grant")
    else {
        return;
    };
    let mut known = BTreeMap::new();
    for row in &mut table.rows {
        let Some(cell) = row.get_mut(column) else { continue };
        let Ok(id) = cell.text.parse::<u64>() else { continue };
        let exists = match known.get(&id) {
            Some(exists) => *exists,
            None => {
                let key = RecordKey::Grant(onebook_types::ids::GrantId(id));
                let exists = matches!(app.query.record(key, None).await, Ok(Some(_)));
                known.insert(id, exists);
                exists
            }
        };
        if !exists {
            *cell = Cell::rich(
                cell.text.clone(),
                html! { (id) " " span.none { "(" (lang.value("reason", "grant-unknown")) ")" } },
            );
        }
    }
}

/// A list as a page section, or, when the query asks for CSV, as a download of up to
/// [`CSV_ROWS_MAX`] rows from its cursor on.
pub(crate) enum Listed {
    /// The CSV download.
    Csv(Response),
    /// One page, to show.
    Table(Table),
}

pub(crate) async fn listed<Q: LedgerQuery>(
    app: &App<Q>,
    lang: Lang,
    listing: &Listing,
    query: &ListQuery,
    path: &str,
    name: &str,
) -> Result<Listed, PageError> {
    if !query.csv() {
        return Ok(Listed::Table(fetch(app, lang, listing, query.page()).await?));
    }
    let mut all = Table::default();
    let mut cursor = query.cursor.clone();
    loop {
        let limit = Some(PAGE_ITEMS_MAX as u64);
        let table = fetch(app, lang, listing, PageParams { cursor, limit }).await?;
        all.columns = table.columns;
        all.rows.extend(table.rows);
        cursor = table.next;
        if cursor.is_none() || all.rows.len() >= CSV_ROWS_MAX {
            break;
        }
    }
    let next = cursor.map(|cursor| html::with_param(path, "cursor", &cursor));
    Ok(Listed::Csv(csv::response(name, &all, next)))
}

/// The names and orgs of the members among `keys`; a key that is no member is left out.
pub(crate) async fn member_names<Q: LedgerQuery>(
    app: &App<Q>,
    keys: impl Iterator<Item = PublicKey>,
) -> BTreeMap<PublicKey, (String, String)> {
    let mut names = BTreeMap::new();
    for key in keys.collect::<BTreeSet<_>>() {
        if let Ok(Some(view)) = app.query.record(RecordKey::Member(key), None).await
            && let Record::Member(member) = view.record
        {
            names.insert(key, (member.name, member.org.0));
        }
    }
    names
}

pub(crate) fn signer_cell(key: &PublicKey, names: &BTreeMap<PublicKey, (String, String)>) -> Cell {
    let hex = key.to_hex();
    match names.get(key) {
        Some((name, org)) => Cell::rich(
            format!("{name} · {}", crate::names::org_text(org)),
            html::record_link(kinds::MEMBER, &hex),
        ),
        // Not a member (a refused tx's signer): the key, with no link to a missing page.
        None => Cell::rich(hex.clone(), html! { code.hash title=(hex) { (html::short(&hex)) } }),
    }
}

/// The outcome of a tx: accepted, or refused with the rule's code and its sentence in the
/// page's language (the rule's English name only on English pages).
pub(crate) fn outcome_cell(lang: Lang, code: u16, rejection: Option<&str>) -> Cell {
    if code == 0 {
        return Cell::rich(lang.t("ui.accepted"), html! { span.ok { (lang.t("ui.accepted")) } });
    }
    let sentence = lang.rejection(code);
    let name = match lang {
        Lang::En => rejection.map(|name| format!(" {name}")).unwrap_or_default(),
        Lang::Zh => String::new(),
    };
    let text = format!("{}{name} ({} {code}): {sentence}", lang.t("ui.refused"), lang.t("ui.code"));
    let rich = html! {
        span.bad data-code=(code) { (lang.t("ui.refused")) (name) " (" (lang.t("ui.code")) " " (code) ")" }
        " " span.rule { (sentence) }
    };
    Cell::rich(text, rich)
}

/// An action in a cell: its label, then its fields; a dash where the node withheld it.
pub(crate) fn action_cell(lang: Lang, action: Option<&Action>, code: u16) -> Cell {
    let Some(action) = action else {
        return Cell::rich(lang.t("ui.withheld"), html! { span.none { (lang.t("ui.withheld")) } });
    };
    let json = serde_json::to_value(action).unwrap_or_default();
    let kind = json["type"].as_str().unwrap_or_default().to_owned();
    let mut fields = json.as_object().cloned().unwrap_or_default();
    fields.remove("type");
    let text = format!(
        "{}: {}",
        lang.t(&kind),
        html::scalar_text(lang, "action", &Value::Object(fields.clone()))
    );
    let render = || {
        html! {
            div.action {
                span.tag { (lang.t(&kind)) }
                (html::fields(lang, &fields))
            }
        }
    };
    // A refused tx may name records that never came to be: its ids are not linked.
    let rich = if code == 0 { render() } else { crate::names::unlinked(render) };
    Cell::rich(text, rich)
}

fn timeline_table(
    lang: Lang,
    timeline: &Page<TimelineEntryView>,
    names: &BTreeMap<PublicKey, (String, String)>,
) -> Table {
    let columns = ["height", "index", "tx_hash", "signer", "type", "ui.outcome"];
    let rows = timeline
        .items
        .iter()
        .map(|entry| {
            let hash = entry.tx_hash.to_hex();
            vec![
                Cell::link(entry.height.to_string(), format!("/blocks/{}", entry.height)),
                Cell::text(entry.index.to_string()),
                Cell::link(hash.clone(), format!("/txs/{hash}")),
                signer_cell(&entry.signer, names),
                Cell::rich(
                    lang.t(&entry.action),
                    html! { span.tag title=(entry.action) { (lang.t(&entry.action)) } },
                ),
                outcome_cell(lang, entry.code, entry.rejection.as_deref()),
            ]
        })
        .collect();
    Table {
        columns: labels(lang, &columns),
        rows,
        next: timeline.next.clone(),
        total: None,
        csv: None,
    }
}

fn txs_table(
    lang: Lang,
    txs: &Page<TxView>,
    names: &BTreeMap<PublicKey, (String, String)>,
) -> Table {
    let columns = ["index", "tx_hash", "signer", "ui.decoded_action", "ui.outcome", "ui.events"];
    let rows = txs
        .items
        .iter()
        .map(|tx| {
            let hash = tx.tx_hash.to_hex();
            let events: Vec<String> =
                tx.events.iter().map(|event| lang.t(&event.kind).into_owned()).collect();
            vec![
                Cell::text(tx.index.to_string()),
                Cell::link(hash.clone(), format!("/txs/{hash}")),
                signer_cell(&tx.signer, names),
                action_cell(lang, tx.action.as_ref(), tx.code),
                outcome_cell(lang, tx.code, tx.rejection.as_deref()),
                Cell::text(events.join("; ")),
            ]
        })
        .collect();
    Table { columns: labels(lang, &columns), rows, next: txs.next.clone(), total: None, csv: None }
}

/// The org running the validator with `node_key`, else the key shortened.
fn validator_name(validators: &ValidatorsView, node_key: &PublicKey) -> String {
    validators.validators.iter().find(|validator| validator.node_key == *node_key).map_or_else(
        || html::short(&node_key.to_hex()),
        |validator| crate::names::org_text(validator.org.as_str()),
    )
}

fn blocks_table(lang: Lang, blocks: &Page<BlockSummaryView>, validators: &ValidatorsView) -> Table {
    let columns = ["height", "hash", "time", "tx_count", "proposer", "signatures"];
    let rows = blocks
        .items
        .iter()
        .map(|block| {
            let hash = block.hash.to_hex();
            vec![
                Cell::link(block.height.to_string(), format!("/blocks/{}", block.height)),
                Cell::rich(hash.clone(), html::short_hash(&hash)),
                Cell::rich(html::time_text(block.time), html::time(block.time)),
                Cell::text(block.tx_count.to_string()),
                Cell::text(validator_name(validators, &block.proposer)),
                Cell::text(block.signatures.to_string()),
            ]
        })
        .collect();
    Table {
        columns: labels(lang, &columns),
        rows,
        next: blocks.next.clone(),
        total: None,
        csv: None,
    }
}

/// A page of records as a table, by the kind's columns.
pub(crate) fn records_table(
    lang: Lang,
    kind: Kind,
    page: Page<onebook_query::RecordView>,
) -> Table {
    let columns: Vec<&str> = kind
        .columns
        .iter()
        .map(|(name, _)| {
            kind.labels.iter().find(|(field, _)| field == name).map_or(*name, |(_, label)| *label)
        })
        .collect();
    let rows = page
        .items
        .iter()
        .map(|view| {
            let json = serde_json::to_value(&view.record).unwrap_or_default();
            let record = &json["record"];
            let standing = serde_json::to_value(view.standing).unwrap_or_default();
            kind.columns
                .iter()
                .enumerate()
                .map(|(index, (name, pointer))| {
                    // `@` columns read the view around the record: a certificate's standing.
                    let cell = match pointer.strip_prefix('@') {
                        Some("/standing") => &standing,
                        Some(_) => &serde_json::Value::Null,
                        None => kinds::at(record, pointer),
                    };
                    let mut text = html::scalar_text(lang, name, cell);
                    let id = view.key.split_once(':').map_or("", |(_, id)| id);
                    // An entry whose version in force stays published while a new one is drafted
                    // reads as published, with the new version's stage beside it.
                    if kind == kinds::CATALOG_ENTRY
                        && *name == "status"
                        && !record["published"].is_null()
                        && !matches!(cell.as_str(), Some("published" | "deprecated"))
                    {
                        text = format!(
                            "{}（{} {}）",
                            lang.value("status", "published"),
                            lang.t("ui.new_version"),
                            text
                        );
                        return Cell::rich(text.clone(), html! { span.tag { (text) } });
                    }
                    if index == 0 {
                        Cell::link(text, html::record_href(kind, id))
                    } else {
                        Cell::rich(text, html::value(lang, name, cell))
                    }
                })
                .collect()
        })
        .collect();
    Table { columns: labels(lang, &columns), rows, next: page.next, total: None, csv: None }
}

pub(crate) fn labels(lang: Lang, keys: &[&str]) -> Vec<String> {
    keys.iter().map(|key| lang.t(key).into_owned()).collect()
}

pub(crate) fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX))
}

/// Who signed each of the recent blocks, newest first.
async fn recent_signers<Q: LedgerQuery>(
    app: &App<Q>,
    tip: u64,
) -> Result<Vec<(u64, BTreeSet<PublicKey>)>, QueryError> {
    let mut recent = Vec::new();
    for height in (1..=tip).rev().take(usize::try_from(RECENT_BLOCKS).unwrap_or(10)) {
        let signed = match app.query.block(Height(height)).await? {
            Some(block) => block
                .certificate
                .map(|c| c.signatures.iter().map(|s| s.node_key).collect())
                .unwrap_or_default(),
            None => BTreeSet::new(),
        };
        recent.push((height, signed));
    }
    Ok(recent)
}

fn signed_power(validators: &[Validator], signed: &BTreeSet<PublicKey>) -> u64 {
    validators.iter().filter(|v| signed.contains(&v.node_key)).map(|v| v.power).sum()
}

fn validators_table(
    lang: Lang,
    validators: &ValidatorsView,
    recent: &[(u64, BTreeSet<PublicKey>)],
) -> Markup {
    html! {
        div.scroll {
            table.list #validators {
                thead { tr {
                    th { (lang.t("org")) } th { (lang.t("node_key")) } th { (lang.t("power")) }
                    @for (height, _) in recent { th { a href={ "/blocks/" (height) } { (height) } } }
                } }
                tbody {
                    @for validator in &validators.validators {
                        tr {
                            td { (html::record_link(kinds::ORG, validator.org.as_str())) }
                            td { span.mono title=(validator.node_key.to_hex()) { (html::short(&validator.node_key.to_hex())) } }
                            td { (validator.power) }
                            @for (_, signed) in recent {
                                @if signed.contains(&validator.node_key) {
                                    td.signed title=(lang.t("ui.signatures")) { "✓" }
                                } @else {
                                    td.unsigned { "·" }
                                }
                            }
                        }
                    }
                }
            }
        }
        p {
            (lang.t("ui.quorum")) "：" (validators.quorum_power) " / " (validators.total_power)
        }
    }
}

/// `GET /`.
pub(crate) async fn home<Q: LedgerQuery>(
    State(app): State<App<Q>>,
    lang: Lang,
    uri: Uri,
) -> Response {
    respond(lang, home_page(&app, lang, &path_of(&uri)).await)
}

async fn home_page<Q: LedgerQuery>(
    app: &App<Q>,
    lang: Lang,
    path: &str,
) -> Result<Response, PageError> {
    let tip = app.query.tip().await?;
    let blocks = app.query.blocks(PageParams { cursor: None, limit: Some(RATE_BLOCKS) }).await?;
    let validators = app.query.validators(None).await?;
    let recent = recent_signers(app, tip.height).await?;
    let rate = match (blocks.items.first(), blocks.items.last()) {
        (Some(newest), Some(oldest)) if newest.time > oldest.time => {
            let txs: u64 =
                blocks.items[..blocks.items.len() - 1].iter().map(|b| u64::from(b.tx_count)).sum();
            Some(txs as f64 * 1000.0 / (newest.time - oldest.time) as f64)
        }
        _ => None,
    };
    let age_ms = now_ms().saturating_sub(tip.time);
    let quorum = recent.first().is_none_or(|(_, signed)| {
        signed.is_empty() || signed_power(&validators.validators, signed) >= validators.quorum_power
    });
    let healthy = tip.height == 0 || (age_ms < STALLED_AFTER_MS && quorum);
    let summary = match crate::stats::domain_summary(app, lang, now_ms()).await {
        Ok(summary) => summary,
        Err(error) => {
            tracing::debug!(%error, "the domain summary could not be read");
            html::unavailable(lang)
        }
    };
    let body = html! {
        (section(&lang.t("ui.domain_summary"), summary))
        div.grid {
            div.card.stat {
                div.label { (lang.t("ui.tip")) }
                div.figure { a #tip-height href={ "/blocks/" (tip.height) } { (tip.height) } }
                div { code.hash title=(tip.block_hash.to_hex()) { (html::short(&tip.block_hash.to_hex())) } }
            }
            div.card.stat {
                div.label { (lang.t("ui.tip_age")) }
                div.figure { @if tip.height == 0 { (lang.t("ui.genesis")) } @else { (age_ms / 1000) " " (lang.t("ui.seconds_ago")) } }
                div { @if tip.time > 0 { (html::time(tip.time)) } }
            }
            div.card.stat {
                div.label { (lang.t("ui.tx_rate")) }
                div.figure { (format!("{:.2}", rate.unwrap_or(0.0))) " " (lang.t("ui.tx_per_s")) }
                div.none { (blocks.items.len()) " " (lang.t("ui.blocks")) }
            }
            div.card.stat #chain-health {
                div.label { (lang.t("ui.chain_health")) }
                @if healthy {
                    div.figure.healthy { (lang.t("ui.healthy")) }
                } @else {
                    div.figure.stalled { (lang.t("ui.stalled")) }
                }
                @if !quorum { div.bad { (lang.t("ui.no_quorum")) } }
            }
        }
        (section(&lang.t("ui.latest_blocks"), html! {
            div.scroll {
                table.list #latest-blocks {
                    thead { tr {
                        th { (lang.t("height")) } th { (lang.t("time")) } th { (lang.t("tx_count")) }
                        th { (lang.t("proposer")) } th { (lang.t("signatures")) }
                    } }
                    tbody {
                        @for block in blocks.items.iter().take(usize::try_from(RECENT_BLOCKS).unwrap_or(10)) {
                            tr data-height=(block.height) {
                                td { (html::block_link(block.height)) }
                                td { (html::time(block.time)) }
                                td { (block.tx_count) }
                                td { (validator_name(&validators, &block.proposer)) }
                                td { (block.signatures) }
                            }
                        }
                    }
                }
            }
            p { a href="/blocks" { (lang.t("ui.more")) " →" } }
        }))
        (section(&lang.t("ui.live_events"), html! {
            ul #live-events { li.waiting.none { (lang.t("ui.live_waiting")) } }
        }))
        (section(&format!("{} · {}", lang.t("ui.validators"), lang.t("ui.recent_signatures")),
            validators_table(lang, &validators, &recent)))
    };
    Ok(html_page(lang, &lang.t("ui.home"), path, body))
}

/// `GET /dashboards/activity`: txs per day, share requests answered on time and late per month,
/// violations per month, as charts drawn by the server.
pub(crate) async fn activity<Q: LedgerQuery>(
    State(app): State<App<Q>>,
    lang: Lang,
    uri: Uri,
) -> Response {
    let path = path_of(&uri);
    respond(
        lang,
        async {
            let days = crate::stats::txs_per_day(&app).await?;
            let answers = crate::stats::answers_per_month(&app).await?;
            let by_month = crate::stats::violations_per_month(&app).await?;
            let body = html! {
                (crate::stats::bar_chart("chart-txs-per-day", &lang.t("ui.chart_txs_per_day"), &days))
                (crate::stats::stacked_chart("chart-answers", &lang.t("ui.chart_answers"), (&lang.t("ui.on_time"), &lang.t("ui.late")), &answers))
                (crate::stats::bar_chart("chart-violations-month", &lang.t("ui.chart_violations_month"), &by_month.into_iter().collect::<Vec<_>>()))
            };
            Ok(html_page(lang, &lang.t("ui.activity"), &path, body))
        }
        .await,
    )
}

/// `GET /blocks`.
pub(crate) async fn blocks<Q: LedgerQuery>(
    State(app): State<App<Q>>,
    lang: Lang,
    uri: Uri,
    query: Result<Query<ListQuery>, QueryRejection>,
) -> Response {
    let path = path_of(&uri);
    respond(
        lang,
        async {
            let query = parsed(query)?;
            Ok(match listed(&app, lang, &Listing::Blocks, &query, &path, "blocks").await? {
                Listed::Csv(response) => response,
                Listed::Table(mut table) => {
                    let tip = app.query.tip().await?.height;
                    if let Ok(count) = usize::try_from(tip)
                        && count <= CSV_ROWS_MAX
                    {
                        // The chain grows: the download starts at the tip that was counted.
                        table.total = Some((count, false));
                        table.csv = Some(format!("/blocks?cursor={tip}&format=csv"));
                    }
                    html_page(lang, &lang.t("ui.blocks"), &path, html::table(lang, &table, &path))
                }
            })
        }
        .await,
    )
}

fn parse_height(lang: Lang, text: &str) -> Result<Height, PageError> {
    text.parse()
        .map(Height)
        .map_err(|_| PageError::BadInput(format!("{}: {text}", lang.t("ui.bad_height"))))
}

/// `GET /blocks/{height}`.
pub(crate) async fn block<Q: LedgerQuery>(
    State(app): State<App<Q>>,
    lang: Lang,
    uri: Uri,
    Path(height): Path<String>,
    query: Result<Query<ListQuery>, QueryRejection>,
) -> Response {
    let path = path_of(&uri);
    respond(lang, async {
        let query = parsed(query)?;
        let height = parse_height(lang, &height)?;
        let block = app.query.block(height).await?.ok_or_else(|| PageError::NotFound(format!("{} {}", lang.t("ui.block"), height.0)))?;
        let mut txs = match listed(&app, lang, &Listing::BlockTxs(height), &query, &path, &format!("block-{}-txs", height.0)).await? {
            Listed::Csv(response) => return Ok(response),
            Listed::Table(table) => table,
        };
        if let Ok(count) = usize::try_from(block.header.tx_count) && count <= CSV_ROWS_MAX {
            txs.total = Some((count, false));
        }
        let validators = app.query.validators(Some(height)).await?;
        let mut header = serde_json::to_value(&block.header).unwrap_or_default();
        let proposer = block.header.proposer.to_hex();
        let mut header_fields = header.as_object_mut().map(std::mem::take).unwrap_or_default();
        for shown in ["proposer", "height", "time", "previous_hash"] {
            header_fields.remove(shown);
        }
        let signed: BTreeSet<PublicKey> = block.certificate.iter().flat_map(|c| c.signatures.iter().map(|s| s.node_key)).collect();
        let body = html! {
            section {
                dl.fields {
                    dt { (lang.t("hash")) } dd { (html::hash(&block.hash.to_hex())) }
                    dt { (lang.t("time")) } dd { (html::time(block.header.time.0)) }
                    dt { (lang.t("proposer")) } dd { (validator_name(&validators, &block.header.proposer)) " " (html::short_hash(&proposer)) }
                    @if height.0 > 1 {
                        dt { (lang.t("previous_hash")) } dd { a.mono href={ "/blocks/" (height.0 - 1) } { (block.header.previous_hash.to_hex()) } }
                    }
                }
                (html::fields(lang, &header_fields))
            }
            (section(&lang.t("ui.certificate"), match &block.certificate {
                None => html! { p.none { (lang.t("ui.none")) } },
                Some(certificate) => html! {
                    p {
                        (lang.t("ui.signed_power")) "：" (signed_power(&validators.validators, &signed))
                        " / " (validators.total_power) " · " (lang.t("ui.quorum")) " " (validators.quorum_power)
                        " · " (lang.t("round")) " " (certificate.vote.round)
                    }
                    table.list {
                        thead { tr { th { (lang.t("org")) } th { (lang.t("node_key")) } th { (lang.t("power")) } } }
                        tbody {
                            @for signature in &certificate.signatures {
                                tr {
                                    td { (validator_name(&validators, &signature.node_key)) }
                                    td { (html::short_hash(&signature.node_key.to_hex())) }
                                    td { (validators.validators.iter().find(|v| v.node_key == signature.node_key).map_or(0, |v| v.power)) }
                                }
                            }
                        }
                    }
                },
            }))
            (section(&lang.t("ui.txs"), html::table(lang, &txs, &path)))
        };
        Ok(html_page(lang, &format!("{} {}", lang.t("ui.block"), height.0), &path, body))
    }.await)
}

/// `GET /txs/{hash}`.
pub(crate) async fn tx<Q: LedgerQuery>(
    State(app): State<App<Q>>,
    lang: Lang,
    uri: Uri,
    Path(hash): Path<String>,
) -> Response {
    let path = path_of(&uri);
    respond(lang, async {
        let hash = Hash32::from_hex(&hash).map_err(|_| PageError::BadInput(format!("{}: {hash}", lang.t("ui.bad_hash"))))?;
        let tx = app.query.tx(hash).await?.ok_or_else(|| PageError::NotFound(format!("{} {hash}", lang.t("ui.tx"))))?;
        let names = member_names(&app, std::iter::once(tx.signer)).await;
        let block_time = crate::stats::block_time(&app, tx.height).await?;
        let action = tx.action.as_ref().map(|action| serde_json::to_value(action).unwrap_or_default()).unwrap_or_default();
        let kind = action["type"].as_str().unwrap_or("ui.withheld").to_owned();
        let mut fields = action.as_object().cloned().unwrap_or_default();
        fields.remove("type");
        let signer = signer_cell(&tx.signer, &names);
        let outcome = outcome_cell(lang, tx.code, tx.rejection.as_deref());
        let hex = tx.tx_hash.to_hex();
        let json = serde_json::to_value(&tx).unwrap_or_default();
        let proofs = [(lang.t("ui.download_tx_proof").into_owned(), format!("/v1/proofs/txs/{hex}"))];
        let missing = missing_grants(&app, tx.action.iter()).await;
        let governed = crate::governed::related(&app, lang, &action).await;
        let body = crate::names::with_missing(missing, || html! {
            section {
                dl.fields {
                    dt { (lang.t("tx_hash")) } dd { (html::hash(&hex)) }
                    dt { (lang.t("ui.block_time")) } dd #block-time { @if let Some(time) = block_time { (html::time(time)) } }
                    dt { (lang.t("height")) } dd { (html::block_link(tx.height)) }
                    dt { (lang.t("index")) } dd { (tx.index) }
                    dt { (lang.t("signer")) } dd { (signer.rich.unwrap_or_else(|| html! { (signer.text) })) }
                    dt { (lang.t("ui.outcome")) } dd #outcome { (outcome.rich.unwrap_or_else(|| html! { (outcome.text) })) }
                    dt { (lang.t("nonce")) } dd { (tx.nonce) }
                    dt { (lang.t("ui.valid_until_height")) } dd { (tx.valid_until) }
                }
            }
            (section(&format!("{} · {}", lang.t("ui.decoded_action"), lang.t(&kind)), html! {
                div #action data-type=(kind) {
                    @if tx.code == 0 { (html::fields(lang, &fields)) } @else { (crate::names::unlinked(|| html::fields(lang, &fields))) }
                }
            }))
            (section(&lang.t("ui.events"), html! {
                @if tx.events.is_empty() { p.none { (lang.t("ui.none")) } }
                @for event in &tx.events { (html::event(lang, &event.kind, &event.attributes)) }
            }))
            (governed)
            (evidence(&app, lang, &format!("/v1/txs/{hex}"), &json, &proofs))
        });
        Ok(html_page(lang, &format!("{} {}", lang.t("ui.tx"), html::short(&hex)), &path, body))
    }.await)
}

/// The evidence under a record or tx page: the JSON it was read as, the node's API address it
/// was read from, and the proof bundles to download (each a node path under `/v1/proofs/`).
pub(crate) fn evidence<Q>(
    app: &App<Q>,
    lang: Lang,
    api_path: &str,
    json: &Value,
    proofs: &[(String, String)],
) -> Markup {
    let node = app.config.node_url.as_deref().map(|url| url.trim_end_matches('/'));
    let api = format!("{}{api_path}", node.unwrap_or_default());
    html! {
        section #evidence {
            h2 { (lang.t("ui.evidence")) }
            dl.fields {
                dt { (lang.t("ui.api_url")) } dd { a.mono #api-url href=(api) { (api) } }
                @if let Some(node) = node {
                    @for (label, proof) in proofs {
                        dt { (lang.t("ui.proof")) }
                        dd { a.proof href={ (node) (proof) } download { (label) } }
                    }
                }
            }
            details #json-view {
                summary { (lang.t("ui.json_view")) }
                pre.mono { (serde_json::to_string_pretty(json).unwrap_or_default()) }
            }
        }
    }
}

/// `GET /policy`: the policy in force (deadlines, calendar, legal-basis registry, the
/// protocol version) and the governed parameters of the grant lifecycle (the working days a
/// grantee has to close out an ended grant).
pub(crate) async fn policy<Q: LedgerQuery>(
    State(app): State<App<Q>>,
    lang: Lang,
    uri: Uri,
) -> Response {
    let path = path_of(&uri);
    respond(
        lang,
        async {
            let view = app.query.policy(None).await?;
            let json = serde_json::to_value(&view).unwrap_or_default();
            let object = |name: &str| json[name].as_object().cloned().unwrap_or_default();
            let body = html! {
                div #policy { (html::section(&lang.t("ui.policy"), html::fields(lang, &object("policy")))) }
                div #lifecycle-policy {
                    (html::section(&lang.t("ui.lifecycle_policy"), html::fields(lang, &object("lifecycle"))))
                }
                (evidence(&app, lang, &format!("/v1/policy?height={}", view.height), &json, &[]))
            };
            Ok(html_page(lang, &lang.t("ui.policy"), &path, body))
        }
        .await,
    )
}

/// `GET /validators`.
pub(crate) async fn validators<Q: LedgerQuery>(
    State(app): State<App<Q>>,
    lang: Lang,
    uri: Uri,
) -> Response {
    let path = path_of(&uri);
    respond(
        lang,
        async {
            let tip = app.query.tip().await?;
            let validators = app.query.validators(None).await?;
            let recent = recent_signers(&app, tip.height).await?;
            let body = validators_table(lang, &validators, &recent);
            Ok(html_page(lang, &lang.t("ui.validators"), &path, body))
        }
        .await,
    )
}

/// `GET /search?q=`: what the ledger's search finds (a tx hash, a height, a record id, a code,
/// a number, an org id), and, by prefix or by name, the orgs, members, catalog entries and
/// certificates that match. A single hit opens its page at once; the query stays in the box.
pub(crate) async fn search<Q: LedgerQuery>(
    State(app): State<App<Q>>,
    lang: Lang,
    uri: Uri,
    query: Result<Query<ListQuery>, QueryRejection>,
) -> Response {
    let path = path_of(&uri);
    respond(
        lang,
        async {
            let text = parsed(query)?.q.unwrap_or_default().trim().to_owned();
            let hits =
                if text.is_empty() { Vec::new() } else { app.query.search(text.clone()).await? };
            let mut links: Vec<(String, String, String)> =
                hits.iter().filter_map(|hit| hit_target(lang, hit)).collect();
            if !text.is_empty() {
                for found in matches(&app, lang, &text).await? {
                    if !links.iter().any(|(_, href, _)| *href == found.1) {
                        links.push(found);
                    }
                }
            }
            if let [(_, href, _)] = links.as_slice() {
                return Ok(axum::response::Redirect::to(href).into_response());
            }
            let note = prefix_note(lang, &text, &hits, links.is_empty());
            let body = html! {
                @if let Some(note) = &note { p.warn #search-note { (note) } }
                @if links.is_empty() { p.none { (lang.t("ui.no_results")) } }
                ul #hits {
                    @for (tag, href, label) in &links {
                        li { span.tag { (tag) } " " a href=(href) { (label) } }
                    }
                }
            };
            Ok(html_page(lang, &format!("{} · {text}", lang.t("ui.search_results")), &path, body))
        }
        .await,
    )
}

/// What a search for hex digits should say about them as a tx-hash prefix: too short to be
/// looked up (fewer than [`onebook_query::TX_HASH_PREFIX_DIGITS_MIN`] digits), or shared by
/// several txs (type more digits); `None` when there is nothing to say. A short text that found
/// something else (a height) is no prefix to complain about.
fn prefix_note(lang: Lang, text: &str, hits: &[SearchHitView], found_none: bool) -> Option<String> {
    let hex = !text.is_empty() && text.bytes().all(|b| b.is_ascii_hexdigit());
    if !hex || text.len() >= 64 {
        return None;
    }
    let txs = hits.iter().filter(|hit| matches!(hit, SearchHitView::Tx { .. })).count();
    if text.len() < onebook_query::TX_HASH_PREFIX_DIGITS_MIN {
        if !found_none {
            return None;
        }
        let digits = onebook_query::TX_HASH_PREFIX_DIGITS_MIN.to_string();
        return Some(lang.t("ui.prefix_too_short").replace("{n}", &digits));
    }
    if txs < 2 {
        return None;
    }
    let count = if txs >= onebook_query::SEARCH_TX_PREFIX_HITS_MAX {
        format!("{txs}+")
    } else {
        txs.to_string()
    };
    Some(lang.t("ui.prefix_ambiguous").replace("{n}", &count))
}

/// A ledger search hit as (tag, address, label).
fn hit_target(lang: Lang, hit: &SearchHitView) -> Option<(String, String, String)> {
    Some(match hit {
        SearchHitView::Tx { tx_hash, height, .. } => {
            let hex = tx_hash.to_hex();
            (
                lang.t("ui.hit_tx").into_owned(),
                format!("/txs/{hex}"),
                format!("{hex} · {} {height}", lang.t("height")),
            )
        }
        SearchHitView::Block { height, .. } => {
            (lang.t("ui.hit_block").into_owned(), format!("/blocks/{height}"), height.to_string())
        }
        SearchHitView::Record { key } => {
            let (kind, id) = kinds::of_key_text(key)?;
            (
                lang.t(&format!("kind.{}", kind.key_kind)).into_owned(),
                html::record_href(kind, id),
                html::record_text(kind, id),
            )
        }
    })
}

/// The records whose id starts with `text` or whose name holds it: orgs and members (from the
/// names at hand), catalog entries (code prefix or entry name) and certificates (number
/// prefix), looking through at most [`SEARCHED_RECORDS_MAX`] of each.
async fn matches<Q: LedgerQuery>(
    app: &App<Q>,
    lang: Lang,
    text: &str,
) -> Result<Vec<(String, String, String)>, QueryError> {
    let needle = text.to_lowercase();
    let holds = |name: &str| name.to_lowercase().contains(&needle);
    let mut found = Vec::new();
    for (id, name) in crate::names::all_orgs() {
        if holds(&name) || id.starts_with(text) {
            found.push((
                lang.t("kind.org").into_owned(),
                html::record_href(kinds::ORG, &id),
                format!("{name} ({id})"),
            ));
        }
    }
    for kind in [kinds::CATALOG_ENTRY, kinds::CERTIFICATE] {
        let collected =
            crate::stats::collect(app, kind, ListParams::default(), SEARCHED_RECORDS_MAX).await?;
        for view in collected.views {
            let hit = match &view.record {
                Record::CatalogEntry(entry) => {
                    let name =
                        entry.versions.last().map(|v| v.content.name.clone()).unwrap_or_default();
                    (entry.code.0.starts_with(text) || holds(&name))
                        .then(|| (entry.code.0.clone(), format!("{name} · {}", entry.code.0)))
                }
                Record::Certificate(certificate) => certificate
                    .number
                    .0
                    .starts_with(text)
                    .then(|| (certificate.number.0.clone(), certificate.number.0.clone())),
                _ => None,
            };
            if let Some((id, label)) = hit {
                found.push((
                    lang.t(&format!("kind.{}", kind.key_kind)).into_owned(),
                    html::record_href(kind, &id),
                    label,
                ));
            }
        }
    }
    Ok(found)
}

/// Any address no page answers.
pub(crate) async fn not_found(lang: Lang, uri: Uri) -> Response {
    PageError::NotFound(uri.path().to_owned()).render(lang)
}

/// The record key of `kind` whose id in a path is `id`.
pub(crate) fn record_key(kind: Kind, id: &str) -> Result<RecordKey, PageError> {
    parse_record_key(&format!("{}:{id}", kind.key_kind)).map_err(PageError::BadInput)
}
