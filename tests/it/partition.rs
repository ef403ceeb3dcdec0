//! Network partitions of four validators, each a real `onebook` process in a network namespace
//! of its own (`onebook_tests::netns`): one validator cut off by its link going down or by
//! dropped packets, an even split that leaves no side a quorum, the next proposer isolated, a
//! flapping link and, in the slow suite, seeded random schedules of cuts.
//!
//! The oracle, in every scenario:
//! - **Safety**: no two nodes ever commit different blocks at one height. Every block of every
//!   node is read through its API, over a management network no cut touches, and compared.
//! - **Liveness of a quorum**: a side holding 3 of the 4 validators keeps committing, at least
//!   one block every [`QUORUM_SIDE_BLOCK_INTERVAL_MAX`].
//! - **No quorum, no commit**: a node on a side without a quorum commits nothing once the height
//!   it was deciding when the cut came has settled ([`SETTLE`]).
//! - **Healing**: once the cut is healed every node is at the tip within [`HEAL_TO_TIP_MAX`].
//! - Every tx a node acknowledged (202), on either side, is committed on every node in the end.
//!
//! The figures are printed (`--no-capture` shows them). The tests need root (namespaces,
//! nftables); without it they print why and return without running anything.

use std::time::{Duration, Instant};

use onebook_genesis::dev_secret;
use onebook_tests::{
    chain_watch::ChainWatch, devnet::register_member, netns::NetnsNet, partition::PartitionNet,
    rng::Rng,
};
use onebook_types::keys::SecretKey;

const VALIDATORS: usize = 4;
/// An idle chain makes a block every second, so a stalled side shows within seconds.
const IDLE_BLOCK_INTERVAL: &str = "1s";
/// How often the oracle reads every node.
const POLL: Duration = Duration::from_millis(250);
/// After a cut, a node without a quorum may still commit the height whose precommits were
/// already on the wire; from then on it must commit nothing.
const SETTLE: Duration = Duration::from_secs(3);
/// Healed nodes must be at the tip within this.
const HEAL_TO_TIP_MAX: Duration = Duration::from_secs(30);
/// The longest a side with a quorum may go without a block. One height in four is the cut-off
/// validator's to propose: it costs a `timeout_propose` (3 s) before the next round's proposer
/// takes over, on a debug build sharing two cores with other builds.
const QUORUM_SIDE_BLOCK_INTERVAL_MAX: Duration = Duration::from_secs(4);
/// Each validator org's admin, one per node, so each node takes its own signer's txs.
const ADMINS: [&str; VALIDATORS] =
    ["fj-sjj/admin", "xm-dsj/admin", "xm-gaj/admin", "xm-scjg/admin"];
const ALL: [usize; VALIDATORS] = [0, 1, 2, 3];

#[test]
fn n4_a_validator_whose_link_goes_down_stalls_alone_and_rejoins() {
    let Some(mut run) = Run::start("link down, short") else { return };

    run.partition(&Split::links_down(&[3]), Duration::from_secs(12));
    run.heal_and_reach_tip();

    run.finish();
}

#[test]
fn n4_a_validator_whose_link_goes_down_stalls_alone_and_rejoins_slow() {
    let Some(mut run) = Run::start("link down") else { return };

    run.partition(&Split::links_down(&[3]), Duration::from_secs(30));
    run.heal_and_reach_tip();

    run.finish();
}

#[test]
fn n4_a_minority_cut_off_by_dropped_packets_stalls_and_its_txs_commit_after_healing_slow() {
    let Some(mut run) = Run::start("minority by drops") else { return };

    run.partition(&Split::groups(&[&[0, 1, 2], &[3]]), Duration::from_secs(30));
    run.heal_and_reach_tip();

    run.finish();
}

#[test]
fn n4_an_even_split_stalls_both_halves_and_both_resume_after_healing_slow() {
    let Some(mut run) = Run::start("even split") else { return };

    run.partition(&Split::groups(&[&[0, 1], &[2, 3]]), Duration::from_secs(20));
    run.heal_and_reach_tip();

    run.finish();
}

