//! The `onebook` binary run as a process: exit statuses and output.

#![allow(clippy::unwrap_used, reason = "test code: a failed unwrap is a failed test")]

mod verify_proof;
