//! Placing an admission in another facility by keystrokes at 80x24: from "Waiting for a cell", F ranks the cells
//! of every facility; choosing one elsewhere asks for the authority and a reason, then transfers and places the
//! person as one recorded move, every rule checked again as it is saved.

#[allow(dead_code)]
#[path = "screens/driver.rs"]
mod driver;
#[allow(dead_code)]
#[path = "screens/fixture.rs"]
mod fixture;

use crossterm::event::KeyCode;
use driver::Driver;
use warden::domain::allocate::MoveReason;
use warden::domain::estate::*;
use warden::domain::prisoner::EventKind;
use warden::store::{Actor, Store};

/// Kirinya (the fixture's mixed facility) gains a men's unit for convicted prisoners with two cells; Luzira has
/// only its remand unit, so nothing there fits Abenov (convicted, waiting for a cell).
fn kirinya(fx: &fixture::Fixture) -> (i64, i64) {
    let mut store = Store::open(&fx.path).unwrap();
    let a = Actor::system("admin", fixture::t0());
    let kir = store.facility_by_code("KIR").unwrap().unwrap().id;
    let unit = store
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
                security: SecurityLevel::Medium,
            },
        )
        .unwrap();
    let cell = |code: &str, certified| Cell {
        id: 0,
        unit_id: unit,
        code: code.into(),
        certified,
        operational: certified,
        maximum: certified * 2,
        out_of_use: None,
    };
    let c1 = store.add_cell(&a, &cell("C-01", 2)).unwrap();
    store.add_cell(&a, &cell("C-02", 4)).unwrap();
    (kir, c1)
}

fn waiting_list(d: &mut Driver) {
    d.login("officer");
    while !d
        .screen()
        .lines()
        .any(|l| l.contains(">Waiting for a cell"))
    {
        d.key(KeyCode::Down);
    }
    d.key(KeyCode::Enter);
}

#[test]
fn an_admission_is_placed_in_another_facility_as_one_transfer_from_the_waiting_list() {
    let fx = fixture::build();
    let (kir, _) = kirinya(&fx);
    for mono in [true, false] {
        let mut d = Driver::with_theme(&fx.path, mono);
        waiting_list(&mut d);
        let s = d.screen();
        assert!(s.contains("F all facilities"), "{s}");
        // Enter: his own facility has nothing for him.
        d.key(KeyCode::Enter);
        let s = d.screen();
        assert!(s.contains("No cell in Luzira Upper fits every rule"), "{s}");
        assert!(s.contains("F all facilities"), "{s}");
        // Why nothing fits, and the lawful ways forward (issue 17, item 4).
        assert!(
            s.contains("No cell fits: untried and convicted apart (Rule 11b) refuses 2 of 2."),
            "{s}"
        );
        assert!(
            s.contains("Ways forward:") && s.contains("- F: a cell in another facility"),
            "{s}"
        );
        assert!(
            s.contains("Supervisor: a temporary place against custody level, keep-apart, with a")
                && s.contains("reason and a review date; never Rule 11."),
            "{s}"
        );
        assert!(s.contains("Ask an administrator for a cell"), "{s}");
        let suffix = if mono { "mono" } else { "colour" };
        insta::assert_snapshot!(format!("no_cell_fits_ways_forward_{suffix}"), s);
        // F: every facility's cells, ranked; Kirinya's offered, with where they are.
        d.key(KeyCode::Char('F'));
        let s = d.screen();
        assert!(
            s.contains("2 cells in all facilities fit every rule"),
            "{s}"
        );
        assert!(
            s.contains("KIR") && s.contains("C-02") && s.contains("F this facility"),
            "{s}"
        );
        let suffix = if mono { "mono" } else { "colour" };
        insta::assert_snapshot!(format!("cells_of_all_facilities_{suffix}"), s);
        // F again: back to his own facility.
        d.key(KeyCode::Char('F'));
        assert!(
            d.screen().contains("No cell in Luzira Upper"),
            "{}",
            d.screen()
        );
        d.key(KeyCode::Esc);
    }

    let mut d = Driver::new(&fx.path);
    waiting_list(&mut d);
    d.key(KeyCode::Char('F')).key(KeyCode::Enter);
    let s = d.screen();
    assert!(
        s.contains("Transfer to Kirinya and place in cell C-0"),
        "{s}"
    );
    assert!(s.contains("Authority") && s.contains("F2 transfer"), "{s}");
    insta::assert_snapshot!("transfer_and_place_mono", s);
    // Without the authority the store refuses and nothing is written.
    d.text_field_then_save("", "");
    assert!(d.screen().contains("authority: required"), "{}", d.screen());
    d.key(KeyCode::Enter);
    d.text_field_then_save("Commissioner's order 14/2026", "decongesting Luzira");
    let s = d.screen();
    assert!(s.contains("Transferred LUZ/2026/00002"), "{s}");
    assert!(s.contains("Everyone in custody has a cell."), "{s}");

    let store = Store::open(&fx.path).unwrap();
    let row = store.prisoner(fx.abenov).unwrap().unwrap().prisoner;
    assert_eq!(row.facility_id, Some(kir));
    let kinds: Vec<EventKind> = store
        .events(fx.abenov)
        .unwrap()
        .into_iter()
        .map(|(e, _)| e.kind)
        .collect();
    assert!(
        kinds.ends_with(&[EventKind::TransferOut, EventKind::TransferIn]),
        "{kinds:?}"
    );
    let moves = store.movements(fx.abenov).unwrap();
    assert_eq!(moves.len(), 1, "{moves:?}");
    assert_eq!(moves[0].movement.reason, MoveReason::Transfer);
    assert_eq!(moves[0].movement.comment, "decongesting Luzira");
    assert_eq!(store.verify_audit().unwrap(), None);
}

