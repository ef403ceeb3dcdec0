//! The CLI's commands, run in-process against a temporary home.

use clap::Parser;
use onebook_cli::Cli;

fn run(args: &[&str]) -> eyre::Result<()> {
    let mut argv = vec!["onebook"];
    argv.extend_from_slice(args);
    Cli::try_parse_from(argv)?.execute()
}

#[test]
fn init_writes_a_home_that_opens_on_the_dev_genesis() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("node");
    let home = home.to_str().unwrap();

    run(&["--home", home, "init", "--dev-key", "xm-dsj/node", "--moniker", "xm-dsj"]).unwrap();
    run(&["--home", home, "config", "show"]).unwrap();
    run(&["--home", home, "inspect", "state"]).unwrap();
    run(&["--home", home, "keys", "generate", "--name", "clerk"]).unwrap();
    run(&["--home", home, "keys", "show", "--name", "clerk"]).unwrap();

    let config = std::fs::read_to_string(format!("{home}/config.toml")).unwrap();
    assert!(config.contains("moniker = \"xm-dsj\""));
    assert!(run(&["--home", home, "init"]).is_err(), "init never overwrites a home");
    assert!(run(&["--home", home, "keys", "generate", "--name", "clerk"]).is_err());
}

#[test]
fn a_national_testnet_gets_sm2_keys_and_an_ed25519_transport_key() {
    use onebook_types::suite::Suite;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("net");

    run(&["testnet", "--nodes", "4", "--out", out.to_str().unwrap(), "--suite", "sm2-sm3"])
        .unwrap();

    let home = out.join("node0");
    let genesis_path = home.join("genesis.json");
    let genesis =
        onebook_genesis::GenesisFile::from_json_validated(&std::fs::read(&genesis_path).unwrap())
            .unwrap();
    assert_eq!(genesis.suite, Suite::Sm2Sm3);
    let node_key = onebook_cli::Home::new(Some(home.clone())).unwrap().read_key("node").unwrap();
    assert_eq!(node_key.suite(), Suite::Sm2Sm3);
    assert!(genesis.validators.iter().any(|v| v.node_key == node_key.public_key()));
    let home = home.to_str().unwrap();
    run(&["--home", home, "keys", "generate", "--name", "clerk"]).unwrap();
    let clerk = onebook_cli::Home::new(Some(home.into())).unwrap().read_key("clerk").unwrap();
    assert_eq!(clerk.suite(), Suite::Sm2Sm3);
    // The transport key stays Ed25519 (ADR 0026): made by testnet, named in the config, never
    // the node key.
    let node0 = onebook_cli::Home::new(Some(out.join("node0"))).unwrap();
    let transport = node0.read_key_in("transport", Suite::Ed25519Blake3).unwrap();
    assert_eq!(transport.suite(), Suite::Ed25519Blake3);
    assert_ne!(transport.public_key(), node_key.public_key());
    let config = std::fs::read_to_string(out.join("node0/config.toml")).unwrap();
    assert!(config.contains("network_key = \"transport\""), "{config}");
}

#[test]
fn genesis_commands_validate_hash_and_create_files() {
    let dir = tempfile::tempdir().unwrap();
    let dev = concat!(env!("CARGO_MANIFEST_DIR"), "/../genesis/networks/dev.json");
    let out = dir.path().join("new.json");
    let admin = onebook_types::keys::SecretKey::from_seed([1; 32]).public_key().to_hex();
    let node = onebook_types::keys::SecretKey::from_seed([2; 32]).public_key().to_hex();

    run(&["genesis", "validate", dev]).unwrap();
    run(&["genesis", "hash", dev]).unwrap();
    run(&[
        "genesis",
        "new",
        "--chain-id",
        "onebook-test-1",
        "--genesis-time-ms",
        "1767196800000",
        "--org-id",
        "xm-dsj",
        "--org-name",
        "厦门市大数据管理局",
        "--region",
        "350200",
        "--admin-key",
        &admin,
        "--validator-key",
        &node,
        "--out",
        out.to_str().unwrap(),
    ])
    .unwrap();
    run(&["genesis", "validate", out.to_str().unwrap()]).unwrap();

    let broken = dir.path().join("broken.json");
    std::fs::write(&broken, std::fs::read_to_string(&out).unwrap().replace("350200", "35"))
        .unwrap();
    let error = run(&["genesis", "validate", broken.to_str().unwrap()]).unwrap_err();
    assert!(format!("{error:#}").contains("region"), "{error:#}");
}

