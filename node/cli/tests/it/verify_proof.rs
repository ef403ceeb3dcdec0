//! `onebook verify-proof` on the golden bundles of `tests/vectors/bundles/`: the valid ones
//! verify and print their verdicts; every documented refusal (`refusals.json`: the attacks a
//! bundle must stop) exits 1 naming the check that failed.

use std::{path::Path, process::Command};

const DEV_GENESIS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../genesis/networks/dev.json");

fn golden(name: &str) -> (Vec<u8>, String) {
    let path = format!("{}/../../tests/vectors/bundles/{name}", env!("CARGO_MANIFEST_DIR"));
    let value: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let bytes = hex::decode(value["bundle_hex"].as_str().unwrap()).unwrap();
    (bytes, value["verdict"].as_str().unwrap().to_owned())
}

fn verify_proof(bundle: &Path) -> (i32, String, String) {
    verify_proof_with(bundle, &[])
}

fn verify_proof_with(bundle: &Path, flags: &[&str]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_onebook"))
        .args(["verify-proof", "--genesis", DEV_GENESIS])
        .args(flags)
        .arg(bundle)
        .env("RUST_LOG", "off")
        .output()
        .unwrap();
    let text = |bytes: Vec<u8>| String::from_utf8(bytes).unwrap();
    (output.status.code().unwrap(), text(output.stdout), text(output.stderr))
}

#[test]
fn a_golden_bundle_verifies_with_exit_status_0_and_prints_its_verdict() {
    let dir = tempfile::tempdir().unwrap();
    for name in [
        "membership.json",
        "absence.json",
        "licence.json",
        "expired.json",
        "cancelled.json",
        "transferred-before.json",
        "transferred-after.json",
        "tx-accepted.json",
        "records-1.json",
        "records-2.json",
        "records-3.json",
        "records-4.json",
    ] {
        let (bytes, verdict) = golden(name);
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();

        let (status, stdout, stderr) = verify_proof(&path);

        assert_eq!(status, 0, "{name}: {stderr}");
        assert_eq!(stdout.trim_end(), verdict);
    }
}

#[test]
fn a_tampered_bundle_exits_1_with_the_failed_check() {
    let dir = tempfile::tempdir().unwrap();
    let (mut bytes, _) = golden("membership.json");
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    let path = dir.path().join("tampered.bundle");
    std::fs::write(&path, bytes).unwrap();

    let (status, _, stderr) = verify_proof(&path);

    assert_eq!(status, 1, "{stderr}");
    assert!(stderr.contains("invalid proof"), "{stderr}");
}

#[test]
fn a_missing_bundle_file_exits_2() {
    let dir = tempfile::tempdir().unwrap();

    let (status, _, stderr) = verify_proof(&dir.path().join("missing.bundle"));

    assert_eq!(status, 2, "{stderr}");
}

/// The flags that give a refusal case's verifier options; writes the parent genesis if needed.
fn flags_of(options: &serde_json::Value, dir: &Path) -> Vec<String> {
    let mut flags = Vec::new();
    if options["allow_unanchored"] == true {
        flags.push("--allow-unanchored".to_owned());
    }
    if options["allow_refused_tx"] == true {
        flags.push("--allow-refused-tx".to_owned());
    }
    if let Some(ms) = options["not_before"].as_u64() {
        flags.extend(["--at".to_owned(), ms.to_string()]);
    }
    if options["parent_genesis_hash"].is_string() {
        let path = format!(
            "{}/../../tests/vectors/bundles/parent-genesis.json",
            env!("CARGO_MANIFEST_DIR")
        );
        let genesis = dir.join("parent-genesis.json");
        std::fs::copy(path, &genesis).unwrap();
        flags.extend(["--parent-genesis".to_owned(), genesis.display().to_string()]);
    }
    flags
}

#[test]
fn every_documented_refusal_exits_1_naming_the_failed_check() {
    let dir = tempfile::tempdir().unwrap();
    let path = format!("{}/../../tests/vectors/bundles/refusals.json", env!("CARGO_MANIFEST_DIR"));
    let refusals: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let cases = refusals["cases"].as_array().unwrap();
    assert!(cases.len() >= 10);
    for (n, case) in cases.iter().enumerate() {
        let bundle = dir.path().join(format!("refusal-{n}.bundle"));
        std::fs::write(&bundle, hex::decode(case["bundle_hex"].as_str().unwrap()).unwrap())
            .unwrap();
        let flags = flags_of(&case["options"], dir.path());
        let flags: Vec<&str> = flags.iter().map(String::as_str).collect();

        let (status, stdout, stderr) = verify_proof_with(&bundle, &flags);

        let kind = case["kind"].as_str().unwrap();
        assert_eq!(status, 1, "{}: {stdout}{stderr}", case["description"]);
        assert!(stderr.contains(&format!("({kind})")), "{}: {stderr}", case["description"]);
    }
}

#[test]
fn a_bundle_older_than_max_age_is_refused_as_stale_and_accepted_at_its_time() {
    let dir = tempfile::tempdir().unwrap();
    let (bytes, _) = golden("membership.json");
    let path = dir.path().join("membership.bundle");
    std::fs::write(&path, bytes).unwrap();

    // The bundle shows the chain as of 2026-04-30T20:00:09Z.
    let (stale, _, stderr) = verify_proof_with(&path, &["--max-age", "1h"]);
    let (then, stdout, _) =
        verify_proof_with(&path, &["--at", "2026-04-30T20:30:00Z", "--max-age", "1h"]);
    let (too_late, _, late) =
        verify_proof_with(&path, &["--at", "2026-04-30T21:30:00Z", "--max-age", "1h"]);

    assert_eq!(stale, 1, "{stderr}");
    assert!(stderr.contains("(stale)"), "{stderr}");
    assert_eq!(then, 0, "{stdout}");
    assert_eq!(too_late, 1, "{late}");
}

#[test]
fn a_parent_anchored_bundle_verifies_with_both_genesis_files_and_an_unanchored_one_warns() {
    let dir = tempfile::tempdir().unwrap();
    let (bytes, verdict) = golden("parent-anchored.json");
    let path = dir.path().join("parent.bundle");
    std::fs::write(&path, &bytes).unwrap();
    let parent = serde_json::json!({ "parent_genesis_hash": "" });
    let flags = flags_of(&parent, dir.path());
    let flags: Vec<&str> = flags.iter().map(String::as_str).collect();

    let (status, stdout, stderr) = verify_proof_with(&path, &flags);

    assert_eq!(status, 0, "{stderr}");
    assert_eq!(stdout.trim_end(), verdict);
    assert!(stdout.contains("recorded on parent chain onebook-fj-1"), "{stdout}");
    let refusals: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(format!(
            "{}/../../tests/vectors/bundles/refusals.json",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap(),
    )
    .unwrap();
    let unanchored = refusals["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|case| case["kind"] == "unanchored")
        .unwrap();
    let path = dir.path().join("unanchored.bundle");
    std::fs::write(&path, hex::decode(unanchored["bundle_hex"].as_str().unwrap()).unwrap())
        .unwrap();
    let (status, stdout, stderr) = verify_proof_with(&path, &["--allow-unanchored"]);
    assert_eq!(status, 0, "{stderr}");
    assert!(stdout.contains("NOT ANCHORED"), "{stdout}");
    assert!(stderr.contains("WARNING"), "{stderr}");
}
