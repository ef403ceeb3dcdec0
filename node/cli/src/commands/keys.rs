//! `onebook keys`: generate or show keys in the home's `keys/` directory.

use clap::Subcommand;
use onebook_genesis::dev_secret;

use crate::Home;

/// Generate or show keys.
#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Generate a key and write it to keys/<name>.key (mode 0600); prints the public key.
    Generate {
        /// The key file's name, e.g. `node` or `clerk`.
        #[arg(long, default_value = "member")]
        name: String,
        /// Derive the key from a public dev label instead (development networks only).
        #[arg(long)]
        dev_label: Option<String>,
    },
    /// Print the public key of keys/<name>.key.
    Show {
        /// The key file's name.
        #[arg(long, default_value = "member")]
        name: String,
    },
}

impl KeysCommand {
    /// Runs the command.
    pub fn execute(self, home: &Home) -> eyre::Result<()> {
        match self {
            Self::Generate { name, dev_label } => {
                let key = match dev_label {
                    Some(label) => dev_secret(&label),
                    None => super::init::random_key()?,
                };
                let path = home.write_key(&name, &key)?;
                println!("{}", key.public_key());
                eprintln!("wrote {}", path.display());
            }
            Self::Show { name } => println!("{}", home.read_key(&name)?.public_key()),
        }
        Ok(())
    }
}
