//! Roles, what each may do, and the login lockout policy. The TUI and CLI ask here; they never decide themselves.

use super::invalid::FieldError;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Officer,
    Assessor,
    Programme,
    Supervisor,
    Admin,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Officer,
        Role::Assessor,
        Role::Programme,
        Role::Supervisor,
        Role::Admin,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Officer => "officer",
            Role::Assessor => "assessor",
            Role::Programme => "programme",
            Role::Supervisor => "supervisor",
            Role::Admin => "admin",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s.trim().to_lowercase())
            .ok_or_else(|| {
                format!(
                    "unknown role '{s}': expected officer, assessor, programme, supervisor or admin"
                )
            })
    }
}

/// Things a signed-in person may try to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Permission {
    /// Search the register and open records.
    ViewRegister,
    /// Change the particulars of a prisoner already in custody.
    EditPrisoner,
    /// Admit a new prisoner.
    Admit,
    /// Move a prisoner between facilities.
    Transfer,
    /// End custody.
    Release,
    /// See the violent-extremist flag (Mandela Rule 9: only those whose duties need it).
    ViewVepFlag,
    /// Set or clear the violent-extremist flag.
    SetVepFlag,
    /// Create and change facilities, units and cells.
    EditEstate,
    /// Create, lock and unlock staff accounts.
    ManageUsers,
    /// Read the audit trail.
    ViewAudit,
    /// Move a prisoner to another cell.
    MoveCell,
    /// Place someone in a cell that breaks a hard rule the service marks overridable, with a written reason.
    OverrideAllocation,
    /// Record and close non-associations.
    ManageNonAssociations,
    /// Start and end segregation.
    Segregate,
    /// See violent-extremist (VEP) figures broken out in aggregate reports (Mandela Rule 9: need to know).
    ViewVepFigures,
    /// Add and change programmes, their schedules and cancelled sessions.
    ManageProgrammes,
    /// Refer someone to a programme, or decline a suggestion.
    ReferToProgramme,
    /// Give someone a place in a group, move them on the waitlist, withdraw or complete them.
    AllocateProgramme,
    /// Mark a session's register.
    RecordAttendance,
    /// Allocate past an overridable programme check (clash, release, unit, eligibility, mixed-group rule).
    OverrideProgramme,
    /// Keep a pre-release plan and its post-release referrals.
    PlanRelease,
    /// Change the station's settings: file access, allocation rules, shipped forms, restores.
    ConfigureStation,
    /// Copy the database to a backup file.
    Backup,
    /// Export one facility's register to a file (a disclosure, recorded with its reason).
    ExportFacility,
    /// Export the whole service's register to a file (a disclosure, recorded with its reason).
    ExportRegister,
    /// Take back the people an import admitted, while nothing has been recorded about them since.
    UndoImport,
    /// Read the national roll-ups over the sites' files at headquarters (people held at two sites are named).
    ViewNational,
}

impl Permission {
    pub const ALL: [Permission; 27] = [
        Permission::ViewRegister,
        Permission::EditPrisoner,
        Permission::Admit,
        Permission::Transfer,
        Permission::Release,
        Permission::ViewVepFlag,
        Permission::SetVepFlag,
        Permission::EditEstate,
        Permission::ManageUsers,
        Permission::ViewAudit,
        Permission::MoveCell,
        Permission::OverrideAllocation,
        Permission::ManageNonAssociations,
        Permission::Segregate,
        Permission::ViewVepFigures,
        Permission::ManageProgrammes,
        Permission::ReferToProgramme,
        Permission::AllocateProgramme,
        Permission::RecordAttendance,
        Permission::OverrideProgramme,
        Permission::PlanRelease,
        Permission::ConfigureStation,
        Permission::Backup,
        Permission::ExportFacility,
        Permission::ExportRegister,
        Permission::UndoImport,
        Permission::ViewNational,
    ];

    /// The permission's name in the audit trail and in `warden audit show` (stable: scripts filter on it).
    pub fn name(self) -> &'static str {
        match self {
            Permission::ViewRegister => "view-register",
            Permission::EditPrisoner => "edit-prisoner",
            Permission::Admit => "admit",
            Permission::Transfer => "transfer",
            Permission::Release => "release",
            Permission::ViewVepFlag => "view-vep",
            Permission::SetVepFlag => "set-vep-flag",
            Permission::EditEstate => "edit-estate",
            Permission::ManageUsers => "manage-users",
            Permission::ViewAudit => "view-audit",
            Permission::MoveCell => "move-cell",
            Permission::OverrideAllocation => "override-allocation",
            Permission::ManageNonAssociations => "manage-non-associations",
            Permission::Segregate => "segregate",
            Permission::ViewVepFigures => "view-vep-figures",
            Permission::ManageProgrammes => "manage-programmes",
            Permission::ReferToProgramme => "refer-to-programme",
            Permission::AllocateProgramme => "allocate-programme",
            Permission::RecordAttendance => "record-attendance",
            Permission::OverrideProgramme => "override-programme",
            Permission::PlanRelease => "plan-release",
            Permission::ConfigureStation => "configure-station",
            Permission::ExportFacility => "export-facility",
            Permission::ExportRegister => "export-register",
            Permission::UndoImport => "undo-import",
            Permission::ViewNational => "view-national",
            Permission::Backup => "backup",
        }
    }
}

