//! Backups and restores (`onebook_storage::backup`, `onebook backup`, `onebook restore`): a
//! backup of a store that stays open restores to the same blocks and state; a flipped byte
//! anywhere is refused; a backup killed at any moment leaves a complete backup or none; and, end
//! to end, a backup taken from a validator of a loaded devnet restores into an empty home whose
//! node catches up.

use onebook_types::suite::Suite;
use std::{
    path::{Path, PathBuf},
    process::{Command, Stdio},
    time::{Duration, Instant},
};

use onebook_storage::{
    Store, StoreConfig, VerifyOnOpen,
    backup::{self, BackupError, MANIFEST_FILE, NoProgress},
};
use onebook_tests::proof_chain;
use onebook_types::{ids::Height, record::RecordKey};

/// A store of the certified chain of `proof_chain` (five blocks across a validator-set change)
/// at `dir`, left open as a running node would hold it.
fn certified_store(dir: &Path) -> Store {
    let store = Store::open(&StoreConfig::new(dir)).unwrap();
    proof_chain::build(&store, &proof_chain::dev_genesis().unwrap()).unwrap();
    store
}

fn restore_into(archive: &Path, data: &Path) -> Result<(), BackupError> {
    let genesis = proof_chain::dev_genesis().unwrap();
    let config = StoreConfig::new(data);
    backup::restore(archive, &config, &proof_chain::trusted(&genesis), &mut NoProgress).map(|_| ())
}

#[test]
fn a_backup_of_an_open_store_restores_to_the_same_blocks_and_state() {
    let dir = tempfile::tempdir().unwrap();
    let live = certified_store(&dir.path().join("live"));
    let archive = dir.path().join("backup");

    let manifest = backup::backup(
        &dir.path().join("live"),
        Suite::Ed25519Blake3,
        &archive,
        1,
        &mut NoProgress,
    )
    .unwrap();
    restore_into(&archive, &dir.path().join("restored")).unwrap();
    let restored = Store::open(&StoreConfig {
        verify_on_open: VerifyOnOpen::Full,
        ..StoreConfig::new(dir.path().join("restored"))
    })
    .unwrap();

    assert_eq!(manifest.height, proof_chain::TIP_HEIGHT);
    assert_eq!(restored.tip().unwrap(), live.tip().unwrap());
    for height in 1..=proof_chain::TIP_HEIGHT.0 {
        let height = Height(height);
        assert_eq!(restored.header(height).unwrap(), live.header(height).unwrap());
        assert_eq!(restored.certificate(height).unwrap(), live.certificate(height).unwrap());
        assert_eq!(restored.state_root(height).unwrap(), live.state_root(height).unwrap());
    }
    let key = RecordKey::ValidatorSet;
    assert_eq!(restored.record(&key, Height(4)).unwrap(), live.record(&key, Height(4)).unwrap());
    assert_eq!(
        backup::recompute_state_root(&restored, Height(2)).unwrap(),
        live.state_root(Height(2)).unwrap(),
        "earlier heights recompute too"
    );
    let again = backup::backup(
        &dir.path().join("live"),
        Suite::Ed25519Blake3,
        &archive,
        2,
        &mut NoProgress,
    );
    assert!(matches!(again, Err(BackupError::Exists { .. })), "a backup never overwrites");
    let into_full = restore_into(&archive, &dir.path().join("restored"));
    assert!(matches!(into_full, Err(BackupError::Exists { .. })), "restore needs an empty dir");
}

