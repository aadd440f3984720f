//! Import and export: spreadsheets in, everything out.

pub mod export;
pub mod grown_book;
pub mod import;
pub mod mapping;
pub mod table;
