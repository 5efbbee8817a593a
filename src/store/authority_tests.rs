//! Authority at the one door (issue 16): a table of every store write with what it needs, kept true by a scan of
//! the sources; the door itself refusing every role without each permission before the work runs; and real
//! writes refused for roles without their permission, with nothing changed and the refusal audited.

use super::{Actor, Store, StoreError};
use crate::domain::auth::{Need, Permission, Role, may};
use crate::domain::settings::Setting;

/// Every function in `src/store` that calls `write`, with the need it names there. A new write without a row
/// here fails `every_write_in_the_store_is_in_the_table`.
const WRITES: &[(&str, &str)] = &[
    ("start_segregation", "Need::To(Permission::Segregate)"),
    ("end_segregation", "Need::To(Permission::Segregate)"),
    ("add_programme", "Need::To(Permission::ManageProgrammes)"),
    ("add_programmes", "Need::To(Permission::ManageProgrammes)"),
    ("cancel_session", "Need::To(Permission::ManageProgrammes)"),
    ("update_programme", "Need::To(Permission::ManageProgrammes)"),
    ("import_apply", "Need::To(Permission::Admit)"),
    ("import_undo", "Need::To(Permission::UndoImport)"),
    ("grant_national", "Need::To(Permission::ViewNational)"),
    (
        "review_temporary_placement",
        "Need::To(Permission::OverrideAllocation)",
    ),
    ("export_register", "need"),
    ("station_key", "Need::To(Permission::ViewRegister)"),
    ("trust_station", "Need::To(Permission::ConfigureStation)"),
    ("export_person", "Need::To(Permission::Transfer)"),
    ("import_person", "Need::To(Permission::Admit)"),
    ("open_referral", "Need::To(Permission::ReferToProgramme)"),
    (
        "set_referral_status",
        "Need::To(Permission::AllocateProgramme)",
    ),
    ("allocate_place", "Need::To(Permission::AllocateProgramme)"),
    (
        "add_non_association",
        "Need::To(Permission::ManageNonAssociations)",
    ),
    (
        "close_non_association",
        "Need::To(Permission::ManageNonAssociations)",
    ),
    ("admit", "Need::To(Permission::Admit)"),
    // Each changed field's own permission (the VEP flag: SetVepFlag) or EditPrisoner (prisoners.rs edit_need).
    ("update_prisoner", "Need::To(need)"),
    ("update_prisoner_from", "Need::To(need)"),
    ("transfer", "Need::To(Permission::Transfer)"),
    ("add_case", "Need::To(Permission::EditPrisoner)"),
    ("set_sentence", "Need::To(Permission::EditPrisoner)"),
    ("set_release_override", "Need::To(Permission::EditPrisoner)"),
    ("update_case", "Need::To(Permission::EditPrisoner)"),
    ("remove_case", "Need::To(Permission::EditPrisoner)"),
    (
        "set_remand_limits",
        "Need::To(Permission::ConfigureStation)",
    ),
    (
        "set_release_rules",
        "Need::To(Permission::ConfigureStation)",
    ),
    ("release", "Need::To(Permission::Release)"),
    ("restore_guards", "Need::To(Permission::ConfigureStation)"),
    ("backup_to", "Need::To(Permission::Backup)"),
    ("restore_backup", "Need::To(Permission::ConfigureStation)"),
    ("record_print", "Need::To(Permission::ViewRegister)"),
    ("apply_estate", "Need::To(Permission::EditEstate)"),
    ("add_facility", "Need::To(Permission::EditEstate)"),
    ("add_unit", "Need::To(Permission::EditEstate)"),
    ("add_cell", "Need::To(Permission::EditEstate)"),
    ("update_facility", "Need::To(Permission::EditEstate)"),
    ("update_unit", "Need::To(Permission::EditEstate)"),
    ("update_cell", "Need::To(Permission::EditEstate)"),
    ("update_facility_from", "Need::To(Permission::EditEstate)"),
    ("update_unit_from", "Need::To(Permission::EditEstate)"),
    ("update_cell_from", "Need::To(Permission::EditEstate)"),
    ("decide_approval", "form.approve_need()"),
    ("raise_review", "form.fill_need()"),
    ("mark_attendance", "Need::To(Permission::RecordAttendance)"),
    ("add_user_hashed", "Need::To(Permission::ManageUsers)"),
    ("link_os_account", "Need::To(Permission::ManageUsers)"),
    ("set_user_locked", "Need::To(Permission::ManageUsers)"),
    ("reset_password", "Need::To(Permission::ManageUsers)"),
    // Sign-in bookkeeping: written by warden itself (Authority::System) before anyone is signed in.
    ("login_finish", "Need::To(Permission::ViewRegister)"),
    ("login_unknown", "Need::To(Permission::ViewRegister)"),
    ("record_session_event", "Need::To(Permission::ViewRegister)"),
    ("audit_read", "Need::To(Permission::ViewRegister)"),
    ("audit_show", "Need::To(Permission::ViewAudit)"),
    ("set_setting", "Need::To(Permission::ConfigureStation)"),
    ("register_forms", "Need::To(Permission::ConfigureStation)"),
    ("start_assessment", "form.fill_need()"),
    ("save_answer", "form.fill_need()"),
    ("finalise_assessment", "form.fill_need()"),
    ("amend_assessment", "form.fill_need()"),
    ("discard_assessment", "form.fill_need()"),
    ("save_release_plan", "Need::To(Permission::PlanRelease)"),
    ("add_aftercare", "Need::To(Permission::PlanRelease)"),
    ("move_to_cell", "Need::To(Permission::MoveCell)"),
    ("transfer_to_cell", "Need::To(Permission::Transfer)"),
    // Someone who turned 18 in a young unit: a supervisor's decision (issue 17).
    (
        "record_age_review",
        "Need::To(Permission::OverrideAllocation)",
    ),
];

