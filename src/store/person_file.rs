//! A person's file between warden stations: the record and its history as signed JSON (ed25519, with this
//! station's key), the stations whose files this one trusts, and admitting a person from a trusted file with that
//! history kept whole. The national person id in the file makes a person moved between stations one person.

use super::CachedSql as _;
use super::prisoners::{PRISONER_COLUMNS, read_prisoner};
use super::{Actor, Result, Store, StoreError, Tx, time_text};
use crate::domain::audit::{Deed, Entity};
use crate::domain::auth::{Need, Permission};
use crate::domain::prisoner::Prisoner;
use crate::domain::settings::Setting;
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use rusqlite::{OptionalExtension, params};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

/// What a file says it is; a file of another kind or version is refused before anything is read from it.
pub const FORMAT: &str = "warden-person-file";
pub const VERSION: u32 = 1;

fn invalid(e: impl Into<super::Invalid>) -> StoreError {
    StoreError::invalid(e)
}

/// A signed person's file: the payload and, beside it, the signature over the payload's bytes as serialised
/// (serde_json writes object keys in order, so the receiver serialises the same bytes again).
pub fn seal(payload: &Value, key: &SigningKey) -> Value {
    let bytes = serde_json::to_vec(payload).unwrap_or_default();
    let signature = key.sign(&bytes);
    json!({
        "payload": payload,
        "public_key": hex::encode(key.verifying_key().to_bytes()),
        "signature": hex::encode(signature.to_bytes()),
    })
}

/// The payload of a sealed file whose signature holds for the key it names, with that key; else why not.
pub fn open_sealed(file: &Value) -> std::result::Result<(Value, String), String> {
    let bad =
        |what: &str| crate::i18n::t_args("person-file-bad", &[("what", what.to_string().into())]);
    let key_hex = file["public_key"]
        .as_str()
        .ok_or_else(|| bad("public_key"))?;
    let sig_hex = file["signature"].as_str().ok_or_else(|| bad("signature"))?;
    let payload = file.get("payload").ok_or_else(|| bad("payload"))?;
    let key: [u8; 32] = hex::decode(key_hex)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| bad("public_key"))?;
    let sig: [u8; 64] = hex::decode(sig_hex)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| bad("signature"))?;
    let key = VerifyingKey::from_bytes(&key).map_err(|_| bad("public_key"))?;
    let bytes = serde_json::to_vec(payload).map_err(|_| bad("payload"))?;
    key.verify(&bytes, &Signature::from_bytes(&sig))
        .map_err(|_| crate::i18n::t("person-file-tampered"))?;
    if payload["format"] != FORMAT || payload["version"] != VERSION {
        return Err(crate::i18n::t_args(
            "person-file-version",
            &[
                ("version", payload["version"].to_string().into()),
                ("ours", VERSION.into()),
            ],
        ));
    }
    Ok((payload.clone(), key_hex.to_string()))
}

fn rows(tx: &rusqlite::Connection, sql: &str, id: i64) -> Result<Vec<Value>> {
    let mut stmt = tx.prepare(sql)?;
    let names: Vec<String> = stmt.column_names().map(|s| s.to_string()).collect();
    let found = stmt.query_map([id], |r| {
        let mut obj = serde_json::Map::new();
        for (i, name) in names.iter().enumerate() {
            let v: rusqlite::types::Value = r.get(i)?;
            obj.insert(
                name.clone(),
                match v {
                    rusqlite::types::Value::Null => Value::Null,
                    rusqlite::types::Value::Integer(n) => json!(n),
                    rusqlite::types::Value::Real(f) => json!(f.to_string()),
                    rusqlite::types::Value::Text(t) => json!(t),
                    rusqlite::types::Value::Blob(_) => Value::Null,
                },
            );
        }
        Ok(Value::Object(obj))
    })?;
    Ok(found.collect::<rusqlite::Result<_>>()?)
}

