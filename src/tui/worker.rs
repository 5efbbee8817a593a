//! Slow work off the screen's thread (as gitui's asyncgit does): a job runs on its own thread at a lower priority
//! and its result arrives as a message the screen picks up when the event loop wakes it, so the screen keeps
//! drawing and answering keys meanwhile. Nothing here touches the database: the store's connection stays on the
//! screen's thread, and a job is given what it needs (a document to render, bytes to send).

use std::sync::mpsc::{self, Receiver, TryRecvError};
use std::time::{Duration, Instant};

/// How often the event loop wakes while a job runs, to pick up its result and move the progress line on. Only while
/// something runs: an idle screen still writes nothing.
pub const POLL: Duration = Duration::from_millis(200);

/// How much lower than the screen a job runs (Linux nice levels are per thread), so typing stays prompt while a
/// long PDF renders, and a job left behind (its result no longer wanted) finishes in the background.
const NICENESS: i32 = 10;

/// A job under way. Dropping it stops waiting: the thread finishes what it cannot be interrupted in and its result
/// is thrown away.
pub struct Job<T> {
    result: Receiver<T>,
    started: Instant,
}

/// What a job has to say when asked.
pub enum Polled<T> {
    Running,
    Done(T),
    /// The thread ended without a result (it panicked): the screen says so instead of waiting for ever.
    Lost,
}

impl<T: Send + 'static> Job<T> {
    /// Starts `work` on a thread named `name` (the name appears in the log and in `top`).
    pub fn start(name: &str, work: impl FnOnce() -> T + Send + 'static) -> std::io::Result<Job<T>> {
        let (send, result) = mpsc::channel();
        std::thread::Builder::new()
            .name(name.to_string())
            .spawn(move || {
                #[cfg(target_os = "linux")]
                let _ = rustix::process::nice(NICENESS);
                // Nobody listening any more (the screen stopped waiting) is not an error.
                let _ = send.send(work());
            })?;
        Ok(Job {
            result,
            started: Instant::now(),
        })
    }
}

impl<T> Job<T> {
    /// A job whose result is already there: the work was done on the caller's thread, no thread being had.
    pub fn ready(value: T) -> Job<T> {
        let (send, result) = mpsc::channel();
        // The receiver is in hand, so the send cannot fail.
        let _ = send.send(value);
        Job {
            result,
            started: Instant::now(),
        }
    }

    pub fn poll(&self) -> Polled<T> {
        match self.result.try_recv() {
            Ok(value) => Polled::Done(value),
            Err(TryRecvError::Empty) => Polled::Running,
            Err(TryRecvError::Disconnected) => Polled::Lost,
        }
    }

    /// Whole seconds since the job started, for the progress line (it then changes once a second, not per wake).
    pub fn seconds(&self) -> u64 {
        self.started.elapsed().as_secs()
    }

    /// Waits up to `limit` for the result (tests, and a screen that must have it before going on).
    pub fn wait(&self, limit: Duration) -> Polled<T> {
        match self.result.recv_timeout(limit) {
            Ok(value) => Polled::Done(value),
            Err(mpsc::RecvTimeoutError::Timeout) => Polled::Running,
            Err(mpsc::RecvTimeoutError::Disconnected) => Polled::Lost,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_result_arrives_as_a_message_and_the_caller_is_never_blocked() {
        let (go, gate) = mpsc::channel::<()>();
        let job = Job::start("test-job", move || {
            gate.recv().ok();
            6 * 7
        })
        .unwrap();
        assert!(matches!(job.poll(), Polled::Running));
        go.send(()).unwrap();
        assert!(matches!(job.wait(Duration::from_secs(5)), Polled::Done(42)));
    }

    #[test]
    fn a_ready_job_answers_at_once_and_only_once() {
        let job = Job::ready(7);
        assert!(matches!(job.poll(), Polled::Done(7)));
        assert!(matches!(job.poll(), Polled::Lost));
    }

    #[test]
    fn a_job_that_panics_is_reported_lost_not_waited_for() {
        let job: Job<u8> = Job::start("test-panic", || panic!("boom")).unwrap();
        assert!(matches!(job.wait(Duration::from_secs(5)), Polled::Lost));
    }
}
