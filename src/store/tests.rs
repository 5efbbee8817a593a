//! Store tests: opening and refusing files, migrations, the audit chain, logins, the register and search.

use super::*;
use crate::domain::audit::{Deed, Entity};
use crate::domain::auth::Role;
use crate::domain::estate::*;
use crate::domain::prisoner::Prisoner;
use chrono::{NaiveDate, TimeZone};

pub(super) fn at(min: i64) -> Actor {
    Actor::system(
        "admin",
        Utc.with_ymd_and_hms(2026, 11, 25, 8, 0, 0).unwrap() + chrono::Duration::minutes(min),
    )
}

pub(super) struct Fixture {
    _dir: tempfile::TempDir,
    pub(super) store: Store,
    pub(super) men: i64,
    pub(super) women: i64,
}

pub(super) fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::create(&dir.path().join("w.db")).unwrap();
    let a = at(0);
    store
        .add_user(&a, "admin", Role::Admin, "correct horse")
        .unwrap();
    let facility = |code: &str, kind| Facility {
        id: 0,
        code: code.into(),
        name: format!("{code} Prison"),
        region: "Central".into(),
        kind,
        security: SecurityLevel::Medium,
    };
    let men = store
        .add_facility(&a, &facility("LUZ", FacilityKind::Men))
        .unwrap();
    let women = store
        .add_facility(&a, &facility("WOM", FacilityKind::Women))
        .unwrap();
    let unit = store
        .add_unit(
            &a,
            &Unit {
                id: 0,
                facility_id: men,
                code: "A".into(),
                name: "A wing".into(),
                sex: UnitSex::Male,
                age_group: AgeGroup::Adult,
                legal_use: UnitUse::Remand,
                security: SecurityLevel::Medium,
            },
        )
        .unwrap();
    store
        .add_cell(
            &a,
            &Cell {
                id: 0,
                unit_id: unit,
                code: "A1".into(),
                certified: 4,
                operational: 6,
                maximum: 8,
                out_of_use: None,
            },
        )
        .unwrap();
    Fixture {
        _dir: dir,
        store,
        men,
        women,
    }
}

pub(super) fn person(number: &str, family: &str, given: &str, facility: i64) -> Prisoner {
    let mut p = Prisoner::blank(
        NaiveDate::from_ymd_opt(2026, 11, 20)
            .unwrap()
            .and_hms_opt(10, 0, 0)
            .unwrap(),
    );
    p.number = number.into();
    p.family_name = family.into();
    p.given_names = given.into();
    p.committing_authority = "Chief Magistrate, Kampala".into();
    p.facility_id = Some(facility);
    p
}

#[test]
fn every_connection_bounds_its_page_cache_and_maps_nothing() {
    let f = fixture();
    // Reopened, as each session and its draft writer open the file.
    let store = Store::open(f.store.path()).unwrap();
    for conn in [f.store.conn(), store.conn()] {
        let cache: i64 = conn
            .query_row("PRAGMA cache_size", [], |r| r.get(0))
            .unwrap();
        assert_eq!(cache, -1024, "1 MiB of page cache");
        let mmap: i64 = conn
            .query_row("PRAGMA mmap_size", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mmap, 0, "no memory-mapped reads");
    }
}

#[test]
fn a_new_file_gets_the_latest_schema_and_owner_only_permissions() {
    let f = fixture();
    let v: i64 = f
        .store
        .conn()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(v, schema::LATEST);
    let mode: String = f
        .store
        .conn()
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    let sync: i64 = f
        .store
        .conn()
        .query_row("PRAGMA synchronous", [], |r| r.get(0))
        .unwrap();
    assert_eq!(sync, 2, "synchronous=FULL");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let m = std::fs::metadata(f.store.path())
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(m & 0o777, 0o600);
    }
}

