//! The CPU time of the calling thread or of the whole process, for benchmarks on a shared
//! machine: other processes stretch the wall clock of a measured step far more than they
//! stretch its time on a CPU.

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

/// The time every thread of this process has spent on a CPU, those that have ended included
/// (`CLOCK_PROCESS_CPUTIME_ID`): RocksDB's background threads and the threads a step starts.
/// Zero if the clock cannot be read.
pub fn process_time() -> Duration {
    nix::time::clock_gettime(nix::time::ClockId::CLOCK_PROCESS_CPUTIME_ID)
        .map_or(Duration::ZERO, Duration::from)
}