trait Confirm {
    fn text_field_then_save(&mut self, authority: &str, reason: &str);
}

impl Confirm for Driver {
    /// Fills the confirmation's two fields (authority, then reason) and saves.
    fn text_field_then_save(&mut self, authority: &str, reason: &str) {
        self.text(authority)
            .key(KeyCode::Tab)
            .text(reason)
            .key(KeyCode::F(2));
    }
}

/// A men's prison with one unit, for adults on remand only.
fn wakiso(fx: &fixture::Fixture) -> i64 {
    let mut store = Store::open(&fx.path).unwrap();
    let a = Actor::system("admin", fixture::t0());
    let wak = store
        .add_facility(
            &a,
            &Facility {
                id: 0,
                code: "WAK01".into(),
                name: "Wakiso".into(),
                region: "Central".into(),
                kind: FacilityKind::Men,
                security: SecurityLevel::Medium,
            },
        )
        .unwrap();
    store
        .add_unit(
            &a,
            &Unit {
                id: 0,
                facility_id: wak,
                code: "R".into(),
                name: "Remand".into(),
                sex: UnitSex::Male,
                age_group: AgeGroup::Adult,
                legal_use: UnitUse::Remand,
                security: SecurityLevel::Maximum,
            },
        )
        .unwrap();
    wak
}

#[test]
fn a_mistyped_or_unlawful_facility_code_is_an_error_on_the_field_and_nothing_moves() {
    let fx = fixture::build();
    kirinya(&fx);
    wakiso(&fx);
    for mono in [true, false] {
        let mut d = Driver::with_theme(&fx.path, mono);
        d.login("officer")
            .text("/")
            .text("абен")
            .key(KeyCode::Enter);
        d.text("t");
        let s = d.screen();
        // Only Kirinya has a unit for a convicted man; Wakiso is listed with why it is not offered.
        assert!(s.contains("< KIR - Kirinya >"), "{s}");
        assert!(s.contains("Not offered (Mandela Rule 11):"), "{s}");
        assert!(
            s.contains("WAK01: no unit for this legal status, Rule 11b"),
            "{s}"
        );
        // A code that is no facility: kept as typed, and refused on the field when saving.
        d.text("XYZ9");
        assert!(
            d.screen().contains("XYZ9 (matches no choice)"),
            "{}",
            d.screen()
        );
        d.key(KeyCode::Tab)
            .text("Commissioner")
            .key(KeyCode::Tab)
            .text("decongestion")
            .key(KeyCode::F(2));
        let s = d.screen();
        assert!(
            s.contains("To facility: no facility has the code XYZ9"),
            "{s}"
        );
        // The error is on the field, which has the focus again: typing replaces the code.
        for _ in 0..4 {
            d.key(KeyCode::Backspace);
        }
        d.text("WAK01").key(KeyCode::F(2));
        let s = d.screen();
        assert!(
            s.contains("To facility: WAK01: no unit for this legal status, Rule 11b"),
            "not silently another facility:\n{s}"
        );
        let suffix = if mono { "mono" } else { "colour" };
        insta::assert_snapshot!(format!("transfer_code_refused_{suffix}"), s);
        let store = Store::open(&fx.path).unwrap();
        let row = store.prisoner(fx.abenov).unwrap().unwrap().prisoner;
        assert_eq!(
            row.facility_id,
            store.facility_by_code("LUZ").unwrap().map(|f| f.id),
            "still in Luzira"
        );
        d.key(KeyCode::Esc).key(KeyCode::Esc);
    }
}