#[test]
fn proof_writes_bundles_from_a_home_that_verify_proof_accepts() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("node");
    let home = home.to_str().unwrap();
    let dev = concat!(env!("CARGO_MANIFEST_DIR"), "/../genesis/networks/dev.json");
    run(&["--home", home, "init", "--dev-key", "xm-dsj/node"]).unwrap();
    {
        let config = onebook_storage::StoreConfig::new(format!("{home}/data"));
        let store = onebook_storage::Store::open(&config).unwrap();
        let genesis = onebook_tests::proof_chain::dev_genesis().unwrap();
        onebook_tests::proof_chain::build(&store, &genesis).unwrap();
    }
    let certificate = dir.path().join("certificate.bundle");
    let coverage = dir.path().join("coverage.bundle");
    let absence = dir.path().join("absence.bundle");
    let out = |path: &std::path::Path| path.to_str().unwrap().to_owned();

    run(&[
        "--home",
        home,
        "proof",
        "--record",
        "certificate:350200-2026-000001X",
        "--out",
        &out(&certificate),
    ])
    .unwrap();
    run(&[
        "--home",
        home,
        "proof",
        "--access-event",
        "1",
        "--height",
        "2",
        "--out",
        &out(&coverage),
    ])
    .unwrap();
    let absence_path = out(&absence);
    let absent =
        ["--home", home, "proof", "--record", "violation:1", "--absent", "--height", "1", "--out"];
    run(&[&absent[..], &[absence_path.as_str()]].concat()).unwrap();

    run(&["verify-proof", "--genesis", dev, &out(&certificate)]).unwrap();
    run(&["verify-proof", "--genesis", dev, "--grant-at-access", &out(&coverage)]).unwrap();
    run(&["verify-proof", "--genesis", dev, &out(&absence)]).unwrap();
    let error =
        run(&["verify-proof", "--genesis", dev, "--grant-at-access", &out(&absence)]).unwrap_err();
    assert!(format!("{error:#}").contains("invalid proof"), "{error:#}");
    let present =
        run(&["--home", home, "proof", "--record", "grant:1", "--absent", "--out", &out(&absence)]);
    assert!(present.is_err(), "a present record has no absence proof");
}

