//! Roster reports for the landings and the classroom: a facility's programme roster for a week, the unlock list
//! for a day (one unit or all), the attendance sheets of a day's sessions (blank boxes to tick, or the marks
//! already recorded), a person's timetable, and participation and completion by programme.

use super::{Params, heading, paragraph, plural, table};
use crate::domain::roster::{Outcome, Participation, ReferralStatus, week_label};
use crate::print::{Chart, Column, Document, Table};
use crate::store::{FieldError, Result, RosterSession, Store, StoreError};
use chrono::NaiveDate;

/// The facility a roster report covers: the one chosen, else the first by code that runs programmes (a
/// roster of every facility at once would be a book, not a list for a landing).
fn facility_id(store: &Store, p: &Params, doc: &mut Document) -> Result<i64> {
    if let Some(f) = &p.facility {
        return Ok(f.id);
    }
    let id = store.first_programme_facility(p.today())?.ok_or_else(|| {
        StoreError::invalid(FieldError::new(
            "facility",
            "no facility runs a programme; name one with --facility",
        ))
    })?;
    if let Some(f) = store.facility(id)? {
        doc.facility = format!("{} {}", f.code, f.name);
    }
    Ok(id)
}

fn when(s: &RosterSession) -> String {
    format!(
        "{} {}-{}",
        s.session.date.format("%a %d %b"),
        s.session.starts.format("%H:%M"),
        s.session.ends.format("%H:%M")
    )
}

fn cell_of(unit: &Option<String>, cell: &Option<String>) -> String {
    match (unit, cell) {
        (Some(u), Some(c)) => format!("{u}/{c}"),
        _ => "-".into(),
    }
}

/// Every session of the facility's programmes in the week from `p.from`, each with its group.
pub(super) fn programme_roster(store: &Store, p: &Params, doc: &mut Document) -> Result<()> {
    let facility = facility_id(store, p, doc)?;
    let monday = crate::domain::roster::monday_of(p.from);
    doc.period = format!("Week {} from {monday}", week_label(monday));
    let mut week = store.weekly_roster(facility, monday)?;
    if let Some(code) = &p.programme {
        let programme = store
            .programmes(facility, None)?
            .into_iter()
            .find(|g| g.code.eq_ignore_ascii_case(code.trim()))
            .ok_or_else(|| {
                StoreError::invalid(crate::i18n::t_args(
                    "report-no-such-programme",
                    &[("code", code.trim().to_string().into())],
                ))
            })?;
        week.retain(|s| s.programme_id == programme.id);
        doc.title = format!("{}: {} {}", doc.title, programme.code, programme.name);
    }
    let people: usize = week.iter().map(|s| s.members.len()).sum();
    paragraph(
        doc,
        format!(
            "{} this week, {} places to fill in all.",
            plural(week.len(), "session", "sessions"),
            people
        ),
    );
    for s in &week {
        let facilitators = s.facilitators.join(", ");
        heading(
            doc,
            format!(
                "{}  {} {}, {}; {}",
                when(s),
                s.code,
                s.programme,
                s.room,
                if facilitators.is_empty() {
                    "no facilitator named".into()
                } else {
                    facilitators
                }
            ),
        );
        if let Some((reason, comment)) = &s.cancelled {
            paragraph(
                doc,
                format!(
                    "CANCELLED: {}{}",
                    reason.as_str(),
                    if comment.is_empty() {
                        String::new()
                    } else {
                        format!(", {comment}")
                    }
                ),
            );
            continue;
        }
        let mut t = Table::new(vec![
            Column::left("Number", 21),
            Column::wrapped("Name", 32),
            Column::left("Cell", 14),
        ]);
        for m in &s.members {
            t.row([m.number.clone(), m.name.clone(), cell_of(&m.unit, &m.cell)]);
        }
        if s.members.is_empty() {
            paragraph(doc, "Nobody holds a place.");
        } else {
            table(doc, t);
        }
    }
    Ok(())
}

