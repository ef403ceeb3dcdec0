//! End-to-end: a node's API under a flood of hostile connections, idle ones and slowloris heads
//! that trickle a byte at a time, far more than its connection cap. The node closes them within
//! its header-read timeout, answers those beyond the cap 503 or closes them, holds no more
//! sockets than its caps allow at any time, and its memory does not grow from one flood to the
//! next.

use std::{
    io::{Read, Write},
    net::TcpStream,
    time::{Duration, Instant},
};

use onebook_tests::devnet::Devnet;

/// The observer's caps in this test (its `[api]` section, set by environment).
const CONNECTIONS_MAX: usize = 64;
const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(2);
/// Connections of each flood: far more than the caps.
const IDLE: usize = 2_000;
const SLOWLORIS: usize = 500;
/// Whole requests sent while the cap is full.
const REQUESTS: usize = 20;

/// The node's open file descriptors and resident memory in KiB, from `/proc`.
fn fds_and_rss_kib(pid: u32) -> (usize, u64) {
    let fds = std::fs::read_dir(format!("/proc/{pid}/fd")).map_or(0, Iterator::count);
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let rss = status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0);
    (fds, rss)
}

/// What one flood saw.
#[derive(Debug)]
struct Flood {
    /// The most descriptors the node held while the flood lasted.
    fds_max: usize,
    /// Whole requests the node answered 503 while its cap was full.
    busy: usize,
    /// Connections still open when the flood ended, past the header-read timeout.
    left_open: usize,
}

/// Opens `IDLE` connections that send nothing and `SLOWLORIS` that send a head a byte every
/// 500 ms, samples the node's descriptors meanwhile, and after the header-read timeout and some
/// slack counts what the node still holds open.
fn flood(port: u16, pid: u32) -> Flood {
    let mut fds_max = 0;
    let mut sample = || fds_max = fds_max.max(fds_and_rss_kib(pid).0);
    let mut idle = Vec::with_capacity(IDLE);
    let mut open_idle = |count: usize, idle: &mut Vec<TcpStream>| {
        for n in 0..count {
            if let Ok(stream) = TcpStream::connect(("127.0.0.1", port)) {
                idle.push(stream);
            }
            if n % 100 == 0 {
                sample();
            }
        }
    };
    // The first idle connections fill the node's cap; whole requests then find it full.
    open_idle(CONNECTIONS_MAX, &mut idle);
    let mut requests = Vec::with_capacity(REQUESTS);
    for _ in 0..REQUESTS {
        if let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) {
            let _ = stream.write_all(b"GET /health HTTP/1.1\r\nHost: node\r\n\r\n");
            requests.push(stream);
        }
    }
    let mut busy = 0;
    for stream in &mut requests {
        stream.set_read_timeout(Some(Duration::from_secs(5))).expect("timeout");
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer);
        busy += usize::from(answer.starts_with(b"HTTP/1.1 503"));
    }
    open_idle(IDLE - CONNECTIONS_MAX, &mut idle);
    let mut slowloris = Vec::with_capacity(SLOWLORIS);
    for _ in 0..SLOWLORIS {
        if let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) {
            let _ = stream.write_all(b"GET /health HTTP/1.1\r\nHost: node\r\n");
            slowloris.push(stream);
        }
    }
    let trickle_until = Instant::now() + HEADER_READ_TIMEOUT * 3;
    while Instant::now() < trickle_until {
        for stream in &mut slowloris {
            let _ = stream.write_all(b"x");
        }
        sample();
        std::thread::sleep(Duration::from_millis(500));
    }
    let mut left_open = 0;
    for stream in idle.iter_mut().chain(slowloris.iter_mut()) {
        stream.set_read_timeout(Some(Duration::from_millis(50))).expect("timeout");
        let mut answer = Vec::new();
        if let Err(error) = stream.read_to_end(&mut answer)
            && error.kind() == std::io::ErrorKind::WouldBlock
        {
            left_open += 1;
        }
    }
    sample();
    Flood { fds_max, busy, left_open }
}

#[test]
fn a_node_flooded_with_idle_and_slowloris_connections_keeps_them_and_its_memory_bounded() {
    let mut net = Devnet::start(crate::node_binary(), 1, 1).unwrap();
    let connections_max = CONNECTIONS_MAX.to_string();
    let header_read_timeout = format!("{}s", HEADER_READ_TIMEOUT.as_secs());
    net.nodes[1]
        .start_with_env(&[
            ("ONEBOOK__API__CONNECTIONS_MAX", &connections_max),
            ("ONEBOOK__API__EVENT_STREAMS_MAX", "16"),
            ("ONEBOOK__API__HEADER_READ_TIMEOUT", &header_read_timeout),
        ])
        .unwrap();
    let port = net.nodes[1].api_port;
    let deadline = Instant::now() + Duration::from_secs(60);
    while !net.nodes[1].get("/health").is_ok_and(|(status, _)| status == 200) {
        assert!(Instant::now() < deadline, "{}", net.nodes[1].log_tail(20));
        std::thread::sleep(Duration::from_millis(200));
    }
    let pid = net.nodes[1].pid().unwrap();
    let (fds_before, rss_before) = fds_and_rss_kib(pid);

    let first = flood(port, pid);
    std::thread::sleep(HEADER_READ_TIMEOUT);
    let (fds_after_first, rss_after_first) = fds_and_rss_kib(pid);
    let second = flood(port, pid);
    std::thread::sleep(HEADER_READ_TIMEOUT);
    let (fds_after_second, rss_after_second) = fds_and_rss_kib(pid);
    let (health, _) = net.nodes[1].get("/health").unwrap();

    println!(
        "{IDLE} idle + {SLOWLORIS} slowloris connections per flood, cap {CONNECTIONS_MAX} (+ \
         {} answered busy): descriptors {fds_before} before, at most {} and {} during, \
         {fds_after_first} and {fds_after_second} after; RSS {rss_before} KiB before, \
         {rss_after_first} KiB after the first flood, {rss_after_second} KiB after the second; \
         {first:?} {second:?}",
        onebook_api::BUSY_CONNECTIONS_MAX,
        first.fds_max,
        second.fds_max
    );
    // The node's own descriptors (store, peers, logs) plus at most the capped connections.
    let fds_bound = fds_before + CONNECTIONS_MAX + onebook_api::BUSY_CONNECTIONS_MAX + 16;
    for flood in [&first, &second] {
        assert!(flood.fds_max <= fds_bound, "{} descriptors, bound {fds_bound}", flood.fds_max);
        assert_eq!(flood.left_open, 0, "connections outlived the header-read timeout");
        assert!(flood.busy > 0, "no connection beyond the cap was answered 503");
    }
    assert!(fds_after_second <= fds_before + 4, "{fds_after_second} descriptors after the floods");
    // Memory taken by the first flood is reused by the second, not added to.
    assert!(
        rss_after_second <= rss_after_first + rss_after_first / 10,
        "RSS grew from {rss_after_first} to {rss_after_second} KiB"
    );
    assert_eq!(health, 200);
}
