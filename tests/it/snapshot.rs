//! State snapshots (`onebook_storage::snapshot`): a snapshot of a store that stays open starts a
//! new store at its height with the same state, which serves proofs from the genesis and
//! commits the same next blocks; a damaged, rewritten, truncated or foreign snapshot is refused
//! before anything is written.

use onebook_types::suite::Suite;
use std::path::Path;

use onebook_storage::{
    StorageError, Store, StoreConfig,
    backup::NoProgress,
    snapshot::{self, SnapshotError},
};
use onebook_tests::proof_chain;
use onebook_types::{hash::Hash32, ids::Height, record::RecordKey};

/// The height the snapshots are taken at: after the validator-set change, below the tip.
const SNAPSHOT_HEIGHT: Height = Height(4);

fn certified_store(dir: &Path) -> Store {
    let store = Store::open(&StoreConfig::new(dir)).unwrap();
    proof_chain::build(&store, &proof_chain::dev_genesis().unwrap()).unwrap();
    store
}

fn snapshot_bytes(store: &Store, height: Height) -> Vec<u8> {
    let mut bytes = Vec::new();
    snapshot::write_snapshot(store, Some(height), &mut bytes, 1, &mut NoProgress).unwrap();
    bytes
}

fn restore(bytes: &[u8], data: &Path) -> Result<(), SnapshotError> {
    let genesis = proof_chain::dev_genesis().unwrap();
    let config = StoreConfig::new(data);
    let trusted = proof_chain::trusted(&genesis);
    let size = bytes.len() as u64;
    snapshot::restore_snapshot(&mut &bytes[..], size, &config, &trusted, &mut NoProgress)
        .map(|_| ())
}

#[test]
fn a_store_started_from_a_snapshot_holds_the_same_state_and_commits_the_same_blocks() {
    let dir = tempfile::tempdir().unwrap();
    let live = certified_store(&dir.path().join("live"));
    let file = dir.path().join("state.snapshot");

    let manifest = snapshot::write_snapshot_file(
        &dir.path().join("live"),
        Suite::Ed25519Blake3,
        Some(SNAPSHOT_HEIGHT),
        &file,
        1,
        &mut NoProgress,
    )
    .unwrap();
    restore(&std::fs::read(&file).unwrap(), &dir.path().join("joined")).unwrap();
    let joined = Store::open(&StoreConfig::new(dir.path().join("joined"))).unwrap();

    assert_eq!(manifest.height, SNAPSHOT_HEIGHT);
    assert_eq!(joined.base(), SNAPSHOT_HEIGHT);
    assert_eq!(joined.tip().unwrap().state_root, live.state_root(SNAPSHOT_HEIGHT).unwrap());
    assert_eq!(joined.block(SNAPSHOT_HEIGHT).unwrap(), live.block(SNAPSHOT_HEIGHT).unwrap());
    assert_eq!(
        joined.certificate(SNAPSHOT_HEIGHT).unwrap(),
        live.certificate(SNAPSHOT_HEIGHT).unwrap()
    );
    for key in [RecordKey::ValidatorSet, RecordKey::Grant(onebook_types::ids::GrantId(1))] {
        assert_eq!(
            joined.record(&key, SNAPSHOT_HEIGHT).unwrap(),
            live.record(&key, SNAPSHOT_HEIGHT).unwrap()
        );
    }
    let below = joined.record(&RecordKey::ValidatorSet, Height(3));
    assert!(matches!(below, Err(StorageError::BelowBase { .. })), "{below:?}");
    assert!(matches!(joined.state_root(Height(2)), Err(StorageError::BelowBase { .. })));

    // A proof cut from the joined store walks the validator-set change below its base; no
    // checkpoint above its base is cosigned yet, so it is unanchored.
    let genesis = proof_chain::dev_genesis().unwrap();
    let trusted = proof_chain::trusted(&genesis);
    let bundle =
        onebook_storage::bundle_for_record(&joined, &RecordKey::ValidatorSet, SNAPSHOT_HEIGHT)
            .unwrap();
    assert!(bundle.anchor.is_none());
    let unanchored =
        onebook_verifier::VerifyOptions { allow_unanchored: true, ..Default::default() };
    let verdict = onebook_verifier::verify_bundle_with(&bundle, &trusted, &unanchored).unwrap();
    assert_eq!(verdict.set_changes, 1);

    // The next blocks of the chain commit on top of the snapshot as on the live store: the
    // history frontier it carried gives the same history roots.
    let tip = proof_chain::extend(&joined, &genesis, proof_chain::TIP_HEIGHT).unwrap();
    assert_eq!(tip, live.tip().unwrap());

    // Once the witnesses cosign the checkpoint above its base, the joined store anchors a bundle
    // at its base there, with an ancestry proof through the history tree, as the live store does.
    proof_chain::cosign(&joined, proof_chain::CHECKPOINT_HEIGHT, &proof_chain::WITNESSES).unwrap();
    let anchored =
        onebook_storage::bundle_for_record(&joined, &RecordKey::ValidatorSet, SNAPSHOT_HEIGHT)
            .unwrap();
    let from_live =
        onebook_storage::bundle_for_record(&live, &RecordKey::ValidatorSet, SNAPSHOT_HEIGHT)
            .unwrap();
    let verdict = onebook_verifier::verify_bundle(&anchored, &trusted).unwrap();
    assert_eq!(verdict.anchor.map(|anchor| anchor.height), Some(proof_chain::CHECKPOINT_HEIGHT));
    assert_eq!(anchored.encode(), from_live.encode());
    let checkpoints = onebook_storage::checkpoint_heights(&joined, Height(0), 10).unwrap();
    assert_eq!(checkpoints, vec![proof_chain::CHECKPOINT_HEIGHT], "none at or below its base");
    drop(joined);
    let reopened = Store::open(&StoreConfig {
        verify_on_open: onebook_storage::VerifyOnOpen::Full,
        ..StoreConfig::new(dir.path().join("joined"))
    })
    .unwrap();
    assert_eq!(reopened.base(), SNAPSHOT_HEIGHT);
    assert_eq!(reopened.tip().unwrap(), live.tip().unwrap());
    // `onebook inspect verify` checks it from its base: history roots included.
    let report = reopened.verify_all(&mut |_| {}).unwrap();
    assert!(report.is_sound(), "{:?}", report.problems);
    assert_eq!(report.blocks, proof_chain::TIP_HEIGHT.0 - SNAPSHOT_HEIGHT.0 + 1);
}

