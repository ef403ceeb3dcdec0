//! `onebook keys`: generate, show, encrypt or decrypt the key files in the home's `keys/`.

use clap::Subcommand;
use eyre::bail;
use onebook_genesis::dev_secret_in;
use onebook_types::suite::Suite;

use crate::{Home, KeyProtection, StoredKey};

/// Generate, show, encrypt or decrypt keys.
#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Generate a key of the home genesis's suite (`ed25519-blake3` or `sm2-sm3`) and write it
    /// to keys/<name>.key (mode 0600); prints the public key. The file is sealed under a
    /// passphrase unless the home's genesis is `dev_only`.
    Generate {
        /// The key file's name, e.g. `node` or `clerk`.
        #[arg(long, default_value = "member")]
        name: String,
        /// Derive the key from a public dev label instead (development networks only).
        #[arg(long)]
        dev_label: Option<String>,
        /// Seal the file under a passphrase even on a `dev_only` network.
        #[arg(long)]
        encrypt: bool,
        /// Make a key of this suite instead of the genesis's: `ed25519-blake3` for the libp2p
        /// transport key (`[node] network_key`) of a node of an `sm2-sm3` chain.
        #[arg(long)]
        suite: Option<Suite>,
    },
    /// Print the public key of keys/<name>.key (no passphrase needed), and on stderr whether the
    /// file is encrypted.
    Show {
        /// The key file's name.
        #[arg(long, default_value = "member")]
        name: String,
        /// Read the key in this suite instead of the genesis's (a transport key: `ed25519-blake3`).
        #[arg(long)]
        suite: Option<Suite>,
    },
    /// Seal a plain key file under a new passphrase, in place.
    Encrypt {
        /// The key file's name.
        #[arg(long, default_value = "member")]
        name: String,
    },
    /// Write an encrypted key file back as plain hex, in place. Plain key files load on
    /// `dev_only` networks only.
    Decrypt {
        /// The key file's name.
        #[arg(long, default_value = "member")]
        name: String,
    },
}

impl KeysCommand {
    /// Runs the command.
    pub fn execute(self, home: &Home) -> eyre::Result<()> {
        match self {
            Self::Generate { name, dev_label, encrypt, suite } => {
                let suite = suite.unwrap_or_else(|| home.suite());
                let key = match dev_label {
                    Some(label) => dev_secret_in(suite, &label),
                    None => super::init::random_key(suite)?,
                };
                let protection =
                    if encrypt { KeyProtection::Encrypted } else { home.default_protection() };
                let path = home.write_key(&name, &key, protection)?;
                println!("{}", key.public_key());
                eprintln!("wrote {} ({}; {suite} key)", path.display(), describe(protection));
            }
            Self::Show { name, suite } => {
                let suite = suite.unwrap_or_else(|| home.suite());
                let (public_key, protection) = match home.read_key_file_in(&name, suite)? {
                    StoredKey::Plain(key) => (key.public_key(), KeyProtection::Plain),
                    StoredKey::Encrypted(sealed) => (sealed.public_key(), KeyProtection::Encrypted),
                };
                println!("{public_key}");
                eprintln!("{} is {}", home.key_path(&name).display(), describe(protection));
            }
            Self::Encrypt { name } => {
                let StoredKey::Plain(key) = home.read_key_file(&name)? else {
                    bail!("{} is already encrypted", home.key_path(&name).display());
                };
                let path = home.rewrite_key(&name, &key, KeyProtection::Encrypted)?;
                eprintln!("encrypted {}", path.display());
            }
            Self::Decrypt { name } => {
                let StoredKey::Encrypted(sealed) = home.read_key_file(&name)? else {
                    bail!("{} is not encrypted", home.key_path(&name).display());
                };
                let key = home.open_key(&name, &sealed)?;
                let path = home.rewrite_key(&name, &key, KeyProtection::Plain)?;
                eprintln!(
                    "decrypted {}: plain key files load on dev_only networks only",
                    path.display()
                );
            }
        }
        Ok(())
    }
}

fn describe(protection: KeyProtection) -> &'static str {
    match protection {
        KeyProtection::Plain => "plain: loads on dev_only networks only",
        KeyProtection::Encrypted => "encrypted: Argon2id and XChaCha20-Poly1305",
    }
}