/// On whose authority a write is made: a member of staff in a role (signed in on screen, or linked to the OS
/// account that ran a command), or warden itself for its own bookkeeping (migrations, putting guards back,
/// recording shipped forms, building a demo, counting failed sign-ins before anyone is signed in).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Authority {
    Staff(Role),
    System,
}

/// What a write needs from whoever makes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need<'a> {
    /// A permission from the role table.
    To(Permission),
    /// Filling in (starting, answering, finalising, amending, discarding, raising a review of) an assessment
    /// on this form: one of the form's `fill_roles`.
    FillForm { form: &'a str, roles: &'a [Role] },
    /// Approving or sending back an assessment on this form: one of the form's `approve_roles`.
    ApproveForm { form: &'a str, roles: &'a [Role] },
}

impl Need<'_> {
    /// The need's name in the audit trail: a permission's name, or `fill-form:ID` / `approve-form:ID`.
    pub fn name(&self) -> String {
        match self {
            Need::To(p) => p.name().to_string(),
            Need::FillForm { form, .. } => format!("fill-form:{form}"),
            Need::ApproveForm { form, .. } => format!("approve-form:{form}"),
        }
    }
}

/// The one place a write's authority is decided: the store asks here before every transaction.
pub fn allows(authority: Authority, need: Need) -> bool {
    let Authority::Staff(role) = authority else {
        return true;
    };
    match need {
        Need::To(p) => may(role, p),
        Need::FillForm { roles, .. } | Need::ApproveForm { roles, .. } => roles.contains(&role),
    }
}

/// May this viewer see records made on a restricted form (violent-extremism assessments and any instrument a
/// service marks `access = "restricted"`)? Only with the VEP permission (Mandela Rule 9: need to know); nobody
/// signed in sees none. warden's own bookkeeping sees everything.
pub fn sees_restricted(viewer: Option<Authority>) -> bool {
    match viewer {
        Some(Authority::System) => true,
        Some(Authority::Staff(role)) => may(role, Permission::ViewVepFlag),
        None => false,
    }
}

/// What a person who may not see restricted data reads where a rule built on it stops them (a cell the allocator
/// will not offer, a programme place it refuses): one neutral note that never names the assessment, its level or
/// its existence, the same for every such rule so that the wording itself tells nothing.
pub fn restricted_handling_note() -> String {
    crate::i18n::t("handling-security-placement")
}

/// Why a write was refused, in words the person can act on (never naming restricted data).
pub fn refusal_of(authority: Authority, need: Need) -> Option<String> {
    if allows(authority, need) {
        return None;
    }
    let Authority::Staff(role) = authority else {
        return None;
    };
    Some(match need {
        Need::To(p) => format!("a {role} may not {}", describe(p)),
        Need::FillForm { .. } => format!("a {role} may not fill in this form"),
        Need::ApproveForm { .. } => format!("a {role} may not approve this form"),
    })
}

/// The whole access policy in one table, so it can be read (and reviewed) at a glance.
pub fn may(role: Role, permission: Permission) -> bool {
    use Permission::*;
    use Role::*;
    match permission {
        ViewRegister => true,
        EditPrisoner | Admit | Transfer | Release => matches!(role, Officer | Supervisor | Admin),
        ViewVepFlag => matches!(role, Assessor | Supervisor | Admin),
        SetVepFlag => matches!(role, Assessor | Supervisor),
        EditEstate | ManageUsers => role == Admin,
        ViewAudit => matches!(role, Supervisor | Admin),
        MoveCell | ManageNonAssociations => matches!(role, Officer | Supervisor | Admin),
        OverrideAllocation | Segregate => role == Supervisor,
        ViewVepFigures => matches!(role, Assessor | Programme | Supervisor | Admin),
        ManageProgrammes => matches!(role, Programme | Supervisor | Admin),
        ReferToProgramme | PlanRelease => matches!(role, Assessor | Programme | Supervisor),
        AllocateProgramme => matches!(role, Programme | Supervisor),
        RecordAttendance => matches!(role, Officer | Programme | Supervisor),
        OverrideProgramme => role == Supervisor,
        ConfigureStation => role == Admin,
        Backup => matches!(role, Supervisor | Admin),
        // A bulk copy of people's records leaves the system: a supervisor for their facility, the whole
        // service's only by an administrator (Rule 9).
        ExportFacility => matches!(role, Supervisor | Admin),
        ExportRegister => role == Admin,
        // Deleting people from the register, even ones only just imported, is the station administrator's.
        UndoImport => role == Admin,
        // The roll-ups gather every site's figures and name the people two sites both hold: headquarters'
        // supervisors and administrators, as for the service-wide export and the audit trail.
        ViewNational => matches!(role, Supervisor | Admin),
    }
}

