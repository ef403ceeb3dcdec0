//! The worked example of the state tree format (`docs/formats.md`), pinned so that the document
//! cannot drift from the code.

use onebook_types::hash::Hash32;

use crate::{
    MemNodeStore, NodeAt, NodeStore, StateProof, StoredNode, apply_updates, key_hash, prove,
    value_hash,
};

fn hash(text: &str) -> Hash32 {
    Hash32::from_hex(text).expect("the example's hashes are 64 hex characters")
}

fn example_writes() -> [(Hash32, Option<Hash32>); 3] {
    let records = [("alice", "1"), ("bob", "2"), ("carol", "3")];
    records.map(|(key, value)| (key_hash(key.as_bytes()), Some(value_hash(value.as_bytes()))))
}

fn example() -> (MemNodeStore, Hash32) {
    let mut store = MemNodeStore::new();
    let update = apply_updates(&store, Hash32::ZERO, example_writes());
    store.insert_all(&update);
    (store, update.root)
}

#[test]
fn the_documented_example_tree_has_the_documented_hashes() {
    let (store, root) = example();

    let nodes = encoded_nodes(&store, root);

    assert_eq!(root, hash("419e430a6cb03e171c2999b88212a4f309e34afb55f4e671488ef32cb1a8740d"));
    assert_eq!(
        nodes,
        [
            "01632eab7f9c16ca46730dc1725f17d1b3b8381d7d5c200b237c00ebea2defe7ddd5d86a61232fbfd3bc36ca89bd17737a8f56245f02665a00f42451243d427be5",
            "0069bc1b88bdb2fbb08fa1a197187abbcee723c89fdb7649d1a81a4113b6d6057c2bebd1796f89a6239ae77f39ed23a1df7727e518d01ac6e801156f981829829e",
            "0106c5fcadf96a7f7983480eb7d8f2e5b87d9e4e1302b7f6e6be1870138ee04f690000000000000000000000000000000000000000000000000000000000000000",
            "01809933de1fc205068b1b51a2750b1d00b18a572eb179e5b39271f2c46a810055a4f2913089ac31349046a380f9857ba7be1c749e24a738fa7eb0a0a562f02bfb",
            "009c72359ee2620adfc8216d8ab9ac77bbcccc695fb6113de2fdaa4312fd9591940d4af2b5d36d3417d1c37e0135e58c7080493d4d02c1777223c1056f81deb8cb",
            "00aa20db5639c5189f22203a84d874caa7cf2037fb4c35675ae4b4cffa05bae97361454ed6e60d873a164588e1b465bfc442952062fcf5bc14fb76b81c09009af0",
        ]
    );
}

#[test]
fn the_documented_example_proofs_encode_and_verify_as_documented() {
    let (store, root) = example();
    let cases = [
        (
            "carol",
            Some("3"),
            "03000000632eab7f9c16ca46730dc1725f17d1b3b8381d7d5c200b237c00ebea2defe7dd0000000000000000000000000000000000000000000000000000000000000000809933de1fc205068b1b51a2750b1d00b18a572eb179e5b39271f2c46a81005501aa20db5639c5189f22203a84d874caa7cf2037fb4c35675ae4b4cffa05bae97361454ed6e60d873a164588e1b465bfc442952062fcf5bc14fb76b81c09009af0",
        ),
        (
            "dave",
            None,
            "02000000632eab7f9c16ca46730dc1725f17d1b3b8381d7d5c200b237c00ebea2defe7dd06c5fcadf96a7f7983480eb7d8f2e5b87d9e4e1302b7f6e6be1870138ee04f6900",
        ),
        (
            "erin",
            None,
            "01000000d5d86a61232fbfd3bc36ca89bd17737a8f56245f02665a00f42451243d427be50169bc1b88bdb2fbb08fa1a197187abbcee723c89fdb7649d1a81a4113b6d6057c2bebd1796f89a6239ae77f39ed23a1df7727e518d01ac6e801156f981829829e",
        ),
    ];

    for (key, value, encoded) in cases {
        let key = key_hash(key.as_bytes());
        let value = value.map(|value| value_hash(value.as_bytes()));
        let bytes = hex::decode(encoded).expect("the example's proofs are hex");
        let decoded: StateProof = borsh::from_slice(&bytes).expect("the example's proofs decode");

        assert_eq!(borsh::to_vec(&prove(&store, root, key)).expect("a proof encodes"), bytes);
        assert_eq!(decoded.verify(root, key, value), Ok(()));
    }
}