/// (function, need text) of every `write(` call in the store's sources, tests left out.
fn writes_in_sources() -> Vec<(String, String)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/store");
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if !name.ends_with(".rs") || name.contains("tests") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        // Leave out an in-file `mod tests`.
        let text = text.split("#[cfg(test)]\nmod tests").next().unwrap_or("");
        for marker in ["self.write(", "store.write("] {
            for (at, _) in text.match_indices(marker) {
                // The function the call is in: the last `fn NAME` before it.
                let function = text[..at]
                    .rfind("fn ")
                    .map(|f| {
                        text[f + 3..]
                            .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                            .next()
                            .unwrap_or("")
                            .to_string()
                    })
                    .unwrap_or_default();
                // The second argument: after the actor, up to the next comma at depth 0 (across lines).
                let args = &text[at + marker.len()..];
                let mut depth = 0;
                let mut parts = Vec::new();
                let mut start = 0;
                for (i, c) in args.char_indices() {
                    match c {
                        '(' => depth += 1,
                        ')' if depth == 0 => break,
                        ')' => depth -= 1,
                        ',' if depth == 0 => {
                            parts.push(args[start..i].split_whitespace().collect::<String>());
                            start = i + 1;
                            if parts.len() == 2 {
                                break;
                            }
                        }
                        _ => {}
                    }
                }
                if let Some(need) = parts.get(1) {
                    found.push((function, need.clone()));
                }
            }
        }
    }
    found
}

#[test]
fn every_write_in_the_store_is_in_the_table() {
    let found = writes_in_sources();
    assert!(found.len() >= 40, "the scan found the writes: {found:?}");
    for (function, need) in &found {
        if function == "write" {
            continue;
        }
        assert!(
            WRITES.iter().any(|(f, n)| f == function && n == need),
            "{function} writes with {need}, but the table in authority_tests.rs has no such row: add it, \
             with the permission the write needs"
        );
    }
    for (function, need) in WRITES {
        assert!(
            found.iter().any(|(f, n)| f == function && n == need),
            "the table names {function} with {need}, but no such write is in the sources"
        );
    }
}

fn store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::create(&dir.path().join("w.db")).unwrap();
    (dir, store)
}

