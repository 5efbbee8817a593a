//! A refusal marks the field it is about, from the typed refusal the store hands back (never by reading the text),
//! and a form value the domain cannot read is refused at its field instead of being saved as some default. Driven
//! by key presses at 80x24 like the other screen tests.

#[allow(dead_code)]
#[path = "screens/driver.rs"]
mod driver;
#[allow(dead_code)]
#[path = "screens/fixture.rs"]
mod fixture;

use crossterm::event::KeyCode;
use driver::Driver;
use warden::store::Store;

/// The row of the screen that shows the field labelled `label`, from its first character on.
fn field_row(screen: &str, label: &str) -> String {
    screen
        .lines()
        .find(|l| l.contains(label))
        .unwrap_or_else(|| panic!("no field {label}:\n{screen}"))
        .to_string()
}

/// A field with an error is drawn with "!" before its label (monochrome); every other field without.
fn marked(screen: &str, label: &str) -> bool {
    field_row(screen, label).contains(&format!("!{label}"))
}

#[test]
fn segregation_marks_the_reason_the_domain_refused() {
    let fx = fixture::build();
    let mut d = Driver::new(&fx.path);
    d.login("supervisor")
        .text("/")
        .text("okello")
        .key(KeyCode::Enter)
        .text("s");
    assert!(
        d.screen().contains("Segregation: LUZ/2026/00001"),
        "{}",
        d.screen()
    );
    d.key(KeyCode::F(2));
    let s = d.screen();
    assert!(s.contains("Not saved: reason: required"), "{s}");
    assert!(marked(&s, "Reason"), "{s}");
    assert!(!marked(&s, "Started at (UTC)"), "{s}");
    let store = Store::open(&fx.path).unwrap();
    assert!(store.segregations_of(fx.okello).unwrap().is_empty());
}

#[test]
fn a_non_association_marks_the_comment_the_domain_refused() {
    let fx = fixture::build();
    let mut d = Driver::new(&fx.path);
    d.login("supervisor")
        .text("/")
        .text("okello")
        .key(KeyCode::Enter)
        .text("x")
        .text("n")
        .text("abenov");
    d.key(KeyCode::F(2));
    let s = d.screen();
    assert!(
        s.contains("Not recorded: comment: required (what happened, who asked for it)"),
        "{s}"
    );
    assert!(marked(&s, "Comment"), "{s}");
    assert!(!marked(&s, "Until (optional)"), "{s}");
    let store = Store::open(&fx.path).unwrap();
    assert!(store.non_associations_of(fx.okello).unwrap().is_empty());
}

#[test]
fn the_edit_form_marks_a_prison_number_the_store_refused() {
    let fx = fixture::build();
    let mut d = Driver::new(&fx.path);
    d.login("officer")
        .text("/")
        .text("okello")
        .key(KeyCode::Enter)
        .text("e");
    // The number has the focus: make it the other person's.
    d.key(KeyCode::End);
    d.key(KeyCode::Backspace).text("2").key(KeyCode::F(2));
    let s = d.screen();
    assert!(
        s.contains("Prison number: LUZ/2026/00002 is already used by"),
        "{s}"
    );
    assert!(marked(&s, "Prison number"), "{s}");
    assert!(!marked(&s, "Family name"), "{s}");
    let store = Store::open(&fx.path).unwrap();
    let kept = store.prisoner(fx.okello).unwrap().unwrap().prisoner;
    assert_eq!(kept.number, "LUZ/2026/00001");
}

/// Opens the new-facility form and fills in everything but what the facility holds.
fn new_facility(d: &mut Driver) {
    d.login("admin")
        .key(KeyCode::Down)
        .key(KeyCode::Down)
        .key(KeyCode::Enter)
        .text("n");
    d.text("MBA")
        .key(KeyCode::Tab)
        .text("Mbarara")
        .key(KeyCode::Tab)
        .text("Western")
        .key(KeyCode::Tab);
}

#[test]
fn the_estate_form_refuses_a_kind_it_cannot_read_instead_of_saving_men() {
    let fx = fixture::build();
    let mut d = Driver::new(&fx.path);
    new_facility(&mut d);
    d.text("zzz").key(KeyCode::F(2));
    let s = d.screen();
    assert!(s.contains("Holds: 'zzz' is not one of the choices"), "{s}");
    assert!(marked(&s, "Holds"), "{s}");
    let store = Store::open(&fx.path).unwrap();
    assert!(store.facility_by_code("MBA").unwrap().is_none());
}

#[test]
fn the_estate_form_saves_a_kind_it_can_read() {
    let fx = fixture::build();
    let mut d = Driver::new(&fx.path);
    new_facility(&mut d);
    d.text("women").key(KeyCode::F(2));
    assert!(d.screen().contains("Saved."), "{}", d.screen());
    let store = Store::open(&fx.path).unwrap();
    let saved = store.facility_by_code("MBA").unwrap().unwrap();
    assert_eq!(saved.kind, warden::domain::estate::FacilityKind::Women);
}

#[test]
fn the_estate_form_marks_the_unit_sex_a_facility_cannot_hold() {
    let fx = fixture::build();
    let mut d = Driver::new(&fx.path);
    new_facility(&mut d);
    d.text("men").key(KeyCode::F(2));
    assert!(d.screen().contains("Saved."), "{}", d.screen());
    // MBA sorts between KIR and LUZ: open its units and add a female unit.
    d.key(KeyCode::Down).key(KeyCode::Enter).text("n");
    d.text("F")
        .key(KeyCode::Tab)
        .text("Female wing")
        .key(KeyCode::Tab)
        .text("female")
        .key(KeyCode::F(2));
    let s = d.screen();
    assert!(
        s.contains("unit F: a men's facility cannot hold a female unit"),
        "{s}"
    );
    assert!(marked(&s, "Sex"), "{s}");
    assert!(!marked(&s, "Age group"), "{s}");
}