#[test]
fn a_snapshot_of_the_snapshot_store_restores_too() {
    let dir = tempfile::tempdir().unwrap();
    let live = certified_store(&dir.path().join("live"));
    restore(&snapshot_bytes(&live, SNAPSHOT_HEIGHT), &dir.path().join("first")).unwrap();
    let first = Store::open(&StoreConfig::new(dir.path().join("first"))).unwrap();
    let genesis = proof_chain::dev_genesis().unwrap();
    proof_chain::extend(&first, &genesis, proof_chain::TIP_HEIGHT).unwrap();

    let second_bytes = snapshot_bytes(&first, proof_chain::TIP_HEIGHT);
    let below_base =
        snapshot::write_snapshot(&first, Some(Height(3)), &mut Vec::new(), 1, &mut NoProgress);
    restore(&second_bytes, &dir.path().join("second")).unwrap();
    let second = Store::open(&StoreConfig::new(dir.path().join("second"))).unwrap();

    assert!(matches!(below_base, Err(SnapshotError::Height { .. })), "{below_base:?}");
    assert_eq!(second.tip().unwrap(), live.tip().unwrap());
    assert_eq!(second.base(), proof_chain::TIP_HEIGHT);
}

/// Flips one byte of a snapshot, at each of its first 512 positions (the frame lengths, the
/// manifest and its proof bundle) and at 1,500 more spread over the rest, and checks that each
/// damaged copy is refused and leaves nothing in the data directory.
#[test]
fn a_snapshot_with_one_flipped_byte_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let live = certified_store(&dir.path().join("live"));
    let bytes = snapshot_bytes(&live, SNAPSHOT_HEIGHT);
    let target = dir.path().join("joined");
    let stride = (bytes.len() / 1_500).max(1);
    let positions = (0..512.min(bytes.len())).chain((512..bytes.len()).step_by(stride));

    for position in positions.chain([bytes.len() - 1]) {
        let mut damaged = bytes.clone();
        damaged[position] ^= 0x01;

        let result = restore(&damaged, &target);

        assert!(result.is_err(), "a flip at byte {position} of {} was accepted", bytes.len());
        assert!(!target.exists(), "a refused snapshot left {}", target.display());
    }
    println!("refused every damaged copy of a {}-byte snapshot", bytes.len());
    restore(&bytes, &target).unwrap();
}

