//! Damage to a real RocksDB store on disk is never silent: a truncated write-ahead log makes
//! the store (and `onebook start`) refuse to open rather than serve a shorter chain, a flipped
//! byte in a table file makes reads of it answer "store damaged" and the node unhealthy, and
//! `onebook inspect verify` finds both kinds of damage.

use std::{
    path::{Path, PathBuf},
    process::{Command, Stdio},
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use axum::{body::Body, http::Request};
use onebook_api::ApiState;
use onebook_chain::{Chain, ChainConfig};
use onebook_mempool::{Mempool, MempoolConfig};
use onebook_storage::{StorageError, Store, StoreConfig};
use onebook_tests::{history, synthetic};
use onebook_types::ids::{Height, Timestamp};
use tower::ServiceExt as _;

/// The newest RocksDB write-ahead log file (`*.log`) in `dir`.
fn newest_wal(dir: &Path) -> PathBuf {
    let mut logs: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "log"))
        .collect();
    logs.sort();
    logs.pop().expect("the store has a write-ahead log")
}

/// Cuts `file` to half its length, as a damaged disk or a careless copy would.
fn truncate_half(file: &Path) -> u64 {
    let length = std::fs::metadata(file).unwrap().len();
    std::fs::OpenOptions::new().write(true).open(file).unwrap().set_len(length / 2).unwrap();
    length
}

#[test]
fn a_store_whose_wal_was_truncated_refuses_to_open_naming_the_heights() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&StoreConfig::new(dir.path())).unwrap();
    store.init_genesis(synthetic::genesis_hash(), synthetic::genesis_records()).unwrap();
    for _ in 0..40 {
        synthetic::commit_next(&store, 20, 16).unwrap();
    }
    // Closed with the blocks in the WAL only: RocksDB flushes no memtable on close.
    drop(store);
    let wal = newest_wal(dir.path());
    let length = truncate_half(&wal);

    let first = Store::open(&StoreConfig::new(dir.path())).map(|_| ()).unwrap_err();
    let again = Store::open(&StoreConfig::new(dir.path())).map(|_| ()).unwrap_err();

    println!("truncated {} from {length} bytes: {first}", wal.display());
    match &first {
        StorageError::BehindCommitted { store, committed, .. } => {
            assert_eq!(*committed, Height(40));
            assert!(store.is_none_or(|height| height < Height(40)), "{first}");
        }
        other => panic!("expected BehindCommitted, got {other}"),
    }
    assert!(first.to_string().contains("had committed height 40"), "{first}");
    assert!(first.to_string().contains("ONEBOOK-COMMITTED"), "{first}");
    assert!(first.is_damage());
    assert_eq!(first.to_string(), again.to_string(), "the refusal changed nothing on disk");
}

#[test]
fn onebook_start_refuses_a_store_whose_wal_was_truncated() {
    let dir = tempfile::tempdir().unwrap();
    let home = testnet_home(dir.path());
    history::build_in_wal(&home.join("data"), 30, 4).unwrap();
    truncate_half(&newest_wal(&home.join("data")));

    let mut child = Command::new(crate::node_binary())
        .arg("--home")
        .arg(&home)
        .arg("start")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            child.kill().unwrap();
            panic!("onebook start kept running on a store that lost committed blocks");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();

    assert!(!status.success(), "{stderr}");
    assert!(stderr.contains("had committed height 30"), "{stderr}");
    assert!(stderr.contains("refuses to serve a shorter chain"), "{stderr}");
}

#[tokio::test]
async fn a_flipped_byte_in_a_table_file_answers_store_damaged_and_fails_health() {
    let dir = tempfile::tempdir().unwrap();
    history::build(dir.path(), 300, 0).unwrap();
    // Reopening replays the WAL into table files; the headers then sit in one of them.
    let headers = {
        let store = Store::open(&StoreConfig::new(dir.path())).unwrap();
        let files = store.table_files().unwrap();
        files.into_iter().find(|file| file.family == "headers").expect("a headers table file")
    };
    // The first data block holds the lowest heights; the tip's header, which the open check
    // reads, lies in a later one.
    flip_byte(&headers.path, 100);
    let store = Arc::new(Store::open(&StoreConfig::new(dir.path())).unwrap());
    let app = onebook_api::router(api_state(&store));

    let (block_status, block) = get(&app, "/v1/blocks/2").await;
    let (tip_status, _) = get(&app, "/v1/blocks/300").await;
    let (health_status, health) = get(&app, "/health").await;
    let (_, metrics) = get_text(&app, "/metrics").await;

    assert_eq!(block_status, 500, "{block}");
    assert_eq!(block["type"], "/problems/store-damaged", "{block}");
    assert_eq!(tip_status, 200, "the undamaged blocks still read");
    assert_eq!(health_status, 503, "{health}");
    assert_eq!(health["type"], "/problems/store-damaged", "{health}");
    let damaged = metrics
        .lines()
        .find_map(|line| line.strip_prefix("onebook_storage_damaged_reads_total "))
        .expect("the damage counter is exported");
    assert!(damaged.parse::<u64>().unwrap() >= 1, "{metrics}");
    assert!(store.damage().is_some_and(|damage| damage.first.contains("rocksdb")));
}

