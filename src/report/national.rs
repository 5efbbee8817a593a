//! The national roll-up (issue 22 item 3): overcrowding, remand past the limit, classification, Mandela Rules
//! compliance, programme participation and releases due, one line per site with the time its data is from,
//! read from each site's own file through the same queries as the site's reports; a person in custody at two
//! sites is counted once (the rule is `domain::national`) and the roll-up lists where sites disagree.

use super::custody::level_label;
use super::mandela::SEPARATIONS;
use super::rosters::programme_figures;
use super::{DEFAULT_CONFIDENTIALITY, classification_days, service_name};
use crate::domain::estate::SecurityLevel;
use crate::domain::national::{Counting, Site, SiteFacility, SitePerson, SiteProgrammes};
use crate::domain::segregation::ALERT_DAYS;
use crate::i18n::{t, t_args};
use crate::print::{Block, Column, Document, Row, Table};
use crate::store::{NationalGrant, Result, Setting, Store, StoreError, Within, schema};
use chrono::{DateTime, NaiveDate, Utc};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

/// The reports a national roll-up can make.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Overcrowding,
    RemandLimit,
    Classification,
    Mandela,
    Participation,
    Releases,
}

impl Kind {
    pub const ALL: [Kind; 6] = [
        Kind::Overcrowding,
        Kind::RemandLimit,
        Kind::Classification,
        Kind::Mandela,
        Kind::Participation,
        Kind::Releases,
    ];

    /// The name on the command line, as for `warden print`.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Overcrowding => "overcrowding",
            Kind::RemandLimit => "remand-limit",
            Kind::Classification => "classification",
            Kind::Mandela => "mandela",
            Kind::Participation => "participation",
            Kind::Releases => "releases",
        }
    }

    pub fn title(self) -> String {
        t(match self {
            Kind::Overcrowding => "national-title-overcrowding",
            Kind::RemandLimit => "national-title-remand-limit",
            Kind::Classification => "national-title-classification",
            Kind::Mandela => "national-title-mandela",
            Kind::Participation => "national-title-participation",
            Kind::Releases => "national-title-releases",
        })
    }
}

/// One site's file as read: its figures, and the words its pages carry.
#[derive(Debug, Clone)]
pub struct SiteRead {
    pub site: Site,
    pub service: String,
    pub confidentiality: String,
}

/// What the roll-up covers: the day it is made, the period of releases due, and who made it.
#[derive(Debug, Clone)]
pub struct NationalParams {
    pub now: DateTime<Utc>,
    /// Releases due from this day to `to`, both included.
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub printed_by: String,
}

impl NationalParams {
    /// Releases due in the seven days from today.
    pub fn new(now: DateTime<Utc>, printed_by: impl Into<String>) -> NationalParams {
        let today = now.date_naive();
        NationalParams {
            now,
            from: today,
            to: today + chrono::Duration::days(6),
            printed_by: printed_by.into(),
        }
    }
}

/// A site file in a sentence: what is wrong with it.
fn site_problem(path: &Path, e: &StoreError) -> String {
    let file = path.display().to_string();
    match e {
        StoreError::NotWarden { .. } => t_args("national-not-warden", &[("file", file.into())]),
        StoreError::NotSqlite { .. } | StoreError::Damaged { .. } => {
            t_args("national-not-a-database", &[("file", file.into())])
        }
        other => other.to_string(),
    }
}

/// The site files in `dir` (every `*.db`), in name order: what the screens' national view reads.
pub fn site_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "db"))
        .collect();
    files.sort();
    Ok(files)
}

