//! warden: prison register, classification, allocation and rosters for low-resource prison services.

pub mod cli;
pub mod demo;
pub mod domain;
pub mod i18n;
pub mod print;
pub mod report;
pub mod store;
pub mod tui;
