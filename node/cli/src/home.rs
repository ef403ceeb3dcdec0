//! The node home directory: `config.toml`, `genesis.json`, `keys/` (mode 0600) and `data/`
//! (`[storage] data_dir`).

use std::{
    fs,
    io::Write,
    os::unix::fs::{OpenOptionsExt, PermissionsExt},
    path::{Path, PathBuf},
};

use eyre::{WrapErr, bail};
use onebook_genesis::GenesisFile;
use onebook_types::keys::SecretKey;
use onebook_types::suite::Suite;
use zeroize::Zeroizing;

use crate::keyfile::{self, EncryptedKey, KdfParams, Passphrase};

/// A node home directory.
#[derive(Clone, Debug)]
pub struct Home {
    root: PathBuf,
    passphrase: Passphrase,
}

/// How a key file is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyProtection {
    /// The seed in hex: loads on a `dev_only` network only.
    Plain,
    /// Sealed under a passphrase (`keyfile.rs`).
    Encrypted,
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
        Ok(Self { root, passphrase: Passphrase::default() })
    }

    /// The same home, reading key passphrases from `passphrase`.
    pub fn with_passphrase(mut self, passphrase: Passphrase) -> Self {
        self.passphrase = passphrase;
        self
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

    /// `keys/<name>.key`.
    pub fn key_path(&self, name: &str) -> PathBuf {
        self.root.join("keys").join(format!("{name}.key"))
    }

    /// The cryptographic suite key files are read in: the home genesis's, or the default suite
    /// where the home has no readable genesis yet.
    pub fn suite(&self) -> Suite {
        self.genesis().map(|genesis| genesis.suite).unwrap_or_default()
    }

    /// Reads and validates the home's genesis file.
    pub fn genesis(&self) -> eyre::Result<GenesisFile> {
        read_genesis(&self.genesis_path())
    }

    /// How new keys of this home are written: plain on a `dev_only` network, else encrypted.
    pub fn default_protection(&self) -> KeyProtection {
        match self.genesis() {
            Ok(genesis) if genesis.dev_only => KeyProtection::Plain,
            _ => KeyProtection::Encrypted,
        }
    }

    /// Writes a secret key, readable by the owner only, sealed under a new passphrase when
    /// `protection` asks. Refuses to overwrite.
    pub fn write_key(
        &self,
        name: &str,
        key: &SecretKey,
        protection: KeyProtection,
    ) -> eyre::Result<PathBuf> {
        if self.key_path(name).exists() {
            bail!(
                "key file {} already exists; it is never overwritten",
                self.key_path(name).display()
            );
        }
        self.place_key(name, key, protection, false)
    }

    /// Rewrites an existing key file with `protection`, atomically: the old file stays whole
    /// until the new one is complete.
    pub fn rewrite_key(
        &self,
        name: &str,
        key: &SecretKey,
        protection: KeyProtection,
    ) -> eyre::Result<PathBuf> {
        self.place_key(name, key, protection, true)
    }

    fn place_key(
        &self,
        name: &str,
        key: &SecretKey,
        protection: KeyProtection,
        replace: bool,
    ) -> eyre::Result<PathBuf> {
        let path = self.key_path(name);
        let bytes = self.key_bytes(name, key, protection)?;
        write_private(&path, &bytes, replace)?;
        Ok(path)
    }

    /// Reads a secret key written by [`Home::write_key`], refusing a file others can read. An
    /// encrypted file is opened with the home's passphrase; a plain one loads only when the
    /// home's genesis is `dev_only`, with a warning.
    pub fn read_key(&self, name: &str) -> eyre::Result<SecretKey> {
        self.read_key_in(name, self.suite())
    }

    /// [`Home::read_key`] for a key of `suite` rather than the genesis suite: a node's libp2p
    /// transport key, which is ed25519 in every suite (ADR 0026).
    pub fn read_key_in(&self, name: &str, suite: Suite) -> eyre::Result<SecretKey> {
        match self.read_key_file_in(name, suite)? {
            StoredKey::Encrypted(sealed) => self.open_key_in(name, &sealed, suite),
            StoredKey::Plain(key) => {
                let path = self.key_path(name);
                match self.genesis() {
                    Ok(genesis) if genesis.dev_only => {
                        tracing::warn!(
                            key = %path.display(),
                            "plain key file: accepted on this dev_only network only; encrypt it \
                             with `onebook keys encrypt`"
                        );
                        Ok(key)
                    }
                    _ => bail!(
                        "key file {} is not encrypted, and plain key files load on dev_only \
                         networks only; encrypt it with `onebook keys encrypt --name {name}`",
                        path.display()
                    ),
                }
            }
        }
    }

    /// The key file as stored: plain, or still sealed.
    pub fn read_key_file(&self, name: &str) -> eyre::Result<StoredKey> {
        self.read_key_file_in(name, self.suite())
    }

    /// [`Home::read_key_file`] for a key of `suite`.
    pub fn read_key_file_in(&self, name: &str, suite: Suite) -> eyre::Result<StoredKey> {
        let path = self.key_path(name);
        let mode = fs::metadata(&path)
            .wrap_err_with(|| format!("reading key file {}", path.display()))?
            .permissions()
            .mode();
        if mode & 0o077 != 0 {
            bail!("key file {} has mode {:o}; it must be 0600", path.display(), mode & 0o777);
        }
        let bytes = Zeroizing::new(
            fs::read(&path).wrap_err_with(|| format!("reading key file {}", path.display()))?,
        );
        if keyfile::is_encrypted(&bytes) {
            let sealed = EncryptedKey::decode(&bytes)
                .wrap_err_with(|| format!("key file {}", path.display()))?;
            return Ok(StoredKey::Encrypted(sealed));
        }
        let text = std::str::from_utf8(&bytes).unwrap_or_default();
        let mut seed = Zeroizing::new([0u8; 32]);
        hex::decode_to_slice(text.trim(), seed.as_mut_slice()).map_err(|_| {
            eyre::eyre!(
                "key file {} holds neither 64 hex characters nor an encrypted key",
                path.display()
            )
        })?;
        let key = SecretKey::from_seed_in(suite, *seed).map_err(|_| {
            eyre::eyre!("key file {} holds no key of the {suite} suite", path.display())
        })?;
        Ok(StoredKey::Plain(key))
    }

    /// Opens a sealed key with the home's passphrase.
    pub fn open_key(&self, name: &str, sealed: &EncryptedKey) -> eyre::Result<SecretKey> {
        self.open_key_in(name, sealed, self.suite())
    }

    /// [`Home::open_key`] for a key of `suite`.
    pub fn open_key_in(
        &self,
        name: &str,
        sealed: &EncryptedKey,
        suite: Suite,
    ) -> eyre::Result<SecretKey> {
        let path = self.key_path(name);
        let passphrase = self.passphrase.get(&format!("key {name}"))?;
        sealed
            .open_in(suite, passphrase.as_bytes())
            .wrap_err_with(|| format!("key file {}", path.display()))
    }

    fn key_bytes(
        &self,
        name: &str,
        key: &SecretKey,
        protection: KeyProtection,
    ) -> eyre::Result<Zeroizing<Vec<u8>>> {
        Ok(Zeroizing::new(match protection {
            KeyProtection::Plain => format!("{}\n", hex::encode(key.seed())).into_bytes(),
            KeyProtection::Encrypted => {
                let passphrase = self.passphrase.new_passphrase(&format!("key {name}"))?;
                EncryptedKey::seal(key, passphrase.as_bytes(), KdfParams::DEFAULT)?.encode()
            }
        }))
    }
}

