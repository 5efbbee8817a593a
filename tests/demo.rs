//! `warden demo`: proportions, reproducibility, the demo accounts, and which files it may replace.

use chrono::{TimeZone, Utc};
use std::path::Path;
use std::process::Command;
use warden::demo::{self, Country, DEMO_USERS, DemoError, DemoSpec, Size};
use warden::domain::auth::Role;
use warden::store::{Actor, LoginOutcome, PrisonerRow, Store};

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, 9, 0, 0).unwrap()
}

fn spec(country: Country, seed: u64) -> DemoSpec {
    DemoSpec {
        country,
        size: Size::Small,
        seed,
    }
}

fn everyone(store: &Store) -> Vec<PrisonerRow> {
    (1..).map_while(|id| store.prisoner(id).unwrap()).collect()
}

fn share(part: u64, whole: u64) -> f64 {
    part as f64 * 100.0 / whole as f64
}

#[test]
fn a_small_uganda_demo_has_uganda_proportions_and_a_sound_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.db");
    // Told where it is as it goes, for the command's progress line: every stage in order, the admissions counted
    // up to everyone.
    let mut heard: Vec<(demo::Stage, usize, usize)> = Vec::new();
    let summary = demo::build_reporting(&path, &spec(Country::Uganda, 1), now(), &mut |s, d, t| {
        heard.push((s, d, t))
    })
    .unwrap();
    assert_eq!(summary.prisoners, 2000);
    assert_eq!(summary.facilities, 12);
    let mut stages: Vec<demo::Stage> = heard.iter().map(|h| h.0).collect();
    stages.dedup();
    use demo::Stage::*;
    assert_eq!(
        stages,
        [
            Estate,
            Admissions,
            Releases,
            Allocation,
            Rosters,
            Classifications,
            Restricted,
            Finishing
        ]
    );
    assert!(
        heard.contains(&(Admissions, 0, 2000)) && heard.contains(&(Admissions, 2000, 2000)),
        "{heard:?}"
    );

    let store = Store::open(&path).unwrap();
    let h = store.headline().unwrap();
    // Everyone but those the demo released on their release day (issue 17).
    assert!((10..40).contains(&summary.released), "{}", summary.released);
    assert_eq!(h.population, 2000 - summary.released as u64);
    assert_eq!(h.facilities, 12);
    // Seed report: 3,225 of 70,119 are women (4.6%); remand about half (assumed); about 320% of capacity.
    let women = share(h.female, h.population);
    assert!((4.0..5.2).contains(&women), "women {women:.1}%");
    let remand = share(h.remand, h.population);
    assert!((47.0..53.0).contains(&remand), "remand {remand:.1}%");
    let occupancy = h.capacity_percent().unwrap();
    assert!((290..=350).contains(&occupancy), "occupancy {occupancy}%");

    let facilities = store.facilities().unwrap();
    let cells: u64 = facilities.iter().map(|f| f.counts.cells).sum();
    assert!((350..=450).contains(&cells), "{cells} cells in use");
    assert!(
        facilities
            .iter()
            .any(|f| f.facility.kind.as_str() == "women")
    );
    assert!(
        facilities
            .iter()
            .any(|f| f.facility.kind.as_str() == "juvenile")
    );

    let people = everyone(&store);
    assert_eq!(people.len(), 2000);
    let vep = people.iter().filter(|p| p.prisoner.vep).count();
    assert_eq!(vep, 5, "2000 x 189 / 70119");
    assert_eq!(
        people.iter().filter(|p| !p.prisoner.in_custody).count(),
        summary.released
    );
    // Everyone has a cell but the remand admissions since noon the day before, who wait for the allocation round.
    let noon_before = demo::reference_date(now())
        .pred_opt()
        .and_then(|d| d.and_hms_opt(12, 0, 0))
        .unwrap();
    let waiting: Vec<&PrisonerRow> = people
        .iter()
        .filter(|p| p.prisoner.in_custody && p.cell.is_none())
        .collect();
    assert!(!waiting.is_empty(), "nobody waits for a cell");
    assert!(waiting.len() < 50, "{} wait for a cell", waiting.len());
    assert!(waiting.iter().all(|p| {
        p.prisoner.legal_status == warden::domain::estate::LegalStatus::Remand
            && p.prisoner.admitted_at >= noon_before
    }));
    // Numbers follow the service's pattern and admission order.
    assert!(people[0].prisoner.number.starts_with("UPS/"));
    assert!(
        people
            .windows(2)
            .all(|w| w[0].prisoner.admitted_at <= w[1].prisoner.admitted_at)
    );
    // Bangkok Rule 3: children are recorded, most often for women.
    let mothers = people
        .iter()
        .filter(|p| p.prisoner.sex.as_str() == "female" && p.prisoner.children.contains("child"))
        .count();
    assert!(mothers > 30, "{mothers}");

    assert_eq!(store.verify_audit().unwrap(), None);
    assert!(store.integrity_problems().unwrap().is_empty());
    assert_eq!(
        store
            .setting(&warden::store::Setting::DemoCountry)
            .unwrap()
            .as_deref(),
        Some("uganda")
    );
    assert_eq!(
        store.number_pattern().unwrap().source(),
        "UPS/{FAC}/{YYYY}/{SEQ:5}"
    );
}

