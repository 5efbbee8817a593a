//! Whether the line to the terminal is slow: a flag, the environment, a service setting, or the tty's own speed.
//!
//! On a slow line (a 9600-baud serial console, a poor mobile link) the screens hold back redraws that cost
//! hundreds of bytes per key, such as a search's result list, until typing pauses. A real serial line reports its
//! speed through termios; an SSH pseudo-terminal always reports 38400 whatever the link behind it, so over SSH
//! `--slow-link` or `WARDEN_SLOW_LINK=1` is the way to say it.

/// Output speeds at or below this are taken for a serial line (SSH and local pseudo-terminals report 38400).
pub const SLOW_BAUD: u32 = 19200;

/// Reads a yes/no word: `1`, `true`, `yes`, `on` or `0`, `false`, `no`, `off` (any case); None for anything else.
fn yes_no(value: &str) -> Option<bool> {
    match value.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Some(true),
        "0" | "false" | "no" | "off" => Some(false),
        _ => None,
    }
}

/// Decides the line speed. The flag says slow; otherwise the environment (`WARDEN_SLOW_LINK`), then the service
/// setting, each either way; otherwise the terminal's output speed, when it has one (0 means none: a hang-up).
pub fn is_slow(flag: bool, env: Option<&str>, setting: Option<&str>, baud: Option<u32>) -> bool {
    if flag {
        return true;
    }
    if let Some(said) = env.and_then(yes_no).or_else(|| setting.and_then(yes_no)) {
        return said;
    }
    baud.is_some_and(|b| b > 0 && b <= SLOW_BAUD)
}

/// The output speed of the terminal on standard output (else standard input), in baud, from termios.
#[cfg(unix)]
pub fn output_baud() -> Option<u32> {
    use rustix::termios::tcgetattr;
    tcgetattr(rustix::stdio::stdout())
        .or_else(|_| tcgetattr(rustix::stdio::stdin()))
        .ok()
        .map(|t| t.output_speed())
}

#[cfg(not(unix))]
pub fn output_baud() -> Option<u32> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_serial_line_is_slow_and_a_pseudo_terminal_is_not() {
        assert!(is_slow(false, None, None, Some(9600)));
        assert!(is_slow(false, None, None, Some(19200)));
        assert!(
            !is_slow(false, None, None, Some(38400)),
            "SSH ptys say 38400"
        );
        assert!(
            !is_slow(false, None, None, Some(0)),
            "B0 is a hang-up, not a speed"
        );
        assert!(!is_slow(false, None, None, None), "not a terminal");
    }

    #[test]
    fn the_flag_environment_and_setting_say_it_over_ssh() {
        assert!(is_slow(true, None, None, Some(38400)));
        assert!(is_slow(false, Some("1"), None, Some(38400)));
        assert!(is_slow(false, None, Some("yes"), Some(38400)));
        // The environment wins over the setting, either way; an unreadable value is ignored.
        assert!(!is_slow(false, Some("0"), Some("1"), Some(38400)));
        assert!(
            !is_slow(false, Some("off"), None, Some(9600)),
            "a person may want per-letter results"
        );
        assert!(is_slow(false, Some("maybe"), Some("on"), None));
        assert!(is_slow(false, Some("TRUE"), None, None));
        // The flag cannot be undone by the environment: it was typed for this session.
        assert!(is_slow(true, Some("0"), None, None));
    }
}
