//! Rule tests for programmes, sessions, referral moves, completion and every allocation check.

use super::checks::*;
use super::*;
use chrono::{NaiveDate, NaiveTime};

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}
fn t(s: &str) -> NaiveTime {
    NaiveTime::parse_from_str(s, "%H:%M").unwrap()
}
fn slot(id: i64, weekday: u8, a: &str, b: &str) -> Slot {
    Slot {
        id,
        weekday,
        starts: t(a),
        ends: t(b),
    }
}

fn literacy() -> Programme {
    Programme {
        id: 1,
        facility_id: 1,
        code: "LIT1".into(),
        name: "Adult literacy".into(),
        category: Category::Literacy,
        provider: "staff".into(),
        facilitators: vec!["A. Teacher".into()],
        room: "Classroom 1".into(),
        capacity: 10,
        starts_on: d("2026-11-02"),
        ends_on: d("2027-01-29"),
        eligibility: Eligibility {
            needs: vec!["need_literacy".into(), "need_education".into()],
            ..Eligibility::default()
        },
        completion_percent: 80,
        vep_share_percent: 20,
        slots: vec![slot(1, 1, "09:00", "11:00"), slot(2, 3, "09:00", "11:00")],
    }
}

fn candidate() -> Candidate {
    Candidate {
        prisoner_id: 7,
        sex: Sex::Male,
        age: AgeGroup::Adult,
        legal: LegalStatus::Convicted,
        custody: Some(SecurityLevel::Medium),
        vep: false,
        unit: Some("A".into()),
        needs: vec!["need_literacy".into()],
        expected_release: Some(d("2028-01-01")),
        court_dates: vec![],
        commitments: vec![],
    }
}

const TODAY: &str = "2026-11-25";

fn verdict(p: &Programme, c: &Candidate, g: &Group) -> Verdict {
    check_allocation(p, c, g, d(TODAY))
}

fn only(v: &Verdict, check: Check) -> bool {
    !v.refusals.is_empty() && v.refusals.iter().all(|r| r.check == check)
}

#[test]
fn a_suitable_person_is_allowed() {
    let v = verdict(&literacy(), &candidate(), &Group::default());
    assert!(v.allowed(), "{v:?}");
    assert!(v.warnings.is_empty());
}

#[test]
fn a_full_group_refuses_and_cannot_be_overridden() {
    let g = Group {
        allocated: 10,
        ..Group::default()
    };
    let v = verdict(&literacy(), &candidate(), &g);
    assert!(only(&v, Check::Capacity), "{v:?}");
    assert!(v.refusals[0].reason.contains("10 of 10"));
    assert!(!v.overridable());
}

#[test]
fn a_non_association_in_the_group_refuses_and_cannot_be_overridden() {
    let g = Group {
        allocated: 3,
        veps: 0,
        keep_apart: vec![("UG/2026/00001".into(), "Okello John".into())],
    };
    let v = verdict(&literacy(), &candidate(), &g);
    assert!(only(&v, Check::NonAssociation), "{v:?}");
    assert!(v.refusals[0].reason.contains("UG/2026/00001 Okello John"));
    assert!(!v.overridable());
}

#[test]
fn a_clash_with_another_programme_names_both_slots() {
    let mut c = candidate();
    c.commitments.push(Commitment {
        programme: "Carpentry".into(),
        starts_on: d("2026-10-01"),
        ends_on: d("2026-12-31"),
        slot: slot(9, 3, "10:30", "12:00"),
    });
    let v = verdict(&literacy(), &c, &Group::default());
    assert!(only(&v, Check::Clash), "{v:?}");
    assert_eq!(
        v.refusals[0].reason,
        "Wed 09:00-11:00 clashes with Carpentry (Wed 10:30-12:00)"
    );
    assert!(v.overridable());
}

#[test]
fn back_to_back_slots_and_programmes_in_other_months_do_not_clash() {
    let mut c = candidate();
    c.commitments.push(Commitment {
        programme: "Carpentry".into(),
        starts_on: d("2026-10-01"),
        ends_on: d("2026-12-31"),
        slot: slot(9, 1, "11:00", "12:00"),
    });
    c.commitments.push(Commitment {
        programme: "Old course".into(),
        starts_on: d("2026-01-01"),
        ends_on: d("2026-06-30"),
        slot: slot(10, 1, "09:00", "11:00"),
    });
    assert!(verdict(&literacy(), &c, &Group::default()).allowed());
}

#[test]
fn release_before_the_end_is_refused_with_the_sessions_missed() {
    let mut c = candidate();
    c.expected_release = Some(d("2027-01-18"));
    let v = verdict(&literacy(), &c, &Group::default());
    assert!(only(&v, Check::Release), "{v:?}");
    // From Mon 18 Jan to Fri 29 Jan: Mon 18, Wed 20, Mon 25, Wed 27.
    assert!(
        v.refusals[0].reason.contains("(4 sessions missed)"),
        "{v:?}"
    );
}

