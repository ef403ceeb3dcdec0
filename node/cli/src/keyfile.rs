//! Key files at rest: a secret key sealed under a passphrase, and where the passphrase comes from.
//!
//! An encrypted key file is 138 bytes of borsh (`docs/formats.md`, "Encrypted key files"): the
//! magic `OBKE`, a version, the public key in the clear (so `onebook keys show` needs no
//! passphrase), the Argon2id parameters and salt, an XChaCha20-Poly1305 nonce, and the 32-byte
//! seed encrypted and authenticated under the key Argon2id derives from the passphrase, with
//! every byte before the ciphertext as associated data. A wrong passphrase, or any changed byte,
//! fails the Poly1305 tag. Secrets (the seed, the derived key, the passphrase) live in
//! [`Zeroizing`] buffers and are wiped when dropped.
//!
//! A plain key file is the seed in hex on one line, as earlier releases wrote; the home accepts
//! it on a `dev_only` network only (`home.rs`).

use std::{
    io::{BufRead, BufReader, IsTerminal},
    path::PathBuf,
    sync::{Arc, Mutex},
};

use argon2::{Algorithm, Argon2, Params, Version};
use borsh::{BorshDeserialize, BorshSerialize};
use chacha20poly1305::{
    KeyInit, XChaCha20Poly1305, XNonce,
    aead::{Aead, Payload},
};
use eyre::{bail, eyre};
use onebook_types::{
    keys::{PublicKey, SecretKey},
    suite::Suite,
};
use zeroize::Zeroizing;

/// The four bytes an encrypted key file starts with: ASCII `OBKE` ("Onebook key, encrypted").
pub const KEY_FILE_MAGIC: [u8; 4] = *b"OBKE";
/// The layout version this build writes and reads.
pub const KEY_FILE_VERSION: u16 = 1;
/// The size of an encrypted key file of version 1.
pub const KEY_FILE_BYTES: usize = 138;
/// The environment variable that may hold the passphrase itself.
pub const PASSPHRASE_ENV: &str = "ONEBOOK_KEY_PASSPHRASE";
/// The fewest characters a new passphrase may have.
pub const PASSPHRASE_CHARS_MIN: usize = 8;

/// Argon2id cost parameters, as stored in the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct KdfParams {
    /// Memory in KiB.
    pub memory_kib: u32,
    /// Passes over the memory.
    pub iterations: u32,
    /// Lanes.
    pub parallelism: u32,
}

impl KdfParams {
    /// What new files use: 64 MiB, three passes, four lanes (RFC 9106, section 4, the second
    /// recommended option, for machines where 2 GiB per derivation is too much).
    pub const DEFAULT: Self = Self { memory_kib: 64 * 1024, iterations: 3, parallelism: 4 };
    /// The most memory a file may ask for, so a crafted file cannot exhaust the machine.
    pub const MEMORY_KIB_MAX: u32 = 4 * 1024 * 1024;
    /// The most passes a file may ask for.
    pub const ITERATIONS_MAX: u32 = 64;

    fn argon2(self) -> eyre::Result<Argon2<'static>> {
        if self.memory_kib > Self::MEMORY_KIB_MAX || self.iterations > Self::ITERATIONS_MAX {
            bail!(
                "the key file asks Argon2id for {} KiB and {} passes; at most {} KiB and {} \
                 passes are allowed",
                self.memory_kib,
                self.iterations,
                Self::MEMORY_KIB_MAX,
                Self::ITERATIONS_MAX
            );
        }
        let params = Params::new(self.memory_kib, self.iterations, self.parallelism, Some(32))
            .map_err(|e| eyre!("the key file's Argon2id parameters are not valid: {e}"))?;
        Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
    }
}

/// An encrypted key file, field by field in file order.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct EncryptedKey {
    /// Always [`KEY_FILE_MAGIC`].
    pub magic: [u8; 4],
    /// Always [`KEY_FILE_VERSION`].
    pub version: u16,
    /// The public key of the sealed secret, in the clear.
    pub public_key: [u8; 32],
    /// The Argon2id costs.
    pub kdf: KdfParams,
    /// The Argon2id salt, random per file.
    pub salt: [u8; 16],
    /// The XChaCha20-Poly1305 nonce, random per file.
    pub nonce: [u8; 24],
    /// The encrypted 32-byte seed followed by the 16-byte Poly1305 tag.
    pub ciphertext: [u8; 48],
}

