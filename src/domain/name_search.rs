//! How staff find a person by name (issue 17, item 7): the words a record is found by, the words of what was typed,
//! and how well a record matches. Words in any order, each the beginning of a name part or alias; the store keeps
//! the words in its index and ranks what it reads with [`tier`].

use super::text::fold;

/// The words one name is found by, each once: the parts of its folded form (Latin letters plain, other scripts in
/// their own letters), a part written with an apostrophe or hyphen also whole ("o'neill" as "o", "neill" and
/// "oneill"), and for a name written in another script the same from its transliteration into Latin letters
/// ("Нурланов" as "нурланов" and "nurlanov").
pub fn name_words(name: &str, out: &mut Vec<String>) {
    let folded = fold(name);
    split_into(&folded, true, out);
    if !folded.is_ascii() {
        split_into(&fold(&deunicode::deunicode(&folded)), true, out);
    }
}

/// What the store's indexes hold for one person, from their names: the words of the names (family, given, the
/// Latin civil-status spellings) and of the aliases, each separated by spaces; the aliases as written, one a line,
/// to show the one a match went through; the folded text runs of letters are found in (the number, then every
/// word); the folded number; and the sort key (folded "family given").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Indexed {
    pub number: String,
    pub names: String,
    pub aliases: String,
    pub shown: String,
    pub inside: String,
    pub sort_key: String,
}

/// The parts of a record a person is found by.
pub struct Names<'a> {
    pub number: &'a str,
    pub family: &'a str,
    pub given: &'a str,
    pub latin_family: &'a str,
    pub latin_given: &'a str,
    pub aliases: &'a [String],
}

/// What the indexes hold for `n` (see [`Indexed`]).
pub fn index(n: &Names) -> Indexed {
    let mut names = Vec::new();
    for name in [n.family, n.given, n.latin_family, n.latin_given] {
        name_words(name, &mut names);
    }
    let mut aliases = Vec::new();
    for alias in n.aliases {
        name_words(alias, &mut aliases);
    }
    aliases.retain(|a| !names.contains(a));
    let number = fold(n.number);
    let mut inside = number.clone();
    for w in names.iter().chain(&aliases) {
        inside.push(' ');
        inside.push_str(w);
    }
    Indexed {
        number,
        names: names.join(" "),
        aliases: aliases.join(" "),
        shown: n.aliases.join("\n"),
        inside,
        sort_key: fold(&format!("{} {}", n.family, n.given)),
    }
}

/// The words of what was typed, folded as names are. Punctuation separates words, so "o'neill" is two words,
/// both of which must begin a word of the name.
pub fn query_words(query: &str) -> Vec<String> {
    let mut out = Vec::new();
    split_into(&fold(query), false, &mut out);
    out
}

/// Splits folded text at anything that is not a letter, digit or mark; with `joined`, a chunk between spaces that
/// punctuation splits is also kept whole without it. Adds each word once.
fn split_into(folded: &str, joined: bool, out: &mut Vec<String>) {
    let mut push = |w: String| {
        if !w.is_empty() && !out.contains(&w) {
            out.push(w);
        }
    };
    for chunk in folded.split(char::is_whitespace) {
        let mut parts = 0;
        for part in chunk.split(|c: char| !is_word_char(c)) {
            if !part.is_empty() {
                parts += 1;
                push(part.to_string());
            }
        }
        if joined && parts > 1 {
            push(chunk.chars().filter(|c| is_word_char(*c)).collect());
        }
    }
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() && !matches!(c, '\u{02B9}'..='\u{02BC}')
}

/// True when every word typed begins one of `words`.
pub fn all_begin<'a>(typed: &[String], words: impl Iterator<Item = &'a str> + Clone) -> bool {
    typed
        .iter()
        .all(|t| words.clone().any(|w| w.starts_with(t.as_str())))
}

/// How well a record matches, best first; records that do not match at all rank last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Tier {
    /// The prison number, exactly.
    Number,
    /// Every word typed is a whole word of the person's names ("ha" finds "Hà" before "Hakim").
    WholeWords,
    /// Every word typed begins a word of the names, the first one the family name ("sseb brian").
    FamilyFirst,
    /// Every word typed begins a word of the names, in any order ("brian sse").
    AnyOrder,
    /// Part of the prison number.
    PartOfNumber,
    /// Through an alias: every word typed begins a word of the names or of one alias.
    Alias,
    /// Anywhere inside a name or the number (three letters or more, a single run).
    Inside,
}

