//! The audit trail's vocabulary: what a row is about (its entity) and what was done (its action), one word each.
//!
//! The words are stored in every audit row and hashed into the chain, and `warden audit show`, the audit screen and
//! scripts filter on them, so each is written here once and never changed: a new kind of record or deed is a new
//! variant, and the store can only append rows in these words.

use super::estate::word_enum;
use super::prisoner::EventKind;
use super::roster::ReferralStatus;

word_enum!(
    /// What an audit row is about.
    Entity {
        Prisoner = "prisoner",
        CustodyEvent = "custody_event",
        CustodyCase = "custody_case",
        ReleaseOverride = "release_override",
        Movement = "movement",
        Segregation = "segregation",
        NonAssociation = "non_association",
        Assessment = "assessment",
        FormAccess = "form_access",
        FormVersion = "form_version",
        Programme = "programme",
        Session = "session",
        Referral = "referral",
        Attendance = "attendance",
        ReleasePlan = "release_plan",
        Aftercare = "aftercare",
        Facility = "facility",
        Unit = "unit",
        Cell = "cell",
        Staff = "staff",
        Permission = "permission",
        Setting = "setting",
        Database = "database",
        Audit = "audit",
        Print = "print",
        National = "national",
        Disclosure = "disclosure",
        Station = "station",
        Import = "import",
    }
);

word_enum!(
    /// A deed recorded in the audit trail, other than a referral's status or a custody event.
    Deed {
        Create = "create",
        Update = "update",
        Read = "read",
        Set = "set",
        Clear = "clear",
        Start = "start",
        End = "end",
        Close = "close",
        Cancel = "cancel",
        Admit = "admit",
        Import = "import",
        Release = "release",
        Transfer = "transfer",
        Move = "move",
        ExpectedRelease = "expected-release",
        AgeReview = "age-review",
        TemporaryPlacementReview = "temporary-placement-review",
        Add = "add",
        Correct = "correct",
        Remove = "remove",
        Sentence = "sentence",
        Finalise = "finalise",
        Amend = "amend",
        Discard = "discard",
        Approve = "approve",
        SendBack = "send back",
        ReviewTrigger = "review trigger",
        Record = "record",
        Mark = "mark",
        Save = "save",
        Link = "link",
        Lock = "lock",
        Unlock = "unlock",
        PasswordReset = "password-reset",
        Login = "login",
        LoginFailed = "login-failed",
        LoginFailedLocked = "login-failed-locked",
        LoginWhileDisabled = "login-while-disabled",
        LoginWhileLocked = "login-while-locked",
        LoginUnknownUser = "login-unknown-user",
        Logout = "logout",
        LogoutFromLock = "logout-from-lock",
        IdleLock = "idle-lock",
        Refused = "refused",
        Backup = "backup",
        Restore = "restore",
        Restored = "restored",
        Print = "print",
        Export = "export",
        PersonFile = "person-file",
        Key = "key",
        Trust = "trust",
        Done = "done",
        Undo = "undo",
        UndoImport = "undo-import",
    }
);

/// What was done, as the audit row's action word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Did(Deed),
    /// A referral moved to this status (its word is the status's own: "waitlisted", "allocated").
    Referral(ReferralStatus),
    /// A custody event of this kind was recorded ("admission", "transfer-out").
    Custody(EventKind),
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Did(deed) => deed.as_str(),
            Action::Referral(status) => status.as_str(),
            Action::Custody(kind) => kind.as_str(),
        }
    }
}

impl From<Deed> for Action {
    fn from(deed: Deed) -> Action {
        Action::Did(deed)
    }
}

impl From<ReferralStatus> for Action {
    fn from(status: ReferralStatus) -> Action {
        Action::Referral(status)
    }
}

impl From<EventKind> for Action {
    fn from(kind: EventKind) -> Action {
        Action::Custody(kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rows already in people's databases use these words: a renamed one would split the trail in two.
    #[test]
    fn the_words_are_the_ones_already_in_the_trail() {
        assert_eq!(Entity::CustodyCase.as_str(), "custody_case");
        assert_eq!(Action::from(Deed::SendBack).as_str(), "send back");
        assert_eq!(Action::from(Deed::UndoImport).as_str(), "undo-import");
        assert_eq!(
            Action::from(ReferralStatus::Waitlisted).as_str(),
            "waitlisted"
        );
        assert_eq!(
            Action::from(EventKind::TransferOut).as_str(),
            "transfer-out"
        );
    }

    #[test]
    fn no_two_entities_or_deeds_share_a_word() {
        let mut entities: Vec<&str> = Entity::ALL.iter().map(|e| e.as_str()).collect();
        entities.sort_unstable();
        entities.dedup();
        assert_eq!(entities.len(), Entity::ALL.len());
        let mut deeds: Vec<&str> = Deed::ALL.iter().map(|d| d.as_str()).collect();
        deeds.sort_unstable();
        deeds.dedup();
        assert_eq!(deeds.len(), Deed::ALL.len());
    }
}
