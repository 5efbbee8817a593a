//! All forms in a folder: each file loaded and checked on its own, so one malformed form is listed as unavailable
//! (with its located errors) while the others work.

use super::{Form, FormError, load};
use crate::domain::estate_file::Pos;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A form that could not be loaded, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Unavailable {
    pub path: PathBuf,
    pub errors: Vec<FormError>,
}

impl Unavailable {
    /// Each error as `file:line:column: message`.
    pub fn lines(&self) -> Vec<String> {
        self.errors
            .iter()
            .map(|e| format!("{}:{e}", self.path.display()))
            .collect()
    }
}

#[derive(Debug, Clone, Default)]
pub struct Registry {
    /// Loaded forms, by id.
    pub forms: Vec<(PathBuf, Arc<Form>)>,
    pub unavailable: Vec<Unavailable>,
}

/// Loads one file's bytes and checks that its id matches its file name, so `forms/x.toml` is always form `x`.
pub fn load_file(path: &Path, bytes: &[u8]) -> Result<Form, Vec<FormError>> {
    let form = load(bytes)?;
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
    if form.id != stem {
        let text = std::str::from_utf8(bytes).unwrap_or("");
        let at = text
            .lines()
            .position(|l| l.trim_start().starts_with("id"))
            .map_or(
                Pos {
                    line: 1,
                    column: Some(1),
                },
                |i| Pos {
                    line: i + 1,
                    column: Some(1),
                },
            );
        return Err(vec![FormError {
            pos: at,
            message: format!(
                "form id '{}' differs from the file name '{stem}': name the file {}.toml",
                form.id, form.id
            ),
        }]);
    }
    Ok(form)
}

impl Registry {
    /// Builds from (path, bytes) pairs, in the order given. A second form with an id already seen is unavailable.
    pub fn from_files(files: impl IntoIterator<Item = (PathBuf, Vec<u8>)>) -> Registry {
        let mut reg = Registry::default();
        for (path, bytes) in files {
            match load_file(&path, &bytes) {
                Ok(form) => {
                    if let Some((first, _)) = reg.forms.iter().find(|(_, f)| f.id == form.id) {
                        let message =
                            format!("form id '{}' is also used by {}", form.id, first.display());
                        reg.unavailable.push(Unavailable {
                            path,
                            errors: vec![FormError {
                                pos: Pos {
                                    line: 1,
                                    column: Some(1),
                                },
                                message,
                            }],
                        });
                    } else {
                        reg.forms.push((path, Arc::new(form)));
                    }
                }
                Err(errors) => reg.unavailable.push(Unavailable { path, errors }),
            }
        }
        reg
    }

    /// Every `*.toml` in `dir`, by file name. A file that cannot be read is unavailable like a malformed one.
    pub fn load_dir(dir: &Path) -> std::io::Result<Registry> {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml") && p.is_file())
            .collect();
        paths.sort();
        let mut files = Vec::new();
        let mut unreadable = Vec::new();
        for path in paths {
            match std::fs::read(&path) {
                Ok(bytes) => files.push((path, bytes)),
                Err(e) => unreadable.push(Unavailable {
                    errors: vec![FormError {
                        pos: Pos {
                            line: 1,
                            column: Some(1),
                        },
                        message: format!("cannot read the file: {e}"),
                    }],
                    path,
                }),
            }
        }
        let mut reg = Registry::from_files(files);
        reg.unavailable.extend(unreadable);
        Ok(reg)
    }

    pub fn get(&self, id: &str) -> Option<&Arc<Form>> {
        self.forms.iter().find(|(_, f)| f.id == id).map(|(_, f)| f)
    }
}
