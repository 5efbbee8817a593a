//! The report screens with their charts and the print preview, at 80x24 in colour and in monochrome ASCII,
//! driven by key presses; and a print to a file from the preview, with its audit row and the remembered choice.

// The shared fixture also carries the people other screen tests use.
#[allow(dead_code)]
#[path = "screens/fixture.rs"]
mod fixture;

// Not every test file uses every step of the shared driver.
#[allow(dead_code)]
#[path = "screens/driver.rs"]
mod driver;

use crossterm::event::{KeyCode, KeyModifiers};
use driver::Driver;

/// The ways through the reports these tests share, on the shared screen driver.
trait Reports {
    fn snap(&self, name: &str);
    fn preview_pdf_to_a_file(&mut self) -> &mut Self;
    fn reports(&mut self) -> &mut Self;
    fn open(&mut self, title: &str) -> &mut Self;
}

impl Reports for Driver {
    fn snap(&self, name: &str) {
        insta::assert_snapshot!(self.themed(name), self.screen());
    }

    /// As the supervisor, the preview of the segregation report with PDF to a file chosen (not yet printed).
    fn preview_pdf_to_a_file(&mut self) -> &mut Self {
        self.login("supervisor").reports();
        self.open("Segregation durations");
        self.press(KeyCode::Char('p'), KeyModifiers::CONTROL);
        // Format -> pdf, then To -> terminal -> file.
        self.key(KeyCode::Right)
            .key(KeyCode::Tab)
            .key(KeyCode::Tab)
            .key(KeyCode::Right)
            .key(KeyCode::Right);
        assert!(self.screen().contains("To <file>"), "{}", self.screen());
        self
    }

    /// From the home screen to the reports list.
    fn reports(&mut self) -> &mut Self {
        assert!(self.app.session().is_some(), "{}", self.screen());
        for _ in 0..30 {
            if self.screen().lines().any(|l| l.contains(">Reports")) {
                return self.key(KeyCode::Enter);
            }
            self.key(KeyCode::Down);
        }
        panic!("no Reports entry:\n{}", self.screen());
    }

    /// Opens the report titled `title` from the reports list.
    fn open(&mut self, title: &str) -> &mut Self {
        self.key(KeyCode::Home);
        for _ in 0..10 {
            if self
                .screen()
                .lines()
                .any(|l| l.contains(&format!(">{title}")))
            {
                return self.key(KeyCode::Enter);
            }
            self.key(KeyCode::Down);
        }
        panic!("no report {title}:\n{}", self.screen());
    }
}

fn both(f: impl Fn(&mut Driver, &fixture::Fixture)) {
    for mono in [false, true] {
        let fx = fixture::build();
        let mut d = Driver::with_theme(&fx.path, mono).ascii_only();
        f(&mut d, &fx);
    }
}

#[test]
fn aggregate_reports_show_bar_charts_above_their_tables() {
    both(|d, _| {
        d.login("supervisor").reports();
        d.open("Occupancy and overcrowding");
        let s = d.screen();
        assert!(s.contains("Occupancy % of CNA by facility"), "{s}");
        assert!(s.contains("LUZ") && s.contains("200"), "{s}");
        d.snap("chart_overcrowding");
        d.key(KeyCode::Esc).open("Classification distribution");
        let s = d.screen();
        assert!(
            s.contains("People by custody level") && s.contains("None"),
            "{s}"
        );
        d.snap("chart_classification");
        d.key(KeyCode::Esc).open("Days on remand by facility");
        let s = d.screen();
        assert!(s.contains("Median days on remand by facility"), "{s}");
        d.snap("chart_remand");
    });
}

#[test]
fn the_preview_shows_the_printed_page_and_the_choices() {
    both(|d, _| {
        d.login("officer").reports();
        d.open("Days on remand by facility");
        d.press(KeyCode::Char('p'), KeyModifiers::CONTROL);
        let s = d.screen();
        assert!(
            s.contains("Format <text>") && s.contains("Copies <1>"),
            "{s}"
        );
        assert!(
            s.contains("Page 1 of 1") && s.contains("Printed 2026-11-25 09:00 UTC by officer"),
            "{s}"
        );
        d.snap("print_preview");
    });
}