#[test]
fn a_truncated_snapshot_is_refused_as_incomplete() {
    let dir = tempfile::tempdir().unwrap();
    let live = certified_store(&dir.path().join("live"));
    let bytes = snapshot_bytes(&live, SNAPSHOT_HEIGHT);

    let result = restore(&bytes[..bytes.len() - 40], &dir.path().join("joined"));

    let text = result.unwrap_err().to_string();
    assert!(text.contains("incomplete"), "{text}");
}

/// A snapshot whose record was changed and whose checksum was recomputed to match (what a
/// careful forger would send) is refused by the state root the certificate pins.
#[test]
fn a_consistently_rewritten_snapshot_is_refused_by_the_certified_state_root() {
    let dir = tempfile::tempdir().unwrap();
    let live = certified_store(&dir.path().join("live"));
    let bytes = snapshot_bytes(&live, SNAPSHOT_HEIGHT);
    let forged = rewrite_last_record(&bytes);

    let result = restore(&forged, &dir.path().join("joined"));

    let text = result.unwrap_err().to_string();
    assert!(text.contains("rehash to state root"), "{text}");
    assert!(!dir.path().join("joined").exists());
}

#[test]
fn a_snapshot_of_another_genesis_is_refused_by_its_certificate() {
    let dir = tempfile::tempdir().unwrap();
    let live = certified_store(&dir.path().join("live"));
    let bytes = snapshot_bytes(&live, SNAPSHOT_HEIGHT);
    let mut genesis = proof_chain::dev_genesis().unwrap();
    genesis.genesis_time.0 += 1;
    let trusted = proof_chain::trusted(&genesis);

    let result = snapshot::restore_snapshot(
        &mut &bytes[..],
        0,
        &StoreConfig::new(dir.path().join("joined")),
        &trusted,
        &mut NoProgress,
    );

    assert!(matches!(result, Err(SnapshotError::Certificate { .. })), "{result:?}");
}

#[test]
fn a_backup_is_not_a_snapshot_and_a_snapshot_is_not_a_backup() {
    let dir = tempfile::tempdir().unwrap();
    let live = certified_store(&dir.path().join("live"));
    let archive = dir.path().join("backup");
    onebook_storage::backup::backup(
        &dir.path().join("live"),
        Suite::Ed25519Blake3,
        &archive,
        1,
        &mut NoProgress,
    )
    .unwrap();
    let manifest = std::fs::read(archive.join("manifest")).unwrap();
    let mut as_snapshot = (manifest.len() as u32).to_le_bytes().to_vec();
    as_snapshot.extend_from_slice(&manifest);
    let snapshot_dir = dir.path().join("snapshot-as-backup");
    std::fs::create_dir(&snapshot_dir).unwrap();
    let bytes = snapshot_bytes(&live, SNAPSHOT_HEIGHT);
    let manifest_length = u32::from_le_bytes(bytes[..4].try_into().unwrap()) as usize;
    std::fs::write(snapshot_dir.join("manifest"), &bytes[4..4 + manifest_length]).unwrap();

    let snapshot_refused = restore(&as_snapshot, &dir.path().join("joined"));
    let backup_refused = onebook_storage::backup::check_manifest(
        &snapshot_dir,
        &proof_chain::trusted(&proof_chain::dev_genesis().unwrap()),
    );

    assert!(snapshot_refused.unwrap_err().to_string().contains("not a state snapshot"));
    assert!(backup_refused.unwrap_err().to_string().contains("not a backup"));
}

/// A snapshot whose history frame was changed (one peak) and whose checksum was recomputed is
/// refused by the history root the certified header carries; one with a peak too many or too
/// few, by the tree's shape.
#[test]
fn a_rewritten_history_frame_is_refused_by_the_certified_history_root() {
    let dir = tempfile::tempdir().unwrap();
    let live = certified_store(&dir.path().join("live"));
    let bytes = snapshot_bytes(&live, SNAPSHOT_HEIGHT);
    let history = |frame: &mut snapshot::SnapshotFrame| match frame {
        snapshot::SnapshotFrame::History(history) => history.peaks.clone(),
        _ => panic!("the third frame holds the history"),
    };
    let mut peaks = Vec::new();
    rewrite_frame(&bytes, Some(2), |frame| peaks = history(frame));
    assert_eq!(peaks.len(), 1, "the 4 leaves before height 4 are one perfect tree");

    let changed = rewrite_frame(&bytes, Some(2), |frame| {
        if let snapshot::SnapshotFrame::History(history) = frame {
            history.peaks[0].0[0] ^= 0x01;
        }
    });
    let extra = rewrite_frame(&bytes, Some(2), |frame| {
        if let snapshot::SnapshotFrame::History(history) = frame {
            history.peaks.push(Hash32::ZERO);
        }
    });

    let changed = restore(&changed, &dir.path().join("changed")).unwrap_err().to_string();
    let extra = restore(&extra, &dir.path().join("extra")).unwrap_err().to_string();
    assert!(changed.contains("history root"), "{changed}");
    assert!(extra.contains("peaks"), "{extra}");
    assert!(!dir.path().join("changed").exists() && !dir.path().join("extra").exists());
}