/// The roles that may do `permission`, from the table, as words ("an admin", "a supervisor or an admin").
pub fn who_may_describe(permission: Permission) -> String {
    let roles: Vec<String> = Role::ALL
        .into_iter()
        .filter(|r| may(*r, permission))
        .map(|r| {
            let article = if r.as_str().starts_with(['a', 'e', 'i', 'o', 'u']) {
                "an"
            } else {
                "a"
            };
            format!("{article} {r}")
        })
        .collect();
    match roles.as_slice() {
        [] => "an administrator".into(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

/// Why an action was refused, in words an officer can act on.
pub fn refusal(role: Role, permission: Permission) -> Option<String> {
    if may(role, permission) {
        None
    } else {
        Some(format!("a {role} may not {}", describe(permission)))
    }
}

fn describe(p: Permission) -> &'static str {
    match p {
        Permission::ViewRegister => "view the register",
        Permission::EditPrisoner => "edit prisoner records",
        Permission::Admit => "admit prisoners",
        Permission::Transfer => "transfer prisoners",
        Permission::Release => "release prisoners",
        Permission::ViewVepFlag => "see the violent-extremist flag",
        Permission::SetVepFlag => "set the violent-extremist flag",
        Permission::EditEstate => "change the estate",
        Permission::ManageUsers => "manage staff accounts",
        Permission::ViewAudit => "read the audit trail",
        Permission::MoveCell => "move prisoners between cells",
        Permission::OverrideAllocation => "override an allocation rule",
        Permission::ManageNonAssociations => "record or close non-associations",
        Permission::Segregate => "start or end segregation",
        Permission::ViewVepFigures => "see violent-extremist figures in reports",
        Permission::ManageProgrammes => "change programmes or their schedules",
        Permission::ReferToProgramme => "refer to programmes",
        Permission::AllocateProgramme => "allocate programme places",
        Permission::RecordAttendance => "mark programme registers",
        Permission::OverrideProgramme => "override a programme check",
        Permission::PlanRelease => "keep pre-release plans",
        Permission::ConfigureStation => "change the station's settings",
        Permission::Backup => "back up the database",
        Permission::ExportFacility => "export a facility's register",
        Permission::ExportRegister => "export the whole register",
        Permission::UndoImport => "undo an import",
        Permission::ViewNational => "read the national roll-ups",
    }
}

pub const MAX_FAILED_LOGINS: u32 = 5;
pub const LOCKOUT_MINUTES: i64 = 15;
pub const MIN_PASSWORD_CHARS: usize = 8;

/// What the register knows about an account when someone tries to sign in as it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountState {
    pub failed_logins: u32,
    pub locked_until: Option<DateTime<Utc>>,
    pub disabled: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginGate {
    /// Check the password.
    Open,
    /// Locked by an administrator until unlocked.
    Disabled,
    /// Locked after too many failures, until this moment.
    LockedUntil(DateTime<Utc>),
}

pub fn login_gate(state: &AccountState, now: DateTime<Utc>) -> LoginGate {
    if state.disabled {
        return LoginGate::Disabled;
    }
    match state.locked_until {
        Some(until) if until > now => LoginGate::LockedUntil(until),
        _ => LoginGate::Open,
    }
}

/// After a wrong password: the new failure count and, on the fifth, the lock's end.
pub fn after_failure(state: &AccountState, now: DateTime<Utc>) -> (u32, Option<DateTime<Utc>>) {
    // A lock that has run out starts the count again.
    let previous = match state.locked_until {
        Some(until) if until <= now => 0,
        _ => state.failed_logins,
    };
    let failures = previous + 1;
    if failures >= MAX_FAILED_LOGINS {
        (failures, Some(now + Duration::minutes(LOCKOUT_MINUTES)))
    } else {
        (failures, None)
    }
}

/// A refusal names the user form's "password" field.
pub fn check_new_password(password: &str) -> Result<(), FieldError> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        let why = format!("must be at least {MIN_PASSWORD_CHARS} characters");
        return Err(FieldError::new("password", why));
    }
    if password.chars().any(char::is_control) {
        return Err(FieldError::new(
            "password",
            "must not contain control characters",
        ));
    }
    Ok(())
}