#[test]
fn the_same_seed_gives_the_same_prisoners_and_another_seed_does_not() {
    let dir = tempfile::tempdir().unwrap();
    let build = |name: &str, seed: u64, at| {
        let path = dir.path().join(name);
        demo::build(&path, &spec(Country::Kazakhstan, seed), at).unwrap();
        let store = Store::open(&path).unwrap();
        let facilities: Vec<_> = store
            .facilities()
            .unwrap()
            .into_iter()
            .map(|f| f.facility)
            .collect();
        (everyone(&store), facilities)
    };
    let first = build("a.db", 7, now());
    let same_day = build("b.db", 7, now());
    // Built on another day: the same people, dated from that day (issue 17: release dates agree with the day).
    let later = build("d.db", 7, now() + chrono::Duration::days(40));
    let other = build("c.db", 8, now());
    assert_eq!(first.0.len(), 2000);
    assert!(first.0 == same_day.0, "same seed, different prisoners");
    assert_eq!(first.1, same_day.1);
    let names = |people: &[PrisonerRow]| -> Vec<String> {
        let mut names: Vec<String> = people.iter().map(|p| p.prisoner.full_name()).collect();
        names.sort();
        names
    };
    assert_eq!(names(&first.0), names(&later.0), "same seed, other people");
    assert!(first.0 != later.0, "another day, the same dates");
    assert!(first.0 != other.0, "different seeds, same prisoners");
}

#[test]
fn every_demo_user_can_log_in_with_the_documented_password() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.db");
    demo::build(&path, &spec(Country::Tunisia, 1), now()).unwrap();
    let mut store = Store::open(&path).unwrap();
    let expected = [
        ("admin", "admin-demo", Role::Admin),
        ("officer", "officer-demo", Role::Officer),
        ("assessor", "assessor-demo", Role::Assessor),
        ("programme", "programme-demo", Role::Programme),
        ("supervisor", "supervisor-demo", Role::Supervisor),
    ];
    assert_eq!(DEMO_USERS.len(), expected.len());
    for (user, (name, password, role)) in DEMO_USERS.iter().zip(expected) {
        assert_eq!(
            (user.name, user.password, user.role),
            (name, password, role)
        );
        match store.login(name, password, now()).unwrap() {
            LoginOutcome::Success(row) => assert_eq!(row.role, role),
            other => panic!("{name}: {other:?}"),
        }
    }
    assert_eq!(store.verify_audit().unwrap(), None);
}

#[test]
fn names_are_in_the_countrys_script_and_found_by_their_latin_spelling() {
    let dir = tempfile::tempdir().unwrap();
    for (country, script) in [
        (Country::Kazakhstan, '\u{0400}'..='\u{04FF}'),
        (Country::Tunisia, '\u{0600}'..='\u{06FF}'),
    ] {
        let path = dir.path().join(format!("{country}.db"));
        demo::build(&path, &spec(country, 3), now()).unwrap();
        let store = Store::open(&path).unwrap();
        let someone = store.prisoner(1).unwrap().unwrap().prisoner;
        assert!(
            someone.family_name.chars().any(|c| script.contains(&c)),
            "{}",
            someone.family_name
        );
        // The civil-status spelling in Latin letters (issue 17, item 7), searched in any order with the name.
        let latin_family = someone.latin_family_name.clone();
        assert!(
            !latin_family.is_empty() && latin_family.is_ascii(),
            "{latin_family}"
        );
        let given = someone.latin_given_names.split(' ').next().unwrap();
        for q in [latin_family.clone(), format!("{given} {latin_family}")] {
            let hits = store.search(&q, 1000).unwrap();
            let hit = hits.iter().find(|h| h.id == someone.id);
            assert!(hit.is_some(), "{q} did not find {}", someone.number);
            assert_eq!(hit.unwrap().alias, None, "{q}: not through an alias");
        }
    }
}