impl Store {
    /// This station's name and public key (hex), making the key on first use.
    pub fn station_identity(&mut self, actor: &Actor) -> Result<(String, String)> {
        let key = self.station_key(actor)?;
        let name = self
            .setting(&Setting::StationName)?
            .unwrap_or_else(|| crate::i18n::t("person-file-unnamed-station"));
        Ok((name, hex::encode(key.verifying_key().to_bytes())))
    }

    fn station_key(&mut self, actor: &Actor) -> Result<SigningKey> {
        if let Some(hex_key) = self.setting(&Setting::StationSigningKey)? {
            let bytes: [u8; 32] = hex::decode(hex_key)
                .ok()
                .and_then(|b| b.try_into().ok())
                .ok_or_else(|| invalid("the station's signing key is damaged"))?;
            return Ok(SigningKey::from_bytes(&bytes));
        }
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed).map_err(|e| invalid(format!("no randomness for a key: {e}")))?;
        let key = SigningKey::from_bytes(&seed);
        let public = hex::encode(key.verifying_key().to_bytes());
        self.write(
            actor,
            Need::To(Permission::ViewRegister),
            "station key",
            |tx| {
                // Another session may have made it first: theirs stands.
                tx.execute_cached(
                    "INSERT OR IGNORE INTO setting(key, value) VALUES (?1, ?2)",
                    params![Setting::StationSigningKey.key(), hex::encode(seed)],
                )?;
                tx.audit::<(), _>(
                    Entity::Station,
                    0,
                    Deed::Key,
                    None,
                    Some(&json!({"public_key": public})),
                )
            },
        )?;
        let stored = self
            .setting(&Setting::StationSigningKey)?
            .unwrap_or_default();
        let bytes: [u8; 32] = hex::decode(stored)
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| invalid("the station's signing key is damaged"))?;
        Ok(SigningKey::from_bytes(&bytes))
    }

    /// Trusts another station's files (administrators): its public key as `warden station key` prints it there.
    pub fn trust_station(&mut self, actor: &Actor, public_key: &str, name: &str) -> Result<()> {
        let key = public_key.trim().to_lowercase();
        let valid = hex::decode(&key)
            .ok()
            .and_then(|b| <[u8; 32]>::try_from(b).ok())
            .is_some_and(|b| VerifyingKey::from_bytes(&b).is_ok());
        if !valid {
            return Err(invalid(crate::i18n::t("person-file-bad-key")));
        }
        crate::domain::text::check("name", name).map_err(invalid)?;
        self.write(actor, Need::To(Permission::ConfigureStation), "trusted station", |tx| {
            tx.execute_cached(
                "INSERT INTO trusted_station(public_key, name, added_at, added_by) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT(public_key) DO UPDATE SET name = excluded.name",
                params![key, name.trim(), time_text(actor.at), actor.name],
            )?;
            tx.audit::<(), _>(Entity::Station, 0, Deed::Trust, None, Some(&json!({"public_key": key, "name": name.trim()})))
        })
    }

    /// The person's file, signed: the record, custody events, custody levels, the assessments of forms that are
    /// not restricted (the rest counted as withheld), programmes, the pre-release plan and keep-apart notes.
    /// Recorded as a disclosure with `why`. The person gets a national id here if they have none yet.
    pub fn export_person(&mut self, actor: &Actor, number: &str, why: &str) -> Result<Value> {
        if why.trim().is_empty() {
            return Err(invalid(crate::i18n::t("export-why-required")));
        }
        crate::domain::text::check("why", why).map_err(invalid)?;
        let key = self.station_key(actor)?;
        let (station, _) = self.station_identity(actor)?;
        let payload = self.write(
            actor,
            Need::To(Permission::Transfer),
            &format!("person file {number}"),
            |tx| {
                let sql = format!(
                    "SELECT {PRISONER_COLUMNS}, (SELECT national_id FROM national_person WHERE prisoner_id = p.id)
                     FROM prisoner p WHERE p.number = ?1"
                );
                let (p, national): (Prisoner, Option<String>) = tx
                    .query_row_cached(&sql, [number.trim()], |r| {
                        Ok((read_prisoner(r)?, r.get(17)?))
                    })
                    .optional()?
                    .ok_or_else(|| invalid(format!("no prisoner {}", number.trim())))?;
                let national = match national {
                    Some(n) => n,
                    None => {
                        let mut id = [0u8; 10];
                        getrandom::fill(&mut id)
                            .map_err(|e| invalid(format!("no randomness: {e}")))?;
                        let n = hex::encode(id);
                        tx.execute_cached(
                            "INSERT INTO national_person(prisoner_id, national_id) VALUES (?1, ?2)",
                            params![p.id, n],
                        )?;
                        n
                    }
                };
                let facility: Option<String> = tx
                    .query_row_cached(
                        "SELECT code FROM facility WHERE id = ?1",
                        [p.facility_id],
                        |r| r.get(0),
                    )
                    .optional()?;
                let payload =
                    person_payload(tx, &p, &national, facility, &station, actor, why.trim())?;
                tx.audit::<(), _>(
                    Entity::Disclosure,
                    p.id,
                    Deed::PersonFile,
                    None,
                    Some(&json!({"number": p.number, "national_id": national, "why": why.trim()})),
                )?;
                Ok(payload)
            },
        )?;
        Ok(seal(&payload, &key))
    }

    /// Checks a person's file for admission at this station: signed by a trusted station, this version, a
    /// national id not already held here. Returns the payload and the sending station's name.
    pub fn check_person_file(&self, file: &Value) -> Result<(Value, String, String)> {
        let (payload, key) = open_sealed(file).map_err(invalid)?;
        let station: Option<String> = self
            .conn()
            .query_row_cached(
                "SELECT name FROM trusted_station WHERE public_key = ?1",
                [&key],
                |r| r.get(0),
            )
            .optional()?;
        let Some(station) = station else {
            return Err(invalid(crate::i18n::t_args(
                "person-file-untrusted",
                &[("key", key[..16].to_string().into())],
            )));
        };
        let national = payload["person"]["national_id"].as_str().unwrap_or("");
        let held: Option<(String, bool)> = self
            .conn()
            .query_row_cached(
                "SELECT p.number, p.in_custody FROM national_person n JOIN prisoner p ON p.id = n.prisoner_id
                 WHERE n.national_id = ?1",
                [national],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        if let Some((number, _)) = held {
            return Err(invalid(crate::i18n::t_args(
                "person-file-already-here",
                &[("number", number.into())],
            )));
        }
        Ok((payload, station, key))
    }

    /// Admits the person in a checked file into `facility_id`, with a number of this station's pattern, every
    /// admission rule applying; the whole file is kept as their history, with its SHA-256.
    pub fn import_person(
        &mut self,
        actor: &Actor,
        file: &Value,
        facility_id: i64,
    ) -> Result<(i64, String)> {
        let (payload, station, key) = self.check_person_file(file)?;
        let mut p: Prisoner =
            serde_json::from_value(payload["person"]["record"].clone()).map_err(|e| {
                invalid(crate::i18n::t_args(
                    "person-file-bad",
                    &[("what", e.to_string().into())],
                ))
            })?;
        let national = payload["person"]["national_id"]
            .as_str()
            .unwrap_or("")
            .to_string();
        let pattern = self.number_pattern()?;
        let code: String = self
            .conn()
            .query_row_cached(
                "SELECT code FROM facility WHERE id = ?1",
                [facility_id],
                |r| r.get(0),
            )
            .optional()?
            .ok_or_else(|| invalid(super::FieldError::new("facility", "no such facility")))?;
        let sent_number = p.number.clone();
        p.id = 0;
        p.facility_id = Some(facility_id);
        p.cell_id = None;
        p.in_custody = true;
        p.admitted_at = actor.at.naive_utc();
        if !p.aliases.contains(&sent_number) {
            p.aliases.push(sent_number);
        }
        let text = serde_json::to_string(file).map_err(|e| invalid(e.to_string()))?;
        let sha = hex::encode(Sha256::digest(text.as_bytes()));
        let today = actor.at.date_naive();
        self.write(actor, Need::To(Permission::Admit), "person file", |tx| {
            p.number = super::import::free_number(tx, &pattern, today.year(), &code, &mut Default::default())?;
            let id = tx.admit(&p, &pattern, today)?;
            tx.execute_cached("INSERT INTO national_person(prisoner_id, national_id) VALUES (?1, ?2)", params![id, national])?;
            tx.execute_cached(
                "INSERT INTO person_history(prisoner_id, station, public_key, sha256, received_at, file)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![id, station, key, sha, time_text(actor.at), text],
            )?;
            tx.audit::<(), _>(
                Entity::Prisoner,
                id,
                Deed::PersonFile,
                None,
                Some(&json!({"from": station, "sha256": sha, "national_id": national})),
            )?;
            Ok((id, p.number.clone()))
        })
    }
}

