//! `warden case`: a person's cases and expected release from the command line (issue 17): list them with the
//! working and the next court date, add a case, record a sentence, correct a case as entered or remove one
//! entered in error (with the reason), set or clear a court order's date, and show or set the station's release
//! rules and remand limits. Bad input is refused with exit code 2 and a message naming the field; nothing is saved.

use super::open;
use crate::domain::sentence::{
    Case, Length, OffenceClass, Relation, ReleaseOverride, ReleaseRules, RemandLimits, Sentence,
    Warrant,
};
use crate::domain::text::display;
use crate::store::{Store, StoreError};
use anyhow::Result;
use chrono::NaiveDate;
use std::path::Path;
use std::process::ExitCode;

#[derive(clap::Subcommand, Debug)]
pub enum CaseCommand {
    /// A person's cases and expected release, with how it was worked out
    List { number: String },
    /// Add a case (a warrant) to a person's record, sentenced or not
    Add {
        number: String,
        #[command(flatten)]
        warrant: WarrantArgs,
        #[command(flatten)]
        sentence: SentenceArgs,
    },
    /// Record the sentence passed on a case, named by its warrant reference
    Sentence {
        number: String,
        #[arg(long, value_name = "REF")]
        warrant: String,
        #[command(flatten)]
        sentence: SentenceArgs,
    },
    /// Correct a case as entered, named by its warrant reference: only the options given change
    Correct {
        number: String,
        #[arg(long, value_name = "REF")]
        warrant: String,
        #[command(flatten)]
        changes: CorrectArgs,
        #[command(flatten)]
        sentence: SentenceArgs,
        /// The case has no sentence after all (it was recorded in error)
        #[arg(long, conflicts_with = "length")]
        no_sentence: bool,
    },
    /// Remove a case entered in error, named by its warrant reference, with the reason (audited)
    Remove {
        number: String,
        #[arg(long, value_name = "REF")]
        warrant: String,
        /// Why the case is removed (required)
        #[arg(long, value_name = "TEXT", default_value = "")]
        reason: String,
    },
    /// Replace the computed release with a court order's date (a reason is required), or --clear it
    Override {
        number: String,
        #[arg(long, value_name = "DATE", required_unless_present = "clear")]
        date: Option<String>,
        /// The order and why (required with --date)
        #[arg(long, value_name = "TEXT", default_value = "")]
        reason: String,
        #[arg(long, conflicts_with = "date")]
        clear: bool,
    },
    /// Show the station's release rules, or set them (administrators; docs/SENTENCES.md)
    Rules {
        /// A country's shipped preset: uganda, kazakhstan or tunisia
        #[arg(long, value_name = "COUNTRY")]
        country: Option<String>,
        /// none or day-for-day
        #[arg(long, value_name = "RULE")]
        remand_credit: Option<String>,
        /// none, or a fraction with the shortest term it applies to above, e.g. '1/3 over 31'
        #[arg(long, value_name = "RULE")]
        remission: Option<String>,
        /// Days on remand before bail is due, by offence class: none, or e.g. 'minor 60, serious 60, grave 180'
        #[arg(long, value_name = "LIMITS")]
        remand_limits: Option<String>,
    },
}

#[derive(clap::Args, Debug)]
pub struct WarrantArgs {
    /// The warrant's reference
    #[arg(long = "warrant", value_name = "REF")]
    reference: String,
    #[arg(long, value_name = "COURT")]
    court: String,
    /// The day the warrant was issued (YYYY-MM-DD)
    #[arg(long, value_name = "DATE")]
    issued: String,
    /// The day a remand warrant runs out
    #[arg(long, value_name = "DATE")]
    expires: Option<String>,
    #[arg(long, value_name = "TEXT")]
    offence: String,
    /// minor, serious, grave, civil or immigration
    #[arg(long, value_name = "CLASS")]
    class: String,
    /// The day the person came into custody on this case (default: the warrant's date)
    #[arg(long, value_name = "DATE")]
    committed: Option<String>,
}

