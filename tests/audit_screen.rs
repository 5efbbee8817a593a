//! The audit trail on screen (issue 16, part 5): supervisors and administrators read the rows `warden audit show`
//! prints, filter them, and see a refusal by another user; officers have no such entry and are refused if they try.

#[path = "screens/driver.rs"]
#[allow(dead_code)]
mod driver;
#[path = "screens/fixture.rs"]
#[allow(dead_code)]
mod fixture;

use crossterm::event::KeyCode;
use driver::Driver;
use warden::domain::auth::{Need, Permission, Role};
use warden::store::{Actor, AuditFilter, Store};

fn open_from_home(d: &mut Driver, label: &str) {
    let home = d.screen();
    let down = home
        .lines()
        .skip_while(|l| !l.contains("Menu"))
        .position(|l| l.contains(label))
        .unwrap_or_else(|| panic!("no {label} on the home menu:\n{home}"));
    for _ in 1..down {
        d.key(KeyCode::Down);
    }
    d.key(KeyCode::Enter);
}

/// An officer asked for the staff accounts (refused, audited as `refused`).
fn officer_refused(path: &std::path::Path) {
    let mut store = Store::open(path).unwrap();
    let officer = Actor::staff("officer", Role::Officer, fixture::t0());
    assert!(
        store
            .authorise(
                &officer,
                Need::To(Permission::ManageUsers),
                "staff accounts"
            )
            .is_err()
    );
    store.flush_refusals().unwrap();
}

#[test]
fn a_supervisor_reads_and_filters_the_trail_and_sees_the_refusal() {
    let fx = fixture::build();
    officer_refused(&fx.path);
    let mut d = Driver::new(&fx.path);
    d.login("supervisor");
    open_from_home(&mut d, "Audit trail");
    let s = d.screen();
    assert!(
        s.contains("Audit trail") && s.contains("Filter: none"),
        "{s}"
    );
    insta::assert_snapshot!("audit_trail_supervisor", s);

    // The filter popup: a day that is not a day is an error on its field, and nothing changes.
    d.text("/").text("1 Nov").key(KeyCode::F(2));
    let s = d.screen();
    assert!(s.contains("not a day; type it as YYYY-MM-DD"), "{s}");
    d.key(KeyCode::Esc).key(KeyCode::Esc);
    // Only refusals: the sixth field is the action.
    d.text("/");
    for _ in 0..5 {
        d.key(KeyCode::Tab);
    }
    d.text("refused").key(KeyCode::F(2));
    let s = d.screen();
    assert!(s.contains("Filter: action refused"), "{s}");
    let listed: Vec<&str> = s
        .lines()
        .skip_while(|l| !l.contains("When (UTC)"))
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .collect();
    assert!(!listed.is_empty(), "{s}");
    assert!(listed.iter().all(|l| l.contains("refused")), "{s}");
    assert!(
        listed
            .iter()
            .any(|l| l.contains("officer") && l.contains("manage-users")),
        "{s}"
    );
    assert!(s.contains(r#"After: {"target":"staff accounts"}"#), "{s}");
    insta::assert_snapshot!("audit_trail_refusals", s);

    // Reading the trail is itself in the trail, under the supervisor's name.
    drop(d);
    let mut store = Store::open(&fx.path).unwrap();
    let admin = Actor::staff("admin", Role::Admin, fixture::t0());
    let reads = store
        .audit_show(
            &admin,
            &AuditFilter {
                actor: Some("supervisor".into()),
                action: Some("read".into()),
                limit: 50,
                ..AuditFilter::default()
            },
        )
        .unwrap();
    assert!(
        reads.len() >= 2,
        "opening and filtering are recorded: {reads:?}"
    );
}

#[test]
fn officers_have_no_audit_entry_and_are_refused_by_the_store() {
    let fx = fixture::build();
    let mut d = Driver::new(&fx.path);
    d.login("officer");
    let s = d.screen();
    assert!(s.contains("Find a prisoner"), "{s}");
    assert!(!s.contains("Audit trail"), "{s}");
    drop(d);
    let mut store = Store::open(&fx.path).unwrap();
    let officer = Actor::staff("officer", Role::Officer, fixture::t0());
    assert!(
        store
            .audit_show(
                &officer,
                &AuditFilter {
                    limit: 10,
                    ..AuditFilter::default()
                }
            )
            .is_err()
    );
}
