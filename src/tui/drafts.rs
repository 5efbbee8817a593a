//! Writes form drafts off the UI thread, so typing never waits for the disk; the newest draft per form wins.

use crate::store::Store;
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread::JoinHandle;

enum Message {
    Save {
        owner: String,
        key: String,
        payload: String,
        at: DateTime<Utc>,
    },
    Delete {
        owner: String,
        key: String,
    },
    /// Answered once everything sent before it is on disk.
    Flush(Sender<()>),
}

/// (owner, form key) and (payload, written at): `None` content means delete.
type DraftId = (String, String);
type Content = (String, DateTime<Utc>);

pub struct Drafts {
    sender: Option<Sender<Message>>,
    worker: Option<JoinHandle<()>>,
}

impl Drafts {
    /// Starts the writer, which opens its own connection to the same file when the first draft arrives: a
    /// connection costs about 0.2 MiB (benches/memory.rs), and sessions that never open a form, or have not yet,
    /// should not carry it at sign-in, the moment of a session's peak memory (issue 9). If it cannot open,
    /// drafts are not kept and the log says why; the forms still work.
    pub fn start(path: &Path) -> Drafts {
        let path = path.to_path_buf();
        let (sender, receiver) = mpsc::channel();
        let worker = std::thread::Builder::new()
            .name("drafts".into())
            .spawn(move || write_loop(&path, receiver))
            .ok();
        Drafts {
            sender: worker.as_ref().map(|_| sender),
            worker,
        }
    }

    pub fn save(&self, owner: &str, key: &str, payload: String, at: DateTime<Utc>) {
        self.send(Message::Save {
            owner: owner.into(),
            key: key.into(),
            payload,
            at,
        });
    }

    pub fn delete(&self, owner: &str, key: &str) {
        self.send(Message::Delete {
            owner: owner.into(),
            key: key.into(),
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

fn write_loop(path: &Path, receiver: Receiver<Message>) {
    let mut link = Link::NotYet;
    while let Ok(first) = receiver.recv() {
        // Coalesce a burst of keys into one write per form: only the newest content matters.
        let mut pending: BTreeMap<DraftId, Option<Content>> = BTreeMap::new();
        let mut flushes = Vec::new();
        let mut next = Some(first);
        while let Some(message) = next {
            match message {
                Message::Save {
                    owner,
                    key,
                    payload,
                    at,
                } => {
                    pending.insert((owner, key), Some((payload, at)));
                }
                Message::Delete { owner, key } => {
                    pending.insert((owner, key), None);
                }
                Message::Flush(done) => flushes.push(done),
            }
            next = receiver.try_recv().ok();
        }
        if !pending.is_empty()
            && let Some(store) = link.get(path)
        {
            for ((owner, key), content) in pending {
                let result = match content {
                    Some((payload, at)) => store.save_draft(&owner, &key, &payload, at),
                    None => store.delete_draft(&owner, &key),
                };
                if let Err(e) = result {
                    tracing::warn!(error = %e, owner, key, "draft not written");
                }
            }
        }
        for done in flushes {
            let _ = done.send(());
        }
    }
}