#[test]
fn a_database_that_is_not_a_demo_is_never_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("real.db");
    let mut store = Store::create(&real).unwrap();
    store
        .add_user(
            &Actor::system("cli", now()),
            "chief",
            Role::Admin,
            "a long password",
        )
        .unwrap();
    drop(store);
    let before = std::fs::read(&real).unwrap();
    let e = demo::build(&real, &spec(Country::Uganda, 1), now()).unwrap_err();
    assert!(matches!(e, DemoError::NotDemo { .. }), "{e}");
    assert!(e.to_string().contains("not a demo"), "{e}");
    assert_eq!(std::fs::read(&real).unwrap(), before);

    let notes = dir.path().join("notes.txt");
    std::fs::write(&notes, "shopping list\n").unwrap();
    let e = demo::build(&notes, &spec(Country::Uganda, 1), now()).unwrap_err();
    assert!(e.to_string().contains("not a SQLite database"), "{e}");
    assert_eq!(std::fs::read_to_string(&notes).unwrap(), "shopping list\n");
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers.len(), 2, "{leftovers:?}");
}

#[test]
fn an_earlier_demo_is_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.db");
    demo::build(&path, &spec(Country::Uganda, 1), now()).unwrap();
    let first = Store::open(&path).unwrap().prisoner(1).unwrap().unwrap();
    demo::build(&path, &spec(Country::Tunisia, 2), now()).unwrap();
    let store = Store::open(&path).unwrap();
    assert_eq!(
        store
            .setting(&warden::store::Setting::DemoCountry)
            .unwrap()
            .as_deref(),
        Some("tunisia")
    );
    assert_ne!(store.prisoner(1).unwrap().unwrap(), first);
    assert_eq!(store.verify_audit().unwrap(), None);
    assert!(
        !Path::new(&format!(
            "{}.building-{}",
            path.display(),
            std::process::id()
        ))
        .exists()
    );
}

#[test]
fn the_command_prints_the_demo_accounts_and_refuses_other_files() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    let out = Command::new(env!("CARGO_BIN_EXE_warden"))
        .args([
            "demo",
            "--no-tui",
            "--country",
            "kazakhstan",
            "--seed",
            "5",
            "--db",
        ])
        .arg(&db)
        .env("WARDEN_LOG_DIR", dir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for u in DEMO_USERS {
        assert!(
            stdout
                .lines()
                .any(|l| l.contains(u.name) && l.contains(u.password)),
            "{stdout}"
        );
    }
    assert!(stdout.contains("2000 prisoners"), "{stdout}");

    let text = dir.path().join("keep.txt");
    std::fs::write(&text, "keep me").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_warden"))
        .args(["demo", "--no-tui", "--db"])
        .arg(&text)
        .env("WARDEN_LOG_DIR", dir.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("refusing to replace it"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&text).unwrap(), "keep me");

    let out = Command::new(env!("CARGO_BIN_EXE_warden"))
        .args(["demo", "--no-tui", "--country", "narnia", "--db"])
        .arg(&db)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("uganda"));
}