#[test]
fn files_that_are_not_ours_are_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let text = dir.path().join("notes.db");
    std::fs::write(&text, "this is not a database, it is a shopping list\n").unwrap();
    let before = std::fs::read(&text).unwrap();
    // Built with encryption, a file without the plain header may be an encrypted database: the refusal says so.
    let refused = |e: StoreError| match e {
        StoreError::NotSqlite { .. } => !cfg!(feature = "sqlcipher"),
        StoreError::KeyNeeded { .. } => cfg!(feature = "sqlcipher"),
        _ => false,
    };
    assert!(Store::open(&text).err().is_some_and(refused));
    assert!(Store::create(&text).err().is_some_and(refused));
    assert_eq!(std::fs::read(&text).unwrap(), before);

    let other = dir.path().join("other.db");
    {
        let c = rusqlite::Connection::open(&other).unwrap();
        c.execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES (1);")
            .unwrap();
    }
    let before = std::fs::read(&other).unwrap();
    let e = Store::open(&other).err().unwrap();
    assert!(matches!(e, StoreError::NotWarden { .. }), "{e}");
    assert_eq!(std::fs::read(&other).unwrap(), before);
}

#[test]
fn a_newer_schema_is_refused_with_a_clear_message() {
    let f = fixture();
    let path = f.store.path().to_path_buf();
    f.store
        .conn()
        .pragma_update(None, "user_version", schema::LATEST + 1)
        .unwrap();
    drop(f.store);
    let e = Store::open(&path).err().unwrap();
    assert!(e.to_string().contains("newer warden"), "{e}");
}

#[test]
fn checkpoint_leaves_a_litestream_replicated_database_to_litestream() {
    let f = fixture();
    let wal = |s: &Store| {
        let mut p = s.path().as_os_str().to_owned();
        p.push("-wal");
        std::fs::metadata(std::path::PathBuf::from(p)).map_or(0, |m| m.len())
    };
    assert!(!f.store.is_replicated().unwrap());
    f.store.checkpoint().unwrap();
    assert_eq!(wal(&f.store), 0, "TRUNCATE empties the log");
    // What Litestream adds to every database it serves (it creates both tables when it starts).
    f.store
        .conn()
        .execute_batch(
            "CREATE TABLE _litestream_seq (id INTEGER PRIMARY KEY, seq INTEGER);
             CREATE TABLE _litestream_lock (id INTEGER);",
        )
        .unwrap();
    assert!(f.store.is_replicated().unwrap());
    let before = wal(&f.store);
    assert!(before > 0);
    let e = f.store.checkpoint().err().unwrap();
    assert!(e.to_string().contains("Litestream replicates"), "{e}");
    assert_eq!(wal(&f.store), before, "the log is left as it was");
}

#[test]
fn missing_file_and_unwritable_directory_are_explained() {
    let dir = tempfile::tempdir().unwrap();
    let e = Store::open(&dir.path().join("nope.db")).err().unwrap();
    assert!(e.to_string().contains("warden init"), "{e}");
    let e = Store::create(std::path::Path::new("/proc/warden/x.db"))
        .err()
        .unwrap();
    assert!(matches!(e, StoreError::Directory { .. }), "{e}");
}

#[test]
fn create_refuses_a_database_that_holds_data() {
    let f = fixture();
    let e = Store::create(f.store.path()).err().unwrap();
    assert!(matches!(e, StoreError::NotEmpty { .. }), "{e}");
}

#[test]
fn every_write_is_audited_and_the_chain_verifies() {
    let mut f = fixture();
    let id = f
        .store
        .admit(&at(1), &person("LUZ/2026/00001", "Okello", "John", f.men))
        .unwrap();
    assert!(f.store.verify_audit().unwrap().is_none());
    let rows = f.store.recent_audit(3).unwrap();
    assert_eq!(rows[0].entity, "custody_event");
    assert_eq!(rows[1].entity, "prisoner");
    assert_eq!(rows[1].entity_id, id.to_string());
    assert_eq!(rows[1].action, "admit");
}

