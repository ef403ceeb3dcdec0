//! `onebook genesis`: create, validate or hash a genesis file.

use std::{fs, path::PathBuf};

use clap::Subcommand;
use eyre::{WrapErr, bail};
use onebook_genesis::{GenesisCheckpoints, GenesisFile, GenesisMember, GenesisOrg, GenesisWitness};
use onebook_types::{
    consortium::{OrgLevel, Role, Validator},
    ids::{ChainId, OrgId, RegionCode, Timestamp},
    keys::PublicKey,
    suite::Suite,
};

use crate::home::read_genesis;

/// Create, validate or hash a genesis file.
#[derive(Debug, Subcommand)]
pub enum GenesisCommand {
    /// Write a new genesis with one org, its admin and one validator, using the dev network's
    /// policy as a starting point. Edit the file to add the other orgs, then validate it.
    New {
        /// The chain id, e.g. `onebook-xiamen-1`.
        #[arg(long)]
        chain_id: String,
        /// Genesis time in milliseconds since 1970-01-01 UTC.
        #[arg(long)]
        genesis_time_ms: u64,
        /// The first org's id.
        #[arg(long)]
        org_id: String,
        /// The first org's name.
        #[arg(long)]
        org_name: String,
        /// The first org's six-digit region code.
        #[arg(long)]
        region: String,
        /// The first org's admin public key (hex).
        #[arg(long)]
        admin_key: String,
        /// The first validator's node public key (hex).
        #[arg(long)]
        validator_key: String,
        /// A witness's public key (hex): a party outside the validators that cosigns the
        /// checkpoints; may be repeated. Without one, no proof bundle of the chain can be
        /// anchored.
        #[arg(long = "witness-key", value_name = "HEX")]
        witness_keys: Vec<String>,
        /// How many witnesses must cosign a checkpoint (default: all of them).
        #[arg(long)]
        witness_threshold: Option<u16>,
        /// Every this many heights is a checkpoint.
        #[arg(long, default_value_t = 100)]
        checkpoint_interval: u64,
        /// The chain's cryptographic suite, fixed for its life: `ed25519-blake3` or `sm2-sm3`
        /// (SM2 signatures and SM3 digests). Every key given must be a key of this suite.
        #[arg(long, default_value_t = Suite::Ed25519Blake3)]
        suite: Suite,
        /// Where to write the file.
        #[arg(long)]
        out: PathBuf,
    },
    /// Check a genesis file; prints every problem and exits non-zero if there is one.
    Validate {
        /// The file.
        file: PathBuf,
    },
    /// Print a genesis file's hash, for comparison between operators.
    Hash {
        /// The file.
        file: PathBuf,
    },
}

/// The checkpoint section of a new genesis: the witnesses given, named in order.
fn checkpoints(
    keys: &[String],
    threshold: Option<u16>,
    interval: u64,
) -> eyre::Result<GenesisCheckpoints> {
    let witnesses = keys
        .iter()
        .enumerate()
        .map(|(i, key)| {
            Ok(GenesisWitness {
                key: PublicKey::from_hex(key).wrap_err("--witness-key")?,
                name: format!("witness {}", i + 1),
                dev_label: None,
            })
        })
        .collect::<eyre::Result<Vec<_>>>()?;
    let all = u16::try_from(witnesses.len())?;
    Ok(GenesisCheckpoints { interval, threshold: threshold.unwrap_or(all), witnesses })
}

impl GenesisCommand {
    /// Runs the command.
    pub fn execute(self) -> eyre::Result<()> {
        match self {
            Self::New {
                chain_id,
                genesis_time_ms,
                org_id,
                org_name,
                region,
                admin_key,
                validator_key,
                witness_keys,
                witness_threshold,
                checkpoint_interval,
                suite,
                out,
            } => {
                if out.exists() {
                    bail!("{} exists; refusing to overwrite it", out.display());
                }
                let dev = GenesisFile::from_json(super::DEV_GENESIS.as_bytes())?;
                let org = OrgId(org_id);
                let genesis = GenesisFile {
                    chain_id: ChainId(chain_id),
                    suite,
                    genesis_time: Timestamp(genesis_time_ms),
                    dev_only: false,
                    orgs: vec![GenesisOrg {
                        id: org.clone(),
                        name: org_name,
                        level: OrgLevel::City,
                        parent: None,
                        region: RegionCode(region),
                        data_authority: true,
                    }],
                    members: vec![GenesisMember {
                        key: PublicKey::from_hex(&admin_key).wrap_err("--admin-key")?,
                        org: org.clone(),
                        name: "org admin".into(),
                        roles: vec![Role::OrgAdmin],
                        dev_label: None,
                    }],
                    validators: vec![Validator {
                        node_key: PublicKey::from_hex(&validator_key)
                            .wrap_err("--validator-key")?,
                        org,
                        power: 10,
                    }],
                    policy: dev.policy,
                    checkpoints: checkpoints(
                        &witness_keys,
                        witness_threshold,
                        checkpoint_interval,
                    )?,
                };
                genesis.validate()?;
                if genesis.checkpoints.witnesses.is_empty() {
                    eprintln!(
                        "warning: no witness: no proof bundle of this chain can be anchored, and \
                         `verify-proof` refuses unanchored bundles by default"
                    );
                }
                fs::write(&out, genesis.to_json_pretty())?;
                println!("{}", genesis.hash());
            }
            Self::Validate { file } => {
                let genesis = read_genesis(&file)?;
                println!("valid: chain {} genesis {}", genesis.chain_id, genesis.hash());
            }
            Self::Hash { file } => {
                let bytes =
                    fs::read(&file).wrap_err_with(|| format!("reading {}", file.display()))?;
                println!("{}", GenesisFile::from_json(&bytes)?.hash());
            }
        }
        Ok(())
    }
}
