//! A single-line text input: Unicode-aware cursor, horizontal scrolling, optional masking for passwords.

use crate::domain::text;
use crate::tui::keymap::Action;
use std::cell::Cell;

thread_local! {
    /// Characters refused at a length limit since [`take_refused`] was last called, so that a paste cut short
    /// can say so without every screen passing the news up.
    static REFUSED: Cell<usize> = const { Cell::new(0) };
}

/// How many typed characters a length limit refused since the last call.
pub fn take_refused() -> usize {
    REFUSED.with(|r| r.replace(0))
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    chars: Vec<char>,
    cursor: usize,
    pub secret: bool,
    /// Longest text accepted, in characters; typing beyond it is ignored rather than lost silently later.
    pub max_chars: usize,
}

/// An empty input that takes typing (a derived default would have a length limit of 0 and ignore every key).
impl Default for Input {
    fn default() -> Input {
        Input::new("")
    }
}

impl Input {
    pub fn new(value: &str) -> Input {
        let chars: Vec<char> = value.chars().collect();
        Input {
            cursor: chars.len(),
            chars,
            secret: false,
            max_chars: 2000,
        }
    }

    pub fn secret() -> Input {
        Input {
            secret: true,
            ..Input::new("")
        }
    }

    pub fn value(&self) -> String {
        self.chars.iter().collect()
    }

    pub fn set(&mut self, value: &str) {
        self.chars = value.chars().collect();
        self.cursor = self.chars.len();
    }

    pub fn clear(&mut self) {
        self.set("");
    }

    pub fn is_empty(&self) -> bool {
        self.chars.is_empty()
    }

    /// Applies an editing action; returns whether it was one (so the caller knows to redraw).
    pub fn handle(&mut self, action: Action) -> bool {
        match action {
            Action::Char(c) => {
                if self.chars.len() < self.max_chars {
                    self.chars.insert(self.cursor, c);
                    self.cursor += 1;
                } else {
                    REFUSED.with(|r| r.set(r.get() + 1));
                }
            }
            Action::Backspace if self.cursor > 0 => {
                self.cursor -= 1;
                self.chars.remove(self.cursor);
            }
            Action::Delete if self.cursor < self.chars.len() => {
                self.chars.remove(self.cursor);
            }
            Action::Left if self.cursor > 0 => self.cursor -= 1,
            Action::Right if self.cursor < self.chars.len() => self.cursor += 1,
            Action::Home => self.cursor = 0,
            Action::End => self.cursor = self.chars.len(),
            Action::Backspace | Action::Delete | Action::Left | Action::Right => {}
            _ => return false,
        }
        true
    }

    /// What to draw in `width` columns and the cursor's column within it. Control characters are shown as '?'.
    pub fn view(&self, width: usize) -> (String, usize) {
        if width == 0 {
            return (String::new(), 0);
        }
        let shown: Vec<char> = if self.secret {
            vec!['*'; self.chars.len()]
        } else {
            text::display(&self.value()).chars().collect()
        };
        // Widths of whole runs, not sums of characters: "❤\u{fe0f}" is two columns though each part is not.
        let cols =
            |from: usize, to: usize| text::width(&shown[from..to].iter().collect::<String>());
        // Scroll so the cursor stays visible with a column for it; look back only as far as one screen width.
        let mut start = 0;
        if cols(0, self.cursor) >= width {
            start = self.cursor;
            while start > 0 && cols(start - 1, self.cursor) < width {
                start -= 1;
            }
        }
        let mut end = start;
        while end < shown.len() && cols(start, end + 1) <= width {
            end += 1;
        }
        (shown[start..end].iter().collect(), cols(start, self.cursor))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(s: &str) -> Input {
        let mut i = Input::new("");
        for c in s.chars() {
            i.handle(Action::Char(c));
        }
        i
    }

    #[test]
    fn typing_editing_and_cursor_movement() {
        let mut i = typed("Okelo");
        i.handle(Action::Left);
        i.handle(Action::Char('l'));
        assert_eq!(i.value(), "Okello");
        i.handle(Action::Home);
        i.handle(Action::Delete);
        assert_eq!(i.value(), "kello");
        i.handle(Action::End);
        i.handle(Action::Backspace);
        assert_eq!(i.value(), "kell");
    }

    #[test]
    fn secrets_are_masked_and_control_characters_shown_safely() {
        let mut s = typed("pa55");
        s.secret = true;
        assert_eq!(s.view(10).0, "****");
        assert_eq!(typed("a\u{1b}b").view(10).0, "a?b");
    }

    #[test]
    fn long_text_scrolls_to_keep_the_cursor_in_view() {
        let i = typed("abcdefghijklmnopqrstuvwxyz");
        let (shown, col) = i.view(10);
        assert!(shown.ends_with('z'));
        assert!(col < 10);
        let wide = typed("日本語日本語日本語");
        let (shown, col) = wide.view(6);
        assert!(text::width(&shown) <= 6);
        assert!(col <= 6);
    }

    #[test]
    fn a_default_input_takes_typing() {
        let mut i = Input::default();
        i.handle(Action::Char('x'));
        assert_eq!(i.value(), "x");
    }

    #[test]
    fn the_length_limit_holds() {
        let mut i = Input::new("");
        i.max_chars = 3;
        for c in "abcdef".chars() {
            i.handle(Action::Char(c));
        }
        assert_eq!(i.value(), "abc");
        assert_eq!(take_refused(), 3, "each refused character is counted");
        assert_eq!(take_refused(), 0);
    }
}
