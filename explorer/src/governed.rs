//! The records that govern the chain itself, beside the policy (`/policy`): the checkpoint
//! policy (`/checkpoint-policy`), the protocol schedule (`/protocol`) and the child chains this
//! chain anchors (`/child-chains`, `/child-chains/{id}`). Each is read through the query port
//! and ends with its JSON, the node's API address and its proof bundle, like every record page;
//! the txs and proposals that change one link to its page ([`related`]).

use axum::{
    extract::{Path, State},
    http::Uri,
    response::Response,
};
use maud::{Markup, html};
use onebook_query::{LedgerQuery, PageParams};
use onebook_types::ids::ChainId;
use serde_json::Value;

use crate::{
    App,
    error::{PageError, respond},
    html::{self, section},
    i18n::Lang,
    pages::{evidence, html_page, path_of},
};

/// `GET /checkpoint-policy`: how often the chain checkpoints and which witnesses cosign.
pub(crate) async fn checkpoint_policy<Q: LedgerQuery>(
    State(app): State<App<Q>>,
    lang: Lang,
    uri: Uri,
) -> Response {
    let path = path_of(&uri);
    respond(
        lang,
        async {
            let title = lang.t("ui.checkpoint_policy");
            // Every chain's genesis sets one; a store whose genesis set none says so.
            let Some(view) = app.query.checkpoint_policy(None).await? else {
                let body = html! { p.none #checkpoint-policy { (lang.t("ui.checkpoint_policy_none")) } };
                return Ok(html_page(lang, &title, &path, body));
            };
            let json = serde_json::to_value(&view).unwrap_or_default();
            let policy = json["policy"].as_object().cloned().unwrap_or_default();
            let proofs = proof(lang, "checkpoint_policy");
            let body = html! {
                div #checkpoint-policy { (section(&title, html::fields(lang, &policy))) }
                p { a href="/child-chains" { (lang.t("ui.child_chains")) } }
                (evidence(&app, lang, &format!("/v1/checkpoint-policy?height={}", view.height), &json, &proofs))
            };
            Ok(html_page(lang, &title, &path, body))
        }
        .await,
    )
}

/// `GET /protocol`: the protocol version in force and every upgrade governance scheduled.
pub(crate) async fn protocol<Q: LedgerQuery>(
    State(app): State<App<Q>>,
    lang: Lang,
    uri: Uri,
) -> Response {
    let path = path_of(&uri);
    respond(
        lang,
        async {
            let view = app.query.protocol(None).await?;
            let json = serde_json::to_value(&view).unwrap_or_default();
            let title = lang.t("ui.protocol");
            let proofs = proof(lang, "protocol");
            let body = html! {
                section #protocol {
                    dl.fields {
                        dt { (lang.t("ui.protocol_in_force")) } dd #protocol-version { (view.version.0) }
                        dt { (lang.t("height")) } dd { (html::block_link(view.height)) }
                    }
                }
                (section(&lang.t("ui.protocol_upgrades"), html! {
                    @if view.upgrades.is_empty() { p.none { (lang.t("ui.protocol_none")) } }
                    @else {
                        div.scroll { table.list #protocol-upgrades {
                            thead { tr { th { (lang.t("version")) } th { (lang.t("ui.activation_height")) } th { (lang.t("status")) } } }
                            tbody {
                                @for upgrade in &view.upgrades {
                                    @let active = upgrade.height.0 <= view.height;
                                    tr {
                                        td { (upgrade.version.0) }
                                        td { @if active { (html::block_link(upgrade.height.0)) } @else { (upgrade.height.0) } }
                                        td { (lang.t(if active { "ui.upgrade_active" } else { "ui.upgrade_scheduled" })) }
                                    }
                                }
                            }
                        } }
                    }
                }))
                (evidence(&app, lang, &format!("/v1/protocol?height={}", view.height), &json, &proofs))
            };
            Ok(html_page(lang, &title, &path, body))
        }
        .await,
    )
}

