//! Print preview: the pages exactly as they will print (80 columns, page headers, a dotted line where the paper
//! is cut), and the choice of format, paper, destination, printer and copies, starting from the user's last
//! choice. Any screen holding a `print::Document` can push it.

use super::{Ctx, Outcome, Screen};
use crate::i18n::{t, t_args, t_static};
use crate::print::{self, Choice, Destination, Document, Format, Paper, plain};
use crate::tui::keymap::{Action, Scope};
use crate::tui::theme::Theme;
use crate::tui::worker::{Job, Polled};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use serde::Serialize;
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Format,
    Paper,
    Sink,
    Printer,
    Copies,
}

const FIELDS: [Field; 5] = [
    Field::Format,
    Field::Paper,
    Field::Sink,
    Field::Printer,
    Field::Copies,
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sink {
    Printer,
    Terminal,
    File,
}

pub struct PrintPreview {
    /// The report's name in the audit trail ("placements", "overcrowding" ...).
    report: String,
    /// Shared with the worker that renders it (a national register's pages are not copied).
    doc: Arc<Document>,
    lines: Vec<String>,
    scroll: usize,
    field: usize,
    format: Format,
    paper: Paper,
    sink: Sink,
    printer: String,
    copies: u32,
    /// A print under way on a worker thread.
    printing: Option<Printing>,
    /// The seconds the progress line showed last, so the loop's wake-ups redraw only when it changes.
    progress_shown: u64,
}

/// A print under way: the pages being rendered (a national PDF takes seconds), then sent to `lp` or a file.
enum Printing {
    Rendering {
        job: Job<Result<Vec<u8>, print::PrintError>>,
        send: Sending,
    },
    Sending {
        job: Job<Result<String, print::PrintError>>,
        bytes: usize,
        send: Sending,
    },
}

/// Where the rendered bytes go and what the audit row will say of them.
struct Sending {
    destination: Destination,
    choice: Choice,
    mode: u32,
}

/// Rows of the page view at 80x24: the frame takes three, the choices two and a rule one.
const ROWS: usize = 18;

/// What the audit trail keeps about a print from the screen.
#[derive(Serialize)]
struct PrintRecord<'a> {
    report: &'a str,
    title: &'a str,
    facility: &'a str,
    period: &'a str,
    format: &'a str,
    paper: &'a str,
    destination: String,
    bytes: usize,
}

impl PrintPreview {
    /// The preview of `doc`, starting from what `ctx`'s user chose last time.
    pub fn new(report: &str, doc: Document, ctx: &Ctx) -> PrintPreview {
        let key = Choice::setting_key(&ctx.session.name);
        let choice = Choice::parse(ctx.store.setting(&key).ok().flatten().as_deref());
        let (sink, printer, copies) = match &choice.destination {
            Destination::Printer { name, copies } => {
                (Sink::Printer, name.clone().unwrap_or_default(), *copies)
            }
            Destination::Passthrough => (Sink::Terminal, String::new(), 1),
            Destination::File(_) => (Sink::File, String::new(), 1),
        };
        PrintPreview {
            report: report.into(),
            lines: plain::preview(&doc),
            doc: Arc::new(doc),
            scroll: 0,
            field: 0,
            format: choice.format,
            paper: choice.paper,
            sink,
            printer,
            copies,
            printing: None,
            progress_shown: 0,
        }
    }

    fn max_scroll(&self) -> usize {
        self.lines.len().saturating_sub(ROWS)
    }

    fn focus(&self) -> Field {
        FIELDS[self.field % FIELDS.len()]
    }

    /// Left/Right on the focused choice.
    fn change(&mut self, forward: bool) -> bool {
        let step = |i: usize, n: usize| {
            if forward {
                (i + 1) % n
            } else {
                (i + n - 1) % n
            }
        };
        match self.focus() {
            Field::Format => {
                let i = Format::ALL
                    .iter()
                    .position(|f| *f == self.format)
                    .unwrap_or(0);
                self.format = Format::ALL[step(i, Format::ALL.len())];
            }
            Field::Paper => {
                self.paper = match self.paper {
                    Paper::A4 => Paper::Letter,
                    Paper::Letter => Paper::A4,
                }
            }
            Field::Sink => {
                let all = [Sink::Printer, Sink::Terminal, Sink::File];
                let i = all.iter().position(|s| *s == self.sink).unwrap_or(0);
                self.sink = all[step(i, all.len())];
            }
            Field::Copies => {
                self.copies = if forward {
                    (self.copies + 1).min(print::sink::MAX_COPIES)
                } else {
                    self.copies.saturating_sub(1).max(1)
                }
            }
            Field::Printer => return false,
        }
        true
    }

