//! Every committed fuzz corpus file replays through its target (`onebook_tests::fuzz`), with no
//! fuzzer: an input that once crashed a target stays fixed, and the seeds stay valid inputs.
//!
//! The seeds (files named `seed-*`) are made from the code: the sample actions signed by a dev
//! member, blocks, headers and certificates of a short dev chain, the golden proof bundles, the
//! dev genesis, the example configurations and one request per API route. The seeds as the code
//! makes them today also run through their targets, so a committed seed that has gone stale
//! after a format change costs coverage, never correctness; refresh the files with
//! `ONEBOOK_REGENERATE_CORPUS=1 cargo test -p onebook-tests --test it fuzz_corpus`. The other
//! files are inputs the fuzzer found that once crashed a target (`scripts/fuzz.sh` keeps them).

use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
};

use onebook_genesis::dev_secret;
use onebook_network::TxBatch;
use onebook_storage::{Store, StoreConfig, TxLocation};
use onebook_tests::{fuzz::TARGETS, proof_chain};
use onebook_types::{
    codec,
    ids::{Height, Nonce},
    read_request::sign_read,
    samples::sample_actions,
    tx::TxBody,
};

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus")
}

#[test]
fn every_committed_corpus_file_replays_through_its_target() {
    if std::env::var_os("ONEBOOK_REGENERATE_CORPUS").is_some() {
        write_seeds(&seeds().unwrap()).unwrap();
    }
    let mut replayed = BTreeMap::new();

    for (name, target) in TARGETS {
        let dir = corpus_dir().join(name);
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|error| panic!("corpus {}: {error}", dir.display()))
            .map(|entry| entry.unwrap().path())
            .collect();
        files.sort();
        for file in &files {
            let data = std::fs::read(file).unwrap();
            let outcome = std::panic::catch_unwind(|| target(&data));
            assert!(outcome.is_ok(), "{} crashes target {name}", file.display());
        }
        replayed.insert(*name, files.len());
    }

    for (name, count) in &replayed {
        assert!(*count > 0, "target {name} has no corpus");
    }
    let dirs = std::fs::read_dir(corpus_dir()).unwrap().count();
    assert_eq!(dirs, TARGETS.len(), "every corpus folder belongs to a target: {replayed:?}");
}

#[test]
fn the_seeds_the_code_makes_pass_their_targets() {
    let seeds = seeds().unwrap();

    for (name, target) in TARGETS {
        let mine: Vec<_> = seeds.iter().filter(|(of, _, _)| of == name).collect();
        assert!(!mine.is_empty(), "no seed for target {name}");
        for (_, seed, data) in mine {
            let outcome = std::panic::catch_unwind(|| target(data));
            assert!(outcome.is_ok(), "seed {seed} crashes target {name}");
        }
    }
}

