//! Where printed bytes go: a file, the station's printer through CUPS `lp` (bytes on its standard input), or
//! the printer attached to the user's own terminal through the ANSI printer passthrough (`ESC [ 5 i` ...
//! `ESC [ 4 i`, which PuTTY and xterm hand to the local printer). Also the choice a user last made, kept so the
//! next print starts from it.

use super::Format;
use super::Paper;
use crate::domain::text;
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

#[derive(Debug, thiserror::Error)]
pub enum PrintError {
    #[error("cannot render the report: {0}")]
    Render(String),
    #[error("{path}: cannot write the file ({reason})")]
    File { path: PathBuf, reason: String },
    #[error(
        "`{program}` was not found: install the CUPS client (Debian: apt-get install cups-client) or print \
         to a file with --out"
    )]
    NoLp { program: String },
    #[error("lp: {0}")]
    Lp(String),
    #[error(
        "lp did not answer within {seconds} s and was stopped; the printer may still print it: check its queue \
         (lpstat -o) before printing again"
    )]
    LpTimeout { seconds: u64 },
    #[error("{0}")]
    Invalid(String),
    #[error("terminal: {0}")]
    Terminal(String),
}

/// Where a print goes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Destination {
    File(PathBuf),
    /// The station's printer through `lp`; no name means the station's default printer.
    Printer {
        name: Option<String>,
        copies: u32,
    },
    /// The printer attached to the user's own terminal (text only).
    Passthrough,
}

impl Destination {
    /// In words, for the message line and the audit trail.
    pub fn describe(&self) -> String {
        match self {
            Destination::File(p) => format!("file {}", p.display()),
            Destination::Printer { name, copies } => format!(
                "printer {} ({copies} {})",
                name.as_deref().unwrap_or("(station default)"),
                if *copies == 1 { "copy" } else { "copies" }
            ),
            Destination::Passthrough => "the terminal's printer".into(),
        }
    }
}

/// Copies one `lp` request may ask for.
pub const MAX_COPIES: u32 = 99;

/// What a user chose last time, remembered in the `setting` table under `print.<user>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choice {
    pub format: Format,
    pub paper: Paper,
    pub destination: Destination,
}

impl Default for Choice {
    fn default() -> Self {
        Choice {
            format: Format::Text,
            paper: Paper::A4,
            destination: Destination::Printer {
                name: None,
                copies: 1,
            },
        }
    }
}

impl Choice {
    /// The setting a user's choice is kept under.
    pub fn setting_key(user: &str) -> crate::domain::settings::Setting {
        crate::domain::settings::Setting::PrintChoice(user.to_string())
    }

    /// A stored choice; anything unreadable (an older shape, a hand edit) gives the default, never an error.
    pub fn parse(stored: Option<&str>) -> Choice {
        stored
            .and_then(|s| serde_json::from_str(s).ok())
            .unwrap_or_default()
    }

    pub fn to_json(&self) -> String {
        // A struct of plain enums, strings and numbers always serialises.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Refuses combinations that cannot work, before anything is rendered.
    pub fn check(&self) -> Result<(), PrintError> {
        if self.destination == Destination::Passthrough && self.format != Format::Text {
            return Err(PrintError::Invalid(
                "the terminal's printer takes text only: choose --format text".into(),
            ));
        }
        if let Destination::Printer { name, copies } = &self.destination {
            if !(1..=MAX_COPIES).contains(copies) {
                return Err(PrintError::Invalid(format!(
                    "--copies must be 1 to {MAX_COPIES}, not {copies}"
                )));
            }
            if let Some(n) = name {
                check_printer_name(n)?;
            }
        }
        Ok(())
    }
}

/// CUPS printer names are letters, digits and `_-.@`; a leading `-` would read as an option to `lp`.
pub fn check_printer_name(name: &str) -> Result<(), PrintError> {
    let ok = !name.is_empty()
        && !name.starts_with('-')
        && name.len() <= 127
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '@'));
    if ok {
        Ok(())
    } else {
        // Said the same from the preview's Printer field and the command line's --lp: both name the printer.
        Err(PrintError::Invalid(crate::i18n::t_args(
            "print-bad-printer-name",
            &[("name", text::display(name).into_owned().into())],
        )))
    }
}

/// The bytes for the terminal: printer on, the text with CR LF line ends (a raw printer given LF alone
/// steps each line right), printer off. The text has no ESC of its own: the layout replaced every control
/// character except the form feeds and newlines it wrote itself.
pub fn passthrough(text: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() + text.len() / 40 + 8);
    out.extend_from_slice(b"\x1b[5i");
    for &b in text {
        if b == b'\n' {
            out.push(b'\r');
        }
        out.push(b);
    }
    out.extend_from_slice(b"\x1b[4i");
    out
}

