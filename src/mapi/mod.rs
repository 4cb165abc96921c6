//! The MAPI-facing surface of the simulator: the constants, return codes, property values,
//! restrictions and table machinery that a MAPI client of the spooler works with.
//!
//! Everything the simulated clients and providers exchange goes through these types, with
//! the real MAPI names and header values, so a scenario or a client written against the MAPI
//! documentation reads the same here.

pub mod constants;
pub mod flags;
pub mod hresult;
pub mod notify;
pub mod props;
pub mod restriction;
pub mod table;
pub mod tags;
pub mod validate;

pub use flags::FlushFlags;
pub use hresult::{combine, HResult, MapiResult};
pub use notify::{Notifications, TableNotification};
pub use props::{EntryId, PropValue, SPropValue, SRow, SRowSet};
pub use restriction::{SPropertyRestriction, SRestriction};
pub use table::{
    hr_query_all_rows, MapiTable, SSortOrder, SSortOrderSet, TablePosition, TableView,
};
pub use validate::ValidateFlags;
