//! Snapshot tests of every screen at 80x24, in colour and in monochrome, driven by key presses.

// Not every test file uses every step of the shared driver.
#[allow(dead_code)]
#[path = "screens/driver.rs"]
mod driver;
#[path = "screens/fixture.rs"]
mod fixture;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use driver::Driver;
use warden::store::Store;

/// A screen snapshot of this file, named with the theme.
trait Snap {
    fn snap(&self, name: &str);
}

impl Snap for Driver {
    fn snap(&self, name: &str) {
        insta::assert_snapshot!(self.themed(name), self.screen());
    }
}

/// Runs a journey twice, in colour and in monochrome, each on a fresh copy of the fixture.
fn both(f: impl Fn(&mut Driver, &fixture::Fixture)) {
    for mono in [false, true] {
        let fx = fixture::build();
        let mut d = Driver::with_theme(&fx.path, mono);
        f(&mut d, &fx);
    }
}

/// The password check runs on a worker: the screen says so while it runs, typing goes on, and an Enter typed
/// ahead sends the next try as soon as the first is answered.
#[test]
fn the_password_is_checked_off_the_screen_and_an_enter_typed_ahead_is_kept() {
    let fx = fixture::build();
    let mut d = Driver::new(&fx.path);
    let raw = |d: &mut Driver, code: KeyCode| {
        d.app
            .handle_key(KeyEvent::new(code, KeyModifiers::NONE), fixture::t0());
    };
    d.text("officer").key(KeyCode::Enter);
    for c in "wrong".chars() {
        raw(&mut d, KeyCode::Char(c));
    }
    raw(&mut d, KeyCode::Enter);
    assert!(d.app.working(), "the check runs on a worker");
    let s = d.screen();
    assert!(s.contains("Checking the password... 0 s"), "{s}");
    // The right password typed ahead while the wrong one is checked, and its Enter.
    for c in fixture::PASSWORD.chars() {
        raw(&mut d, KeyCode::Char(c));
    }
    raw(&mut d, KeyCode::Enter);
    assert!(
        d.app.session().is_none(),
        "nothing decided before the check answers"
    );
    fixture::finish_work(&mut d.app, fixture::t0());
    assert!(d.app.session().is_some(), "{}", d.screen());
    let actions: Vec<String> = d
        .app
        .store()
        .recent_audit(1_000_000)
        .unwrap()
        .into_iter()
        .filter(|r| r.entity == "staff")
        .map(|r| r.action)
        .collect();
    assert!(
        actions.contains(&"login-failed".to_string()) && actions.contains(&"login".to_string()),
        "both tries recorded: {actions:?}"
    );
}

#[test]
fn login_screen() {
    both(|d, _| {
        d.snap("login");
        d.text("officer")
            .key(KeyCode::Enter)
            .text("wrong")
            .key(KeyCode::Enter);
        let s = d.screen();
        assert!(s.contains("Wrong user name or password."), "{s}");
        assert!(!s.contains("wrong"), "the password must never be shown");
        d.snap("login_refused");
    });
}

#[test]
fn home_screen_is_role_aware() {
    both(|d, _| {
        d.login("admin");
        let s = d.screen();
        assert!(s.contains("Staff accounts") && s.contains("Admit a prisoner"));
        assert!(s.contains("200%"), "2 held in 1 certified place:\n{s}");
        d.snap("home_admin");
    });
    both(|d, _| {
        d.login("programme");
        let s = d.screen();
        assert!(
            !s.contains("Staff accounts") && !s.contains("Admit a prisoner"),
            "{s}"
        );
        d.snap("home_programme");
    });
}

#[test]
fn search_screen_finds_names_in_any_script() {
    both(|d, _| {
        d.login("officer").text("/").text("абен");
        let s = d.screen();
        assert!(s.contains("LUZ/2026/00002"), "{s}");
        d.snap("search_cyrillic");
        for _ in 0..4 {
            d.key(KeyCode::Backspace);
        }
        d.text("okel");
        assert!(d.screen().contains("Okello, John Bosco"));
        d.snap("search_latin");
        d.text("zzz");
        assert!(d.screen().contains("No one matches"));
    });
}

