//! End-to-end: a grant proved valid at the height of an access, cut from a real devnet node's
//! store, anchored at a checkpoint the two dev witnesses (real `onebook witness` processes)
//! cosigned, and verified offline with the genesis file alone.

use std::{process::Command, time::Duration};

use onebook_tests::devnet::Devnet;
use onebook_types::{
    action::{
        AccessDraft, AccessOperation, Action, CatalogEntryDraft, DataItem, Grade, OpenType,
        ResourceDraft, ReviewDecision, ShareRequestDraft, ShareType,
    },
    hash::Hash32,
    ids::{CatalogCode, GrantId, LegalBasisCode, ResourceId, SystemId, Timestamp},
    suite::Suite,
    time::Date,
};

/// Submits `action` signed by the dev key `label` at `nonce` to node0; the height of its block.
fn run(net: &Devnet, label: &str, nonce: u64, action: Action) -> u64 {
    net.commit(0, label, nonce, action, Duration::from_secs(60)).unwrap()
}

#[test]
fn a_grant_valid_at_an_access_is_proved_from_a_devnet_node_and_verified_offline() {
    grant_proved_and_verified_offline(Suite::Ed25519Blake3);
}

/// The same proof on a chain of the national suite: the bundle's certificate, state proof,
/// anchoring and cosignatures are all SM2/SM3, and `onebook verify-proof` reads the suite from
/// the genesis file.
#[test]
fn a_grant_is_proved_and_verified_offline_on_an_sm2_sm3_devnet_slow() {
    grant_proved_and_verified_offline(Suite::Sm2Sm3);
}