type Seed = (&'static str, String, Vec<u8>);

/// Replaces every target's `seed-*` files with `seeds`.
fn write_seeds(seeds: &[Seed]) -> eyre::Result<()> {
    for (target, _) in TARGETS {
        let dir = corpus_dir().join(target);
        std::fs::create_dir_all(&dir)?;
        for entry in std::fs::read_dir(&dir)? {
            let path = entry?.path();
            if path.file_name().is_some_and(|name| name.to_string_lossy().starts_with("seed-")) {
                std::fs::remove_file(path)?;
            }
        }
    }
    for (target, name, data) in seeds {
        let dir = corpus_dir().join(target);
        std::fs::create_dir_all(&dir)?;
        std::fs::write(dir.join(name), data)?;
    }
    Ok(())
}

fn seeds() -> eyre::Result<Vec<Seed>> {
    let mut seeds = Vec::new();
    let mut add = |target: &'static str, name: &str, data: Vec<u8>| {
        seeds.push((target, format!("seed-{name}"), data));
    };
    let genesis = proof_chain::dev_genesis()?;
    let admin = dev_secret("xm-dsj/admin");
    let txs: Vec<Vec<u8>> = sample_actions()
        .into_iter()
        .enumerate()
        .map(|(i, action)| {
            let body = TxBody {
                chain_id: genesis.chain_id.clone(),
                signer: admin.public_key(),
                nonce: Nonce(1),
                valid_until: Height(100 + i as u64),
                action,
            };
            codec::encode(&body.sign(&admin))
        })
        .collect();
    for (i, tx) in txs.iter().enumerate() {
        add("tx", &format!("action-{i:02}"), tx.clone());
        add("admission", &format!("action-{i:02}"), tx.clone());
    }
    add("gossip_batch", "one", codec::encode(&TxBatch { sequence: 7, txs: txs[..1].to_vec() }));
    add("gossip_batch", "several", codec::encode(&TxBatch { sequence: 8, txs: txs[..4].to_vec() }));
    add("gossip_batch", "empty", codec::encode(&TxBatch { sequence: 9, txs: Vec::new() }));

    let dir = tempfile::tempdir()?;
    let store = Store::open(&StoreConfig::new(dir.path()))?;
    proof_chain::build(&store, &genesis)?;
    for height in [1, 3] {
        let height = Height(height);
        let block = store.block(height)?.ok_or_else(|| eyre::eyre!("no block {height:?}"))?;
        let certificate = store.certificate(height)?.ok_or_else(|| eyre::eyre!("no cert"))?;
        add("block", &format!("block-{}", height.0), codec::encode(&block));
        add("block", &format!("header-{}", height.0), codec::encode(&block.header));
        add(
            "block",
            &format!("certified-header-{}", height.0),
            codec::encode(&(block.header.clone(), certificate)),
        );
    }
    let first = TxLocation { height: Height(1), index: 0 };
    for (location, receipt) in store.receipts_from(first, 4)? {
        let name = format!("receipt-{}-{}", location.height.0, location.index);
        add("block", &name, codec::encode(&receipt));
    }

    // v2 bundles: anchored at a witnessed checkpoint, a receipt claim, a parent chain's bundle.
    for name in ["absence", "membership", "tx-accepted", "parent-anchored"] {
        let path =
            Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("vectors/bundles/{name}.json"));
        let vector: serde_json::Value = serde_json::from_slice(&std::fs::read(path)?)?;
        let hex = vector["bundle_hex"].as_str().ok_or_else(|| eyre::eyre!("no bundle_hex"))?;
        add("proof_bundle", name, hex::decode(hex)?);
    }

    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    add("genesis", "dev", std::fs::read(root.join("genesis/networks/dev.json"))?);
    add("config", "example", std::fs::read(root.join("node/cli/config.example.toml"))?);
    add("config", "debian", std::fs::read(root.join("deploy/debian/config.toml"))?);
    add(
        "config",
        "layers",
        b"[node]\nmoniker = \"a\"\n\0ONEBOOK__STORAGE__SYNC_WRITES=false\0api.listen=127.0.0.1:9\0"
            .to_vec(),
    );

    let key = admin.public_key();
    let tx_hex = hex::encode(&txs[0]);
    let requests = [
        "GET /health".to_owned(),
        "GET /v1/status".to_owned(),
        "GET /v1/blocks?limit=2&cursor=3".to_owned(),
        "GET /v1/blocks/3".to_owned(),
        "GET /v1/blocks/abc/txs?limit=0".to_owned(),
        "GET /v1/validators?height=4".to_owned(),
        "GET /v1/orgs/xm-gaj?height=2".to_owned(),
        "GET /v1/members".to_owned(),
        format!("GET /v1/members/{key}"),
        format!("GET /v1/nonces/{key}"),
        "GET /v1/catalog/entries?limit=5".to_owned(),
        "GET /v1/catalog/entries/XM-001/versions".to_owned(),
        "GET /v1/property/certificates/350200-2026-000001X".to_owned(),
        "GET /v1/grants/1".to_owned(),
        "GET /v1/access-events/1".to_owned(),
        "GET /v1/obligations/overdue?at=2026-01-01".to_owned(),
        "GET /v1/search?q=water&limit=3".to_owned(),
        "GET /v1/timeline/org:xm-gaj?limit=2".to_owned(),
        "GET /v1/proofs/records/org:xm-gaj?height=abc".to_owned(),
        "GET /v1/proofs/records/certificate:350200-2026-000001X?height=5".to_owned(),
        format!("GET /v1/proofs/txs/{}", "00".repeat(32)),
        "GET /v1/proofs/access-events/1?unknown=1".to_owned(),
        "GET /v1/event-pages?after=0-0&limit=2".to_owned(),
        "GET /v1/txs/zz".to_owned(),
        "DELETE /v1/blocks".to_owned(),
        "GET /no/such/route".to_owned(),
        format!("POST /v1/txs\ncontent-type: application/json\n\n{{\"tx\":\"{tx_hex}\"}}"),
        format!("POST /v1/txs\nContent-Type: APPLICATION/JSON\n\n{{\"tx\":\"{tx_hex}\"}}"),
        "POST /v1/txs\ncontent-type: application/jsonx\n\n{}".to_owned(),
        "GET /v1/checkpoints?after=0&limit=2".to_owned(),
        "GET /v1/checkpoints/10".to_owned(),
        "GET /v1/checkpoints/10/evidence?from=abc".to_owned(),
        format!(
            "POST /v1/checkpoints/10/cosignatures\ncontent-type: application/json\n\n\
             {{\"witness\":\"{key}\",\"time\":1,\"signature\":\"{}\"}}",
            "00".repeat(64)
        ),
    ];
    let octets = [b"POST /v1/txs\ncontent-type: application/octet-stream\n\n".as_slice(), &txs[1]];
    add("api_request", "octets", octets.concat());
    for (i, request) in requests.iter().enumerate() {
        add("api_request", &format!("{i:02}"), request.clone().into_bytes());
    }
    let time_now = "Onebook key=d04ab232742bb4ab3a1368bd4615e4e6d0224ab71a016baf8520a332c9778737, \
                    time=now, signature=e004ace26bccf6776807caafac5a3fba6f55fd32fec11b6c189eef154b\
                    ade8ea82a8cf3e2401e96de21cf2b34102cfabb34bfd34ac25a1b7cf1f9ebd5184d404";
    add("read_header", "header-now", [b"\0", time_now.as_bytes()].concat());
    let stale = sign_read(&admin, "GET", "/v1/access-events/1", 1_767_196_860_000);
    add("read_header", "header-stale", [b"\0", stale.as_bytes()].concat());
    add("read_header", "header-twice", b"\0Onebook key=1, key=2, time=now".to_vec());
    for (mode, path) in [
        (1u8, "/v1/access-events/1"),
        (3, "/v1/access-events?limit=2"),
        (5, "/v1/share-requests/1"),
        (7, "/v1/property/applications/1"),
        (9, "/v1/violations?limit=1"),
        (11, "/v1/proofs/access-events/1"),
    ] {
        add("read_header", &format!("signed-{mode:02}"), [&[mode][..], path.as_bytes()].concat());
    }
    Ok(seeds)
}