use chrono::Datelike;

fn person_payload(
    tx: &Tx,
    p: &Prisoner,
    national: &str,
    facility: Option<String>,
    station: &str,
    actor: &Actor,
    why: &str,
) -> Result<Value> {
    let id = p.id;
    let events = rows(
        tx,
        "SELECT e.kind, e.at, f.code AS facility, e.authority, e.reason FROM custody_event e
         JOIN facility f ON f.id = e.facility_id WHERE e.prisoner_id = ?1 ORDER BY e.at, e.id",
        id,
    )?;
    let levels = rows(
        tx,
        "SELECT form_id, finalised_at, level, approval FROM classification WHERE prisoner_id = ?1 ORDER BY finalised_at",
        id,
    )?;
    // Need to know: only the forms every role may read travel; a restricted form is counted, not sent.
    let assessments = rows(
        tx,
        "SELECT a.form_id, a.form_version, a.revision, a.assessed_on, a.finalised_at, a.answers, a.findings
         FROM assessment a LEFT JOIN form_access fa ON fa.form_id = a.form_id
         WHERE a.prisoner_id = ?1 AND a.status = 'final' AND coalesce(fa.access, 'normal') = 'normal'
         ORDER BY a.finalised_at",
        id,
    )?;
    let withheld: i64 = tx.query_row_cached(
        "SELECT count(*) FROM assessment a JOIN form_access fa ON fa.form_id = a.form_id
         WHERE a.prisoner_id = ?1 AND a.status = 'final' AND fa.access = 'restricted'",
        [id],
        |r| r.get(0),
    )?;
    let programmes = rows(
        tx,
        "SELECT g.code, g.name, g.category, r.status, r.referred_on, r.allocated_on,
                (SELECT count(*) FROM attendance a WHERE a.referral_id = r.id AND a.outcome = 'attended') AS attended,
                (SELECT count(*) FROM attendance a WHERE a.referral_id = r.id) AS marked
         FROM referral r JOIN programme g ON g.id = r.programme_id WHERE r.prisoner_id = ?1 ORDER BY r.referred_on",
        id,
    )?;
    let plan = rows(
        tx,
        "SELECT documents_ready, housing, notes, updated_at FROM release_plan WHERE prisoner_id = ?1",
        id,
    )?;
    let keep_apart = rows(
        tx,
        "SELECT o.number AS other_number, o.family_name || ', ' || o.given_names AS other_name, n.reason, n.scope,
                n.comment, n.start, n.expiry
         FROM non_association n JOIN prisoner o ON o.id = CASE WHEN n.first_id = ?1 THEN n.second_id ELSE n.first_id END
         WHERE (n.first_id = ?1 OR n.second_id = ?1)",
        id,
    )?;
    let mut record = p.clone();
    // The VEP flag is need-to-know at the receiving end as here; it is not sent with the record.
    record.vep = false;
    Ok(json!({
        "format": FORMAT,
        "version": VERSION,
        "station": station,
        "exported_at": time_text(actor.at),
        "exported_by": actor.name,
        "why": why,
        "person": {
            "national_id": national,
            "facility": facility,
            "record": record,
        },
        "custody_events": events,
        "custody_levels": levels,
        "assessments": assessments,
        "programmes": programmes,
        "release_plan": plan.into_iter().next(),
        "keep_apart": keep_apart,
        "withheld": {
            "restricted_assessments": withheld,
            "violent_extremist_flag": "not sent: need to know",
        },
    }))
}