/// A grant valid at an access, proved from a devnet node of a chain of `suite`, anchored at a
/// witnessed checkpoint and verified offline with the genesis file alone.
pub(crate) fn grant_proved_and_verified_offline(suite: Suite) {
    let mut net = Devnet::start_in(crate::node_binary(), suite, 4, 0).unwrap();
    net.wait_for_height(&[0, 1, 2, 3], 1, Duration::from_secs(60)).unwrap();
    let _witnesses = ["fj-sjj/witness", "xm-sjj/witness"]
        .map(|label| net.start_witness(label, &[0, 1, 2, 3]).unwrap());
    let clerk = "xm-scjg/catalog-clerk";
    let code = CatalogCode::from("350200-xm-scjg-0001");
    let draft = CatalogEntryDraft {
        name: "市场主体登记信息".into(),
        description: "本市市场主体的设立、变更、注销登记信息".into(),
        items: vec![DataItem {
            name: "企业名称".into(),
            data_element: "DE-0002".into(),
            personal_information: false,
            sensitivity: Grade::General,
        }],
        classification: "市场监管".into(),
        grade: Grade::General,
        security_level: 2,
        share_type: ShareType::Unconditional,
        open_type: OpenType::Open,
        update_frequency: "daily".into(),
        system: SystemId::from("xm-scjg-djxt"),
    };
    run(&net, clerk, 1, Action::DraftCatalogEntry { draft });
    run(&net, clerk, 2, Action::SubmitCatalogEntry { code: code.clone() });
    let decision = ReviewDecision::Approve;
    run(
        &net,
        "xm-dsj/catalog-clerk",
        1,
        Action::ReviewCatalogEntry { code: code.clone(), decision },
    );
    run(&net, clerk, 3, Action::PublishCatalogEntry { code: code.clone() });
    let resource = ResourceDraft {
        system: SystemId::from("xm-scjg-djxt"),
        snapshot_digest: Hash32([7; 32]),
        record_count: 1_000,
        items: vec!["企业名称".into()],
        authoritative: true,
    };
    run(&net, clerk, 4, Action::RegisterResource { entry: code.clone(), draft: resource });
    // Today's local date on the node's clock, so the grant's term holds the access.
    let now_ms =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis();
    let today = Date::of_timestamp(Timestamp(u64::try_from(now_ms).unwrap()), 480);
    let request = ShareRequestDraft {
        entry: code,
        items: vec!["企业名称".into()],
        purpose: "涉企案件侦办核查".into(),
        legal_duty: LegalBasisCode::from("gzsj-2022-sh"),
        starts: Date(today.0 - 1),
        ends: Date(today.0 + 30),
        exception: false,
    };
    run(&net, "xm-gaj/gateway", 1, Action::RequestShare { draft: request });
    let access = AccessDraft {
        grant: Some(GrantId(1)),
        member: net.dev_secret("xm-gaj/gateway").public_key(),
        resource: ResourceId(1),
        items: vec!["企业名称".into()],
        operation: AccessOperation::Query,
        record_count: 3,
        request_digest: Hash32([1; 32]),
        accessed_at: Timestamp(0),
    };
    let access_height =
        run(&net, "xm-gaj/gateway", 2, Action::RecordAccesses { events: vec![access] });
    // The bundle is anchored once both witnesses cosigned a checkpoint at or above the access.
    net.wait_witnessed(0, access_height, Duration::from_secs(120)).unwrap();

    // The running node serves the same bundle over its API, to a member of the accessing org
    // (an access is restricted, so its bundle is too).
    let served = net.nodes[0].api_port;
    let path = format!("/v1/proofs/access-events/1?height={access_height}");
    let (anonymous, _) = onebook_tests::devnet::http_raw(served, "GET", &path, None).unwrap();
    assert_eq!(anonymous, 401);
    let now_ms = u64::try_from(
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis(),
    )
    .unwrap();
    let signed = onebook_api::sign_read(&net.dev_secret("xm-gaj/gateway"), "GET", &path, now_ms);
    let (status, served_bundle) = onebook_cli::http::request_with_headers(
        &format!("127.0.0.1:{served}"),
        "GET",
        &path,
        &[("Authorization", &signed)],
        None,
    )
    .unwrap();
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&served_bundle));
    // An anonymous reader learns nothing about what exists: the same 401 for a known and an
    // unknown event. A signed reader is told the unknown one is not there.
    let (anonymous_known, _) = net.nodes[0].get(&path).unwrap();
    let (anonymous_unknown, _) = net.nodes[0].get("/v1/proofs/access-events/9").unwrap();
    assert_eq!((anonymous_known, anonymous_unknown), (401, 401));
    let unknown_path = "/v1/proofs/access-events/9";
    let signed_unknown =
        onebook_api::sign_read(&net.dev_secret("xm-gaj/gateway"), "GET", unknown_path, now_ms);
    let (unknown, body) = onebook_cli::http::request_with_headers(
        &format!("127.0.0.1:{served}"),
        "GET",
        unknown_path,
        &[("Authorization", &signed_unknown)],
        None,
    )
    .unwrap();
    assert_eq!(unknown, 404, "{}", String::from_utf8_lossy(&body));

    // The node's store is locked while it runs: stop it, then cut the bundle from its home,
    // anchored at the checkpoint the served bundle is anchored at (a newer one may have been
    // witnessed since).
    let served_anchor = onebook_verifier::decode(&served_bundle).unwrap().anchor.unwrap();
    let checkpoint = served_anchor.checkpoint.height.to_string();
    net.nodes[0].stop(Duration::from_secs(30)).unwrap();
    let home = net.nodes[0].home.clone();
    let bundle = home.join("grant-at-access.bundle");
    let proof = Command::new(crate::node_binary())
        .arg("--home")
        .arg(&home)
        .args(["proof", "--access-event", "1", "--height", &access_height.to_string()])
        .args(["--checkpoint", &checkpoint, "--out"])
        .arg(&bundle)
        .output()
        .unwrap();
    assert!(proof.status.success(), "{}", String::from_utf8_lossy(&proof.stderr));
    let genesis = home.join("genesis.json");
    let verify = |extra: &[&str]| {
        Command::new(crate::node_binary())
            .arg("verify-proof")
            .arg("--genesis")
            .arg(&genesis)
            .args(extra)
            .arg(&bundle)
            .output()
            .unwrap()
    };

    let verdict = verify(&["--grant-at-access"]);
    let stdout = String::from_utf8_lossy(&verdict.stdout);

    assert_eq!(
        verdict.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&verdict.stderr)
    );
    assert!(stdout.contains("grant 1"), "{stdout}");
    assert_eq!(std::fs::read(&bundle).unwrap(), served_bundle, "the API serves what the CLI cuts");
    let mut tampered = std::fs::read(&bundle).unwrap();
    let middle = tampered.len() / 2;
    tampered[middle] ^= 0x40;
    std::fs::write(&bundle, tampered).unwrap();
    assert_eq!(verify(&["--grant-at-access"]).status.code(), Some(1));
}
