//! The help popup: what the screen beneath is for, its own keys with the words its footer uses, and the keys
//! that work everywhere, all drawn from the key-binding table.

use super::{Ctx, Outcome, Screen};
use crate::tui::keymap::{Action, BINDINGS, Scope};
use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

pub struct HelpScreen {
    about: String,
    text: String,
    scope: Scope,
    /// The screen's own actions with its words for them; empty lists every binding.
    own: Vec<(Action, &'static str)>,
    scroll: u16,
}

/// Keys that work on every screen, listed after a screen's own.
const EVERYWHERE: &[Action] = &[
    Action::Help,
    Action::Back,
    Action::Search,
    Action::Messages,
    Action::Logout,
    Action::Quit,
    Action::Redraw,
];

/// Keys that come with a key the screen offers: a list that moves with Down also moves with Up and the page
/// keys; a form that saves with F2 also moves between fields with Tab. Only these are listed, so every key the
/// help shows does something on that screen (issue 18, item 6).
const COMPANIONS: &[(&[Action], &[Action])] = &[
    (
        &[Action::Up, Action::Down, Action::PageUp, Action::PageDown],
        &[
            Action::Up,
            Action::Down,
            Action::PageUp,
            Action::PageDown,
            Action::Home,
            Action::End,
        ],
    ),
    (
        &[Action::NextField, Action::PrevField, Action::Save],
        &[
            Action::NextField,
            Action::PrevField,
            Action::Save,
            Action::ClearToStart,
        ],
    ),
    (
        &[Action::Left, Action::Right],
        &[Action::Left, Action::Right],
    ),
];

impl HelpScreen {
    pub fn for_screen(screen: Option<&dyn Screen>, role: crate::domain::auth::Role) -> HelpScreen {
        match screen {
            Some(s) => HelpScreen {
                about: s.title(),
                text: s.help(),
                scope: s.scope(),
                own: crate::tui::app::offered_footer(s, role)
                    .into_iter()
                    .map(|a| (a, s.footer_word(a)))
                    .collect(),
                scroll: 0,
            },
            None => HelpScreen {
                about: "warden".into(),
                text: String::new(),
                scope: Scope::Browse,
                own: Vec::new(),
                scroll: 0,
            },
        }
    }

    fn key_lines(&self, theme: &Theme) -> Vec<Line<'static>> {
        // One entry per action, listing every key bound to it in this scope: the screen's own first, in its
        // words, then the keys that work everywhere.
        let listed: Vec<(Action, &'static str)> = if self.own.is_empty() {
            BINDINGS
                .iter()
                .map(|b| (b.action, b.action.describe()))
                .collect()
        } else {
            let own: Vec<Action> = self.own.iter().map(|(a, _)| *a).collect();
            let companions = COMPANIONS
                .iter()
                .filter(|(any_of, _)| any_of.iter().any(|a| own.contains(a)))
                .flat_map(|(_, with)| with.iter());
            self.own
                .iter()
                .copied()
                .chain(
                    companions
                        .chain(EVERYWHERE.iter())
                        .map(|a| (*a, a.describe())),
                )
                .collect()
        };
        let mut seen: Vec<Action> = Vec::new();
        let mut cells = Vec::new();
        for (action, word) in listed {
            if seen.contains(&action) {
                continue;
            }
            let keys: Vec<&str> = BINDINGS
                .iter()
                .filter(|o| o.action == action && (o.scope == Scope::Any || o.scope == self.scope))
                .map(|o| o.label)
                .collect();
            if keys.is_empty() {
                continue;
            }
            seen.push(action);
            cells.push((keys.join("/"), word));
        }
        // Three columns so the whole table fits at 80x24 as it grows.
        let third = cells.len().div_ceil(3);
        (0..third)
            .map(|i| {
                let mut spans = Vec::new();
                for (k, w) in [cells.get(i), cells.get(i + third), cells.get(i + 2 * third)]
                    .into_iter()
                    .flatten()
                {
                    spans.push(Span::styled(format!("{k:<8}"), theme.key()));
                    spans.push(Span::raw(format!("{w:<18}")));
                }
                Line::from(spans)
            })
            .collect()
    }
}

impl Screen for HelpScreen {
    fn title(&self) -> String {
        format!("Help: {}", self.about)
    }

    fn footer(&self) -> Vec<Action> {
        vec![Action::Back, Action::PageDown]
    }

    fn help(&self) -> String {
        crate::i18n::t_args("help-help", &crate::tui::keymap::key_args(self.scope()))
    }

    fn is_popup(&self) -> bool {
        true
    }

    fn is_help(&self) -> bool {
        true
    }

    fn handle(&mut self, action: Action, _ctx: &mut Ctx) -> Outcome {
        match action {
            Action::Back | Action::Select | Action::Help => Outcome::Pop,
            Action::Down | Action::PageDown => {
                self.scroll = self.scroll.saturating_add(5);
                Outcome::Handled
            }
            Action::Up | Action::PageUp => {
                self.scroll = self.scroll.saturating_sub(5);
                Outcome::Handled
            }
            _ => Outcome::Ignored,
        }
    }

    fn render(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let block = Block::default()
            .borders(Borders::ALL)
            .border_set(theme.border())
            .title(format!(
                " Help: {} ",
                crate::domain::text::display(&self.about)
            ));
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let mut lines = Vec::new();
        if !self.text.is_empty() {
            lines.push(Line::from(self.text.clone()));
            lines.push(Line::from(""));
        }
        lines.push(Line::from(Span::styled("Keys", theme.heading())));
        lines.extend(self.key_lines(theme));
        lines.push(Line::from(""));
        lines.push(Line::from(
            "Letter keys work when no text field has the focus; F-keys work everywhere.",
        ));
        frame.render_widget(
            Paragraph::new(lines)
                .wrap(Wrap { trim: false })
                .scroll((self.scroll, 0)),
            inner,
        );
    }
}