/// Who leaves which unit on `p.day`, in time order, with where they go and the alerts officers need.
pub(super) fn unlock_list(store: &Store, p: &Params, doc: &mut Document) -> Result<()> {
    let unit = p.unit.as_deref();
    let facility = facility_id(store, p, doc)?;
    let unit_id = match unit {
        None => None,
        Some(code) => Some(
            store
                .units(facility)?
                .into_iter()
                .find(|u| u.unit.code.eq_ignore_ascii_case(code))
                .map(|u| u.unit.id)
                .ok_or_else(|| {
                    StoreError::invalid(FieldError::new(
                        "unit",
                        format!("no unit {code} in this facility"),
                    ))
                })?,
        ),
    };
    doc.period = format!(
        "{} for {}",
        p.day.format("%A %Y-%m-%d"),
        unit.map_or("every unit".to_string(), |u| format!("unit {u}"))
    );
    let lines = store.unlock_list(facility, unit_id, p.day)?;
    let alerts = lines.iter().filter(|l| !l.alerts.is_empty()).count();
    paragraph(
        doc,
        format!(
            "{} to unlock, {} with alerts. Tick when out and when back.",
            lines.len(),
            alerts
        ),
    );
    // One table per session: paper for the landing reads "who goes to what at 09:00", then ticks.
    let mut groups: Vec<(String, Vec<&crate::store::UnlockLine>)> = Vec::new();
    for l in &lines {
        let key = format!(
            "{}-{}  {}, {}",
            l.session.starts.format("%H:%M"),
            l.session.ends.format("%H:%M"),
            l.programme,
            l.room
        );
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, members)) => members.push(l),
            None => groups.push((key, vec![l])),
        }
    }
    for (key, members) in groups {
        heading(doc, key);
        let mut t = Table::new(vec![
            Column::left("Cell", 10),
            Column::left("Number", 21),
            Column::wrapped("Name", 34),
            Column::left("Out", 4),
            Column::left("Back", 4),
        ]);
        for l in members {
            t.row([
                cell_of(&l.person.unit, &l.person.cell),
                l.person.number.clone(),
                l.person.name.clone(),
                "[ ]".to_string(),
                "[ ]".to_string(),
            ]);
            for a in &l.alerts {
                t.note(format!("ALERT: {a}"));
            }
        }
        table(doc, t);
    }
    Ok(())
}

/// The registers of every session at the facility on `p.day`: marks where recorded, boxes to tick where not.
pub(super) fn attendance_sheets(store: &Store, p: &Params, doc: &mut Document) -> Result<()> {
    let facility = facility_id(store, p, doc)?;
    doc.period = p.day.format("%A %Y-%m-%d").to_string();
    let sessions: Vec<RosterSession> = store
        .weekly_roster(facility, crate::domain::roster::monday_of(p.day))?
        .into_iter()
        .filter(|s| s.session.date == p.day)
        .collect();
    paragraph(
        doc,
        format!(
            "{} on this day. Outcomes: attended, sick, refused, court, legal visit, lockdown, transferred, \
             released, other (say what).",
            plural(sessions.len(), "session", "sessions")
        ),
    );
    for s in &sessions {
        heading(
            doc,
            format!("{}  {} {}, {}", when(s), s.code, s.programme, s.room),
        );
        if let Some((reason, _)) = &s.cancelled {
            paragraph(doc, format!("CANCELLED: {}", reason.as_str()));
            continue;
        }
        let register = store.session_register(s.session.slot_id, s.session.date)?;
        let mut t = Table::new(vec![
            Column::left("Number", 21),
            Column::wrapped("Name", 24),
            Column::left("Cell", 10),
            Column::wrapped("Outcome", 20),
        ]);
        for line in &register {
            let outcome = match line.outcome {
                Some(Outcome::Other) => format!("Other: {}", line.comment),
                Some(o) if !line.comment.is_empty() => format!("{}: {}", o.label(), line.comment),
                Some(o) => o.label().to_string(),
                None => "[ ] ____________".to_string(),
            };
            t.row([
                line.referral.number.clone(),
                line.referral.name.clone(),
                cell_of(&line.referral.unit, &line.referral.cell),
                outcome,
            ]);
        }
        table(doc, t);
        paragraph(doc, "Facilitator's signature: ______________________");
    }
    Ok(())
}

