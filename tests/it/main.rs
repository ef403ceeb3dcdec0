//! Onebook's integration tests, compiled into one binary.

mod cli;
mod codec_props;
mod crash;
mod store;
mod vectors;
