//! Store tests for what stored text may hold (issue 18): whatever path a write takes, controls and direction
//! overrides are refused naming the field, and invisible marks never reach the file.

use super::tests::{at, fixture, person};
use crate::domain::estate::{Facility, FacilityKind, SecurityLevel};

#[test]
fn a_record_built_outside_the_forms_is_refused_or_cleaned_as_typed_text_is() {
    let mut f = fixture();
    let mut p = person("LUZ/2026/00001", "Okello", "John", f.men);
    p.offences = "theft\u{9b}2J".into();
    let e = f.store.admit(&at(1), &p).unwrap_err();
    assert!(
        e.to_string().contains("Offences: ") && e.to_string().contains("U+009B"),
        "{e}"
    );
    assert!(f.store.search("Okello", 10).unwrap().is_empty());

    p.offences = "theft".into();
    p.given_names = "\u{FEFF}Ha\u{0300}\u{200B}".into();
    let id = f.store.admit(&at(2), &p).unwrap();
    let stored = f.store.prisoner(id).unwrap().unwrap().prisoner;
    assert_eq!(
        stored.given_names, "Hà",
        "no BOM or zero-width space, composed"
    );

    let mut edited = stored.clone();
    edited.family_name = "Oke\u{202E}llo".into();
    let e = f.store.update_prisoner(&at(3), &edited).unwrap_err();
    assert!(e.to_string().contains("Family name: "), "{e}");
}

#[test]
fn estate_names_and_comments_refuse_controls_naming_the_field() {
    let mut f = fixture();
    let facility = Facility {
        id: 0,
        code: "MBA".into(),
        name: "Mbarara\u{1b}[2J".into(),
        region: "Western".into(),
        kind: FacilityKind::Men,
        security: SecurityLevel::Medium,
    };
    let e = f.store.add_facility(&at(1), &facility).unwrap_err();
    assert!(e.to_string().contains("name: "), "{e}");
    let id = f
        .store
        .add_facility(
            &at(2),
            &Facility {
                name: "Mbara\u{0301}ra\u{FEFF}".into(),
                ..facility
            },
        )
        .unwrap();
    let stored = f.store.facility(id).unwrap().unwrap();
    assert_eq!(stored.name, "Mbarára");

    let okello = f
        .store
        .admit(&at(3), &person("LUZ/2026/00001", "Okello", "John", f.men))
        .unwrap();
    let start = at(4).at.naive_utc();
    let e = f
        .store
        .start_segregation(&at(4), okello, start, "fight \u{202E}on the yard")
        .unwrap_err();
    assert!(
        e.to_string().contains("reason: ") && e.to_string().contains("U+202E"),
        "{e}"
    );
}