#[test]
fn tampering_with_an_audit_row_is_found() {
    let mut f = fixture();
    f.store
        .admit(&at(1), &person("LUZ/2026/00001", "Okello", "John", f.men))
        .unwrap();
    // The triggers refuse edits through the application...
    assert!(
        f.store
            .conn()
            .execute("UPDATE audit SET actor = 'x' WHERE id = 2", [])
            .is_err()
    );
    // ...and someone who drops them is still caught by the chain.
    f.store
        .conn()
        .execute_batch("DROP TRIGGER audit_append_only_update; UPDATE audit SET actor = 'mallory' WHERE id = 2;")
        .unwrap();
    let b = f.store.verify_audit().unwrap().unwrap();
    assert_eq!(b.id, 2);
    assert!(b.reason.contains("does not match its hash"));
    f.store
        .conn()
        .execute_batch("DROP TRIGGER audit_append_only_delete; DELETE FROM audit WHERE id = 1;")
        .unwrap();
    assert_eq!(f.store.verify_audit().unwrap().unwrap().id, 2);
}

#[test]
fn five_wrong_passwords_lock_the_account_for_fifteen_minutes() {
    let mut f = fixture();
    for i in 0..4 {
        let out = f.store.login("admin", "wrong", at(i).at).unwrap();
        assert_eq!(
            out,
            LoginOutcome::Refused {
                attempts_left: Some(4 - i as u32)
            }
        );
    }
    let out = f.store.login("admin", "wrong", at(4).at).unwrap();
    assert_eq!(out, LoginOutcome::LockedUntil(at(19).at));
    // Even the right password is refused while locked.
    assert!(matches!(
        f.store.login("admin", "correct horse", at(10).at).unwrap(),
        LoginOutcome::LockedUntil(_)
    ));
    assert!(matches!(
        f.store.login("admin", "correct horse", at(20).at).unwrap(),
        LoginOutcome::Success(_)
    ));
    let actions: Vec<String> = f
        .store
        .recent_audit(20)
        .unwrap()
        .into_iter()
        .map(|r| r.action)
        .collect();
    assert!(actions.contains(&"login-failed-locked".to_string()));
    assert!(actions.contains(&"login-while-locked".to_string()));
}

#[test]
fn administrator_locks_hold_until_unlocked() {
    let mut f = fixture();
    f.store
        .add_user(&at(0), "okello", Role::Officer, "officer pass")
        .unwrap();
    f.store.set_user_locked(&at(0), "okello", true).unwrap();
    assert_eq!(
        f.store.login("okello", "officer pass", at(1).at).unwrap(),
        LoginOutcome::Disabled
    );
    f.store.set_user_locked(&at(2), "okello", false).unwrap();
    assert!(matches!(
        f.store.login("okello", "officer pass", at(3).at).unwrap(),
        LoginOutcome::Success(_)
    ));
    assert!(
        f.store.set_user_locked(&at(0), "admin", true).is_err(),
        "cannot lock yourself out"
    );
}

#[test]
fn unknown_users_are_refused_like_wrong_passwords() {
    let mut f = fixture();
    assert_eq!(
        f.store.login("ghost", "whatever", at(0).at).unwrap(),
        // Counted like a real account's first failure, so the answer does not tell the name is unknown.
        LoginOutcome::Refused {
            attempts_left: Some(4)
        }
    );
    assert!(
        f.store
            .add_user(&at(0), "admin", Role::Officer, "another pass")
            .is_err()
    );
    assert!(
        f.store
            .add_user(&at(0), "new", Role::Officer, "short")
            .is_err()
    );
}

#[test]
fn duplicate_prison_numbers_are_refused_and_nothing_changes() {
    let mut f = fixture();
    f.store
        .admit(&at(1), &person("LUZ/2026/00001", "Okello", "John", f.men))
        .unwrap();
    let audit_before = f.store.recent_audit(1).unwrap();
    let e = f
        .store
        .admit(&at(2), &person("LUZ/2026/00001", "Other", "Person", f.men))
        .unwrap_err();
    assert!(
        e.to_string().contains("already used by Okello, John"),
        "{e}"
    );
    assert_eq!(f.store.recent_audit(1).unwrap(), audit_before);
    assert_eq!(f.store.search("Other", 10).unwrap().len(), 0);
}

