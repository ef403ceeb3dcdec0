//! The CPU time of the calling thread, for benchmarks on a shared machine: other processes
//! stretch the wall clock of a measured step far more than they stretch its time on a CPU.

use std::time::Duration;

/// The time this thread has spent on a CPU: the first field of `/proc/thread-self/schedstat`,
/// in nanoseconds (Linux). Zero where that file does not exist, so rates from it are then
/// meaningless.
pub fn thread_time() -> Duration {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|text| text.split_whitespace().next()?.parse().ok())
        .map_or(Duration::ZERO, Duration::from_nanos)
}