#[derive(clap::Args, Debug)]
pub struct CorrectArgs {
    /// The warrant's reference as it should read
    #[arg(long = "new-warrant", value_name = "REF")]
    reference: Option<String>,
    #[arg(long, value_name = "COURT")]
    court: Option<String>,
    #[arg(long, value_name = "DATE")]
    issued: Option<String>,
    /// The day a remand warrant runs out ('none': it has no expiry)
    #[arg(long, value_name = "DATE")]
    expires: Option<String>,
    #[arg(long, value_name = "TEXT")]
    offence: Option<String>,
    /// minor, serious, grave, civil or immigration
    #[arg(long, value_name = "CLASS")]
    class: Option<String>,
    #[arg(long, value_name = "DATE")]
    committed: Option<String>,
}

#[derive(clap::Args, Debug)]
pub struct SentenceArgs {
    /// The sentence: e.g. '5y 6m', '18m', '90d', or 'life'
    #[arg(long = "sentence", value_name = "LENGTH", requires = "start")]
    length: Option<String>,
    /// The day the sentence runs from (YYYY-MM-DD)
    #[arg(long, value_name = "DATE", requires = "length")]
    start: Option<String>,
    /// Runs after the sentence on this warrant
    #[arg(long, value_name = "REF", conflicts_with = "concurrent_with")]
    consecutive_to: Option<String>,
    /// Runs alongside the sentence on this warrant
    #[arg(long, value_name = "REF")]
    concurrent_with: Option<String>,
}

/// Bad input: a message naming the field, exit code 2 like clap's own refusals.
fn refuse(message: impl std::fmt::Display) -> Result<ExitCode> {
    eprintln!("warden case: {message}");
    Ok(ExitCode::from(2))
}

fn date(option: &str, s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| format!("{option}: '{}' is not a date (YYYY-MM-DD)", display(s)))
}

/// The case on a person's record with this warrant reference.
fn by_reference(cases: &[Case], option: &str, reference: &str) -> Result<i64, String> {
    cases
        .iter()
        .find(|c| c.warrant.reference == reference.trim())
        .map(|c| c.id)
        .ok_or_else(|| format!("{option}: no case with warrant '{}'", display(reference)))
}

fn sentence_of(args: &SentenceArgs, cases: &[Case]) -> Result<Option<Sentence>, String> {
    let (Some(length), Some(start)) = (&args.length, &args.start) else {
        return Ok(None);
    };
    let length = Length::parse(length).ok_or_else(|| {
        format!(
            "--sentence: '{}' is not a length (e.g. '5y 6m', '18m', '90d' or 'life')",
            display(length)
        )
    })?;
    let relation = match (&args.consecutive_to, &args.concurrent_with) {
        (Some(r), _) => Relation::ConsecutiveTo(by_reference(cases, "--consecutive-to", r)?),
        (_, Some(r)) => Relation::Concurrent(Some(by_reference(cases, "--concurrent-with", r)?)),
        _ => Relation::Concurrent(None),
    };
    Ok(Some(Sentence {
        length,
        start: date("--start", start)?,
        relation,
    }))
}

/// The case named by `case_id` with the options given applied; the store checks the result.
fn corrected(
    cases: &[Case],
    case_id: i64,
    changes: &CorrectArgs,
    sentence: &SentenceArgs,
    no_sentence: bool,
) -> Result<Case, String> {
    let mut case = cases
        .iter()
        .find(|c| c.id == case_id)
        .cloned()
        .ok_or_else(|| "--warrant: no such case".to_string())?;
    if let Some(r) = &changes.reference {
        case.warrant.reference = r.clone();
    }
    if let Some(c) = &changes.court {
        case.warrant.court = c.clone();
    }
    if let Some(d) = &changes.issued {
        case.warrant.issued = date("--issued", d)?;
    }
    if let Some(d) = &changes.expires {
        case.warrant.expires = if d.trim().eq_ignore_ascii_case("none") {
            None
        } else {
            Some(date("--expires", d)?)
        };
    }
    if let Some(o) = &changes.offence {
        case.offence = o.clone();
    }
    if let Some(c) = &changes.class {
        case.class = OffenceClass::parse(c).ok_or_else(|| {
            format!(
                "--class: '{}' is not one of: minor, serious, grave, civil, immigration",
                display(c)
            )
        })?;
    }
    if let Some(d) = &changes.committed {
        case.committed = date("--committed", d)?;
    }
    if no_sentence {
        case.sentence = None;
    } else if let Some(s) = sentence_of(sentence, cases)? {
        case.sentence = Some(s);
    }
    Ok(case)
}