#[test]
fn search_screen_finds_words_in_any_order_in_latin_letters_and_says_when_through_an_alias() {
    both(|d, _| {
        // Абенов Нурлан, typed given name first and in Latin letters.
        d.login("officer").text("/").text("nurlan abe");
        let s = d.screen();
        assert!(
            s.contains("LUZ/2026/00002") && s.contains("Абенов, Нурлан"),
            "{s}"
        );
        for _ in 0.."nurlan abe".len() {
            d.key(KeyCode::Backspace);
        }
        // His alias محمد, as a mechanical transliteration: found, and the list says through which alias.
        d.text("mhmd");
        let s = d.screen();
        assert!(s.contains("Абенов (alias: محمد)"), "{s}");
        d.snap("search_alias");
        for _ in 0..4 {
            d.key(KeyCode::Backspace);
        }
        d.text("bosco okel");
        assert!(d.screen().contains("Okello, John Bosco"), "{}", d.screen());
    });
}

#[test]
fn the_latin_spelling_is_typed_on_the_form_shown_on_the_record_and_searched() {
    let fx = fixture::build();
    let mut d = Driver::new(&fx.path);
    d.login("officer")
        .text("/")
        .text("okello")
        .key(KeyCode::Enter);
    assert!(
        !d.screen().contains("Names in Latin letters"),
        "none yet: {}",
        d.screen()
    );
    d.text("e");
    // The Latin spelling is the form's last section: Shift-Tab from the first field reaches it.
    d.key(KeyCode::BackTab).text("Окелло");
    d.key(KeyCode::F(2));
    assert!(
        d.screen()
            .contains("Given names (Latin): use Latin letters, as the civil-status"),
        "{}",
        d.screen()
    );
    for _ in 0..6 {
        d.key(KeyCode::Backspace);
    }
    d.text("Bosko Ochola").key(KeyCode::F(2));
    assert!(
        d.screen().contains("Saved LUZ/2026/00001"),
        "{}",
        d.screen()
    );
    d.key(KeyCode::End);
    let s = d.screen();
    assert!(s.contains("Names in Latin letters"), "{s}");
    assert!(s.contains("Given names (Latin)   Bosko Ochola"), "{s}");
    // The civil-status spelling is searched too.
    let store = Store::open(&fx.path).unwrap();
    let hits = store.search("ochola bosk", 10).unwrap();
    assert_eq!(hits[0].number, "LUZ/2026/00001");
    assert_eq!(hits[0].alias, None);
}

#[test]
fn record_screen_hides_the_vep_flag_from_officers() {
    both(|d, _| {
        d.login("officer")
            .text("/")
            .text("okello")
            .key(KeyCode::Enter);
        let s = d.screen();
        assert!(
            s.contains("Chief Magistrate, Nakawa") && s.contains("A-01"),
            "{s}"
        );
        assert!(
            !s.contains("VEP") && !s.contains("Violent extremist"),
            "{s}"
        );
        d.snap("record_officer");
    });
    both(|d, _| {
        d.login("assessor")
            .text("/")
            .text("okello")
            .key(KeyCode::Enter);
        assert!(d.screen().contains("VEP"));
        d.snap("record_assessor");
    });
}

#[test]
fn opening_a_vep_record_is_audited() {
    let fx = fixture::build();
    let mut d = Driver::with_theme(&fx.path, false);
    d.login("officer")
        .text("/")
        .text("okello")
        .key(KeyCode::Enter);
    let rows = d.app.store().recent_audit(1).unwrap();
    assert_eq!(
        (
            rows[0].entity.as_str(),
            rows[0].action.as_str(),
            rows[0].actor.as_str()
        ),
        ("prisoner", "read", "officer")
    );
    assert_eq!(rows[0].entity_id, fx.okello.to_string());
}

#[test]
fn record_shows_control_characters_replaced() {
    both(|d, _| {
        d.login("officer")
            .text("/")
            .text("абен")
            .key(KeyCode::Enter);
        d.key(KeyCode::End);
        let s = d.screen();
        assert!(
            s.contains("watch?[31m red") && s.contains("Custody history"),
            "{s}"
        );
        d.snap("record_scrolled");
    });
}

#[test]
fn edit_form_names_the_bad_field_and_saves_good_values() {
    both(|d, fx| {
        d.login("officer")
            .text("/")
            .text("okello")
            .key(KeyCode::Enter)
            .text("e");
        d.snap("edit_form");
        // The number has the focus; given names is two fields on. Then make the birth date impossible.
        d.key(KeyCode::Tab)
            .key(KeyCode::Tab)
            .key(KeyCode::End)
            .text(" Paul");
        d.key(KeyCode::Tab).key(KeyCode::Tab);
        for _ in 0..10 {
            d.key(KeyCode::Backspace);
        }
        d.text("1990-02-30").key(KeyCode::F(2));
        let s = d.screen();
        assert!(
            s.contains("Born (date or year): '1990-02-30' is not a date"),
            "{s}"
        );
        d.snap("edit_form_error");
        for _ in 0..2 {
            d.key(KeyCode::Backspace);
        }
        d.text("28").key(KeyCode::F(2));
        let s = d.screen();
        assert!(s.contains("Saved LUZ/2026/00001"), "{s}");
        assert!(
            s.contains("John Bosco Paul") && s.contains("1990-02-28"),
            "{s}"
        );
        let stored = d.app.store().prisoner(fx.okello).unwrap().unwrap().prisoner;
        assert_eq!(stored.given_names, "John Bosco Paul");
    });
}

