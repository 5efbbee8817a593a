//! `warden report placements|overcrowding|segregation`: the same 80-column text the report screen shows, for
//! printing (`warden report overcrowding | lp`).

use super::admin::print_lines;
use super::open;
use crate::report::{self, Kind};
use anyhow::Result;
use std::path::Path;
use std::process::ExitCode;

pub fn run(db: &Path, kind: Kind) -> Result<ExitCode> {
    let store = open(db)?;
    let lines = report::lines(&store, kind, chrono::Utc::now())?;
    print_lines(lines)?;
    Ok(ExitCode::SUCCESS)
}
