//! The pictures' colours, in one place so that panels, the event strip, the legend and the sweep
//! charts agree.

/// Series colours, one per transport (or per line of a sweep chart): (main, light). The light
/// one draws the mail waiting at a transport's remote end, and a sweep chart's min–max band.
pub(crate) const PALETTE: [(&str, &str); 8] = [
    ("#1f77b4", "#6fa8d6"),
    ("#e8710a", "#f6a55f"),
    ("#7b4fb0", "#b39ad6"),
    ("#12939a", "#6cc3c8"),
    ("#8c564b", "#c49c95"),
    ("#c2459e", "#e79ccf"),
    ("#8d8f12", "#c4c56a"),
    ("#2c8c2c", "#8fd08f"),
];

/// The colours of series `i`, cycling through [`PALETTE`].
pub(crate) fn series_color(i: usize) -> (&'static str, &'static str) {
    PALETTE[i % PALETTE.len()]
}

/// Series colours of the transports summed into one "others" panel.
pub(crate) const OTHERS: (&str, &str) = ("#6f6f6f", "#b5b5b6");
/// The inbox line.
pub(crate) const INBOX: &str = "#222222";
/// A flush call that returned `S_OK`.
pub(crate) const C_OK: &str = "#2c3e50";
/// A flush call that returned a warning.
pub(crate) const C_WARN: &str = "#e67e22";
/// A flush call that returned an error; a cancelled prompt; a fault.
pub(crate) const C_ERR: &str = "#c0392b";
/// A flush call that has not returned; a prompt nobody answered.
pub(crate) const C_PENDING: &str = "#95a5a6";
/// A dial prompt, until answered.
pub(crate) const C_PROMPT: &str = "#f1a208";
/// The moment a line connected.
pub(crate) const C_CONNECT: &str = "#1e8449";
/// A line that is up.
pub(crate) const C_LINE_UP: &str = "#9fd8b4";
/// A line that is dialling.
pub(crate) const C_DIALLING: &str = "#7f8c8d";
/// The shown part of the run on the whole-run panel.
pub(crate) const C_SHADE: &str = "#5b7fa6";
/// Text.
pub(crate) const C_TEXT: &str = "#333333";
/// Secondary text.
pub(crate) const C_MUTED: &str = "#707070";
/// Axis lines.
pub(crate) const C_AXIS: &str = "#888888";
/// Grid lines.
pub(crate) const C_GRID: &str = "#e6e6e6";
/// The event strip's background.
pub(crate) const C_STRIP: &str = "#f5f5f5";
