//! A network of Linux network namespaces for partition tests: one namespace per node and one
//! "switch" namespace holding two bridges.
//!
//! - The **data** bridge carries what nodes say to each other (consensus and tx gossip). Node `i`
//!   is `10.1.0.(i + 1)` on its link `data`; partitions are made here, by setting a node's link
//!   down ([`NetnsNet::link_down`]) or by nftables rules inside the nodes' namespaces that drop
//!   every packet between two groups ([`NetnsNet::cut`]). No packet of this network ever reaches
//!   the host's own namespace, so its addresses cannot clash with anything.
//! - The **management** bridge carries only the test's API calls: node `i`'s REST API listens on
//!   `10.X.Y.(i + 1)` on its link `mgmt`, and the host's namespace holds `10.X.Y.254` on a veth
//!   into this bridge, with `X.Y` picked per run among subnets the host does not use. Partitions
//!   never touch it, so a test can watch a cut-off node.
//!
//! Every name carries the creating process's id and a per-process count, so runs side by side
//! never share a namespace, and [`NetnsNet`]'s `Drop` deletes every namespace it made (which
//! deletes their links), on success or panic. A run killed before it could clean up (SIGKILL
//! by a test runner's timeout) leaves namespaces named after a dead process; the next run
//! deletes those first.
//!
//! All of it needs root (`ip netns add`) and the `ip` and `nft` commands; [`NetnsNet::unavailable`]
//! says why a test must skip.

use std::{
    net::Ipv4Addr,
    process::{Command, Stdio},
    sync::atomic::{AtomicU32, Ordering},
};

use eyre::{WrapErr, bail};

/// The prefix of every namespace this module makes.
const PREFIX: &str = "obpart-";

/// Per-process count of networks made, for unique names.
static NETWORKS: AtomicU32 = AtomicU32::new(0);

/// The namespaces, bridges and links of one partition test.
#[derive(Debug)]
pub struct NetnsNet {
    /// `obpart-<pid>-<count>`: the start of every namespace name of this network.
    tag: String,
    /// The host-side veth into the management bridge.
    host_link: String,
    /// The management subnet's first three octets.
    mgmt: [u8; 3],
    /// How many node namespaces.
    nodes: usize,
    /// Which nodes' nftables cut table is installed.
    cut_installed: Vec<bool>,
}