/// The roster data of a demo file, in id order, for comparing two builds.
fn roster_dump(path: &Path) -> Vec<String> {
    let conn = rusqlite::Connection::open(path).unwrap();
    let mut out = Vec::new();
    for sql in [
        "SELECT id || ' ' || facility_id || ' ' || code || ' ' || provider || ' ' || facilitators || ' ' || capacity
                || ' ' || starts_on || ' ' || ends_on FROM programme ORDER BY id",
        "SELECT id || ' ' || programme_id || ' ' || weekday || ' ' || starts || ' ' || ends FROM programme_slot ORDER BY id",
        "SELECT slot_id || ' ' || on_date || ' ' || reason || ' ' || comment FROM session_cancelled ORDER BY slot_id, on_date",
        "SELECT id || ' ' || prisoner_id || ' ' || findings FROM assessment WHERE form_id = 'needs_screen' ORDER BY id",
        "SELECT id || ' ' || programme_id || ' ' || prisoner_id || ' ' || status || ' ' || referred_on || ' '
                || coalesce(allocated_on, '-') || ' ' || coalesce(override_reason, '-') FROM referral ORDER BY id",
        "SELECT referral_id || ' ' || slot_id || ' ' || on_date || ' ' || outcome || ' ' || comment FROM attendance
         ORDER BY referral_id, slot_id, on_date",
    ] {
        let mut stmt = conn.prepare(sql).unwrap();
        let rows = stmt.query_map([], |r| r.get::<_, String>(0)).unwrap();
        out.extend(rows.map(|r| r.unwrap()));
    }
    out
}

#[test]
fn the_demo_runs_programmes_everywhere_and_every_group_keeps_the_allocation_checks() {
    use warden::domain::roster::ReferralStatus;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.db");
    let summary = demo::build(&path, &spec(Country::Uganda, 1), now()).unwrap();
    let r = summary.rosters;
    assert!(r.programmes >= 12 * 4, "{r:?}");
    assert!(
        r.screens > 100 && r.allocations > 100 && r.marks > 1000,
        "{r:?}"
    );
    assert!(
        r.overrides > 0 && r.completions > 0 && r.cancelled > 0,
        "{r:?}"
    );

    let store = Store::open(&path).unwrap();
    let today = now().date_naive();
    for f in store.facilities().unwrap() {
        let programmes = store.programmes(f.facility.id, None).unwrap();
        assert!(
            programmes.len() >= 3,
            "{}: {} programmes",
            f.facility.name,
            programmes.len()
        );
        for p in &programmes {
            assert!(!p.provider.trim().is_empty() && !p.facilitators.is_empty());
            let group = store
                .programme_referrals(p.id, ReferralStatus::Allocated)
                .unwrap();
            assert!(
                group.len() <= p.capacity as usize,
                "{} holds {} of {}",
                p.name,
                group.len(),
                p.capacity
            );
            for m in &group {
                for na in store.non_associations_of(m.prisoner_id).unwrap() {
                    assert!(
                        !(na.na.active_on(today)
                            && group.iter().any(|o| o.prisoner_id == na.other_id)),
                        "{}: {} and {} must be kept apart",
                        p.name,
                        m.number,
                        na.other_number
                    );
                }
            }
            // Every session held so far has its register complete: each person on it has a mark.
            let yesterday = today - chrono::Duration::days(1);
            let cancelled = store
                .cancelled_sessions(p.id, p.starts_on, yesterday)
                .unwrap();
            for s in p.sessions(p.starts_on, yesterday) {
                if cancelled.contains_key(&(s.slot_id, s.date)) {
                    continue;
                }
                for line in store.session_register(s.slot_id, s.date).unwrap() {
                    assert!(
                        line.outcome.is_some(),
                        "{} on {}: {} has no mark",
                        p.name,
                        s.date,
                        line.referral.number
                    );
                }
            }
            for c in store
                .programme_referrals(p.id, ReferralStatus::Completed)
                .unwrap()
            {
                let done = store.participation(c.id).unwrap();
                assert!(done.completes(p.completion_percent).is_ok(), "{done:?}");
            }
        }
    }

    let conn = rusqlite::Connection::open(&path).unwrap();
    let count = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
    // Civil-society providers run the vocational and faith-based programmes.
    assert_eq!(
        count(
            "SELECT count(*) FROM programme WHERE category IN ('vocational','faith') AND provider = 'staff'"
        ),
        0
    );
    // Every referral status appears, and withdrawals and declines say why.
    for &status in ReferralStatus::ALL {
        if status == ReferralStatus::Suggested {
            continue;
        }
        let n = count(&format!(
            "SELECT count(*) FROM referral WHERE status = '{}'",
            status.as_str()
        ));
        assert!(n > 0, "no {status:?} referral");
    }
    assert_eq!(
        count(
            "SELECT count(*) FROM referral r WHERE r.status IN ('withdrawn','declined') AND NOT EXISTS (
                 SELECT 1 FROM referral_event e WHERE e.referral_id = r.id AND e.status = r.status AND e.reason <> '')"
        ),
        0
    );
    // Attendance only for sessions that have happened, never on a cancelled one, never before the place was given.
    assert_eq!(
        count(&format!(
            "SELECT count(*) FROM attendance WHERE on_date >= '{today}'"
        )),
        0
    );
    assert_eq!(
        count(
            "SELECT count(*) FROM attendance a JOIN session_cancelled x ON x.slot_id = a.slot_id AND x.on_date = a.on_date"
        ),
        0
    );
    assert_eq!(
        count(
            "SELECT count(*) FROM attendance a JOIN referral r ON r.id = a.referral_id WHERE a.on_date < r.allocated_on"
        ),
        0
    );
    let absent =
        count("SELECT count(DISTINCT outcome) FROM attendance WHERE outcome <> 'attended'");
    assert!(absent >= 4, "{absent} kinds of absence");
    assert!(
        count("SELECT count(*) FROM attendance WHERE outcome = 'attended'") * 10
            > r.marks as i64 * 7
    );
    assert_eq!(
        count("SELECT count(*) FROM attendance WHERE outcome = 'other' AND comment = ''"),
        0
    );
    // Needs screens in every facility, finalised with the shipped form.
    assert_eq!(
        count(
            "SELECT count(DISTINCT p.facility_id) FROM assessment a JOIN prisoner p ON p.id = a.prisoner_id
             WHERE a.form_id = 'needs_screen' AND a.status = 'final'"
        ),
        12
    );
    assert_eq!(store.verify_audit().unwrap(), None);
    assert!(store.integrity_problems().unwrap().is_empty());
}