fn refusals(store: &Store) -> usize {
    store
        .recent_audit(10_000)
        .unwrap()
        .iter()
        .filter(|r| r.action == "refused")
        .count()
}

#[test]
fn the_door_refuses_every_role_without_each_permission_before_the_work_runs() {
    let (_dir, mut store) = store();
    for permission in Permission::ALL {
        for role in Role::ALL {
            let actor = Actor::system_now("x");
            let actor = Actor::staff(format!("{role}-{}", permission.name()), role, actor.at);
            let mut ran = false;
            let result = store.write(&actor, Need::To(permission), "target", |_| {
                ran = true;
                Ok(())
            });
            if may(role, permission) {
                assert!(result.is_ok() && ran, "{role} {permission:?}");
            } else {
                assert!(
                    matches!(result, Err(StoreError::Refused(_))),
                    "{role} {permission:?}: {result:?}"
                );
                assert!(!ran, "{role} {permission:?}: the work ran");
            }
        }
    }
    // One row per refusal (each actor differs, so none were gathered into a summary).
    let expected = Permission::ALL
        .iter()
        .flat_map(|p| Role::ALL.iter().map(move |r| (*r, *p)))
        .filter(|(r, p)| !may(*r, *p))
        .count();
    assert_eq!(refusals(&store), expected);
    assert_eq!(store.verify_audit().unwrap(), None);
}

#[test]
fn real_writes_are_refused_for_roles_without_their_permission_and_change_nothing() {
    let (_dir, mut store) = store();
    let admin = Actor::staff_now("amina", Role::Admin);
    store
        .add_user(&admin, "okello", Role::Officer, "officer pass")
        .unwrap();
    store
        .add_user(&admin, "amina", Role::Admin, "admin pass!")
        .unwrap();
    let officer = Actor::staff_now("okello", Role::Officer);
    let programme = Actor::staff_now("prog", Role::Programme);
    // An officer may not make administrators, lock accounts, change station settings or segregate.
    let e = store
        .add_user(&officer, "mallory", Role::Admin, "a password!")
        .unwrap_err();
    assert!(matches!(e, StoreError::Refused(_)), "{e}");
    assert!(store.user("mallory").unwrap().is_none());
    assert!(matches!(
        store.set_user_locked(&officer, "amina", true),
        Err(StoreError::Refused(_))
    ));
    assert!(matches!(
        store.set_setting(&officer, &Setting::NumberPattern, "X/{SEQ:3}"),
        Err(StoreError::Refused(_))
    ));
    assert!(matches!(
        store.set_file_access(&programme, super::FileAccess::Group),
        Err(StoreError::Refused(_))
    ));
    // A programme officer may not release or transfer anyone (the id need not exist: refused before BEGIN).
    let at = chrono::NaiveDate::from_ymd_opt(2026, 1, 1)
        .unwrap()
        .and_hms_opt(9, 0, 0)
        .unwrap();
    assert!(matches!(
        store.release(&programme, 1, "court order", "sentence served", at),
        Err(StoreError::Refused(_))
    ));
    assert!(matches!(
        store.transfer(&programme, 1, 2, "court order", "closer to family", at),
        Err(StoreError::Refused(_))
    ));
    assert!(matches!(
        store.start_segregation(&officer, 1, at, "a reason of some length"),
        Err(StoreError::Refused(_))
    ));
    assert_eq!(refusals(&store), 7);
    let row = &store.recent_audit(1).unwrap()[0];
    assert_eq!(row.entity, "permission");
    assert_eq!(row.entity_id, "segregate");
    assert!(row.after.as_deref().unwrap().contains("prisoner 1"));
}