#[test]
fn onebook_tx_drafts_submits_and_reviews_a_catalog_entry_from_flags_against_a_devnet() {
    use std::time::Duration;

    // The dev genesis has four validators: a block needs more than two thirds of them.
    let mut net = onebook_tests::devnet::Devnet::start(crate::node_binary(), 4, 0).unwrap();
    net.wait_for_height(&[0, 1, 2, 3], 1, Duration::from_secs(60)).unwrap();
    let node = &net.nodes[0];
    let home = node.home.to_str().unwrap().to_owned();
    let address = format!("127.0.0.1:{}", node.api_port);
    for label in ["xm-scjg/catalog-clerk", "xm-dsj/catalog-clerk"] {
        run(&["--home", &home, "keys", "generate", "--name", label, "--dev-label", label]).unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    let entry = dir.path().join("entry.json");
    let draft = serde_json::json!({
        "name": "市场主体登记信息",
        "description": "本市市场主体的设立、变更、注销登记信息",
        "items": [{"name": "企业名称", "data_element": "DE-0002", "personal_information": false,
            "sensitivity": "general"}],
        "classification": "市场监管",
        "grade": "general",
        "security_level": 2,
        "share_type": {"share_type": "conditional", "conditions": "仅用于依法履职"},
        "open_type": "not_open",
        "update_frequency": "daily",
        "system": "xm-scjg-djxt"
    });
    std::fs::write(&entry, draft.to_string()).unwrap();
    let code = "350200-xm-scjg-0001";
    let tx = |args: &[&str]| {
        let mut argv = vec!["--home", &home, "tx"];
        argv.extend_from_slice(args);
        argv.extend_from_slice(&["--node", &address, "--wait", "60"]);
        run(&argv)
    };
    let status = || {
        let (found, view) = node.get(&format!("/v1/catalog/entries/{code}")).unwrap();
        assert_eq!(found, 200, "{view}");
        view["record"]["status"]["status"].as_str().unwrap_or_default().to_owned()
    };

    // The options go before the action, among its fields, or after them.
    tx(&[
        "draft-catalog-entry",
        "--key",
        "xm-scjg/catalog-clerk",
        "--draft-file",
        entry.to_str().unwrap(),
        "--draft.share-type",
        "unconditional",
    ])
    .unwrap();
    let drafted = status();
    let (_, view) = node.get(&format!("/v1/catalog/entries/{code}")).unwrap();
    tx(&["--key", "xm-scjg/catalog-clerk", "submit-catalog-entry", "--code", code]).unwrap();
    let submitted = status();
    let typo = tx(&[
        "review-catalog-entry",
        "--key",
        "xm-dsj/catalog-clerk",
        "--code",
        code,
        "--desicion",
        "approve",
    ]);
    let unknown = tx(&["reveiw-catalog-entry", "--key", "xm-dsj/catalog-clerk", "--code", code]);
    tx(&[
        "review-catalog-entry",
        "--key",
        "xm-dsj/catalog-clerk",
        "--code",
        code,
        "--decision",
        "approve",
    ])
    .unwrap();

    assert_eq!(drafted, "draft");
    let version = &view["record"]["versions"][0]["content"];
    assert_eq!(version["share_type"]["share_type"], "unconditional", "{view}");
    assert_eq!(version["name"], "市场主体登记信息");
    assert_eq!(submitted, "submitted");
    let typo = format!("{:#}", typo.unwrap_err());
    assert!(typo.contains("has no field `desicion`; its fields are --code, --decision"), "{typo}");
    let unknown = format!("{:#}", unknown.unwrap_err());
    assert!(unknown.contains("did you mean `review-catalog-entry`?"), "{unknown}");
    assert_eq!(status(), "approved");
    let clerk = onebook_genesis::dev_secret("xm-dsj/catalog-clerk").public_key();
    let (_, nonces) = node.get(&format!("/v1/nonces/{clerk}")).unwrap();
    assert_eq!(nonces["committed"], 1, "the refused flags sent nothing: {nonces}");
}

/// Runs the `onebook verify-proof` binary on `bundle` with `args`; its exit code and stderr.
fn verify_proof(dir: &std::path::Path, bundle: &[u8], args: &[&str]) -> (i32, String) {
    let path = dir.join("bundle");
    std::fs::write(&path, bundle).unwrap();
    let output = std::process::Command::new(crate::node_binary())
        .arg("verify-proof")
        .args(args)
        .arg(&path)
        .env("RUST_LOG", "off")
        .output()
        .unwrap();
    (output.status.code().unwrap_or(-1), String::from_utf8_lossy(&output.stderr).into_owned())
}

#[test]
fn verify_proof_refuses_every_documented_attack_naming_the_failed_check() {
    let dir = tempfile::tempdir().unwrap();
    let vectors = concat!(env!("CARGO_MANIFEST_DIR"), "/vectors/bundles");
    let dev = concat!(env!("CARGO_MANIFEST_DIR"), "/../genesis/networks/dev.json");
    let parent = format!("{vectors}/parent-genesis.json");
    let file = std::fs::read(format!("{vectors}/refusals.json")).unwrap();
    let refusals: serde_json::Value = serde_json::from_slice(&file).unwrap();
    let cases = refusals["cases"].as_array().unwrap();

    for case in cases {
        let bundle = hex::decode(case["bundle_hex"].as_str().unwrap()).unwrap();
        let options = &case["options"];
        let mut args = vec!["--genesis".to_owned(), dev.to_owned()];
        if options["allow_refused_tx"] == true {
            args.push("--allow-refused-tx".into());
        }
        if options["allow_unanchored"] == true {
            args.push("--allow-unanchored".into());
        }
        if let Some(not_before) = options["not_before"].as_u64() {
            args.extend(["--at".to_owned(), not_before.to_string()]);
        }
        if !options["parent_genesis_hash"].is_null() {
            args.extend(["--parent-genesis".to_owned(), parent.clone()]);
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();

        let (status, stderr) = verify_proof(dir.path(), &bundle, &args);

        let kind = case["kind"].as_str().unwrap();
        let what = case["description"].as_str().unwrap();
        assert_eq!(status, 1, "{what}: refused with exit status 1: {stderr}");
        assert!(stderr.contains(&format!("({kind})")), "{what}: names `{kind}`: {stderr}");
    }
    assert_eq!(cases.len(), 11, "every documented refusal is run");
}

#[test]
fn verify_proof_max_age_counts_back_from_at_and_refuses_a_stale_bundle() {
    let dir = tempfile::tempdir().unwrap();
    let vectors = concat!(env!("CARGO_MANIFEST_DIR"), "/vectors/bundles");
    let dev = concat!(env!("CARGO_MANIFEST_DIR"), "/../genesis/networks/dev.json");
    let file = std::fs::read(format!("{vectors}/absence.json")).unwrap();
    let golden: serde_json::Value = serde_json::from_slice(&file).unwrap();
    let bundle = hex::decode(golden["bundle_hex"].as_str().unwrap()).unwrap();
    // The golden bundle is as of its block, 2026-04-30T20:00:00Z.
    let at = "2026-04-30T21:00:00Z";

    let fresh =
        verify_proof(dir.path(), &bundle, &["--genesis", dev, "--at", at, "--max-age", "61m"]);
    let stale =
        verify_proof(dir.path(), &bundle, &["--genesis", dev, "--at", at, "--max-age", "59m"]);
    let today = verify_proof(dir.path(), &bundle, &["--genesis", dev, "--max-age", "1h"]);

    assert_eq!(fresh.0, 0, "an hour old, 61 minutes allowed: {}", fresh.1);
    assert_eq!(stale.0, 1, "an hour old, 59 minutes allowed: {}", stale.1);
    assert!(stale.1.contains("(stale)"), "{}", stale.1);
    assert_eq!(today.0, 1, "months old by the clock, an hour allowed: {}", today.1);
    assert!(today.1.contains("(stale)"), "{}", today.1);
}