    /// Where the print goes; a file goes beside the database, in prints/, named by report and time.
    fn destination(&self, ctx: &Ctx) -> Destination {
        match self.sink {
            Sink::Printer => Destination::Printer {
                name: Some(self.printer.trim().to_string()).filter(|s| !s.is_empty()),
                copies: self.copies,
            },
            Sink::Terminal => Destination::Passthrough,
            Sink::File => {
                let dir = ctx
                    .store
                    .path()
                    .parent()
                    .map(|p| p.join("prints"))
                    .unwrap_or_else(|| "prints".into());
                let ext = match self.format {
                    Format::Text => "txt",
                    Format::Pdf => "pdf",
                    Format::Csv => "csv",
                };
                Destination::File(dir.join(format!(
                    "{}-{}.{ext}",
                    self.report,
                    ctx.now.format("%Y%m%d-%H%M%S")
                )))
            }
        }
    }

    fn print(&mut self, ctx: &mut Ctx) {
        let destination = self.destination(ctx);
        let choice = Choice {
            format: self.format,
            paper: self.paper,
            destination: destination.clone(),
        };
        if let Err(e) = choice.check() {
            ctx.error(t_args(
                "print-not-printed",
                &[("why", e.to_string().into())],
            ));
            return;
        }
        // Printed files are as private as the database they come from.
        let mode = match ctx.store.file_access() {
            Ok(access) => access.mode(),
            Err(e) => {
                ctx.error(t_args(
                    "print-not-printed",
                    &[("why", e.to_string().into())],
                ));
                return;
            }
        };
        if let Destination::File(path) = &destination
            && let Some(dir) = path.parent()
            && let Err(e) = print::sink::create_dir(dir, mode, ctx.store.path())
        {
            ctx.error(t_args(
                "print-not-printed",
                &[("why", e.to_string().into())],
            ));
            return;
        }
        let doc = Arc::clone(&self.doc);
        let (format, paper) = (self.format, self.paper);
        let send = Sending {
            destination,
            choice,
            mode,
        };
        match Job::start("print-render", move || print::render(&doc, format, paper)) {
            Ok(job) => {
                self.progress_shown = 0;
                self.printing = Some(Printing::Rendering { job, send });
            }
            Err(e) => ctx.error(t_args(
                "print-not-printed",
                &[("why", e.to_string().into())],
            )),
        }
    }

    /// The pages are rendered: to the terminal's printer from here (it is this screen's terminal), to `lp` or a
    /// file on a worker, since `lp` can take its time.
    fn rendered(&mut self, bytes: Vec<u8>, send: Sending, ctx: &mut Ctx) {
        if send.destination == Destination::Passthrough {
            let sent =
                print::sink::send(&bytes, &send.destination, &mut std::io::stdout(), send.mode);
            self.sent(sent, bytes.len(), send, ctx);
            return;
        }
        let size = bytes.len();
        let (destination, mode) = (send.destination.clone(), send.mode);
        let job = Job::start("print-send", move || {
            print::sink::send(&bytes, &destination, &mut std::io::sink(), mode)
        });
        match job {
            Ok(job) => {
                self.progress_shown = 0;
                self.printing = Some(Printing::Sending {
                    job,
                    bytes: size,
                    send,
                })
            }
            Err(e) => ctx.error(t_args(
                "print-not-printed",
                &[("why", e.to_string().into())],
            )),
        }
    }

