//! The terminal interface: event loop, screens, key map and theme.

use anyhow::Result;

use crate::store::Store;

/// How to draw: colour or monochrome, Unicode or ASCII borders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DisplayOptions {
    pub mono: bool,
    pub ascii: bool,
}

impl DisplayOptions {
    pub fn from_env(mono_flag: bool) -> DisplayOptions {
        let term = std::env::var("TERM").unwrap_or_default();
        let plain_term = matches!(
            term.as_str(),
            "vt100" | "vt102" | "vt220" | "linux" | "dumb" | ""
        );
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let lang = ["LC_ALL", "LC_CTYPE", "LANG"]
            .iter()
            .find_map(|k| std::env::var(k).ok().filter(|v| !v.is_empty()))
            .unwrap_or_default()
            .to_uppercase();
        let utf8 = lang.contains("UTF-8") || lang.contains("UTF8");
        DisplayOptions {
            mono: mono_flag || no_color || plain_term,
            ascii: mono_flag || plain_term || !utf8,
        }
    }
}

pub fn run(_store: Store, _display: DisplayOptions) -> Result<()> {
    anyhow::bail!("the TUI is being built")
}
