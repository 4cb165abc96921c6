//! The picture's colours, in one place so that the chart, the event strip and the legend agree.

use plotters::style::RGBColor;

/// A colour from its `0xRRGGBB` value.
pub(super) fn rgb(hex: u32) -> RGBColor {
    RGBColor((hex >> 16) as u8, (hex >> 8) as u8, hex as u8)
}

/// Series colours of the transports drawn one by one: (outbound, inbound). The inbound colours
/// are used for nothing else, which is how the dashes find their lines.
pub(super) const PALETTE: [(u32, u32); 8] = [
    (0x1f77b4, 0x6fa8d6),
    (0xff7f0e, 0xffaf6b),
    (0x9467bd, 0xb99bd9),
    (0x17becf, 0x75d9e5),
    (0x8c564b, 0xc49c95),
    (0xe377c2, 0xf2aedc),
    (0xbcbd22, 0xd9da7f),
    (0x2ca02c, 0x8fd88f),
];
/// Series colours of the transports summed into one "others" series.
pub(super) const OTHERS: (u32, u32) = (0x7f7f7f, 0xb5b5b6);
/// The inbox series.
pub(super) const INBOX: u32 = 0x222222;
/// A flush call that returned `S_OK`.
pub(super) const C_OK: u32 = 0x2c3e50;
/// A flush call that returned a warning.
pub(super) const C_WARN: u32 = 0xe67e22;
/// A flush call that returned an error; a cancelled prompt.
pub(super) const C_ERR: u32 = 0xc0392b;
/// A flush call that has not returned.
pub(super) const C_PENDING: u32 = 0x95a5a6;
/// A dial prompt, until answered.
pub(super) const C_PROMPT: u32 = 0xf1a208;
/// The moment a line connected.
pub(super) const C_CONNECT: u32 = 0x1e8449;
/// A line that is up.
pub(super) const C_LINE_UP: u32 = 0xb7e4c7;
/// A line that is dialling.
pub(super) const C_DIALLING: u32 = 0x7f8c8d;
/// Flush calls shaded behind the chart, and the busy part shaded on the whole-run panel.
pub(super) const C_FLUSH_SHADE: u32 = 0x5b7fa6;
/// Text.
pub(super) const C_TEXT: u32 = 0x333333;
/// Secondary text.
pub(super) const C_MUTED: u32 = 0x777777;
