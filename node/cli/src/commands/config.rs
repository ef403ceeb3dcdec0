//! `onebook config`: show the effective configuration.

use clap::Subcommand;

use crate::Home;

/// Show the effective configuration.
#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print the configuration after every layer (defaults, file, environment, flags) as TOML.
    Show,
}

impl ConfigCommand {
    /// Runs the command.
    pub fn execute(self, home: &Home, overrides: &[String]) -> eyre::Result<()> {
        match self {
            Self::Show => print!("{}", super::load_config(home, overrides)?.to_toml()),
        }
        Ok(())
    }
}