/// How long `lp` may take to accept a print before it is stopped: a print server that is down or a printer
/// queue that is stuck must not hold the screen (or a script) for ever. WARDEN_LP_TIMEOUT (seconds) changes it
/// for a site whose print server is slow to answer.
pub const LP_TIMEOUT_SECONDS: u64 = 30;

pub fn lp_timeout() -> std::time::Duration {
    let seconds = std::env::var("WARDEN_LP_TIMEOUT")
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .filter(|&s| s > 0)
        .unwrap_or(LP_TIMEOUT_SECONDS);
    std::time::Duration::from_secs(seconds)
}

/// The program run for the station's printer: `lp`, or WARDEN_LP (a wrapper script, or a test double).
pub fn lp_program() -> String {
    std::env::var("WARDEN_LP").unwrap_or_else(|_| "lp".into())
}

/// Sends rendered bytes; `terminal` receives passthrough output, and a file is created with `file_mode` (the
/// database's own: reports name people). Returns what happened, in words.
pub fn send(
    bytes: &[u8],
    destination: &Destination,
    terminal: &mut dyn Write,
    file_mode: u32,
) -> Result<String, PrintError> {
    match destination {
        Destination::File(path) => {
            let mut f = create_file(path, file_mode)?;
            f.write_all(bytes)
                .and_then(|()| f.flush())
                .map_err(|e| PrintError::File {
                    path: path.to_path_buf(),
                    reason: e.to_string(),
                })?;
            Ok(format!("written to {}", path.display()))
        }
        Destination::Printer { name, copies } => lp(&lp_program(), name.as_deref(), *copies, bytes),
        Destination::Passthrough => {
            terminal
                .write_all(&passthrough(bytes))
                .and_then(|()| terminal.flush())
                .map_err(|e| PrintError::Terminal(e.to_string()))?;
            Ok("sent to the terminal's printer".into())
        }
    }
}

/// Creates (or empties) `path` with exactly `mode` on Unix, so a printed report is no more readable than the
/// database and, in a group set-up, as readable: the process umask (often 022) would otherwise take the group's
/// write bit away and lock the rest of the staff out of a file they share.
pub fn create_file(path: &Path, mode: u32) -> Result<std::fs::File, PrintError> {
    let failed = |e: std::io::Error| PrintError::File {
        path: path.to_path_buf(),
        reason: e.to_string(),
    };
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, mode);
    let file = options.open(path).map_err(failed)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let meta = file.metadata().map_err(failed)?;
        // Only a file this account owns can be changed; another's file keeps the mode its owner gave it.
        if meta.permissions().mode() & 0o777 != mode {
            let _ = file.set_permissions(std::fs::Permissions::from_mode(mode));
        }
    }
    #[cfg(not(unix))]
    let _ = mode;
    Ok(file)
}

/// The mode of the folder that holds printed files: the file mode plus search permission where it can be read,
/// and, when the group shares the files, set-group-id so every file made in it belongs to the folder's group.
pub fn dir_mode(file_mode: u32) -> u32 {
    let searchable = file_mode | ((file_mode & 0o444) >> 2);
    if file_mode & 0o060 != 0 {
        searchable | 0o2000
    } else {
        searchable
    }
}

/// Creates `dir` (and its parents) for printed files with `dir_mode(file_mode)`, whatever the umask. In a group
/// set-up the folder is given the group of `database` (the group the staff share), so the next officer, signed in
/// as another account, can write their prints beside this one's. A folder made earlier by this account is brought
/// to the same mode and group; one made by another account is left as it is.
pub fn create_dir(dir: &Path, file_mode: u32, database: &Path) -> Result<(), PrintError> {
    let failed = |e: std::io::Error| PrintError::File {
        path: dir.to_path_buf(),
        reason: e.to_string(),
    };
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, dir_mode(file_mode));
    builder.create(dir).map_err(failed)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        let meta = std::fs::metadata(dir).map_err(failed)?;
        if meta.uid() == rustix::process::geteuid().as_raw() {
            if file_mode & 0o060 != 0
                && let Ok(db) = std::fs::metadata(database)
                && db.gid() != meta.gid()
            {
                std::os::unix::fs::chown(dir, None, Some(db.gid())).map_err(failed)?;
            }
            let want = dir_mode(file_mode);
            if meta.permissions().mode() & 0o7777 != want {
                std::fs::set_permissions(dir, std::fs::Permissions::from_mode(want))
                    .map_err(failed)?;
            }
        }
    }
    #[cfg(not(unix))]
    let _ = database;
    Ok(())
}

