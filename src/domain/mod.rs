//! Pure rules of the prison service: no SQL, no terminal, no clock (time is always passed in).

pub mod allocate;
pub mod audit;
pub mod auth;
pub mod estate;
pub mod estate_file;
pub mod estate_plan;
pub mod forms;
pub mod invalid;
pub mod name_search;
pub mod national;
pub mod non_association;
pub mod prisoner;
pub mod register_file;
pub mod roster;
pub mod segregation;
pub mod sentence;
pub mod settings;
pub mod text;
pub mod width;