    /// The print has gone (or failed): the audit row, the choice kept for next time, and a message.
    fn sent(
        &mut self,
        sent: Result<String, print::PrintError>,
        bytes: usize,
        send: Sending,
        ctx: &mut Ctx,
    ) {
        let said = match sent {
            Ok(said) => said,
            Err(e) => {
                ctx.error(t_args(
                    "print-not-printed",
                    &[("why", e.to_string().into())],
                ));
                return;
            }
        };
        let Sending {
            destination,
            choice,
            ..
        } = send;
        let passthrough = destination == Destination::Passthrough;
        let record = PrintRecord {
            report: &self.report,
            title: &self.doc.title,
            facility: &self.doc.facility,
            period: &self.doc.period,
            format: choice.format.as_str(),
            paper: choice.paper.as_str(),
            destination: destination.describe(),
            bytes,
        };
        let key = Choice::setting_key(&ctx.session.name);
        let remembered = Choice {
            destination: match destination {
                // The file name is made new each time; only the choice of a file is kept.
                Destination::File(_) => Destination::File("prints".into()),
                other => other,
            },
            ..choice
        };
        let actor = ctx.actor();
        match ctx.store.record_print(
            &actor,
            &self.report,
            &record,
            Some((&key, &remembered.to_json())),
        ) {
            // A terminal without printer passthrough shows the text instead of printing it; say how to clear it.
            Ok(()) if passthrough => ctx
                .info("Sent to your terminal's printer (shown on screen instead? Ctrl-L redraws)."),
            Ok(()) => ctx.info(format!("Printed: {said}.")),
            Err(e) => ctx.error(format!(
                "Printed ({said}), but the audit record failed: {e}"
            )),
        }
    }

    /// Notes the seconds the progress line shows; true when they changed (the screen is then drawn again).
    fn progress_moved(&mut self) -> bool {
        let seconds = match &self.printing {
            Some(Printing::Rendering { job, .. }) => job.seconds(),
            Some(Printing::Sending { job, .. }) => job.seconds(),
            None => return false,
        };
        let moved = seconds != self.progress_shown;
        self.progress_shown = seconds;
        moved
    }

    /// The line that stands in for the choices while a print is under way.
    fn progress(&self) -> Option<String> {
        match self.printing.as_ref()? {
            Printing::Rendering { job, .. } => Some(t_args(
                "print-rendering",
                &[
                    ("format", self.format.as_str().into()),
                    ("seconds", job.seconds().into()),
                ],
            )),
            // Which, not where: a file's whole path would not fit the line.
            Printing::Sending { job, send, .. } => Some(t_args(
                match send.destination {
                    Destination::File(_) => "print-writing-file",
                    _ => "print-sending-printer",
                },
                &[("seconds", job.seconds().into())],
            )),
        }
    }

    fn choices(&self, theme: &Theme) -> Vec<Line<'static>> {
        let sink = match self.sink {
            Sink::Printer => "printer",
            Sink::Terminal => "terminal",
            Sink::File => "file",
        };
        let printer = if self.printer.is_empty() {
            "(default)".to_string()
        } else {
            crate::domain::text::fit(&crate::domain::text::display(&self.printer), 16)
        };
        let values = [
            ("Format", self.format.as_str().to_string()),
            ("Paper", self.paper.as_str().to_string()),
            ("To", sink.to_string()),
            ("Printer", printer),
            ("Copies", self.copies.to_string()),
        ];
        let mut spans = Vec::new();
        for (i, (label, value)) in values.into_iter().enumerate() {
            if i > 0 {
                spans.push(Span::raw("  "));
            }
            spans.push(Span::styled(format!("{label} "), theme.label()));
            let shown = format!("<{value}>");
            if i == self.field % FIELDS.len() {
                spans.push(Span::styled(shown, theme.selected()));
            } else {
                spans.push(Span::raw(shown));
            }
        }
        let pages = self.lines.iter().filter(|l| l.starts_with(". .")).count() + 1;
        let hint = format!(
            "{} {}. Tab: next choice, Left/Right: change, Enter: print.",
            pages,
            if pages == 1 { "page" } else { "pages" }
        );
        vec![
            Line::from(spans),
            Line::from(Span::styled(hint, theme.label())),
        ]
    }
}

impl Screen for PrintPreview {
    fn title(&self) -> String {
        format!("Print: {}", self.doc.title)
    }

    fn footer(&self) -> Vec<Action> {
        match self.printing {
            // Stopping a render loses nothing; a print handed to lp or half written cannot be called back.
            Some(Printing::Rendering { .. }) => return vec![Action::Back],
            Some(Printing::Sending { .. }) => return Vec::new(),
            None => {}
        }
        vec![
            Action::Select,
            Action::NextField,
            Action::Left,
            Action::PageDown,
            Action::Back,
        ]
    }