/// `bytes` with the last record's last value byte changed and the checksum recomputed.
fn rewrite_last_record(bytes: &[u8]) -> Vec<u8> {
    let forged = rewrite_frame(bytes, None, |frame| {
        let snapshot::SnapshotFrame::Records(records) = frame else {
            panic!("the last frame holds records")
        };
        let value = &mut records.last_mut().unwrap().value;
        *value.last_mut().unwrap() ^= 0x01;
    });
    assert_eq!(forged.len(), bytes.len());
    forged
}

/// `bytes` with frame `index` (0 the manifest; `None` the last) decoded, changed by `change`
/// and re-encoded, the checksum recomputed.
fn rewrite_frame(
    bytes: &[u8],
    index: Option<usize>,
    change: impl FnOnce(&mut snapshot::SnapshotFrame),
) -> Vec<u8> {
    let end = bytes.len() - 32 - 8 - 4;
    let mut frames = Vec::new();
    let mut at = 0;
    while at < end {
        let length = u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap()) as usize;
        frames.push((at, length));
        at += 4 + length;
    }
    let (start, length) = index.map_or(frames[frames.len() - 1], |index| frames[index]);
    let mut frame: snapshot::SnapshotFrame =
        borsh::from_slice(&bytes[start + 4..start + 4 + length]).unwrap();
    change(&mut frame);
    let encoded = borsh::to_vec(&frame).unwrap();
    let mut forged = bytes[..start].to_vec();
    forged.extend_from_slice(&(encoded.len() as u32).to_le_bytes());
    forged.extend_from_slice(&encoded);
    forged.extend_from_slice(&bytes[start + 4 + length..bytes.len() - 32]);
    let checksum = blake3::hash(&forged);
    forged.extend_from_slice(checksum.as_bytes());
    forged
}

#[test]
fn a_snapshot_over_http_is_restored_within_its_limit_and_refused_past_it() {
    use clap::Parser;
    let run = |args: &[&str]| {
        let mut argv = vec!["onebook"];
        argv.extend_from_slice(args);
        onebook_cli::Cli::try_parse_from(argv)?.execute()
    };
    let dir = tempfile::tempdir().unwrap();
    let bytes = snapshot_bytes(&certified_store(&dir.path().join("live")), SNAPSHOT_HEIGHT);
    let genesis = concat!(env!("CARGO_MANIFEST_DIR"), "/../genesis/networks/dev.json");
    let home = dir.path().join("joiner");
    let home = home.to_str().unwrap();
    run(&["--home", home, "init", "--genesis", genesis, "--dev-key", "xm-hlq/node"]).unwrap();
    let too_small = (bytes.len() - 1).to_string();

    let url = onebook_tests::devnet::serve_once(bytes.clone()).unwrap();
    let refused =
        run(&["--home", home, "snapshot", "restore", "--snapshot-bytes-max", &too_small, &url])
            .unwrap_err();
    let data = Path::new(home).join("data");
    let left = std::fs::read_dir(&data).map_or(0, |entries| entries.count());
    let url = onebook_tests::devnet::serve_once(bytes.clone()).unwrap();
    let size = bytes.len().to_string();
    run(&["--home", home, "snapshot", "restore", "--snapshot-bytes-max", &size, &url]).unwrap();

    let refused = format!("{refused:#}");
    assert!(refused.contains(&format!("limit of {too_small} bytes")), "{refused}");
    assert!(refused.contains("--snapshot-bytes-max"), "{refused}");
    assert_eq!(left, 0, "a refused download left data");
    let joined = Store::open(&StoreConfig::new(data)).unwrap();
    assert_eq!(joined.base(), SNAPSHOT_HEIGHT);
}