#[test]
fn unsaved_edits_need_a_second_escape() {
    let fx = fixture::build();
    let mut d = Driver::with_theme(&fx.path, false);
    d.login("officer")
        .text("/")
        .text("okello")
        .key(KeyCode::Enter)
        .text("e");
    d.key(KeyCode::Tab).text("X").key(KeyCode::Esc);
    assert!(d.screen().contains("Unsaved changes"));
    d.key(KeyCode::Esc);
    assert!(d.screen().contains("In custody (remand)"));
    let stored = d.app.store().prisoner(fx.okello).unwrap().unwrap().prisoner;
    assert_eq!(stored.family_name, "Okello");
}

#[test]
fn every_form_asks_before_discarding_typing() {
    let fx = fixture::build();
    let mut d = Driver::with_theme(&fx.path, false);
    d.login("admin")
        .key(KeyCode::Down)
        .key(KeyCode::Down)
        .key(KeyCode::Enter)
        .text("n");
    d.text("NEW").key(KeyCode::Esc);
    assert!(d.screen().contains("Unsaved changes"));
    d.text("X").key(KeyCode::Esc);
    assert!(
        d.screen().contains("Unsaved changes"),
        "another key disarms the first Esc"
    );
    d.key(KeyCode::Esc);
    assert!(d.screen().contains("Estate: facilities"));
    // An untouched form leaves at once.
    d.text("n").key(KeyCode::Esc);
    assert!(d.screen().contains("Estate: facilities"));
}

#[test]
fn what_was_typed_survives_a_crash_and_comes_back_once() {
    let fx = fixture::build();
    {
        let mut d = Driver::with_theme(&fx.path, false);
        d.login("officer")
            .text("/")
            .text("okello")
            .key(KeyCode::Enter)
            .text("e");
        d.key(KeyCode::Tab)
            .key(KeyCode::Tab)
            .key(KeyCode::End)
            .text(" Paul");
        d.app.flush_drafts();
        // The App is dropped here without saving: as if the power went.
    }
    let mut d = Driver::with_theme(&fx.path, false);
    d.login("officer")
        .text("/")
        .text("okello")
        .key(KeyCode::Enter)
        .text("e");
    let s = d.screen();
    assert!(
        s.contains("Restored what you were typing") && s.contains("John Bosco Paul"),
        "{s}"
    );
    d.key(KeyCode::F(2));
    assert!(d.screen().contains("Saved LUZ/2026/00001"));
    d.app.flush_drafts();
    d.text("e");
    let s = d.screen();
    assert!(
        !s.contains("Restored"),
        "the draft is gone once saved:\n{s}"
    );
    assert_eq!(
        d.app
            .store()
            .prisoner(fx.okello)
            .unwrap()
            .unwrap()
            .prisoner
            .given_names,
        "John Bosco Paul"
    );
    // Someone else's draft is theirs alone.
    d.key(KeyCode::Tab).text("X");
    d.app.flush_drafts();
    let mut other = Driver::with_theme(&fx.path, false);
    other
        .login("supervisor")
        .text("/")
        .text("okello")
        .key(KeyCode::Enter)
        .text("e");
    assert!(!other.screen().contains("Restored"));
}

