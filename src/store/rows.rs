//! Reading the store's own words, dates and times back out of rows, with a conversion error naming the column
//! when a value is not one this program wrote.

use chrono::{NaiveDate, NaiveTime};

fn bad(idx: usize, what: String) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(idx, rusqlite::types::Type::Text, what.into())
}

/// A `word_enum!` value.
pub(crate) fn word<T>(
    parse: fn(&str) -> Option<T>,
    idx: usize,
    r: &rusqlite::Row,
) -> rusqlite::Result<T> {
    let s: String = r.get(idx)?;
    parse(&s).ok_or_else(|| bad(idx, format!("unexpected '{s}'")))
}

pub(crate) fn date(idx: usize, r: &rusqlite::Row) -> rusqlite::Result<NaiveDate> {
    let s: String = r.get(idx)?;
    parse_date(&s).ok_or_else(|| bad(idx, format!("'{s}' is not a date")))
}

pub(crate) fn opt_date(idx: usize, r: &rusqlite::Row) -> rusqlite::Result<Option<NaiveDate>> {
    let s: Option<String> = r.get(idx)?;
    s.map(|s| parse_date(&s).ok_or_else(|| bad(idx, format!("'{s}' is not a date"))))
        .transpose()
}

pub(crate) fn time(idx: usize, r: &rusqlite::Row) -> rusqlite::Result<NaiveTime> {
    let s: String = r.get(idx)?;
    NaiveTime::parse_from_str(&s, "%H:%M").map_err(|_| bad(idx, format!("'{s}' is not a time")))
}

pub(crate) fn parse_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

/// A JSON column holding a list (`["a","b"]`); empty when absent or unreadable.
pub(crate) fn json_list<T: serde::de::DeserializeOwned>(text: Option<String>) -> Vec<T> {
    text.and_then(|j| serde_json::from_str(&j).ok())
        .unwrap_or_default()
}