/// Flips one byte of a backup, at every position of the manifest and at ten places of every
/// table file, and checks that each damaged copy is refused before anything is written, with
/// an error naming what broke.
#[test]
fn a_backup_with_one_flipped_byte_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let _live = certified_store(&dir.path().join("live"));
    let archive = dir.path().join("backup");
    backup::backup(&dir.path().join("live"), Suite::Ed25519Blake3, &archive, 1, &mut NoProgress)
        .unwrap();
    let copy = dir.path().join("copy");
    copy_dir(&archive, &copy);
    let target = dir.path().join("target");
    let mut files: Vec<PathBuf> =
        std::fs::read_dir(&archive).unwrap().map(|entry| entry.unwrap().path()).collect();
    files.sort();
    let mut refused = 0;

    for file in &files {
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        let original = std::fs::read(file).unwrap();
        let len = original.len();
        let positions: Vec<usize> = if name == MANIFEST_FILE {
            (0..len).collect()
        } else {
            (0..10).map(|i| i * (len - 1) / 9).collect()
        };
        for at in positions {
            let mut damaged = original.clone();
            damaged[at] ^= 0x20;
            std::fs::write(copy.join(&name), &damaged).unwrap();

            let error = restore_into(&copy, &target).expect_err("a damaged backup restored");

            let text = error.to_string();
            let names_it = match &error {
                BackupError::Manifest { .. } => name == MANIFEST_FILE,
                BackupError::File { name: refused, .. } => {
                    *refused == name && text.contains("damaged")
                }
                _ => false,
            };
            assert!(names_it, "byte {at} of {name}: {text}");
            assert!(!target.exists(), "a refused restore left {}", target.display());
            refused += 1;
        }
        std::fs::write(copy.join(&name), &original).unwrap();
    }
    assert!(files.len() >= 5, "{files:?}");
    restore_into(&copy, &target).unwrap();
    println!("refused {refused} damaged copies of {} files", files.len());
}

/// `onebook backup` as a process, killed with SIGKILL at moments spread over its run: after
/// each kill the asked directory is either absent or a backup that checks and restores, and the
/// interrupted one is refused.
#[test]
fn a_backup_killed_at_any_moment_leaves_a_complete_backup_or_none() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let status = Command::new(crate::node_binary())
        .arg("--home")
        .arg(&home)
        .args(["init", "--dev-key", "xm-dsj/node"])
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    drop(certified_store(&home.join("data")));
    let started = Instant::now();
    let first = run_backup(&home, &dir.path().join("timing"), None);
    assert!(first, "a backup left alone completes");
    let full = started.elapsed();
    // (complete under the asked name, complete but not yet renamed, nothing that restores)
    let mut outcomes = (0, 0, 0);

    for step in 0..12u32 {
        let out = dir.path().join(format!("backup-{step}"));
        let kill_after = full * step / 10;

        run_backup(&home, &out, Some(kill_after));

        let partial = dir.path().join(format!(".backup-{step}.partial"));
        if out.exists() {
            outcomes.0 += 1;
            restore_into(&out, &dir.path().join(format!("restored-{step}"))).unwrap();
            continue;
        }
        if partial.exists() {
            // Killed before the rename: either the manifest was not yet written, and nothing
            // restores, or every file and the manifest were synced, and it is complete.
            match restore_into(&partial, &dir.path().join(format!("partial-{step}"))) {
                Ok(()) => outcomes.1 += 1,
                Err(BackupError::Manifest { detail }) if detail.contains("not a complete") => {
                    outcomes.2 += 1;
                }
                Err(other) => panic!("an interrupted backup at {kill_after:?}: {other}"),
            }
        } else {
            outcomes.2 += 1;
        }
        // The next backup to the same directory clears the interrupted one.
        assert!(run_backup(&home, &out, None));
        assert!(!partial.exists());
        restore_into(&out, &dir.path().join(format!("rerun-{step}"))).unwrap();
    }
    println!(
        "backup of {full:?}: {} complete, {} complete but not renamed, {} left nothing that \
         restores",
        outcomes.0, outcomes.1, outcomes.2
    );
    assert!(outcomes.2 > 0, "no kill landed during a backup");
}

/// Runs `onebook backup --out out` on `home`, killing it after `kill_after` if given; whether
/// it exited successfully.
fn run_backup(home: &Path, out: &Path, kill_after: Option<Duration>) -> bool {
    let mut child = Command::new(crate::node_binary())
        .arg("--home")
        .arg(home)
        .arg("backup")
        .arg("--out")
        .arg(out)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    if let Some(after) = kill_after {
        std::thread::sleep(after);
        let _ = child.kill();
    }
    child.wait().unwrap().success()
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
    }
}

/// The load: txs per second, and for how long.
const LOAD_RATE: u64 = 200;
const LOAD_SECONDS: u64 = 30;