impl EncryptedKey {
    /// Seals `key` under `passphrase` with fresh random salt and nonce.
    pub fn seal(key: &SecretKey, passphrase: &[u8], kdf: KdfParams) -> eyre::Result<Self> {
        let mut salt = [0u8; 16];
        let mut nonce = [0u8; 24];
        getrandom::fill(&mut salt).map_err(|e| eyre!("no randomness available: {e}"))?;
        getrandom::fill(&mut nonce).map_err(|e| eyre!("no randomness available: {e}"))?;
        Self::seal_with(key, passphrase, kdf, salt, nonce)
    }

    /// Seals `key` with the given salt and nonce (fixed ones only for test vectors).
    pub fn seal_with(
        key: &SecretKey,
        passphrase: &[u8],
        kdf: KdfParams,
        salt: [u8; 16],
        nonce: [u8; 24],
    ) -> eyre::Result<Self> {
        let mut sealed = Self {
            magic: KEY_FILE_MAGIC,
            version: KEY_FILE_VERSION,
            public_key: key.public_key().0,
            kdf,
            salt,
            nonce,
            ciphertext: [0; 48],
        };
        let seed = Zeroizing::new(key.seed());
        let cipher = sealed.cipher(passphrase)?;
        let aad = sealed.associated_data();
        let payload = Payload { msg: seed.as_slice(), aad: &aad };
        let ciphertext = cipher
            .encrypt(&XNonce::from(sealed.nonce), payload)
            .map_err(|_| eyre!("encrypting the key failed"))?;
        sealed.ciphertext = ciphertext
            .as_slice()
            .try_into()
            .map_err(|_| eyre!("the sealed key is {} bytes, not 48", ciphertext.len()))?;
        Ok(sealed)
    }

    /// Opens the file with `passphrase` as an `ed25519-blake3` key; a wrong passphrase or a
    /// changed byte fails.
    pub fn open(&self, passphrase: &[u8]) -> eyre::Result<SecretKey> {
        self.open_in(Suite::Ed25519Blake3, passphrase)
    }

    /// Opens the file with `passphrase` as a key of `suite`: the sealed seed must give, in that
    /// suite, the public key stored in the clear, so a key of another suite is refused.
    pub fn open_in(&self, suite: Suite, passphrase: &[u8]) -> eyre::Result<SecretKey> {
        let cipher = self.cipher(passphrase)?;
        let aad = self.associated_data();
        let payload = Payload { msg: self.ciphertext.as_slice(), aad: &aad };
        let plain =
            Zeroizing::new(cipher.decrypt(&XNonce::from(self.nonce), payload).map_err(|_| {
                eyre!("the passphrase is wrong, or the key file was changed after it was written")
            })?);
        let mut seed = Zeroizing::new([0u8; 32]);
        seed.copy_from_slice(&plain);
        let key = SecretKey::from_seed_in(suite, *seed)
            .map_err(|_| eyre!("the sealed secret is not a key of the {suite} suite"))?;
        if key.public_key().0 != self.public_key {
            bail!(
                "the key file's public key does not match its sealed secret in the {suite} suite \
                 (a key of another suite, or a changed file)"
            );
        }
        Ok(key)
    }

    /// The public key stored in the clear.
    pub fn public_key(&self) -> PublicKey {
        PublicKey(self.public_key)
    }

    /// The file's bytes.
    pub fn encode(&self) -> Vec<u8> {
        borsh::to_vec(self).expect("encoding into a Vec cannot fail")
    }

    /// Reads a file's bytes, checking its size, magic and version first.
    pub fn decode(bytes: &[u8]) -> eyre::Result<Self> {
        if !is_encrypted(bytes) {
            bail!("not an encrypted key file (it does not start with OBKE)");
        }
        let version = u16::from_le_bytes([bytes[4], bytes[5]]);
        if version != KEY_FILE_VERSION {
            bail!("encrypted key file version {version} is not {KEY_FILE_VERSION}");
        }
        if bytes.len() != KEY_FILE_BYTES {
            bail!("an encrypted key file is {KEY_FILE_BYTES} bytes, this one {}", bytes.len());
        }
        let sealed = Self::try_from_slice(bytes)
            .map_err(|e| eyre!("the encrypted key file does not decode: {e}"))?;
        Ok(sealed)
    }

