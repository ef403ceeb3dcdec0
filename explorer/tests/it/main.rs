//! The explorer's pages over a real RocksDB store, driven in process through its router.

mod auditor;
mod crawl;
mod fixture;
mod kinds;
mod pages;
mod periodic;
mod readers;
