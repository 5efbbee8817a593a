//! PDF on A4 or Letter through krilla, with DejaVu Sans embedded (subset) so Latin, Cyrillic and Arabic names
//! print and stay searchable and copyable. The page is the text layout's 80-column grid: each span is drawn at its
//! column, measured with the font's own advances and narrowed if a proportional glyph run would overrun it.

use super::layout::{self, Line, Span};
use super::{Align, Document, Paper, PrintError};
use krilla::geom::{PathBuilder, Point};
use krilla::page::PageSettings;
use krilla::paint::Stroke;
use krilla::text::{Font, GlyphId, KrillaGlyph, TextDirection};
use std::collections::HashMap;

/// DejaVu Sans 2.37 cut to the scripts a register holds (Latin, Greek, Cyrillic, Armenian, Hebrew, Arabic,
/// Georgian; see assets/fonts/README.md), under the Bitstream Vera licence (assets/fonts/DejaVuSans-LICENSE.txt),
/// so no name falls back to empty boxes and the binary grows by 265 KB rather than 760 KB.
pub static FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-subset.ttf");

const MARGIN: f32 = 36.0;
const FONT_SIZE: f32 = 9.0;
const LINE_HEIGHT: f32 = 11.0;

impl Paper {
    /// Width and height in points.
    pub fn size(self) -> (f32, f32) {
        match self {
            Paper::A4 => (595.28, 841.89),
            Paper::Letter => (612.0, 792.0),
        }
    }

    /// Lines of text a page holds, header included.
    pub fn lines(self) -> usize {
        let (_, h) = self.size();
        ((h - 2.0 * MARGIN) / LINE_HEIGHT) as usize
    }
}

/// Glyphs and advance widths from the font's own tables, cached per character.
struct Metrics<'a> {
    face: ttf_parser::Face<'a>,
    per_em: f32,
    cache: HashMap<char, (Option<u16>, f32)>,
}

impl Metrics<'_> {
    fn glyph(&mut self, c: char) -> (Option<u16>, f32) {
        let face = &self.face;
        *self.cache.entry(c).or_insert_with(|| {
            let id = face.glyph_index(c);
            let advance = id
                .and_then(|g| face.glyph_hor_advance(g))
                .map_or(0.0, f32::from);
            (id.map(|g| g.0), advance)
        })
    }

    /// Width of `s` at `size` points.
    fn width(&mut self, s: &str, size: f32) -> f32 {
        let units: f32 = s.chars().map(|c| self.glyph(c).1).sum();
        units * size / self.per_em
    }

    /// One glyph per character, without shaping, when every character is left-to-right, needs no joining or
    /// mark placement, and is in the font: most cells (numbers, dates, Latin and Cyrillic names). Shaping
    /// parses the font's layout tables on every call, so this keeps a thousand-row PDF well inside its budget.
    fn unshaped(&mut self, s: &str) -> Option<Vec<KrillaGlyph>> {
        let mut glyphs = Vec::with_capacity(s.len());
        for (at, c) in s.char_indices() {
            let plain = matches!(u32::from(c), 0x20..=0x2FF | 0x370..=0x482 | 0x48A..=0x52F | 0x2010..=0x20CF);
            let (Some(id), advance) = self.glyph(c) else {
                return None;
            };
            if !plain {
                return None;
            }
            glyphs.push(KrillaGlyph::new(
                GlyphId::new(u32::from(id)),
                advance / self.per_em,
                0.0,
                0.0,
                0.0,
                at..at + c.len_utf8(),
                None,
            ));
        }
        Some(glyphs)
    }
}

