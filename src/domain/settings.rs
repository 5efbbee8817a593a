//! The station's settings by name: every key the `setting` table holds, in one place, so a setting is a type the
//! compiler checks and not a string written again in each module that reads it.

use std::borrow::Cow;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Setting {
    /// The prison service named on every page header.
    ServiceName,
    /// The confidentiality line printed under every page header.
    PrintConfidentiality,
    /// N for "classification not done within N days of admission".
    ClassificationDays,
    /// The line to terminals is slow (`1`): screens hold back costly redraws.
    SlowLink,
    /// Who may open the database and log files (owner only, or also their group).
    FileAccess,
    /// This station's key for signing person's files, and its name. The key is written without an audit row (the
    /// audit trail is read by supervisors; the key would let them sign as the station), and read only to sign.
    StationSigningKey,
    StationName,
    /// The allocation rules' policy choices.
    AllocationRules,
    /// Remand limits by offence class.
    RemandLimits,
    /// The release rules: credit for time on remand, and remission.
    ReleaseRemandCredit,
    ReleaseRemission,
    /// The minimum age of criminal responsibility, for the custody alerts.
    MinAgeInCustody,
    /// The pattern of new prison numbers.
    NumberPattern,
    /// Seconds without a key before the screen locks.
    IdleLockSeconds,
    /// A demonstration database: the country profile, size, seed and station it was built from, and its accounts
    /// in words for the sign-in screen.
    DemoCountry,
    DemoSize,
    DemoSeed,
    DemoSite,
    DemoAccounts,
    /// One person's last print choice (format, paper, destination).
    PrintChoice(String),
}

impl Setting {
    /// The key in the `setting` table.
    pub fn key(&self) -> Cow<'static, str> {
        Cow::Borrowed(match self {
            Setting::ServiceName => "service_name",
            Setting::PrintConfidentiality => "print_confidentiality",
            Setting::ClassificationDays => "classification_days",
            Setting::SlowLink => "slow_link",
            Setting::FileAccess => "file_access",
            Setting::StationSigningKey => "station_signing_key",
            Setting::StationName => "station_name",
            Setting::AllocationRules => "allocation_rules",
            Setting::RemandLimits => "remand_limits",
            Setting::ReleaseRemandCredit => "release_remand_credit",
            Setting::ReleaseRemission => "release_remission",
            Setting::MinAgeInCustody => "min_age_in_custody",
            Setting::NumberPattern => "number_pattern",
            Setting::IdleLockSeconds => "idle_lock_seconds",
            Setting::DemoCountry => "demo_country",
            Setting::DemoSize => "demo_size",
            Setting::DemoSeed => "demo_seed",
            Setting::DemoSite => "demo_site",
            Setting::DemoAccounts => "demo_accounts",
            Setting::PrintChoice(user) => return Cow::Owned(format!("print.{user}")),
        })
    }

    /// Every setting with a fixed key.
    pub const FIXED: [Setting; 19] = [
        Setting::ServiceName,
        Setting::PrintConfidentiality,
        Setting::ClassificationDays,
        Setting::SlowLink,
        Setting::FileAccess,
        Setting::StationSigningKey,
        Setting::StationName,
        Setting::AllocationRules,
        Setting::RemandLimits,
        Setting::ReleaseRemandCredit,
        Setting::ReleaseRemission,
        Setting::MinAgeInCustody,
        Setting::NumberPattern,
        Setting::IdleLockSeconds,
        Setting::DemoCountry,
        Setting::DemoSize,
        Setting::DemoSeed,
        Setting::DemoSite,
        Setting::DemoAccounts,
    ];
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_is_its_own() {
        let mut keys: Vec<String> = Setting::FIXED
            .iter()
            .map(|s| s.key().into_owned())
            .collect();
        keys.push(Setting::PrintChoice("ana".into()).key().into_owned());
        let n = keys.len();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), n, "two settings share a key");
        assert!(keys.iter().all(|k| !k.contains(' ')));
    }
}