/// A refusal names the user form's "name" field, and in its text the name refused ("user name 'x y': ...").
pub fn check_user_name(name: &str) -> Result<(), FieldError> {
    let ok = !name.is_empty()
        && name.len() <= 32
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if ok {
        Ok(())
    } else {
        Err(refused_name(
            name,
            "use 1-32 letters, digits, '.', '_' or '-'",
        ))
    }
}

/// A refusal of the user name typed, shown as "user name 'x': why".
pub fn refused_name(name: &str, why: &str) -> FieldError {
    let label = format!("user name '{}'", super::text::display(name));
    FieldError::new("name", why).labelled(label)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(min: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 1, 1, 8, 0, 0).unwrap() + Duration::minutes(min)
    }

    #[test]
    fn only_admins_manage_users_and_estate() {
        for role in Role::ALL {
            assert_eq!(may(role, Permission::ManageUsers), role == Role::Admin);
            assert_eq!(may(role, Permission::EditEstate), role == Role::Admin);
        }
    }

    #[test]
    fn officers_do_not_see_the_vep_flag_but_assessors_do() {
        assert!(!may(Role::Officer, Permission::ViewVepFlag));
        assert!(!may(Role::Programme, Permission::ViewVepFlag));
        assert!(may(Role::Assessor, Permission::ViewVepFlag));
        assert!(may(Role::Supervisor, Permission::ViewVepFlag));
    }

    #[test]
    fn officers_do_not_see_vep_figures_in_reports() {
        for role in Role::ALL {
            assert_eq!(
                may(role, Permission::ViewVepFigures),
                role != Role::Officer,
                "{role}"
            );
        }
    }

    #[test]
    fn programme_staff_cannot_move_people() {
        assert!(!may(Role::Programme, Permission::Transfer));
        assert!(!may(Role::Assessor, Permission::Admit));
        assert!(may(Role::Officer, Permission::Release));
        assert_eq!(
            refusal(Role::Programme, Permission::Release).as_deref(),
            Some("a programme may not release prisoners")
        );
    }

    #[test]
    fn only_supervisors_override_allocation_rules_or_segregate() {
        for role in Role::ALL {
            assert_eq!(
                may(role, Permission::OverrideAllocation),
                role == Role::Supervisor
            );
            assert_eq!(may(role, Permission::Segregate), role == Role::Supervisor);
        }
        assert!(may(Role::Officer, Permission::MoveCell));
        assert!(!may(Role::Programme, Permission::MoveCell));
        assert!(!may(Role::Assessor, Permission::ManageNonAssociations));
    }

    #[test]
    fn programme_staff_run_rosters_and_only_supervisors_override_them() {
        use Permission::*;
        assert!(may(Role::Programme, AllocateProgramme));
        assert!(!may(Role::Officer, AllocateProgramme));
        assert!(may(Role::Officer, RecordAttendance));
        assert!(!may(Role::Assessor, RecordAttendance));
        assert!(may(Role::Assessor, ReferToProgramme));
        assert!(!may(Role::Admin, ReferToProgramme));
        for role in Role::ALL {
            assert_eq!(may(role, OverrideProgramme), role == Role::Supervisor);
        }
    }

    #[test]
    fn fifth_failure_locks_for_fifteen_minutes() {
        let mut s = AccountState {
            failed_logins: 0,
            locked_until: None,
            disabled: false,
        };
        for i in 1..=4 {
            let (n, lock) = after_failure(&s, t(0));
            assert_eq!((n, lock), (i, None));
            s.failed_logins = n;
        }
        let (n, lock) = after_failure(&s, t(0));
        assert_eq!(n, 5);
        assert_eq!(lock, Some(t(15)));
        s.failed_logins = n;
        s.locked_until = lock;
        assert_eq!(login_gate(&s, t(14)), LoginGate::LockedUntil(t(15)));
        assert_eq!(login_gate(&s, t(15)), LoginGate::Open);
        // After the lock runs out the count starts again rather than re-locking at once.
        assert_eq!(after_failure(&s, t(16)), (1, None));
    }

    #[test]
    fn disabled_accounts_stay_closed() {
        let s = AccountState {
            failed_logins: 0,
            locked_until: None,
            disabled: true,
        };
        assert_eq!(login_gate(&s, t(0)), LoginGate::Disabled);
    }

    #[test]
    fn roles_parse_from_cli_words() {
        assert_eq!("Supervisor".parse::<Role>(), Ok(Role::Supervisor));
        assert!("warden".parse::<Role>().is_err());
    }

    #[test]
    fn names_and_passwords_are_checked() {
        assert!(check_user_name("a.okello").is_ok());
        assert!(check_user_name("bad name").is_err());
        assert!(check_user_name("").is_err());
        assert!(check_new_password("short").is_err());
        assert!(check_new_password("long enough").is_ok());
    }
}
