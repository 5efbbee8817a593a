//! Pure rules of the prison service: no SQL, no terminal, no clock (time is always passed in).

pub mod auth;
pub mod estate;
pub mod estate_file;
pub mod estate_plan;
pub mod prisoner;
pub mod text;