/// The borsh encoding, in hex, of every node reachable from `root` as its hash commits to it
/// ([`Node`]), in depth-first order (parent, then left subtree, then right subtree).
fn encoded_nodes(store: &MemNodeStore, root: Hash32) -> Vec<String> {
    let mut encoded = Vec::new();
    let at = store.root(&root).expect("the example tree is stored");
    let mut stack = vec![(root, at)];
    while let Some((hash, at)) = stack.pop() {
        let node = store.node(at, &hash).expect("the example tree is stored");
        encoded.push(hex::encode(borsh::to_vec(&node.node()).expect("a node encodes")));
        if let StoredNode::Internal { left, right } = node {
            for child in [right, left] {
                if let Some(child_at) = child.resolve(at.version) {
                    stack.push((child.hash(), child_at));
                }
            }
        }
    }
    encoded
}

#[test]
fn the_documented_example_is_stored_as_documented() {
    let (store, root) = example();
    let dave = [(key_hash(b"dave"), Some(value_hash(b"4")))];

    let first = apply_updates(&MemNodeStore::new(), Hash32::ZERO, example_writes());
    let second = apply_updates(&store, root, dave);

    assert_eq!(
        hex::encode(borsh::to_vec(&first.new_nodes).expect("nodes encode")),
        "06000000\
         0069bc1b88bdb2fbb08fa1a197187abbcee723c89fdb7649d1a81a4113b6d6057c2bebd1796f89a6239ae77f39ed23a1df7727e518d01ac6e801156f981829829e\
         009c72359ee2620adfc8216d8ab9ac77bbcccc695fb6113de2fdaa4312fd9591940d4af2b5d36d3417d1c37e0135e58c7080493d4d02c1777223c1056f81deb8cb\
         00aa20db5639c5189f22203a84d874caa7cf2037fb4c35675ae4b4cffa05bae97361454ed6e60d873a164588e1b465bfc442952062fcf5bc14fb76b81c09009af0\
         0101809933de1fc205068b1b51a2750b1d00b18a572eb179e5b39271f2c46a8100550100000001a4f2913089ac31349046a380f9857ba7be1c749e24a738fa7eb0a0a562f02bfb02000000\
         010106c5fcadf96a7f7983480eb7d8f2e5b87d9e4e1302b7f6e6be1870138ee04f690300000000\
         0101632eab7f9c16ca46730dc1725f17d1b3b8381d7d5c200b237c00ebea2defe7dd0000000001d5d86a61232fbfd3bc36ca89bd17737a8f56245f02665a00f42451243d427be504000000"
    );
    assert_eq!(store.root(&root), Some(NodeAt { version: 0, index: 5 }));
    assert_eq!(
        hex::encode(borsh::to_vec(&second.new_nodes).expect("nodes encode")),
        "03000000\
         00e17f43eaf1534387d934a9966f8af9e8c7e66b8ac1aafc1a117d3ba9689fefd6135c72c4dabfe3c458ac5665808f0d5f9bf76568a206a0508078646d8159bade\
         010206c5fcadf96a7f7983480eb7d8f2e5b87d9e4e1302b7f6e6be1870138ee04f690000000000000000030000000129287d4f7d40e1b41555f0f6cb4c4a99f9eddc5043bd49705b42f38c8c6430f100000000\
         0102632eab7f9c16ca46730dc1725f17d1b3b8381d7d5c200b237c00ebea2defe7dd000000000000000000000000011ce06a8bc91d68af39d295567cac2b9c9ab5f29567657839807b83a49c62ab4b01000000"
    );
    assert_eq!(
        second.root,
        hash("0a5ed324a86508fac18ac79c7947884928e37ade15f14d2cbf72809be7b3b3cb")
    );
}