#[test]
fn n4_the_next_proposer_isolated_loses_its_turns_to_round_changes_slow() {
    let Some(mut run) = Run::start("isolated proposer") else { return };
    let proposers = run.proposer_by_residue();
    let tip = run.net.tip(&ALL);
    let proposer_key = &proposers[usize::try_from((tip + 1) % VALIDATORS as u64).unwrap()];
    let isolated = (0..VALIDATORS).find(|&node| run.net.node_key(node).unwrap() == *proposer_key);
    let isolated = isolated.expect("the proposer of the next height is one of the validators");
    let rest: Vec<usize> = ALL.into_iter().filter(|&node| node != isolated).collect();
    println!("partition (isolated proposer): node{isolated} proposes height {}", tip + 1);

    let held = run.partition(&Split::groups(&[&rest, &[isolated]]), Duration::from_secs(24));

    // Every height the isolated node was first to propose went to a later round's proposer.
    let turns: Vec<u64> = (held.settled_tip + 1..=held.end_tip)
        .filter(|height| {
            proposers[usize::try_from(height % VALIDATORS as u64).unwrap()] == *proposer_key
        })
        .collect();
    assert!(!turns.is_empty(), "the isolated proposer had no turn in {held:?}");
    for &height in &turns {
        let block = run.watch.block(height).unwrap();
        assert!(block.round >= 1, "height {height} was decided in round 0: {block:?}");
        assert_ne!(block.proposer, *proposer_key, "height {height}");
    }
    println!(
        "partition (isolated proposer): its turns at heights {turns:?} went to round {:?}",
        turns.iter().map(|&height| run.watch.block(height).unwrap().round).collect::<Vec<_>>()
    );
    run.heal_and_reach_tip();

    run.finish();
}

#[test]
fn n4_a_flapping_link_never_forks_the_chain_slow() {
    let Some(mut run) = Run::start("flapping link") else { return };
    let seed = seed();
    let mut rng = Rng::new(seed);
    let flapper = 3;
    let quorum = [0, 1, 2];
    let started = Instant::now();
    let first_tip = run.net.tip(&quorum);
    let mut flaps = 0;

    while started.elapsed() < Duration::from_secs(40) {
        run.net.net.link_down(flapper).unwrap();
        run.submit(&ALL);
        run.observe(Duration::from_millis(500 + rng.below(2_500)));
        run.net.net.link_up(flapper).unwrap();
        run.observe(Duration::from_millis(500 + rng.below(2_500)));
        flaps += 1;
    }

    let blocks = run.net.tip(&quorum) - first_tip;
    let elapsed = started.elapsed();
    println!(
        "partition (flapping link, ONEBOOK_SEED={seed}): node{flapper}'s link went down {flaps} \
         times in {:.1} s; the other three committed {blocks} blocks",
        elapsed.as_secs_f64()
    );
    assert!(
        Duration::from_secs(blocks) * QUORUM_SIDE_BLOCK_INTERVAL_MAX.as_secs() as u32 >= elapsed,
        "{blocks} blocks in {elapsed:?} while one link flapped"
    );
    run.heal_and_reach_tip();

    run.finish();
}

#[test]
fn n4_seeded_random_partition_schedules_never_fork_the_chain_slow() {
    let Some(mut run) = Run::start("random schedules") else { return };
    let seed = seed();
    let mut rng = Rng::new(seed);
    println!("partition (random schedules): ONEBOOK_SEED={seed}");

    for schedule in 0..10 {
        let node = usize::try_from(rng.below(VALIDATORS as u64)).unwrap();
        let others: Vec<usize> = ALL.into_iter().filter(|&other| other != node).collect();
        let split = match rng.below(4) {
            0 => Split::links_down(&[node]),
            1 => Split::groups(&[&others, &[node]]),
            2 => Split::groups(&[&[node, others[0]], &others[1..]]),
            _ => Split::links_down(&[node, others[0]]),
        };
        println!("partition (random schedules): schedule {schedule}: {split:?}");
        run.partition(&split, Duration::from_secs(5 + rng.below(11)));
        run.heal_and_reach_tip();
        run.observe(Duration::from_secs(rng.below(6)));
    }

    run.finish();
}

