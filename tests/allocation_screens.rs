//! Snapshot tests of the change-cell screen at 80x24: the ranked cells with reasons, the confirmation, the move,
//! and a refusal when someone else filled the cell meanwhile.

#[path = "screens/fixture.rs"]
mod fixture;
// Not every test file uses every step of the shared driver.
#[allow(dead_code)]
#[path = "screens/driver.rs"]
mod driver;

use crossterm::event::KeyCode;
use driver::Driver;
use warden::domain::allocate::MoveReason;
use warden::domain::estate::*;
use warden::domain::non_association::{NaReason, NaRole, NaScope, NonAssociation};
use warden::domain::prisoner::{BirthDate, Prisoner};
use warden::store::{Actor, MoveRequest, Store};

/// The screen fixture plus an any-status unit B with two cells, one already holding a convicted man.
fn estate(fx: &fixture::Fixture) -> (i64, i64) {
    let mut store = Store::open(&fx.path).unwrap();
    let a = Actor::system("admin", fixture::t0());
    let luz = store.facility_by_code("LUZ").unwrap().unwrap().id;
    let unit = store
        .add_unit(
            &a,
            &Unit {
                id: 0,
                facility_id: luz,
                code: "B".into(),
                name: "B wing".into(),
                sex: UnitSex::Male,
                age_group: AgeGroup::Adult,
                legal_use: UnitUse::Any,
                security: SecurityLevel::Medium,
            },
        )
        .unwrap();
    let cell = |code: &str, maximum| Cell {
        id: 0,
        unit_id: unit,
        code: code.into(),
        certified: 1,
        operational: 1,
        maximum,
        out_of_use: None,
    };
    let b1 = store.add_cell(&a, &cell("B-01", 2)).unwrap();
    let b2 = store.add_cell(&a, &cell("B-02", 1)).unwrap();
    let mut p = Prisoner::blank(fixture::t0().naive_utc());
    p.number = "LUZ/2026/00003".into();
    p.family_name = "Mugisha".into();
    p.birth = BirthDate::YearOnly(1980);
    p.legal_status = LegalStatus::Convicted;
    p.languages = vec!["Russian".into()];
    p.committing_authority = "High Court".into();
    p.facility_id = Some(luz);
    p.cell_id = Some(b1);
    store.admit(&a, &p).unwrap();
    (b1, b2)
}

/// A screen snapshot of this file, named with the theme.
trait Snap {
    fn snap(&self, name: &str);
}

impl Snap for Driver {
    fn snap(&self, name: &str) {
        insta::assert_snapshot!(self.themed(name), self.screen());
    }
}

#[test]
fn an_officer_moves_someone_to_the_best_cell_with_the_reasons_shown() {
    let fx = fixture::build();
    estate(&fx);
    let mut d = Driver::new(&fx.path);
    // Abenov is convicted: the remand unit A is not offered, and B-01 holds a convicted man.
    d.login("officer")
        .text("/")
        .text("абенов")
        .key(KeyCode::Enter)
        .text("m");
    let s = d.screen();
    assert!(s.contains("B-02") && s.contains("B-01"), "{s}");
    let a01 = s.lines().find(|l| l.contains("A-01")).unwrap_or_default();
    assert!(a01.contains("refused"), "the remand cell is refused:\n{s}");
    insta::assert_snapshot!("allocate_list", s);
    d.key(KeyCode::Enter);
    insta::assert_snapshot!("allocate_confirm", d.screen());
    d.key(KeyCode::Tab).text("x").key(KeyCode::F(2));
    let s = d.screen();
    assert!(
        s.contains("Moved LUZ/2026/00002") && s.contains("cell B-02"),
        "{s}"
    );
    let store = Store::open(&fx.path).unwrap();
    let moved = store.prisoner(fx.abenov).unwrap().unwrap();
    assert_eq!(moved.cell.as_deref(), Some("B-02"));
    assert_eq!(store.movements(fx.abenov).unwrap()[0].movement.comment, "x");
    // Nobody else was touched.
    let okello = store.prisoner(fx.okello).unwrap().unwrap();
    assert_eq!(okello.cell.as_deref(), Some("A-01"));
}

