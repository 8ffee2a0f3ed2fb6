//! What a process uses, from Linux's /proc: resident memory, and CPU time
//! by thread name (where a part's time goes).

use std::collections::BTreeMap;
use std::time::Duration;

/// Resident memory of a process: now and at its peak, in KiB; and of the
/// resident memory now, how much is the process's own (heap, stacks) and
/// how much is mapped files (the binary, SQLite's memory-mapped database:
/// clean pages the kernel may drop at any time).
#[derive(Debug, Clone, Copy, Default)]
pub struct Memory {
    pub rss_kib: u64,
    pub peak_kib: u64,
    pub anon_kib: u64,
    pub file_kib: u64,
}

impl Memory {
    pub fn of(pid: u32) -> Memory {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
        let field = |name: &str| {
            status
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .and_then(|rest| rest.split_whitespace().next())
                .and_then(|n| n.parse().ok())
                .unwrap_or(0)
        };
        Memory {
            rss_kib: field("VmRSS:"),
            peak_kib: field("VmHWM:"),
            anon_kib: field("RssAnon:"),
            file_kib: field("RssFile:"),
        }
    }

    /// "X MB (own Y MB, mapped files Z MB)".
    pub fn describe(&self) -> String {
        let mb = |kib: u64| kib as f64 / 1024.0;
        format!(
            "{:.1} MB (own {:.1} MB, mapped files {:.1} MB)",
            mb(self.rss_kib),
            mb(self.anon_kib),
            mb(self.file_kib)
        )
    }

    pub fn rss_mb(&self) -> f64 {
        self.rss_kib as f64 / 1024.0
    }

    pub fn peak_mb(&self) -> f64 {
        self.peak_kib as f64 / 1024.0
    }
}

/// CPU time used so far by each thread name of process `pid` (schedstat,
/// nanoseconds; threads of one name summed).
pub fn cpu_by_thread(pid: u32) -> BTreeMap<String, Duration> {
    let mut out = BTreeMap::new();
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return out;
    };
    for task in tasks.flatten() {
        let path = task.path();
        let name = std::fs::read_to_string(path.join("comm")).unwrap_or_default();
        let ns: u64 = std::fs::read_to_string(path.join("schedstat"))
            .ok()
            .and_then(|s| s.split_whitespace().next().and_then(|n| n.parse().ok()))
            .unwrap_or(0);
        *out.entry(name.trim().to_string()).or_insert(Duration::ZERO) += Duration::from_nanos(ns);
    }
    out
}

/// The CPU each thread name used since `before`, as "name N ms, …".
pub fn cpu_used_since(pid: u32, before: &BTreeMap<String, Duration>) -> String {
    cpu_by_thread(pid)
        .into_iter()
        .map(|(name, t)| {
            let used = t.saturating_sub(before.get(&name).copied().unwrap_or_default());
            (name, used)
        })
        .filter(|(_, t)| t.as_millis() > 0)
        .map(|(name, t)| format!("{name} {} ms", t.as_millis()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// CPU time used so far by all processes named `name` (the PostgreSQL
/// server's backends): the database's share of a run.
pub fn cpu_of_processes(name: &str) -> Duration {
    let tick = 100; // USER_HZ on Linux
    let mut total = 0u64;
    let Ok(procs) = std::fs::read_dir("/proc") else {
        return Duration::ZERO;
    };
    for p in procs.flatten() {
        let Ok(stat) = std::fs::read_to_string(p.path().join("stat")) else {
            continue;
        };
        // pid (comm) state ... utime stime: fields 14 and 15, counted after the ')'.
        let Some((head, rest)) = stat.rsplit_once(") ") else {
            continue;
        };
        if !head.ends_with(&format!("({name}")) {
            continue;
        }
        let fields: Vec<&str> = rest.split_whitespace().collect();
        total += [11, 12]
            .iter()
            .filter_map(|i| fields.get(*i).and_then(|f| f.parse::<u64>().ok()))
            .sum::<u64>();
    }
    Duration::from_millis(total * 1000 / tick)
}

/// The 1-, 5- and 15-minute load averages: other work on the machine.
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .unwrap_or_default()
        .split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ")
}
