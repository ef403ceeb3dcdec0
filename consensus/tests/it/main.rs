//! Integration tests of `onebook-consensus`: real Malachite engines on loopback TCP.

mod mem_chain;
mod network;
