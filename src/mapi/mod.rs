//! The MAPI-facing surface.

pub mod flags;
pub mod hresult;

pub use flags::FlushFlags;
pub use hresult::HResult;
