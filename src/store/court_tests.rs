//! Remand and court in the store: the day's production list (the court from the cases, grouped, alerts for the
//! escorts), the next court date, the remand limits setting, and the cases past their limit.

use super::tests::{at, fixture, person};
use super::*;
use crate::domain::auth::Role;
use crate::domain::non_association::{NaReason, NaRole, NaScope, NonAssociation};
use crate::domain::sentence::*;
use chrono::NaiveDate;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn remand_case(
    reference: &str,
    court: &str,
    class: OffenceClass,
    committed: &str,
    expires: Option<&str>,
) -> Case {
    Case {
        id: 0,
        warrant: Warrant {
            reference: reference.into(),
            court: court.into(),
            issued: d(committed),
            expires: expires.map(d),
        },
        offence: "Robbery".into(),
        class,
        committed: d(committed),
        sentence: None,
    }
}

#[test]
fn the_production_list_takes_the_court_from_the_cases_and_groups_by_it() {
    let mut f = fixture();
    let mut okot = person("LUZ/2026/00001", "Okot", "Peter", f.men);
    okot.court_dates = vec![d("2026-12-01"), d("2026-12-10")];
    let okot = f.store.admit(&at(1), &okot).unwrap();
    let mut opio = person("LUZ/2026/00002", "Opio", "John", f.men);
    opio.court_dates = vec![d("2026-12-10")];
    opio.medical_alert = true;
    let opio = f.store.admit(&at(2), &opio).unwrap();
    // No case: the record's committing authority (Chief Magistrate, Kampala).
    let mut odoi = person("LUZ/2026/00003", "Odoi", "Paul", f.men);
    odoi.court_dates = vec![d("2026-12-10")];
    f.store.admit(&at(3), &odoi).unwrap();
    // Another day: not listed.
    let mut ojok = person("LUZ/2026/00004", "Ojok", "Sam", f.men);
    ojok.court_dates = vec![d("2026-12-11")];
    f.store.admit(&at(4), &ojok).unwrap();
    let mut nakato = person("WOM/2026/00001", "Nakato", "Grace", f.women);
    nakato.sex = crate::domain::estate::Sex::Female;
    nakato.court_dates = vec![d("2026-12-10")];
    let nakato = f.store.admit(&at(5), &nakato).unwrap();
    f.store
        .add_case(
            &at(6),
            okot,
            &remand_case(
                "CR-1",
                "High Court, Gulu",
                OffenceClass::Grave,
                "2026-06-01",
                Some("2026-12-10"),
            ),
        )
        .unwrap();
    f.store
        .add_case(
            &at(7),
            okot,
            &remand_case(
                "CR-2",
                "Chief Magistrate, Lira",
                OffenceClass::Serious,
                "2026-09-01",
                Some("2026-12-17"),
            ),
        )
        .unwrap();
    f.store
        .add_case(
            &at(8),
            opio,
            &remand_case(
                "CR-3",
                "High Court, Gulu",
                OffenceClass::Grave,
                "2026-10-01",
                None,
            ),
        )
        .unwrap();
    f.store
        .add_case(
            &at(9),
            nakato,
            &remand_case(
                "CR-4",
                "Chief Magistrate, Buganda Road",
                OffenceClass::Minor,
                "2026-11-01",
                None,
            ),
        )
        .unwrap();
    f.store
        .add_non_association(
            &at(10),
            &NonAssociation {
                id: 0,
                first: okot,
                first_role: NaRole::Victim,
                second: opio,
                second_role: NaRole::Perpetrator,
                reason: NaReason::Violence,
                scope: NaScope::Unit,
                comment: "fight at the court cells".into(),
                start: d("2026-11-25"),
                expiry: None,
                closed: None,
            },
        )
        .unwrap();

    let day = d("2026-12-10");
    let all = f.store.court_production(None, day).unwrap();
    let listed: Vec<(&str, &str, Option<&str>)> = all
        .iter()
        .map(|l| {
            (
                l.court.court.as_str(),
                l.number.as_str(),
                l.court.case.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        listed,
        [
            (
                "Chief Magistrate, Buganda Road",
                "WOM/2026/00001",
                Some("CR-4")
            ),
            ("Chief Magistrate, Kampala", "LUZ/2026/00003", None),
            ("High Court, Gulu", "LUZ/2026/00001", Some("CR-1")),
            ("High Court, Gulu", "LUZ/2026/00002", Some("CR-3")),
        ]
    );
    let okot_line = &all[2];
    assert_eq!(okot_line.court.also, ["Chief Magistrate, Lira"]);
    assert_eq!(okot_line.keep_apart, ["LUZ/2026/00002"]);
    assert_eq!(all[3].keep_apart, ["LUZ/2026/00001"]);
    assert!(all[3].medical_alert && !okot_line.medical_alert);
    assert_eq!(
        (okot_line.unit.as_deref(), okot_line.facility.as_str()),
        (None, "LUZ")
    );
    // One facility.
    let men = f.store.court_production(Some(f.men), day).unwrap();
    assert_eq!(men.len(), 3);
    // The next court date from a day, with its court.
    let (next, court) = f.store.next_court(okot, d("2026-12-02")).unwrap().unwrap();
    assert_eq!((next, court.court.as_str()), (day, "High Court, Gulu"));
    assert_eq!(f.store.next_court(okot, d("2026-12-11")).unwrap(), None);
    // Released: no longer produced.
    f.store
        .release(
            &at(11),
            opio,
            "Officer in charge",
            "bail",
            d("2026-12-01").and_hms_opt(9, 0, 0).unwrap(),
        )
        .unwrap();
    assert_eq!(f.store.court_production(None, day).unwrap().len(), 3);
}

#[test]
fn remand_limits_are_a_setting_and_the_check_lists_cases_past_them() {
    let mut f = fixture();
    assert_eq!(f.store.remand_limits().unwrap(), RemandLimits::NONE);
    let officer = Actor::staff_now("okello", Role::Officer);
    assert!(matches!(
        f.store
            .set_remand_limits(&officer, &RemandLimits::preset("uganda")),
        Err(StoreError::Refused(_))
    ));
    let long = f
        .store
        .admit(&at(1), &person("LUZ/2026/00001", "Okot", "Peter", f.men))
        .unwrap();
    let short = f
        .store
        .admit(&at(2), &person("LUZ/2026/00002", "Opio", "John", f.men))
        .unwrap();
    // On remand, no case recorded: counted as unchecked.
    f.store
        .admit(&at(3), &person("LUZ/2026/00003", "Odoi", "Paul", f.men))
        .unwrap();
    f.store
        .add_case(
            &at(4),
            long,
            &remand_case(
                "CR-1",
                "High Court, Gulu",
                OffenceClass::Grave,
                "2026-01-01",
                None,
            ),
        )
        .unwrap();
    f.store
        .add_case(
            &at(5),
            long,
            &remand_case(
                "CR-2",
                "Chief Magistrate, Gulu",
                OffenceClass::Serious,
                "2026-08-01",
                None,
            ),
        )
        .unwrap();
    f.store
        .add_case(
            &at(6),
            short,
            &remand_case(
                "CR-3",
                "Chief Magistrate, Gulu",
                OffenceClass::Serious,
                "2026-11-01",
                None,
            ),
        )
        .unwrap();
    let today = d("2026-11-25");
    // No limits set: nothing can be over.
    let none = f.store.remand_limit_check(None, today).unwrap();
    assert_eq!(
        (none.on_remand, none.without_cases, none.over.len()),
        (3, 1, 0)
    );

    f.store
        .set_remand_limits(&at(7), &RemandLimits::preset("uganda"))
        .unwrap();
    assert_eq!(
        f.store.remand_limits().unwrap(),
        RemandLimits::preset("uganda")
    );
    let check = f.store.remand_limit_check(None, today).unwrap();
    let over: Vec<(&str, i64, u32, i64)> = check
        .over
        .iter()
        .map(|o| (o.case.as_str(), o.over.days, o.over.limit, o.over.over))
        .collect();
    // CR-1: 328 days, grave 180: 148 over; CR-2: 116 days, serious 60: 56 over; CR-3: 24 days, within.
    assert_eq!(over, [("CR-1", 328, 180, 148), ("CR-2", 116, 60, 56)]);
    assert_eq!(check.without_cases, 1);
    assert!(
        f.store
            .recent_audit(5)
            .unwrap()
            .iter()
            .any(|r| r.entity == "setting" && r.action == "set")
    );
    // Sentenced on CR-1: that case is no longer on remand.
    let cases = f.store.cases(long).unwrap();
    f.store
        .set_sentence(
            &at(8),
            cases[0].id,
            Some(&Sentence {
                length: Length::months(24),
                start: today,
                relation: Relation::Concurrent(None),
            }),
        )
        .unwrap();
    let check = f.store.remand_limit_check(None, today).unwrap();
    assert_eq!(check.over.len(), 1);
    assert_eq!(check.over[0].case, "CR-2");
}