/// Opens each site's file read-only and reads it (`reading` is told which, for a progress line), refusing the
/// whole roll-up with a sentence at the first file that cannot be used: not a warden database, another schema,
/// or a facility already in another file. Nothing is written to any of them. The grant is headquarters'
/// leave to read them (`Store::grant_national`).
pub fn read_site_files(
    grant: &NationalGrant,
    files: &[PathBuf],
    kind: Kind,
    now: DateTime<Utc>,
    reading: &mut dyn FnMut(usize),
) -> std::result::Result<Vec<SiteRead>, String> {
    let mut reads = Vec::with_capacity(files.len());
    for (i, path) in files.iter().enumerate() {
        reading(i);
        let store = Store::open_read_only(path).map_err(|e| site_problem(path, &e))?;
        let version = store.schema_version().map_err(|e| site_problem(path, &e))?;
        if version < schema::LATEST {
            return Err(t_args(
                "national-older-schema",
                &[
                    ("file", path.display().to_string().into()),
                    ("found", version.into()),
                    ("known", schema::LATEST.into()),
                ],
            ));
        }
        // The file's own name: the folder is the same for all of them at headquarters, and long.
        let label = path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        reads
            .push(read_site(grant, &store, &label, kind, now).map_err(|e| site_problem(path, &e))?);
    }
    let sites: Vec<Site> = reads.iter().map(|r| r.site.clone()).collect();
    if let Some(shared) = crate::domain::national::shared_facility(&sites) {
        return Err(t_args(
            "national-shared-facility",
            &[
                ("code", shared.code.into()),
                ("first", shared.first.into()),
                ("second", shared.second.into()),
            ],
        ));
    }
    Ok(reads)
}

/// Reads one site's figures for `kind` through the same queries as its own reports (only those `kind` needs:
/// at the national size each takes seconds). `file` is how the site is named.
pub fn read_site(
    _grant: &NationalGrant,
    store: &Store,
    file: &str,
    kind: Kind,
    now: DateTime<Utc>,
) -> Result<SiteRead> {
    let today = now.date_naive();
    let board = store.occupancy_board()?;
    let mut facilities: Vec<(i64, SiteFacility)> = board
        .facilities
        .iter()
        .map(|f| {
            (
                f.id,
                SiteFacility {
                    code: f.code.clone(),
                    name: f.name.clone(),
                    certified: f.occupancy.certified,
                },
            )
        })
        .collect();
    facilities.sort_by(|a, b| a.1.code.cmp(&b.1.code));
    let found = store.national_people()?;
    let index: HashMap<i64, usize> = found
        .iter()
        .enumerate()
        .map(|(i, (id, _))| (*id, i))
        .collect();
    let mut people: Vec<SitePerson> = found.into_iter().map(|(_, p)| p).collect();
    let person = |id: i64| index.get(&id).copied();
    if kind == Kind::RemandLimit {
        remand_over(store, today, &mut people, &person)?;
    }
    if kind == Kind::Mandela {
        mandela_flags(store, now, &mut people, &person)?;
    }
    let mut programmes = SiteProgrammes::default();
    if kind == Kind::Participation {
        for (id, _) in &facilities {
            programmes_of(store, *id, &mut programmes)?;
        }
    }
    Ok(SiteRead {
        site: Site {
            file: file.to_string(),
            data_as_of: store.data_as_of()?,
            facilities: facilities.into_iter().map(|(_, f)| f).collect(),
            people,
            programmes,
        },
        service: service_name(store)?,
        confidentiality: store
            .setting(&Setting::PrintConfidentiality)?
            .unwrap_or_else(|| DEFAULT_CONFIDENTIALITY.into()),
    })
}

/// Days past the remand limit, for each person past it on at least one case.
fn remand_over(
    store: &Store,
    today: NaiveDate,
    people: &mut [SitePerson],
    person: &dyn Fn(i64) -> Option<usize>,
) -> Result<()> {
    for over in store.remand_limit_check(None, today)?.over {
        if let Some(i) = person(over.prisoner_id) {
            let days = &mut people[i].remand_over_days;
            *days = Some(days.unwrap_or(0).max(over.over.over));
        }
    }
    Ok(())
}

