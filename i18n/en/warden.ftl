# warden's English messages. One message per key; `{ $name }` is an argument the code fills in.
# Keys are grouped by where they are seen; keep each sentence within 80 columns once filled in.

## The catalogue's own check (src/i18n.rs)
i18n-selftest = Hello, { $name }

## Need-to-know (src/domain/auth.rs): the one note shown where a rule built on restricted data stops a person
## who may not see that data. It must never name the assessment, its level or its existence.
handling-security-placement = security placement: ask a supervisor

## The audit trail screen (src/tui/screens/audit.rs)
audit-title = Audit trail
audit-help = Every change, sign-in and refusal, newest first, as `warden audit show` prints it (the latest { $shown } rows that match). Up and Down move; the selected row's user, before and after are shown under the list. / opens the filter: from and to a day (YYYY-MM-DD), a user, a kind of thing (prisoner, staff, assessment, permission ...), one thing's id, an action (update, refused, login-failed ...). Empty fields match everything. Opening this screen and each filter are themselves recorded in the trail.
audit-key-filter = filter
audit-rows = { $count ->
    [one] 1 row
   *[other] { $count } rows
}
audit-rows-capped = latest { $count } rows
audit-filter-line = Filter: { $filter }
audit-filter-none = none
audit-empty = No audit rows match the filter.
audit-cannot-read = Cannot read the audit trail: { $error }
audit-col-id = Row
audit-col-when = When (UTC)
audit-col-who = Who
audit-col-action = Action
audit-col-about = About
audit-detail-actor = User
audit-detail-before = Before
audit-detail-after = After
audit-filter-title = Filter the audit trail
audit-filter-about = Empty fields match everything. Days are YYYY-MM-DD.
audit-filter-since = From day
audit-filter-until = To day
audit-filter-actor = User
audit-filter-entity = Kind
audit-filter-id = Id
audit-filter-action = Action
audit-filter-apply = apply
audit-filter-applied = Audit trail filtered: { $filter }.
audit-filter-bad-date = not a day; type it as YYYY-MM-DD
audit-filter-until-before-since = the last day is before the first

## The last messages (F9, src/tui/screens/messages.rs)
messages-key = messages
messages-title = Messages
messages-heading = The last messages, newest first
messages-none = No message yet.
messages-help = The status line above the footer shows one message at a time and the next key clears it. The last { $kept } messages are kept here, whole, newest first, with the time each was given (UTC). F9 opens this list from any screen; Up and Down scroll; Esc or F9 goes back.

## The register's edit form (src/tui/screens/prisoner_form.rs); with its reason it must fit two lines of 79.
edit-changed-meanwhile = { $why } Typing kept: F2 saves it over theirs, Esc twice leaves.

## Assessment drafts (src/tui/screens/assessment.rs, assessment_pick.rs, src/store/assessments.rs)
assessment-left-untouched = Left without answering anything: no draft was kept.
assessment-cannot-discard = The empty draft could not be thrown away: { $error }
assessment-draft-resumed = You have a draft of this form about them: it is continued, not started again.
assessment-draft-exists = you already have a draft of { $form } about them; continue it (A on the record, or My drafts)

## Home (src/tui/screens/home.rs)
home-back = This is the home screen: F10 logs out, Ctrl-Q quits warden.

## Keys that found nothing to act on (src/tui/app.rs)
keys-at-top = Already at the top.
keys-at-end = Already at the end.
keys-nothing-selected = Nothing is selected here: the list is empty.

## Read-only databases (src/cli, src/tui/app.rs)
print-not-recorded-read-only = warden print: not recorded in the audit trail (the database is read-only here)
audit-show-not-recorded-read-only = warden audit show: this read is not recorded in the trail (the database is read-only here)
tui-read-only-mark = read-only
tui-read-only-welcome = This database is read-only here: look, search and print; nothing can be changed.

## What stored text may hold (src/domain/text.rs)
text-refused = a control or text-direction character ({ $code }) is not accepted

## Typing and pasting (src/tui/app.rs, src/tui/widgets/input.rs)
input-refused = Not typed: a control or text-direction character ({ $code }) is not accepted.
keys-clear-to-start = clear to start
