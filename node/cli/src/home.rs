//! The node home directory: `config.toml`, `genesis.json`, `keys/` (mode 0600) and `data/`.

use std::{
    fs,
    io::Write,
    os::unix::fs::{OpenOptionsExt, PermissionsExt},
    path::{Path, PathBuf},
};

use eyre::{WrapErr, bail};
use onebook_genesis::GenesisFile;
use onebook_types::keys::SecretKey;

/// A node home directory.
#[derive(Clone, Debug)]
pub struct Home {
    root: PathBuf,
}

impl Home {
    /// The home at `root`, or `~/.onebook`.
    pub fn new(root: Option<PathBuf>) -> eyre::Result<Self> {
        let root = match root {
            Some(root) => root,
            None => {
                let Some(user_home) = std::env::var_os("HOME") else {
                    bail!("--home was not given and $HOME is not set");
                };
                PathBuf::from(user_home).join(".onebook")
            }
        };
        Ok(Self { root })
    }

    /// The directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// `config.toml`.
    pub fn config_path(&self) -> PathBuf {
        self.root.join("config.toml")
    }

    /// `genesis.json`.
    pub fn genesis_path(&self) -> PathBuf {
        self.root.join("genesis.json")
    }

    /// `data/`, the database.
    pub fn data_path(&self) -> PathBuf {
        self.root.join("data")
    }

    /// `keys/<name>.key`.
    pub fn key_path(&self, name: &str) -> PathBuf {
        self.root.join("keys").join(format!("{name}.key"))
    }

    /// Reads and validates the home's genesis file.
    pub fn genesis(&self) -> eyre::Result<GenesisFile> {
        read_genesis(&self.genesis_path())
    }

    /// Writes a secret key as hex, readable by the owner only. Refuses to overwrite.
    pub fn write_key(&self, name: &str, key: &SecretKey) -> eyre::Result<PathBuf> {
        let path = self.key_path(name);
        let dir = path.parent().expect("a key path has a parent");
        fs::create_dir_all(dir).wrap_err_with(|| format!("creating {}", dir.display()))?;
        fs::set_permissions(dir, fs::Permissions::from_mode(0o700))?;
        let mut file = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&path)
            .wrap_err_with(|| {
                format!("creating key file {} (it must not exist)", path.display())
            })?;
        writeln!(file, "{}", hex::encode(key.seed()))?;
        Ok(path)
    }

    /// Reads a secret key written by [`Home::write_key`], refusing a file others can read.
    pub fn read_key(&self, name: &str) -> eyre::Result<SecretKey> {
        let path = self.key_path(name);
        let mode = fs::metadata(&path)
            .wrap_err_with(|| format!("reading key file {}", path.display()))?
            .permissions()
            .mode();
        if mode & 0o077 != 0 {
            bail!("key file {} has mode {:o}; it must be 0600", path.display(), mode & 0o777);
        }
        let text = fs::read_to_string(&path)?;
        let mut seed = [0u8; 32];
        hex::decode_to_slice(text.trim(), &mut seed).wrap_err_with(|| {
            format!("key file {} does not hold 64 hex characters", path.display())
        })?;
        Ok(SecretKey::from_seed(seed))
    }
}

/// Reads, parses and validates a genesis file, with every problem in the error.
pub(crate) fn read_genesis(path: &Path) -> eyre::Result<GenesisFile> {
    let bytes = fs::read(path).wrap_err_with(|| format!("reading genesis {}", path.display()))?;
    GenesisFile::from_json_validated(&bytes)
        .wrap_err_with(|| format!("genesis {} is not valid", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_files_are_private_and_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let home = Home::new(Some(dir.path().to_owned())).unwrap();
        let key = SecretKey::from_seed([5; 32]);

        let path = home.write_key("node", &key).unwrap();

        assert_eq!(fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        assert_eq!(home.read_key("node").unwrap().public_key(), key.public_key());
        assert!(home.write_key("node", &key).is_err(), "an existing key is never overwritten");
    }

    #[test]
    fn a_key_file_others_can_read_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let home = Home::new(Some(dir.path().to_owned())).unwrap();
        let path = home.write_key("member", &SecretKey::from_seed([6; 32])).unwrap();

        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();

        assert!(home.read_key("member").is_err());
    }
}