impl NetnsNet {
    /// Why partition tests cannot run here, if they cannot: not root, or `ip`/`nft` missing.
    pub fn unavailable() -> Option<String> {
        let uid = std::fs::read_to_string("/proc/self/status").ok().and_then(|status| {
            status
                .lines()
                .find_map(|line| line.strip_prefix("Uid:"))
                .and_then(|ids| ids.split_whitespace().nth(1).map(str::to_owned))
        });
        if uid.as_deref() != Some("0") {
            return Some(format!(
                "partition tests make network namespaces and need root (effective uid {})",
                uid.as_deref().unwrap_or("unknown")
            ));
        }
        for (program, flag, package) in [("ip", "-V", "iproute2"), ("nft", "--version", "nftables")]
        {
            let found = Command::new(program)
                .arg(flag)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|status| status.success());
            if !found {
                return Some(format!(
                    "partition tests need the `{program}` command (Debian package {package}; \
                     scripts/setup.sh installs it)"
                ));
            }
        }
        None
    }

    /// Makes the switch namespace with its two bridges and `nodes` node namespaces, each linked
    /// into both bridges, and the host's link into the management bridge.
    pub fn create(nodes: usize) -> eyre::Result<Self> {
        if nodes == 0 || nodes > 200 {
            bail!("a partition network has 1 to 200 nodes, not {nodes}");
        }
        remove_stale();
        let pid = std::process::id();
        let count = NETWORKS.fetch_add(1, Ordering::Relaxed);
        let tag = format!("{PREFIX}{pid}-{count}");
        // An interface name has at most 15 bytes: "obp" + 7 digits of pid + count.
        let host_link = format!("obp{pid}{}", count % 100);
        let mgmt = free_mgmt_subnet(pid, count)?;
        // From here on, Drop removes whatever was made, should a step fail.
        let net = Self { tag, host_link, mgmt, nodes, cut_installed: vec![false; nodes] };
        net.build().wrap_err_with(|| format!("building the namespaces {}*", net.tag))?;
        Ok(net)
    }

    fn build(&self) -> eyre::Result<()> {
        let switch = self.switch();
        ip(&["netns", "add", &switch])?;
        ip(&["-n", &switch, "link", "set", "lo", "up"])?;
        for bridge in ["data", "mgmt"] {
            ip(&["-n", &switch, "link", "add", bridge, "type", "bridge"])?;
            ip(&["-n", &switch, "link", "set", bridge, "up"])?;
        }
        // The host's end, in the host namespace, and its peer on the management bridge.
        ip(&[
            "link",
            "add",
            &self.host_link,
            "type",
            "veth",
            "peer",
            "name",
            "host",
            "netns",
            &switch,
        ])?;
        ip(&["-n", &switch, "link", "set", "host", "master", "mgmt", "up"])?;
        let host_addr = format!("{}/24", self.mgmt_ip(254));
        ip(&["addr", "add", &host_addr, "dev", &self.host_link])?;
        ip(&["link", "set", &self.host_link, "up"])?;
        for node in 0..self.nodes {
            let ns = self.ns(node);
            ip(&["netns", "add", &ns])?;
            ip(&["-n", &ns, "link", "set", "lo", "up"])?;
            for (bridge, addr) in
                [("data", self.data_ip(node)), ("mgmt", self.mgmt_ip(node_octet(node)))]
            {
                // The switch's end is named after the node (`data3`, `mgmt3`); the node's end
                // after the bridge.
                let port = format!("{bridge}{node}");
                ip(&[
                    "-n", &switch, "link", "add", &port, "type", "veth", "peer", "name", bridge,
                    "netns", &ns,
                ])?;
                ip(&["-n", &switch, "link", "set", &port, "master", bridge, "up"])?;
                ip(&["-n", &ns, "addr", "add", &format!("{addr}/24"), "dev", bridge])?;
                ip(&["-n", &ns, "link", "set", bridge, "up"])?;
            }
        }
        Ok(())
    }

    /// The namespace of node `node`.
    pub fn ns(&self, node: usize) -> String {
        format!("{}-n{node}", self.tag)
    }

    fn switch(&self) -> String {
        format!("{}-sw", self.tag)
    }

    /// Node `node`'s address on the data network, where its peers reach it.
    pub fn data_ip(&self, node: usize) -> Ipv4Addr {
        Ipv4Addr::new(10, 1, 0, node_octet(node))
    }

    /// Node `node`'s address on the management network, where its API listens.
    pub fn api_ip(&self, node: usize) -> Ipv4Addr {
        self.mgmt_ip(node_octet(node))
    }

    fn mgmt_ip(&self, last: u8) -> Ipv4Addr {
        Ipv4Addr::new(self.mgmt[0], self.mgmt[1], self.mgmt[2], last)
    }

    /// The command that runs a program inside node `node`'s namespace: `ip netns exec <ns>`,
    /// which execs the program in place.
    pub fn launcher(&self, node: usize) -> Vec<String> {
        vec!["ip".into(), "netns".into(), "exec".into(), self.ns(node)]
    }

    /// Sets node `node`'s data link down: it hears and reaches no peer, as if its cable were
    /// pulled. Its sockets stay open, so nothing tells it the link is gone.
    pub fn link_down(&self, node: usize) -> eyre::Result<()> {
        ip(&["-n", &self.ns(node), "link", "set", "data", "down"])
    }

    /// Sets node `node`'s data link up again, with its address (which a down link keeps).
    pub fn link_up(&self, node: usize) -> eyre::Result<()> {
        ip(&["-n", &self.ns(node), "link", "set", "data", "up"])
    }

    /// Drops every packet between a node of one group and a node of another, in both
    /// directions, with nftables rules in each node's namespace (silent drops, no reset: the
    /// nodes see peers go quiet). Nodes in no group keep every link. Replaces any earlier cut.
    pub fn cut(&mut self, groups: &[&[usize]]) -> eyre::Result<()> {
        self.heal_cut()?;
        for (index, group) in groups.iter().enumerate() {
            let others: Vec<String> = groups
                .iter()
                .enumerate()
                .filter(|&(other, _)| other != index)
                .flat_map(|(_, nodes)| nodes.iter().map(|&node| self.data_ip(node).to_string()))
                .collect();
            if others.is_empty() {
                continue;
            }
            let set = others.join(", ");
            for &node in group.iter() {
                let rules = format!(
                    "table inet onebook_cut {{\n\
                     \tchain input {{ type filter hook input priority 0; ip saddr {{ {set} }} drop; }}\n\
                     \tchain output {{ type filter hook output priority 0; ip daddr {{ {set} }} drop; }}\n\
                     }}\n"
                );
                nft(&self.ns(node), &rules)?;
                self.cut_installed[node] = true;
            }
        }
        Ok(())
    }

    /// Removes every cut made by [`NetnsNet::cut`].
    pub fn heal_cut(&mut self) -> eyre::Result<()> {
        for node in 0..self.nodes {
            if self.cut_installed[node] {
                nft(&self.ns(node), "delete table inet onebook_cut\n")?;
                self.cut_installed[node] = false;
            }
        }
        Ok(())
    }

    /// Removes every cut and sets every data link up.
    pub fn heal(&mut self) -> eyre::Result<()> {
        self.heal_cut()?;
        for node in 0..self.nodes {
            self.link_up(node)?;
        }
        Ok(())
    }
}