#[test]
fn a_cell_filled_meanwhile_is_refused_with_what_changed() {
    let fx = fixture::build();
    let (_, b2) = estate(&fx);
    let mut d = Driver::new(&fx.path);
    d.login("officer")
        .text("/")
        .text("абенов")
        .key(KeyCode::Enter)
        .text("m");
    d.key(KeyCode::Enter);
    // Another station puts someone in B-02 while this officer is typing the comment.
    let mut other = Store::open(&fx.path).unwrap();
    let mut p = Prisoner::blank(fixture::t0().naive_utc());
    p.number = "LUZ/2026/00009".into();
    p.family_name = "Late".into();
    p.birth = BirthDate::YearOnly(1980);
    p.legal_status = LegalStatus::Convicted;
    p.committing_authority = "High Court".into();
    p.facility_id = Some(other.facility_by_code("LUZ").unwrap().unwrap().id);
    let late = other
        .admit(&Actor::system("admin", fixture::t0()), &p)
        .unwrap();
    other
        .move_to_cell(
            &Actor::system("supervisor", fixture::t0()),
            &MoveRequest {
                prisoner_id: late,
                to_cell: b2,
                reason: MoveReason::Admission,
                comment: "",
                override_reason: None,
                review_by: None,
                seen: None,
            },
        )
        .unwrap();
    d.key(KeyCode::F(2));
    let s = d.screen();
    let flat = s.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains(
            "Not moved: cell B-02 refused (since the list was shown, cell B-02 went from 0 to 1 people): \
             cell B-02 is full: 1 held, absolute maximum 1"
        ),
        "{s}"
    );
    let b02 = s.lines().find(|l| l.contains("B-02  ")).unwrap_or_default();
    assert!(
        b02.contains("refused"),
        "the filled cell is no longer offered:\n{s}"
    );
    insta::assert_snapshot!("allocate_refused", s);
}

/// Runs a journey twice, in colour and in monochrome, each on a fresh copy of the fixture.
fn both(f: impl Fn(&mut Driver, &fixture::Fixture)) {
    for mono in [false, true] {
        let fx = fixture::build();
        let mut d = Driver::with_theme(&fx.path, mono);
        f(&mut d, &fx);
    }
}

/// Two more men in A-01 (certified 1) beside Okello: 300%, which the board shows as it is.
fn crowd_a01(fx: &fixture::Fixture) {
    let mut store = Store::open(&fx.path).unwrap();
    let a = Actor::system("admin", fixture::t0());
    let okello = store.prisoner(fx.okello).unwrap().unwrap().prisoner;
    for (seq, name) in [(4, "Ssali"), (5, "Wasswa")] {
        let mut p = Prisoner::blank(fixture::t0().naive_utc());
        p.number = format!("LUZ/2026/0000{seq}");
        p.family_name = name.into();
        p.birth = BirthDate::YearOnly(1992);
        p.committing_authority = "Chief Magistrate, Nakawa".into();
        p.facility_id = okello.facility_id;
        p.cell_id = okello.cell_id;
        store.admit(&a, &p).unwrap();
    }
}