#[test]
fn a_woman_cannot_be_admitted_to_a_mens_prison() {
    let mut f = fixture();
    let mut p = person("LUZ/2026/00002", "Nakato", "Sarah", f.men);
    p.sex = Sex::Female;
    let e = f.store.admit(&at(1), &p).unwrap_err();
    assert!(e.to_string().contains("holds men only"), "{e}");
    p.facility_id = Some(f.women);
    f.store.admit(&at(1), &p).unwrap();
}

#[test]
fn search_finds_any_part_of_any_name_in_any_script() {
    let mut f = fixture();
    let mut p = person("LUZ/2026/00003", "Müller", "Jürgen", f.men);
    p.aliases = vec!["Нурлан Абенов".into(), "محمد".into()];
    let id = f.store.admit(&at(1), &p).unwrap();
    f.store
        .admit(&at(1), &person("LUZ/2026/00004", "Okello", "John", f.men))
        .unwrap();
    for q in [
        "mull",
        "MULLER",
        "jurg",
        "нурлан",
        "абен",
        "مُحَمَّد",
        "00003",
        "luz/2026/00003",
        "mü",
        "m",
    ] {
        let hits = f.store.search(q, 10).unwrap();
        assert!(
            hits.iter().any(|h| h.id == id),
            "query {q:?} missed: {hits:?}"
        );
    }
    assert!(f.store.search("zzz", 10).unwrap().is_empty());
    let exact = f.store.search("LUZ/2026/00004", 10).unwrap();
    assert_eq!(exact[0].family_name, "Okello");
    assert_eq!(f.store.search("", 10).unwrap().len(), 2);
    assert!(f.store.search("\"", 10).is_ok());
    assert!(f.store.search("a\"b OR c*", 10).is_ok());
}

#[test]
fn edits_are_audited_with_before_and_after_and_keep_custody_fields() {
    let mut f = fixture();
    let id = f
        .store
        .admit(&at(1), &person("LUZ/2026/00005", "Okello", "John", f.men))
        .unwrap();
    let mut p = f.store.prisoner(id).unwrap().unwrap().prisoner;
    p.given_names = "John Paul".into();
    p.in_custody = false; // must be ignored: custody changes only through events
    f.store.update_prisoner(&at(2), &p).unwrap();
    let stored = f.store.prisoner(id).unwrap().unwrap().prisoner;
    assert_eq!(stored.given_names, "John Paul");
    assert!(stored.in_custody);
    let last = &f.store.recent_audit(1).unwrap()[0];
    assert_eq!(last.action, "update");
    assert!(
        last.before
            .as_ref()
            .unwrap()
            .contains("\"given_names\":\"John\"")
    );
    assert!(last.after.as_ref().unwrap().contains("John Paul"));
}