#[test]
fn the_same_seed_and_day_give_the_same_rosters_and_classifications() {
    let dir = tempfile::tempdir().unwrap();
    let build = |name: &str, seed: u64| {
        let path = dir.path().join(name);
        demo::build(&path, &spec(Country::Tunisia, seed), now()).unwrap();
        (roster_dump(&path), custody_dump(&path))
    };
    let first = build("a.db", 4);
    assert!(first.0.len() > 1000, "{}", first.0.len());
    assert!(first.1.len() > 100, "{}", first.1.len());
    let again = build("b.db", 4);
    assert!(first.0 == again.0, "same seed, different rosters");
    assert!(first.1 == again.1, "same seed, different classifications");
    let other = build("c.db", 5);
    assert!(first.0 != other.0, "different seeds, same rosters");
    assert!(first.1 != other.1, "different seeds, same classifications");
}

/// The custody classifications of a demo file, in id order, for comparing two builds.
fn custody_dump(path: &Path) -> Vec<String> {
    let conn = rusqlite::Connection::open(path).unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT id || ' ' || form_id || ' ' || prisoner_id || ' ' || assessed_on || ' ' || answers || ' '
                    || scored_result || ' ' || coalesce(override_result, '-') || ' ' || approval
             FROM assessment WHERE custody_level IS NOT NULL ORDER BY id",
        )
        .unwrap();
    let rows = stmt.query_map([], |r| r.get::<_, String>(0)).unwrap();
    rows.map(|r| r.unwrap()).collect()
}