fn print_cases(store: &Store, id: i64, today: NaiveDate) -> Result<()> {
    for c in store.cases(id)? {
        let sentence = match &c.sentence {
            None => "not sentenced".to_string(),
            Some(s) => format!("{} from {}", s.length.text(), s.start),
        };
        println!(
            "{}  {}  {} ({}), committed {}: {sentence}",
            display(&c.warrant.reference),
            display(&c.warrant.court),
            display(&c.offence),
            c.class,
            c.committed
        );
    }
    match store.next_court(id, today)? {
        Some((day, court)) => println!("Next court: {day} at {}", display(&court.court)),
        None => println!("Next court: none recorded"),
    }
    let working = store.release_working(id)?;
    println!(
        "Expected release: {}",
        working
            .date
            .map_or_else(|| "none".to_string(), |d| d.to_string())
    );
    for step in &working.steps {
        println!("  {}", display(&step.text()));
    }
    Ok(())
}

pub fn run(db: &Path, cmd: CaseCommand) -> Result<ExitCode> {
    let (mut store, actor) = open(db)?;
    let person = |store: &Store, number: &str| -> Result<Option<i64>> {
        Ok(store
            .prisoner_by_number(number.trim())?
            .map(|r| r.prisoner.id))
    };
    let outcome = match cmd {
        CaseCommand::Rules {
            country,
            remand_credit,
            remission,
            remand_limits,
        } => {
            if country.is_none()
                && remand_credit.is_none()
                && remission.is_none()
                && remand_limits.is_none()
            {
                let rules = store.release_rules()?;
                println!("remand credit: {}", rules.remand_credit_text());
                println!("remission:     {}", rules.remission_text());
                println!("remand limits: {}", store.remand_limits()?.text());
                return Ok(ExitCode::SUCCESS);
            }
            let mut limits = match country.as_deref().map(str::trim) {
                Some(c) => RemandLimits::preset(c),
                None => store.remand_limits()?,
            };
            if let Some(l) = &remand_limits {
                match RemandLimits::parse(l) {
                    Ok(v) => limits = v,
                    Err(e) => return refuse(format!("--remand-limits: {}", display(&e))),
                }
            }
            let release_asked = country.is_some() || remand_credit.is_some() || remission.is_some();
            let mut rules = match country.as_deref().map(str::trim) {
                Some(c @ ("uganda" | "kazakhstan" | "tunisia")) => ReleaseRules::preset(c),
                Some(other) => {
                    return refuse(format!(
                        "--country: '{}' has no preset (uganda, kazakhstan or tunisia)",
                        display(other)
                    ));
                }
                None => store.release_rules()?,
            };
            if let Some(r) = &remand_credit {
                match ReleaseRules::parse_remand_credit(r) {
                    Ok(v) => rules.remand_credit = v,
                    Err(e) => return refuse(format!("--remand-credit: {}", display(&e))),
                }
            }
            if let Some(r) = &remission {
                match ReleaseRules::parse_remission(r) {
                    Ok(v) => rules.remission = v,
                    Err(e) => return refuse(format!("--remission: {}", display(&e))),
                }
            }
            if country.is_some() || remand_limits.is_some() {
                match store.set_remand_limits(&actor, &limits) {
                    Ok(()) => println!("Remand limits set: {}.", limits.text()),
                    Err(StoreError::Invalid(message)) => {
                        return refuse(display(&message.to_string()));
                    }
                    Err(e) => return Err(e.into()),
                }
            }
            if !release_asked {
                return Ok(ExitCode::SUCCESS);
            }
            store.set_release_rules(&actor, &rules).map(|changed| {
                println!(
                    "Release rules set: remand credit {}, remission {}; {changed} expected release dates changed.",
                    rules.remand_credit_text(),
                    rules.remission_text()
                );
                None
            })
        }
        CaseCommand::List { number } => {
            let Some(id) = person(&store, &number)? else {
                return refuse(format!("no prisoner numbered '{}'", display(&number)));
            };
            print_cases(&store, id, actor.at.date_naive())?;
            return Ok(ExitCode::SUCCESS);
        }
        CaseCommand::Add {
            number,
            warrant,
            sentence,
        } => {
            let Some(id) = person(&store, &number)? else {
                return refuse(format!("no prisoner numbered '{}'", display(&number)));
            };
            let cases = store.cases(id)?;
            let issued = match date("--issued", &warrant.issued) {
                Ok(d) => d,
                Err(e) => return refuse(e),
            };
            let expires = match warrant.expires.as_deref().map(|e| date("--expires", e)) {
                Some(Err(e)) => return refuse(e),
                Some(Ok(d)) => Some(d),
                None => None,
            };
            let committed = match warrant.committed.as_deref().map(|c| date("--committed", c)) {
                Some(Err(e)) => return refuse(e),
                Some(Ok(d)) => d,
                None => issued,
            };
            let Some(class) = OffenceClass::parse(&warrant.class) else {
                return refuse(format!(
                    "--class: '{}' is not one of: minor, serious, grave, civil, immigration",
                    display(&warrant.class)
                ));
            };
            let sentence = match sentence_of(&sentence, &cases) {
                Ok(s) => s,
                Err(e) => return refuse(e),
            };
            let case = Case {
                id: 0,
                warrant: Warrant {
                    reference: warrant.reference,
                    court: warrant.court,
                    issued,
                    expires,
                },
                offence: warrant.offence,
                class,
                committed,
                sentence,
            };
            store.add_case(&actor, id, &case).map(|_| Some(id))
        }
        CaseCommand::Sentence {
            number,
            warrant,
            sentence,
        } => {
            let Some(id) = person(&store, &number)? else {
                return refuse(format!("no prisoner numbered '{}'", display(&number)));
            };
            let cases = store.cases(id)?;
            let case_id = match by_reference(&cases, "--warrant", &warrant) {
                Ok(c) => c,
                Err(e) => return refuse(e),
            };
            let sentence = match sentence_of(&sentence, &cases) {
                Ok(Some(s)) => s,
                Ok(None) => return refuse("--sentence: required, with --start"),
                Err(e) => return refuse(e),
            };
            store
                .set_sentence(&actor, case_id, Some(&sentence))
                .map(|()| Some(id))
        }
        CaseCommand::Correct {
            number,
            warrant,
            changes,
            sentence,
            no_sentence,
        } => {
            let Some(id) = person(&store, &number)? else {
                return refuse(format!("no prisoner numbered '{}'", display(&number)));
            };
            let cases = store.cases(id)?;
            let case_id = match by_reference(&cases, "--warrant", &warrant) {
                Ok(c) => c,
                Err(e) => return refuse(e),
            };
            match corrected(&cases, case_id, &changes, &sentence, no_sentence) {
                Ok(case) => store.update_case(&actor, case_id, &case).map(|()| Some(id)),
                Err(e) => return refuse(e),
            }
        }
        CaseCommand::Remove {
            number,
            warrant,
            reason,
        } => {
            let Some(id) = person(&store, &number)? else {
                return refuse(format!("no prisoner numbered '{}'", display(&number)));
            };
            let cases = store.cases(id)?;
            let case_id = match by_reference(&cases, "--warrant", &warrant) {
                Ok(c) => c,
                Err(e) => return refuse(e),
            };
            store
                .remove_case(&actor, case_id, &reason)
                .map(|()| Some(id))
        }
        CaseCommand::Override {
            number,
            date: day,
            reason,
            clear,
        } => {
            let Some(id) = person(&store, &number)? else {
                return refuse(format!("no prisoner numbered '{}'", display(&number)));
            };
            let order = match (clear, day) {
                (true, _) => None,
                (false, Some(d)) => match date("--date", &d) {
                    Ok(date) => Some(ReleaseOverride { date, reason }),
                    Err(e) => return refuse(e),
                },
                (false, None) => return refuse("--date: required unless --clear"),
            };
            store
                .set_release_override(&actor, id, order.as_ref())
                .map(|()| Some(id))
        }
    };
    match outcome {
        Ok(shown) => {
            if let Some(id) = shown {
                print_cases(&store, id, actor.at.date_naive())?;
            }
            Ok(ExitCode::SUCCESS)
        }
        // The domain's refusal names the field; nothing was written.
        Err(StoreError::Invalid(message)) => refuse(display(&message.to_string())),
        Err(e) => Err(e.into()),
    }
}
