//! Four writers on one record at once, each on its own connection as four stations would be: no update is ever
//! silently lost. Editing the same field, exactly one wins and every other is told who-changed-what; editing
//! different fields, all four land.

// Shared with tests/screens.rs, which reads more of it.
#[allow(dead_code)]
#[path = "screens/fixture.rs"]
mod fixture;

use std::sync::{Arc, Barrier};
use warden::domain::prisoner::Prisoner;
use warden::store::{Actor, Store, StoreError};

const WRITERS: usize = 4;

/// Each writer opens the record, changes it with `edit`, waits for the others, then saves: all four saves race.
fn race(
    fx: &fixture::Fixture,
    edit: fn(usize, &mut Prisoner),
) -> Vec<Result<Prisoner, StoreError>> {
    let barrier = Arc::new(Barrier::new(WRITERS));
    let handles: Vec<_> = (0..WRITERS)
        .map(|k| {
            let (path, id, barrier) = (fx.path.clone(), fx.okello, Arc::clone(&barrier));
            std::thread::spawn(move || {
                let mut store = Store::open(&path).unwrap();
                let loaded = store.prisoner(id).unwrap().unwrap().prisoner;
                let mut edited = loaded.clone();
                edit(k, &mut edited);
                barrier.wait();
                store.update_prisoner_from(
                    &Actor::system(format!("writer{k}"), fixture::t0()),
                    &loaded,
                    &edited,
                )
            })
        })
        .collect();
    handles.into_iter().map(|h| h.join().unwrap()).collect()
}

fn updates_by(store: &Store) -> Vec<String> {
    let mut rows = store.recent_audit(1_000).unwrap();
    rows.reverse();
    rows.into_iter()
        .filter(|r| r.entity == "prisoner" && r.action == "update")
        .map(|r| r.actor)
        .collect()
}

#[test]
fn four_writers_on_one_field_one_wins_and_every_loser_is_told() {
    let fx = fixture::build();
    let results = race(&fx, |k, p| p.next_of_kin = format!("Kin from writer {k}"));
    let winners: Vec<usize> = (0..WRITERS).filter(|k| results[*k].is_ok()).collect();
    assert_eq!(winners.len(), 1, "{results:?}");
    for (k, r) in results.iter().enumerate() {
        if let Err(e) = r {
            assert!(e.is_invalid(), "writer {k}: {e:?}");
            let text = e.to_string();
            assert!(
                text.contains("Someone else changed Next of kin")
                    && text.contains("nothing was saved"),
                "writer {k} is told what clashed: {text}"
            );
        }
    }
    let store = Store::open(&fx.path).unwrap();
    let now = store.prisoner(fx.okello).unwrap().unwrap().prisoner;
    assert_eq!(now.next_of_kin, format!("Kin from writer {}", winners[0]));
    assert_eq!(updates_by(&store), [format!("writer{}", winners[0])]);
    assert_eq!(store.verify_audit().unwrap(), None);
}

#[test]
fn four_writers_on_four_fields_all_land() {
    let fx = fixture::build();
    let results = race(&fx, |k, p| match k {
        0 => p.next_of_kin = "Kin from writer 0".into(),
        1 => p.home_district = "Lira".into(),
        2 => p.offences = "Robbery; theft".into(),
        _ => p.nationality = "Kenyan".into(),
    });
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    let store = Store::open(&fx.path).unwrap();
    let now = store.prisoner(fx.okello).unwrap().unwrap().prisoner;
    assert_eq!(
        (
            now.next_of_kin.as_str(),
            now.home_district.as_str(),
            now.offences.as_str(),
            now.nationality.as_str()
        ),
        ("Kin from writer 0", "Lira", "Robbery; theft", "Kenyan"),
        "no writer's change overwrote another's"
    );
    let mut writers = updates_by(&store);
    writers.sort();
    assert_eq!(writers, ["writer0", "writer1", "writer2", "writer3"]);
    assert_eq!(store.verify_audit().unwrap(), None);
}
