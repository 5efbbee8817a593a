//! Reusable pieces of screens: text input, forms, selectable lists.

pub mod form;
pub mod input;
pub mod list;
