//! `warden demo`: build a synthetic database from a country profile and open it.

use crate::demo::{self, Country, DEMO_USERS, DemoSpec, DemoSummary, Size};
use crate::store::Store;
use anyhow::{Context, Result};
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum CountryArg {
    Uganda,
    Kazakhstan,
    Tunisia,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum SizeArg {
    /// About a dozen facilities and 2,000 prisoners
    Small,
    /// About 300 facilities, 20,000 cells and 100,000 prisoners
    National,
}

#[derive(clap::Args, Debug)]
pub struct DemoArgs {
    /// Whose proportions, places and names to use
    #[arg(long, value_enum, default_value_t = CountryArg::Uganda)]
    pub country: CountryArg,
    #[arg(long, value_enum, default_value_t = SizeArg::Small)]
    pub size: SizeArg,
    /// The same seed always gives the same records
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Build the database and print the demo accounts, without opening the TUI
    #[arg(long)]
    pub no_tui: bool,
    /// One prison's station only (a facility code of the demo estate): the people the whole demo holds there
    #[arg(long, value_name = "CODE")]
    pub site: Option<String>,
}

pub fn run(
    db: Option<&Path>,
    args: DemoArgs,
    display: crate::tui::DisplayOptions,
) -> Result<ExitCode> {
    let spec = DemoSpec {
        country: match args.country {
            CountryArg::Uganda => Country::Uganda,
            CountryArg::Kazakhstan => Country::Kazakhstan,
            CountryArg::Tunisia => Country::Tunisia,
        },
        size: match args.size {
            SizeArg::Small => Size::Small,
            SizeArg::National => Size::National,
        },
        seed: args.seed,
    };
    let path = db.map(Path::to_path_buf).unwrap_or_else(|| {
        let name = match &args.site {
            Some(code) => format!("demo-{}-{}.db", spec.country.as_str(), site_file_part(code)),
            None => format!("demo-{}.db", spec.country.as_str()),
        };
        super::data_dir().join(name)
    });
    // Refuse before the (possibly long) build, so a wrong --db is reported at once.
    demo::check_replaceable(&path)?;
    println!(
        "Building the {} demo ({}, seed {}) in {} ...",
        spec.country,
        spec.size.as_str(),
        spec.seed,
        path.display()
    );
    let started = Instant::now();
    // Most of a minute for the national demo: a line that says where it is, on a terminal only.
    let progress = super::progress::Progress::stages();
    let summary = demo::build_station(
        &path,
        &spec,
        args.site.as_deref(),
        chrono::Utc::now(),
        &mut |stage, done, total| {
            progress.say(stage_words(stage, done, total));
        },
    );
    progress.finish();
    let summary = summary?;
    print_summary(&summary, started.elapsed().as_secs_f64());
    // Whoever built the demo may try its command line as its administrator (root needs no link).
    let account = super::identity::OsAccount::invoking();
    if !account.is_root() {
        let mut store =
            Store::open(&path).with_context(|| format!("cannot open {}", path.display()))?;
        let actor = crate::store::Actor::system_now("demo").with_os_account(&account.name);
        store.link_os_account(&actor, "admin", &account.name)?;
        println!(
            "The OS account {} is linked to the demo's admin.",
            account.name
        );
    }
    if args.no_tui {
        println!("Open it with: warden --db {}", path.display());
        return Ok(ExitCode::SUCCESS);
    }
    let store = Store::open(&path).with_context(|| format!("cannot open {}", path.display()))?;
    crate::tui::run(store, display)?;
    Ok(ExitCode::SUCCESS)
}

/// A facility code as part of a file name: letters and digits kept, anything else a dash.
fn site_file_part(code: &str) -> String {
    code.trim()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect()
}

fn print_summary(s: &DemoSummary, seconds: f64) {
    let pct = |part: usize, whole: usize| DemoSummary::percent(part as u64, whole as u64);
    println!("Built {} in {seconds:.1} s: {}", s.path.display(), s.about);
    println!(
        "  {} facilities, {} units, {} cells ({} out of use), {} certified places",
        s.facilities, s.units, s.cells, s.cells_out_of_use, s.certified
    );
    println!(
        "  {} prisoners: {}% women, {}% young, {}% on remand, {} violent extremist prisoners; {}% of certified capacity",
        s.prisoners,
        pct(s.female, s.prisoners),
        pct(s.young, s.prisoners),
        pct(s.remand, s.prisoners),
        s.vep,
        DemoSummary::percent(s.prisoners as u64, s.certified)
    );
    let r = &s.rosters;
    println!(
        "  {} programmes ({} sessions cancelled), {} needs screens, {} referrals, {} places given ({} by supervisor override)",
        r.programmes, r.cancelled, r.screens, r.referrals, r.allocations, r.overrides
    );
    println!(
        "  {} attendance marks, {} completions",
        r.marks, r.completions
    );
    let c = &s.custody;
    println!(
        "  {} custody classifications ({} reclassifications, {} discretionary overrides, {} awaiting approval)",
        c.classified, c.reclassified, c.overrides, c.pending
    );
    println!(
        "  {} cases, {} release dates set by court order; {} released on their release day, {} held past it (the supervisors' alert)",
        s.cases, s.court_orders, s.released, s.held_past_release
    );
    let v = &s.restricted;
    println!(
        "  {} violent-extremism judgements, restricted to assessors and supervisors ({} awaiting approval, {} due for review)",
        v.judgements, v.pending, v.review_due
    );
    println!();
    println!("Demo accounts (for this demonstration database only):");
    println!("  {:<12} {:<17} role", "user", "password");
    for u in DEMO_USERS {
        println!("  {:<12} {:<17} {}", u.name, u.password, u.role);
    }
}

/// A stage of the demo's build in words, with the count where it has one ("Admitting people: 30000 of 100000").
fn stage_words(stage: demo::Stage, done: usize, total: usize) -> String {
    if total == 0 {
        return crate::i18n::t(stage.key());
    }
    crate::i18n::t_args(
        stage.key(),
        &[("done", done.into()), ("total", total.into())],
    )
}