#[test]
fn the_occupancy_board_drills_down_from_the_nation_to_a_record() {
    both(|d, fx| {
        crowd_a01(fx);
        d.login("officer");
        d.key(KeyCode::Down)
            .key(KeyCode::Down)
            .key(KeyCode::Down)
            .key(KeyCode::Enter);
        let s = d.screen();
        let luz = s.lines().position(|l| l.contains("LUZ")).unwrap();
        let kir = s.lines().position(|l| l.contains("KIR")).unwrap();
        assert!(luz < kir, "most overcrowded first:\n{s}");
        assert!(s.contains("Nation: 4 held") && s.contains("400%"), "{s}");
        assert!(s.contains("Region") && s.contains("Central"), "{s}");
        d.snap("board_facilities");
        d.key(KeyCode::Enter);
        let s = d.screen();
        assert!(s.contains("A wing remand") && s.contains("300%"), "{s}");
        d.snap("board_units");
        d.key(KeyCode::Enter);
        let s = d.screen();
        assert!(s.contains("A-01") && s.contains("300%"), "{s}");
        assert!(s.contains("roof leaking"), "{s}");
        d.snap("board_cells");
        d.key(KeyCode::Enter);
        let s = d.screen();
        assert!(s.contains("Okello") && s.contains("Ssali"), "{s}");
        d.key(KeyCode::Enter);
        let s = d.screen();
        assert!(s.contains("In custody (remand)"), "the record opens:\n{s}");
        // Back up to the board, then a region narrows it to its own facilities.
        for _ in 0..4 {
            d.key(KeyCode::Esc);
        }
        d.key(KeyCode::End)
            .key(KeyCode::Up)
            .key(KeyCode::Up)
            .key(KeyCode::Enter);
        let s = d.screen();
        assert!(s.contains("Occupancy board: Central region"), "{s}");
        assert!(s.contains("LUZ") && !s.contains("KIR"), "{s}");
    });
}

#[test]
fn a_non_association_is_recorded_from_the_record_shown_on_both_and_closed() {
    both(|d, fx| {
        d.login("officer")
            .text("/")
            .text("okello")
            .key(KeyCode::Enter)
            .text("x");
        let s = d.screen();
        assert!(s.contains("No non-associations"), "{s}");
        d.text("n");
        // The other person by number, their role, this person's role, the reason, the scope, a comment.
        d.text("LUZ/2026/00002")
            .key(KeyCode::Enter)
            .text("perp")
            .key(KeyCode::Enter)
            .text("vic")
            .key(KeyCode::Enter)
            .text("viol")
            .key(KeyCode::Enter)
            .text("cell")
            .key(KeyCode::Enter);
        d.key(KeyCode::F(2));
        let s = d.screen();
        assert!(s.contains("comment: required"), "{s}");
        d.text("fight in the yard");
        d.snap("non_association_form");
        d.key(KeyCode::F(2));
        let s = d.screen();
        assert!(
            s.contains("Recorded: kept apart from LUZ/2026/00002")
                && s.contains("(not in the same cell)"),
            "{s}"
        );
        d.snap("non_association_list");
        d.key(KeyCode::Esc).key(KeyCode::End);
        let s = d.screen();
        assert!(
            s.contains("Kept apart from") && s.contains("LUZ/2026/00002 Абенов, Нурлан"),
            "{s}"
        );
        assert!(s.contains("(perpetrator; this person victim)"), "{s}");
        // The other record shows it too, with the roles the other way round.
        let store = Store::open(&fx.path).unwrap();
        let rows = store.non_associations_of(fx.abenov).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].other_number, "LUZ/2026/00001");
        // Close it with a reason: it stays, closed.
        d.text("x").key(KeyCode::Enter).text("moved to Kirinya");
        d.key(KeyCode::F(2));
        let s = d.screen();
        assert!(s.contains("Closed the non-association"), "{s}");
        assert!(s.contains("0 open, 1 closed"), "{s}");
        let rows = store.non_associations_of(fx.okello).unwrap();
        assert_eq!(
            rows[0].na.closed.as_ref().unwrap().reason,
            "moved to Kirinya"
        );
    });
}

#[test]
fn the_other_person_is_found_by_name_and_named_before_saving() {
    both(|d, fx| {
        d.login("officer")
            .text("/")
            .text("okello")
            .key(KeyCode::Enter)
            .text("xn");
        assert!(
            d.screen()
                .contains("find the other person by name or number"),
            "{}",
            d.screen()
        );
        // By name, in Latin letters, for a name written in Cyrillic: the same search as the search screen.
        d.text("nurlan");
        let s = d.screen();
        assert!(
            s.contains("Keep apart from: LUZ/2026/00002 Абенов, Нурлан (LUZ, convicted)"),
            "{s}"
        );
        // This person is never offered: their name is only in the title.
        assert_eq!(s.matches("Okello, John Bosco").count(), 1, "{s}");
        d.key(KeyCode::Enter)
            .text("perp")
            .key(KeyCode::Enter)
            .text("vic")
            .key(KeyCode::Enter)
            .text("viol")
            .key(KeyCode::Enter)
            .text("cell")
            .key(KeyCode::Enter)
            .text("fight in the yard");
        d.snap("non_association_pick");
        d.key(KeyCode::F(2));
        assert!(
            d.screen()
                .contains("Recorded: kept apart from LUZ/2026/00002"),
            "{}",
            d.screen()
        );
        let rows = Store::open(&fx.path)
            .unwrap()
            .non_associations_of(fx.okello)
            .unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].other_number, "LUZ/2026/00002");
    });
}