#[test]
fn printing_to_a_file_from_the_preview_is_audited_and_remembered() {
    let fx = fixture::build();
    let mut d = Driver::new(&fx.path).ascii_only();
    d.preview_pdf_to_a_file();
    d.key(KeyCode::Enter);
    // The pages are made on a worker: the preview says so and offers only Esc meanwhile.
    let s = d.screen();
    assert!(s.contains("Making the pdf pages: 0 s. Esc stops"), "{s}");
    assert!(s.contains("Esc stop") && !s.contains("Enter print"), "{s}");
    d.finish_work();
    let s = d.screen();
    assert!(s.contains("Printed: written to"), "{s}");
    let prints = fx.path.parent().unwrap().join("prints");
    let files: Vec<_> = std::fs::read_dir(&prints)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        // Reports name people: as private as the database (owner-only by default).
        assert_eq!(mode(&files[0]), 0o600);
        assert_eq!(mode(&prints), 0o700);
    }
    let name = files[0].file_name().unwrap().to_string_lossy().into_owned();
    assert_eq!(name, "segregation-20261125-090000.pdf");
    let bytes = std::fs::read(&files[0]).unwrap();
    let text = pdf_extract::extract_text_from_mem(&bytes).unwrap();
    assert!(text.contains("Segregation durations"), "{text}");

    let conn = rusqlite::Connection::open(&fx.path).unwrap();
    let (actor, after): (String, String) = conn
        .query_row(
            "SELECT actor, after FROM audit WHERE entity = 'print' ORDER BY id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(actor, "supervisor");
    assert!(
        after.contains("\"format\":\"pdf\"") && after.contains("segregation-2026"),
        "{after}"
    );

    // The next preview starts from the same choice.
    d.key(KeyCode::Esc)
        .key(KeyCode::Esc)
        .open("Days on remand by facility");
    d.press(KeyCode::Char('p'), KeyModifiers::CONTROL);
    let s = d.screen();
    assert!(s.contains("Format <pdf>") && s.contains("To <file>"), "{s}");
    // Text only goes to the terminal's printer.
    d.key(KeyCode::Tab)
        .key(KeyCode::Tab)
        .key(KeyCode::Left)
        .key(KeyCode::Enter);
    assert!(d.screen().contains("takes text only"), "{}", d.screen());
}

