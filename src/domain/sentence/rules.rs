//! The country's release rules: whether the prison deducts time on remand, and what remission the law grants.
//! Kept as two station settings; the shipped presets cite their sources in docs/SENTENCES.md, and where a source
//! is not certain the preset grants nothing (a later, lawful date is corrected by a court order; an invented
//! earlier one would be worse).

use serde::{Deserialize, Serialize};

/// Whether the prison takes days on remand off the sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RemandCredit {
    /// The prison deducts nothing: either the law grants no credit, or the court has already taken remand into
    /// account in the term it passed (Uganda: Constitution Art. 23(8)), so deducting it again would count it
    /// twice.
    None,
    /// Each day in custody on the case before sentence comes off the term.
    DayForDay,
}

/// A share of the term that comes off for good conduct, for terms longer than `min_term_days`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Remission {
    pub numerator: u32,
    pub denominator: u32,
    pub min_term_days: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReleaseRules {
    pub remand_credit: RemandCredit,
    pub remission: Option<Remission>,
}

impl ReleaseRules {
    /// Nothing deducted: the rules of a station whose service has not set its own.
    pub const NONE: ReleaseRules = ReleaseRules {
        remand_credit: RemandCredit::None,
        remission: None,
    };

    /// The shipped default for a country (the demo profiles' names), with its sources in docs/SENTENCES.md.
    pub fn preset(country: &str) -> ReleaseRules {
        match country {
            // Prisons Act 2006: a third off for industry and good conduct, for terms over one month; remand is
            // already allowed for by the sentencing court (Constitution Art. 23(8)).
            "uganda" => ReleaseRules {
                remand_credit: RemandCredit::None,
                remission: Some(Remission {
                    numerator: 1,
                    denominator: 3,
                    min_term_days: 31,
                }),
            },
            // Kazakhstan and Tunisia: release before the end of the term is by a court (parole) or by pardon,
            // not by arithmetic; whether and how the prison credits remand is not certain here. None by default.
            _ => ReleaseRules::NONE,
        }
    }

    pub fn remand_credit_text(&self) -> &'static str {
        match self.remand_credit {
            RemandCredit::None => "none",
            RemandCredit::DayForDay => "day-for-day",
        }
    }

    pub fn remission_text(&self) -> String {
        match self.remission {
            None => "none".into(),
            Some(r) => format!("{}/{} over {}", r.numerator, r.denominator, r.min_term_days),
        }
    }

    pub fn parse_remand_credit(s: &str) -> Result<RemandCredit, String> {
        match s.trim().to_lowercase().as_str() {
            "none" | "" => Ok(RemandCredit::None),
            "day-for-day" => Ok(RemandCredit::DayForDay),
            other => Err(format!("remand credit '{other}': use none or day-for-day")),
        }
    }

    /// Reads "none" or "N/D over DAYS" (DAYS may be left out: 0).
    pub fn parse_remission(s: &str) -> Result<Option<Remission>, String> {
        let s = s.trim().to_lowercase();
        if s.is_empty() || s == "none" {
            return Ok(None);
        }
        let bad = || format!("remission '{s}': use none or a fraction such as '1/3 over 30'");
        let (fraction, min) = match s.split_once("over") {
            Some((f, m)) => (f.trim(), m.trim().parse::<u32>().map_err(|_| bad())?),
            None => (s.as_str(), 0),
        };
        let (n, d) = fraction.split_once('/').ok_or_else(bad)?;
        let numerator: u32 = n.trim().parse().map_err(|_| bad())?;
        let denominator: u32 = d.trim().parse().map_err(|_| bad())?;
        if denominator == 0 || numerator >= denominator {
            return Err(bad());
        }
        Ok(Some(Remission {
            numerator,
            denominator,
            min_term_days: min,
        }))
    }
}
