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
    BlockSummaryView, LedgerQuery, ListParams, Page, PageParams, QueryError, Record, RecordKind,
    SearchHitView, TimelineEntryView, TxView, ValidatorsView, parse_record_key,
};
use onebook_types::{
    action::Action, consortium::Validator, hash::Hash32, ids::Height, keys::PublicKey,
    limits::PAGE_ITEMS_MAX, record::RecordKey, rejection::Rejection,
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
/// Most pages of orgs a search by org name looks through.
const ORG_NAME_PAGES_MAX: usize = 10;

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

/// What a list lists.
#[derive(Clone, Debug)]
pub(crate) enum Listing {
    /// The records of a kind, filtered.
    Records { kind: Kind, org: Option<String>, status: Option<String> },
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
        Listing::Records { kind, org, status } => {
            let params = ListParams {
                org: org.as_deref().map(onebook_types::ids::OrgId::from),
                status: status.clone(),
                page,
                ..ListParams::default()
            };
            Ok(records_table(lang, *kind, app.query.records(kind.kind, params).await?))
        }
        Listing::Under { kind, under } => {
            let params = ListParams { under: Some(under.clone()), page, ..ListParams::default() };
            Ok(records_table(lang, *kind, app.query.records(kind.kind, params).await?))
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
            Ok(txs_table(lang, &txs, &names))
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

fn signer_cell(key: &PublicKey, names: &BTreeMap<PublicKey, (String, String)>) -> Cell {
    let hex = key.to_hex();
    let href = html::record_href(kinds::MEMBER, &hex);
    match names.get(key) {
        Some((name, org)) => Cell::rich(
            format!("{name} ({org})"),
            html! { a href=(href) title=(hex) { (name) } " " span.none { "(" (org) ")" } },
        ),
        None => Cell::link(hex, href),
    }
}

/// The outcome of a tx: accepted, or refused with the rule's name and sentence.
pub(crate) fn outcome_cell(lang: Lang, code: u16, rejection: Option<&str>) -> Cell {
    if code == 0 {
        return Cell::rich(lang.t("ui.accepted"), html! { span.ok { (lang.t("ui.accepted")) } });
    }
    let name = rejection.unwrap_or_default();
    let sentence = Rejection::from_code(code).map(|rule| rule.to_string()).unwrap_or_default();
    let text = format!("{} {code} {name}: {sentence}", lang.t("ui.refused"));
    let rich =
        html! { span.bad title=(sentence) { (lang.t("ui.refused")) " · " (name) " (" (code) ")" } };
    Cell::rich(text, rich)
}

/// An action in a cell: its label, then its fields; a dash where the node withheld it.
pub(crate) fn action_cell(lang: Lang, action: Option<&Action>) -> Cell {
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
    let rich = html! {
        div.action {
            span.tag title=(kind) { (lang.t(&kind)) }
            (html::fields(lang, &fields))
        }
    };
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
    Table { columns: labels(lang, &columns), rows, next: timeline.next.clone() }
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
                action_cell(lang, tx.action.as_ref()),
                outcome_cell(lang, tx.code, tx.rejection.as_deref()),
                Cell::text(events.join("; ")),
            ]
        })
        .collect();
    Table { columns: labels(lang, &columns), rows, next: txs.next.clone() }
}

/// The org running the validator with `node_key`, else the key shortened.
fn validator_name(validators: &ValidatorsView, node_key: &PublicKey) -> String {
    validators
        .validators
        .iter()
        .find(|validator| validator.node_key == *node_key)
        .map_or_else(|| html::short(&node_key.to_hex()), |validator| validator.org.0.clone())
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
                Cell::rich(hash.clone(), html! { span.mono title=(hash) { (html::short(&hash)) } }),
                Cell::rich(html::time_text(block.time), html::time(block.time)),
                Cell::text(block.tx_count.to_string()),
                Cell::text(validator_name(validators, &block.proposer)),
                Cell::text(block.signatures.to_string()),
            ]
        })
        .collect();
    Table { columns: labels(lang, &columns), rows, next: blocks.next.clone() }
}