/// The Mandela Rules flags: separation broken by a placement, segregation past the limit, late classification.
fn mandela_flags(
    store: &Store,
    now: DateTime<Utc>,
    people: &mut [SitePerson],
    person: &dyn Fn(i64) -> Option<usize>,
) -> Result<()> {
    let today = now.date_naive();
    for b in store.placement_breaches_within(Within::All, today)? {
        let separation = b
            .breaches
            .iter()
            .any(|x| SEPARATIONS.iter().any(|(rule, _)| x.rule == *rule));
        if let (true, Some(i)) = (separation, person(b.prisoner_id)) {
            people[i].separation_breach = true;
        }
    }
    let at = now.naive_utc();
    for s in store.open_segregations()? {
        if s.segregation.days(at) > ALERT_DAYS
            && let Some(i) = person(s.segregation.prisoner_id)
        {
            people[i].segregated_past_limit = true;
        }
    }
    for l in store.classification_lateness(today, classification_days(store)?, None)? {
        if (l.missing || l.late)
            && let Some(i) = person(l.prisoner_id)
        {
            people[i].classification_late = true;
        }
    }
    Ok(())
}

/// Adds one facility's programme figures to the site's.
fn programmes_of(store: &Store, facility: i64, programmes: &mut SiteProgrammes) -> Result<()> {
    for g in store.programmes(facility, None)? {
        let f = programme_figures(store, g.id)?;
        programmes.programmes += 1;
        programmes.held += f.held as u64;
        programmes.completed += f.completed as u64;
        programmes.withdrawn += f.withdrawn as u64;
        programmes.waiting += f.waiting as u64;
        programmes.attendance.marked += f.attendance.marked;
        programmes.attendance.attended += f.attendance.attended;
        programmes.attendance.excused += f.attendance.excused;
    }
    Ok(())
}

/// The roll-up of `kind` over the sites read, as a document for the screen and every printed format.
pub fn build(reads: &[SiteRead], kind: Kind, p: &NationalParams) -> Document {
    let sites: Vec<Site> = reads.iter().map(|r| r.site.clone()).collect();
    let counting = crate::domain::national::count_once(&sites);
    let services: std::collections::BTreeSet<&str> =
        reads.iter().map(|r| r.service.as_str()).collect();
    let facilities: usize = sites.iter().map(|s| s.facilities.len()).sum();
    let today = p.now.date_naive();
    let mut doc = Document {
        service: match services.iter().next() {
            Some(one) if services.len() == 1 => one.to_string(),
            _ => t("national-services-several"),
        },
        facility: t_args(
            "national-scope",
            &[
                ("sites", sites.len().into()),
                ("facilities", facilities.into()),
            ],
        ),
        title: kind.title(),
        period: match kind {
            Kind::Releases => t_args(
                "national-period-releases",
                &[
                    ("from", p.from.to_string().into()),
                    ("to", p.to.to_string().into()),
                ],
            ),
            _ => t_args("national-period", &[("today", today.to_string().into())]),
        },
        printed_by: p.printed_by.clone(),
        printed_at: p.now,
        confidentiality: reads.first().map_or_else(
            || DEFAULT_CONFIDENTIALITY.into(),
            |r| r.confidentiality.clone(),
        ),
        blocks: Vec::new(),
        chart: None,
    };
    let figures = Figures {
        sites: &sites,
        counting: &counting,
        params: p,
    };
    doc.blocks.push(Block::Paragraph(t(match kind {
        Kind::Overcrowding => "national-about-overcrowding",
        Kind::RemandLimit => "national-about-remand-limit",
        Kind::Classification => "national-about-classification",
        Kind::Mandela => "national-about-mandela",
        Kind::Participation => "national-about-participation",
        Kind::Releases => "national-about-releases",
    })));
    doc.blocks.push(Block::Table(figures.table(kind)));
    disagreements(&mut doc, &sites, &counting);
    let mut files = Table::new(vec![
        Column::left(&t("national-col-site"), 14),
        Column::left(&t("national-col-as-at"), 16),
        Column::wrapped(&t("national-col-file"), 48),
    ]);
    for s in &sites {
        files.row([s.label(), as_at(s), s.file.clone()]);
    }
    doc.blocks.push(Block::Heading(t("national-files")));
    doc.blocks.push(Block::Table(files));
    doc
}

