//! Every link reachable three levels deep from the home page answers 200; no Chinese page shows
//! a raw field name, event kind, enum value, millisecond time or English rejection name
//! (`onebook_explorer::raw_values` lists the patterns), and no page in either language a name
//! without its label (`onebook_explorer::unlabelled`); every CSV link marked with its list's
//! count downloads exactly that many rows.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use axum::http::{StatusCode, header};

use crate::fixture::{app, get, store};

/// How many clicks from the home page the crawl follows.
const DEPTH: usize = 3;

/// The `href`s of `<a>` elements in `html` that stay on the explorer.
fn links(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    for part in html.split("<a ").skip(1) {
        let Some(start) = part.find("href=\"") else { continue };
        let rest = &part[start + 6..];
        let Some(end) = rest.find('"') else { continue };
        let href = rest[..end].replace("&amp;", "&");
        if href.starts_with('/') && !href.starts_with("//") {
            found.push(href);
        }
    }
    found
}

/// The CSV links of `html` that carry their list's count: (address, count).
fn counted_csv_links(html: &str) -> Vec<(String, usize)> {
    let mut found = Vec::new();
    for part in html.split("<a class=\"csv\" ").skip(1) {
        let tag = &part[..part.find('>').unwrap_or(part.len())];
        let attribute = |name: &str| {
            let start = tag.find(&format!("{name}=\""))? + name.len() + 2;
            let end = tag[start..].find('"')?;
            Some(tag[start..start + end].replace("&amp;", "&"))
        };
        if let (Some(href), Some(count)) = (attribute("href"), attribute("data-count")) {
            found.push((href, count.parse().expect("a count")));
        }
    }
    found
}

#[tokio::test]
async fn every_link_three_levels_deep_answers_and_chinese_pages_show_no_raw_values() {
    let dir = tempfile::tempdir().expect("dir");
    let app = app(store(&dir));
    let mut seen = BTreeSet::from(["/".to_owned()]);
    let mut queue = VecDeque::from([("/".to_owned(), 0)]);
    let mut failures = BTreeMap::new();
    let mut raw = BTreeMap::new();
    let mut csv = BTreeMap::new();
    let mut came_from = BTreeMap::new();
    let mut pages = 0;
    while let Some((path, depth)) = queue.pop_front() {
        if path.contains("format=csv") || path.contains("format=html") || path == "/events" {
            continue;
        }
        let mut answer = get(&app, &path, None).await;
        if answer.status == StatusCode::SEE_OTHER {
            let location = answer.headers[header::LOCATION].to_str().expect("location").to_owned();
            answer = get(&app, &location, None).await;
        }
        pages += 1;
        if answer.status != StatusCode::OK {
            failures.insert(path.clone(), (answer.status, came_from.get(&path).cloned()));
            continue;
        }
        if !answer.content_type().starts_with("text/html") {
            continue;
        }
        {
            // A missing label shows the raw name in either language; raw values count on
            // Chinese pages.
            let mut words = onebook_explorer::unlabelled(&answer.body);
            if !path.contains("lang=en") {
                words.extend(onebook_explorer::raw_values(&onebook_explorer::visible_text(
                    &answer.body,
                )));
            }
            if !words.is_empty() {
                raw.insert(path.clone(), words);
            }
        }
        for (link, count) in counted_csv_links(&answer.body) {
            csv.entry(link).or_insert((count, path.clone()));
        }
        if depth < DEPTH {
            for link in links(&answer.body) {
                if seen.insert(link.clone()) {
                    came_from.insert(link.clone(), path.clone());
                    queue.push_back((link, depth + 1));
                }
            }
        }
    }

    println!("crawled {pages} pages, {} CSV links with counts", csv.len());
    assert!(pages > 100, "the crawl reached {pages} pages");
    assert!(failures.is_empty(), "non-200 answers: {failures:?}");
    assert!(raw.is_empty(), "raw values on Chinese pages: {raw:#?}");
    assert!(csv.len() > 20, "CSV links with counts: {}", csv.len());
    for (link, (count, page)) in &csv {
        let answer = get(&app, link, None).await;
        assert_eq!(answer.status, StatusCode::OK, "{link}");
        let rows = answer.body.trim_end_matches("\r\n").split("\r\n").count() - 1;
        assert_eq!(rows, *count, "{link} on {page}: {rows} rows, the section says {count}");
    }
}