/// `ONEBOOK_SEED` if set, else one drawn from the clock (printed by the test, to replay it).
fn seed() -> u64 {
    std::env::var("ONEBOOK_SEED").ok().and_then(|seed| seed.parse().ok()).unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(1, |elapsed| elapsed.as_nanos() as u64)
    })
}

/// How a scenario cuts the validators apart.
#[derive(Clone, Debug)]
struct Split {
    /// The groups that can no longer reach each other; a node in no group keeps its links.
    groups: Vec<Vec<usize>>,
    /// Whether the cut is made by setting the links of every group but the first down (each
    /// such group is one node) rather than by nftables drops.
    by_link: bool,
}

impl Split {
    /// `nodes` each lose their data link; the rest keep talking.
    fn links_down(nodes: &[usize]) -> Self {
        let rest = ALL.into_iter().filter(|node| !nodes.contains(node)).collect();
        let mut groups = vec![rest];
        groups.extend(nodes.iter().map(|&node| vec![node]));
        Self { groups, by_link: true }
    }

    /// Packets between `groups` are dropped.
    fn groups(groups: &[&[usize]]) -> Self {
        Self { groups: groups.iter().map(|group| group.to_vec()).collect(), by_link: false }
    }

    fn apply(&self, net: &mut PartitionNet) {
        if self.by_link {
            for &node in self.groups[1..].iter().flatten() {
                net.net.link_down(node).unwrap();
            }
        } else {
            let groups: Vec<&[usize]> = self.groups.iter().map(Vec::as_slice).collect();
            net.net.cut(&groups).unwrap();
        }
    }

    /// The group holding more than two thirds of the validators, if one does.
    fn quorum_side(&self) -> Option<&[usize]> {
        self.groups.iter().find(|group| 3 * group.len() > 2 * VALIDATORS).map(Vec::as_slice)
    }

    /// The nodes outside the quorum side: they must commit nothing.
    fn stalled(&self) -> Vec<usize> {
        let quorum = self.quorum_side().unwrap_or_default();
        ALL.into_iter().filter(|node| !quorum.contains(node)).collect()
    }
}

/// What one partition measured.
#[derive(Debug)]
#[allow(dead_code, reason = "printed with Debug")]
struct Held {
    /// The quorum side's tip once the cut had settled (the highest tip when no side has one).
    settled_tip: u64,
    /// The quorum side's tip when the partition ended.
    end_tip: u64,
    /// How long the cut held after settling.
    held: Duration,
    /// The stalled nodes' heights once settled, which they kept.
    stalled_at: Vec<(usize, u64)>,
}

/// One scenario's network, oracle, load and figures.
struct Run {
    name: &'static str,
    net: PartitionNet,
    watch: ChainWatch,
    admins: Vec<SecretKey>,
    nonces: [u64; VALIDATORS],
    /// Every tx a node acknowledged, with that node.
    acknowledged: Vec<(usize, String)>,
    /// Heal-to-tip time of each partition.
    heals: Vec<Duration>,
    /// The split being held, if any.
    current: Option<Split>,
}

impl Run {
    /// Starts the validators in their namespaces and waits until each has committed height 3;
    /// `None` (after printing why) where partition tests cannot run.
    fn start(name: &'static str) -> Option<Self> {
        if let Some(reason) = NetnsNet::unavailable() {
            println!("partition ({name}): skipped: {reason}");
            return None;
        }
        let net =
            PartitionNet::start(crate::node_binary(), VALIDATORS, IDLE_BLOCK_INTERVAL).unwrap();
        let mut run = Self {
            name,
            watch: ChainWatch::new(VALIDATORS),
            net,
            admins: ADMINS.iter().map(|label| dev_secret(label)).collect(),
            nonces: [0; VALIDATORS],
            acknowledged: Vec::new(),
            heals: Vec::new(),
            current: None,
        };
        let deadline = Instant::now() + Duration::from_secs(120);
        while !run
            .watch
            .poll(&run.net.nodes)
            .iter()
            .all(|height| height.is_some_and(|height| height >= 3))
        {
            assert!(Instant::now() < deadline, "no height 3 on every node\n{}", run.logs());
            std::thread::sleep(POLL);
        }
        Some(run)
    }