fn as_at(site: &Site) -> String {
    site.data_as_of
        .map_or_else(|| "-".into(), |t| t.format("%Y-%m-%d %H:%M").to_string())
}

fn disagreements(doc: &mut Document, sites: &[Site], counting: &Counting) {
    if counting.disagreements.is_empty() {
        doc.blocks
            .push(Block::Paragraph(t("national-no-disagreements")));
        return;
    }
    doc.blocks.push(Block::Heading(t_args(
        "national-disagreements",
        &[("count", counting.disagreements.len().into())],
    )));
    let mut table = Table::new(vec![
        Column::left(&t("national-col-national-id"), 20),
        Column::wrapped(&t("national-col-counted"), 24),
        Column::wrapped(&t("national-col-also"), 33),
    ]);
    let at = |(s, number): &(usize, String)| format!("{} {number}", sites[*s].label());
    for d in &counting.disagreements {
        table.row([
            d.national_id.clone(),
            at(&d.counted),
            d.others.iter().map(at).collect::<Vec<_>>().join("; "),
        ]);
        if !d.differs.is_empty() {
            table.note(t_args(
                "national-differs",
                &[("what", d.differs.join(", ").into())],
            ));
        }
    }
    doc.blocks.push(Block::Table(table));
}

struct Figures<'a> {
    sites: &'a [Site],
    counting: &'a Counting,
    params: &'a NationalParams,
}

/// Columns every roll-up starts with: the site and the time its data is from.
fn site_columns() -> Vec<Column> {
    vec![
        Column::left(&t("national-col-site"), 12),
        Column::left(&t("national-col-as-at"), 16),
    ]
}

fn percent(part: u64, whole: u64) -> String {
    if whole == 0 {
        return "-".into();
    }
    format!("{}%", part * 100 / whole)
}