#[test]
fn a_date_of_birth_over_100_is_asked_about_and_a_child_is_admitted_with_an_alert() {
    let fx = fixture::build();
    let mut d = Driver::new(&fx.path);
    d.login("officer").key(KeyCode::Down).key(KeyCode::Enter);
    d.key(KeyCode::Tab)
        .key(KeyCode::Tab)
        .text("Nsubuga")
        .key(KeyCode::F(2));
    d.text("1899").key(KeyCode::F(2));
    let s = d.screen();
    assert!(
        s.contains("Born (date or year): 1899 is before 1900"),
        "an impossible date is a field error:\n{s}"
    );
    for _ in 0..4 {
        d.key(KeyCode::Backspace);
    }
    d.text("1920-01-01").key(KeyCode::F(2));
    d.text("Chief Magistrate, Jinja").key(KeyCode::F(2));
    let s = d.screen();
    assert!(
        s.contains("Born (date or year): that makes them 106: check it"),
        "{s}"
    );
    d.snap("admit_over_100");
    d.key(KeyCode::F(2));
    let s = d.screen();
    assert!(s.contains("Admitted KIR/2026/00003 Nsubuga"), "{s}");
    // A boy of 10 admitted to Kirinya, which has no young unit: recorded, and supervisors are alerted.
    // Home keeps "Admit a prisoner" selected.
    d.key(KeyCode::Esc).key(KeyCode::Enter);
    d.key(KeyCode::Tab)
        .key(KeyCode::Tab)
        .text("Kato")
        .key(KeyCode::F(2));
    d.text("2016-05-01").key(KeyCode::F(2));
    d.text("Chief Magistrate, Jinja").key(KeyCode::F(2));
    let s = d.screen();
    assert!(s.contains("Admitted KIR/2026/00004 Kato"), "{s}");
    assert!(
        s.contains("Supervisors are alerted on Home (age 10: too"),
        "{s}"
    );
    let kinds: Vec<&str> = d
        .app
        .store()
        .custody_alerts(None, fixture::t0().date_naive())
        .unwrap()
        .into_iter()
        .filter(|a| a.number == "KIR/2026/00004")
        .map(|a| a.kind.key())
        .collect();
    assert_eq!(kinds, ["alert-below-min-age", "alert-no-young-unit"]);
}

#[test]
fn admission_form_proposes_a_number_and_admits() {
    both(|d, _| {
        d.login("officer").key(KeyCode::Down).key(KeyCode::Enter);
        let s = d.screen();
        assert!(s.contains("KIR/2026/00003"), "next number proposed:\n{s}");
        d.snap("admit_form");
        // Facility, then number (keep), family name.
        d.key(KeyCode::Tab)
            .key(KeyCode::Tab)
            .text("Nsubuga")
            .key(KeyCode::F(2));
        let s = d.screen();
        assert!(
            s.contains("Born (date or year): required"),
            "no default birth date:\n{s}"
        );
        d.text("1988").key(KeyCode::F(2));
        let s = d.screen();
        assert!(
            s.contains("Committing authority: required"),
            "Rule 7 needs the authority:\n{s}"
        );
        d.text("Chief Magistrate, Jinja").key(KeyCode::F(2));
        let s = d.screen();
        assert!(s.contains("Admitted KIR/2026/00003 Nsubuga"), "{s}");
        assert!(s.contains("In custody (remand) | age 37 | Kirinya"), "{s}");
    });
}

#[test]
fn transfer_and_release_screens() {
    let both = |f: &dyn Fn(&mut Driver, &fixture::Fixture)| {
        for mono in [false, true] {
            let fx = fixture::build();
            kirinya_convicted_unit(&fx);
            let mut d = Driver::with_theme(&fx.path, mono);
            f(&mut d, &fx);
        }
    };
    both(&|d, fx| {
        d.login("officer")
            .text("/")
            .text("абен")
            .key(KeyCode::Enter)
            .text("t");
        d.snap("transfer");
        d.key(KeyCode::F(2));
        assert!(d.screen().contains("Authority: required"));
        d.text("Commissioner General")
            .key(KeyCode::Tab)
            .text("overcrowding")
            .key(KeyCode::F(2));
        let s = d.screen();
        assert!(s.contains("Transferred LUZ/2026/00002"), "{s}");
        // Transfer and placement in one go: the new facility's cells come next; Esc leaves them waiting.
        assert!(
            s.contains("Change cell: LUZ/2026/00002") && s.contains("Now choose a cell"),
            "{s}"
        );
        d.key(KeyCode::Esc);
        d.text("r");
        d.snap("release");
        d.text("High Court")
            .key(KeyCode::Tab)
            .text("sentence quashed")
            .key(KeyCode::F(2));
        assert!(d.screen().contains("Released LUZ/2026/00002"));
        let row = d.app.store().prisoner(fx.abenov).unwrap().unwrap();
        assert!(!row.prisoner.in_custody);
    });
}

