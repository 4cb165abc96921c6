//! The MAPI-facing surface.
