//! Bulk loading (the demo): the register's own indexes dropped for the admissions are all back afterwards, sound,
//! and never missing from a load that was cut short.

use super::tests::{at, fixture, person};
use super::*;

/// The register's indexes as the schema holds them (name and statement), in name order.
fn prisoner_indexes(store: &Store) -> Vec<(String, String)> {
    store
        .conn()
        .prepare(
            "SELECT name, sql FROM main.sqlite_schema
             WHERE type = 'index' AND tbl_name = 'prisoner' AND sql IS NOT NULL ORDER BY name",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

fn integrity(store: &Store) -> String {
    store
        .conn()
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn indexes_deferred_in_a_bulk_load_come_back_whole_and_sound() {
    let mut f = fixture();
    let before = prisoner_indexes(&f.store);
    assert!(before.len() >= 7, "{before:?}");
    f.store.set_bulk_loading(true).unwrap();
    f.store.defer_indexes("prisoner").unwrap();
    assert!(prisoner_indexes(&f.store).is_empty());
    let first = f
        .store
        .admit(&at(1), &person("LUZ/2026/00001", "Okello", "John", f.men))
        .unwrap();
    // The number's uniqueness is a constraint, kept throughout: a second person with it is still refused.
    assert!(
        f.store
            .admit(&at(1), &person("LUZ/2026/00001", "Opio", "Sam", f.men))
            .is_err()
    );
    f.store.restore_deferred_indexes().unwrap();
    assert_eq!(prisoner_indexes(&f.store), before);
    // Deferred again and left to the end of the load, which makes them too.
    f.store.defer_indexes("prisoner").unwrap();
    let second = f
        .store
        .admit(&at(2), &person("LUZ/2026/00002", "Nakato", "Ruth", f.men))
        .unwrap();
    f.store.set_bulk_loading(false).unwrap();
    assert_eq!(prisoner_indexes(&f.store), before);
    assert_eq!(integrity(&f.store), "ok");
    // The indexes hold the people written while they were away.
    let in_facility: i64 = f
        .store
        .conn()
        .query_row(
            "SELECT count(*) FROM prisoner INDEXED BY prisoner_facility
             WHERE facility_id = ?1 AND in_custody = 1",
            [f.men],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(in_facility, 2, "{first} {second}");
}

/// A load cut short (here the connection closes with the load's transaction open, as a crash leaves it) leaves
/// the file as it was before the load: its indexes are all there.
#[test]
fn a_bulk_load_cut_short_leaves_the_indexes_in_place() {
    let f = fixture();
    let path = f.store.path().to_path_buf();
    let before = prisoner_indexes(&f.store);
    let super::tests::Fixture { mut store, men, .. } = f;
    store.set_bulk_loading(true).unwrap();
    store.defer_indexes("prisoner").unwrap();
    store
        .admit(&at(1), &person("LUZ/2026/00001", "Okello", "John", men))
        .unwrap();
    assert!(prisoner_indexes(&store).is_empty());
    drop(store);
    let reopened = Store::open(&path).unwrap();
    assert_eq!(prisoner_indexes(&reopened), before);
    assert_eq!(integrity(&reopened), "ok");
    let people: i64 = reopened
        .conn()
        .query_row("SELECT count(*) FROM prisoner", [], |r| r.get(0))
        .unwrap();
    assert_eq!(people, 0, "the unfinished load wrote nothing");
}

/// Outside a bulk load nothing is dropped.
#[test]
fn indexes_are_not_deferred_outside_a_bulk_load() {
    let f = fixture();
    let before = prisoner_indexes(&f.store);
    f.store.defer_indexes("prisoner").unwrap();
    assert_eq!(prisoner_indexes(&f.store), before);
}
