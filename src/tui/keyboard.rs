//! Terminal input: on Unix the terminal's bytes are read here and turned into events by [`super::decoder`], with its
//! Esc delay; elsewhere crossterm reads. Either way the rest of the program sees crossterm's `Event`s.

#[cfg(unix)]
pub use unix::Keyboard;

#[cfg(unix)]
mod unix {
    use super::super::decoder::Decoder;
    use crossterm::event::Event;
    use rustix::event::{PollFd, PollFlags, Timespec};
    use std::fs::File;
    use std::io::{self, Read};
    use std::os::fd::AsFd;
    use std::os::unix::net::UnixStream;
    use std::time::{Duration, Instant};

    /// The terminal's input and window-size changes.
    pub struct Keyboard {
        tty: File,
        /// Woken by SIGWINCH (signal-hook writes a byte): the window changed size.
        winch: UnixStream,
        decoder: Decoder,
        /// When the last byte came, which the Esc delay counts from.
        last_byte: Instant,
    }

    impl Keyboard {
        /// Reads standard input if it is the terminal, else `/dev/tty` (as crossterm's raw mode chooses).
        pub fn open(esc_delay: Duration) -> io::Result<Keyboard> {
            let stdin = io::stdin();
            let tty = if rustix::termios::isatty(stdin.as_fd()) {
                File::from(stdin.as_fd().try_clone_to_owned()?)
            } else {
                File::options().read(true).write(true).open("/dev/tty")?
            };
            let (winch, wake) = UnixStream::pair()?;
            winch.set_nonblocking(true)?;
            signal_hook::low_level::pipe::register(signal_hook::consts::SIGWINCH, wake)?;
            Ok(Keyboard {
                tty,
                winch,
                decoder: Decoder::new(esc_delay),
                last_byte: Instant::now(),
            })
        }

        /// The next event, waiting at most `timeout` for one; None if none came in that time. Bytes already
        /// waiting are read even with a zero timeout.
        pub fn next(&mut self, timeout: Duration) -> io::Result<Option<Event>> {
            let start = Instant::now();
            // Polled at least once, so a zero timeout still reads what is waiting.
            let mut polled = false;
            loop {
                if let Some(event) = self.decoder.next_event() {
                    return Ok(Some(event));
                }
                let now = Instant::now();
                let give_up = self.decoder.pending().map(|d| self.last_byte + d);
                if give_up.is_some_and(|at| now >= at) {
                    self.decoder.expire();
                    continue;
                }
                let left = timeout.saturating_sub(now - start);
                if polled && left.is_zero() {
                    return Ok(None);
                }
                polled = true;
                let wait = give_up.map_or(left, |at| left.min(at - now));
                let mut fds = [
                    PollFd::new(&self.tty, PollFlags::IN),
                    PollFd::new(&self.winch, PollFlags::IN),
                ];
                let wait = Timespec::try_from(wait).unwrap_or(Timespec {
                    tv_sec: i64::MAX,
                    tv_nsec: 0,
                });
                match rustix::event::poll(&mut fds, Some(&wait)) {
                    Ok(_) => {}
                    Err(rustix::io::Errno::INTR) => continue,
                    Err(e) => return Err(e.into()),
                }
                let tty_ready = !fds[0].revents().is_empty();
                let resized = !fds[1].revents().is_empty();
                if resized {
                    let mut drain = [0u8; 64];
                    while matches!((&self.winch).read(&mut drain), Ok(n) if n > 0) {}
                    let (cols, rows) = crossterm::terminal::size()?;
                    return Ok(Some(Event::Resize(cols, rows)));
                }
                if tty_ready {
                    let mut buf = [0u8; 1024];
                    match self.tty.read(&mut buf) {
                        Ok(0) => {
                            return Err(io::Error::new(
                                io::ErrorKind::UnexpectedEof,
                                "the terminal closed",
                            ));
                        }
                        Ok(n) => {
                            self.decoder.feed(&buf[..n]);
                            self.last_byte = Instant::now();
                        }
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                        Err(e) => return Err(e),
                    }
                }
            }
        }
    }
}

/// crossterm reads and decodes (outside Unix there is no byte stream to read).
#[cfg(not(unix))]
pub struct Keyboard;

#[cfg(not(unix))]
use {crossterm::event::Event, std::io, std::time::Duration};

#[cfg(not(unix))]
impl Keyboard {
    pub fn open(_esc_delay: Duration) -> io::Result<Keyboard> {
        Ok(Keyboard)
    }

    pub fn next(&mut self, timeout: Duration) -> io::Result<Option<Event>> {
        if crossterm::event::poll(timeout)? {
            crossterm::event::read().map(Some)
        } else {
            Ok(None)
        }
    }
}
