//! End-to-end roster journey by keystrokes, in the real binary in an 80x24 pseudo-terminal: refer someone from
//! their needs screen's suggestion, find them on the programme's waitlist, give them a place through the
//! checks, mark today's register with one exception, and see each person's participation.

#[allow(dead_code)]
#[path = "e2e/fixture.rs"]
mod fixture;
#[allow(dead_code)]
#[path = "e2e/harness.rs"]
mod harness;

use chrono::{Datelike, Duration, NaiveTime, Utc};
use fixture::{Demo, check};
use harness::{Launch, Term, keys};
use warden::domain::roster::{Category, Eligibility, Outcome, Programme, ReferralStatus, Slot};
use warden::store::{Actor, Store};

const PROGRAMME: (&str, &str) = ("programme", "programme-demo");

fn sign_in(term: &mut Term, (name, password): (&str, &str)) {
    term.wait_for("Sign in");
    term.send(name);
    term.send(keys::ENTER);
    term.send(password);
    term.send(keys::ENTER);
    term.wait_for("The service now");
}

/// Two adults in cells at the first facility by code, not flagged, not releasing soon, with nothing else on
/// their week: (id, number).
fn two_people(store: &Store, facility: i64) -> Vec<(i64, String)> {
    let conn = rusqlite::Connection::open(store.path()).unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT id, number FROM prisoner WHERE facility_id = ?1 AND in_custody = 1 AND cell_id IS NOT NULL
               AND vep = 0 AND expected_release IS NULL
               AND id NOT IN (SELECT prisoner_id FROM referral)
               AND id NOT IN (SELECT first_id FROM non_association UNION SELECT second_id FROM non_association)
             ORDER BY id LIMIT 2",
        )
        .unwrap();
    stmt.query_map([facility], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(|r| r.unwrap())
        .collect()
}

/// A programme at the first facility by code with a session today (early, so it has happened), a needs screen
/// finding for both people, and the second person already in the group. Returns (programme, people).
fn set_up(demo: &Demo) -> (i64, Vec<(i64, String)>) {
    let mut store = demo.store();
    let facility = store
        .facilities()
        .unwrap()
        .into_iter()
        .map(|f| f.facility)
        .min_by(|a, b| a.code.cmp(&b.code))
        .unwrap();
    let people = two_people(&store, facility.id);
    assert_eq!(people.len(), 2, "two people to work with");
    let today = Utc::now().date_naive();
    let actor = Actor::system("programme", Utc::now());
    let programme = store
        .add_programme(
            &actor,
            &Programme {
                id: 0,
                facility_id: facility.id,
                code: "E2E1".into(),
                name: "Keystroke literacy".into(),
                category: Category::Literacy,
                provider: "staff".into(),
                facilitators: vec!["Test Facilitator".into()],
                room: "Room E".into(),
                capacity: 12,
                starts_on: today - Duration::days(7),
                ends_on: today + Duration::days(60),
                eligibility: Eligibility {
                    needs: vec!["need_e2e".into()],
                    ..Eligibility::default()
                },
                completion_percent: 80,
                vep_share_percent: 20,
                slots: vec![Slot {
                    id: 0,
                    weekday: today.weekday().number_from_monday() as u8,
                    starts: NaiveTime::from_hms_opt(0, 0, 0).unwrap(),
                    ends: NaiveTime::from_hms_opt(0, 30, 0).unwrap(),
                }],
            },
        )
        .unwrap();
    for (id, _) in &people {
        store
            .write(&Actor::system("assessor", Utc::now()), warden::domain::auth::Need::To(warden::domain::auth::Permission::ConfigureStation), "test", |tx| {
                tx.execute(
                    "INSERT OR IGNORE INTO form_version VALUES ('needs_screen', 999, ?1, '', '2026-01-01')",
                    ["0".repeat(64)],
                )?;
                tx.execute(
                    "INSERT INTO main.assessment(series, revision, form_id, form_version, form_sha256, prisoner_id,
                         status, author, created_at, updated_at, answers, assessed_on, finalised_at, findings)
                     VALUES (?1 + 1000000, 1, 'needs_screen', 999, ?2, ?1, 'final', 'assessor',
                             '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', '{}', '2026-01-01',
                             '2099-01-01T00:00:00Z', '[\"need_e2e\"]')",
                    rusqlite::params![id, "0".repeat(64)],
                )?;
                Ok(())
            })
            .unwrap();
    }
    let first_in = store
        .refer(&actor, programme, people[1].0, Some("need_e2e"), "")
        .unwrap();
    store.allocate_place(&actor, first_in, None).unwrap();
    (programme, people)
}

fn open_home_entry(term: &mut Term, label: &str) {
    let home = term.wait_for(label);
    let down = home
        .lines()
        .skip_while(|l| !l.contains("Menu"))
        .position(|l| l.contains(label))
        .unwrap();
    for _ in 1..down {
        term.send(keys::DOWN);
    }
    term.send(keys::ENTER);
}

