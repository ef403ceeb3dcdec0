//! `onebook explorer`: serve the explorer's pages, reading a node's REST API.

use clap::Args;
use eyre::{WrapErr, eyre};
use onebook_explorer::ExplorerConfig;
use onebook_query::{
    client::HttpQuery,
    read_rules::{self, Reader},
};

/// Serve the explorer: auditor-first web pages over a node's REST API, with every asset in the
/// binary. Labels are in Chinese; `?lang=en` switches to English. Stops on Ctrl-C.
#[derive(Debug, Args)]
pub struct ExplorerCommand {
    /// The node's REST API.
    #[arg(long, default_value = "http://127.0.0.1:26600")]
    node: String,
    /// Where the explorer listens.
    #[arg(long, default_value = "127.0.0.1:26680")]
    listen: String,
    /// The explorer's address as its readers reach it, for the QR codes (default: `http://`
    /// and the `Host` of each request).
    #[arg(long)]
    public_url: Option<String>,
    /// Sign the explorer's reads as this dev member (an auditor, such as `xm-dsj/auditor`), so
    /// restricted records (accesses, violations, pending objections) show. Development networks
    /// only: the key is derived from the public label.
    #[arg(long, value_name = "LABEL")]
    dev_reader: Option<String>,
    /// The chain's cryptographic suite, in which the `--dev-reader` key is derived. On an
    /// `sm2-sm3` chain the workbench says that browser signing is Ed25519 only.
    #[arg(long, default_value = "ed25519-blake3")]
    suite: onebook_types::suite::Suite,
}

impl ExplorerCommand {
    /// Runs the command.
    pub fn execute(self) -> eyre::Result<()> {
        let mut query =
            HttpQuery::new(&self.node).map_err(|e| eyre!("--node {}: {e}", self.node))?;
        if let Some(label) = &self.dev_reader {
            query = query.with_reader(onebook_genesis::dev_secret_in(self.suite, label));
        }
        let runtime = tokio::runtime::Runtime::new()?;
        runtime.block_on(async {
            // The explorer applies the read rules for the member it signs as, so it must know it.
            let reader = match &self.dev_reader {
                None => Reader::Anonymous,
                Some(label) => {
                    let key = onebook_genesis::dev_secret_in(self.suite, label).public_key();
                    match read_rules::reader_of(&query, key).await {
                        Ok(Reader::Anonymous) => {
                            return Err(eyre!("--dev-reader {label}: not an active member at the node's tip"));
                        }
                        Ok(reader) => reader,
                        Err(error) => {
                            return Err(eyre!("--dev-reader {label}: the node must answer to name the reader: {error}"));
                        }
                    }
                }
            };
            let config = ExplorerConfig {
                node_url: Some(self.node.clone()),
                public_url: self.public_url,
                reader,
                suite: self.suite,
            };
            let listener = tokio::net::TcpListener::bind(&self.listen)
                .await
                .wrap_err_with(|| format!("listening on {}", self.listen))?;
            println!("explorer: http://{} (reading {})", listener.local_addr()?, self.node);
            let shutdown = async {
                let _ = tokio::signal::ctrl_c().await;
            };
            onebook_explorer::serve(listener, query, config, shutdown).await?;
            Ok(())
        })
    }
}