/// The acceptance run: a 4-validator devnet committing 200 tx/s; a backup of validator 1 taken
/// meanwhile (and one killed half way, which leaves nothing that restores); validator 1 stopped
/// and restored into an empty home, holding the same block hashes and state roots as the
/// others up to the backup height; a copy with one flipped byte refused; and the restored node
/// started, catching up with the others and agreeing with them above the backup.
#[test]
fn a_backup_taken_under_load_restores_into_an_empty_home_that_catches_up_slow() {
    use onebook_tests::devnet::{Devnet, http, register_member};

    let mut net = Devnet::start(crate::node_binary(), 4, 0).unwrap();
    net.wait_for_height(&[0, 1, 2, 3], 1, Duration::from_secs(60)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let total = LOAD_RATE * LOAD_SECONDS;
    // Each org admin of the dev network signs its share in nonce order, to one node.
    let signers: Vec<String> = proof_chain::dev_genesis()
        .unwrap()
        .members
        .iter()
        .filter_map(|member| member.dev_label.clone())
        .filter(|label| label.ends_with("/admin"))
        .collect();
    let per_signer = total / signers.len() as u64;
    let queues: Vec<(u16, std::vec::IntoIter<Vec<u8>>)> = signers
        .iter()
        .enumerate()
        .map(|(i, label)| {
            let signer = onebook_genesis::dev_secret(label);
            let first_member = (i as u64 + 1) * 1_000_000;
            let txs: Vec<Vec<u8>> = (1..=per_signer)
                .map(|nonce| register_member(&signer, nonce, first_member + nonce))
                .collect();
            // Validator 1 is restored later; the load goes to the others.
            (net.nodes[[0, 2, 3][i % 3]].api_port, txs.into_iter())
        })
        .collect();
    let signer_count = signers.len() as u64;
    let load_start_height = net.nodes[0].height().unwrap();
    // One sender per signer, each at its share of the rate and in nonce order: a single
    // sender waiting for each answer cannot reach the rate on a loaded machine.
    let senders: Vec<_> = queues
        .into_iter()
        .map(|(port, queue)| {
            std::thread::spawn(move || {
                let interval = Duration::from_secs_f64(signer_count as f64 / LOAD_RATE as f64);
                let started = Instant::now();
                let mut accepted = 0u64;
                for (n, tx) in queue.enumerate() {
                    let due = started + interval * u32::try_from(n).unwrap();
                    if let Some(wait) = due.checked_duration_since(Instant::now()) {
                        std::thread::sleep(wait);
                    }
                    let answer =
                        http(port, "POST", "/v1/txs", Some(("application/octet-stream", &tx)));
                    if matches!(answer, Ok((202, _))) {
                        accepted += 1;
                    }
                }
                accepted
            })
        })
        .collect();
    let load_started = Instant::now();
    let load = std::thread::spawn(move || {
        let accepted: u64 = senders.into_iter().map(|sender| sender.join().unwrap()).sum();
        (accepted, load_started.elapsed())
    });
    std::thread::sleep(Duration::from_secs(8));

    // A backup killed half way through leaves nothing under its name.
    let home = net.nodes[1].home.clone();
    let started = Instant::now();
    assert!(run_backup(&home, &dir.path().join("timing"), None));
    let backup_took = started.elapsed();
    let killed = dir.path().join("killed");
    run_backup(&home, &killed, Some(backup_took / 2));
    // The backup itself, while the load runs.
    let archive = dir.path().join("backup");
    let window_start = net.nodes[0].height().unwrap();
    let started = Instant::now();
    let output = Command::new(crate::node_binary())
        .arg("--home")
        .arg(&home)
        .args(["backup", "--out"])
        .arg(&archive)
        .output()
        .unwrap();
    let took = started.elapsed();
    let window_end = net.nodes[0].height().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let printed = String::from_utf8_lossy(&output.stdout).into_owned();
    let (accepted, load_took) = load.join().unwrap();
    let load_end_height = net.nodes[0].height().unwrap();
    let committed = |from: u64, to: u64| -> (u64, u64, u64) {
        let time = |height: u64| {
            let (_, block) = net.nodes[0].get(&format!("/v1/blocks/{height}")).unwrap();
            block["header"]["time"].as_u64().unwrap()
        };
        let txs: u64 = (from + 1..=to)
            .map(|height| {
                let (_, block) = net.nodes[0].get(&format!("/v1/blocks/{height}")).unwrap();
                block["header"]["tx_count"].as_u64().unwrap()
            })
            .sum();
        (txs, time(from), time(to))
    };
    let (window_txs, window_from_ms, window_to_ms) = committed(window_start, window_end);
    let (load_txs, load_from_ms, load_to_ms) = committed(load_start_height, load_end_height);
    let rate = |txs: u64, from: u64, to: u64| txs as f64 * 1000.0 / (to - from).max(1) as f64;
    let backup_height: u64 = printed
        .lines()
        .find_map(|line| line.strip_prefix("height"))
        .and_then(|rest| rest.trim().parse().ok())
        .unwrap();
    println!(
        "load: {accepted} of {total} txs accepted in {load_took:.1?}, {load_txs} committed in \
         blocks {load_start_height}..={load_end_height} at {:.0} tx/s of block time",
        rate(load_txs, load_from_ms, load_to_ms)
    );
    println!(
        "backup: {took:.1?} at height {backup_height}; {window_txs} txs committed in blocks \
         {window_start}..={window_end} around it, {:.0} tx/s of block time; killed at \
         {:.1?}: {}",
        rate(window_txs, window_from_ms, window_to_ms),
        backup_took / 2,
        if killed.exists() { "completed before the kill" } else { "left nothing" }
    );
    println!("{printed}");
    assert!(window_end > window_start, "no block was committed during the backup");
    assert!(
        rate(window_txs, window_from_ms, window_to_ms) >= 0.9 * LOAD_RATE as f64,
        "the chain did not commit {LOAD_RATE} tx/s around the backup"
    );
    if killed.exists() {
        restore_into(&killed, &dir.path().join("killed-restored")).unwrap();
    }

    // Validator 1 stopped; a new, empty home with its config, genesis and key.
    net.nodes[1].stop(Duration::from_secs(30)).unwrap();
    let fresh = dir.path().join("fresh-home");
    std::fs::create_dir_all(fresh.join("keys")).unwrap();
    for file in ["config.toml", "genesis.json", "keys/node.key"] {
        std::fs::copy(home.join(file), fresh.join(file)).unwrap();
    }
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(fresh.join("keys"), std::fs::Permissions::from_mode(0o700)).unwrap();
    let mut damaged = dir.path().join("damaged");
    copy_dir(&archive, &damaged);
    let largest = std::fs::read_dir(&damaged)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .max_by_key(|path| std::fs::metadata(path).unwrap().len())
        .unwrap();
    let mut bytes = std::fs::read(&largest).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x01;
    std::fs::write(&largest, bytes).unwrap();
    let refused = Command::new(crate::node_binary())
        .arg("--home")
        .arg(&fresh)
        .arg("restore")
        .arg(&damaged)
        .output()
        .unwrap();
    let refusal = String::from_utf8_lossy(&refused.stderr).into_owned();
    assert!(!refused.status.success());
    assert!(refusal.contains("damaged"), "{refusal}");
    println!("a flipped byte: {}", refusal.lines().next().unwrap_or_default());
    damaged = fresh.join("data");
    assert!(!damaged.exists() || std::fs::read_dir(&damaged).unwrap().next().is_none());

    let restored = Command::new(crate::node_binary())
        .arg("--home")
        .arg(&fresh)
        .arg("restore")
        .arg(&archive)
        .output()
        .unwrap();
    assert!(restored.status.success(), "{}", String::from_utf8_lossy(&restored.stderr));
    {
        let store = Store::open(&StoreConfig::new(fresh.join("data"))).unwrap();
        assert_eq!(store.tip().unwrap().height, Height(backup_height));
        for height in [1, backup_height / 2, backup_height] {
            let (root, hash) = net.block_roots(0, height).unwrap();
            let header = store.header(Height(height)).unwrap().unwrap();
            assert_eq!(header.hash().to_string(), hash, "block hash at {height}");
            assert_eq!(header.state_root.to_string(), root, "state root at {height}");
        }
    }

    // The restored node rejoins and catches up.
    net.nodes[1].home = fresh;
    let tip = (0..4).filter(|&i| i != 1).filter_map(|i| net.nodes[i].height()).max().unwrap();
    let started = Instant::now();
    net.nodes[1].start().unwrap();
    net.wait_for_height(&[1], tip + 2, Duration::from_secs(120)).unwrap();
    println!(
        "restored node caught up from {backup_height} to {} in {:.1?}",
        tip + 2,
        started.elapsed()
    );
    assert_eq!(net.block_roots(1, tip + 2).unwrap(), net.block_roots(0, tip + 2).unwrap());
}
