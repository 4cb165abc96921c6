//! Why a plot could not be made.

/// Why a plot could not be made.
#[derive(Debug, thiserror::Error)]
pub enum PlotError {
    /// Writing the file failed.
    #[error("cannot write the plot: {0}")]
    Io(#[from] std::io::Error),
    /// The drawing library refused to draw.
    #[error("cannot draw the plot: {0}")]
    Draw(String),
}

/// A drawing library error as a [`PlotError`].
pub(super) fn draw_err<E: std::fmt::Display>(e: E) -> PlotError {
    PlotError::Draw(e.to_string())
}