impl Drop for NetnsNet {
    fn drop(&mut self) {
        // Deleting a namespace deletes its links and their veth peers, the host's one included.
        for node in 0..self.nodes {
            let _ = ip(&["netns", "del", &self.ns(node)]);
        }
        let _ = ip(&["netns", "del", &self.switch()]);
        let _ = ip(&["link", "del", &self.host_link]);
    }
}

/// Node `node`'s last address octet: nodes are 1, 2, ...; 254 is the host.
fn node_octet(node: usize) -> u8 {
    u8::try_from(node + 1).unwrap_or(253).min(253)
}

/// A management subnet `10.X.Y.0/24` that no address of the host's namespace is in, starting
/// from one derived from the process id and count so runs side by side start far apart.
fn free_mgmt_subnet(pid: u32, count: u32) -> eyre::Result<[u8; 3]> {
    let used = output(Command::new("ip").args(["-4", "-o", "addr", "show"]))?;
    let routes = output(Command::new("ip").args(["-4", "route", "show"]))?;
    let start = pid.wrapping_mul(31).wrapping_add(count.wrapping_mul(7)) % 10_000;
    for offset in 0..10_000 {
        let slot = (start + offset) % 10_000;
        // 10.180.0.0 to 10.219.255.0: 40 x 250 subnets.
        let subnet = [10, 180 + (slot / 250) as u8, (slot % 250) as u8];
        let prefix = format!("{}.{}.{}.", subnet[0], subnet[1], subnet[2]);
        if !used.contains(&prefix) && !routes.contains(&prefix) {
            return Ok(subnet);
        }
    }
    bail!("no free 10.180-219.x.0/24 subnet on this host")
}

/// Deletes the namespaces of runs whose process is gone (killed before their cleanup ran).
fn remove_stale() {
    let Ok(list) = output(Command::new("ip").args(["netns", "list"])) else { return };
    for name in list.lines().filter_map(|line| line.split_whitespace().next()) {
        let Some(rest) = name.strip_prefix(PREFIX) else { continue };
        let Some(pid) = rest.split('-').next() else { continue };
        if !std::path::Path::new(&format!("/proc/{pid}")).exists() {
            let _ = ip(&["netns", "del", name]);
        }
    }
}

/// Runs `ip args`; fails with its stderr.
fn ip(args: &[&str]) -> eyre::Result<()> {
    output(Command::new("ip").args(args)).map(drop)
}

/// Loads the nftables `rules` inside namespace `ns`.
fn nft(ns: &str, rules: &str) -> eyre::Result<()> {
    use std::io::Write;

    let mut child = Command::new("ip")
        .args(["netns", "exec", ns, "nft", "-f", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .wrap_err("running nft")?;
    child.stdin.take().map(|mut stdin| stdin.write_all(rules.as_bytes())).transpose()?;
    let out = child.wait_with_output()?;
    if !out.status.success() {
        bail!("nft in {ns}: {}\n{rules}", String::from_utf8_lossy(&out.stderr).trim());
    }
    Ok(())
}

/// Runs `command`; its stdout, or an error with its stderr.
fn output(command: &mut Command) -> eyre::Result<String> {
    let out = command.output().wrap_err_with(|| format!("running {command:?}"))?;
    if !out.status.success() {
        bail!("{command:?}: {}", String::from_utf8_lossy(&out.stderr).trim());
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}