#[test]
fn esc_while_the_pages_are_made_stops_the_print_and_nothing_is_written_or_recorded() {
    let fx = fixture::build();
    let mut d = Driver::new(&fx.path).ascii_only();
    d.preview_pdf_to_a_file().key(KeyCode::Enter);
    assert!(d.app.working(), "{}", d.screen());
    d.key(KeyCode::Down);
    assert!(d.app.working(), "only Esc acts while the pages are made");
    d.key(KeyCode::Esc);
    let s = d.screen();
    assert!(s.contains("Stopped: nothing was printed."), "{s}");
    assert!(
        s.contains("Format <pdf>") && s.contains("Enter print"),
        "back to the choices: {s}"
    );
    assert!(!d.app.working());
    // Whatever the abandoned worker does, its pages go nowhere.
    std::thread::sleep(std::time::Duration::from_millis(300));
    d.app.tick(fixture::t0());
    let prints = fx.path.parent().unwrap().join("prints");
    let written = std::fs::read_dir(&prints).map(|d| d.count()).unwrap_or(0);
    assert_eq!(written, 0, "a stopped print wrote a file");
    let conn = rusqlite::Connection::open(&fx.path).unwrap();
    let printed: i64 = conn
        .query_row(
            "SELECT count(*) FROM audit WHERE entity = 'print'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(printed, 0, "a stopped print was recorded as printed");
}

#[test]
fn the_reports_list_chooses_the_facility_and_the_week() {
    both(|d, _| {
        d.login("supervisor").reports();
        assert!(
            d.screen()
                .contains("Facility <All facilities>  Week <this week>"),
            "{}",
            d.screen()
        );
        d.key(KeyCode::Right).key(KeyCode::BackTab);
        let s = d.screen();
        assert!(s.contains("Week <last week>"), "{s}");
        d.snap("reports_list_choices");
        // The facility list is in code order; whichever comes first is the one every report now covers.
        let chosen = s
            .lines()
            .find_map(|l| l.split("Facility <").nth(1))
            .and_then(|rest| rest.split(' ').next())
            .unwrap()
            .to_string();
        d.open("Segregation durations");
        d.press(KeyCode::Char('p'), KeyModifiers::CONTROL);
        let s = d.screen();
        assert!(s.contains(&format!("{chosen} ")), "{s}");
        assert!(s.contains("As at 2026-11-25, from 2026-11-16"), "{s}");
        // Left past the first facility comes back to all of them.
        d.key(KeyCode::Esc).key(KeyCode::Esc).key(KeyCode::Left);
        assert!(
            d.screen().contains("Facility <All facilities>"),
            "{}",
            d.screen()
        );
    });
}

/// Headquarters (`--sites DIR`): the national roll-ups follow the site reports; one is read from the site files on
/// a worker with a progress line, shown like any report and printable; a folder holding one facility twice is
/// refused in the view's place with the reason, and the screen goes on.
#[test]
fn headquarters_reads_the_national_roll_up_from_the_sites_folder() {
    both(|d, fx| {
        let sites = tempfile::tempdir().unwrap();
        std::fs::copy(&fx.path, sites.path().join("luzira.db")).unwrap();
        d.app.set_sites(Some(sites.path().to_path_buf()));
        d.login("supervisor").reports();
        d.key(KeyCode::End);
        let s = d.screen();
        assert!(s.contains(">National roll-up: releases due"), "{s}");
        d.key(KeyCode::Home);
        for _ in 0..14 {
            d.key(KeyCode::Down);
        }
        assert!(
            d.screen()
                .contains(">National roll-up: occupancy and overcrowding"),
            "{}",
            d.screen()
        );
        d.key(KeyCode::Enter);
        let reading = d.screen();
        assert!(reading.contains("Reading the site files"), "{reading}");
        assert!(reading.contains("Esc stop"), "{reading}");
        d.finish_work();
        let s = d.screen();
        assert!(s.contains("All sites"), "{s}");
        assert!(
            s.contains("No person is in custody at more than one site"),
            "{s}"
        );
        d.snap("national_overcrowding_view");
        d.press(KeyCode::Char('p'), KeyModifiers::CONTROL);
        assert!(
            d.screen().contains("1 site, 2 facilities"),
            "{}",
            d.screen()
        );
        d.key(KeyCode::Esc).key(KeyCode::Esc);

        std::fs::copy(&fx.path, sites.path().join("luzira-again.db")).unwrap();
        d.key(KeyCode::Enter).finish_work();
        let s = d.screen();
        assert!(s.contains("is in both"), "{s}");
        assert!(
            s.contains("luzira-again.db") && s.contains("luzira.db"),
            "{s}"
        );
        // Nothing to scroll or print: the footer offers only the way back.
        let footer = s
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or_default();
        assert!(
            footer.contains("Esc") && !footer.contains("print"),
            "{footer}"
        );
        d.key(KeyCode::Esc);
        assert!(d.screen().contains(">National roll-up"), "{}", d.screen());
    });
}

#[test]
fn an_officer_at_headquarters_is_not_offered_the_national_roll_ups() {
    both(|d, fx| {
        let sites = tempfile::tempdir().unwrap();
        std::fs::copy(&fx.path, sites.path().join("luzira.db")).unwrap();
        d.app.set_sites(Some(sites.path().to_path_buf()));
        d.login("officer").reports();
        d.key(KeyCode::End);
        let s = d.screen();
        assert!(s.contains(">"), "the site reports are there: {s}");
        assert!(!s.contains("National roll-up"), "{s}");
    });
}