impl Figures<'_> {
    fn counted(&self, i: usize) -> impl Iterator<Item = &SitePerson> {
        self.counting.counted(self.sites, i)
    }

    /// A table with one row per site of `numbers(site index)`, a rule, and the national line of their sums
    /// (`total` turns the summed numbers into the national line's cells).
    fn table(&self, kind: Kind) -> Table {
        let mut columns = site_columns();
        let heads: Vec<(String, usize)> = match kind {
            Kind::Overcrowding => vec![
                (t("national-col-places"), 8),
                (t("national-col-held"), 8),
                (t("national-col-occupancy"), 9),
                (t("national-col-over"), 8),
            ],
            Kind::RemandLimit => vec![
                (t("national-col-on-remand"), 9),
                (t("national-col-past-limit"), 10),
                (t("national-col-most-over"), 10),
            ],
            Kind::Classification => SecurityLevel::ALL
                .iter()
                .map(|l| (level_label(Some(l.as_str())), 8))
                .chain([(t("national-col-none"), 7), (t("national-col-total"), 8)])
                .collect(),
            Kind::Mandela => vec![
                (t("national-col-separation"), 10),
                (t("national-col-segregation"), 11),
                (t("national-col-class-late"), 10),
                (t("national-col-past-release"), 12),
            ],
            Kind::Participation => vec![
                (t("national-col-programmes"), 6),
                (t("national-col-places-held"), 6),
                (t("national-col-done"), 6),
                (t("national-col-left"), 6),
                (t("national-col-wait"), 6),
                (t("national-col-attended"), 8),
            ],
            Kind::Releases => vec![
                (t("national-col-due"), 8),
                (t("national-col-past-date"), 9),
                (t("national-col-oldest"), 10),
            ],
        };
        columns.extend(heads.iter().map(|(h, w)| Column::right(h, *w)));
        let mut table = Table::new(columns);
        let lines: Vec<Line> = (0..self.sites.len()).map(|i| self.line(kind, i)).collect();
        let mut total = Line::default();
        for (i, line) in lines.iter().enumerate() {
            let mut cells = vec![self.sites[i].label(), as_at(&self.sites[i])];
            cells.extend(line.cells(kind));
            table.row(cells);
            total.add(line);
        }
        table.rows.push(Row::Rule);
        let mut cells = vec![t("national-all"), String::new()];
        cells.extend(total.cells(kind));
        table.row(cells);
        table
    }

    fn line(&self, kind: Kind, i: usize) -> Line {
        let site = &self.sites[i];
        let mut line = Line::default();
        match kind {
            Kind::Overcrowding => {
                let mut held: BTreeMap<&str, u64> = BTreeMap::new();
                for p in self.counted(i) {
                    *held.entry(p.facility.as_str()).or_default() += 1;
                }
                line.n[0] = site.facilities.iter().map(|f| f.certified).sum();
                line.n[1] = held.values().sum();
                line.n[2] = site
                    .facilities
                    .iter()
                    .filter(|f| held.get(f.code.as_str()).copied().unwrap_or(0) > f.certified)
                    .count() as u64;
            }
            Kind::RemandLimit => {
                for p in self.counted(i).filter(|p| p.remand) {
                    line.n[0] += 1;
                    if let Some(days) = p.remand_over_days {
                        line.n[1] += 1;
                        line.most = line.most.max(days.max(0) as u64);
                    }
                }
            }
            Kind::Classification => {
                for p in self.counted(i) {
                    let column = SecurityLevel::ALL
                        .iter()
                        .position(|l| p.level.as_deref() == Some(l.as_str()))
                        .unwrap_or(SecurityLevel::ALL.len());
                    line.n[column] += 1;
                }
            }
            Kind::Mandela => {
                let today = self.params.now.date_naive();
                for p in self.counted(i) {
                    line.n[0] += u64::from(p.separation_breach);
                    line.n[1] += u64::from(p.segregated_past_limit);
                    line.n[2] += u64::from(p.classification_late);
                    line.n[3] += u64::from(p.expected_release.is_some_and(|d| d < today));
                }
            }
            Kind::Participation => {
                let g = &site.programmes;
                line.n[..5].copy_from_slice(&[
                    g.programmes,
                    g.held,
                    g.completed,
                    g.withdrawn,
                    g.waiting,
                ]);
                line.attendance = g.attendance;
            }
            Kind::Releases => {
                let today = self.params.now.date_naive();
                for p in self.counted(i) {
                    let Some(day) = p.expected_release else {
                        continue;
                    };
                    if (self.params.from..=self.params.to).contains(&day) {
                        line.n[0] += 1;
                    }
                    if day < today {
                        line.n[1] += 1;
                        line.most = line.most.max((today - day).num_days() as u64);
                    }
                }
            }
        }
        line
    }
}

/// One row's figures: counts by column, the largest of a "most" column, and attendance.
#[derive(Default)]
struct Line {
    n: [u64; 6],
    most: u64,
    attendance: crate::domain::roster::Participation,
}

impl Line {
    fn add(&mut self, other: &Line) {
        for (a, b) in self.n.iter_mut().zip(other.n) {
            *a += b;
        }
        self.most = self.most.max(other.most);
        self.attendance.marked += other.attendance.marked;
        self.attendance.attended += other.attendance.attended;
        self.attendance.excused += other.attendance.excused;
    }

    fn cells(&self, kind: Kind) -> Vec<String> {
        let n = |i: usize| self.n[i].to_string();
        match kind {
            Kind::Overcrowding => vec![n(0), n(1), percent(self.n[1], self.n[0]), n(2)],
            Kind::RemandLimit | Kind::Releases => vec![n(0), n(1), self.most.to_string()],
            Kind::Classification => {
                let levels = SecurityLevel::ALL.len();
                let mut cells: Vec<String> = (0..=levels).map(n).collect();
                cells.push(self.n[..=levels].iter().sum::<u64>().to_string());
                cells
            }
            Kind::Mandela => (0..4).map(n).collect(),
            Kind::Participation => {
                let mut cells: Vec<String> = (0..5).map(n).collect();
                cells.push(
                    self.attendance
                        .percent()
                        .map_or_else(|| "-".into(), |p| format!("{p}%")),
                );
                cells
            }
        }
    }
}
