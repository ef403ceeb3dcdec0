//! A node that prunes its state history, among archive nodes of real `onebook` processes: four
//! validators keep every version of the state tree, an observer keeps a window of five blocks
//! (`ONEBOOK__STORAGE__STATE_HISTORY=5`). The observer's roots must equal the validators' at
//! every height, it must serve proofs and record reads inside its window, and refuse older
//! heights with a 400 that names the height, its oldest height and an archive node; an archive
//! node answers those heights.

use std::time::Duration;

use onebook_genesis::dev_secret;
use onebook_tests::devnet::{Devnet, register_member};

const PRUNING: usize = 4;
const WINDOW: u64 = 5;

#[test]
fn n4_an_observer_pruning_to_five_blocks_keeps_the_roots_and_refuses_older_heights() {
    let mut net = Devnet::start(crate::node_binary(), 4, 1).unwrap();
    net.nodes[PRUNING].start_with_env(&[("ONEBOOK__STORAGE__STATE_HISTORY", "5")]).unwrap();
    net.wait_for_height(&[0, 1, 2, 3, PRUNING], 1, Duration::from_secs(120)).unwrap();
    let admin = dev_secret("xm-gov/admin");
    // A member registered every block or so changes the state at most heights.
    for n in 0..20u64 {
        let (status, body) =
            net.nodes[n as usize % 4].submit(&register_member(&admin, n + 1, n)).unwrap();
        assert_eq!(status, 202, "{body}");
        std::thread::sleep(Duration::from_millis(700));
    }
    let tip = net.nodes[0].height().unwrap() + 2;
    net.wait_for_height(&[0, PRUNING], tip, Duration::from_secs(120)).unwrap();
    // The pruner looks every 2 s; a block comes every second.
    std::thread::sleep(Duration::from_secs(5));

    let (_, status) = net.nodes[PRUNING].get("/v1/status").unwrap();
    let history = &status["state_history"];
    assert_eq!(history["mode"], "pruned", "{status}");
    assert_eq!(history["window_blocks"], WINDOW, "{status}");
    let oldest = history["oldest_state_height"].as_u64().unwrap();
    let now = status["height"].as_u64().unwrap();
    assert!(oldest + WINDOW > now.saturating_sub(4) && oldest + WINDOW <= now + 1, "{status}");
    let (_, archive) = net.nodes[0].get("/v1/status").unwrap();
    assert_eq!(archive["state_history"]["mode"], "archive", "{archive}");
    assert_eq!(archive["state_history"]["oldest_state_height"], 0, "{archive}");

    for height in 1..=tip {
        assert_eq!(
            net.block_roots(PRUNING, height).unwrap(),
            net.block_roots(0, height).unwrap(),
            "height {height}"
        );
    }
    for path in ["/v1/proofs/records/policy", "/v1/policy"] {
        // The node's newest height is inside its window whatever the pruner does meanwhile.
        let newest = net.nodes[PRUNING].height().unwrap();
        let (code, body) = net.nodes[PRUNING].get(&format!("{path}?height={newest}")).unwrap();
        assert_eq!(code, 200, "{path} at {newest}, the newest height: {body}");
        // The oldest held height is served too. Blocks keep coming and the pruner runs every 2 s,
        // so the oldest height read from the status may be pruned before the request lands: the
        // refusal must then name a newer oldest height, and the request is made again at it.
        let mut height = oldest;
        let mut served = false;
        for _ in 0..5 {
            let (code, body) = net.nodes[PRUNING].get(&format!("{path}?height={height}")).unwrap();
            if code == 200 {
                served = true;
                break;
            }
            assert_eq!(code, 400, "{path} at {height}, the oldest held height: {body}");
            let newer = named_oldest(&body).unwrap_or_else(|| panic!("{path}: {body}"));
            assert!(newer > height, "{path} at {height} refused, though it is held: {body}");
            height = newer;
        }
        assert!(served, "{path} at the oldest held height was refused five times in a row");
    }
    for path in ["/v1/proofs/records/policy?height=2", "/v1/policy?height=2"] {
        let (code, body) = net.nodes[PRUNING].get(path).unwrap();
        assert_eq!(code, 400, "{path}: {body}");
        let detail = body["detail"].as_str().unwrap();
        assert!(
            detail.contains("height 2 is no longer held") && detail.contains("ask an archive node"),
            "{path}: {body}"
        );
        // The oldest height named is the node's, which may have moved on since the status.
        let named =
            named_oldest(&body).unwrap_or_else(|| panic!("{path}: no oldest height in {body}"));
        assert!(named >= oldest && named > 2, "{path}: {body}");
        let (code, body) = net.nodes[0].get(path).unwrap();
        assert_eq!(code, 200, "the archive node answers {path}: {body}");
    }
    let (code, body) = net.nodes[PRUNING].get("/v1/blocks/2").unwrap();
    assert_eq!(code, 200, "blocks below the window are still served: {body}");
}

/// The oldest held height that a pruned node's refusal names.
fn named_oldest(body: &serde_json::Value) -> Option<u64> {
    body["detail"]
        .as_str()?
        .split_once("keeps the state from height ")
        .and_then(|(_, rest)| rest.split_once(' '))
        .and_then(|(height, _)| height.parse().ok())
}
