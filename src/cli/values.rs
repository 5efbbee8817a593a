//! The command line's names for values that live elsewhere (reports, print formats, paper): clap's `ValueEnum`
//! for them here, so `report` and `print` do not depend on the argument parser, and each value's help comes
//! from the message catalogue.

use crate::i18n::t;
use crate::print::{Format, Paper};
use crate::report::{self, national};
use clap::ValueEnum;
use clap::builder::PossibleValue;

/// A value as clap shows it: its name on the command line and its help from the catalogue (`cli-<group>-<name>`).
fn value(group: &str, name: &'static str) -> Option<PossibleValue> {
    Some(PossibleValue::new(name).help(t(&format!("cli-{group}-{name}"))))
}

impl ValueEnum for report::Kind {
    fn value_variants<'a>() -> &'a [Self] {
        &report::Kind::EVERY
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        value("report", self.as_str())
    }
}

impl ValueEnum for national::Kind {
    fn value_variants<'a>() -> &'a [Self] {
        &national::Kind::ALL
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        value("national", self.as_str())
    }
}

impl ValueEnum for Format {
    fn value_variants<'a>() -> &'a [Self] {
        &Format::ALL
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        value("format", self.as_str())
    }
}

impl ValueEnum for Paper {
    fn value_variants<'a>() -> &'a [Self] {
        &Paper::ALL
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        value("paper", self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every value has its help in the catalogue (a missing key would show the key itself) and parses back.
    #[test]
    fn every_value_has_help_and_round_trips() {
        fn check<T: ValueEnum + PartialEq + std::fmt::Debug>() {
            for v in T::value_variants() {
                let p = v.to_possible_value().unwrap();
                let help = p.get_help().unwrap().to_string();
                assert!(!help.starts_with("cli-"), "no help for {}", p.get_name());
                assert_eq!(&T::from_str(p.get_name(), false).unwrap(), v);
            }
        }
        check::<report::Kind>();
        check::<national::Kind>();
        check::<Format>();
        check::<Paper>();
    }
}
