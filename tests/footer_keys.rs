//! Keys keep their promises (issue 18, item 6): for every role, every screen reachable from Home through menu
//! entries and footer keys (breadth first, a few levels deep) has each key of its footer pressed, and the screen
//! must change or a message appear. A footer never offers a key the role is refused ("Not allowed").

#[path = "screens/driver.rs"]
#[allow(dead_code)]
mod driver;
#[path = "screens/fixture.rs"]
#[allow(dead_code)]
mod fixture;

use crossterm::event::KeyCode;
use driver::Driver;
use std::collections::{BTreeSet, VecDeque};
use std::path::{Path, PathBuf};
use warden::domain::auth::Role;

/// Levels of footer keys followed below a Home menu entry.
const DEPTH: usize = 3;
/// Screens explored per role, so the walk stays within a CI budget.
const STATES: usize = 45;

#[derive(Debug, Clone)]
enum Key {
    Code(KeyCode),
    Ctrl(char),
}

/// A footer label as the key table draws it, back to the key that produces it.
fn key_of(label: &str) -> Option<Key> {
    let code = match label {
        "Enter" => KeyCode::Enter,
        "Esc" => KeyCode::Esc,
        "Up" => KeyCode::Up,
        "Down" => KeyCode::Down,
        "Left" => KeyCode::Left,
        "Right" => KeyCode::Right,
        "PgUp" => KeyCode::PageUp,
        "PgDn" => KeyCode::PageDown,
        "Home" => KeyCode::Home,
        "End" => KeyCode::End,
        "Tab" => KeyCode::Tab,
        "S-Tab" => KeyCode::BackTab,
        "Bksp" => KeyCode::Backspace,
        "Del" => KeyCode::Delete,
        l if l.starts_with('^') => {
            return l.chars().nth(1).map(|c| Key::Ctrl(c.to_ascii_lowercase()));
        }
        l if l.starts_with('F') && l.len() > 1 => KeyCode::F(l[1..].parse().ok()?),
        l if l.chars().count() == 1 => KeyCode::Char(l.chars().next()?),
        _ => return None,
    };
    Some(Key::Code(code))
}

fn press(d: &mut Driver, key: &Key) {
    match key {
        Key::Code(code) => {
            d.key(*code);
        }
        Key::Ctrl(c) => {
            d.ctrl(*c);
        }
    }
}

/// The footer's (label, word) pairs, read off the last row as a person reads them.
fn footer(screen: &str) -> Vec<(String, String)> {
    let last = screen
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("");
    last.split("  ")
        .filter(|p| !p.trim().is_empty())
        .filter_map(|p| {
            let p = p.trim();
            let (label, word) = p.split_once(' ')?;
            Some((label.to_string(), word.to_string()))
        })
        .collect()
}

/// What a person sees: every cell with its style, and where the cursor is (a focus or cursor move counts).
fn as_seen(d: &Driver) -> (ratatui::buffer::Buffer, Option<(u16, u16)>) {
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(80, 24)).unwrap();
    terminal.draw(|f| d.app.render(f)).unwrap();
    let backend = terminal.backend();
    let cursor = backend
        .cursor_visible()
        .then(|| (backend.cursor_position().x, backend.cursor_position().y));
    (backend.buffer().clone(), cursor)
}

fn title(screen: &str) -> String {
    let top = screen.lines().next().unwrap_or("");
    let after = top.split_once('|').map_or(top, |(_, t)| t).trim();
    // The signed-in name on the right is not part of the title.
    after
        .rsplit_once("  ")
        .map_or(after, |(t, _)| t)
        .trim()
        .to_string()
}

struct Walk {
    base: PathBuf,
    dir: tempfile::TempDir,
    role: Role,
    replays: usize,
}

impl Walk {
    /// A fresh copy of the fixture, signed in, with `path` pressed: keys may write, so each replay starts clean.
    fn replay(&mut self, path: &[Key]) -> Driver {
        self.replays += 1;
        let copy = self.dir.path().join(format!("w{}.db", self.replays));
        std::fs::copy(&self.base, &copy).unwrap();
        let mut d = Driver::new(&copy);
        d.login(self.role.as_str());
        for k in path {
            press(&mut d, k);
        }
        d
    }
}

fn menu_paths(d: &Driver) -> Vec<Vec<Key>> {
    let home = d.screen();
    let entries: Vec<&str> = home
        .lines()
        .skip_while(|l| !l.contains("Menu"))
        .skip(1)
        .take_while(|l| !l.contains("──") && !l.contains("--"))
        .collect();
    (0..entries.len())
        .filter(|i| {
            let line = entries[*i];
            !line.contains("Log out") && !line.contains("Quit warden")
        })
        .map(|i| {
            let mut path = vec![Key::Code(KeyCode::Down); i];
            path.push(Key::Code(KeyCode::Enter));
            path
        })
        .collect()
}