/// The document as PDF bytes, on `paper`.
pub fn render(doc: &Document, paper: Paper) -> Result<Vec<u8>, PrintError> {
    let font = Font::new(FONT.into(), 0)
        .ok_or_else(|| PrintError::Render("the embedded font cannot be read".into()))?;
    let face = ttf_parser::Face::parse(FONT, 0).map_err(|e| PrintError::Render(e.to_string()))?;
    let mut metrics = Metrics {
        per_em: f32::from(face.units_per_em()),
        face,
        cache: HashMap::new(),
    };
    let (w, h) = paper.size();
    let column = (w - 2.0 * MARGIN) / super::WIDTH as f32;
    let settings =
        PageSettings::from_wh(w, h).ok_or_else(|| PrintError::Render("paper of no size".into()))?;
    let mut pdf = krilla::Document::new();
    pdf.set_metadata(
        krilla::metadata::Metadata::new()
            .title(doc.title.clone())
            .creator("warden".into()),
    );
    for page in layout::pages(doc, paper.lines()) {
        let mut p = pdf.start_page_with(settings.clone());
        let mut surface = p.surface();
        for (i, line) in page.lines.iter().enumerate() {
            let baseline = MARGIN + LINE_HEIGHT * (i as f32 + 1.0) - 2.0;
            match line {
                Line::Rule(c) => {
                    let y = baseline - FONT_SIZE / 3.0;
                    let mut path = PathBuilder::new();
                    path.move_to(MARGIN, y);
                    path.line_to(w - MARGIN, y);
                    if let Some(path) = path.finish() {
                        surface.set_fill(None);
                        surface.set_stroke(Some(Stroke {
                            width: if *c == '=' { 1.0 } else { 0.4 },
                            ..Stroke::default()
                        }));
                        surface.draw_path(&path);
                        surface.set_stroke(None);
                    }
                }
                Line::Text(spans) => {
                    surface.set_fill(Some(krilla::paint::Fill::default()));
                    for span in spans {
                        draw_span(&mut surface, &font, &mut metrics, span, column, baseline);
                    }
                }
            }
        }
        surface.finish();
        p.finish();
    }
    pdf.finish()
        .map_err(|e| PrintError::Render(format!("PDF: {e:?}")))
}

fn draw_span(
    surface: &mut krilla::surface::Surface,
    font: &Font,
    metrics: &mut Metrics,
    span: &Span,
    column: f32,
    baseline: f32,
) {
    if span.text.trim().is_empty() {
        return;
    }
    let room = span.width as f32 * column;
    let natural = metrics.width(&span.text, FONT_SIZE);
    // A run of wide capitals can be wider than its columns in a proportional face: draw it smaller, never over
    // the next column.
    let size = if natural > room && natural > 0.0 {
        FONT_SIZE * room / natural
    } else {
        FONT_SIZE
    };
    let drawn = natural * size / FONT_SIZE;
    let left = MARGIN + span.col as f32 * column;
    let x = match span.align {
        Align::Left => left,
        Align::Right => left + room - drawn,
    };
    let start = Point::from_xy(x, baseline);
    match metrics.unshaped(&span.text) {
        Some(glyphs) => surface.draw_glyphs(start, &glyphs, font.clone(), &span.text, size, false),
        // Arabic, Hebrew, combining marks, anything the font lacks: shaped (joined, reordered, .notdef).
        None => surface.draw_text(
            start,
            font.clone(),
            size,
            &span.text,
            false,
            TextDirection::Auto,
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_font_covers_the_register_s_scripts() {
        let face = ttf_parser::Face::parse(FONT, 0).unwrap();
        for c in "AzéŁșĞЖжҚқӘәمحمدالطرابلسيﻻΩאաა€–…".chars() {
            assert!(face.glyph_index(c).is_some(), "{c:?} ({:04X})", c as u32);
        }
    }

    #[test]
    fn text_outside_the_font_still_renders() {
        let mut doc = crate::print::Document {
            service: "日本語".into(),
            facility: String::new(),
            title: "\u{1F600} \u{7}".into(),
            period: String::new(),
            printed_by: String::new(),
            printed_at: chrono::DateTime::UNIX_EPOCH,
            confidentiality: String::new(),
            blocks: Vec::new(),
            chart: None,
        };
        assert!(render(&doc, Paper::A4).unwrap().starts_with(b"%PDF-"));
        doc.blocks
            .push(crate::print::Block::Paragraph(String::new()));
        assert!(render(&doc, Paper::Letter).is_ok());
    }
}