#[test]
fn demo_classifications_are_what_the_scale_gives_and_the_reports_find_true_breaches() {
    use warden::domain::allocate::HardRule;
    use warden::domain::forms::finalise;
    use warden::store::ApprovalState;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.db");
    let summary = demo::build(&path, &spec(Country::Uganda, 1), now()).unwrap();
    let c = summary.custody;
    assert!(c.classified > 300, "{c:?}");
    assert!(c.reclassified > 50 && c.overrides > 5, "{c:?}");
    assert!(c.pending > 0 && c.pending < c.classified / 10, "{c:?}");

    let store = Store::open(&path).unwrap();
    let today = now().date_naive();
    let (mut levels, mut pending_overrides) = (std::collections::BTreeSet::new(), 0);
    let mut forms = std::collections::HashMap::new();
    for person in everyone(&store) {
        let id = person.prisoner.id;
        let rows: Vec<_> = store
            .assessments_of_prisoner(id)
            .unwrap()
            .into_iter()
            .filter(|a| a.custody_level.is_some())
            .collect();
        for a in &rows {
            // The scale, run again on the stored answers, gives the stored score; the result is the override
            // where there is one, else that score.
            let form = forms
                .entry((a.form_id.clone(), a.form_version))
                .or_insert_with(|| store.recorded_form(&a.form_id, a.form_version).unwrap());
            let done = finalise(form, &a.answers(form), a.assessed_on.unwrap()).unwrap();
            let scored = done
                .outcome
                .result
                .map(|i| form.result.as_ref().unwrap().choices[i].value.clone());
            assert_eq!(scored, a.scored_result, "assessment {}", a.id);
            assert_eq!(
                a.result,
                a.override_result.clone().or(scored.clone()),
                "assessment {}",
                a.id
            );
            assert!(a.assessed_on.unwrap() < today);
            if a.approval == ApprovalState::Approved {
                assert_ne!(a.approved_by.as_deref(), Some(a.author.as_str()));
            }
        }
        // The store's level in force is the newest classification's: its result, or while an override awaits
        // approval one of the scored and the overridden level (which one is the store's rule, not this test's).
        let in_force = store.custody_level(id).unwrap().map(|l| l.to_string());
        match rows.first() {
            None => assert_eq!(in_force, None, "{}", person.prisoner.number),
            Some(newest)
                if newest.override_result.is_some()
                    && newest.approval == ApprovalState::Pending =>
            {
                pending_overrides += 1;
                let allowed = [newest.scored_result.clone(), newest.override_result.clone()];
                assert!(allowed.contains(&in_force), "{}", person.prisoner.number);
            }
            Some(newest) => assert_eq!(in_force, newest.result, "{}", person.prisoner.number),
        }
        levels.extend(in_force);
    }
    assert_eq!(levels.len(), 4, "{levels:?}");
    assert!(pending_overrides > 0);

    // The placements report finds people whose classification their unit no longer meets, and some other
    // breaches, without drowning in them: a cell over its absolute maximum is the exception.
    let breaches = store.placement_breaches(today).unwrap();
    let with = |rule: HardRule| {
        breaches
            .iter()
            .filter(|b| b.breaches.iter().any(|x| x.rule == rule))
            .count()
    };
    let classified_breach = breaches.iter().any(|b| {
        store.custody_level(b.prisoner_id).unwrap().is_some()
            && b.breaches.iter().any(|x| x.rule == HardRule::CustodyLevel)
    });
    assert!(
        classified_breach,
        "no classified person breaches the custody rule"
    );
    assert!(with(HardRule::NonAssociation) > 0);
    assert!(with(HardRule::UntriedConvicted) > 0);
    assert!(
        with(HardRule::AbsoluteMaximum) < 40,
        "{}",
        with(HardRule::AbsoluteMaximum)
    );
    assert!(
        (40..200).contains(&breaches.len()),
        "{} of 2000 people in a cell that breaks a rule",
        breaches.len()
    );
    // A facility's report reads only its own cells and finds exactly what the whole estate's finds there.
    for row in store.facilities().unwrap() {
        let facility = row.facility;
        let there: Vec<_> = breaches
            .iter()
            .filter(|b| b.facility == facility.code)
            .cloned()
            .collect();
        let own = store
            .placement_breaches_within(warden::store::Within::Facility(facility.id), today)
            .unwrap();
        assert_eq!(own, there, "{}", facility.code);
    }
    // Segregation: ended placements too, one or more after more than 15 days, ended in the last day.
    let ended = store
        .ended_segregations(today - chrono::Duration::days(1), 15, None)
        .unwrap();
    assert!(!ended.is_empty());
}