    fn logs(&self) -> String {
        self.net.logs(&ALL, 20)
    }

    /// Polls the oracle for `duration`; the height samples.
    fn observe(&mut self, duration: Duration) -> Vec<(Instant, Vec<Option<u64>>)> {
        self.watch.observe(&self.net.nodes, duration, POLL)
    }

    /// Submits one tx of its own signer to each node in `nodes`, keeping the acknowledged ones.
    fn submit(&mut self, nodes: &[usize]) {
        for &node in nodes {
            let nonce = self.nonces[node] + 1;
            let tx = register_member(&self.admins[node], nonce, 10_000 * node as u64 + nonce);
            if let Ok((202, body)) = self.net.nodes[node].submit(&tx) {
                self.nonces[node] = nonce;
                self.acknowledged.push((node, body["tx_hash"].as_str().unwrap().to_owned()));
            }
        }
    }

    /// Makes the cut, lets it settle, holds it for `hold` while txs go to every node, and
    /// checks that the quorum side (if any) keeps committing and the other nodes commit nothing.
    fn partition(&mut self, split: &Split, hold: Duration) -> Held {
        let quorum = split.quorum_side().map(<[usize]>::to_vec);
        let stalled = split.stalled();
        split.apply(&mut self.net);
        self.current = Some(split.clone());
        self.submit(&ALL);
        self.observe(SETTLE);
        let stalled_at: Vec<(usize, u64)> = stalled
            .iter()
            .map(|&node| {
                (node, self.net.nodes[node].height().expect("a cut-off node's API answers"))
            })
            .collect();
        let settled_tip = self.net.tip(quorum.as_deref().unwrap_or(&ALL));
        let started = Instant::now();

        let mut samples = Vec::new();
        while started.elapsed() < hold {
            self.submit(&ALL);
            samples.extend(self.observe(Duration::from_secs(1)));
        }

        let held = started.elapsed();
        for (at, heights) in &samples {
            for &(node, height) in &stalled_at {
                assert!(
                    heights[node].is_none_or(|seen| seen == height),
                    "{}: node{node}, on a side without a quorum, went from height {height} to \
                     {:?} {:.1} s into the cut\n{}",
                    self.name,
                    heights[node],
                    at.duration_since(started).as_secs_f64(),
                    self.logs()
                );
            }
        }
        let end_tip = self.net.tip(quorum.as_deref().unwrap_or(&ALL));
        let figures = Held { settled_tip, end_tip, held, stalled_at };
        let blocks = end_tip - settled_tip;
        println!(
            "partition ({}): {split:?} held {:.1} s after settling: the quorum side {:?} \
             committed {blocks} blocks ({:.2} blocks/s); stalled nodes at {:?}",
            self.name,
            held.as_secs_f64(),
            quorum,
            blocks as f64 / held.as_secs_f64(),
            figures.stalled_at
        );
        if quorum.is_some() {
            assert!(
                Duration::from_secs(blocks) * QUORUM_SIDE_BLOCK_INTERVAL_MAX.as_secs() as u32
                    >= held,
                "{}: the quorum side committed {blocks} blocks in {held:?}\n{}",
                self.name,
                self.logs()
            );
        } else {
            assert_eq!(blocks, 0, "{}: a side without a quorum committed", self.name);
        }
        figures
    }

