//! Writes form drafts off the UI thread, so typing never waits for the disk; the newest draft per form wins.

use crate::store::Store;
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

enum Message {
    /// The newest content of one draft (`None`: delete it), numbered as it was queued.
    Write {
        id: DraftId,
        content: Option<Content>,
        number: u64,
    },
    /// Answered once everything sent before it is on disk.
    Flush(Sender<()>),
}

/// (owner, form key) and (payload, written at): `None` content means delete.
type DraftId = (String, String);
type Content = (String, DateTime<Utc>);

/// What is queued and not yet on disk, newest per draft: a form opened meanwhile reads this first, so a draft
/// deleted by a save a moment ago is not put back into the next form (nor an older one in place of the newest).
type Queued = Arc<Mutex<BTreeMap<DraftId, (u64, Option<Content>)>>>;

pub struct Drafts {
    sender: Option<Sender<Message>>,
    worker: Option<JoinHandle<()>>,
    queued: Queued,
    next_number: std::cell::Cell<u64>,
}

impl Drafts {
    /// Starts the writer, which opens its own connection to the same file when the first draft arrives: a
    /// connection costs about 0.2 MiB (benches/memory.rs), and sessions that never open a form, or have not yet,
    /// should not carry it at sign-in, the moment of a session's peak memory (issue 9). If it cannot open,
    /// drafts are not kept and the log says why; the forms still work.
    pub fn start(path: &Path) -> Drafts {
        let path = path.to_path_buf();
        let (sender, receiver) = mpsc::channel();
        let queued = Queued::default();
        let worker = {
            let queued = Arc::clone(&queued);
            std::thread::Builder::new()
                .name("drafts".into())
                .spawn(move || write_loop(&path, receiver, &queued))
                .ok()
        };
        Drafts {
            sender: worker.as_ref().map(|_| sender),
            worker,
            queued,
            next_number: std::cell::Cell::new(0),
        }
    }

    pub fn save(&self, owner: &str, key: &str, payload: String, at: DateTime<Utc>) {
        self.write((owner.into(), key.into()), Some((payload, at)));
    }

    pub fn delete(&self, owner: &str, key: &str) {
        self.write((owner.into(), key.into()), None);
    }

    /// The draft as last queued and not yet written: `Some(None)` when its deletion is still queued, `None`
    /// when nothing is queued for it (the file has the newest).
    pub fn queued(&self, owner: &str, key: &str) -> Option<Option<Content>> {
        let queued = self.queued.lock().unwrap_or_else(|p| p.into_inner());
        queued
            .get(&(owner.to_string(), key.to_string()))
            .map(|(_, content)| content.clone())
    }

    fn write(&self, id: DraftId, content: Option<Content>) {
        if self.sender.is_none() {
            return;
        }
        let number = self.next_number.get() + 1;
        self.next_number.set(number);
        self.queued
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(id.clone(), (number, content.clone()));
        self.send(Message::Write {
            id,
            content,
            number,
        });
    }

    /// Waits until every draft sent so far is written (tests, and before the program ends).
    pub fn flush(&self) {
        let (done, wait) = mpsc::channel();
        self.send(Message::Flush(done));
        let _ = wait.recv();
    }

    fn send(&self, message: Message) {
        if let Some(s) = &self.sender {
            let _ = s.send(message);
        }
    }
}

impl Drop for Drafts {
    fn drop(&mut self) {
        // Closing the channel ends the worker after it has written what is queued.
        self.sender.take();
        if let Some(w) = self.worker.take() {
            let _ = w.join();
        }
    }
}

/// The writer's connection: not yet opened, open, or refused (then drafts are dropped; the log said why once).
enum Link {
    NotYet,
    // Boxed: a Store is large beside the other two.
    Open(Box<Store>),
    Refused,
}

impl Link {
    fn get(&mut self, path: &Path) -> Option<&Store> {
        if let Link::NotYet = self {
            *self = match Store::open(path) {
                Ok(store) => Link::Open(Box::new(store)),
                Err(e) => {
                    tracing::warn!(error = %e, "drafts disabled: cannot open a second connection");
                    Link::Refused
                }
            };
        }
        match self {
            Link::Open(store) => Some(store),
            _ => None,
        }
    }
}

fn write_loop(path: &Path, receiver: Receiver<Message>, queued: &Queued) {
    let mut link = Link::NotYet;
    while let Ok(first) = receiver.recv() {
        // Coalesce a burst of keys into one write per form: only the newest content matters.
        let mut pending: BTreeMap<DraftId, (u64, Option<Content>)> = BTreeMap::new();
        let mut flushes = Vec::new();
        let mut next = Some(first);
        while let Some(message) = next {
            match message {
                Message::Write {
                    id,
                    content,
                    number,
                } => {
                    pending.insert(id, (number, content));
                }
                Message::Flush(done) => flushes.push(done),
            }
            next = receiver.try_recv().ok();
        }
        if !pending.is_empty()
            && let Some(store) = link.get(path)
        {
            for ((owner, key), (number, content)) in pending {
                let result = match &content {
                    Some((payload, at)) => store.save_draft(&owner, &key, payload, *at),
                    None => store.delete_draft(&owner, &key),
                };
                if let Err(e) = result {
                    tracing::warn!(error = %e, owner, key, "draft not written");
                }
                // Written (or given up): no longer queued, unless a newer one came meanwhile.
                let mut queued = queued.lock().unwrap_or_else(|p| p.into_inner());
                let id = (owner, key);
                if queued.get(&id).is_some_and(|(n, _)| *n == number) {
                    queued.remove(&id);
                }
            }
        }
        for done in flushes {
            let _ = done.send(());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A save deletes its form's draft through the writer; the next form opened at once must not get the old
    /// draft back from the file while the deletion waits its turn (here: behind another station's write lock).
    #[test]
    fn a_deletion_still_queued_is_seen_before_the_file_is() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.db");
        let store = Store::create(&path).unwrap();
        let at = Utc::now();
        store
            .save_draft("amina", "admit", "{\"family\":\"Okot\"}", at)
            .unwrap();
        let drafts = Drafts::start(&path);
        drafts.save("amina", "other", "{}".into(), at);
        drafts.flush();

        let blocker = rusqlite::Connection::open(&path).unwrap();
        blocker.execute_batch("BEGIN IMMEDIATE").unwrap();
        drafts.delete("amina", "admit");
        assert_eq!(
            drafts.queued("amina", "admit"),
            Some(None),
            "the deletion is queued"
        );
        assert!(
            store.draft("amina", "admit").unwrap().is_some(),
            "not yet in the file"
        );
        blocker.execute_batch("COMMIT").unwrap();
        drafts.flush();
        assert_eq!(
            drafts.queued("amina", "admit"),
            None,
            "written, so no longer queued"
        );
        assert!(store.draft("amina", "admit").unwrap().is_none());
        assert!(drafts.queued("amina", "other").is_none());
    }
}