/// One person's programme sessions for the week from `p.from`, with court dates.
pub(super) fn timetable(store: &Store, p: &Params, doc: &mut Document) -> Result<()> {
    let number = p.prisoner.as_deref().ok_or_else(|| {
        StoreError::invalid(FieldError::new(
            "prisoner",
            "name the person with --prisoner NUMBER",
        ))
    })?;
    let person = store
        .search(number, 5)?
        .into_iter()
        .find(|h| h.number.eq_ignore_ascii_case(number.trim()))
        .ok_or_else(|| {
            StoreError::invalid(FieldError::new(
                "prisoner",
                format!("no prisoner numbered {number}"),
            ))
        })?;
    let monday = crate::domain::roster::monday_of(p.from);
    doc.period = format!("Week {} from {monday}", week_label(monday));
    doc.facility = person.facility.clone();
    let (sessions, court) = store.timetable(person.id, monday)?;
    heading(
        doc,
        format!(
            "{} {} {}",
            person.number, person.family_name, person.given_names
        ),
    );
    let mut t = Table::new(vec![
        Column::left("When", 22),
        Column::wrapped("Programme", 30),
        Column::wrapped("Room", 16),
        Column::left("Note", 9),
    ]);
    for s in &sessions {
        let note = if s.cancelled.is_some() {
            "cancelled"
        } else if court.contains(&s.session.date) {
            "COURT"
        } else {
            ""
        };
        t.row([
            when(s),
            s.programme.clone(),
            s.room.clone(),
            note.to_string(),
        ]);
    }
    table(doc, t);
    if !court.is_empty() {
        paragraph(
            doc,
            format!(
                "Court: {}",
                court
                    .iter()
                    .map(NaiveDate::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        );
    }
    Ok(())
}

/// One programme's participation: places held now, completed, withdrawn, waiting (referred or on the waiting
/// list), the attendance of those who held a place, and how many of them carry the violent-extremist flag.
pub(super) struct ProgrammeFigures {
    pub held: usize,
    pub completed: usize,
    pub withdrawn: usize,
    pub waiting: usize,
    pub attendance: Participation,
    pub vep: usize,
}

pub(super) fn programme_figures(store: &Store, programme_id: i64) -> Result<ProgrammeFigures> {
    let lines = store.programme_participation(programme_id)?;
    let count = |s: ReferralStatus| lines.iter().filter(|l| l.referral.status == s).count();
    let waiting = store
        .programme_referrals(programme_id, ReferralStatus::Waitlisted)?
        .len()
        + store
            .programme_referrals(programme_id, ReferralStatus::Referred)?
            .len();
    let mut attendance = Participation::default();
    for l in &lines {
        attendance.marked += l.participation.marked;
        attendance.attended += l.participation.attended;
        attendance.excused += l.participation.excused;
    }
    Ok(ProgrammeFigures {
        held: count(ReferralStatus::Allocated),
        completed: count(ReferralStatus::Completed),
        withdrawn: count(ReferralStatus::Withdrawn),
        waiting,
        attendance,
        vep: lines.iter().filter(|l| l.referral.vep).count(),
    })
}

/// By programme: places held, completed, withdrawn, waiting, and attendance of those who held a place;
/// violent-extremist participants counted only for readers allowed to see the flag.
pub(super) fn participation(store: &Store, p: &Params, doc: &mut Document) -> Result<()> {
    let facility = facility_id(store, p, doc)?;
    let programmes = store.programmes(facility, None)?;
    let mut columns = vec![
        Column::wrapped("Programme", 26),
        Column::right("Held", 5),
        Column::right("Done", 5),
        Column::right("Left", 5),
        Column::right("Wait", 5),
        Column::right("Attended", 9),
    ];
    if p.vep {
        columns.push(Column::right("VEPs", 5));
    }
    let mut t = Table::new(columns);
    let mut bars = Vec::new();
    for g in &programmes {
        let f = programme_figures(store, g.id)?;
        let mut row = vec![
            format!("{} {}", g.code, g.name),
            f.held.to_string(),
            f.completed.to_string(),
            f.withdrawn.to_string(),
            f.waiting.to_string(),
            f.attendance
                .percent()
                .map_or("-".into(), |x| format!("{x}%")),
        ];
        if p.vep {
            row.push(f.vep.to_string());
        }
        t.row(row);
        bars.push((g.code.clone(), f.completed as u64));
    }
    paragraph(
        doc,
        format!(
            "{}. Held: places now; done: completed under the programme's attendance rule; left: withdrawn. \
             Attended: share of the sessions that count (court, legal visits, lockdown and sickness do not).",
            plural(programmes.len(), "programme", "programmes")
        ),
    );
    table(doc, t);
    doc.chart = Some(Chart {
        title: "Completions by programme".into(),
        bars,
    });
    Ok(())
}
