//! Snapshot tests of the change-cell screen at 80x24: the ranked cells with reasons, the confirmation, the move,
//! and a refusal when someone else filled the cell meanwhile.

#[path = "screens/fixture.rs"]
mod fixture;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use warden::domain::allocate::MoveReason;
use warden::domain::estate::*;
use warden::domain::prisoner::{BirthDate, Prisoner};
use warden::store::{Actor, MoveRequest, Store};
use warden::tui::DisplayOptions;
use warden::tui::app::App;
use warden::tui::theme::Theme;

/// The screen fixture plus an any-status unit B with two cells, one already holding a convicted man.
fn estate(fx: &fixture::Fixture) -> (i64, i64) {
    let mut store = Store::open(&fx.path).unwrap();
    let a = Actor::new("admin", fixture::t0());
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

struct Driver {
    app: App,
}

impl Driver {
    fn new(fx: &fixture::Fixture) -> Driver {
        let store = Store::open(&fx.path).unwrap();
        let theme = Theme::new(DisplayOptions {
            mono: true,
            ascii: true,
        });
        Driver {
            app: App::new(store, theme, fixture::t0()),
        }
    }

    fn key(&mut self, code: KeyCode) -> &mut Self {
        self.app
            .handle_key(KeyEvent::new(code, KeyModifiers::NONE), fixture::t0());
        self
    }

    fn text(&mut self, s: &str) -> &mut Self {
        for c in s.chars() {
            self.key(KeyCode::Char(c));
        }
        self
    }

    fn login(&mut self, name: &str) -> &mut Self {
        self.text(name)
            .key(KeyCode::Enter)
            .text(fixture::PASSWORD)
            .key(KeyCode::Enter)
    }

    fn screen(&self) -> String {
        let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
        terminal.draw(|f| self.app.render(f)).unwrap();
        let buffer = terminal.backend().buffer().clone();
        let mut out = String::new();
        for y in 0..buffer.area.height {
            let mut line = String::new();
            for x in 0..buffer.area.width {
                line.push_str(buffer[(x, y)].symbol());
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }
}

#[test]
fn an_officer_moves_someone_to_the_best_cell_with_the_reasons_shown() {
    let fx = fixture::build();
    estate(&fx);
    let mut d = Driver::new(&fx);
    // Abenov is convicted: the remand unit A is not offered, and B-01 holds a convicted man.
    d.login("officer")
        .text("/")
        .text("абенов")
        .key(KeyCode::Enter)
        .text("m");
    let s = d.screen();
    assert!(s.contains("B-02") && s.contains("B-01"), "{s}");
    assert!(!s.contains("A-01"), "{s}");
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
    let mut d = Driver::new(&fx);
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
        .admit(&Actor::new("admin", fixture::t0()), &p)
        .unwrap();
    other
        .move_to_cell(
            &Actor::new("supervisor", fixture::t0()),
            &MoveRequest {
                prisoner_id: late,
                to_cell: b2,
                reason: MoveReason::Admission,
                comment: "",
                override_reason: None,
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
    assert!(
        !s.contains("B-02  "),
        "the filled cell is no longer offered:\n{s}"
    );
    insta::assert_snapshot!("allocate_refused", s);
}