#[test]
fn inspect_verify_passes_a_sound_store_and_lists_a_damaged_one() {
    let dir = tempfile::tempdir().unwrap();
    let home = testnet_home(dir.path());
    history::build(&home.join("data"), 300, 2).unwrap();
    drop(Store::open(&StoreConfig::new(home.join("data"))).unwrap());

    let sound = inspect_verify(&home);
    let headers = {
        let store = Store::open(&StoreConfig::new(home.join("data"))).unwrap();
        store.table_files().unwrap().into_iter().find(|file| file.family == "headers").unwrap()
    };
    flip_byte(&headers.path, 100);
    let damaged = inspect_verify(&home);

    assert!(sound.0, "{}", sound.1);
    let report: serde_json::Value = serde_json::from_str(&sound.1).unwrap();
    assert_eq!(report["blocks"], 300);
    assert_eq!(report["txs"], 600);
    assert_eq!(report["certificates"], 300);
    assert_eq!(report["problems_total"], 0);
    assert!(!damaged.0, "{}", damaged.1);
    let report: serde_json::Value = serde_json::from_str(&damaged.1).unwrap();
    assert!(report["problems_total"].as_u64().unwrap() >= 1, "{report}");
    let first = report["problems"][0].as_str().unwrap();
    assert!(first.starts_with("block "), "{first}");
    assert!(first.contains("Corruption"), "{first}");
}

/// Runs `onebook inspect verify` on `home`: whether it passed, and its report.
fn inspect_verify(home: &Path) -> (bool, String) {
    let output = Command::new(crate::node_binary())
        .arg("--home")
        .arg(home)
        .args(["inspect", "verify"])
        .output()
        .unwrap();
    (output.status.success(), String::from_utf8(output.stdout).unwrap())
}

/// The home of one dev-network validator, written by `onebook testnet`, with an empty `data/`.
fn testnet_home(dir: &Path) -> PathBuf {
    let base = onebook_tests::devnet::free_base_port(1).unwrap();
    let status = Command::new(crate::node_binary())
        .args(["testnet", "--nodes", "1", "--base-port", &base.to_string(), "--out"])
        .arg(dir.join("net"))
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    let home = dir.join("net").join("node0");
    let _ = std::fs::remove_dir_all(home.join("data"));
    home
}

fn flip_byte(file: &Path, offset: usize) {
    let mut bytes = std::fs::read(file).unwrap();
    bytes[offset] ^= 0x40;
    std::fs::write(file, bytes).unwrap();
}

fn api_state(store: &Arc<Store>) -> ApiState {
    let genesis = history::dev_genesis().unwrap();
    let mempool = Mempool::new(MempoolConfig::default(), genesis.chain_id.clone());
    fn clock() -> Timestamp {
        Timestamp(1_767_196_800_000)
    }
    let chain = Chain::new(
        Arc::clone(store),
        Arc::new(Mutex::new(mempool)),
        genesis.chain_id.clone(),
        genesis.genesis_time,
        ChainConfig::default(),
        clock,
    );
    ApiState::new(Arc::clone(store), chain.gate(), genesis.chain_id)
}

async fn get_text(app: &axum::Router, uri: &str) -> (u16, String) {
    let request = Request::get(uri).body(Body::empty()).unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status().as_u16();
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20).await.unwrap();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

async fn get(app: &axum::Router, uri: &str) -> (u16, serde_json::Value) {
    let (status, text) = get_text(app, uri).await;
    (status, serde_json::from_str(&text).unwrap_or(serde_json::Value::Null))
}
