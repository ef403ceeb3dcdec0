//! The RocksDB store: block round trips, versioned records, proofs at past heights, history
//! paging, and refusals of blocks that do not follow the tip.

use onebook_state::{key_hash, value_hash};
use onebook_storage::{BlockCommit, RecordChange, StorageError, Store, StoreConfig, TxLocation};
use onebook_tests::synthetic::{self, body, seal};
use onebook_types::{
    hash::Hash32,
    ids::{Height, OrgId, ShareRequestId},
    record::RecordKey,
};

fn open(dir: &std::path::Path) -> Store {
    let store = Store::open(&StoreConfig::new(dir)).unwrap();
    store.init_genesis(synthetic::genesis_hash(), synthetic::genesis_records()).unwrap();
    store
}

#[test]
fn committed_blocks_and_txs_read_back_after_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    for _ in 0..3 {
        synthetic::commit_next(&store, 5, 3).unwrap();
    }
    let tip = store.tip().unwrap();
    drop(store);

    let store = open(dir.path());

    assert_eq!(store.tip().unwrap(), tip);
    let block = store.block(Height(2)).unwrap().unwrap();
    assert_eq!(block.txs.len(), 5);
    let hash = block.txs[3].hash();
    let (location, tx) = store.tx(&hash).unwrap().unwrap();
    assert_eq!(location, TxLocation { height: Height(2), index: 3 });
    assert_eq!(tx, block.txs[3]);
    assert_eq!(store.receipt(location).unwrap().unwrap().tx_hash, hash);
    assert_eq!(store.block_height(&block.header.hash()).unwrap(), Some(Height(2)));
}

#[test]
fn records_are_read_as_of_any_height_with_proofs_against_that_heights_root() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    for _ in 0..14 {
        synthetic::commit_next(&store, 2, 2).unwrap();
    }
    // Record 12 is written at height 7 and deleted at height 14 (see `synthetic::body`).
    let key = RecordKey::ShareRequest(ShareRequestId(12));

    let before = store.prove_record(&key, Height(6)).unwrap();
    let during = store.prove_record(&key, Height(10)).unwrap();
    let after = store.prove_record(&key, Height(14)).unwrap();

    let path = key_hash(&key.encode());
    assert_eq!(before.1, None);
    before.2.verify(before.0, path, None).unwrap();
    let value = during.1.clone().expect("present at height 10");
    during.2.verify(during.0, path, Some(value_hash(&value))).unwrap();
    assert!(during.2.verify(during.0, path, None).is_err());
    assert_eq!(after.1, None);
    after.2.verify(after.0, path, None).unwrap();
    assert_eq!(during.0, store.header(Height(10)).unwrap().unwrap().state_root);
}

#[test]
fn history_pages_walk_every_touching_tx_in_commit_order() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    for _ in 0..6 {
        synthetic::commit_next(&store, 10, 5).unwrap();
    }
    let org = OrgId::from("org-1");

    let mut seen = Vec::new();
    let mut cursor = None;
    loop {
        let page = store.org_history(&org, cursor, 7).unwrap();
        assert!(page.entries.len() <= 7);
        seen.extend(page.entries);
        match page.next {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }

    // Signer 1 of 5 signs every fifth tx: 60 txs in all, 12 of them with org-1.
    assert_eq!(seen.len(), 12);
    assert!(seen.windows(2).all(|w| (w[0].location.height, w[0].location.index)
        < (w[1].location.height, w[1].location.index)));
    let record =
        store.record_history(&RecordKey::ShareRequest(ShareRequestId(13)), None, 100).unwrap();
    assert_eq!(record.entries.len(), 1);
    assert_eq!(record.entries[0].location, TxLocation { height: Height(2), index: 3 });
}

#[test]
fn a_block_that_does_not_follow_the_tip_or_lies_about_its_roots_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    let tip = store.tip().unwrap();
    let next = body(Height(1), 3, 2);
    let staged = || store.stage(next.changes.clone()).unwrap();
    let commit = |block| BlockCommit {
        block,
        receipts: next.receipts.clone(),
        certificate: None,
        touches: next.touches.clone(),
    };

    let mut skipped = seal(&tip, &next, staged().root, store.next_history_root().unwrap());
    skipped.header.height = Height(2);
    let mut wrong_root = seal(&tip, &next, staged().root, store.next_history_root().unwrap());
    wrong_root.header.state_root = Hash32([1; 32]);
    let mut wrong_txs = seal(&tip, &next, staged().root, store.next_history_root().unwrap());
    wrong_txs.txs.pop();

    assert!(matches!(store.commit(commit(skipped), staged()), Err(StorageError::NotNext { .. })));
    assert!(matches!(
        store.commit(commit(wrong_root), staged()),
        Err(StorageError::InvalidBlock { .. })
    ));
    assert!(matches!(
        store.commit(commit(wrong_txs), staged()),
        Err(StorageError::InvalidBlock { .. })
    ));
    assert_eq!(store.tip().unwrap(), tip, "nothing was written");
}

#[test]
fn a_store_refuses_another_genesis() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());

    let result = store
        .init_genesis(Hash32([9; 32]), vec![RecordChange { key: RecordKey::Policy, value: None }]);

    assert!(matches!(result, Err(StorageError::WrongGenesis { .. })));
}