#[test]
fn transfer_and_release_are_events_and_nothing_is_deleted() {
    let mut f = fixture();
    let a = at(0);
    let other = f
        .store
        .add_facility(
            &a,
            &Facility {
                id: 0,
                code: "KIR".into(),
                name: "Kirinya".into(),
                region: "Eastern".into(),
                kind: FacilityKind::Mixed,
                security: SecurityLevel::Medium,
            },
        )
        .unwrap();
    // A unit that may hold him, or the transfer is refused (Rule 11).
    f.store
        .add_unit(
            &a,
            &Unit {
                id: 0,
                facility_id: other,
                code: "B".into(),
                name: "B wing".into(),
                sex: UnitSex::Male,
                age_group: AgeGroup::Adult,
                legal_use: UnitUse::Any,
                security: SecurityLevel::Maximum,
            },
        )
        .unwrap();
    let id = f
        .store
        .admit(&at(1), &person("LUZ/2026/00006", "Okello", "John", f.men))
        .unwrap();
    let when = NaiveDate::from_ymd_opt(2026, 11, 21)
        .unwrap()
        .and_hms_opt(9, 0, 0)
        .unwrap();
    assert!(
        f.store
            .transfer(&at(2), id, other, "", "overcrowding", when)
            .is_err()
    );
    f.store
        .transfer(&at(2), id, other, "Commissioner", "overcrowding", when)
        .unwrap();
    assert!(
        f.store
            .transfer(&at(2), id, other, "Commissioner", "again", when)
            .is_err()
    );
    f.store
        .release(&at(3), id, "High Court", "bail granted", when)
        .unwrap();
    let e = f
        .store
        .release(&at(3), id, "High Court", "twice", when)
        .unwrap_err();
    assert!(e.to_string().contains("not in custody"));
    let kinds: Vec<_> = f
        .store
        .events(id)
        .unwrap()
        .into_iter()
        .map(|(e, _)| e.kind.as_str())
        .collect();
    assert_eq!(
        kinds,
        ["admission", "transfer-out", "transfer-in", "release"]
    );
    let row = f.store.prisoner(id).unwrap().unwrap();
    assert!(!row.prisoner.in_custody);
    assert_eq!(row.facility.as_deref(), Some("Kirinya"));
    assert_eq!(f.store.search("okello", 5).unwrap()[0].status(), "released");
}

#[test]
fn headline_counts_population_remand_and_capacity() {
    let mut f = fixture();
    f.store
        .admit(&at(1), &person("LUZ/2026/00007", "A", "", f.men))
        .unwrap();
    let mut p = person("LUZ/2026/00008", "B", "", f.men);
    p.legal_status = LegalStatus::Convicted;
    f.store.admit(&at(1), &p).unwrap();
    let h = f.store.headline().unwrap();
    assert_eq!((h.population, h.remand, h.certified), (2, 1, 4));
    assert_eq!(h.remand_percent(), Some(50));
    assert_eq!(h.capacity_percent(), Some(50));
    let fac = f.store.facilities().unwrap();
    assert_eq!(fac[0].counts.occupants, 2);
}

#[test]
fn next_number_follows_the_service_pattern() {
    let mut f = fixture();
    f.store
        .set_setting(
            &at(0),
            &crate::store::Setting::NumberPattern,
            "UG/{YYYY}/{SEQ:6}",
        )
        .unwrap();
    assert_eq!(f.store.next_number("LUZ", 2026).unwrap(), "UG/2026/000001");
    let e = f
        .store
        .admit(&at(1), &person("LUZ/2026/00009", "A", "", f.men))
        .unwrap_err();
    assert!(e.to_string().contains("does not fit the pattern"), "{e}");
}

#[test]
fn estate_rules_are_enforced_on_write() {
    let mut f = fixture();
    let bad_unit = Unit {
        id: 0,
        facility_id: f.men,
        code: "F".into(),
        name: "Female wing".into(),
        sex: UnitSex::Female,
        age_group: AgeGroup::Adult,
        legal_use: UnitUse::Any,
        security: SecurityLevel::Medium,
    };
    assert!(f.store.add_unit(&at(0), &bad_unit).is_err());
    let dup = Facility {
        id: 0,
        code: "LUZ".into(),
        name: "Again".into(),
        region: "x".into(),
        kind: FacilityKind::Men,
        security: SecurityLevel::Medium,
    };
    let e = f.store.add_facility(&at(0), &dup).unwrap_err();
    assert!(e.to_string().contains("already exists"), "{e}");
    assert!(f.store.verify_audit().unwrap().is_none());
    assert!(f.store.integrity_problems().unwrap().is_empty());
}

