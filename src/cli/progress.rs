//! The progress line of long commands (import, its undo, export, a person's file): counts and time left on a
//! terminal through indicatif, nothing at all in scripts and cron (standard error not a terminal).

use std::io::IsTerminal;

pub(crate) struct Progress {
    bar: Option<indicatif::ProgressBar>,
}

impl Progress {
    /// A line saying `what` (a message key) and how many `unit`s (a message key: "rows", "people") are done.
    pub(crate) fn new(what: &str, unit: &str) -> Progress {
        Progress::on(std::io::stderr().is_terminal(), what, unit)
    }

    fn on(terminal: bool, what: &str, unit: &str) -> Progress {
        let bar = terminal.then(|| {
            let template = format!(
                "{{msg}} {{pos}}/{{len}} {}, {}",
                crate::i18n::t(unit),
                crate::i18n::t("progress-left")
            );
            let bar = indicatif::ProgressBar::new(0);
            bar.set_style(
                indicatif::ProgressStyle::with_template(&template)
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            bar.set_message(crate::i18n::t(what));
            bar
        });
        Progress { bar }
    }

    /// A line of stages for work without a count of its own (the demo): each stage's words, with how long the
    /// whole has taken so far; nothing in scripts.
    pub(crate) fn stages() -> Progress {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = indicatif::ProgressBar::new_spinner();
            bar.set_style(
                indicatif::ProgressStyle::with_template("{msg} ({elapsed})")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
            );
            bar.enable_steady_tick(std::time::Duration::from_secs(1));
            bar
        });
        Progress { bar }
    }

    /// The words of the stage reached (already in the user's language).
    pub(crate) fn say(&self, words: String) {
        if let Some(bar) = &self.bar {
            bar.set_message(words);
        }
    }

    pub(crate) fn show(&self, done: usize, total: usize) {
        if let Some(bar) = &self.bar {
            bar.set_length(total as u64);
            bar.set_position(done as u64);
        }
    }

    pub(crate) fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_template_from_the_catalogue_is_one_indicatif_accepts() {
        let template = format!(
            "{{msg}} {{pos}}/{{len}} {}, {}",
            crate::i18n::t("progress-rows"),
            crate::i18n::t("progress-left")
        );
        assert!(
            indicatif::ProgressStyle::with_template(&template).is_ok(),
            "{template}"
        );
        assert!(template.contains("{eta}"), "{template}");
    }

    #[test]
    fn off_a_terminal_there_is_no_line() {
        let p = Progress::on(false, "import-progress", "progress-rows");
        assert!(p.bar.is_none());
        p.show(5, 10);
        p.finish();
    }
}
