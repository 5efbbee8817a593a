//! Subcommands for setting up and checking a database: init, user, prisoner search, check, audit verify.

use super::{UserCommand, open, open_read_only, password};
use crate::domain::auth::{Need, Permission, Role};
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
    // The first administrator is made by whoever creates the file; their OS account is linked to it, so
    // the command line knows them from now on (root needs no link: it acts as the station administrator).
    let account = super::identity::OsAccount::invoking();
    let actor = crate::store::Actor::system_now("init").with_os_account(&account.name);
    store.add_user(&actor, admin, Role::Admin, &password)?;
    println!("Created {} with administrator {admin}.", db.display());
    if !account.is_root() {
        store.link_os_account(&actor, admin, &account.name)?;
        println!("The OS account {} is linked to {admin}.", account.name);
    }
    Ok(ExitCode::SUCCESS)
}

pub fn user(db: &Path, cmd: UserCommand) -> Result<ExitCode> {
    let (mut store, actor) = open(db)?;
    match cmd {
        UserCommand::Add {
            name,
            role,
            password_stdin,
            os_account,
        } => {
            crate::domain::auth::check_user_name(&name).map_err(anyhow::Error::msg)?;
            // Refused before a password is asked for: the role, the name, the account to link.
            store.authorise(
                &actor,
                Need::To(Permission::ManageUsers),
                &format!("user {name}"),
            )?;
            if store.user(&name)?.is_some() {
                bail!("user name '{name}': already taken");
            }
            if let Some(account) = &os_account {
                check_linkable(&store, account)?;
            }
            let password = password::read_new(password_stdin, &name)?;
            store.add_user(&actor, &name, role, &password)?;
            println!("Added {name} ({role}).");
            if let Some(account) = os_account {
                store.link_os_account(&actor, &name, &account)?;
                println!("The OS account {account} is linked to {name}.");
            }
        }
        UserCommand::Link { name, os_account } => {
            store.authorise(
                &actor,
                Need::To(Permission::ManageUsers),
                &format!("user {name}"),
            )?;
            check_linkable(&store, &os_account)?;
            store.link_os_account(&actor, &name, &os_account)?;
            println!("The OS account {os_account} is linked to {name}.");
        }
        UserCommand::List => {
            store.authorise(&actor, Need::To(Permission::ManageUsers), "users")?;
            let mut lines = vec![format!(
                "{:<24} {:<10} {:<16} status",
                "name", "role", "os account"
            )];
            let now = chrono::Utc::now();
            let links = store.os_links()?;
            for u in store.users()? {
                let account = links
                    .iter()
                    .find(|(_, user)| *user == u.name)
                    .map_or("-", |(account, _)| account.as_str());
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
                lines.push(format!(
                    "{:<24} {:<10} {:<16} {status}",
                    u.name,
                    u.role.as_str(),
                    display(account)
                ));
            }
            print_lines(lines)?;
        }
        UserCommand::Lock { name } => {
            store.set_user_locked(&actor, &name, true)?;
            println!("Locked {name}.");
        }
        UserCommand::Unlock { name } => {
            store.set_user_locked(&actor, &name, false)?;
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
            let row = store.reset_password(&actor, &name, &password)?;
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

/// Refuses an account the system does not know, or one already linked, naming it.
fn check_linkable(store: &Store, account: &str) -> Result<()> {
    if !super::identity::account_exists(account) {
        bail!(
            "os account '{}': no such account on this system",
            display(account)
        );
    }
    if let Some(user) = store.user_for_os_account(account)? {
        bail!(
            "os account '{}': already linked to warden user '{}'",
            display(account),
            user.name
        );
    }
    Ok(())
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
    let (mut store, actor) = open_read_only(db)?;
    store.authorise(&actor, Need::To(Permission::ViewRegister), "register")?;
    let hits = store.search(query, limit)?;
    let today = chrono::Utc::now().date_naive();
    print_lines(hits.iter().map(|h| {
        let names = h.shown_name(60);
        // Age as a column of its own (after the name), with "child" under 18.
        format!(
            "{}\t{}\t{}\t{}\t{}",
            display(&h.number),
            display(&fit(&names, 60)),
            h.age_shown(today),
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
    let (mut store, actor) = open_read_only(db)?;
    store.authorise(&actor, Need::To(Permission::ViewRegister), "database")?;
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
            // Two lines, so each fits 80 columns.
            println!("  (changed outside warden; the next session or command that writes puts");
            println!("   the guards back and records that in the audit trail)");
        }
    }
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

pub fn audit_verify(db: &Path, head: Option<&str>) -> Result<ExitCode> {
    let (mut store, actor) = open_read_only(db)?;
    store.authorise(&actor, Need::To(Permission::ViewRegister), "audit")?;
    if let Some(b) = store.verify_audit()? {
        println!("audit chain broken: {b}");
        return Ok(ExitCode::FAILURE);
    }
    println!("audit chain: ok");
    let Some(head) = head else {
        return Ok(ExitCode::SUCCESS);
    };
    let head = head.trim();
    match store.audit_row_with_hash(head)? {
        Some(id) => {
            let newest = store.audit_head()?.map_or(0, |(n, _)| n);
            println!(
                "head: ok, the chain still holds it (record {id}; {} written since)",
                newest - id
            );
            Ok(ExitCode::SUCCESS)
        }
        None => {
            println!(
                "head: NOT FOUND: the chain no longer holds {}; records written up to it were removed or \
                 replaced",
                display(head)
            );
            Ok(ExitCode::FAILURE)
        }
    }
}

pub fn audit_head(db: &Path) -> Result<ExitCode> {
    let (mut store, actor) = open_read_only(db)?;
    store.authorise(&actor, Need::To(Permission::ViewRegister), "audit")?;
    match store.audit_head()? {
        Some((rows, hash)) => {
            println!("head: {hash}");
            println!("rows: {rows}");
            println!("taken: {}", chrono::Utc::now().format("%Y-%m-%d %H:%M UTC"));
        }
        None => println!("head: none (the trail is empty)"),
    }
    Ok(ExitCode::SUCCESS)
}

/// Filters of `warden audit show`.
#[derive(clap::Args, Debug)]
pub struct AuditShowArgs {
    /// Rows on or after this day (YYYY-MM-DD)
    #[arg(long, value_name = "DATE")]
    since: Option<chrono::NaiveDate>,
    /// Rows on or before this day (YYYY-MM-DD)
    #[arg(long, value_name = "DATE")]
    until: Option<chrono::NaiveDate>,
    /// Rows by this warden user (command-line rows by their linked user too)
    #[arg(long, value_name = "NAME")]
    actor: Option<String>,
    /// Rows about this kind of thing (prisoner, staff, assessment, permission, ...)
    #[arg(long, value_name = "KIND")]
    entity: Option<String>,
    /// Rows about this one (a prisoner's id, a user's name, a permission's name for refusals)
    #[arg(long, value_name = "ID")]
    id: Option<String>,
    /// Rows of this action (update, refused, login-failed, ...)
    #[arg(long, value_name = "ACTION")]
    action: Option<String>,
    /// At most this many rows
    #[arg(long, default_value_t = 50, value_name = "N")]
    limit: usize,
}

/// The trail as 80-column text, newest first: a line for who did what when, and what it became.
pub fn audit_show(db: &Path, args: &AuditShowArgs) -> Result<ExitCode> {
    let (mut store, actor) = super::open_for_reading(db)?;
    if store.is_read_only() {
        eprintln!("{}", crate::i18n::t("audit-show-not-recorded-read-only"));
    }
    let filter = crate::store::AuditFilter {
        since: args.since.map(|d| d.to_string()),
        until: args.until.and_then(|d| d.succ_opt()).map(|d| d.to_string()),
        actor: args.actor.clone(),
        entity: args.entity.clone(),
        id: args.id.clone(),
        action: args.action.clone(),
        limit: args.limit.max(1),
    };
    let rows = store.audit_show(&actor, &filter)?;
    let mut lines = Vec::new();
    for r in &rows {
        let at = r.at.get(..16).unwrap_or(&r.at).replace('T', " ");
        lines.push(fit(
            &display(&format!(
                "{:>6} {at} {} {} {} {}",
                r.id, r.actor, r.action, r.entity, r.entity_id
            )),
            80,
        ));
        if let Some(after) = r.after.as_deref().filter(|a| !a.is_empty() && *a != "null") {
            lines.push(fit(&display(&format!("       {after}")), 80));
        }
    }
    if rows.is_empty() {
        lines.push("no audit rows match".into());
    }
    print_lines(lines)?;
    Ok(ExitCode::SUCCESS)
}