fn walk_role(base: &Path, role: Role) -> Vec<String> {
    let mut walk = Walk {
        base: base.to_path_buf(),
        dir: tempfile::tempdir().unwrap(),
        role,
        replays: 0,
    };
    let mut problems = Vec::new();
    let home = walk.replay(&[]);
    let mut queue: VecDeque<(Vec<Key>, usize)> = VecDeque::from([(Vec::new(), 0)]);
    queue.extend(menu_paths(&home).into_iter().map(|p| (p, 0)));
    // A record, the screen with the most keys: found by name as staff do.
    let mut to_record = vec![Key::Code(KeyCode::Char('/'))];
    to_record.extend("okello".chars().map(|c| Key::Code(KeyCode::Char(c))));
    to_record.push(Key::Code(KeyCode::Enter));
    queue.push_back((to_record, 0));
    let mut seen = BTreeSet::new();
    let mut states = 0;
    while let Some((path, depth)) = queue.pop_front() {
        let d = walk.replay(&path);
        let before = d.screen();
        let before_seen = as_seen(&d);
        let here = title(&before);
        if !seen.insert(here.clone()) || states >= STATES {
            continue;
        }
        states += 1;
        for (label, word) in footer(&before) {
            // Quitting ends the program and logging out ends the walk; both are tested elsewhere.
            if matches!(label.as_str(), "^Q" | "F10") {
                continue;
            }
            let Some(key) = key_of(&label) else {
                problems.push(format!("{role}: {here}: footer label {label:?} is no key"));
                continue;
            };
            let mut d = walk.replay(&path);
            // Drawn first, as a terminal would have drawn it before the key: screens learn their height so.
            d.screen();
            press(&mut d, &key);
            let after = d.screen();
            if as_seen(&d) == before_seen {
                problems.push(format!(
                    "{role}: {here}: '{label} {word}' changed nothing and said nothing\n{after}"
                ));
            }
            if after.contains("Not allowed") {
                problems.push(format!(
                    "{role}: {here}: '{label} {word}' offered but refused"
                ));
            }
            let next = title(&after);
            if depth < DEPTH && next != here && !next.starts_with("Help") && next != "Messages" {
                let mut longer = path.clone();
                longer.push(key);
                queue.push_back((longer, depth + 1));
            }
        }
    }
    problems
}

#[test]
fn every_footer_key_does_something_for_every_role() {
    let fx = fixture::build();
    let mut problems = Vec::new();
    for role in Role::ALL {
        problems.extend(walk_role(&fx.path, role));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Keys F1 lists on every screen work there: `/` finds a prisoner from a record (it used to do nothing), Esc on
/// Home says where it is, F1 opens over a popup; Enter in a one-field popup finishes it.
#[test]
fn keys_the_help_lists_work_where_it_lists_them() {
    let fx = fixture::build();
    let mut d = Driver::new(&fx.path);
    d.login("officer")
        .text("/")
        .text("okello")
        .key(KeyCode::Enter);
    assert!(d.screen().contains("In custody (remand)"), "{}", d.screen());
    d.text("/");
    assert!(d.screen().contains("Find a prisoner"), "{}", d.screen());
    while !d.screen().starts_with(" warden | Home") {
        d.key(KeyCode::Esc);
    }
    d.key(KeyCode::Esc);
    assert!(
        d.screen().contains("This is the home screen"),
        "{}",
        d.screen()
    );

    // A one-field popup (the programmes filter): F1 opens over it, and Enter finishes it like F2.
    let mut d = Driver::new(&fx.path);
    d.login("programme");
    d.key(KeyCode::Home);
    while !d.screen().contains(">Programmes and rosters") {
        d.key(KeyCode::Down);
    }
    d.key(KeyCode::Enter).text("/");
    assert!(
        d.screen().contains("Facilitator or programme"),
        "{}",
        d.screen()
    );
    d.key(KeyCode::F(1));
    assert!(
        d.screen().contains("Help: Facilitator or programme"),
        "{}",
        d.screen()
    );
    d.key(KeyCode::Esc).text("literacy").key(KeyCode::Enter);
    let s = d.screen();
    assert!(s.contains("Showing programmes with 'literacy'"), "{s}");
}

/// Ctrl-U clears what is before the cursor in any text field, as in a shell: the search box and the password.
#[test]
fn ctrl_u_clears_a_text_field() {
    let fx = fixture::build();
    let mut d = Driver::new(&fx.path);
    d.text("officer")
        .key(KeyCode::Enter)
        .text("not the password");
    d.ctrl('u');
    d.text(fixture::PASSWORD).key(KeyCode::Enter);
    assert!(d.screen().contains("Find a prisoner"), "{}", d.screen());
    d.text("/").text("zzzz");
    assert!(d.screen().contains("Find: zzzz"), "{}", d.screen());
    d.ctrl('u').text("okello");
    let s = d.screen();
    assert!(s.contains("Find: okello") && s.contains("Okello"), "{s}");
}
