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
    run(&["--home", home, "proof", "--record", "violation:1", "--absent", "--out", &out(&absence)])
        .unwrap();

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