    /// Every byte before the ciphertext: what the tag authenticates besides the seed.
    fn associated_data(&self) -> Vec<u8> {
        let mut bytes = self.encode();
        bytes.truncate(KEY_FILE_BYTES - 48);
        bytes
    }

    fn cipher(&self, passphrase: &[u8]) -> eyre::Result<XChaCha20Poly1305> {
        let mut derived = Zeroizing::new([0u8; 32]);
        self.kdf
            .argon2()?
            .hash_password_into(passphrase, &self.salt, derived.as_mut_slice())
            .map_err(|e| eyre!("Argon2id failed: {e}"))?;
        Ok(XChaCha20Poly1305::new(&(*derived).into()))
    }
}

/// Whether `bytes` start like an encrypted key file.
pub fn is_encrypted(bytes: &[u8]) -> bool {
    bytes.len() >= 6 && bytes[..4] == KEY_FILE_MAGIC
}

/// Where a passphrase comes from, in the order tried: a file descriptor, a file (systemd's
/// `LoadCredential` puts one in `$CREDENTIALS_DIRECTORY`), the [`PASSPHRASE_ENV`] variable, then
/// a prompt on the terminal. The first one read is kept for the other keys of the command, so a
/// descriptor is read once.
#[derive(Clone, Default)]
pub struct Passphrase {
    fd: Option<u32>,
    file: Option<PathBuf>,
    cached: Arc<Mutex<Option<Zeroizing<String>>>>,
}

impl std::fmt::Debug for Passphrase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Passphrase").field("fd", &self.fd).field("file", &self.file).finish()
    }
}

impl Passphrase {
    /// A source reading descriptor `fd` or `file` when given.
    pub fn new(fd: Option<u32>, file: Option<PathBuf>) -> Self {
        Self { fd, file, cached: Arc::default() }
    }

    /// The passphrase for an existing key (`what` names it in the prompt).
    pub fn get(&self, what: &str) -> eyre::Result<Zeroizing<String>> {
        let mut cached = self.cached.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(known) = cached.as_ref() {
            return Ok(known.clone());
        }
        let read = self.read(&format!("passphrase for {what}: "), false)?;
        *cached = Some(read.clone());
        Ok(read)
    }

    /// A passphrase for a new key file: asked twice on a terminal, and at least
    /// [`PASSPHRASE_CHARS_MIN`] characters.
    pub fn new_passphrase(&self, what: &str) -> eyre::Result<Zeroizing<String>> {
        let read = self.read(&format!("new passphrase for {what}: "), true)?;
        if read.chars().count() < PASSPHRASE_CHARS_MIN {
            bail!("a key passphrase needs at least {PASSPHRASE_CHARS_MIN} characters");
        }
        Ok(read)
    }

    fn read(&self, prompt: &str, confirm: bool) -> eyre::Result<Zeroizing<String>> {
        if let Some(fd) = self.fd {
            let path = format!("/dev/fd/{fd}");
            let file = std::fs::File::open(&path)
                .map_err(|e| eyre!("reading the passphrase from descriptor {fd}: {e}"))?;
            return first_line(BufReader::new(file), &format!("descriptor {fd}"));
        }
        if let Some(path) = &self.file {
            let file = std::fs::File::open(path)
                .map_err(|e| eyre!("reading the passphrase from {}: {e}", path.display()))?;
            return first_line(BufReader::new(file), &path.display().to_string());
        }
        if let Ok(value) = std::env::var(PASSPHRASE_ENV) {
            return Ok(Zeroizing::new(value));
        }
        if !std::io::stdin().is_terminal() {
            bail!(
                "a passphrase is needed and there is no terminal to ask on: give it with \
                 --passphrase-fd, --passphrase-file (or ONEBOOK_KEY_PASSPHRASE_FILE, e.g. a \
                 systemd credential) or {PASSPHRASE_ENV}"
            );
        }
        let first = Zeroizing::new(rpassword::prompt_password(prompt)?);
        if confirm {
            let again = Zeroizing::new(rpassword::prompt_password("repeat it: ")?);
            if *again != *first {
                bail!("the two passphrases differ");
            }
        }
        Ok(first)
    }
}