#[test]
fn up_and_down_choose_among_the_people_found_and_the_chosen_one_is_recorded() {
    let fx = fixture::build();
    estate(&fx);
    let mut d = Driver::new(&fx.path);
    d.login("officer")
        .text("/")
        .text("okello")
        .key(KeyCode::Enter)
        .text("xn")
        .text("luz/2026");
    let s = d.screen();
    assert!(s.contains("Keep apart from: LUZ/2026/00003 Mugisha"), "{s}");
    assert!(s.contains("LUZ/2026/00002"), "both are listed: {s}");
    d.key(KeyCode::Down);
    let s = d.screen();
    assert!(s.contains("Keep apart from: LUZ/2026/00002 Абенов"), "{s}");
    // Down moved the choice, not the focus: typing still goes into the field.
    d.key(KeyCode::Up);
    assert!(d.screen().contains("Keep apart from: LUZ/2026/00003"));
    d.key(KeyCode::Down)
        .key(KeyCode::Tab)
        .key(KeyCode::Tab)
        .key(KeyCode::Tab)
        .key(KeyCode::Tab)
        .key(KeyCode::Tab)
        .text("threats on the landing")
        .key(KeyCode::F(2));
    let rows = Store::open(&fx.path)
        .unwrap()
        .non_associations_of(fx.okello)
        .unwrap();
    assert_eq!(rows.len(), 1, "{}", d.screen());
    assert_eq!(rows[0].other_number, "LUZ/2026/00002");
}

#[test]
fn an_unknown_number_is_named_at_its_field() {
    let fx = fixture::build();
    let mut d = Driver::new(&fx.path);
    d.login("officer")
        .text("/")
        .text("okello")
        .key(KeyCode::Enter)
        .text("xn")
        .text("LUZ/2026/09999")
        .key(KeyCode::F(2));
    let s = d.screen();
    assert!(
        s.contains("no one matches 'LUZ/2026/09999': type a name or a prison number"),
        "{s}"
    );
    // Programme staff may read records but not record non-associations: the domain says so.
    let mut p = Driver::new(&fx.path);
    p.login("programme")
        .text("/")
        .text("okello")
        .key(KeyCode::Enter)
        .text("xn");
    assert!(p.screen().contains("Not allowed"), "{}", p.screen());
    // The refused key is in the audit trail: who, which permission, from where.
    let refused: Vec<_> = Store::open(&fx.path)
        .unwrap()
        .recent_audit(20)
        .unwrap()
        .into_iter()
        .filter(|r| r.action == "refused")
        .collect();
    assert_eq!(refused.len(), 1, "{refused:?}");
    assert_eq!(refused[0].actor, "programme");
    assert_eq!(refused[0].entity_id, "manage-non-associations");
}

