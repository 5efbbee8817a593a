//! `warden estate load`: facilities, units and cells from a TOML or CSV file.

use anyhow::{Result, bail};
use std::path::Path;
use std::process::ExitCode;

pub fn load(_db: &Path, _file: &Path, _apply: bool) -> Result<ExitCode> {
    bail!("estate load is being built")
}