/// A key file as stored.
#[derive(Debug)]
pub enum StoredKey {
    /// The seed in hex.
    Plain(SecretKey),
    /// Sealed under a passphrase.
    Encrypted(EncryptedKey),
}

/// Writes `bytes` to `path` with mode 0600 through a temporary file that is synced and renamed
/// into place, so a crash leaves the old file or the new one, never a part. Without `replace`,
/// an existing file is an error.
fn write_private(path: &Path, bytes: &[u8], replace: bool) -> eyre::Result<()> {
    let dir = path.parent().expect("a key path has a parent");
    fs::create_dir_all(dir).wrap_err_with(|| format!("creating {}", dir.display()))?;
    fs::set_permissions(dir, fs::Permissions::from_mode(0o700))?;
    let file_name = path.file_name().and_then(|name| name.to_str()).unwrap_or("key");
    let temporary = dir.join(format!(".{file_name}.tmp"));
    let _ = fs::remove_file(&temporary);
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&temporary)
        .wrap_err_with(|| format!("creating {}", temporary.display()))?;
    file.write_all(bytes)?;
    file.sync_all()?;
    drop(file);
    let placed = if replace {
        fs::rename(&temporary, path)
    } else {
        // A hard link fails if the name exists, so no key is ever overwritten.
        fs::hard_link(&temporary, path).and_then(|()| fs::remove_file(&temporary))
    };
    if let Err(error) = placed {
        let _ = fs::remove_file(&temporary);
        return Err(error).wrap_err_with(|| format!("writing key file {}", path.display()));
    }
    fs::File::open(dir)?.sync_all()?;
    Ok(())
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

    /// A home at `dir` with the dev genesis, made `dev_only: false` (and without dev labels)
    /// when `dev_only` is false, reading passphrases from `passphrase_file` if given.
    fn home_with(dir: &Path, dev_only: bool, passphrase_file: Option<PathBuf>) -> Home {
        let mut genesis =
            GenesisFile::from_json_validated(crate::commands::DEV_GENESIS.as_bytes()).unwrap();
        if !dev_only {
            genesis.dev_only = false;
            genesis.members.iter_mut().for_each(|member| member.dev_label = None);
        }
        fs::write(dir.join("genesis.json"), genesis.to_json_pretty()).unwrap();
        Home::new(Some(dir.to_owned()))
            .unwrap()
            .with_passphrase(Passphrase::new(None, passphrase_file))
    }

    #[test]
    fn key_files_are_private_and_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let home = home_with(dir.path(), true, None);
        let key = SecretKey::from_seed([5; 32]);

        let path = home.write_key("node", &key, KeyProtection::Plain).unwrap();

        assert_eq!(fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        assert_eq!(home.read_key("node").unwrap().public_key(), key.public_key());
        let again = home.write_key("node", &key, KeyProtection::Plain);
        assert!(again.is_err(), "an existing key is never overwritten");
    }

    #[test]
    fn a_key_file_others_can_read_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let home = home_with(dir.path(), true, None);
        let key = SecretKey::from_seed([6; 32]);
        let path = home.write_key("member", &key, KeyProtection::Plain).unwrap();

        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();

        assert!(home.read_key("member").is_err());
    }

    #[test]
    fn a_plain_key_file_loads_on_a_dev_network_only() {
        let dev = tempfile::tempdir().unwrap();
        let production = tempfile::tempdir().unwrap();
        let key = SecretKey::from_seed([4; 32]);
        let dev_home = home_with(dev.path(), true, None);
        let production_home = home_with(production.path(), false, None);
        dev_home.write_key("node", &key, KeyProtection::Plain).unwrap();
        production_home.write_key("node", &key, KeyProtection::Plain).unwrap();

        let on_dev = dev_home.read_key("node");
        let refused = production_home.read_key("node").unwrap_err();

        assert_eq!(on_dev.unwrap().public_key(), key.public_key());
        assert!(refused.to_string().contains("onebook keys encrypt --name node"), "{refused}");
    }

    /// The acceptance test for keys at rest, with the real Argon2id costs.
    #[test]
    fn an_encrypted_key_file_opens_with_its_passphrase_only_and_holds_no_key_material() {
        let dir = tempfile::tempdir().unwrap();
        let right = dir.path().join("right");
        let wrong = dir.path().join("wrong");
        fs::write(&right, "tiger lily 42\n").unwrap();
        fs::write(&wrong, "tiger lily 43\n").unwrap();
        let home_dir = dir.path().join("home");
        fs::create_dir(&home_dir).unwrap();
        let home = home_with(&home_dir, false, Some(right));
        let key = SecretKey::from_seed(*b"0123456789abcdef seed of a node!");

        let path = home.write_key("node", &key, home.default_protection()).unwrap();
        let bytes = fs::read(&path).unwrap();
        let opened = home.read_key("node").unwrap();
        let with_wrong = home_with(&home_dir, false, Some(wrong)).read_key("node").unwrap_err();

        assert_eq!(opened.public_key(), key.public_key());
        assert!(format!("{with_wrong:#}").contains("passphrase is wrong"), "{with_wrong:#}");
        assert_eq!(bytes.len(), keyfile::KEY_FILE_BYTES);
        assert_eq!(&bytes[..4], b"OBKE");
        let seed = key.seed();
        let hex_seed = hex::encode(seed);
        let text = String::from_utf8_lossy(&bytes).to_lowercase();
        for window in seed.windows(6) {
            assert!(!bytes.windows(6).any(|w| w == window), "seed bytes in the file");
        }
        for window in hex_seed.as_bytes().windows(12) {
            let window = std::str::from_utf8(window).unwrap();
            assert!(!text.contains(window), "seed hex in the file");
        }
        let passphrase = b"tiger lily";
        assert!(
            !bytes.windows(passphrase.len()).any(|w| w == passphrase),
            "passphrase in the file"
        );
    }
}