#[test]
fn the_change_cell_list_shows_a_cell_refused_for_a_non_association() {
    let fx = fixture::build();
    let (b1, _) = estate(&fx);
    let mut store = Store::open(&fx.path).unwrap();
    let mugisha = store.prisoner_by_number("LUZ/2026/00003").unwrap().unwrap();
    assert_eq!(mugisha.prisoner.cell_id, Some(b1));
    store
        .add_non_association(
            &Actor::system("officer", fixture::t0()),
            &NonAssociation {
                id: 0,
                first: fx.abenov,
                first_role: NaRole::Rival,
                second: mugisha.prisoner.id,
                second_role: NaRole::Rival,
                reason: NaReason::Gang,
                scope: NaScope::Cell,
                comment: "rival gangs".into(),
                start: fixture::t0().date_naive(),
                expiry: None,
                closed: None,
            },
        )
        .unwrap();
    let mut d = Driver::new(&fx.path);
    d.login("officer")
        .text("/")
        .text("абенов")
        .key(KeyCode::Enter)
        .text("m");
    let s = d.screen();
    let b01 = s
        .lines()
        .find(|l| l.contains("B-01"))
        .unwrap_or_else(|| panic!("B-01 is listed:\n{s}"));
    assert!(b01.contains("refused"), "{s}");
    // Select B-01: the reason is shown under the list, and Enter refuses with it.
    while !d
        .screen()
        .lines()
        .any(|l| l.starts_with(">") && l.contains("B-01"))
    {
        d.key(KeyCode::Down);
    }
    let s = d.screen();
    let flat = s.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains("kept apart: LUZ/2026/00003 Mugisha is in the same cell (gang)"),
        "{s}"
    );
    insta::assert_snapshot!("allocate_refused_non_association", s);
    d.key(KeyCode::Enter);
    let s = d.screen();
    assert!(
        s.contains("Cell B-01 refused: kept apart: LUZ/2026/00003 Mugisha"),
        "{s}"
    );
    assert!(
        !s.contains("Move to cell"),
        "no confirmation is offered:\n{s}"
    );
}

#[test]
fn supervisors_see_who_is_in_segregation_with_the_day_10_and_15_marks() {
    both(|d, fx| {
        let mut store = Store::open(&fx.path).unwrap();
        let s = Actor::system("supervisor", fixture::t0());
        let days_ago = |n| (fixture::t0() - chrono::Duration::days(n)).naive_utc();
        store
            .start_segregation(&s, fx.okello, days_ago(16), "assault on staff")
            .unwrap();
        store
            .start_segregation(&s, fx.abenov, days_ago(11), "own protection")
            .unwrap();
        d.login("supervisor");
        let s = d.screen();
        // Abenov is convicted and Luzira has a remand unit only: held without a lawful place (issue 17).
        assert!(
            s.lines()
                .any(|l| l.contains("LUZ/2026/00002") && l.contains("no lawful place 54d")),
            "{s}"
        );
        let okello = s.lines().find(|l| l.contains("Okello")).unwrap();
        assert!(okello.contains("day  16 ALERT"), "{s}");
        let abenov = s.lines().find(|l| l.contains("Абенов")).unwrap();
        assert!(abenov.contains("day  11 warn"), "{s}");
        let first = |name| s.lines().position(|l| l.contains(name)).unwrap();
        assert!(first("Okello") < first("Абенов"), "longest first:\n{s}");
        d.snap("home_supervisor_segregation");
    });
    // Officers do not see the list.
    let fx = fixture::build();
    let mut d = Driver::new(&fx.path);
    d.login("officer");
    assert!(!d.screen().contains("Segregation"), "{}", d.screen());
}

#[test]
fn a_supervisor_starts_and_ends_segregation_from_the_record() {
    let fx = fixture::build();
    let mut d = Driver::new(&fx.path);
    d.login("officer")
        .text("/")
        .text("абенов")
        .key(KeyCode::Enter)
        .text("s");
    assert!(d.screen().contains("Not allowed"), "{}", d.screen());
    let mut d = Driver::new(&fx.path);
    d.login("supervisor")
        .text("/")
        .text("абенов")
        .key(KeyCode::Enter)
        .text("s");
    d.key(KeyCode::F(2));
    assert!(d.screen().contains("reason: required"), "{}", d.screen());
    d.text("threatened cellmates");
    insta::assert_snapshot!("segregation_start", d.screen());
    d.key(KeyCode::F(2));
    let s = d.screen();
    assert!(s.contains("is in segregation from 2026-11-25 09:00"), "{s}");
    assert!(s.contains("SEGREGATED day 0"), "{s}");
    d.text("s");
    let s = d.screen();
    assert!(s.contains("End segregation") && s.contains("day 0"), "{s}");
    d.key(KeyCode::F(2));
    let s = d.screen();
    assert!(s.contains("ended after 0 days"), "{s}");
    assert!(!s.contains("SEGREGATED"), "{s}");
    let store = Store::open(&fx.path).unwrap();
    let all = store.segregations_of(fx.abenov).unwrap();
    assert_eq!(all.len(), 1);
    assert!(all[0].end.is_some());
}