#[test]
fn a_cell_given_at_admission_must_be_in_that_facility_and_in_use() {
    let mut f = fixture();
    let unit = f.store.units(f.men).unwrap()[0].unit.id;
    let cell = f.store.cells(unit).unwrap()[0].cell.clone();
    let mut p = person("WOM/2026/00001", "Nakato", "Sarah", f.women);
    p.sex = Sex::Female;
    p.cell_id = Some(cell.id);
    let audit_before = f.store.recent_audit(1).unwrap();
    let e = f.store.admit(&at(1), &p).unwrap_err();
    assert!(
        e.to_string().contains("Cell: A1 is not in WOM Prison"),
        "{e}"
    );
    assert_eq!(f.store.recent_audit(1).unwrap(), audit_before);
    p.cell_id = Some(9999);
    let e = f.store.admit(&at(1), &p).unwrap_err();
    assert!(e.to_string().contains("Cell: no such cell"), "{e}");

    let mut man = person("LUZ/2026/00009", "Okello", "John", f.men);
    man.cell_id = Some(cell.id);
    let id = f.store.admit(&at(1), &man).unwrap();
    assert_eq!(
        f.store.prisoner(id).unwrap().unwrap().cell.as_deref(),
        Some("A1")
    );

    let closed = Cell {
        out_of_use: Some("roof repair".into()),
        ..cell.clone()
    };
    f.store.update_cell(&at(2), &closed).unwrap();
    man.number = "LUZ/2026/00010".into();
    let e = f.store.admit(&at(3), &man).unwrap_err();
    assert!(e.to_string().contains("out of use (roof repair)"), "{e}");

    // An administrator editing what they loaded before that change is refused, told what changed.
    let bigger = Cell {
        maximum: cell.maximum + 1,
        ..cell.clone()
    };
    let e = f
        .store
        .update_cell_from(&at(4), &cell, &bigger)
        .unwrap_err();
    let text = e.to_string();
    assert!(
        text.starts_with("Someone else changed cell A1: out_of_use (now \"roof repair\")"),
        "{text}"
    );
    f.store.update_cell_from(&at(5), &closed, &bigger).unwrap();
}

#[test]
fn many_audit_rows_in_one_transaction_chain_correctly() {
    let mut f = fixture();
    let a = at(1);
    f.store
        .write(
            &a,
            crate::domain::auth::Need::To(crate::domain::auth::Permission::ConfigureStation),
            "test",
            |tx| {
                for i in 0..50 {
                    tx.audit::<(), _>(Entity::Setting, i, Deed::Set, None, Some(&i))?;
                }
                // A failed statement mid-transaction must not leave a stale hash behind.
                assert!(tx.execute("INSERT INTO nowhere VALUES (1)", []).is_err());
                tx.audit::<(), ()>(Entity::Setting, 50, Deed::Set, None, None)
            },
        )
        .unwrap();
    f.store
        .write(
            &a,
            crate::domain::auth::Need::To(crate::domain::auth::Permission::ConfigureStation),
            "test",
            |tx| tx.audit::<(), ()>(Entity::Setting, 51, Deed::Update, None, None),
        )
        .unwrap();
    assert!(f.store.verify_audit().unwrap().is_none());
    assert_eq!(f.store.recent_audit(1).unwrap()[0].entity_id, "51");
}

#[test]
fn the_dummy_hash_uses_the_same_parameters_as_real_ones() {
    let dummy = super::users::dummy_hash_for_tests();
    assert!(
        argon2::password_hash::phc::PasswordHash::new(dummy).is_ok(),
        "{dummy}"
    );
    assert!(
        dummy.starts_with("$argon2id$v=19$m=7168,t=5,p=1$"),
        "{dummy}"
    );
    let mut f = fixture();
    let stored: String = f
        .store
        .conn()
        .query_row(
            "SELECT password_hash FROM staff WHERE name = 'admin'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(
        stored.starts_with("$argon2id$v=19$m=7168,t=5,p=1$"),
        "{stored}"
    );
    // Hashes made with the library default (19 MiB, 2 passes) and with the 9 MiB x 4 used before still verify:
    // each carries its own parameters. A wrong password against them is still refused.
    use argon2::password_hash::PasswordHasher;
    let nine = argon2::Params::new(9 * 1024, 4, 1, None).unwrap();
    let older = [
        argon2::Argon2::default(),
        argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, nine),
    ];
    for (i, hasher) in older.iter().enumerate() {
        let old = hasher.hash_password(b"old password").unwrap().to_string();
        assert!(!old.contains("m=7168"), "{old}");
        f.store
            .conn()
            .execute(
                "UPDATE staff SET password_hash = ?1 WHERE name = 'admin'",
                [&old],
            )
            .unwrap();
        assert!(matches!(
            f.store
                .login("admin", "not it", at(1 + 2 * i as i64).at)
                .unwrap(),
            LoginOutcome::Refused { .. }
        ));
        assert!(
            matches!(
                f.store
                    .login("admin", "old password", at(2 + 2 * i as i64).at)
                    .unwrap(),
                LoginOutcome::Success(_)
            ),
            "{old}"
        );
    }
}