/// Kirinya gains a men's unit for convicted adults, so Abenov may lawfully go there (Rule 11).
fn kirinya_convicted_unit(fx: &fixture::Fixture) {
    use warden::domain::estate::*;
    let mut store = Store::open(&fx.path).unwrap();
    let a = warden::store::Actor::system("admin", fixture::t0());
    let kir = store.facility_by_code("KIR").unwrap().unwrap().id;
    store
        .add_unit(
            &a,
            &Unit {
                id: 0,
                facility_id: kir,
                code: "C".into(),
                name: "C wing convicted".into(),
                sex: UnitSex::Male,
                age_group: AgeGroup::Adult,
                legal_use: UnitUse::Convicted,
                security: SecurityLevel::Maximum,
            },
        )
        .unwrap();
}

#[test]
fn estate_browser_drills_down_to_the_people_in_a_cell() {
    both(|d, _| {
        d.login("admin")
            .key(KeyCode::Down)
            .key(KeyCode::Down)
            .key(KeyCode::Enter);
        d.snap("estate_facilities");
        // KIR sorts before LUZ.
        d.key(KeyCode::Down).key(KeyCode::Enter);
        d.snap("estate_units");
        d.key(KeyCode::Enter);
        let s = d.screen();
        assert!(s.contains("roof leaking"), "{s}");
        d.snap("estate_cells");
        d.key(KeyCode::Enter);
        assert!(d.screen().contains("Okello, John Bosco"));
        d.snap("estate_occupants");
    });
}

#[test]
fn estate_form_refuses_bad_capacity() {
    both(|d, _| {
        d.login("admin")
            .key(KeyCode::Down)
            .key(KeyCode::Down)
            .key(KeyCode::Enter);
        d.key(KeyCode::Down)
            .key(KeyCode::Enter)
            .key(KeyCode::Enter)
            .text("n");
        d.text("A-03")
            .key(KeyCode::Tab)
            .key(KeyCode::Backspace)
            .text("4")
            .key(KeyCode::F(2));
        let s = d.screen();
        assert!(
            s.contains("operational capacity: 1 is below the certified capacity 4"),
            "{s}"
        );
        d.snap("estate_cell_form_error");
    });
}

#[test]
fn officers_cannot_edit_the_estate() {
    let fx = fixture::build();
    let mut d = Driver::with_theme(&fx.path, false);
    d.login("officer")
        .key(KeyCode::Down)
        .key(KeyCode::Down)
        .key(KeyCode::Enter)
        .text("n");
    assert!(
        d.screen()
            .contains("Not allowed: a officer may not change the estate.")
    );
}

#[test]
fn user_admin_screens() {
    both(|d, _| {
        // Staff accounts comes after the four everyday entries, the cell queue, programmes and the four
        // assessment queues.
        d.login("admin");
        for _ in 0..10 {
            d.key(KeyCode::Down);
        }
        d.key(KeyCode::Enter);
        d.snap("users");
        d.text("n")
            .text("new.officer")
            .key(KeyCode::Tab)
            .key(KeyCode::Tab)
            .text("longpassword");
        d.key(KeyCode::Tab).text("longpassworX").key(KeyCode::F(2));
        assert!(d.screen().contains("differs from the first"));
        d.snap("user_form_error");
        d.key(KeyCode::Backspace).text("d").key(KeyCode::F(2));
        let s = d.screen();
        assert!(s.contains("Added new.officer (officer)"), "{s}");
        // Lock the new account (list is sorted: admin, assessor, new.officer ...).
        d.key(KeyCode::Down).key(KeyCode::Down).text("l");
        let s = d.screen();
        assert!(s.contains("Locked new.officer"), "{s}");
        // The list is read again: the row says so, and l again unlocks it.
        let row = |s: &str| {
            s.lines()
                .find(|l| l.contains("new.officer"))
                .unwrap_or_default()
                .to_string()
        };
        assert!(row(&s).contains("locked by administrator"), "{s}");
        d.text("l");
        let s = d.screen();
        assert!(s.contains("Unlocked new.officer"), "{s}");
        assert!(row(&s).contains("active"), "{s}");
    });
}

#[test]
fn help_lists_keys_from_the_table() {
    both(|d, _| {
        d.login("officer").key(KeyCode::F(1));
        let s = d.screen();
        // Home's own keys and those that work everywhere; not F2 (nothing is saved on Home).
        assert!(
            s.contains("Up/k") && s.contains("F9") && s.contains("messages"),
            "{s}"
        );
        assert!(!s.contains("F2/^S"), "{s}");
        d.snap("help_home");
        d.key(KeyCode::Esc);
        assert!(d.screen().contains("Find a prisoner"));
    });
}

