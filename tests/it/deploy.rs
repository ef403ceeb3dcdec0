//! `deploy/`: the Grafana dashboard and the Prometheus alert rules ask only for metrics that a
//! running node serves. Four `onebook` validators make blocks; every metric name in every panel
//! query, template variable and alert expression must be in node 0's `GET /metrics`, with the
//! labels the panels and alerts group by. (`promtool check rules` and `promtool test rules` load
//! and exercise the alert rules: `scripts/check-deploy.sh`.)

use std::{collections::BTreeSet, time::Duration};

use onebook_tests::devnet::{Devnet, http_raw};

const DASHBOARD: &str = include_str!("../../deploy/grafana/onebook-dashboard.json");
const ALERTS: &str = include_str!("../../deploy/prometheus/onebook-alerts.yml");
/// Series Prometheus makes itself for every scrape target, not the node.
const PROMETHEUS_OWN: [&str; 1] = ["up"];

#[test]
fn the_dashboard_and_the_alerts_use_only_metrics_a_running_node_serves() {
    let dashboard: serde_json::Value =
        serde_json::from_str(DASHBOARD).expect("the dashboard parses");
    let mut queries: Vec<(String, String)> = Vec::new();
    let panels = dashboard["panels"].as_array().expect("panels");
    assert!(panels.len() >= 10, "{} panels", panels.len());
    for panel in panels {
        let title = panel["title"].as_str().expect("a panel has a title").to_owned();
        let targets = panel["targets"].as_array().expect("a panel has targets");
        assert!(!targets.is_empty(), "panel {title} has no query");
        for target in targets {
            let expr = target["expr"].as_str().expect("a target has an expr");
            queries.push((format!("panel {title}"), expr.to_owned()));
        }
    }
    for variable in dashboard["templating"]["list"].as_array().expect("templating") {
        if variable["type"] == "query" {
            let query = variable["query"].as_str().expect("a query variable has a query");
            queries.push((format!("variable {}", variable["name"]), query.to_owned()));
        }
    }
    for line in ALERTS.lines().filter_map(|line| line.trim().strip_prefix("expr:")) {
        queries.push(("alert rule".to_owned(), line.trim().to_owned()));
    }

    let mut net = Devnet::start(crate::node_binary(), 4, 0).unwrap();
    net.wait_for_height(&[0, 1, 2, 3], 3, Duration::from_secs(120)).unwrap();
    let (status, body) = http_raw(net.nodes[0].api_port, "GET", "/metrics", None).unwrap();
    assert_eq!(status, 200);
    let exposition = String::from_utf8(body).unwrap();
    let served: BTreeSet<&str> = exposition
        .lines()
        .filter(|line| !line.starts_with('#') && !line.is_empty())
        .map(|line| line.split(['{', ' ']).next().unwrap_or_default())
        .collect();

    for (place, query) in &queries {
        let names = metric_names(query);
        assert!(!names.is_empty(), "{place}: no metric in {query}");
        for name in names {
            assert!(
                served.contains(name.as_str()) || PROMETHEUS_OWN.contains(&name.as_str()),
                "{place} asks for {name}, which /metrics does not serve:\n{exposition}"
            );
        }
    }
    // The labels panels and alerts group by are there, one series per validator and family.
    let validators =
        exposition.lines().filter(|l| l.starts_with("onebook_validator_missed_blocks{")).count();
    assert_eq!(validators, 4, "{exposition}");
    assert!(
        exposition
            .lines()
            .any(|l| l.starts_with("onebook_storage_family_bytes{family=\"records\"}"))
    );
    assert!(exposition.contains("org=\"xm-dsj\""), "{exposition}");
}

/// The metric names in a `PromQL` query: identifiers starting `onebook_`, or `up` as a whole word.
fn metric_names(query: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let mut word = String::new();
    for c in query.chars().chain(std::iter::once(' ')) {
        if c.is_ascii_alphanumeric() || c == '_' {
            word.push(c);
            continue;
        }
        if word.starts_with("onebook_") || PROMETHEUS_OWN.contains(&word.as_str()) {
            names.insert(std::mem::take(&mut word));
        }
        word.clear();
    }
    names
}
