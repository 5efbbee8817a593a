//! The kernel's list of POSIX locks (`/proc/locks`, Linux), read by the tests that prove a session keeps SQLite's
//! locks on its database (issue 15).

use std::path::Path;

/// How many locks `/proc/locks` lists for process `pid` on the file at `path`.
pub fn locks_of(pid: u32, path: &Path) -> usize {
    use std::os::unix::fs::MetadataExt;
    let inode = std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .ino()
        .to_string();
    std::fs::read_to_string("/proc/locks")
        .expect("read /proc/locks")
        .lines()
        // "1: POSIX  ADVISORY  READ 4242 fd:01:123456 128 128"; "->" lines are waiters, not holders.
        .filter(|l| !l.contains("->"))
        .filter(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            fields.len() >= 6
                && fields[4] == pid.to_string()
                && fields[5].rsplit(':').next() == Some(inode.as_str())
        })
        .count()
}
