//! Child process for the crash test: commits synthetic blocks into a RocksDB store forever (or up
//! to a height) and prints `committed <height> <block_hash>` after each commit returns. The parent
//! kills it with SIGKILL at random moments.

use std::io::Write;

use onebook_storage::{Store, StoreConfig};
use onebook_tests::synthetic;
use onebook_types::ids::Height;

fn main() -> eyre::Result<()> {
    let mut args = std::env::args().skip(1);
    let dir =
        args.next().ok_or_else(|| eyre::eyre!("usage: onebook-crash-writer DIR [MAX_HEIGHT]"))?;
    let max_height: u64 = args.next().map(|s| s.parse()).transpose()?.unwrap_or(u64::MAX);
    let store = Store::open(&StoreConfig::new(dir))?;
    store.init_genesis(synthetic::genesis_hash(), synthetic::genesis_records())?;
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "ready {}", store.tip()?.height)?;
    stdout.flush()?;
    while store.tip()?.height < Height(max_height) {
        let tip = synthetic::commit_next(&store, CRASH_TXS_PER_BLOCK, CRASH_SIGNERS)?;
        writeln!(stdout, "committed {} {}", tip.height, tip.block_hash)?;
        stdout.flush()?;
    }
    Ok(())
}

/// Transactions per synthetic block in the crash test.
const CRASH_TXS_PER_BLOCK: u64 = 20;
/// Distinct signers in the crash test.
const CRASH_SIGNERS: u64 = 16;
