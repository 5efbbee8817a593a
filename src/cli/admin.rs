//! Subcommands for setting up and checking a database: init, user, prisoner search, check, audit verify.

use super::{UserCommand, cli_actor, open, open_read_only, password};
use crate::domain::auth::Role;
use crate::domain::text::{display, fit};
use crate::store::{GuardProblem, Store};
use anyhow::{Context, Result, bail};
use std::path::Path;
use std::process::ExitCode;

pub fn init(db: &Path, admin: &str, password_stdin: bool) -> Result<ExitCode> {
    crate::domain::auth::check_user_name(admin).map_err(anyhow::Error::msg)?;
    // Check the key setting and the file before asking for a password, so a refusal comes at once.
    crate::store::check_key_setting()?;
    if db.exists() {
        let store =
            Store::open(db).with_context(|| format!("cannot initialise {}", db.display()))?;
        if !store.is_empty()? {
            bail!(
                "{}: already holds a warden database; refusing to overwrite it",
                db.display()
            );
        }
    }
    let password = password::read_new(password_stdin, admin)?;
    crate::domain::auth::check_new_password(&password).map_err(anyhow::Error::msg)?;
    let mut store = Store::create(db)?;
    store.add_user(&cli_actor(), admin, Role::Admin, &password)?;
    println!("Created {} with administrator {admin}.", db.display());
    Ok(ExitCode::SUCCESS)
}

pub fn user(db: &Path, cmd: UserCommand) -> Result<ExitCode> {
    let mut store = open(db)?;
    match cmd {
        UserCommand::Add {
            name,
            role,
            password_stdin,
        } => {
            crate::domain::auth::check_user_name(&name).map_err(anyhow::Error::msg)?;
            if store.user(&name)?.is_some() {
                bail!("user name '{name}': already taken");
            }
            let password = password::read_new(password_stdin, &name)?;
            store.add_user(&cli_actor(), &name, role, &password)?;
            println!("Added {name} ({role}).");
        }
        UserCommand::List => {
            let mut lines = vec![format!("{:<24} {:<10} status", "name", "role")];
            let now = chrono::Utc::now();
            for u in store.users()? {
                let status = if u.disabled {
                    "locked by administrator".to_string()
                } else if let Some(until) = u.locked_until.filter(|t| *t > now) {
                    format!(
                        "locked until {} UTC (failed logins)",
                        until.format("%Y-%m-%d %H:%M")
                    )
                } else {
                    "active".to_string()
                };
                lines.push(format!("{:<24} {:<10} {status}", u.name, u.role.as_str()));
            }
            print_lines(lines)?;
        }
        UserCommand::Lock { name } => {
            store.set_user_locked(&cli_actor(), &name, true)?;
            println!("Locked {name}.");
        }
        UserCommand::Unlock { name } => {
            store.set_user_locked(&cli_actor(), &name, false)?;
            println!("Unlocked {name}.");
        }
        UserCommand::ResetPassword {
            name,
            password_stdin,
        } => {
            // Refuse an unknown name before asking for a password nobody will use.
            if store.user(&name)?.is_none() {
                bail!("user '{name}': no such user");
            }
            let password = password::read_new(password_stdin, &name)?;
            let row = store.reset_password(&cli_actor(), &name, &password)?;
            println!("New password set for {name}; failed sign-ins cleared.");
            if row.disabled {
                println!(
                    "{name} is still locked by an administrator: `warden user unlock {name}` lifts that."
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes lines to standard output; a reader that stops early (`| head`) ends the output quietly.
pub(crate) fn print_lines(lines: impl IntoIterator<Item = String>) -> std::io::Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    for line in lines {
        match writeln!(out, "{line}") {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return Ok(()),
            other => other?,
        }
    }
    match out.flush() {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

pub fn search(db: &Path, query: &str, limit: usize) -> Result<ExitCode> {
    let store = open_read_only(db)?;
    let hits = store.search(query, limit)?;
    print_lines(hits.iter().map(|h| {
        let names = if h.given_names.is_empty() {
            h.family_name.clone()
        } else {
            format!("{}, {}", h.family_name, h.given_names)
        };
        format!(
            "{}\t{}\t{}\t{}",
            display(&h.number),
            display(&fit(&names, 60)),
            display(&h.facility),
            h.status()
        )
    }))?;
    if hits.is_empty() {
        eprintln!("no prisoner matches '{}'", display(query));
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

pub fn check(db: &Path) -> Result<ExitCode> {
    // Read-only: a check reports what it finds; the next write-capable open repairs guards (audited).
    let store = open_read_only(db)?;
    let mut ok = true;
    let problems = store.integrity_problems()?;
    if problems.is_empty() {
        println!("integrity: ok");
        println!("foreign keys: ok");
    } else {
        ok = false;
        for p in problems {
            println!("{p}");
        }
    }
    match store.verify_audit()? {
        None => println!("audit chain: ok"),
        Some(b) => {
            ok = false;
            println!("audit chain: BROKEN at {b}");
        }
    }
    let guards = store.guard_problems()?;
    if guards.is_empty() {
        println!("guard triggers: ok");
    } else {
        ok = false;
        for g in &guards {
            println!("guard triggers: {g}");
        }
        if guards
            .iter()
            .any(|g| !matches!(g, GuardProblem::Unknown(_)))
        {
            println!(
                "  (someone changed the schema outside warden; the next warden session or command that writes \
                 puts the guards back and audits it)"
            );
        }
    }
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

pub fn audit_verify(db: &Path) -> Result<ExitCode> {
    let store = open_read_only(db)?;
    match store.verify_audit()? {
        None => {
            println!("audit chain: ok");
            Ok(ExitCode::SUCCESS)
        }
        Some(b) => {
            println!("audit chain broken: {b}");
            Ok(ExitCode::FAILURE)
        }
    }
}