#[test]
fn the_same_refusal_repeated_within_a_minute_is_one_summary_row() {
    let (_dir, mut store) = store();
    let start = chrono::Utc::now();
    let officer = |seconds: i64| {
        Actor::staff(
            "okello",
            Role::Officer,
            start + chrono::Duration::seconds(seconds),
        )
    };
    for s in 0..5 {
        assert!(
            store
                .set_setting(&officer(s), &Setting::ServiceName, "v")
                .is_err()
        );
    }
    // The first is written at once; the four repeats wait for the window to close.
    assert_eq!(refusals(&store), 1);
    // Another refusal (another target) closes the window: the summary row comes with it.
    assert!(
        store
            .set_setting(&officer(10), &Setting::StationName, "v")
            .is_err()
    );
    let rows = store.recent_audit(3).unwrap();
    let summary = rows
        .iter()
        .find(|r| {
            r.after
                .as_deref()
                .is_some_and(|a| a.contains("\"repeated\":4"))
        })
        .expect("a summary row of the four repeats");
    assert_eq!(summary.action, "refused");
    assert_eq!(refusals(&store), 3);
    // A minute later the same refusal is a new row, not a repeat.
    assert!(
        store
            .set_setting(&officer(80), &Setting::StationName, "v")
            .is_err()
    );
    assert_eq!(refusals(&store), 4);
    assert_eq!(store.verify_audit().unwrap(), None);
}

#[test]
fn sign_in_answers_the_same_for_names_that_exist_and_names_that_do_not() {
    use super::LoginOutcome;
    let (_dir, mut store) = store();
    let admin = Actor::staff_now("amina", Role::Admin);
    store
        .add_user(&admin, "okello", Role::Officer, "officer pass")
        .unwrap();
    store
        .add_user(&admin, "locked", Role::Officer, "locked pass")
        .unwrap();
    store.set_user_locked(&admin, "locked", true).unwrap();
    let at = chrono::Utc::now();
    let answers = |store: &mut Store, name: &str| -> Vec<String> {
        (0..6)
            .map(|_| match store.login(name, "wrong password", at).unwrap() {
                LoginOutcome::Refused { attempts_left } => format!("refused {attempts_left:?}"),
                LoginOutcome::LockedUntil(_) => "locked".into(),
                LoginOutcome::Disabled => "disabled".into(),
                LoginOutcome::Success(_) => "in".into(),
            })
            .collect()
    };
    let real = answers(&mut store, "okello");
    let unknown = answers(&mut store, "nobody-here");
    let disabled = answers(&mut store, "locked");
    assert_eq!(real, unknown);
    assert_eq!(
        real, disabled,
        "an administrator's lock is told only to someone with the password"
    );
    assert_eq!(real[2], "refused Some(2)");
    assert_eq!(real[4], "locked");
}

#[test]
fn the_vep_flag_is_changed_only_by_roles_that_may_set_it_and_nothing_else_by_them() {
    let mut f = super::tests::fixture();
    let id = f
        .store
        .admit(
            &super::tests::at(1),
            &super::tests::person("LUZ/2026/00006", "Okot", "Peter", f.men),
        )
        .unwrap();
    let loaded = f.store.prisoner(id).unwrap().unwrap().prisoner;
    let mut flagged = loaded.clone();
    flagged.vep = true;
    let officer = Actor::staff_now("okello", Role::Officer);
    let assessor = Actor::staff_now("akello", Role::Assessor);
    let refused = |r: super::Result<crate::domain::prisoner::Prisoner>| {
        matches!(r, Err(StoreError::Refused(_)))
    };
    // The screen hides the flag from officers; the store refuses it on every path.
    assert!(refused(
        f.store.update_prisoner_from(&officer, &loaded, &flagged)
    ));
    assert!(refused(f.store.update_prisoner(&officer, &flagged)));
    assert!(!f.store.prisoner(id).unwrap().unwrap().prisoner.vep);
    f.store
        .update_prisoner_from(&assessor, &loaded, &flagged)
        .unwrap();
    assert!(f.store.prisoner(id).unwrap().unwrap().prisoner.vep);
    // An assessor may set the flag, not edit the record.
    let mut renamed = flagged.clone();
    renamed.family_name = "Okwera".into();
    assert!(refused(
        f.store.update_prisoner_from(&assessor, &flagged, &renamed)
    ));
    f.store
        .update_prisoner_from(&officer, &flagged, &renamed)
        .unwrap();
    assert_eq!(
        f.store.prisoner(id).unwrap().unwrap().prisoner.family_name,
        "Okwera"
    );
}
