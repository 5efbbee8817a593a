//! Prison-number patterns: how a service shapes its numbers, to check them and to propose the next one.

/// A service's prison-number shape, e.g. `UG/{YYYY}/{SEQ:6}`: literal text, `{YYYY}` the admission year,
/// `{FAC}` the facility code, `{SEQ:n}` an n-digit running number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberPattern {
    parts: Vec<PatternPart>,
    source: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum PatternPart {
    Literal(String),
    Year,
    Facility,
    Seq(usize),
}

impl NumberPattern {
    pub fn parse(source: &str) -> Result<NumberPattern, String> {
        let mut parts = Vec::new();
        let mut rest = source;
        while let Some(open) = rest.find('{') {
            if open > 0 {
                parts.push(PatternPart::Literal(rest[..open].to_string()));
            }
            let close = rest[open..]
                .find('}')
                .ok_or_else(|| format!("number pattern '{source}': '{{' without '}}'"))?
                + open;
            let token = &rest[open + 1..close];
            parts.push(match token {
                "YYYY" => PatternPart::Year,
                "FAC" => PatternPart::Facility,
                t if t.starts_with("SEQ:") => match t[4..].parse::<usize>() {
                    Ok(n) if (1..=12).contains(&n) => PatternPart::Seq(n),
                    _ => {
                        return Err(format!(
                            "number pattern '{source}': {{{t}}} needs 1 to 12 digits"
                        ));
                    }
                },
                t => return Err(format!("number pattern '{source}': unknown part {{{t}}}")),
            });
            rest = &rest[close + 1..];
        }
        if !rest.is_empty() {
            parts.push(PatternPart::Literal(rest.to_string()));
        }
        if !parts.iter().any(|p| matches!(p, PatternPart::Seq(_))) {
            return Err(format!("number pattern '{source}': needs a {{SEQ:n}} part"));
        }
        Ok(NumberPattern {
            parts,
            source: source.to_string(),
        })
    }

    pub fn source(&self) -> &str {
        &self.source
    }

    pub fn format(&self, year: i32, facility_code: &str, seq: u64) -> String {
        self.parts
            .iter()
            .map(|p| match p {
                PatternPart::Literal(s) => s.clone(),
                PatternPart::Year => format!("{year:04}"),
                PatternPart::Facility => facility_code.to_string(),
                PatternPart::Seq(n) => format!("{seq:0n$}", n = *n),
            })
            .collect()
    }

    /// Checks a number against the shape; facility codes may be any run of letters, digits and '-'.
    pub fn check(&self, number: &str) -> Result<(), String> {
        if matches(&self.parts, number) {
            Ok(())
        } else {
            Err(format!(
                "'{}' does not fit the pattern {}",
                crate::domain::text::display(number),
                self.example()
            ))
        }
    }

    fn example(&self) -> String {
        format!("{} (e.g. {})", self.source, self.format(2026, "FAC", 1))
    }
}

fn matches(parts: &[PatternPart], s: &str) -> bool {
    let Some((first, rest)) = parts.split_first() else {
        return s.is_empty();
    };
    match first {
        PatternPart::Literal(l) => s.strip_prefix(l.as_str()).is_some_and(|r| matches(rest, r)),
        PatternPart::Year => {
            s.len() >= 4
                && s.as_bytes()[..4].iter().all(u8::is_ascii_digit)
                && matches(rest, &s[4..])
        }
        PatternPart::Seq(n) => {
            s.len() >= *n
                && s.as_bytes()[..*n].iter().all(u8::is_ascii_digit)
                && matches(rest, &s[*n..])
        }
        PatternPart::Facility => (1..=s.len()).any(|i| {
            s.is_char_boundary(i)
                && s[..i]
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-')
                && matches(rest, &s[i..])
        }),
    }
}
