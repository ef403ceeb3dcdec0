//! End-to-end: the event stream of a devnet node, read by a client that drops its connection at
//! random points while txs commit and reconnects with `Last-Event-ID`. In union the client
//! receives exactly the committed events: no gap, no duplicate.

use std::{
    collections::HashSet,
    io::{ErrorKind, Read, Write},
    net::TcpStream,
    time::{Duration, Instant},
};

use onebook_genesis::dev_secret;
use onebook_tests::{
    devnet::{Devnet, register_member},
    rng::Rng,
};
use serde_json::Value;

/// Signers no other test of the same devnet shape relies on for this chain's nonces.
const SIGNERS: [&str; 2] = ["xm-jypt/admin", "xm-djzx/admin"];
/// Txs each signer submits; each raises one `member.registered` event.
const TXS_PER_SIGNER: u64 = 30;
/// Connections the client drops before it reads to the end.
const DISCONNECTS: usize = 100;

/// One complete SSE event: its `id:` and its `data:` as JSON.
#[derive(Clone, Debug)]
struct Received {
    id: String,
    data: Value,
}

/// An HTTP/1.1 response of chunked Server-Sent Events, parsed as its bytes arrive. Only whole
/// events count: an event cut by a dropped connection was never received.
#[derive(Default)]
struct SseReader {
    raw: Vec<u8>,
    status: Option<u16>,
    /// Chunked body bytes not yet dechunked.
    body: Vec<u8>,
    /// Dechunked text not yet split into events.
    text: Vec<u8>,
    events: Vec<Received>,
}

impl SseReader {
    fn push(&mut self, bytes: &[u8]) {
        if self.status.is_none() {
            self.raw.extend_from_slice(bytes);
            let Some(end) = self.raw.windows(4).position(|window| window == b"\r\n\r\n") else {
                return;
            };
            let head = String::from_utf8_lossy(&self.raw[..end]).into_owned();
            self.status = head.split_whitespace().nth(1).and_then(|code| code.parse().ok());
            assert!(
                head.to_ascii_lowercase().contains("transfer-encoding: chunked"),
                "not a chunked stream: {head}"
            );
            self.body = self.raw.split_off(end + 4);
        } else {
            self.body.extend_from_slice(bytes);
        }
        self.dechunk();
        while let Some(end) = self.text.windows(2).position(|window| window == b"\n\n") {
            let frame: Vec<u8> = self.text.drain(..end + 2).collect();
            let frame = String::from_utf8(frame).expect("an SSE frame is UTF-8");
            let field = |name: &str| frame.lines().find_map(|line| line.strip_prefix(name));
            if let (Some(id), Some(data)) = (field("id: "), field("data: ")) {
                let data = serde_json::from_str(data).expect("an event's data is JSON");
                self.events.push(Received { id: id.to_owned(), data });
            }
        }
    }

    /// Whether the bytes so far end inside an event: part of one came, not all of it.
    fn is_inside_an_event(&self) -> bool {
        let partial_text = self.text.iter().any(|b| !b.is_ascii_whitespace());
        partial_text || !self.body.is_empty()
    }

    /// Moves every complete chunk of `body` into `text`.
    fn dechunk(&mut self) {
        loop {
            let Some(line_end) = self.body.windows(2).position(|window| window == b"\r\n") else {
                return;
            };
            let size = std::str::from_utf8(&self.body[..line_end])
                .ok()
                .and_then(|size| usize::from_str_radix(size.trim(), 16).ok())
                .expect("a chunk size");
            if self.body.len() < line_end + 2 + size + 2 {
                return;
            }
            self.text.extend_from_slice(&self.body[line_end + 2..line_end + 2 + size]);
            self.body.drain(..line_end + 2 + size + 2);
        }
    }
}

/// Opens `GET /v1/events?after=0-0-0` on `port`, with `Last-Event-ID` when given.
fn connect(port: u16, last_event_id: Option<&str>) -> TcpStream {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("the node listens");
    stream.set_write_timeout(Some(Duration::from_secs(10))).expect("timeout");
    let resume = last_event_id.map(|id| format!("Last-Event-ID: {id}\r\n")).unwrap_or_default();
    let head = format!(
        "GET /v1/events?after=0-0-0 HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: \
         text/event-stream\r\n{resume}\r\n"
    );
    stream.write_all(head.as_bytes()).expect("the request is sent");
    stream
}

