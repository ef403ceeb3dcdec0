//! `onebook demo seed`: fill a running development network with demo data through its API.

use std::time::Duration;

use clap::{Args, Subcommand};

/// Demo data for a development network.
#[derive(Debug, Subcommand)]
pub enum DemoCommand {
    /// Fill a running devnet of the embedded development network with realistic data, through
    /// the REST API only.
    ///
    /// Orgs across levels (the genesis ones and, by governance, the Siming district bodies and a
    /// data company), fifty catalog entries in every stage (some with a second version),
    /// resources, share requests in every state with their grants, accesses including uncovered
    /// ones (violations), quality reports with answers and rulings, and data-property
    /// applications through public notice, objections, certificates, a transfer and a licence;
    /// then, after governance upgrades the protocol to version 3, an open-data plan, development
    /// scenarios, a development grant with products and a product's certificate, a grant passed
    /// on from the province to the city and the district and revoked, and close-outs on time,
    /// late and overdue. Each action is signed with the public dev key of the member a clerk would use.
    ///
    /// Certificates need the public notice to end: the seed shortens it to one day by
    /// governance, waits for block time to pass it (at most --notice-wait), and restores it; the
    /// late close-out likewise waits for its one working day to pass.
    /// A day passes in minutes only on a devnet whose clock runs faster than the wall clock
    /// (`onebook testnet --clock-rate 1440`, or `ONEBOOK_DEVNET_CLOCK_RATE=1440
    /// scripts/devnet.sh`); on a wall-clock devnet the certificates are skipped, and the summary
    /// says so. Running the seed again adds another round with fresh codes and skips what
    /// exists once (orgs, members, the added legal basis).
    Seed(SeedCommand),
}

/// `onebook demo seed`.
#[derive(Debug, Args)]
pub struct SeedCommand {
    /// The node's API, `host:port`.
    #[arg(long, default_value = "127.0.0.1:26600")]
    node: String,
    /// The longest wait, in seconds, for the one-day public notice to end.
    #[arg(long, default_value_t = 180)]
    notice_wait: u64,
}

impl DemoCommand {
    /// Runs the command.
    pub fn execute(self) -> eyre::Result<()> {
        match self {
            Self::Seed(command) => {
                let options = crate::demo::SeedOptions {
                    notice_wait: Duration::from_secs(command.notice_wait),
                };
                let summary = crate::demo::seed_with(&command.node, &options)?;
                println!("{summary}");
                Ok(())
            }
        }
    }
}
