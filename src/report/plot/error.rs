//! Why a plot could not be made.

use super::window::WindowError;

/// Why a plot could not be made.
#[derive(Debug, thiserror::Error)]
pub enum PlotError {
    /// Writing the file failed.
    #[error("cannot write the plot: {0}")]
    Io(#[from] std::io::Error),
    /// The window asked for does not fit the run.
    #[error("--plot-window {0}")]
    Window(#[from] WindowError),
}