#[test]
fn remand_without_a_release_date_is_not_refused_for_release() {
    let mut c = candidate();
    c.legal = LegalStatus::Remand;
    c.expected_release = None;
    assert!(verdict(&literacy(), &c, &Group::default()).allowed());
}

#[test]
fn unit_access_is_checked_case_blind() {
    let mut p = literacy();
    p.eligibility.units = vec!["a".into(), "B".into()];
    assert!(verdict(&p, &candidate(), &Group::default()).allowed());
    let mut c = candidate();
    c.unit = Some("C".into());
    let v = verdict(&p, &c, &Group::default());
    assert!(only(&v, Check::Unit));
    assert!(v.refusals[0].reason.contains("unit C has no access"));
    c.unit = None;
    assert!(only(&verdict(&p, &c, &Group::default()), Check::Unit));
}

#[test]
fn eligibility_names_each_rule_missed() {
    let mut p = literacy();
    p.eligibility.sex = Some(Sex::Female);
    p.eligibility.age = Some(AgeGroup::Young);
    p.eligibility.legal = vec![LegalStatus::Remand];
    p.eligibility.custody = vec![SecurityLevel::Minimum];
    let mut c = candidate();
    c.needs = vec!["need_housing".into()];
    let v = verdict(&p, &c, &Group::default());
    assert!(only(&v, Check::Eligibility));
    let reasons: Vec<&str> = v.refusals.iter().map(|r| r.reason.as_str()).collect();
    assert_eq!(reasons.len(), 5, "{reasons:?}");
    assert!(reasons[0].contains("need_literacy, need_education"));
    assert!(reasons[1].contains("female"));
    assert!(reasons[2].contains("young"));
    assert!(reasons[3].contains("remand"));
    assert!(reasons[4].contains("medium custody is not suitable"));
    c.custody = None;
    let v = verdict(&p, &c, &Group::default());
    assert!(v.refusals[4].reason.contains("not yet classified"));
    assert!(v.overridable());
}

#[test]
fn the_mixed_group_rule_caps_veps_at_the_share_of_places() {
    let p = literacy(); // 20% of 10 = 2
    let mut c = candidate();
    c.vep = true;
    let one = Group {
        allocated: 5,
        veps: 1,
        ..Group::default()
    };
    assert!(verdict(&p, &c, &one).allowed());
    let two = Group { veps: 2, ..one };
    let v = verdict(&p, &c, &two);
    assert!(only(&v, Check::VepShare), "{v:?}");
    assert!(v.refusals[0].reason.contains("would make 3"));
    assert!(v.refusals[0].shown(true).contains("would make 3"));
    assert!(!v.refusals[0].shown(false).contains("extremist"));
    assert!(v.overridable());
    // A regular prisoner joining a group at the cap is fine: the rule limits VEPs, not others.
    assert!(verdict(&p, &candidate(), &two).allowed());
}

#[test]
fn court_dates_on_session_days_warn_without_refusing() {
    let mut c = candidate();
    c.court_dates = vec![d("2026-12-02"), d("2026-12-03"), d("2026-11-04")];
    let v = verdict(&literacy(), &c, &Group::default());
    assert!(v.allowed());
    // Wed 2 Dec is a session day; Thu 3 Dec is not; 4 Nov is past.
    assert_eq!(v.warnings.len(), 1);
    assert!(v.warnings[0].starts_with("court on 2026-12-02 (1 of the sessions"));
}

#[test]
fn sessions_follow_the_slots_inside_the_programme_dates() {
    let p = literacy();
    let week = p.sessions(d("2026-11-23"), d("2026-11-29"));
    assert_eq!(week.len(), 2);
    assert_eq!(week[0].date, d("2026-11-23"));
    assert_eq!(week[1].date, d("2026-11-25"));
    assert!(p.sessions(d("2026-10-01"), d("2026-11-01")).is_empty());
    assert_eq!(p.sessions(d("2026-01-01"), d("2027-12-31")).len(), 26);
}

#[test]
fn programme_validation_names_the_field() {
    let mut p = literacy();
    p.capacity = 0;
    assert_eq!(p.validate().unwrap_err().to_string(), "capacity: 1 to 500");
    let mut p = literacy();
    p.ends_on = d("2026-01-01");
    assert!(
        p.validate()
            .unwrap_err()
            .to_string()
            .starts_with("ends on:")
    );
    let mut p = literacy();
    p.slots.push(slot(3, 1, "10:00", "12:00"));
    assert_eq!(
        p.validate().unwrap_err().to_string(),
        "slot 3: overlaps slot 1 (Mon 09:00-11:00)"
    );
    let mut p = literacy();
    p.slots[0].ends = t("08:00");
    assert!(
        p.validate()
            .unwrap_err()
            .to_string()
            .starts_with("slot 1: ends:")
    );
    let mut p = literacy();
    p.code = "has space".into();
    assert!(p.validate().unwrap_err().to_string().starts_with("code:"));
    // The keys are the programme form's, so the form marks the field without reading the text.
    let key = |p: Programme| p.validate().unwrap_err().field;
    let mut p = literacy();
    p.capacity = 0;
    assert_eq!(key(p), "capacity");
    let mut p = literacy();
    p.ends_on = d("2026-01-01");
    assert_eq!(key(p), "ends");
    let mut p = literacy();
    p.slots.push(slot(3, 1, "10:00", "12:00"));
    assert_eq!(key(p), "slots");
    let mut p = literacy();
    p.vep_share_percent = 101;
    assert_eq!(
        p.validate().unwrap_err().to_string(),
        "VEP share: 0 to 100 percent"
    );
    assert!(literacy().validate().is_ok());
}