/// A convicted man loaded straight into the remand cell A-01 beside Okello (as a data load might), and a
/// non-association between the two: both placements now break hard rules.
fn bad_placements(fx: &fixture::Fixture) {
    let mut store = Store::open(&fx.path).unwrap();
    let a = Actor::system("admin", fixture::t0());
    let okello = store.prisoner(fx.okello).unwrap().unwrap().prisoner;
    let mut p = Prisoner::blank(fixture::t0().naive_utc());
    p.number = "LUZ/2026/00007".into();
    p.family_name = "Kato".into();
    p.birth = BirthDate::YearOnly(1975);
    p.legal_status = LegalStatus::Convicted;
    p.committing_authority = "High Court".into();
    p.facility_id = okello.facility_id;
    p.cell_id = okello.cell_id;
    let kato = store.admit(&a, &p).unwrap();
    store
        .add_non_association(
            &a,
            &NonAssociation {
                id: 0,
                first: fx.okello,
                first_role: NaRole::Victim,
                second: kato,
                second_role: NaRole::Perpetrator,
                reason: NaReason::Violence,
                scope: NaScope::Cell,
                comment: "threats".into(),
                start: fixture::t0().date_naive(),
                expiry: None,
                closed: None,
            },
        )
        .unwrap();
    store
        .start_segregation(
            &Actor::system("supervisor", fixture::t0()),
            kato,
            (fixture::t0() - chrono::Duration::days(12)).naive_utc(),
            "threats",
        )
        .unwrap();
}

#[test]
fn placements_that_break_a_hard_rule_are_found_with_their_reasons() {
    let fx = fixture::build();
    bad_placements(&fx);
    let store = Store::open(&fx.path).unwrap();
    let found = store
        .placement_breaches(fixture::t0().date_naive())
        .unwrap();
    let numbers: Vec<&str> = found.iter().map(|f| f.number.as_str()).collect();
    assert_eq!(numbers, ["LUZ/2026/00001", "LUZ/2026/00007"]);
    let kato: Vec<&str> = found[1]
        .breaches
        .iter()
        .map(|b| b.reason.as_str())
        .collect();
    assert_eq!(
        kato,
        [
            "unit A is for remand prisoners; untried and convicted are kept apart (Rule 11b)",
            "kept apart: LUZ/2026/00001 Okello is in the same cell (violence)"
        ]
    );
    assert!(
        found[0].breaches[0]
            .reason
            .contains("the cell holds a convicted prisoner"),
        "{found:?}"
    );
}

#[test]
fn reports_on_screen_are_the_printed_text() {
    both(|d, fx| {
        bad_placements(fx);
        d.login("officer");
        while !d.screen().lines().any(|l| l.contains(">Reports")) {
            d.key(KeyCode::Down);
        }
        d.key(KeyCode::Enter).key(KeyCode::Enter);
        let s = d.screen();
        assert!(
            s.contains("2 people in 1 cell whose cell breaks a hard rule"),
            "{s}"
        );
        assert!(s.contains("LUZ      A      A-01    LUZ/2026/00001"), "{s}");
        d.snap("report_placements");
        d.key(KeyCode::Esc).key(KeyCode::Down).key(KeyCode::Enter);
        let s = d.screen();
        assert!(s.contains("1 of 2 facilities hold more people"), "{s}");
        assert!(
            s.lines()
                .any(|l| l.starts_with("LUZ") && l.ends_with("300%")),
            "{s}"
        );
        d.key(KeyCode::Esc).key(KeyCode::Down).key(KeyCode::Enter);
        let s = d.screen();
        let kato = s.lines().find(|l| l.contains("Kato")).unwrap();
        assert!(kato.contains("12") && kato.contains("warn"), "{s}");
        // The screen shows exactly the lines `warden report` prints.
        let store = Store::open(&fx.path).unwrap();
        let printed =
            warden::report::lines(&store, warden::report::Kind::Segregation, fixture::t0())
                .unwrap();
        for line in printed.iter().take(10) {
            assert!(s.contains(line.as_str()), "{line:?} not on screen:\n{s}");
        }
    });
}