/// Reads from `stream` until `bytes_max` bytes came, `until` passed, or `enough` holds; what
/// came, parsed. Dropping `stream` afterwards cuts the connection wherever the reading stopped.
fn read_some(
    stream: &mut TcpStream,
    bytes_max: usize,
    until: Instant,
    enough: impl Fn(&SseReader) -> bool,
) -> SseReader {
    let mut reader = SseReader::default();
    let mut buffer = [0u8; 512];
    let mut read = 0;
    while read < bytes_max && !enough(&reader) {
        let Some(left) = until.checked_duration_since(Instant::now()).filter(|d| !d.is_zero())
        else {
            break;
        };
        stream.set_read_timeout(Some(left)).expect("timeout");
        let want = buffer.len().min(bytes_max - read);
        match stream.read(&mut buffer[..want]) {
            Ok(0) => break,
            Ok(n) => {
                read += n;
                reader.push(&buffer[..n]);
            }
            Err(error) if matches!(error.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                break;
            }
            Err(error) => panic!("reading the stream: {error}"),
        }
    }
    if let Some(status) = reader.status {
        assert_eq!(status, 200, "the stream was refused");
    }
    reader
}

/// Every event committed so far on `port`, read from the start until `count` came.
fn read_all(port: u16, count: usize) -> Vec<Received> {
    let mut stream = connect(port, None);
    let until = Instant::now() + Duration::from_secs(30);
    let reader = read_some(&mut stream, usize::MAX, until, |r| r.events.len() >= count);
    reader.events
}

/// Submits `TXS_PER_SIGNER` txs of each of `SIGNERS` to the node on `port`, one every 100 ms,
/// registering members numbered from `first_member`; the thread answers the txs' hashes.
fn submit_spread(port: u16, first_member: u64) -> std::thread::JoinHandle<Vec<String>> {
    std::thread::spawn(move || {
        let mut hashes = Vec::new();
        for nonce in 1..=TXS_PER_SIGNER {
            for (signer, label) in SIGNERS.iter().enumerate() {
                let member = first_member + 100 * signer as u64 + nonce;
                let tx = register_member(&dev_secret(label), nonce, member);
                let (status, body) = onebook_tests::devnet::http(
                    port,
                    "POST",
                    "/v1/txs",
                    Some(("application/octet-stream", &tx)),
                )
                .unwrap();
                assert_eq!(status, 202, "{label} at nonce {nonce}: {body}");
                hashes.push(body["tx_hash"].as_str().unwrap().to_owned());
                std::thread::sleep(Duration::from_millis(100));
            }
        }
        hashes
    })
}

#[test]
fn a_client_dropped_a_hundred_times_while_txs_commit_receives_every_event_exactly_once() {
    let seed =
        std::env::var("ONEBOOK_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or_else(|| {
            let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
            now.map_or(0x0e0e_2026, |d| d.as_nanos() as u64)
        });
    println!("event stream test: seed {seed} (replay with ONEBOOK_SEED)");
    let mut rng = Rng::new(seed);
    let mut net = Devnet::start(crate::node_binary(), 4, 0).unwrap();
    net.wait_for_height(&[0, 1, 2, 3], 1, Duration::from_secs(60)).unwrap();
    let submit_port = net.nodes[0].api_port;
    let read_port = net.nodes[1].api_port;
    let started = Instant::now();

    // Txs go to node0 one by one, spread over some seconds, while the client reads node1.
    let submitter = submit_spread(submit_port, 60_000);
    let expected = SIGNERS.len() * TXS_PER_SIGNER as usize;
    let mut union: Vec<Received> = Vec::new();
    let mut empty_connections = 0;
    let mut cut_in_event = 0;

    for _ in 0..DISCONNECTS {
        let last = union.last().map(|event| event.id.clone());
        let mut stream = connect(read_port, last.as_deref());
        // A random cut: after a random number of bytes (inside the head, inside an event or
        // between events) or after a random time, whichever comes first.
        let bytes_max = 1 + rng.below(2_000) as usize;
        let until = Instant::now() + Duration::from_millis(20 + rng.below(400));
        let reader = read_some(&mut stream, bytes_max, until, |_| false);
        empty_connections += usize::from(reader.events.is_empty());
        cut_in_event += usize::from(reader.is_inside_an_event());
        union.extend(reader.events);
        drop(stream);
    }
    let submitted = submitter.join().unwrap();
    let received_while_dropping = union.len();
    // One last connection reads on until every committed event came.
    let last = union.last().map(|event| event.id.clone());
    let mut stream = connect(read_port, last.as_deref());
    let left = expected - union.len().min(expected);
    let until = Instant::now() + Duration::from_secs(60);
    union.extend(read_some(&mut stream, usize::MAX, until, |r| r.events.len() >= left).events);
    let full = read_all(read_port, expected);
    let elapsed = started.elapsed();
    println!(
        "{} events; {DISCONNECTS} dropped connections ({cut_in_event} inside an event, \
         {empty_connections} before any whole event), {received_while_dropping} events received \
         through them; {elapsed:?}",
        union.len()
    );

    let ids: Vec<&str> = union.iter().map(|event| event.id.as_str()).collect();
    let full_ids: Vec<&str> = full.iter().map(|event| event.id.as_str()).collect();
    assert_eq!(ids.iter().collect::<HashSet<_>>().len(), ids.len(), "a duplicate: {ids:?}");
    assert_eq!(ids, full_ids, "the union differs from the full list");
    assert_eq!(full.len(), expected, "{full_ids:?}");
    let hashes: HashSet<&str> = full.iter().map(|e| e.data["tx_hash"].as_str().unwrap()).collect();
    assert_eq!(hashes, submitted.iter().map(String::as_str).collect(), "one event per tx");
    assert!(full.iter().all(|event| event.data["kind"] == "member.registered"));
}