fn lp(
    program: &str,
    printer: Option<&str>,
    copies: u32,
    bytes: &[u8],
) -> Result<String, PrintError> {
    let mut cmd = Command::new(program);
    if let Some(p) = printer {
        check_printer_name(p)?;
        cmd.arg("-d").arg(p);
    }
    cmd.arg("-n").arg(copies.to_string());
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => PrintError::NoLp {
            program: program.to_string(),
        },
        _ => PrintError::Lp(e.to_string()),
    })?;
    // Fed and waited for on a thread of its own, so that an lp that stops reading or never ends is given up on
    // after the timeout instead of blocking here for ever.
    let pid = child.id();
    let input = bytes.to_vec();
    let (done, answer) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let fed = child
            .stdin
            .take()
            .map(|mut stdin| stdin.write_all(&input))
            .transpose();
        let _ = done.send((fed, child.wait_with_output()));
    });
    let limit = lp_timeout();
    let (fed, out) = match answer.recv_timeout(limit) {
        Ok(answer) => answer,
        Err(_) => {
            #[cfg(unix)]
            if let Some(pid) = rustix::process::Pid::from_raw(pid as i32) {
                let _ = rustix::process::kill_process(pid, rustix::process::Signal::KILL);
            }
            return Err(PrintError::LpTimeout {
                seconds: limit.as_secs(),
            });
        }
    };
    let out = out.map_err(|e| PrintError::Lp(e.to_string()))?;
    let said = |b: &[u8]| text::display(String::from_utf8_lossy(b).trim()).into_owned();
    if !out.status.success() {
        let why = said(&out.stderr);
        return Err(PrintError::Lp(if why.is_empty() {
            format!("exited with {}", out.status)
        } else {
            why
        }));
    }
    fed.map_err(|e| PrintError::Lp(format!("could not send the report: {e}")))?;
    let reply = said(&out.stdout);
    Ok(if reply.is_empty() {
        "sent to the printer".into()
    } else {
        format!("sent to the printer ({reply})")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn prints_follow_the_group_setting_whatever_the_umask() {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o7777;
        let tmp = tempfile::tempdir().unwrap();
        let database = tmp.path().join("warden.db");
        std::fs::write(&database, b"").unwrap();
        // The usual umask takes the group's write bit from anything created with 0660.
        let old = rustix::process::umask(rustix::fs::Mode::from_raw_mode(0o022));
        let shared = tmp.path().join("shared");
        create_dir(&shared, 0o660, &database).unwrap();
        let file = shared.join("roster.txt");
        drop(create_file(&file, 0o660).unwrap());
        let private = tmp.path().join("private");
        create_dir(&private, 0o600, &database).unwrap();
        let own = private.join("roster.txt");
        drop(create_file(&own, 0o600).unwrap());
        rustix::process::umask(old);
        assert_eq!(mode(&shared), 0o2770);
        assert_eq!(mode(&file), 0o660);
        assert_eq!(mode(&private), 0o700);
        assert_eq!(mode(&own), 0o600);
        // A folder made before in owner-only mode is opened to the group when the station switches.
        create_dir(&private, 0o660, &database).unwrap();
        assert_eq!(mode(&private), 0o2770);
    }

    #[test]
    fn passthrough_wraps_the_text_and_ends_lines_with_cr_lf() {
        assert_eq!(
            passthrough(b"a\nb\x0c"),
            b"\x1b[5ia\r\nb\x0c\x1b[4i".to_vec()
        );
    }

    #[test]
    fn choices_round_trip_and_bad_ones_are_refused() {
        let c = Choice {
            format: Format::Pdf,
            paper: Paper::Letter,
            destination: Destination::Printer {
                name: Some("landing-b".into()),
                copies: 3,
            },
        };
        assert_eq!(Choice::parse(Some(&c.to_json())), c);
        assert_eq!(Choice::parse(Some("{not json")), Choice::default());
        assert!(c.check().is_ok());
        let mut bad = c.clone();
        bad.destination = Destination::Printer {
            name: Some("-o evil".into()),
            copies: 1,
        };
        assert!(bad.check().is_err());
        bad.destination = Destination::Printer {
            name: None,
            copies: 0,
        };
        assert!(bad.check().unwrap_err().to_string().contains("--copies"));
        bad.destination = Destination::Passthrough;
        assert!(bad.check().is_err());
    }

    #[test]
    fn a_missing_lp_is_named() {
        let e = lp("/nonexistent/lp-for-test", None, 1, b"x").unwrap_err();
        assert!(matches!(e, PrintError::NoLp { .. }), "{e}");
        assert!(e.to_string().contains("--out"));
    }
}