#[test]
fn warden_report_prints_the_same_text() {
    let fx = fixture::build();
    bad_placements(&fx);
    for kind in ["placements", "overcrowding", "segregation"] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_warden"))
            .args(["--db", fx.path.to_str().unwrap(), "report", kind])
            .env("WARDEN_LOG_DIR", fx.path.parent().unwrap())
            .output()
            .unwrap();
        assert!(out.status.success(), "{kind}: {out:?}");
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(
            text.lines()
                .all(|l| unicode_width::UnicodeWidthStr::width(l) <= 80),
            "{text}"
        );
        match kind {
            "placements" => assert!(text.contains("Rule 11b"), "{text}"),
            "overcrowding" => assert!(text.contains("300%"), "{text}"),
            _ => assert!(
                text.contains("LUZ/2026/00007") && text.contains("warn"),
                "{text}"
            ),
        }
    }
}

#[test]
fn the_demo_has_non_associations_segregations_and_home_regions() {
    use warden::demo::{Country, DemoSpec, Size};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.db");
    let spec = DemoSpec {
        country: Country::Uganda,
        size: Size::Small,
        seed: 7,
    };
    warden::demo::build(&path, &spec, fixture::t0()).unwrap();
    let store = Store::open(&path).unwrap();
    let rules = store.allocation_rules().unwrap();
    assert_eq!(rules.home_region("Gulu"), Some("Northern"), "{rules:?}");
    let segregated = store.open_segregations().unwrap();
    assert!(segregated.len() >= 3, "{segregated:?}");
    let population = store.headline().unwrap().population as i64;
    let mut open = 0;
    for id in 1..=population {
        open += store.non_associations_of(id).unwrap().len();
    }
    // Each record is seen from both people's side.
    assert!(open / 2 >= 3, "{open}");
    assert_eq!(store.verify_audit().unwrap(), None);
}