/// A page of records as a table, by the kind's columns.
pub(crate) fn records_table(
    lang: Lang,
    kind: Kind,
    page: Page<onebook_query::RecordView>,
) -> Table {
    let columns: Vec<&str> = kind.columns.iter().map(|(name, _)| *name).collect();
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
                    let text = html::scalar_text(lang, name, cell);
                    let id = view.key.split_once(':').map_or("", |(_, id)| id);
                    if index == 0 {
                        Cell::link(text, html::record_href(kind, id))
                    } else {
                        Cell::rich(text, html::value(lang, name, cell))
                    }
                })
                .collect()
        })
        .collect();
    Table { columns: labels(lang, &columns), rows, next: page.next }
}

pub(crate) fn labels(lang: Lang, keys: &[&str]) -> Vec<String> {
    keys.iter().map(|key| lang.t(key).into_owned()).collect()
}

fn now_ms() -> u64 {
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
    let body = html! {
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
                Listed::Table(table) => {
                    html_page(lang, &lang.t("ui.blocks"), &path, html::table(lang, &table, &path))
                }
            })
        }
        .await,
    )
}

fn parse_height(text: &str) -> Result<Height, PageError> {
    text.parse()
        .map(Height)
        .map_err(|_| PageError::BadInput(format!("height {text:?} is not a number")))
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
        let height = parse_height(&height)?;
        let block = app.query.block(height).await?.ok_or_else(|| PageError::NotFound(format!("block {}", height.0)))?;
        let txs = match listed(&app, lang, &Listing::BlockTxs(height), &query, &path, &format!("block-{}-txs", height.0)).await? {
            Listed::Csv(response) => return Ok(response),
            Listed::Table(table) => table,
        };
        let validators = app.query.validators(Some(height)).await?;
        let mut header = serde_json::to_value(&block.header).unwrap_or_default();
        let proposer = block.header.proposer.to_hex();
        let mut header_fields = header.as_object_mut().map(std::mem::take).unwrap_or_default();
        header_fields.remove("proposer");
        header_fields.remove("height");
        let signed: BTreeSet<PublicKey> = block.certificate.iter().flat_map(|c| c.signatures.iter().map(|s| s.node_key)).collect();
        let body = html! {
            section {
                dl.fields {
                    dt { (lang.t("hash")) } dd { (html::hash(&block.hash.to_hex())) }
                    dt { (lang.t("time")) } dd { (html::time(block.header.time.0)) }
                    dt { (lang.t("proposer")) } dd { (validator_name(&validators, &block.header.proposer)) " " span.mono.none title=(proposer) { (html::short(&proposer)) } }
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
                                    td { span.mono { (signature.node_key.to_hex()) } }
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
        let hash = Hash32::from_hex(&hash).map_err(|_| PageError::BadInput(format!("{hash:?} is not a 32-byte hex hash")))?;
        let tx = app.query.tx(hash).await?.ok_or_else(|| PageError::NotFound(format!("tx {hash}")))?;
        let names = member_names(&app, std::iter::once(tx.signer)).await;
        let action = tx.action.as_ref().map(|action| serde_json::to_value(action).unwrap_or_default()).unwrap_or_default();
        let kind = action["type"].as_str().unwrap_or("ui.withheld").to_owned();
        let mut fields = action.as_object().cloned().unwrap_or_default();
        fields.remove("type");
        let signer = signer_cell(&tx.signer, &names);
        let outcome = outcome_cell(lang, tx.code, tx.rejection.as_deref());
        let body = html! {
            section {
                dl.fields {
                    dt { (lang.t("tx_hash")) } dd { (html::hash(&tx.tx_hash.to_hex())) }
                    dt { (lang.t("height")) } dd { (html::block_link(tx.height)) }
                    dt { (lang.t("index")) } dd { (tx.index) }
                    dt { (lang.t("signer")) } dd { (signer.rich.unwrap_or_else(|| html! { (signer.text) })) }
                    dt { (lang.t("nonce")) } dd { (tx.nonce) }
                    dt { (lang.t("valid_until")) } dd { (tx.valid_until) }
                    dt { (lang.t("ui.outcome")) } dd #outcome { (outcome.rich.unwrap_or_else(|| html! { (outcome.text) })) }
                }
            }
            (section(&format!("{} · {}", lang.t("ui.decoded_action"), lang.t(&kind)), html! {
                div #action data-type=(kind) { (html::fields(lang, &fields)) }
                details { summary { (lang.t("ui.raw_json")) } pre.mono { (serde_json::to_string_pretty(&action).unwrap_or_default()) } }
            }))
            (section(&lang.t("ui.events"), html! {
                @if tx.events.is_empty() { p.none { (lang.t("ui.none")) } }
                @for event in &tx.events { (html::event(lang, &event.kind, &event.attributes)) }
            }))
        };
        Ok(html_page(lang, &format!("{} {}", lang.t("ui.tx"), html::short(&tx.tx_hash.to_hex())), &path, body))
    }.await)
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

/// `GET /search?q=`: what the ledger's search finds, and the orgs whose name holds the text.
pub(crate) async fn search<Q: LedgerQuery>(
    State(app): State<App<Q>>,
    lang: Lang,
    uri: Uri,
    query: Result<Query<ListQuery>, QueryRejection>,
) -> Response {
    let path = path_of(&uri);
    respond(lang, async {
        let text = parsed(query)?.q.unwrap_or_default().trim().to_owned();
        let hits = if text.is_empty() { Vec::new() } else { app.query.search(text.clone()).await? };
        let names = if text.is_empty() { Vec::new() } else { orgs_named(&app, &text).await? };
        let body = html! {
            @if hits.is_empty() && names.is_empty() { p.none { (lang.t("ui.no_results")) } }
            ul #hits {
                @for hit in &hits { li { (hit_link(lang, hit)) } }
                @for (id, name) in &names {
                    li { span.tag { (lang.t("ui.hit_org_name")) } " " a href=(html::record_href(kinds::ORG, id)) { (name) } " (" (id) ")" }
                }
            }
        };
        Ok(html_page(lang, &format!("{} · {text}", lang.t("ui.search_results")), &path, body))
    }.await)
}

fn hit_link(lang: Lang, hit: &SearchHitView) -> Markup {
    match hit {
        SearchHitView::Tx { tx_hash, height, index } => html! {
            span.tag { (lang.t("ui.hit_tx")) } " " (html::tx_link(&tx_hash.to_hex())) " · " (lang.t("height")) " " (height) " · " (lang.t("index")) " " (index)
        },
        SearchHitView::Block { height, block_hash } => html! {
            span.tag { (lang.t("ui.hit_block")) } " " a href={ "/blocks/" (height) } { (height) } " " span.mono.none { (html::short(&block_hash.to_hex())) }
        },
        SearchHitView::Record { key } => match kinds::of_key_text(key) {
            Some((kind, id)) => html! {
                span.tag { (lang.t(&format!("kind.{}", kind.key_kind))) } " " a href=(html::record_href(kind, id)) { (id) }
            },
            None => html! { (key) },
        },
    }
}

/// The orgs whose name holds `text`, looking through at most [`ORG_NAME_PAGES_MAX`] pages.
async fn orgs_named<Q: LedgerQuery>(
    app: &App<Q>,
    text: &str,
) -> Result<Vec<(String, String)>, QueryError> {
    let needle = text.to_lowercase();
    let mut found = Vec::new();
    let mut cursor = None;
    for _ in 0..ORG_NAME_PAGES_MAX {
        let params = ListParams {
            page: PageParams { cursor, limit: Some(PAGE_ITEMS_MAX as u64) },
            ..ListParams::default()
        };
        let page = app.query.records(RecordKind::Org, params).await?;
        for view in page.items {
            if let Record::Org(org) = view.record
                && org.name.to_lowercase().contains(&needle)
            {
                found.push((org.id.0, org.name));
            }
        }
        cursor = page.next;
        if cursor.is_none() {
            break;
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