    /// Heals every cut and link and waits until every node is at the tip: the height the quorum
    /// side holds or, when no side had a quorum, a height past the tip at healing. Asserts it took at most [`HEAL_TO_TIP_MAX`].
    fn heal_and_reach_tip(&mut self) -> Duration {
        let quorum =
            self.current.take().and_then(|split| split.quorum_side().map(<[usize]>::to_vec));
        // Without a quorum side, every node sat at the same frozen tip: the chain must move.
        let must_move = quorum.is_none();
        let reference = quorum.unwrap_or_else(|| ALL.to_vec());
        let tip_at_heal = self.net.tip(&ALL);
        self.net.net.heal().unwrap();
        let healed = Instant::now();
        loop {
            let tip = self.net.tip(&reference);
            let heights = self.net.heights(&ALL);
            if (tip > tip_at_heal || !must_move)
                && heights.iter().all(|height| height.is_some_and(|h| h >= tip))
            {
                break;
            }
            assert!(
                healed.elapsed() < 2 * HEAL_TO_TIP_MAX,
                "{}: {:?} after healing, heights {heights:?}, tip {tip}\n{}",
                self.name,
                healed.elapsed(),
                self.logs()
            );
            self.watch.poll(&self.net.nodes);
            std::thread::sleep(Duration::from_millis(100));
        }
        let took = healed.elapsed();
        println!(
            "partition ({}): healed at tip {tip_at_heal}; every node at the tip {:.1} s later",
            self.name,
            took.as_secs_f64()
        );
        assert!(took <= HEAL_TO_TIP_MAX, "{}: {took:?} from healing to the tip", self.name);
        self.heals.push(took);
        took
    }

    /// The proposer key of round 0 at each height residue mod 4, learned from blocks decided in
    /// round 0 (waiting for more blocks until every residue is seen).
    fn proposer_by_residue(&mut self) -> Vec<String> {
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            let tip = self.watch.poll(&self.net.nodes).into_iter().flatten().min().unwrap_or(0);
            let mut proposers = vec![None; VALIDATORS];
            for height in 1..=tip {
                if let Some(block) = self.watch.block(height).filter(|block| block.round == 0) {
                    proposers[usize::try_from(height % VALIDATORS as u64).unwrap()] =
                        Some(block.proposer.clone());
                }
            }
            if proposers.iter().all(Option::is_some) {
                return proposers.into_iter().flatten().collect();
            }
            assert!(Instant::now() < deadline, "not every proposer seen in round 0: {proposers:?}");
            std::thread::sleep(Duration::from_secs(1));
        }
    }

    /// Checks every acknowledged tx is committed on every node, reads every node's blocks once
    /// more, asserts no safety violation and prints the figures.
    fn finish(mut self) {
        let deadline = Instant::now() + Duration::from_secs(60);
        for (submitted_to, hash) in &self.acknowledged {
            for node in ALL {
                loop {
                    let (status, receipt) =
                        self.net.nodes[node].get(&format!("/v1/txs/{hash}")).unwrap();
                    if status == 200 && receipt["status"] == "committed" {
                        assert_eq!(receipt["code"], 0, "{hash} (to node{submitted_to}): {receipt}");
                        break;
                    }
                    assert!(
                        Instant::now() < deadline,
                        "{}: tx {hash}, acknowledged by node{submitted_to}, is not committed on \
                         node{node}: {status} {receipt}",
                        self.name
                    );
                    std::thread::sleep(Duration::from_millis(200));
                }
            }
        }
        self.watch.poll(&self.net.nodes);
        println!(
            "partition ({}): {} heights, {} block reads compared, {} safety violations, {} txs \
             acknowledged and committed on every node, heal-to-tip {:?}",
            self.name,
            self.watch.heights_seen(),
            self.watch.compared(),
            self.watch.violations().len(),
            self.acknowledged.len(),
            self.heals
                .iter()
                .map(|took| format!("{:.1} s", took.as_secs_f64()))
                .collect::<Vec<_>>()
        );
        assert!(
            self.watch.violations().is_empty(),
            "{}: safety violations:\n{}",
            self.name,
            self.watch.violations().join("\n")
        );
    }
}