#[test]
fn idle_lock_hides_the_screen_and_returns_to_it() {
    both(|d, _| {
        d.login("officer").text("/").text("okel");
        assert!(d.app.tick(fixture::t0() + chrono::Duration::minutes(6)));
        let s = d.screen();
        assert!(s.contains("Screen locked") && !s.contains("Okello"), "{s}");
        d.snap("locked");
        d.text("nope").key(KeyCode::Enter);
        assert!(d.screen().contains("Wrong user name or password"));
        d.text(fixture::PASSWORD).key(KeyCode::Enter);
        let s = d.screen();
        assert!(s.contains("Find: okel") && s.contains("Okello"), "{s}");
    });
}

/// The idle lock checks the password on a worker as the sign-in does: the lock stays up with a progress line while
/// the check runs, a try typed ahead waits its turn, and the work comes back once the right password is answered.
#[test]
fn the_lock_checks_the_password_off_the_screen_and_unlocks_after() {
    let fx = fixture::build();
    let mut d = Driver::new(&fx.path);
    d.login("officer").text("/").text("okel");
    assert!(d.app.tick(fixture::t0() + chrono::Duration::minutes(6)));
    let raw = |d: &mut Driver, code: KeyCode| {
        d.app
            .handle_key(KeyEvent::new(code, KeyModifiers::NONE), fixture::t0());
    };
    for c in "nope".chars() {
        raw(&mut d, KeyCode::Char(c));
    }
    raw(&mut d, KeyCode::Enter);
    assert!(d.app.working(), "the check runs on a worker");
    let s = d.screen();
    assert!(
        s.contains("Screen locked") && s.contains("Checking the password... 0 s"),
        "{s}"
    );
    assert!(
        !s.contains("Okello"),
        "the work stays hidden meanwhile: {s}"
    );
    // The right password typed ahead while the wrong one is checked, and its Enter.
    for c in fixture::PASSWORD.chars() {
        raw(&mut d, KeyCode::Char(c));
    }
    raw(&mut d, KeyCode::Enter);
    assert!(
        d.app.is_locked(),
        "nothing decided before the check answers"
    );
    fixture::finish_work(&mut d.app, fixture::t0());
    assert!(!d.app.is_locked(), "{}", d.screen());
    let s = d.screen();
    assert!(
        s.contains("Welcome back.") && s.contains("Find: okel") && s.contains("Okello"),
        "{s}"
    );
    let actions: Vec<String> = d
        .app
        .store()
        .recent_audit(1_000_000)
        .unwrap()
        .into_iter()
        .filter(|r| r.entity == "staff")
        .map(|r| r.action)
        .collect();
    assert!(
        actions.contains(&"login-failed".to_string())
            && actions.iter().filter(|a| *a == "login").count() == 2,
        "the sign-in and both tries at the lock recorded: {actions:?}"
    );
}

/// ^Q while the lock checks a wrong password: the try is answered and counted before the program ends.
#[test]
fn a_try_at_the_lock_is_counted_even_when_quit_follows_at_once() {
    let fx = fixture::build();
    let mut d = Driver::new(&fx.path);
    d.login("officer");
    assert!(d.app.tick(fixture::t0() + chrono::Duration::minutes(6)));
    for c in "nope".chars() {
        d.app.handle_key(
            KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE),
            fixture::t0(),
        );
    }
    d.app.handle_key(
        KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE),
        fixture::t0(),
    );
    assert!(d.app.working());
    d.ctrl('q');
    assert!(d.app.should_quit());
    let last = &d.app.store().recent_audit(1).unwrap()[0];
    assert_eq!(last.action, "login-failed", "{last:?}");
}

#[test]
fn a_small_terminal_is_told_so() {
    let fx = fixture::build();
    let mut d = Driver::new(&fx.path);
    d.width = 60;
    d.height = 20;
    let s = d.screen();
    assert!(s.contains("at least 80x24") && s.contains("60x20"), "{s}");
    d.snap("too_small");
}

#[test]
fn logout_returns_to_sign_in_and_is_audited() {
    let fx = fixture::build();
    let mut d = Driver::with_theme(&fx.path, false);
    d.login("officer").key(KeyCode::F(10));
    assert!(d.screen().contains("Signed out."));
    assert!(d.app.session().is_none());
    let last = &d.app.store().recent_audit(1).unwrap()[0];
    assert_eq!(
        (last.actor.as_str(), last.action.as_str()),
        ("officer", "logout")
    );
    d.ctrl('q');
    assert!(d.app.should_quit());
}

