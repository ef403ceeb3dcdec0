//! Passes txs this node admitted from its clients on to the other consortium nodes' APIs, so
//! whichever validator proposes next holds them. A relayed tx is admitted by each peer with the
//! same checks as any other and is not relayed again.
//!
//! Each peer has its own bounded queue and one kept-alive HTTP/1.1 connection, so a signer's
//! txs reach a peer in the order they were admitted here (its mempool admits nonces in order).
//! A full queue drops the tx for that peer: it is still in this node's mempool and is committed
//! when this node proposes. An unreachable peer is retried with a growing pause.

use std::{net::SocketAddr, time::Duration};

use tokio::{
    io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufStream},
    net::TcpStream,
    sync::mpsc,
};

/// The header that marks a relayed submission.
pub const RELAYED_HEADER: &str = "x-onebook-relayed";

/// Txs waiting per peer before new ones are dropped for it.
const QUEUE_TXS_MAX: usize = 10_000;

/// The longest pause between attempts to reach a peer.
const BACKOFF_MAX: Duration = Duration::from_secs(5);

/// Queues admitted txs for every peer. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Relay {
    peers: Vec<mpsc::Sender<Vec<u8>>>,
}

impl Relay {
    /// Starts one task per peer API address. Must be called inside a tokio runtime.
    pub fn start(peers: &[SocketAddr]) -> Self {
        let peers = peers
            .iter()
            .map(|&peer| {
                let (sender, receiver) = mpsc::channel(QUEUE_TXS_MAX);
                tokio::spawn(forward(peer, receiver));
                sender
            })
            .collect();
        Self { peers }
    }

    /// Queues `tx` for every peer, dropping it for a peer whose queue is full.
    pub fn send(&self, tx: &[u8]) {
        for peer in &self.peers {
            if peer.try_send(tx.to_vec()).is_err() {
                tracing::debug!("relay queue full or closed; the tx stays in this node's pool");
            }
        }
    }
}

async fn forward(peer: SocketAddr, mut txs: mpsc::Receiver<Vec<u8>>) {
    let mut connection: Option<BufStream<TcpStream>> = None;
    let mut backoff = Duration::from_millis(100);
    while let Some(tx) = txs.recv().await {
        loop {
            if connection.is_none() {
                match TcpStream::connect(peer).await {
                    Ok(stream) => {
                        let _ = stream.set_nodelay(true);
                        connection = Some(BufStream::new(stream));
                        backoff = Duration::from_millis(100);
                    }
                    Err(error) => {
                        tracing::debug!(%peer, %error, "peer API unreachable");
                        tokio::time::sleep(backoff).await;
                        backoff = (backoff * 2).min(BACKOFF_MAX);
                        // Give up on this tx after the longest pause; the next one retries.
                        if backoff == BACKOFF_MAX {
                            break;
                        }
                        continue;
                    }
                }
            }
            let Some(stream) = connection.as_mut() else { continue };
            match post(stream, peer, &tx).await {
                Ok(status) => {
                    if !(200..300).contains(&status) && status != 409 {
                        tracing::debug!(%peer, status, "peer did not admit a relayed tx");
                    }
                    break;
                }
                Err(error) => {
                    tracing::debug!(%peer, %error, "relay connection lost");
                    connection = None;
                }
            }
        }
    }
}

/// One `POST /v1/txs` on a kept-alive connection; the response status.
async fn post(
    stream: &mut BufStream<TcpStream>,
    peer: SocketAddr,
    tx: &[u8],
) -> std::io::Result<u16> {
    let head = format!(
        "POST /v1/txs HTTP/1.1\r\nHost: {peer}\r\nContent-Type: application/octet-stream\r\n\
         {RELAYED_HEADER}: 1\r\nContent-Length: {}\r\n\r\n",
        tx.len()
    );
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(tx).await?;
    stream.flush().await?;
    let invalid =
        |what: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, what.to_owned());
    let mut line = String::new();
    stream.read_line(&mut line).await?;
    let status: u16 = line
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .ok_or_else(|| invalid("no status line"))?;
    let mut length = 0usize;
    loop {
        line.clear();
        if stream.read_line(&mut line).await? == 0 {
            return Err(invalid("connection closed in the headers"));
        }
        let header = line.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse().map_err(|_| invalid("bad content-length"))?;
        }
    }
    if length > 64 * 1024 {
        return Err(invalid("response too large"));
    }
    let mut body = vec![0; length];
    stream.read_exact(&mut body).await?;
    Ok(status)
}