/// Issue 17: the demo's release dates agree with the day it is built. Everyone in custody with a sentence is
/// still serving but for a few held past their date, whom the past-release report names; those whose day passed
/// were released on it; every case is sound and every stored date is the one the cases give.
#[test]
fn release_dates_agree_with_the_build_day() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.db");
    let summary = demo::build(&path, &spec(Country::Uganda, 1), now()).unwrap();
    let store = Store::open(&path).unwrap();
    let today = now().date_naive();
    let past = store.past_release(None, today).unwrap();
    assert_eq!(past.len(), summary.held_past_release);
    assert!((3..=5).contains(&past.len()), "{}", past.len());
    assert!(past.iter().all(|r| (1..=45).contains(&r.days_past)));
    let rules = store.release_rules().unwrap();
    assert!(
        rules.remission.is_some(),
        "Uganda's preset grants remission"
    );
    let mut cases = 0;
    let mut consecutive = 0;
    let mut remand_warrants = 0;
    let mut life = 0;
    let mut orders = 0;
    for row in everyone(&store) {
        let p = &row.prisoner;
        let these = store.cases(p.id).unwrap();
        assert!(!these.is_empty(), "{} has no case", p.number);
        warden::domain::sentence::check_cases(&these).unwrap();
        cases += these.len();
        consecutive += these
            .iter()
            .filter(|c| {
                matches!(
                    c.sentence.map(|s| s.relation),
                    Some(warden::domain::sentence::Relation::ConsecutiveTo(_))
                )
            })
            .count();
        remand_warrants += these.iter().filter(|c| c.warrant.expires.is_some()).count();
        life += these
            .iter()
            .filter(|c| {
                c.sentence.map(|s| s.length) == Some(warden::domain::sentence::Length::Life)
            })
            .count();
        orders += usize::from(store.release_override(p.id).unwrap().is_some());
        let working = store.release_working(p.id).unwrap();
        assert_eq!(working.date, p.expected_release, "{}", p.number);
        if !p.in_custody {
            // Released on the day the sentence ended.
            let (release, _) = store
                .events(p.id)
                .unwrap()
                .into_iter()
                .find(|(e, _)| e.kind.as_str() == "release")
                .unwrap();
            assert_eq!(Some(release.at.date()), p.expected_release);
        }
    }
    assert_eq!(cases, summary.cases);
    assert!(life > 0, "no life sentence");
    assert!(summary.court_orders > 0, "no court order");
    assert_eq!(orders, summary.court_orders);
    assert!(consecutive > 10, "{consecutive} consecutive sentences");
    assert!(remand_warrants > 500, "{remand_warrants} remand warrants");
}

/// Issue 17, item 4: a new child can be placed in every juvenile facility, and someone who turned 18 in a young
/// unit awaits a supervisor's age review, so both paths can be seen on the demo.
#[test]
fn every_juvenile_facility_has_a_lawful_young_cell_free_and_someone_turned_18_awaits_review() {
    use warden::domain::allocate::lawful::AlertKind;
    use warden::domain::allocate::{self, Context, Mover};
    use warden::domain::estate::{AgeGroup, FacilityKind, LegalStatus, Sex};
    use warden::store::Within;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.db");
    demo::build(&path, &spec(Country::Uganda, 1), now()).unwrap();
    let store = Store::open(&path).unwrap();
    let today = now().date_naive();
    let rules = store.allocation_rules().unwrap();
    let juvenile: Vec<_> = store
        .facilities()
        .unwrap()
        .into_iter()
        .filter(|f| f.facility.kind == FacilityKind::Juvenile)
        .collect();
    assert!(!juvenile.is_empty());
    for f in &juvenile {
        let boy = Mover {
            id: 0,
            sex: Sex::Male,
            status: LegalStatus::Remand,
            age: AgeGroup::Young,
            custody: None,
            vep: false,
            violent: false,
            vulnerable: false,
            languages: Vec::new(),
            home_district: String::new(),
            facility_id: Some(f.facility.id),
            cell_id: None,
        };
        let cells = store
            .candidate_cells(Within::Facility(f.facility.id), today)
            .unwrap();
        let ctx = Context {
            rules: &rules,
            keep_apart: &[],
        };
        let offered = allocate::rank(&boy, &cells, &ctx);
        assert!(
            !offered.is_empty(),
            "no cell in {} for a new boy on remand",
            f.facility.code
        );
    }
    let alerts = store.custody_alerts(None, today).unwrap();
    assert!(
        alerts.iter().any(|a| a.kind == AlertKind::TurnedAdult),
        "{alerts:?}"
    );
}