    fn footer_word(&self, action: Action) -> &'static str {
        match action {
            Action::Back if self.printing.is_some() => t_static("print-key-stop"),
            Action::Select => "print",
            Action::NextField => "choice",
            other => other.describe(),
        }
    }

    fn scope(&self) -> Scope {
        if self.focus() == Field::Printer {
            Scope::Text
        } else {
            Scope::Browse
        }
    }

    fn help(&self) -> String {
        crate::i18n::t_args(
            "print-preview-help",
            &crate::tui::keymap::key_args(self.scope()),
        )
    }

    fn working(&self) -> bool {
        self.printing.is_some()
    }

    fn poll_work(&mut self, ctx: &mut Ctx) -> bool {
        match self.printing.take() {
            None => false,
            Some(Printing::Rendering { job, send }) => match job.poll() {
                Polled::Running => {
                    self.printing = Some(Printing::Rendering { job, send });
                    self.progress_moved()
                }
                Polled::Done(Ok(bytes)) => {
                    self.rendered(bytes, send, ctx);
                    true
                }
                Polled::Done(Err(e)) => {
                    ctx.error(t_args(
                        "print-not-printed",
                        &[("why", e.to_string().into())],
                    ));
                    true
                }
                Polled::Lost => {
                    ctx.error(t("print-lost"));
                    true
                }
            },
            Some(Printing::Sending { job, bytes, send }) => match job.poll() {
                Polled::Running => {
                    self.printing = Some(Printing::Sending { job, bytes, send });
                    self.progress_moved()
                }
                Polled::Done(sent) => {
                    self.sent(sent, bytes, send, ctx);
                    true
                }
                Polled::Lost => {
                    ctx.error(t("print-lost"));
                    true
                }
            },
        }
    }

    fn handle(&mut self, action: Action, ctx: &mut Ctx) -> Outcome {
        match (&self.printing, action) {
            (Some(Printing::Rendering { .. }), Action::Back) => {
                // The worker finishes the page it is on at low priority; its pages are thrown away.
                self.printing = None;
                ctx.info(t("print-stopped"));
                return Outcome::Handled;
            }
            (Some(Printing::Sending { .. }), Action::Back) => {
                let seconds = print::sink::lp_timeout().as_secs();
                ctx.info(t_args("print-sending-wait", &[("seconds", seconds.into())]));
                return Outcome::Handled;
            }
            (Some(_), _) => return Outcome::Ignored,
            (None, _) => {}
        }
        let before = self.scroll;
        match action {
            Action::Back => return Outcome::Pop,
            Action::Select | Action::Print => {
                self.print(ctx);
                return Outcome::Handled;
            }
            Action::NextField => self.field = (self.field + 1) % FIELDS.len(),
            Action::PrevField => self.field = (self.field + FIELDS.len() - 1) % FIELDS.len(),
            Action::Left | Action::Right => {
                return if self.change(action == Action::Right) {
                    Outcome::Handled
                } else {
                    Outcome::Ignored
                };
            }
            Action::Char(c) if self.focus() == Field::Printer => {
                if self.printer.chars().count() < 64 && !c.is_control() {
                    self.printer.push(c);
                }
            }
            Action::Backspace if self.focus() == Field::Printer => {
                self.printer.pop();
            }
            Action::Down => self.scroll = (self.scroll + 1).min(self.max_scroll()),
            Action::PageDown => self.scroll = (self.scroll + ROWS - 1).min(self.max_scroll()),
            Action::Up => self.scroll = self.scroll.saturating_sub(1),
            Action::PageUp => self.scroll = self.scroll.saturating_sub(ROWS - 1),
            Action::Home => self.scroll = 0,
            Action::End => self.scroll = self.max_scroll(),
            _ => return Outcome::Ignored,
        }
        if matches!(
            action,
            Action::Down | Action::Up | Action::PageDown | Action::PageUp
        ) && self.scroll == before
        {
            return Outcome::Ignored;
        }
        Outcome::Handled
    }

    fn render(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let mut lines = match self.progress() {
            // As many rows as the choices, so the pages below do not move.
            Some(progress) => vec![
                Line::from(Span::styled(progress, theme.heading())),
                Line::from(""),
            ],
            None => self.choices(theme),
        };
        lines.push(Line::from("-".repeat(area.width as usize)));
        let room = (area.height as usize).saturating_sub(lines.len());
        lines.extend(
            self.lines
                .iter()
                .skip(self.scroll)
                .take(room)
                .map(|l| Line::from(l.clone())),
        );
        frame.render_widget(Paragraph::new(lines), area);
    }
}
