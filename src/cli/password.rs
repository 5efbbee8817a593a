//! Reading a new password: typed twice without echo, or one line from standard input for scripts.

use anyhow::{Result, bail};
use std::io::BufRead;

pub fn read_new(from_stdin: bool, whose: &str) -> Result<String> {
    if from_stdin {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        let password = line.trim_end_matches(['\n', '\r']).to_string();
        if password.is_empty() {
            bail!("no password on standard input");
        }
        return Ok(password);
    }
    let first = rpassword::prompt_password(format!("New password for {whose}: "))?;
    let second = rpassword::prompt_password("Type it again: ")?;
    if first != second {
        bail!("the two passwords differ; nothing was changed");
    }
    Ok(first)
}
