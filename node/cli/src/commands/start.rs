//! `onebook start`: open the ledger and run the node until interrupted.

use clap::Args;

use crate::Home;

/// Open the ledger (writing the genesis state on first start), check its state root, and run
/// until Ctrl-C or SIGTERM. Consensus, the mempool and the REST API join this command as they land.
#[derive(Debug, Args)]
pub struct StartCommand {}

impl StartCommand {
    /// Runs the command.
    pub fn execute(self, home: &Home, overrides: &[String]) -> eyre::Result<()> {
        let config = super::load_config(home, overrides)?;
        let node_key = home.read_key(&config.node.node_key)?;
        let (store, genesis) = super::open_store(home, &config)?;
        let tip = store.tip()?;
        let role = if genesis.validator_set().get(&node_key.public_key()).is_some() {
            "validator"
        } else {
            "observer"
        };
        tracing::info!(
            moniker = %config.node.moniker,
            chain_id = %genesis.chain_id,
            genesis = %genesis.hash(),
            height = tip.height.0,
            state_root = %tip.state_root,
            node_key = %node_key.public_key(),
            role,
            "node started"
        );
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
        runtime.block_on(shutdown_signal())?;
        tracing::info!(height = store.tip()?.height.0, "node stopped");
        Ok(())
    }
}

async fn shutdown_signal() -> eyre::Result<()> {
    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    tokio::select! {
        result = tokio::signal::ctrl_c() => result?,
        _ = terminate.recv() => {}
    }
    Ok(())
}
