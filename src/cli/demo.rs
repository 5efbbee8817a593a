//! `warden demo`: build a synthetic database from a country profile and open it.

use anyhow::{Result, bail};
use std::path::Path;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct DemoArgs {
    #[arg(long, default_value = "uganda")]
    pub country: String,
    #[arg(long, default_value = "small")]
    pub size: String,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    #[arg(long)]
    pub no_tui: bool,
}

pub fn run(
    _db: Option<&Path>,
    _args: DemoArgs,
    _display: crate::tui::DisplayOptions,
) -> Result<ExitCode> {
    bail!("demo generation is being built")
}