/// `GET /child-chains?cursor=`: the child chains this chain anchors, one page.
pub(crate) async fn child_chains<Q: LedgerQuery>(
    State(app): State<App<Q>>,
    lang: Lang,
    uri: Uri,
) -> Response {
    let path = path_of(&uri);
    respond(
        lang,
        async {
            let cursor = html::query_value(&path, "cursor").filter(|cursor| !cursor.is_empty());
            let page = app
                .query
                .child_chains(None, PageParams { cursor: cursor.clone(), limit: None })
                .await?;
            let title = lang.t("ui.child_chains");
            let body = html! {
                section #child-chains {
                    @if page.items.is_empty() { p.none { (lang.t("ui.none")) } }
                    @else {
                        div.scroll { table.list {
                            thead { tr {
                                th { (lang.t("chain_id")) } th { (lang.t("genesis_hash")) } th { (lang.t("admitted_at")) }
                                th { (lang.t("ui.latest_anchored")) } th { (lang.t("anchored_at")) }
                            } }
                            tbody {
                                @for view in &page.items {
                                    @let chain = &view.chain;
                                    @let href = format!("/child-chains/{}", html::encode(chain.chain_id.as_str()));
                                    tr data-href=(href) {
                                        td { a href=(href) { (chain.chain_id.as_str()) } }
                                        td { (html::short_hash(&chain.genesis_hash.to_hex())) }
                                        td { (html::block_link(chain.admitted_at.0)) }
                                        td { @if let Some(latest) = &chain.latest { (latest.checkpoint.height.0) } @else { span.none { "—" } } }
                                        td { @if let Some(latest) = &chain.latest { (html::time(latest.anchored_at.0)) } }
                                    }
                                }
                            }
                        } }
                    }
                    @if let Some(next) = &page.next {
                        p.pager { a rel="next" href=(html::with_param(&path, "cursor", next)) { (lang.t("ui.next_page")) } }
                    }
                }
                p { a href="/checkpoint-policy" { (lang.t("ui.checkpoint_policy")) } }
                (evidence(&app, lang, "/v1/child-chains", &serde_json::to_value(&page).unwrap_or_default(), &[]))
            };
            Ok(html_page(lang, &title, &path, body))
        }
        .await,
    )
}

/// `GET /child-chains/{id}`: one child chain, its witnesses and its latest anchored checkpoint.
pub(crate) async fn child_chain<Q: LedgerQuery>(
    State(app): State<App<Q>>,
    lang: Lang,
    uri: Uri,
    Path(id): Path<String>,
) -> Response {
    let path = path_of(&uri);
    respond(
        lang,
        async {
            let title = format!("{} {id}", lang.t("ui.child_chain"));
            let view = app
                .query
                .child_chain(ChainId::from(id.as_str()), None)
                .await?
                .ok_or_else(|| PageError::NotFound(title.clone()))?;
            let json = serde_json::to_value(&view).unwrap_or_default();
            let chain = json["chain"].as_object().cloned().unwrap_or_default();
            let key = format!("child_chain:{}", html::encode(&id));
            let proofs = proof(lang, &key);
            let api = format!("/v1/child-chains/{}?height={}", html::encode(&id), view.height);
            let body = html! {
                div #child-chain { (section(&title, html::fields(lang, &chain))) }
                p { a href="/child-chains" { (lang.t("ui.child_chains")) } }
                (evidence(&app, lang, &api, &json, &proofs))
            };
            Ok(html_page(lang, &title, &path, body))
        }
        .await,
    )
}

/// The record proof of `key` (`checkpoint_policy`, `protocol`, `child_chain:{id}`) on the node.
fn proof(lang: Lang, key: &str) -> [(String, String); 1] {
    [(lang.t("ui.download_proof").into_owned(), format!("/v1/proofs/records/{key}"))]
}

/// The page of the governed record a tx's action or a proposal's change (its JSON) sets: the
/// checkpoint policy, the protocol schedule, or a child chain the ledger holds (admitted, or
/// the one a checkpoint was anchored for). Nothing for any other action or change.
pub(crate) async fn related<Q: LedgerQuery>(app: &App<Q>, lang: Lang, value: &Value) -> Markup {
    let change = match value["type"].as_str() {
        Some("submit_proposal") => &value["change"],
        _ => value,
    };
    let chain = match (value["type"].as_str(), change["kind"].as_str()) {
        (Some("anchor_checkpoint"), _) => value["checkpoint"]["chain_id"].as_str(),
        (_, Some("admit_child_chain")) => change["chain_id"].as_str(),
        _ => None,
    };
    let link = match (change["kind"].as_str(), chain) {
        (Some("set_checkpoint_policy"), _) => {
            Some(("/checkpoint-policy".to_owned(), lang.t("ui.checkpoint_policy").into_owned()))
        }
        (Some("schedule_upgrade"), _) => {
            Some(("/protocol".to_owned(), lang.t("ui.protocol").into_owned()))
        }
        (_, Some(chain)) => match app.query.child_chain(ChainId::from(chain), None).await {
            Ok(Some(_)) => Some((
                format!("/child-chains/{}", html::encode(chain)),
                format!("{} {chain}", lang.t("ui.child_chain")),
            )),
            _ => None,
        },
        _ => None,
    };
    match link {
        Some((href, text)) => html! {
            section #governed-record {
                h2 { (lang.t("ui.governed_record")) }
                p { a href=(href) { (text) } }
            }
        },
        None => html! {},
    }
}
