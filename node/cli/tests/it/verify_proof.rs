//! `onebook verify-proof` on the golden bundles of `tests/vectors/bundles/`.

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
    let output = Command::new(env!("CARGO_BIN_EXE_onebook"))
        .args(["verify-proof", "--genesis", DEV_GENESIS])
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
    for name in ["membership.json", "absence.json"] {
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
