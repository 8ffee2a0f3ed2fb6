//! Helpers of the benchmarks (tests/benches): the real server binary started
//! and timed, its memory and CPU read from /proc, latency percentiles, bulk
//! SQL, and the large data set of the reads benchmark. Benchmarks print
//! figures and assert nothing.

pub mod federation;
pub mod proc;
pub mod rng;
pub mod seed;
pub mod server;
pub mod sql;
pub mod stats;
