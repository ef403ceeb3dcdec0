//! Crash safety with a real process: a child commits blocks to RocksDB and is killed with SIGKILL
//! at random moments. After each kill the store must reopen on a committed block whose state
//! root, rehashed node by node and replayed independently in memory, matches its header, and no
//! block the child reported as committed may be missing. The record index, written after each
//! block's synced batch, must count every share request the blocks left and list the last
//! block's (a block whose index batch the kill cut off has it rebuilt when the store opens).

use std::{
    io::{BufRead, BufReader},
    process::{Command, Stdio},
    sync::mpsc,
    time::Duration,
};

use onebook_storage::{ListFilter, RecordKind, Store, StoreConfig, VerifyOnOpen, cursor_after};
use onebook_tests::rng::Rng;
use onebook_tests::synthetic::MemReplay;
use onebook_types::{
    hash::Hash32,
    ids::{Height, ShareRequestId},
    record::RecordKey,
};

/// Txs per block of the writer (`synthetic::body`): each creates one share request.
const TXS_PER_BLOCK: u64 = 20;

/// Cycles in the default suite; `ONEBOOK_CRASH_CYCLES` raises it for long runs.
const CYCLES_DEFAULT: u64 = 50;

#[test]
fn killed_writer_never_loses_a_reported_block_and_reopens_on_a_matching_root() {
    let cycles = std::env::var("ONEBOOK_CRASH_CYCLES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(CYCLES_DEFAULT);
    kill_and_reopen(cycles);
}

/// The same with 500 kills; run with `ONEBOOK_SLOW=1 scripts/check.sh`.
#[test]
fn killed_writer_survives_five_hundred_kills_slow() {
    kill_and_reopen(500);
}

fn kill_and_reopen(cycles: u64) {
    let seed =
        std::env::var("ONEBOOK_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or(0x0b00_c0de_u64);
    println!("crash test: seed {seed}, {cycles} cycles");
    let mut rng = Rng::new(seed);
    let dir = tempfile::tempdir().unwrap();
    let mut replay = MemReplay::new(TXS_PER_BLOCK, 16);
    let mut reported: Vec<(Height, Hash32)> = Vec::new();

    for cycle in 0..cycles {
        let mut child = Command::new(env!("CARGO_BIN_EXE_onebook-crash-writer"))
            .arg(dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (lines_tx, lines_rx) = mpsc::channel();
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if lines_tx.send(line).is_err() {
                    break;
                }
            }
        });
        let ready = lines_rx.recv_timeout(Duration::from_secs(60)).expect("writer starts");
        assert!(ready.starts_with("ready"), "{ready}");
        std::thread::sleep(Duration::from_millis(5 + rng.next_u64() % 150));
        child.kill().unwrap();
        child.wait().unwrap();
        reader.join().unwrap();
        for line in lines_rx.try_iter() {
            let mut parts = line.split_whitespace();
            assert_eq!(parts.next(), Some("committed"), "{line}");
            let height = Height(parts.next().unwrap().parse().unwrap());
            let hash = Hash32::from_hex(parts.next().unwrap()).unwrap();
            reported.push((height, hash));
        }

        let mut config = StoreConfig::new(dir.path());
        config.verify_on_open = VerifyOnOpen::Full;
        let store = Store::open(&config).unwrap();
        let tip = store.tip().unwrap();
        let last_reported = reported.last().map_or(Height(0), |(height, _)| *height);
        assert!(
            tip.height >= last_reported,
            "cycle {cycle}: tip {} < reported {last_reported}",
            tip.height
        );
        for (height, hash) in reported.iter().rev().take(20) {
            let header = store.header(*height).unwrap().expect("a reported block is stored");
            assert_eq!(header.hash(), *hash, "cycle {cycle}: block {height} changed");
        }
        let expected = replay.advance_to(tip.height);
        assert_eq!(
            tip, expected,
            "cycle {cycle}: the store's tip differs from the in-memory replay"
        );
        store.verify_state(tip.height).unwrap();
        check_index(&store, tip.height, cycle);
    }
    let final_height = reported.last().map_or(0, |(height, _)| height.0);
    println!(
        "crash test: {cycles} kills, {} blocks reported, final height {final_height}",
        reported.len()
    );
    assert!(final_height > cycles / 2, "the writer made progress across the kills");
}

/// Checks that the index at `height` counts the share requests the synthetic blocks left and
/// lists those of the last block (block `k` creates requests `(k - 1) * 20 ..= k * 20 - 1`, and
/// each block at a multiple of 7 above 7 deletes the first request of the block seven below it).
fn check_index(store: &Store, height: Height, cycle: u64) {
    let deleted = height.0.saturating_sub(7) / 7;
    let expected = height.0 * TXS_PER_BLOCK - deleted;
    let filter = ListFilter::default();
    let count = store.count_records(RecordKind::ShareRequest, &filter, height).unwrap();
    assert_eq!(count, expected, "cycle {cycle}: the count at {height}");
    if height.0 == 0 {
        return;
    }
    let first = (height.0 - 1) * TXS_PER_BLOCK;
    let key = |id: u64| RecordKey::ShareRequest(ShareRequestId(id));
    let after = (first > 0).then(|| cursor_after(RecordKind::ShareRequest, &key(first - 1)));
    let page = store
        .list_records(RecordKind::ShareRequest, &filter, height, after.as_deref(), 100)
        .unwrap();
    let listed: Vec<RecordKey> = page.records.into_iter().map(|(key, _)| key).collect();
    let block: Vec<RecordKey> = (first..first + TXS_PER_BLOCK).map(key).collect();
    assert!(listed == block, "cycle {cycle}: the listing at {height} lacks the last block's");
}