#[test]
fn a_supervisor_places_someone_in_a_refused_cell_by_override_with_a_reason() {
    let fx = fixture::build();
    let (_, b2) = estate(&fx);
    // Abenov is classified maximum custody: unit B (medium) refuses him on custody level, which the default
    // rules let a supervisor override.
    let mut store = Store::open(&fx.path).unwrap();
    store
        .write(&Actor::system("assessor", fixture::t0()), warden::domain::auth::Need::To(warden::domain::auth::Permission::ConfigureStation), "test", |tx| {
            tx.execute(
                "INSERT INTO form_version VALUES ('custody_initial', 999, ?1, '', '2026-01-01')",
                ["0".repeat(64)],
            )?;
            tx.execute(
                "INSERT INTO main.assessment(series, revision, form_id, form_version, form_sha256, prisoner_id,
                     status, author, created_at, updated_at, answers, assessed_on, finalised_at, custody_level)
                 VALUES (900, 1, 'custody_initial', 999, ?1, ?2, 'final', 'assessor', '2026-11-01T00:00:00Z',
                         '2026-11-01T00:00:00Z', '{}', '2026-11-01', '2026-11-01T00:00:00Z', 'maximum')",
                rusqlite::params!["0".repeat(64), fx.abenov],
            )?;
            Ok(())
        })
        .unwrap();
    let mut d = Driver::new(&fx.path);
    d.login("supervisor")
        .text("/")
        .text("абенов")
        .key(KeyCode::Enter)
        .text("m");
    let s = d.screen();
    assert!(s.contains("No cell in"), "{s}");
    // Down to B-02 among the refused cells.
    for _ in 0..6 {
        if d.screen()
            .lines()
            .any(|l| l.starts_with('>') && l.contains("B-02"))
        {
            break;
        }
        d.key(KeyCode::Down);
    }
    d.key(KeyCode::Enter);
    let s = d.screen();
    assert!(
        s.contains("Move to cell B-02 by override") && s.contains("Override reason"),
        "{s}"
    );
    // An override is temporary: the review date is offered a week ahead.
    assert!(s.contains("Review by") && s.contains("2026-12-02"), "{s}");
    d.snap("allocate_override");
    d.key(KeyCode::Tab)
        .text("only free cell tonight")
        .key(KeyCode::Tab)
        .text("max unit full; reviewed by duty governor")
        .key(KeyCode::F(2));
    let s = d.screen();
    assert!(
        s.contains("Moved LUZ/2026/00002") && s.contains("cell B-02"),
        "{s}"
    );
    let store = Store::open(&fx.path).unwrap();
    assert_eq!(
        store.prisoner(fx.abenov).unwrap().unwrap().prisoner.cell_id,
        Some(b2)
    );
    let m = &store.movements(fx.abenov).unwrap()[0].movement;
    assert_eq!(
        m.override_reason.as_deref(),
        Some("max unit full; reviewed by duty governor")
    );
    assert_eq!(m.review_by.as_deref(), Some("2026-12-02"));
    drop(store);

    // Back on the record: the heading says the cell is temporary, and v keeps them there with a reason.
    let s = d.screen();
    assert!(s.contains("cell B-02 TEMPORARY CELL"), "{s}");
    assert!(s.contains("v cell review"), "{s}");
    d.text("v");
    let s = d.screen();
    assert!(s.contains("Temporary cell: LUZ/2026/00002"), "{s}");
    assert!(s.contains("against custody-level"), "{s}");
    d.snap("placement_review");
    d.key(KeyCode::Tab)
        .text("max unit still full")
        .key(KeyCode::F(2));
    let s = d.screen();
    assert!(
        s.contains("Kept in the temporary cell; next review 2026-12-02"),
        "{s}"
    );
    let store = Store::open(&fx.path).unwrap();
    let t = store.temporary_placement(fx.abenov).unwrap().unwrap();
    assert_eq!((t.reviews, t.reason.as_str()), (1, "max unit still full"));
}

#[test]
fn a_cell_holding_a_pair_who_must_be_kept_apart_is_flagged() {
    let fx = fixture::build();
    bad_placements(&fx);
    let mut d = Driver::new(&fx.path);
    d.login("officer");
    while !d.screen().lines().any(|l| l.contains(">Estate")) {
        d.key(KeyCode::Down);
    }
    // Estate, Luzira (second by code), unit A, cell A-01.
    d.key(KeyCode::Enter).key(KeyCode::Down).key(KeyCode::Enter);
    d.key(KeyCode::Enter).key(KeyCode::Enter);
    let s = d.screen();
    assert!(s.contains("1 pair in this cell must be kept apart"), "{s}");
    let flagged: Vec<&str> = s.lines().filter(|l| l.contains("APART!")).collect();
    assert_eq!(flagged.len(), 2, "{s}");
    assert!(flagged.iter().any(|l| l.contains("LUZ/2026/00001")), "{s}");
    d.snap("occupants_apart");
}

#[test]
fn admissions_waiting_for_a_cell_are_listed_and_placed_from_the_list() {
    let fx = fixture::build();
    estate(&fx);
    let mut d = Driver::new(&fx.path);
    d.login("officer");
    while !d
        .screen()
        .lines()
        .any(|l| l.contains(">Waiting for a cell"))
    {
        d.key(KeyCode::Down);
    }
    d.key(KeyCode::Enter);
    let s = d.screen();
    // Abenov was admitted without a cell; Okello has one.
    assert!(
        s.contains("LUZ/2026/00002") && !s.contains("LUZ/2026/00001"),
        "{s}"
    );
    d.snap("waiting_for_a_cell");
    d.key(KeyCode::Enter);
    assert!(
        d.screen().contains("Change cell: LUZ/2026/00002"),
        "{}",
        d.screen()
    );
    d.key(KeyCode::Enter)
        .key(KeyCode::Tab)
        .text("first night")
        .key(KeyCode::F(2));
    assert!(
        d.screen().contains("Everyone in custody has a cell."),
        "{}",
        d.screen()
    );
}