#[test]
fn referral_moves_follow_the_lifecycle() {
    use ReferralStatus::*;
    assert!(transition(Suggested, Referred, "").is_ok());
    assert!(transition(Referred, Waitlisted, "").is_ok());
    assert!(transition(Waitlisted, Allocated, "").is_ok());
    assert!(transition(Allocated, Completed, "").is_ok());
    assert_eq!(
        transition(Allocated, Withdrawn, " ")
            .unwrap_err()
            .to_string(),
        "reason: required"
    );
    assert!(transition(Allocated, Withdrawn, "transferred to Luzira").is_ok());
    let e = transition(Completed, Allocated, "")
        .unwrap_err()
        .to_string();
    assert!(e.contains("(it is closed)"), "{e}");
    let e = transition(Waitlisted, Completed, "")
        .unwrap_err()
        .to_string();
    assert!(e.contains("allocated, withdrawn, declined"), "{e}");
}

#[test]
fn completion_does_not_count_excused_absences() {
    let mut p = Participation::default();
    assert!(p.completes(80).is_err());
    for _ in 0..8 {
        p.add(Outcome::Attended);
    }
    p.add(Outcome::Court);
    p.add(Outcome::Refused);
    p.add(Outcome::Refused);
    // 8 of 10 that count = 80%.
    assert_eq!(p.percent(), Some(80));
    assert!(p.completes(80).is_ok());
    p.add(Outcome::Other);
    let e = p.completes(80).unwrap_err();
    assert!(e.contains("attended 72%"), "{e}");
}

#[test]
fn other_needs_a_comment() {
    assert!(check_outcome(Outcome::Other, "").is_err());
    assert!(check_outcome(Outcome::Other, "chaplain visit").is_ok());
    assert!(check_outcome(Outcome::Sick, "").is_ok());
}

#[test]
fn schedules_write_shared_times_once() {
    let mut p = literacy();
    assert_eq!(p.schedule_text(), "Mon Wed 09:00-11:00");
    p.slots.push(slot(3, 5, "14:00", "16:00"));
    assert_eq!(p.schedule_text(), "Mon Wed 09:00-11:00, Fri 14:00-16:00");
}

#[test]
fn weeks_parse_and_print() {
    assert_eq!(week_start("2026-W48").unwrap(), d("2026-11-23"));
    assert_eq!(week_label(d("2026-11-23")), "2026-W48");
    assert_eq!(monday_of(d("2026-11-29")), d("2026-11-23"));
    assert!(week_start("2026-48").is_err());
    assert!(week_start("2026-W60").is_err());
}

#[test]
fn the_waitlist_puts_release_first_then_needs_then_time_waited() {
    let w = |id, referred: &str, release: Option<&str>, needs| Waiting {
        referral_id: id,
        referred_on: d(referred),
        expected_release: release.map(d),
        needs_met: needs,
    };
    let list = vec![
        w(1, "2026-09-01", None, 1),
        w(2, "2026-10-01", Some("2027-03-01"), 1),
        w(3, "2026-08-01", Some("2030-01-01"), 2),
        w(4, "2026-07-01", None, 1),
        w(5, "2026-10-15", Some("2027-01-10"), 0),
    ];
    let order = waitlist_order(&list, d(TODAY));
    let ids: Vec<i64> = order.iter().map(|(i, _)| list[*i].referral_id).collect();
    assert_eq!(ids, vec![5, 2, 3, 4, 1]);
    assert_eq!(
        order[0].1,
        "releases in 46 days, no matching need, waiting 41 days"
    );
    assert_eq!(order[2].1, "2 matching needs, waiting 116 days");
}

#[test]
fn a_release_date_already_past_is_said_so_on_the_waitlist() {
    let list = vec![Waiting {
        referral_id: 1,
        referred_on: d("2026-11-01"),
        expected_release: Some(d("2026-05-25")),
        needs_met: 1,
    }];
    let order = waitlist_order(&list, d(TODAY));
    assert_eq!(
        order[0].1,
        "release date 2026-05-25 has passed, 1 matching need, waiting 24 days"
    );
}