#[test]
fn refer_waitlist_place_mark_one_exception_and_see_participation() {
    let demo = Demo::new();
    let (programme, people) = set_up(&demo);
    let (newcomer, member) = (&people[0], &people[1]);
    let mut term = Launch::new(&demo.db, demo.path()).start();
    sign_in(&mut term, PROGRAMME);

    // Refer from the suggestion the needs screen made.
    term.send("/");
    term.send(&newcomer.1);
    term.wait_for(&newcomer.1);
    term.send(keys::ENTER);
    term.wait_for("Identity");
    term.send("P");
    let s = term.wait_for("Keystroke literacy");
    assert!(s.contains(">suggested"), "{s}");
    term.send("f");
    term.wait_for("Refer to Keystroke literacy");
    term.send(keys::F2);
    term.wait_for("now on its waitlist");

    // The waitlist, then a place through the checks.
    term.send(keys::F10);
    sign_in(&mut term, PROGRAMME);
    open_home_entry(&mut term, "Programmes and rosters");
    term.wait_for("Sessions");
    term.send("/");
    term.wait_for("Facilitator or programme");
    term.send("E2E");
    term.send(keys::F2);
    term.wait_for("Showing programmes with 'E2E'");
    term.send(keys::ENTER);
    term.wait_for("Waitlist (1)");
    term.send(keys::TAB);
    let s = term.wait_for("matching need");
    assert!(s.contains(&newcomer.1), "{s}");
    term.send("g");
    term.wait_for("Waitlist (0)");

    // Today's register: both attended, then the newcomer was in fact at court.
    term.send(keys::TAB);
    term.wait_for("0 of 2 marked");
    term.send(keys::ENTER);
    term.wait_for("2 not marked");
    term.send("y");
    term.wait_for("2 marked attended");
    let s = term.screen();
    let row = s.lines().position(|l| l.contains(&newcomer.1)).unwrap();
    let selected = s.lines().position(|l| l.starts_with('>')).unwrap();
    if row > selected {
        term.send(keys::DOWN);
    }
    term.send(keys::ENTER);
    term.wait_for("Outcome");
    term.send("c");
    term.send(keys::F2);
    term.wait_for("1 attended, 1 absent, 0 not marked");

    // Participation, from each person's own programmes.
    for (who, expect) in [(member, "100% of 1"), (newcomer, "allocated")] {
        term.send(keys::F10);
        sign_in(&mut term, PROGRAMME);
        term.send("/");
        term.send(&who.1);
        term.wait_for(&who.1);
        term.send(keys::ENTER);
        term.wait_for("Identity");
        term.send("P");
        let s = term.wait_for("Keystroke literacy");
        let line = s
            .lines()
            .find(|l| l.contains("Keystroke literacy"))
            .unwrap();
        assert!(line.contains(expect), "{s}");
        if who == newcomer {
            // Court does not count against completion: nothing counted yet.
            assert!(!line.contains('%'), "{s}");
        }
    }
    term.send(keys::CTRL_Q);
    term.wait_exit();

    let store = Store::open(&demo.db).unwrap();
    let group = store
        .programme_referrals(programme, ReferralStatus::Allocated)
        .unwrap();
    assert_eq!(group.len(), 2);
    let slot = store.programme(programme).unwrap().slots[0].id;
    let register = store
        .session_register(slot, Utc::now().date_naive())
        .unwrap();
    let mark = |id: i64| {
        register
            .iter()
            .find(|l| l.referral.prisoner_id == id)
            .and_then(|l| l.outcome)
    };
    assert_eq!(mark(newcomer.0), Some(Outcome::Court));
    assert_eq!(mark(member.0), Some(Outcome::Attended));
    let (ok, out) = check(&demo.db, demo.path());
    assert!(ok, "{out}");
}

/// The programme coordinator makes a programme by keystrokes in the real binary; a session typed wrong is named
/// on its field and nothing is saved until it is right; the new programme is then in the list and the store.
#[test]
fn a_programme_is_made_by_keystrokes() {
    let demo = Demo::new();
    let mut term = Launch::new(&demo.db, demo.path()).start();
    sign_in(&mut term, PROGRAMME);
    open_home_entry(&mut term, "Programmes and rosters");
    term.wait_for("Sessions");
    term.send("n");
    term.wait_for("New programme");
    for (text, tabs) in [
        ("KEY9", 1),
        ("Keyboard skills", 3),
        ("Okot James", 1),
        ("Library", 2),
        ("Tue 14:00-16:00, Thu 16:00-14:00", 1),
        ("2026-12-01", 1),
        ("2027-02-26", 0),
    ] {
        term.send(text);
        for _ in 0..tabs {
            term.send(keys::TAB);
        }
    }
    term.send(keys::F2);
    term.wait_for("ends: 14:00 is not after the start 16:00");
    let count = |db: &std::path::Path| -> i64 {
        rusqlite::Connection::open(db)
            .unwrap()
            .query_row(
                "SELECT count(*) FROM programme WHERE code = 'KEY9'",
                [],
                |r| r.get(0),
            )
            .unwrap()
    };
    assert_eq!(count(&demo.db), 0);
    // The focus is on the sessions: clear it and type it right.
    term.send("\x15");
    term.send("Tue 14:00-16:00, Thu 14:00-16:00");
    term.send(keys::F2);
    term.wait_for("Programme KEY9 saved.");
    term.send("/");
    term.wait_for("Facilitator or programme");
    term.send("Keyboard");
    term.send(keys::F2);
    let s = term.wait_for("Tue Thu 14:00-16:00");
    assert!(s.contains("Keyboard skills"), "{s}");
    assert_eq!(count(&demo.db), 1);
    term.send(keys::CTRL_Q);
    term.wait_exit();
    let (ok, report) = check(&demo.db, demo.path());
    assert!(ok, "{report}");
}