/// Subscribers of the node that is stopped.
const SUBSCRIBERS: usize = 50;
/// The time a node may take to exit after SIGTERM with its subscribers connected.
const STOP_WITHIN: Duration = Duration::from_secs(5);

/// Reads `stream` until the node closes it or `until` passes; the events received and whether
/// it was closed.
fn read_until_closed(stream: &mut TcpStream, until: Instant) -> (Vec<Received>, bool) {
    let reader = read_some(stream, usize::MAX, until, |_| false);
    (reader.events, Instant::now() < until)
}

#[test]
fn sigterm_stops_a_node_with_fifty_subscribers_within_five_seconds_and_they_resume_elsewhere() {
    let mut net = Devnet::start(crate::node_binary(), 4, 0).unwrap();
    net.wait_for_height(&[0, 1, 2, 3], 1, Duration::from_secs(60)).unwrap();
    let (submit_port, stopped_port, resume_port) =
        (net.nodes[0].api_port, net.nodes[3].api_port, net.nodes[2].api_port);
    let submitter = submit_spread(submit_port, 70_000);
    let expected = SIGNERS.len() * TXS_PER_SIGNER as usize;
    // Each subscriber reads the stopped node until it closes the stream, then resumes on another
    // node after the last event it received, until it has every event.
    let subscribers: Vec<_> = (0..SUBSCRIBERS)
        .map(|_| {
            std::thread::spawn(move || {
                let mut stream = connect(stopped_port, None);
                let (mut received, closed) =
                    read_until_closed(&mut stream, Instant::now() + Duration::from_secs(120));
                assert!(closed, "the stopped node never closed the stream");
                let before_stop = received.len();
                let last = received.last().map(|event| event.id.clone());
                let mut stream = connect(resume_port, last.as_deref());
                let left = expected - received.len().min(expected);
                let until = Instant::now() + Duration::from_secs(90);
                let rest = read_some(&mut stream, usize::MAX, until, |r| r.events.len() >= left);
                received.extend(rest.events);
                (before_stop, received)
            })
        })
        .collect();
    // Stop once the node has committed some of the events (so its subscribers were sent them),
    // while the other txs still commit.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let (_, page) = net.nodes[3].get("/v1/event-pages?limit=100").unwrap();
        if page["items"].as_array().is_some_and(|items| items.len() >= expected / 4) {
            break;
        }
        assert!(Instant::now() < deadline, "no events on the node to stop: {page}");
        std::thread::sleep(Duration::from_millis(100));
    }
    std::thread::sleep(Duration::from_millis(500));
    let started = Instant::now();

    let stopped = net.nodes[3].stop(STOP_WITHIN);
    let took = started.elapsed();
    submitter.join().unwrap();
    let outcomes: Vec<(usize, Vec<Received>)> =
        subscribers.into_iter().map(|s| s.join().unwrap()).collect();
    let full = read_all(resume_port, expected);

    println!(
        "node stopped {took:?} after SIGTERM with {SUBSCRIBERS} subscribers; events received \
         before the stop: {:?}",
        outcomes.iter().map(|(before, _)| *before).collect::<Vec<_>>()
    );
    assert!(stopped.is_ok(), "{stopped:?}\n{}", net.nodes[3].log_tail(20));
    assert!(took < STOP_WITHIN, "{took:?}");
    let full_ids: Vec<&str> = full.iter().map(|event| event.id.as_str()).collect();
    assert_eq!(full.len(), expected, "{full_ids:?}");
    for (before_stop, received) in &outcomes {
        let ids: Vec<&str> = received.iter().map(|event| event.id.as_str()).collect();
        assert_eq!(ids, full_ids, "a subscriber that had {before_stop} events at the stop");
    }
    assert!(outcomes.iter().any(|(before, _)| *before > 0), "the stop came before any event");
}
