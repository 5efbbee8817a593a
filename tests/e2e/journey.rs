//! Steps the end-to-end journeys share: signing in, finding someone by part of a name, moving through the edit
//! form, reading the selected row.

use super::fixture::Demo;
use super::harness::Term;
use super::harness::keys;
use warden::domain::auth::Role;
use warden::domain::prisoner::{may_edit_field, visible_fields};
use warden::store::SearchHit;

/// Signs in from the sign-in screen and waits for the home screen.
pub fn sign_in(term: &mut Term, (name, password): (&str, &str)) {
    let screen = term.wait_for("Sign in");
    // The accounts printed by `warden demo` are hidden once the TUI opens, so the sign-in screen repeats them.
    assert!(screen.contains("officer/officer-demo"), "{screen}");
    term.send(name);
    term.send(keys::ENTER);
    term.send(password);
    term.send(keys::ENTER);
    term.wait_for("The service now");
}

/// Someone in custody whose name can be found by typing four letters from its middle, and where the list
/// puts them: (the person, what to type, their row in the results).
pub fn findable_person(demo: &Demo) -> (SearchHit, String, usize) {
    let store = demo.store();
    for person in store.search("", 200).unwrap() {
        let family: Vec<char> = person.family_name.chars().collect();
        if !person.in_custody || family.len() < 6 || !family.iter().all(|c| c.is_alphabetic()) {
            continue;
        }
        // Lower case, from the second letter: part of a name, not its start, and not as it is spelled.
        let typed: String = family[1..5].iter().flat_map(|c| c.to_lowercase()).collect();
        let hits = store.search(&typed, 100).unwrap();
        if let Some(row) = hits.iter().position(|h| h.id == person.id)
            && row < 10
        {
            return (person, typed, row);
        }
    }
    panic!("no one in the demo register can be found by part of their name");
}

/// How many Tabs take an officer's edit form from its first field to `key`.
pub fn tabs_to(key: &str) -> usize {
    let editable: Vec<&str> = visible_fields(Role::Officer)
        .filter(|f| may_edit_field(Role::Officer, f))
        .map(|f| f.key)
        .collect();
    editable
        .iter()
        .position(|k| *k == key)
        .expect("the officer may edit this field")
}

/// The selected row of a list or menu (marked '>'), if any.
pub fn selected_line(screen: &str) -> Option<String> {
    screen
        .lines()
        .find(|l| l.trim_start_matches(['|', '│', ' ']).starts_with('>'))
        .map(str::to_string)
}
