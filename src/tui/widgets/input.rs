//! A single-line text input: the cursor moves and deletes by grapheme cluster (a letter with its accents is one
//! step), horizontal scrolling, optional masking for passwords. Characters no stored text may hold are refused
//! here as well as by the domain, so the person learns at once instead of at saving.

use crate::domain::{text, width};
use crate::tui::keymap::Action;
use std::cell::Cell;
use unicode_segmentation::{GraphemeCursor, UnicodeSegmentation};

thread_local! {
    /// Characters refused at a length limit since [`take_refused`] was last called, so that a paste cut short
    /// can say so without every screen passing the news up.
    static REFUSED: Cell<usize> = const { Cell::new(0) };
    /// The last control or text-direction character refused since [`take_refused_char`], for the same reason.
    static REFUSED_CHAR: Cell<Option<char>> = const { Cell::new(None) };
}

/// How many typed characters a length limit refused since the last call.
pub fn take_refused() -> usize {
    REFUSED.with(|r| r.replace(0))
}

/// The control or text-direction character last refused since the last call, if any.
pub fn take_refused_char() -> Option<char> {
    REFUSED_CHAR.with(|r| r.take())
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    text: String,
    /// A byte offset into `text`, always at a grapheme cluster boundary.
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
        Input {
            text: value.to_string(),
            cursor: value.len(),
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
        self.text.clone()
    }

    pub fn set(&mut self, value: &str) {
        self.text = value.to_string();
        self.cursor = self.text.len();
    }

    pub fn clear(&mut self) {
        self.set("");
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// The boundary before the cursor's cluster (or the cursor itself at the start).
    fn prev_boundary(&self) -> usize {
        GraphemeCursor::new(self.cursor, self.text.len(), true)
            .prev_boundary(&self.text, 0)
            .ok()
            .flatten()
            .unwrap_or(0)
    }

    /// The boundary after the cluster at the cursor (or the end).
    fn next_boundary(&self) -> usize {
        GraphemeCursor::new(self.cursor, self.text.len(), true)
            .next_boundary(&self.text, 0)
            .ok()
            .flatten()
            .unwrap_or(self.text.len())
    }

    fn at_boundary(&self) -> bool {
        GraphemeCursor::new(self.cursor, self.text.len(), true)
            .is_boundary(&self.text, 0)
            .unwrap_or(true)
    }

    /// Applies an editing action; returns whether it was one (so the caller knows to redraw).
    pub fn handle(&mut self, action: Action) -> bool {
        match action {
            Action::Char(c) if text::is_unsafe(c) => {
                REFUSED_CHAR.with(|r| r.set(Some(c)));
            }
            // Invisible marks that are never stored are not typed either.
            Action::Char(c) if text::is_dropped(c) => {}
            Action::Char(c) => {
                if self.text.chars().count() < self.max_chars {
                    self.text.insert(self.cursor, c);
                    self.cursor += c.len_utf8();
                    // A mark typed before a letter's accents joins them: the cursor goes after the whole letter.
                    if !self.at_boundary() {
                        self.cursor = self.next_boundary();
                    }
                } else {
                    REFUSED.with(|r| r.set(r.get() + 1));
                }
            }
            Action::Backspace if self.cursor > 0 => {
                let from = self.prev_boundary();
                self.text.replace_range(from..self.cursor, "");
                self.cursor = from;
            }
            Action::Delete if self.cursor < self.text.len() => {
                let to = self.next_boundary();
                self.text.replace_range(self.cursor..to, "");
            }
            Action::Left if self.cursor > 0 => self.cursor = self.prev_boundary(),
            Action::Right if self.cursor < self.text.len() => self.cursor = self.next_boundary(),
            Action::Home => self.cursor = 0,
            Action::End => self.cursor = self.text.len(),
            Action::ClearToStart if self.cursor > 0 => {
                self.text.replace_range(..self.cursor, "");
                self.cursor = 0;
            }
            Action::Backspace
            | Action::Delete
            | Action::Left
            | Action::Right
            | Action::ClearToStart => {}
            _ => return false,
        }
        true
    }

    /// What to draw in `width` columns and the cursor's column within it. Clusters are drawn as
    /// [`text::display`] draws them (controls and disputed emoji as a stand-in), so the view is as wide on the
    /// terminal as it is here.
    pub fn view(&self, width: usize) -> (String, usize) {
        if width == 0 {
            return (String::new(), 0);
        }
        // Each cluster as drawn, with its width, and the index of the cluster the cursor stands before.
        let mut shown: Vec<(std::borrow::Cow<'_, str>, usize)> = Vec::new();
        let mut cursor = 0;
        for (at, g) in self.text.grapheme_indices(true) {
            if at < self.cursor {
                cursor += 1;
            }
            if self.secret {
                shown.push(("*".into(), 1));
            } else {
                match width::cluster(g) {
                    width::Cluster::Agreed(w) => shown.push((g.into(), w)),
                    width::Cluster::StandIn => shown.push((width::STAND_IN.to_string().into(), 1)),
                }
            }
        }
        let cols = |from: usize, to: usize| shown[from..to].iter().map(|(_, w)| w).sum::<usize>();
        // Scroll so the cursor stays visible with a column for it; look back only as far as one screen width.
        let mut start = 0;
        if cols(0, cursor) >= width {
            start = cursor;
            while start > 0 && cols(start - 1, cursor) < width {
                start -= 1;
            }
        }
        let mut end = start;
        while end < shown.len() && cols(start, end + 1) <= width {
            end += 1;
        }
        let drawn = shown[start..end].iter().map(|(g, _)| g.as_ref()).collect();
        (drawn, cols(start, cursor))
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
        // Typed, the escape is refused; stored before that was so, it is shown as a stand-in.
        assert_eq!(typed("a\u{1b}b").view(10).0, "ab");
        assert_eq!(Input::new("a\u{1b}b").view(10).0, "a?b");
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
    fn editing_moves_by_whole_letters() {
        // "Thị Hà" decomposed: the dot and the grave are separate characters.
        let mut i = typed("Thi\u{0323} Ha\u{0300}");
        i.handle(Action::Backspace);
        assert_eq!(
            i.value(),
            "Thi\u{0323} H",
            "Backspace removes the whole letter"
        );
        i.handle(Action::Home);
        for _ in 0..3 {
            i.handle(Action::Right);
        }
        i.handle(Action::Char('x'));
        assert_eq!(
            i.value(),
            "Thi\u{0323}x H",
            "typing goes after the whole letter"
        );
        i.handle(Action::Left);
        i.handle(Action::Left);
        i.handle(Action::Delete);
        assert_eq!(i.value(), "Thx H");
        let flag = "\u{1F1FA}\u{1F1EC}";
        let mut f = typed(&format!("a{flag}b"));
        f.handle(Action::Left);
        f.handle(Action::Backspace);
        assert_eq!(f.value(), "ab", "a flag is one step");
    }

    #[test]
    fn refused_characters_are_not_typed_and_say_so() {
        take_refused_char();
        let mut i = typed("Jo\u{202E}hn\u{9b}");
        assert_eq!(i.value(), "John");
        assert_eq!(take_refused_char(), Some('\u{9b}'));
        assert_eq!(take_refused_char(), None);
        i.handle(Action::Char('\u{FEFF}'));
        i.handle(Action::Char('\u{200B}'));
        assert_eq!(i.value(), "John", "invisible marks are dropped");
        i.handle(Action::Char('\u{200D}'));
        assert_eq!(i.value(), "John\u{200D}", "joiners stay");
        assert_eq!(take_refused_char(), None);
    }

    #[test]
    fn disputed_emoji_are_viewed_as_one_stand_in() {
        let family = "\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}";
        let (shown, col) = typed(&format!("a{family}\u{1F44D}\u{1F3FD}b")).view(10);
        assert_eq!(shown, "a??b");
        assert_eq!(col, 4);
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