/// Monochrome has no colour to lean on: the focused field shows by its mark and the cursor, the selected row by a
/// mark in reverse video, errors in bold.
#[test]
fn monochrome_shows_focus_selection_and_errors() {
    use ratatui::style::Modifier;
    let fx = fixture::build();
    let mut d = Driver::new(&fx.path);
    let cell_at = |buf: &ratatui::buffer::Buffer, text: &str| -> Option<(u16, u16)> {
        (0..buf.area.height).find_map(|y| {
            let row: String = (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect();
            row.find(text).map(|i| (row[..i].chars().count() as u16, y))
        })
    };
    // Sign-in: the user name field is marked and holds the cursor; the password field does after Tab.
    let (buf, cursor) = d.frame();
    let (mx, my) = cell_at(&buf, ">User name").expect("the focused field is marked");
    assert_eq!(buf[(mx, my)].symbol(), ">");
    assert_eq!(
        cursor.map(|c| c.1),
        Some(my),
        "the cursor is in the focused field"
    );
    d.key(KeyCode::Tab);
    let (buf, cursor) = d.frame();
    let (_, py) = cell_at(&buf, ">Password").expect("focus moved to the password");
    assert_eq!(cursor.map(|c| c.1), Some(py));
    // A refused sign-in is in bold.
    d.key(KeyCode::Tab)
        .text("officer")
        .key(KeyCode::Enter)
        .text("wrong")
        .key(KeyCode::Enter);
    let (buf, _) = d.frame();
    let (ex, ey) = cell_at(&buf, "Wrong user name").expect("the refusal is shown");
    assert!(
        buf[(ex, ey)].modifier.contains(Modifier::BOLD),
        "errors are bold"
    );
    // Home: exactly one menu row is selected, by a '>' in reverse video.
    d.text(fixture::PASSWORD).key(KeyCode::Enter);
    let (buf, _) = d.frame();
    let marks: Vec<_> = buf
        .content()
        .iter()
        .filter(|c| c.symbol() == ">" && c.modifier.contains(Modifier::REVERSED))
        .collect();
    assert_eq!(marks.len(), 1, "{}", d.screen());
    assert!(
        buf[(0, 0)].modifier.contains(Modifier::REVERSED),
        "the title bar is in reverse video"
    );
}

#[test]
fn a_field_changed_meanwhile_is_shown_and_the_typing_kept_to_save_again() {
    let fx = fixture::build();
    let mut d = Driver::new(&fx.path);
    d.login("officer")
        .text("/")
        .text("okello")
        .key(KeyCode::Enter)
        .text("e");
    // The given names are two fields on from the number.
    d.key(KeyCode::Tab)
        .key(KeyCode::Tab)
        .key(KeyCode::End)
        .text(" Paul");
    // Another station changes the same field first.
    let mut other = warden::store::Store::open(&fx.path).unwrap();
    let actor = warden::store::Actor::system("supervisor", fixture::t0());
    let mut p = other.prisoner(fx.okello).unwrap().unwrap().prisoner;
    p.given_names = "John B.".into();
    other.update_prisoner(&actor, &p).unwrap();
    d.key(KeyCode::F(2));
    let s = d.screen();
    assert!(
        s.contains("Someone else changed Given names (now 'John B.')"),
        "{s}"
    );
    assert!(s.contains("John Bosco Paul"), "the typing is kept:\n{s}");
    // The instruction is longer than a line: it takes two, and its end is on screen (issue 18, item 4).
    let joined: String = s
        .lines()
        .rev()
        .skip(1)
        .take(2)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .map(str::trim)
        .collect::<Vec<_>>()
        .join(" ");
    assert!(joined.ends_with("Esc twice leaves."), "{s}");
    insta::assert_snapshot!("concurrent_edit_two_line_message", s);
    // F9 shows the last messages whole, newest first; Esc goes back to the form with the typing.
    d.key(KeyCode::F(9));
    let s = d.screen();
    assert!(s.contains("The last messages, newest first"), "{s}");
    assert!(
        s.contains("09:00:00 Someone else changed Given names"),
        "{s}"
    );
    insta::assert_snapshot!("messages_screen", s);
    d.key(KeyCode::Esc);
    assert!(d.screen().contains("John Bosco Paul"), "{}", d.screen());
    // Having seen it, the officer saves over it.
    d.key(KeyCode::F(2));
    assert!(
        d.screen().contains("Saved LUZ/2026/00001"),
        "{}",
        d.screen()
    );
    let now = other.prisoner(fx.okello).unwrap().unwrap().prisoner;
    assert_eq!(now.given_names, "John Bosco Paul");
}

#[test]
fn a_child_is_marked_in_words_in_search_results_and_on_the_record() {
    use warden::domain::prisoner::{BirthDate, Prisoner};
    let fx = fixture::build();
    {
        let mut store = Store::open(&fx.path).unwrap();
        let a = warden::store::Actor::system("admin", fixture::t0());
        let luz = store.facility_by_code("LUZ").unwrap().unwrap().id;
        let mut p = Prisoner::blank(fixture::t0().naive_utc());
        p.number = "LUZ/2026/00009".into();
        p.family_name = "Ssebunya".into();
        p.given_names = "Brian".into();
        p.birth = BirthDate::Exact(chrono::NaiveDate::from_ymd_opt(2009, 6, 1).unwrap());
        p.committing_authority = "Chief Magistrate, Nakawa".into();
        p.facility_id = Some(luz);
        store.admit(&a, &p).unwrap();
    }
    let mut d = Driver::new(&fx.path);
    d.login("officer").text("/").text("ssebunya");
    let s = d.screen();
    let row = s.lines().find(|l| l.contains("Ssebunya")).unwrap();
    assert!(row.contains("17 child"), "{s}");
    d.snap("search_child");
    d.key(KeyCode::Enter);
    let s = d.screen();
    assert!(
        s.contains("In custody (remand) | age 17 | Luzira Upper UNDER 18"),
        "{s}"
    );
}

#[test]
fn a_supervisor_records_the_age_review_of_someone_who_turned_18_in_a_young_unit() {
    use warden::domain::estate::*;
    use warden::domain::prisoner::{BirthDate, Prisoner};
    let fx = fixture::build();
    {
        let mut store = Store::open(&fx.path).unwrap();
        let a = warden::store::Actor::system("admin", fixture::t0());
        let luz = store.facility_by_code("LUZ").unwrap().unwrap().id;
        let unit = store
            .add_unit(
                &a,
                &Unit {
                    id: 0,
                    facility_id: luz,
                    code: "Y".into(),
                    name: "Young remand".into(),
                    sex: UnitSex::Male,
                    age_group: AgeGroup::Young,
                    legal_use: UnitUse::Remand,
                    security: SecurityLevel::Maximum,
                },
            )
            .unwrap();
        let cell = store
            .add_cell(
                &a,
                &Cell {
                    id: 0,
                    unit_id: unit,
                    code: "Y-01".into(),
                    certified: 2,
                    operational: 2,
                    maximum: 2,
                    out_of_use: None,
                },
            )
            .unwrap();
        let mut p = Prisoner::blank(fixture::t0().naive_utc() - chrono::Duration::days(400));
        p.number = "LUZ/2025/00010".into();
        p.family_name = "Mugabi".into();
        p.given_names = "Ivan".into();
        p.birth = BirthDate::Exact(chrono::NaiveDate::from_ymd_opt(2008, 1, 10).unwrap());
        p.committing_authority = "Chief Magistrate, Nakawa".into();
        p.facility_id = Some(luz);
        p.cell_id = Some(cell);
        store.admit(&a, &p).unwrap();
    }
    let mut d = Driver::new(&fx.path);
    d.login("supervisor");
    let s = d.screen();
    assert!(
        s.lines()
            .any(|l| l.contains("LUZ/2025/00010") && l.contains("18 in young unit 319d")),
        "{s}"
    );
    d.text("/").text("mugabi").key(KeyCode::Enter);
    let s = d.screen();
    assert!(s.contains("v age review"), "{s}");
    d.text("v");
    let s = d.screen();
    assert!(
        s.contains("Turned 18 in a unit for young prisoners 319 days ago"),
        "{s}"
    );
    d.snap("age_review");
    d.key(KeyCode::F(2));
    let s = d.screen();
    assert!(s.contains("Reason: required"), "{s}");
    // The store's refusal names the prompt's "reason" field: it is marked, and the focus goes to it.
    assert!(s.contains("|!Reason "), "{s}");
    d.text("sitting exams in the young unit until March")
        .key(KeyCode::F(2));
    let s = d.screen();
    assert!(s.contains("Age review recorded: stay."), "{s}");
    assert!(!s.contains("v age review"), "no longer due:\n{s}");
    let alerts = d
        .app
        .store()
        .custody_alerts(None, fixture::t0().date_naive())
        .unwrap();
    assert!(
        alerts.iter().all(|a| a.number != "LUZ/2025/00010"),
        "{alerts:?}"
    );
}