#[test]
fn names_that_start_with_the_query_rank_first_even_among_many_matches() {
    let mut f = fixture();
    let a = at(1);
    let pattern = f.store.number_pattern().unwrap();
    let men = f.men;
    f.store
        .write(
            &a,
            crate::domain::auth::Need::To(crate::domain::auth::Permission::ConfigureStation),
            "test",
            |tx| {
                for i in 0..600 {
                    let p = person(&format!("LUZ/2026/{i:05}"), &format!("Bokeza{i}"), "", men);
                    tx.admit(&p, &pattern, a.at.date_naive())?;
                }
                tx.admit(
                    &person("LUZ/2026/09999", "Okeke", "Ada", men),
                    &pattern,
                    a.at.date_naive(),
                )
            },
        )
        .unwrap();
    let hits = f.store.search("oke", 10).unwrap();
    assert_eq!(hits.len(), 10);
    assert_eq!(hits[0].family_name, "Okeke", "{hits:?}");
}

#[test]
fn a_damaged_file_is_reported_as_damaged() {
    let f = fixture();
    let path = f.store.path().to_path_buf();
    drop(f.store);
    let mut bytes = std::fs::read(&path).unwrap();
    for b in bytes.iter_mut().skip(100).take(3000) {
        *b = 0xff;
    }
    std::fs::write(&path, &bytes).unwrap();
    let e = Store::open(&path).err().unwrap();
    assert!(e.to_string().contains("damaged"), "{e}");
}

#[test]
fn an_edit_from_a_stale_screen_keeps_other_peoples_changes_and_refuses_clashes() {
    let mut f = fixture();
    let id = f
        .store
        .admit(&at(1), &person("LUZ/2026/00010", "Okello", "John", f.men))
        .unwrap();
    let loaded = f.store.prisoner(id).unwrap().unwrap().prisoner;
    // Someone else saves a new next of kin while our screen is open.
    let mut theirs = loaded.clone();
    theirs.next_of_kin = "Akello Grace".into();
    f.store.update_prisoner(&at(2), &theirs).unwrap();
    // We change the given names only: their next of kin must survive.
    let mut ours = loaded.clone();
    ours.given_names = "John Paul".into();
    f.store
        .update_prisoner_from(&at(3), &loaded, &ours)
        .unwrap();
    let now = f.store.prisoner(id).unwrap().unwrap().prisoner;
    assert_eq!(
        (now.given_names.as_str(), now.next_of_kin.as_str()),
        ("John Paul", "Akello Grace")
    );
    // Both of us change the next of kin: refused, naming the field, nothing written.
    let audit_before = f.store.recent_audit(1).unwrap();
    let mut clash = loaded.clone();
    clash.next_of_kin = "Odongo Peter".into();
    let e = f
        .store
        .update_prisoner_from(&at(4), &loaded, &clash)
        .unwrap_err();
    assert!(
        e.to_string().contains("Someone else changed Next of kin"),
        "{e}"
    );
    assert_eq!(f.store.recent_audit(1).unwrap(), audit_before);
    assert_eq!(
        f.store.prisoner(id).unwrap().unwrap().prisoner.next_of_kin,
        "Akello Grace"
    );
}