/// What is known of one record when ranking: its folded number, its sort key (folded "family given"), the words of
/// its names (family, given, the Latin civil-status spellings) and of its aliases, each separated by spaces.
pub struct Candidate<'a> {
    pub number: &'a str,
    pub sort_key: &'a str,
    pub name_words: &'a str,
    pub alias_words: &'a str,
}

/// Ranks one record for `typed` (the folded query as a whole) and `words` (its words).
pub fn tier(typed: &str, words: &[String], c: &Candidate) -> Tier {
    if c.number == typed {
        return Tier::Number;
    }
    let names = c.name_words.split(' ');
    if !words.is_empty() {
        if words.iter().all(|w| names.clone().any(|n| n == w)) {
            return Tier::WholeWords;
        }
        if all_begin(words, names.clone()) {
            return if c.sort_key.starts_with(words[0].as_str()) {
                Tier::FamilyFirst
            } else {
                Tier::AnyOrder
            };
        }
    }
    if c.number.contains(typed) {
        return Tier::PartOfNumber;
    }
    if !words.is_empty() && all_begin(words, names.chain(c.alias_words.split(' '))) {
        return Tier::Alias;
    }
    Tier::Inside
}

/// The alias a match went through, to show beside the name: the first of `aliases` whose words, with the names',
/// begin every word typed and begin at least one of them.
pub fn alias_matched<'a>(
    words: &[String],
    names: &str,
    aliases: impl Iterator<Item = &'a str>,
) -> Option<&'a str> {
    aliases.into_iter().find(|alias| {
        let mut own = Vec::new();
        name_words(alias, &mut own);
        let own_words = own.iter().map(String::as_str);
        words
            .iter()
            .any(|w| own_words.clone().any(|a| a.starts_with(w.as_str())))
            && all_begin(words, names.split(' ').chain(own_words.clone()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words_of(name: &str) -> Vec<String> {
        let mut out = Vec::new();
        name_words(name, &mut out);
        out
    }

    #[test]
    fn names_are_found_by_their_parts_in_their_own_script_and_in_latin_letters() {
        assert_eq!(words_of("Đặng Thị Hà"), ["dang", "thi", "ha"]);
        assert_eq!(words_of("Нурланов"), ["нурланов", "nurlanov"]);
        assert_eq!(words_of("O'Neill"), ["o", "neill", "oneill"]);
        assert_eq!(
            words_of("Ould-Abdallah"),
            ["ould", "abdallah", "ouldabdallah"]
        );
        assert!(words_of("مُحَمَّد").contains(&"محمد".to_string()));
        assert!(words_of("مُحَمَّد").contains(&"mhmd".to_string()));
        for (name, word) in [
            ("Łukasz", "lukasz"),
            ("Øyvind", "oyvind"),
            ("Straße", "strasse"),
            ("Ærø", "aero"),
            ("Işık", "isik"),
            ("Þór", "thor"),
        ] {
            assert_eq!(words_of(name), [word], "{name}");
        }
    }

    #[test]
    fn a_query_is_words_in_any_order() {
        assert_eq!(query_words("  Brian   SSE "), ["brian", "sse"]);
        assert_eq!(query_words("o'neill"), ["o", "neill"]);
        assert_eq!(query_words("ĐẶNG"), ["dang"]);
        assert!(query_words("\"*").is_empty());
    }

    #[test]
    fn tiers_put_whole_words_and_family_names_first() {
        let c = Candidate {
            number: "ups/muk01/2024/00010",
            sort_key: "ssebunya brian",
            name_words: "ssebunya brian",
            alias_words: "bob kato",
        };
        let rank = |q: &str| tier(&fold(q), &query_words(q), &c);
        assert_eq!(rank("UPS/MUK01/2024/00010"), Tier::Number);
        assert_eq!(rank("brian ssebunya"), Tier::WholeWords);
        assert_eq!(rank("sseb brian"), Tier::FamilyFirst);
        assert_eq!(rank("brian sse"), Tier::AnyOrder);
        assert_eq!(rank("00010"), Tier::PartOfNumber);
        assert_eq!(rank("bob sseb"), Tier::Alias);
        assert_eq!(rank("ebuny"), Tier::Inside);
        let aliases = ["Kalungi", "Bob Kato"];
        assert_eq!(
            alias_matched(&query_words("bob sseb"), c.name_words, aliases.into_iter()),
            Some("Bob Kato")
        );
        assert_eq!(
            alias_matched(&query_words("brian"), c.name_words, aliases.into_iter()),
            None
        );
    }
}
