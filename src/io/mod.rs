//! Import and export: spreadsheets in, everything out.

pub mod decoding;
pub mod export;
pub mod grown_book;
pub mod import;
pub mod mapping;
pub mod sheet;
pub mod table;
pub mod vcard;
pub mod workbook;
