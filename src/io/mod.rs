//! Import and export: spreadsheets in, everything out.

pub mod export;
pub mod import;
pub mod mapping;
pub mod table;
