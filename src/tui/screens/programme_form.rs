//! The programme form: the programme coordinator creates or changes a programme (name, category, provider,
//! places, weekly sessions, dates, eligibility, facilitators) with the loader's checks; the store refuses a change
//! that would break a rule for people already placed, naming them.

use super::{Ctx, FormKey, Outcome, Screen};
use crate::domain::auth::Permission;
use crate::domain::estate::{AgeGroup, LegalStatus, SecurityLevel, Sex};
use crate::domain::roster::file::parse_slot;
use crate::domain::roster::{Category, Eligibility, Programme};
use crate::i18n::{t, t_args};
use crate::tui::keymap::{Action, Scope};
use crate::tui::theme::Theme;
use crate::tui::widgets::form::{Form, FormField};
use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::layout::Rect;

/// The word for "no restriction" in the sex and age choices.
const ANY: &str = "any";

pub struct ProgrammeForm {
    facility_id: i64,
    /// The programme as loaded, when changing one.
    existing: Option<Programme>,
    form: Form,
}

fn joined(items: impl IntoIterator<Item = impl AsRef<str>>) -> String {
    items
        .into_iter()
        .map(|s| s.as_ref().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// "a, b ,, c" -> ["a", "b", "c"]
fn list(text: &str) -> Vec<String> {
    text.split([',', ';'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

fn with_any(words: &[&'static str]) -> Vec<&'static str> {
    std::iter::once(ANY).chain(words.iter().copied()).collect()
}

/// An eligibility word: "any" (or nothing) for no limit, else the value it names. A word the list does not offer is
/// refused at its field, not read as "any", which would open the programme to everyone.
fn any_or<T>(
    key: &str,
    word: &str,
    parse: fn(&str) -> Option<T>,
) -> Result<Option<T>, (String, String)> {
    if word.is_empty() || word == ANY {
        return Ok(None);
    }
    parse(word).map(Some).ok_or_else(|| {
        let why = t_args("field-not-a-choice", &[("value", word.to_string().into())]);
        (key.to_string(), why)
    })
}

impl ProgrammeForm {
    pub fn new(facility_id: i64, existing: Option<Programme>) -> ProgrammeForm {
        let p = existing.clone();
        let get = |pick: fn(&Programme) -> String, default: &str| {
            p.as_ref().map(pick).unwrap_or_else(|| default.into())
        };
        let categories: Vec<&str> = Category::ALL.iter().map(|c| c.as_str()).collect();
        let sexes: Vec<&str> = Sex::ALL.iter().map(|s| s.as_str()).collect();
        let ages: Vec<&str> = AgeGroup::ALL.iter().map(|a| a.as_str()).collect();
        let fields = vec![
            FormField::text(
                "code",
                &t("programme-form-code"),
                &get(|p| p.code.clone(), ""),
            ),
            FormField::text(
                "name",
                &t("programme-form-name"),
                &get(|p| p.name.clone(), ""),
            ),
            FormField::words(
                "category",
                &t("programme-form-category"),
                &categories,
                &get(|p| p.category.as_str().into(), "education"),
            ),
            FormField::text(
                "provider",
                &t("programme-form-provider"),
                &get(|p| p.provider.clone(), "staff"),
            ),
            FormField::text(
                "facilitators",
                &t("programme-form-facilitators"),
                &get(|p| joined(&p.facilitators), ""),
            ),
            FormField::text(
                "room",
                &t("programme-form-room"),
                &get(|p| p.room.clone(), ""),
            ),
            FormField::text(
                "capacity",
                &t("programme-form-capacity"),
                &get(|p| p.capacity.to_string(), "12"),
            ),
            FormField::text(
                "slots",
                &t("programme-form-slots"),
                &get(|p| joined(p.slots.iter().map(|s| s.describe())), ""),
            ),
            FormField::text(
                "starts",
                &t("programme-form-starts"),
                &get(|p| p.starts_on.to_string(), ""),
            ),
            FormField::text(
                "ends",
                &t("programme-form-ends"),
                &get(|p| p.ends_on.to_string(), ""),
            ),
            FormField::text(
                "completion",
                &t("programme-form-completion"),
                &get(|p| p.completion_percent.to_string(), "80"),
            ),
            FormField::text(
                "vep_share",
                &t("programme-form-vep-share"),
                &get(|p| p.vep_share_percent.to_string(), "20"),
            ),
            FormField::text(
                "needs",
                &t("programme-form-needs"),
                &get(|p| joined(&p.eligibility.needs), ""),
            ),
            FormField::text(
                "units",
                &t("programme-form-units"),
                &get(|p| joined(&p.eligibility.units), ""),
            ),
            FormField::text(
                "custody",
                &t("programme-form-custody"),
                &get(
                    |p| joined(p.eligibility.custody.iter().map(|c| c.as_str())),
                    "",
                ),
            ),
            FormField::text(
                "legal",
                &t("programme-form-legal"),
                &get(
                    |p| joined(p.eligibility.legal.iter().map(|l| l.as_str())),
                    "",
                ),
            ),
            FormField::words(
                "sex",
                &t("programme-form-sex"),
                &with_any(&sexes),
                &get(
                    |p| p.eligibility.sex.map_or(ANY, |s| s.as_str()).into(),
                    ANY,
                ),
            ),
            FormField::words(
                "age",
                &t("programme-form-age"),
                &with_any(&ages),
                &get(
                    |p| p.eligibility.age.map_or(ANY, |a| a.as_str()).into(),
                    ANY,
                ),
            ),
        ];
        ProgrammeForm {
            facility_id,
            existing,
            form: Form::new(fields),
        }
    }

    /// The programme the form describes, or the first field that does not read (marked on the form).
    fn read(&mut self) -> Result<Programme, (String, String)> {
        let g = |k: &str| self.form.get(k).trim().to_string();
        let whole = |key: &str, lo: u32, hi: u32| -> Result<u32, (String, String)> {
            g(key)
                .parse::<u32>()
                .ok()
                .filter(|n| (lo..=hi).contains(n))
                .ok_or_else(|| {
                    let lo = lo.to_string();
                    let hi = hi.to_string();
                    (
                        key.to_string(),
                        t_args(
                            "programme-form-whole-number",
                            &[("lo", lo.into()), ("hi", hi.into())],
                        ),
                    )
                })
        };
        let day = |key: &str| -> Result<NaiveDate, (String, String)> {
            NaiveDate::parse_from_str(&g(key), "%Y-%m-%d")
                .map_err(|_| (key.to_string(), t("programme-form-bad-date")))
        };
        let mut slots = Vec::new();
        for text in list(&g("slots")) {
            slots.push(parse_slot(&text).map_err(|e| ("slots".to_string(), e))?);
        }
        let mut custody = Vec::new();
        for word in list(&g("custody")) {
            custody.push(SecurityLevel::parse(&word).ok_or_else(|| {
                let choices = SecurityLevel::choices();
                (
                    "custody".to_string(),
                    t_args(
                        "programme-form-not-one-of",
                        &[("word", word.clone().into()), ("choices", choices.into())],
                    ),
                )
            })?);
        }
        let mut legal = Vec::new();
        for word in list(&g("legal")) {
            legal.push(LegalStatus::parse(&word).ok_or_else(|| {
                let choices = LegalStatus::choices();
                (
                    "legal".to_string(),
                    t_args(
                        "programme-form-not-one-of",
                        &[("word", word.clone().into()), ("choices", choices.into())],
                    ),
                )
            })?);
        }
        let category = Category::parse(&g("category"))
            .ok_or_else(|| ("category".to_string(), t("programme-form-pick")))?;
        Ok(Programme {
            id: self.existing.as_ref().map_or(0, |p| p.id),
            facility_id: self.facility_id,
            code: g("code"),
            name: g("name"),
            category,
            provider: g("provider"),
            facilitators: list(&g("facilitators")),
            room: g("room"),
            capacity: whole("capacity", 1, 500)?,
            starts_on: day("starts")?,
            ends_on: day("ends")?,
            eligibility: Eligibility {
                needs: list(&g("needs")),
                custody,
                sex: any_or("sex", &g("sex"), Sex::parse)?,
                age: any_or("age", &g("age"), AgeGroup::parse)?,
                legal,
                units: list(&g("units")),
            },
            completion_percent: whole("completion", 1, 100)? as u8,
            vep_share_percent: whole("vep_share", 0, 100)? as u8,
            slots,
        })
    }

    fn save(&mut self, ctx: &mut Ctx) -> Outcome {
        if !ctx.allowed(Permission::ManageProgrammes) {
            return Outcome::Handled;
        }
        self.form.clear_errors();
        let programme = match self.read() {
            Ok(p) => p,
            Err((key, message)) => {
                let label = self
                    .form
                    .fields
                    .iter()
                    .find(|f| f.key == key)
                    .map(|f| f.label.clone())
                    .unwrap_or_default();
                self.form.set_error(&key, message.clone());
                ctx.error(format!("{label}: {message}"));
                return Outcome::Handled;
            }
        };
        let actor = ctx.actor();
        let result = match &self.existing {
            Some(_) => ctx.store.update_programme(&actor, &programme),
            None => ctx.store.add_programme(&actor, &programme).map(|_| ()),
        };
        match result {
            Ok(()) => {
                ctx.info(t_args(
                    "programme-form-saved",
                    &[("code", programme.code.clone().into())],
                ));
                Outcome::Pop
            }
            Err(e) => {
                super::mark_refused(&mut self.form, &e);
                ctx.error(e.to_string());
                Outcome::Handled
            }
        }
    }
}

impl Screen for ProgrammeForm {
    fn title(&self) -> String {
        match &self.existing {
            Some(p) => t_args(
                "programme-form-edit-title",
                &[("code", p.code.clone().into())],
            ),
            None => t("programme-form-new-title"),
        }
    }

    fn footer(&self) -> Vec<Action> {
        let mut keys = vec![Action::Save, Action::NextField];
        if self.form.focused_is_choice() {
            keys.push(Action::Left);
        }
        keys.push(Action::Back);
        keys
    }

    fn scope(&self) -> Scope {
        Scope::Text
    }

    fn help(&self) -> String {
        t_args(
            "programme-form-help",
            &crate::tui::keymap::key_args(self.scope()),
        )
    }

    fn handle(&mut self, action: Action, ctx: &mut Ctx) -> Outcome {
        match super::form_key(&mut self.form, action, ctx) {
            FormKey::Save => self.save(ctx),
            FormKey::Leave => Outcome::Pop,
            FormKey::Done(outcome) => outcome,
        }
    }

    fn render(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        self.form.render(
            frame,
            Rect::new(
                area.x,
                area.y + 1,
                area.width,
                area.height.saturating_sub(1),
            ),
            theme,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_split_on_commas_and_semicolons() {
        assert_eq!(list(" a, b ;; c ,"), vec!["a", "b", "c"]);
        assert!(list("  ").is_empty());
    }
}