/// The first line of `reader`, without its line ending; an empty source is an error.
fn first_line(mut reader: impl BufRead, source: &str) -> eyre::Result<Zeroizing<String>> {
    let mut line = Zeroizing::new(String::new());
    reader.read_line(&mut line).map_err(|e| eyre!("reading the passphrase from {source}: {e}"))?;
    let trimmed = line.trim_end_matches(['\n', '\r']).len();
    line.truncate(trimmed);
    if line.is_empty() {
        bail!("the passphrase from {source} is empty");
    }
    Ok(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Cheap costs: these tests are about the format, not the KDF's strength.
    const FAST: KdfParams = KdfParams { memory_kib: 64, iterations: 1, parallelism: 1 };

    #[test]
    fn a_sealed_key_opens_with_its_passphrase_only() {
        let key = SecretKey::from_seed([7; 32]);

        let sealed = EncryptedKey::seal(&key, b"correct horse", FAST).unwrap();
        let decoded = EncryptedKey::decode(&sealed.encode()).unwrap();

        assert_eq!(decoded.open(b"correct horse").unwrap().seed(), [7; 32]);
        let wrong = decoded.open(b"correct hors").unwrap_err();
        assert!(wrong.to_string().contains("passphrase is wrong"), "{wrong}");
        assert_eq!(decoded.public_key(), key.public_key());
    }

    #[test]
    fn every_changed_byte_is_refused() {
        let key = SecretKey::from_seed([8; 32]);
        let bytes = EncryptedKey::seal(&key, b"passphrase", FAST).unwrap().encode();
        assert_eq!(bytes.len(), KEY_FILE_BYTES);

        for at in 0..bytes.len() {
            let mut changed = bytes.clone();
            changed[at] ^= 0x01;

            let opened = EncryptedKey::decode(&changed).and_then(|file| file.open(b"passphrase"));

            assert!(opened.is_err(), "a flip at byte {at} still opened");
        }
    }

    /// The worked example of `docs/formats.md` section 19.1, with the costs new files use.
    #[test]
    fn the_key_file_of_docs_formats_section_19_is_pinned() {
        let key = SecretKey::from_seed([0x11; 32]);

        let sealed = EncryptedKey::seal_with(
            &key,
            b"correct horse battery staple",
            KdfParams::DEFAULT,
            [0x22; 16],
            [0x33; 24],
        )
        .unwrap();

        assert_eq!(hex::encode(sealed.encode()), PINNED_KEY_FILE);
        assert_eq!(sealed.open(b"correct horse battery staple").unwrap().seed(), [0x11; 32]);
    }

    const PINNED_KEY_FILE: &str = concat!(
        "4f424b450100",
        "d04ab232742bb4ab3a1368bd4615e4e6d0224ab71a016baf8520a332c9778737",
        "000001000300000004000000",
        "22222222222222222222222222222222",
        "333333333333333333333333333333333333333333333333",
        "cb48baab41450802446726e453ca1e0cafe7e4e50b8c5914beb984bc4ae31541",
        "462213b2b7a96c47fb0a3834838c23cb",
    );

    #[test]
    fn a_passphrase_is_the_first_line_of_its_source() {
        let read = first_line("s3cret phrase\r\nignored\n".as_bytes(), "test").unwrap();

        assert_eq!(read.as_str(), "s3cret phrase");
        assert!(first_line("\n".as_bytes(), "test").is_err());
    }

    #[test]
    fn a_file_asking_for_too_much_memory_is_refused_before_any_work() {
        let key = SecretKey::from_seed([9; 32]);
        let mut sealed = EncryptedKey::seal(&key, b"passphrase", FAST).unwrap();

        sealed.kdf.memory_kib = u32::MAX;

        let error = sealed.open(b"passphrase").unwrap_err();
        assert!(error.to_string().contains("at most"), "{error}");
    }
}
