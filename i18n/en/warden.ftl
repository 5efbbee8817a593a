# warden's English messages. One message per key; `{ $name }` is an argument the code fills in.
# Keys are grouped by where they are seen; keep each sentence within 80 columns once filled in.

## The catalogue's own check (src/i18n.rs)
i18n-selftest = Hello, { $name }

## Need-to-know (src/domain/auth.rs): the one note shown where a rule built on restricted data stops a person
## who may not see that data. It must never name the assessment, its level or its existence.
handling-security-placement = security placement: ask a supervisor

## The audit trail screen (src/tui/screens/audit.rs)
audit-title = Audit trail
audit-help = Every change, sign-in and refusal, newest first, as `warden audit show` prints it (the latest { $shown } rows that match). { $key-up } and { $key-down } move; the selected row's user, before and after are shown under the list. { $key-search } opens the filter: from and to a day (YYYY-MM-DD), a user, a kind of thing (prisoner, staff, assessment, permission ...), one thing's id, an action (update, refused, login-failed ...). Empty fields match everything. Opening this screen and each filter are themselves recorded in the trail.
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
messages-help = The status line above the footer shows one message at a time and the next key clears it. The last { $kept } messages are kept here, whole, newest first, with the time each was given (UTC). { $key-messages } opens this list from any screen; { $key-up } and { $key-down } scroll; { $key-back } or { $key-messages } goes back.

## The register's edit form (src/tui/screens/prisoner_form.rs); with its reason it must fit two lines of 79.
edit-changed-meanwhile = { $why } Typing kept: F2 saves it over theirs, Esc twice leaves.

## Assessment drafts (src/tui/screens/assessment.rs, assessment_pick.rs, src/store/assessments.rs)
assessment-left-untouched = Left without answering anything: no draft was kept.
assessment-cannot-discard = The empty draft could not be thrown away: { $error }
assessment-draft-resumed = You have a draft of this form about them: it is continued, not started again.
assessment-draft-exists = you already have a draft of { $form } about them; continue it (A on the record, or My drafts)

## Assessments as made and as decided (src/tui/screens/assessment_view.rs, assessment_review.rs, assessment_pick.rs)
assessment-row-judged = Assessed result
assessment-review-overridden = { $label }: { $level } (override; the { $scored } it gave stays on record)
assessment-review-no-override = none (type a number)
assessment-review-pick-level = Choose the override by its number, 1 to { $n }, or Left and Right.
assessment-view-pending = Finalised, awaiting approval.
assessment-view-approved = Finalised, approved by { $by }.
assessment-view-final = Finalised.
assessment-view-sent-back = Sent back by { $by }: { $reason }
assessment-view-amend-key = amend
assessment-view-may-not-amend = Your role may not amend this assessment, or a later revision exists.
assessment-view-cannot-open = Cannot open the assessment: { $error }
assessment-view-scroll-key = scroll
assessment-pick-final = Finalised: { $form } of { $date }{ $revision } ({ $result })
assessment-pick-final-revision = {" "}rev { $revision }
assessment-from-record-mark = (record)
assessment-from-record-hint = Taken from the register record; change it here if it is wrong for this assessment.
assessment-after-admission = Next: { $form }. Esc without answering leaves it for later.

## Home (src/tui/screens/home.rs)
home-back = This is the home screen: F10 logs out, Ctrl-Q quits warden.

## Keys that found nothing to act on (src/tui/app.rs)
keys-at-top = Already at the top.
keys-at-end = Already at the end.
keys-nothing-selected = Nothing is selected here: the list is empty.
keys-clear-to-start = clear to start

## Read-only databases (src/cli, src/tui/app.rs)
print-continued = { $heading } (continued)
print-not-recorded-read-only = warden print: not recorded in the audit trail (the database is read-only here)
audit-show-not-recorded-read-only = warden audit show: this read is not recorded in the trail (the database is read-only here)
tui-read-only-mark = read-only
tui-read-only-welcome = This database is read-only here: look, search and print; nothing can be changed.

## What stored text may hold (src/domain/text.rs)
text-refused = a control or text-direction character ({ $code }) is not accepted

## Typing and pasting (src/tui/app.rs, src/tui/widgets/input.rs)
input-refused = Not typed: a control or text-direction character ({ $code }) is not accepted.

## Help paragraphs: what F1 says about each screen (src/tui/screens/*.rs, `fn help`). Keys are never written by
## hand: `{ $key-<action> }` is the key the footer shows for that action (src/tui/keymap.rs, `key_args`), so the
## prose follows the key table. The audit trail's and the messages' paragraphs are with their screens above.
allocate-help = Cells in this facility that break none of the hard rules (Mandela Rule 11: men and women, untried and convicted, civil and criminal, young and adult apart; custody level; cells out of use or full; non-associations), best first. The lines under the list say why the selected cell scores as it does. { $key-select } chooses it; give the reason and a comment, then { $key-save }. A supervisor may choose a refused cell whose rules the service marks overridable, giving an override reason. The move is checked again as it is saved: if someone filled the cell meanwhile you are told what changed and the list is refreshed. { $key-all-facilities } ranks the cells of every facility instead (and back): choosing one elsewhere transfers the person there and places them in one step, with the authority for the transfer; every rule is checked again as it is saved.
assessment-help = An assessment form, one section at a time. Every answer is saved to your draft as soon as it is entered, so you can leave ({ $key-back }) and come back from the record, even after a power cut. Pick a choice by its number (y/n for yes or no); type numbers, text and dates (YYYY-MM-DD) and press { $key-select }. { $key-up } and { $key-down } move between questions, { $key-page-down } and { $key-page-up } between sections, { $key-next-issue } goes to the next question still unanswered or not accepted. * marks a required question. { $key-save } shows the scores and the result before you finalise.
assessment-pick-help = The assessments you may fill in about this person or facility, with your unfinished drafts about it first, and after the forms each finalised assessment on a form you fill in or approve. { $key-select } starts one (answers the register already holds, such as sex and date of birth, are filled in for you and marked as taken from the record), continues a draft where you left it, or opens a finalised assessment read-only; amending it is a separate key there. On a finalised assessment, { $key-request-review } records an event the form names as a review trigger (a new conviction, a disciplinary finding, self-harm ...): its review falls due that day and shows in Reviews due.
assessment-queues-help = Assessments waiting for someone. Approvals: finalised assessments that need a second person (every one of some forms, an overridden result on others), oldest first; { $key-select } shows the scores, the result, the override and its reason, and { $key-save } approves (nobody may approve their own). My drafts: { $key-select } continues one where you left it, { $key-withdraw } discards one (after asking). Sent back to me: your assessments an approver sent back, with their reason; { $key-select } opens an amendment (a new revision with your answers) to correct and finalise again. Reviews: people whose assessment is due for review within 30 days or overdue (or brought forward by an event such as a disciplinary finding), by facility; { $key-select } opens the record.
assessment-approval-help = A finalised assessment awaiting approval: the result the scores (or the assessor's judgement, as on a woman's gender-sensitive assessment) gave, any override chosen and the reason written for it, then the totals of the scales that applied and every other answer with its reasons. { $key-save } approves it and the overridden result takes effect; the author cannot approve their own. { $key-withdraw } sends it back to its author with your reason instead: it then no longer counts (a pending override never took effect), and the author finds it under 'Sent back to me' to amend.
assessment-review-help = The scores before you finalise: each total of a scale that applied with its band and the answers that produced it, then every other answer by section (a woman's gender-sensitive assessment and its reasons, which no scale scores), which scroll with { $key-page-down } and { $key-page-up }. Below them, always in view: the result (with any mandatory override and its reason) and the next review date. To choose another result, type its number or step with { $key-left } and { $key-right }: the field names the level, and the result and review date shown become the override's. Then write a reason ({ $key-next-field } moves between them); a supervisor must approve it. { $key-save } finalises and locks the assessment; { $key-back } goes back to the form.
assessment-view-help = A finalised assessment, read-only: the decision (the result the scores or the assessor's judgement gave, any override with its reason, the result in force and the next review), then the totals of the scales that applied and every other answer, as recorded with the form's own version. Nothing here changes it. { $key-page-down } and { $key-page-up } scroll. To correct it, { $key-edit } amends it: a new revision with your reason opens as your draft with the same answers, and this one stays as it was (offered to the roles that may fill the form in). { $key-request-review } records an event that brings its review forward. { $key-back } goes back.
estate-facilities-help = The estate, level by level: facilities, their units (wings), the cells in a unit, and the people in a cell. { $key-select } goes down a level, { $key-back } back up. Capacity is certified normal accommodation (CNA); occupancy over 100% means overcrowding and is shown as it is. Administrators press { $key-new } for a new entry and { $key-edit } to edit the selected one; a cell is taken out of use by giving a reason. On a facility, { $key-assess } fills in its own instruments (the security audit, the Mandela Rules compliance checklist) for the roles the forms allow.
estate-help = The estate, level by level: facilities, their units (wings), the cells in a unit, and the people in a cell. { $key-select } goes down a level, { $key-back } back up. Capacity is certified normal accommodation (CNA); occupancy over 100% means overcrowding and is shown as it is. People in one cell who must be kept apart are marked APART!. Administrators press { $key-new } for a new entry and { $key-edit } to edit the selected one; a cell is taken out of use by giving a reason.
estate-form-help = Codes are short (letters, digits, - _ . /) and unique within their level. Capacities rise from certified to operational to the absolute maximum. Give a reason to take a cell out of use; clear it to bring the cell back. { $key-save } saves, { $key-back } leaves without saving.
help-help = { $key-back } closes the help.
home-help = The home screen lists what your role may do. Move with the arrow keys and press { $key-select }, or press { $key-search } to find a prisoner at once. The counts on the right are the whole service now: people in custody, the share on remand, and how full the estate is against its certified capacity (over 100% means overcrowded; it is shown as it is, not clipped). Supervisors also see who is in segregation (warning from day 10, alert from day 15), and everyone held past their expected release date.
movement-help = Record who authorised the move (a court, the commissioner) and why. The time defaults to now, in UTC. { $key-save } saves; the record keeps both the old and the new place, and nothing is deleted.
non-association-help = People this person must be kept apart from: open ones first, then closed ones, which stay on the record. The allocator never offers a cell that would bring the two within the scope (the same cell, unit or facility). { $key-new } records a new one: the other person, found as you type their name or number (the same search as the search screen; { $key-up } and { $key-down } in that field choose among those found, and the top line names the one chosen before you save), each one's role, the reason, the scope, a comment (required) and, if it is to lapse, the last day (YYYY-MM-DD). { $key-select } on an open one closes it with a reason. Both records show it.
occupancy-help = How full the estate is against its certified normal capacity (CNA), most overcrowded first. Oper. is the operational capacity, Held the people held, Occ. the share of certified capacity: over 100% is overcrowding and is shown as it is, 300% and more included. The rows after the facilities are the regions and the nation. { $key-select } opens a facility's units, a unit's cells, a cell's occupants and then a person's record; on a region it shows that region's facilities. { $key-back } goes back up.
person-programmes-help = Suggestions come from the person's newest needs screen: a programme at their facility that meets one of their needs and that nobody has acted on yet. { $key-refer } refers them (they join the programme's waitlist); { $key-withdraw } declines a suggestion with a reason so it is not suggested again. Below are every referral and place with its status and attendance so far; places are given on the programme's screen, where the checks run. { $key-next-field } shows the person's timetable for a week, with court dates; { $key-left }/{ $key-right } change the week, { $key-print } prints it. { $key-edit } opens the pre-release plan.
print-preview-help = The report as it will print: page headers with the service, facility, period, page numbers and who printed it. { $key-next-field } moves between the choices; { $key-left } and { $key-right } change one; type a printer name (empty is the station's default printer). 'To' is the station's printer (lp), the printer attached to your own terminal (PuTTY or xterm; text only), or a file in prints/ beside the database. { $key-select } or { $key-print } prints; every print is written to the audit trail and your choice is kept for next time.
prisoner-form-help = { $key-next-field } or { $key-down } moves to the next field, { $key-prev-field } or { $key-up } to the one before. Type to change a field; for fields shown as < choice >, { $key-left } and { $key-right } change the choice, or type its first letters. Dates are YYYY-MM-DD; a date of birth may be a year alone. Lists (aliases, languages, court dates) are separated by ';'. { $key-save } saves; anything wrong is marked with '!' and named on the message line, and nothing is saved until all is right. { $key-back } twice leaves without saving.
programme-help = { $key-next-field } moves between the group, the waitlist and the week's sessions. On the waitlist, { $key-allocate } gives the selected person a place: every check runs first (capacity, non-associations with anyone in the group, clashes with their other sessions, release before the programme ends, access from their unit, eligibility and the mixed-group rule for violent-extremist prisoners). A refusal is explained; a supervisor may give the place anyway with a reason, except when the group is full or someone in it must be kept apart. The waitlist order is release first, then matching needs, then time waited, and each line says why. { $key-waitlist } puts a referral on the waitlist, { $key-withdraw } withdraws (a reason is asked). In the group, { $key-complete } marks a place completed when the attendance rule is met; APART! marks two members who must now be kept apart (a non-association made after both had their places): withdraw one. In the sessions, { $key-left }/{ $key-right } change week and { $key-select } opens the register; { $key-cancel-session } cancels a session with a reason. { $key-print } prints this programme's roster for the week on show.
programme-form-code = Code
programme-form-name = Name
programme-form-category = Category
programme-form-provider = Provider
programme-form-facilitators = Facilitators (a, b)
programme-form-room = Room
programme-form-capacity = Places
programme-form-slots = Weekly sessions
programme-form-starts = Starts (YYYY-MM-DD)
programme-form-ends = Ends (YYYY-MM-DD)
programme-form-completion = Completion at %
programme-form-vep-share = Most VEP share %
programme-form-needs = For needs (empty: any)
programme-form-units = Units (empty: all)
programme-form-custody = Custody (empty: any)
programme-form-legal = Legal (empty: any)
programme-form-sex = Sex
programme-form-age = Age group
programme-form-whole-number = a whole number from { $lo } to { $hi }
programme-form-bad-date = a date like 2027-01-29
programme-form-not-one-of = '{ $word }' is not one of: { $choices }
programme-form-pick = pick one with the arrow keys
programme-form-saved = Programme { $code } saved.
programme-form-new-title = New programme
programme-form-edit-title = Change programme { $code }
programme-form-help = A programme and its weekly sessions. The provider is "staff" or the organisation that runs it. Type the sessions as day and times, separated by commas: "Mon 09:00-11:00, Wed 09:00-11:00". Lists (facilitators, needs, units, custody levels, legal status) are separated by commas; an empty eligibility field means anyone. { $key-next-field } moves between fields, { $key-left } and { $key-right } change a choice, { $key-save } saves. The same checks as the programme file run first; a change that would break a rule for someone who holds a place (fewer places than the group, a session at a time they are elsewhere) is refused and names them: withdraw them first. A session with registers on record keeps its day and times.
programmes-no-facility = No facility to make a programme in: an administrator adds the estate first.
programmes-help = Every programme of one facility that has not ended: category, provider (prison staff or a named organisation), places taken of the capacity, people waiting, and the weekly sessions. { $key-left } and { $key-right } change facility. { $key-select } opens a programme: its group, its waitlist in the order places are offered, and the week's sessions with their registers. { $key-unlock } shows the unlock list; { $key-print } prints the facility's roster for the week. { $key-search } narrows the list to programmes whose name or facilitator contains what you type (a facilitator's own list). The programme coordinator makes a programme with { $key-new } and changes the selected one with { $key-edit }.
prompt-help = Fill in what is asked and press { $key-save }; { $key-back } leaves without doing anything (press it twice if you have typed).
record-help = The whole register record. { $key-up }, { $key-down } and the page keys scroll. { $key-edit } edits the particulars, { $key-transfer } transfers to another facility, { $key-move-cell } changes the cell (ranked under the separation rules), { $key-release } records a release; each asks for the authority and the reason. { $key-keep-apart } lists, records and closes non-associations (people this person is kept apart from). { $key-new } records a case (warrant), the sentence on a case or a court order's release date, corrects a case as entered, or removes one entered in error with the reason; the expected release below the legal fields is worked out from the cases, with each step shown, beside the next court date. Supervisors press { $key-segregate } to start or end segregation, and { $key-age-review } to record whether someone who turned 18 in a unit for young prisoners stays there or moves, and why, or, for someone in a temporary cell (TEMPORARY CELL in the heading: placed against a rule by a supervisor), to keep them there until a new review date, with the reason; moving them to a cell that breaks no rule ends it. Nothing is ever deleted: the custody history at the bottom keeps every admission, transfer and release.
register-help = The people holding a place on the session's day. Press { $key-all-attended } to mark everyone not yet marked as attended, then move to anyone who was not there and press { $key-select } to record why: sick, refused, court, legal visit, lockdown, transferred, released, or other (with a comment). Court, legal visits, lockdown and sickness do not count against completion. Each mark is saved at once and written to the audit trail; a session in the future cannot be marked. { $key-print } prints the day's attendance sheets: marks where recorded, boxes to tick where not.
release-plan-help = The pre-release plan: whether identity documents are ready, where the person will live, notes, and the organisations that take over after release with a contact and the first appointment. The programmes completed and the needs still open (from the newest needs screen, less what completed programmes met) are worked out, not typed. { $key-edit } edits the plan; { $key-new } adds a post-release referral.
releases-due-help = People in custody whose expected release falls within the next 30, 60 or 90 days ({ $key-left }/{ $key-right }), soonest first, with the state of their pre-release plans: whether a plan exists, documents are ready, how many post-release referrals are made and how many needs are still open. { $key-select } opens the plan.
reports-help = Reports as they would be printed: placements that break a hard rule today, occupancy and overcrowding, segregation, reviews due and overdue, the classification distribution, days on remand, the Mandela Rules compliance summary, the roster reports, people held past release, the day's court production list and people on remand past the statutory limit. { $key-left } and { $key-right } choose the facility (or all), { $key-next-field } and { $key-prev-field } the week; { $key-select } opens a report, { $key-print } goes straight to the print preview. The same reports come from `warden print KIND` (see `warden print --help`).
report-no-such-programme = programme: no programme { $code } in this facility (warden programmes list shows the codes)
report-programme-roster-only = --programme: only the programme roster is printed for one programme
report-view-help = The report as it will print, without the page headers. { $key-up }, { $key-down } and the page keys scroll; { $key-print } opens the print preview (format, printer, copies); { $key-back } goes back. The aggregate reports also show their figures as bars. On the court production list { $key-left } and { $key-right } choose the day (today or later).
search-help = Type a prison number or part of one, or words of a name in any order, each the start of a family name, given name, alias or Latin spelling ("brian sse" finds Ssebunya Brian), in the name's own script or in Latin letters (nurlanov finds Нурланов); case and accents do not matter (dang finds Đặng), and three letters or more also find a name that has them inside. A person found through an alias says so: (alias: ...). The list updates as you type; on a slow line it updates when you stop typing for a moment, or at once on { $key-select } or { $key-down }, and shows the best 8 at a time ({ $key-page-down } for more). { $key-up } and { $key-down } choose a person, { $key-select } opens the record. People in custody are listed before those released. APART! marks two people in the list who must be kept apart (a non-association in force); the record says with whom.
segregation-help = Segregation (solitary confinement: 22 hours or more a day without meaningful human contact) is recorded with the time it began and the reason. Supervisors see everyone in segregation on their home screen: a warning from day 10 and an alert from day 15, since confinement beyond 15 consecutive days is prohibited (Mandela Rules 43-45). Times are UTC and default to now; { $key-save } saves.
unlock-help = Who leaves their unit for a programme session on the day, in time order, with their cell, where they go and alerts: a medical flag, or someone they must be kept apart from who is out at the same time. { $key-left } and { $key-right } change the day; { $key-next-field } goes through the units (or every unit). Cancelled sessions are left out. { $key-print } prints the list as shown, with boxes to tick out and back.
unplaced-help = Everyone in custody who has no cell, newest admission first. { $key-select } opens the change-cell screen for the selected person: the cells of their facility that break no hard rule, best first, with the reasons. { $key-all-facilities } opens it with the cells of every facility instead: choosing one elsewhere transfers the person there and places them, as one recorded move. When nobody is left here, every admission has a cell.
users-help = Every person has their own account; never share one. { $key-new } adds an account, { $key-toggle-lock } locks or unlocks the selected one (unlocking also clears a lock after wrong passwords), { $key-set-password } sets a new password. Roles: officer (register, moves), assessor (assessments, sees the extremism flag), programme (rosters), supervisor (approvals, reports), admin (estate and accounts).
user-form-help = User names are 1-32 letters, digits, '.', '_' or '-'. Passwords need at least 8 characters and are stored only as an argon2id hash. { $key-save } saves.

## Cases, sentences and the expected release (src/domain/sentence.rs)
case-required = required
case-too-long = at most { $max } characters (this has { $count })
case-expires-before-issued = expires before the warrant was issued ({ $issued })
case-sentence-ends-before-start = ends on or before its start ({ $start })
case-sentence-before-committal = starts before the person was committed on this case ({ $committed })
case-relation-self = a sentence cannot run with or after itself
case-relation-unknown = { $case } names a case that is not this person's or has no sentence
case-relation-cycle = consecutive sentences point at each other: { $cases }
case-remove-named = { $case } runs after or with this case: correct { $case } first
working-term = { $case }: { $length } from { $start }, full term ends { $end }
working-consecutive = { $case }: { $length } after { $after }, from { $start }, full term ends { $end }
working-life = { $case }: life sentence: no release date unless a court orders one
working-after-life = { $case }: runs after a life sentence: no release date
working-not-sentenced = No sentence yet: held on warrant, no release date
working-chain = { $cases } served as one term: { $days } days, { $start } to { $end }
working-remission = Remission { $fraction } of { $term } days on { $cases }: { $days } days off
working-remission-too-short = No remission on { $cases }: terms of { $min } days or less get none
working-no-remission = Remission: none (setting: none)
working-remand-credit = Remand credit on { $cases }: { $days } days in custody before sentence
working-no-remand-credit = Remand: not deducted by the prison (setting: none)
working-chain-release = { $cases }: release { $date }
working-computed = Expected release: { $date }
working-court-order = Court order: release on { $date } ({ $reason })
case-field-warrant-ref = Warrant reference
case-field-court = Court
case-field-offence = Offence
case-field-warrant-expires = Warrant expires
case-field-sentence-length = Sentence length
case-field-sentence-start = Sentence start
case-field-sentence-relation = Runs with or after
case-field-override-reason = Order and reason
case-field-removal-reason = Why it is removed

## Past release: the report and the supervisors' panel on Home (src/report/release.rs, src/tui/screens/home.rs)
past-release-none = Nobody in custody has an expected release date before { $today }.
past-release-summary = { $count } in custody with an expected release date before { $today }; the oldest { $oldest } days past. Detention past release is unlawful.
past-release-col-date = Release
past-release-col-days = Days
past-release-col-number = Number
past-release-col-name = Name
past-release-col-facility = Facility
past-release-col-basis = Basis
past-release-basis-order = order
past-release-basis-sentence = sentence
past-release-action = Release each person now, or record the basis of further detention: a new case, or a court order's date with its reason. Days: days held past the date.
home-past-release-title = Past release date
home-past-release-none = Nobody is held past release.
home-past-release-days = { $days } days

## The court production list and the remand-limit report (src/report/court.rs)
court-day-past = the production list is for today ({ $today }) or a later day, not { $day }; a past day's list would be taken for today's
court-period = Court day: { $day }
court-none = Nobody in custody has a court date on { $day }.
court-summary = { $people } to produce at { $courts ->
    [one] one court
   *[other] { $courts } courts
} on { $day }, grouped by court. Tick Out as each person leaves and Back as each returns.
court-heading = { $court } ({ $people })
court-col-court = Court
court-col-number = Number
court-col-name = Name
court-col-cell = Cell
court-col-case = Case
court-col-out = Out
court-col-back = Back
court-no-cell = waiting
court-no-case = record
court-alert-child = ALERT: under 18: must not travel or wait with adults (Rule 11d).
court-alert-medical = ALERT: medical alert on the record.
court-alert-keep-apart = ALERT: keep apart from { $numbers }, also on this day's list.
court-also = Also remanded by: { $courts }. Check the warrant.
court-sign-out = Out at __:__  Escort in charge ___________________  Signature ______________
court-sign-back = Back at __:__  Received by ________________________  Signature ______________
court-footnote = Court: from the case whose remand warrant runs to this day, else the latest case on remand; "record": no case recorded, the committing authority on the record.
remand-limit-unset = No remand limit is set for this station, so nobody can be listed: set the limits with warden case rules --remand-limits (docs/SENTENCES.md).
remand-limit-limits = Limits in days by offence class: { $limits } (setting remand_limits; sources in docs/SENTENCES.md).
remand-limit-none = No case of the { $remand } people on remand is past its limit on { $today }.
remand-limit-summary = { $people } of the { $remand } people on remand { $people ->
    [one] is
   *[other] are
} past the limit for their offence class on { $today } ({ $cases ->
    [one] one case
   *[other] { $cases } cases
}); the longest { $longest } days over.
remand-limit-without-cases = { $count ->
    [one] One person on remand has
   *[other] { $count } people on remand have
} no case on remand recorded, so no limit can be applied: record their warrants (n on the record).
remand-limit-col-over = Over
remand-limit-col-days = Days
remand-limit-col-limit = Limit
remand-limit-col-number = Number
remand-limit-col-name = Name
remand-limit-col-class = Class
remand-limit-col-facility = Facility
remand-limit-case = { $case }, { $court }, committed { $committed }
remand-limit-action = Refer each person to legal aid for a bail application. Days: days in custody on the case since committal; Over: days past the limit. Check the warrant first: a case committed for trial may fall under another rule.

## The record screen's cases and expected release (src/tui/screens/record.rs)
record-cases = Cases and expected release
record-no-cases = no case recorded
record-case-warrant = { $reference }, { $court }, warrant of { $issued }
record-case-remand-warrant = { $reference }, { $court }, remand warrant of { $issued }, expires { $expires }
record-case-offence = { $offence } ({ $class }), committed { $committed }
record-case-not-sentenced = Not sentenced
record-case-sentence = Sentence { $length } from { $start }, { $how }
record-case-concurrent = concurrent
record-case-concurrent-with = concurrent with { $case }
record-case-consecutive-to = consecutive to { $case }
record-expected-release = Expected release
record-release-order = { $date } (court order)
record-release-life = none: life sentence
record-release-none = none: not sentenced
record-release-passed = The release date has passed: release now or record the basis of detention.
record-working = How it was worked out:
record-sentence-from-cases = kept on the cases now; correct the sentence on its case (n on the record)
record-old-sentence-field = (entered before cases were kept; the cases hold the sentence)
record-release-from-cases = Expected release: worked out from the cases; to replace it, record a court order's date with its reason

## Recording cases from the record screen (src/tui/screens/cases.rs)
cases-title = Cases of
cases-what = Record
cases-what-about = What to record: a new case (a warrant), the sentence passed on a case, or a court order's release date.
cases-what-add = A new case
cases-what-sentence = The sentence on a case
cases-what-order = A court order's release date
cases-add-about = The warrant as it reads. Leave the sentence empty while the person is not sentenced; a remand warrant's expiry is the day it runs out.
cases-sentence-about = The sentence as the court passed it: e.g. 5y 6m, 18m, 90d or life, from the day it runs.
cases-order-about = A date from a court order replaces the computed one; say which order and why. An empty date removes the order.
cases-issued = Warrant issued
cases-class = Offence class
cases-committed = Committed on
cases-case = Case
cases-order-date = Release on
cases-length-format = write it as on the warrant: 5y 6m, 18m, 90d or life
cases-saved = Saved; the expected release was worked out again.

## Importing the register from a file (warden import prisoners)
import-unknown-header = '{ $header }' is not a register column (name it with --map, or map it to "ignore")
import-map-unknown-column = the map names '{ $to }', which is not a register column
import-column-twice = { $column }: the file has this column twice
import-no-header = no header row: the first row must name the columns (family_name, given_names, date_of_birth, sex, legal_status, committing_authority, admission_date, facility; see docs/IMPORT.md)
import-missing-columns = missing columns: { $columns }
import-formula = a formula; save the sheet with values, not formulas
import-error-value = the spreadsheet shows an error ({ $value }) here
import-cell-too-long = { $chars } characters; no register field is that long
import-required = required
import-number-twice = { $number } is also on row { $row }
import-no-facility = no facility with code '{ $code }'
import-no-cell = no cell { $cell } in { $facility }
import-same-as-row = the same name and date of birth as row { $row }
import-done-before = this file was imported to the end before (import { $id }, started { $at }); nothing written
import-not-spreadsheet = named .{ $ext } but not a spreadsheet (it looks like text); rename it .csv, or save it again from the spreadsheet program
import-spreadsheet-named-csv = named .{ $ext } but it is a spreadsheet; rename it .xlsx or .ods, or save it as CSV (UTF-8)
import-not-utf8 = not UTF-8 text (the first bad byte is at { $byte }); save it as "CSV UTF-8"
import-unreadable-spreadsheet = not a spreadsheet warden can read (XLSX, XLS or ODS)
import-no-sheet = the spreadsheet has no sheet
import-empty = the file is empty: nothing to import
import-summary = { $file }: { $rows } rows; { $new } new, { $matching } already on the register, { $duplicates } possible duplicates (SHA-256 { $sha }...)
import-matching = { $number } is already on the register ({ $holder }); not admitted again
import-possible-duplicate = possible duplicate: { $who }; admitted as a new person (never merged): check it by hand
import-alert = ALERT: admitted as recorded, against a rule that applies today: { $rule }
import-problems = { $count ->
    [one] 1 problem; nothing was written
   *[other] { $count } problems; nothing was written
}
import-dry-run = Dry run: nothing was written. Run again with --apply to admit them.
import-progress = Admitting
progress-rows = rows
progress-people = people
progress-steps = steps
progress-left = {"{"}eta{"}"} left
import-waiting = { $number } admitted but waits for a cell: { $why }
import-applied = Import { $id }: { $admitted } admitted ({ $resumed } by an earlier run cut short), { $placed } placed in their cells, { $waiting } waiting for a cell; { $batches } batches, the longest held the register { $longest } ms.
import-undo-unfinished = taking back import { $id } was cut short; run `warden import undo { $id } --why ... --apply` again to finish it before importing the file again; nothing written
import-list-none = No imports yet.
import-list-line = { $id } { $status } { $file }, started { $at } by { $by }: { $rows } rows, { $admitted } on the register now
import-undo-no-run = no import { $id } (`warden import list` shows them)
import-undo-already = import { $id } was taken back already
import-undo-why = why: say why the import is taken back (--why); it is kept in the audit trail
import-undo-summary = Import { $id } ({ $file }): { $people } people on the register from it.
import-undo-kept = { $number }: { $what } recorded since the import
import-undo-kept-more = ... and { $count } more
import-undo-refused = { $count ->
    [one] 1 person has been worked on since the import; nothing was removed (correct the records one by one instead)
   *[other] { $count } people have been worked on since the import; nothing was removed (correct the records one by one instead)
}
import-undo-dry-run = Dry run: nothing was removed. Run again with --apply to take them back.
import-undo-progress = Taking back
import-undone = Import { $id } taken back: { $people } people removed from the register; the import and each removal stay in the audit trail.

## Exporting the register (warden export prisoners)
export-why-required = why: say why the register leaves the system (--why); it is kept as a disclosure record
export-xlsx-needs-file = --out: an XLSX workbook goes to a file; name one with --out FILE
export-not-the-database = that is the database itself (or its -wal/-shm); name another file
export-no-facility = --facility: no facility with code '{ $code }'
export-progress-reading = Reading the register
export-progress-writing = Writing the file
export-written = { $people } people, { $columns } columns written to { $file }; the disclosure is in the audit trail

## A person's file between stations
person-file-bad = not a warden person's file ({ $what } is missing or damaged)
person-file-tampered = the signature does not match the contents: the file was changed after it was signed; nothing written
person-file-version = a person's file of version { $version }; this station reads version { $ours }; nothing written
person-file-unnamed-station = unnamed station
person-file-bad-key = not a station key (64 hexadecimal characters, as `warden station key` prints it there)
person-file-untrusted = signed by a station this one does not trust (key { $key }...); an administrator trusts it with `warden station trust KEY --name NAME`; nothing written
person-file-already-here = this person is already on this register as { $number } (the same national person id); nothing written
person-file-written = { $number }: the person's file, signed by this station, written to { $file }; the disclosure is in the audit trail
person-file-summary = { $file }: { $name }, national id { $national }, from { $station } (signature good): { $events } custody events, { $levels } custody levels, { $assessments } assessments ({ $withheld } restricted withheld by the sender), { $programmes } programmes, { $apart } keep-apart notes
person-file-progress-out = The person's file
person-file-progress-in = Admitting with their history
person-file-dry-run = Dry run: nothing was written. Run again with --apply to admit them.
person-file-admitted = Admitted as { $number } with the history the file carried (kept whole with its SHA-256).
station-key = { $name } { $key }
station-trusted = Trusted: { $name } ({ $key }...)
export-pdf-needs-file = --out: a PDF goes to a file; name one with --out FILE

## The continuity-of-care summary (warden export person --format pdf)
continuity-title = Continuity of care summary
continuity-national-id = National person id
continuity-born = Born
continuity-sex = Sex
continuity-nationality = Nationality
continuity-languages = Languages
continuity-legal-status = Legal status
continuity-admitted = Admitted
continuity-release = Expected release
continuity-home = Home district
continuity-children = Children and caring
continuity-custody = Custody history
continuity-when = When
continuity-event = Event
continuity-facility = Facility
continuity-authority = Authority and reason
continuity-programmes = Programmes
continuity-programme = Programme
continuity-category = Category
continuity-status = Status
continuity-attended = Attended / marked
continuity-plan = Pre-release plan
continuity-plan-line = Documents ready: { $ready }. Housing: { $housing }.
continuity-yes = yes
continuity-no = no
continuity-assessments = Assessments
continuity-form = Form
continuity-finalised = Finalised
continuity-findings = Findings
continuity-none = None recorded.
continuity-withheld = Withheld for need to know
continuity-withheld-line = Not in this summary: { $restricted } assessments on restricted forms; the violent-extremist flag, if any; { $apart } keep-apart notes (they name other people). Ask the releasing prison if your work needs them.
cases-what-correct = Correct a case as entered
cases-what-remove = Remove a case entered in error
cases-correct-about = Correct the warrant and sentence as they were entered. The change and what was there before go to the audit trail.
cases-remove-about = Remove a case entered in error (not one that ended: a sentence served stays on the record). The whole case and the reason go to the audit trail.
cases-removed = Removed; the expected release was worked out again.
record-next-court = Next court
record-next-court-value = { $day } at { $court }
record-next-court-none = none recorded
## Search as staff type (issue 17, item 7)
# A result found through an alias: the person's name, then the alias that matched.
search-through-alias = { $name } (alias: { $alias })
field-latin-letters-only = use Latin letters, as the civil-status documents spell the name (the name in its own script goes in the name field)
field-not-a-choice = '{ $value }' is not one of the choices

## Keep-apart picks by search (issue 17, item 8)
non-association-other = Other person
non-association-type-other = Type the other person's name or prison number.
non-association-find-other = New non-association: find the other person by name or number.
# The person a new non-association would name, shown before it is saved.
non-association-chosen = Keep apart from: { $number } { $name } ({ $facility }, { $status })
non-association-no-match = no one matches '{ $text }': type a name or a prison number
# The record's and form's last section: optional, for names written in another script.
section-latin-spelling = Names in Latin letters (as on civil-status documents)
## Rule 11 at the facility: transfers, the transfer list, admissions (src/domain/allocate/lawful.rs,
## src/store/transfer.rs, src/tui/screens/movement.rs)
rule11-who = { $age ->
    [young] { $sex ->
        [male] a boy or young man
       *[female] a girl or young woman
    }
   *[adult] { $sex ->
        [male] a man
       *[female] a woman
    }
} { $status ->
    [remand] on remand
    [convicted] convicted
    [civil] held for a civil matter
   *[immigration] held for immigration
}
rule11-unlawful = { $facility } has no unit that may lawfully hold { $who } ({ $name }: { $rule ->
    [sex] men and women apart
    [age] young and adult apart
    [status] untried, convicted and civil apart
   *[none] the facility has no units
})
rule11-short = { $rule ->
    [sex] not for this sex
    [age] no unit for this age group
    [status] no unit for this legal status
   *[none] no units
}, { $name }
transfer-field-to = To facility
transfer-no-such-code = no facility has the code { $code }; type a code from the list, or Left and Right
transfer-none-lawful = no facility in the list may lawfully hold them (see below)
transfer-not-offered = Not offered (Mandela Rule 11):
transfer-not-offered-more = and { $count } more not offered
form-choice-no-match = { $typed } (matches no choice)
rules-young-adult-fixed = allocation rules: young-adult cannot be overridable; Rule 11(d) has no exception

## Supervisors' alerts on Home about where people are held (src/tui/screens/home.rs, src/store/custody_alerts.rs)
home-alerts-more = custody alerts
home-alerts-unreadable = Cannot read the custody alerts: { $error }
alert-below-min-age = age { $age }: too young { $days }d
alert-no-young-unit = child, no young unit { $days }d
alert-no-lawful-place = no lawful place { $days }d
alert-turned-adult = 18 in young unit { $days }d
alert-temporary-due = temporary cell, review { $days }d late

## Dates of birth (src/domain/prisoner.rs, src/tui/screens/prisoner_form.rs)
birth-before-1900 = { $date } is before 1900: not a possible date of birth
birth-over-100 = that makes them { $age }: check it; F2 again saves it as it is
admit-alert-child = Supervisors are alerted on Home ({ $why }).

## Age shown in lists, the record and `warden search` (src/domain/prisoner.rs, src/tui/screens/*.rs)
age-child = { $age } child
column-age = Age
record-age = age { $age }
record-flag-under-18 = UNDER 18
record-flag-temporary = TEMPORARY CELL
placement-review-title = Temporary cell: { $who }
placement-review-about = In cell { $cell } since { $since } against { $rules }: { $reason }. Review by { $date }. Keep them there until a new review date (at most { $days } days ahead), with the reason; to end it, move them to a cell that breaks no rule (m).
placement-review-field-next = Next review
placement-review-field-reason = Reason
placement-review-saved = Kept in the temporary cell; next review { $date }.
placement-review-date = Next review: a date as YYYY-MM-DD

## Held without a cell, in the placements and Mandela reports (src/report/estate.rs, src/report/mandela.rs)
report-waiting-heading = Held without a cell
report-waiting-intro = { $count ->
    [one] 1 person in custody has no cell
   *[other] { $count } people in custody have no cell
}; for { $unlawful } of them no unit in their facility may hold them lawfully (Rule 11): transfer them or ask for a cell. Days are since they arrived in the facility.
report-col-facility = Facility
report-col-number = Number
report-col-name = Name
report-col-days-waiting = Days
report-col-lawful-place = Place
report-lawful-place-yes = waiting
report-lawful-place-none = NONE
report-mandela-held-intro = Held without a cell, by facility: waiting for one; with no unit there that may hold them lawfully (Rule 11); children where no young unit is; younger than the minimum age in custody; turned 18 in a young unit, for review.
report-col-waiting = Waiting
report-col-no-place = No place
report-col-no-young-unit = No young
report-col-too-young = Too young
report-col-turned-18 = 18 review
report-occupancy-waiting-row = Waiting, no cell
report-occupancy-definition = Held counts everyone in custody in the facility, those waiting for a cell included, on the home screen, the occupancy board and here alike; a unit's or a cell's count is the people in its cells.

## The change-cell screen when no cell fits: why, and the ways forward (src/tui/screens/allocate.rs)
allocate-none-why = No cell fits: { $rule } refuses { $cells } of { $total }.
allocate-none-no-cells = No cell fits: this facility has no other cell in use.
allocate-ways-forward = Ways forward:
allocate-way-elsewhere = F: a cell in another facility that may hold them lawfully.
allocate-way-override = Supervisor: a temporary place against { $rules }, with a reason and a review date; never Rule 11.
allocate-way-no-override = No override: the service allows none, and never Rule 11.
temporary-review-field = Review by
date-format-ymd = a date as YYYY-MM-DD
temporary-review-required = a placement against a rule is temporary: give the date it is looked at again (at most { $days } days ahead, YYYY-MM-DD)
temporary-review-reason = reason: say why they stay in this cell for now
temporary-review-none = they are not in a temporary placement now (moved meanwhile?); look again
temporary-review-past = must be after today
temporary-review-too-far = at most { $days } days ahead; review it again then if they must stay
allocate-way-administrator = Ask an administrator for a cell (Estate: add one, or reopen one out of use).
hard-rule-sex = men and women apart (Rule 11a)
hard-rule-untried-convicted = untried and convicted apart (Rule 11b)
hard-rule-civil-criminal = civil and criminal apart (Rule 11c)
hard-rule-young-adult = young and adult apart (Rule 11d)
hard-rule-custody-level = custody level
hard-rule-out-of-use = out of use
hard-rule-absolute-maximum = full to the absolute maximum
hard-rule-non-association = keep-apart

## Age reviews: someone who turned 18 in a young unit (src/store/custody_alerts.rs, src/tui/screens/record.rs)
age-review-field-reason = Reason
age-review-field-decision = Decision
age-review-reason-required = required: why staying is in their best interests, or why they move
age-review-not-due = no age review is due: they are not an adult in a unit for young prisoners
age-review-title = Age review: { $who }
age-review-about = Turned 18 in a unit for young prisoners { $days } days ago. Staying may be in their best interests (UN Committee on the Rights of the Child); record the decision and why.
age-review-saved = Age review recorded: { $decision }.

## Printing from the preview on a worker (issue 19)
print-not-printed = Not printed: { $why }
print-rendering = Making the { $format } pages: { $seconds } s. Esc stops; nothing is printed.
print-sending-printer = Sending the pages to the printer (lp): { $seconds } s.
print-writing-file = Writing the file in prints/: { $seconds } s.
print-stopped = Stopped: nothing was printed.
print-sending-wait = Already on its way; it cannot be called back. The answer comes within { $seconds } s.
print-lost = Not printed: the work stopped unexpectedly (see warden.log).
print-key-stop = stop
cases-case-unknown = not one of this person's cases; close this and try again
programmes-filter-title = Facilitator or programme
programmes-filter-about = Show only programmes whose name, code or facilitator contains this (empty shows all).
programmes-filter-contains = Contains
programmes-filter-show = show
programmes-filter-all = Showing every programme.
programmes-filter-some = Showing programmes with '{ $text }' in the name or a facilitator.

## The demo's build, stage by stage (issue 22: the national demo took a minute without a word)
demo-stage-estate = Building the estate
demo-stage-admissions = Admitting people: { $done } of { $total }
demo-stage-releases = Releasing those whose date has passed
demo-stage-allocation = Keep-aparts and segregation
demo-stage-rosters = Programmes and rosters
demo-stage-classifications = Custody classifications
demo-stage-restricted = Restricted assessments
demo-stage-finishing = Writing the file
print-bad-printer-name = printer: '{ $name }' is not a printer name (letters, digits, _ - . @)

## The sign-in screen
login-checking = Checking the password... { $seconds } s
login-check-lost = The password check stopped before it finished. Type the password again.

# The national roll-up (warden national REPORT SITE.db ...)
national-title-overcrowding = National roll-up: occupancy and overcrowding
national-title-remand-limit = National roll-up: remand past the statutory limit
national-title-classification = National roll-up: classification distribution
national-title-mandela = National roll-up: Mandela Rules compliance
national-title-participation = National roll-up: programme participation
national-title-releases = National roll-up: releases due
national-services-several = Several prison services
national-scope = { $sites ->
    [one] 1 site
   *[other] { $sites } sites
}, { $facilities ->
    [one] 1 facility
   *[other] { $facilities } facilities
}
national-period = As at { $today }
national-period-releases = Releases due { $from } to { $to }
national-about-overcrowding = One line per site. Places: certified capacity of the cells in use. Held: people in custody, each counted once. Over: facilities holding more people than their certified places.
national-about-remand-limit = One line per site. People on remand, how many are held past their offence class's statutory limit on at least one case, and the most days past it; each site's own limits apply.
national-about-classification = One line per site: people in custody by the custody level of their newest final assessment; None: not classified yet.
national-about-mandela = One line per site, people in custody today. Separation: in a cell that breaks a separation of Rule 11. Segregation: past 15 days now (Rule 44). Class late: classification missing or done late (Rules 89, 93). Past release: held after their expected release date.
national-about-participation = One line per site: programmes, places held now, completed, withdrawn, waiting, and the attendance of those who held a place. Places are counted where they were given, also for people who have moved since.
national-about-releases = One line per site. Due: people in custody whose expected release date falls in the period. Past date: held after it already; oldest: the most days past.
national-col-site = Site
national-col-as-at = Data as at
national-col-file = File
national-col-places = Places
national-col-held = Held
national-col-occupancy = Occupancy
national-col-over = Over
national-col-on-remand = On remand
national-col-past-limit = Past limit
national-col-most-over = Most days
national-col-none = None
national-col-total = Total
national-col-separation = Separation
national-col-segregation = Segregation
national-col-class-late = Class late
national-col-past-release = Past release
national-col-programmes = Progs
national-col-places-held = Held
national-col-done = Done
national-col-left = Left
national-col-wait = Wait
national-col-attended = Attended
national-col-due = Due
national-col-past-date = Past date
national-col-oldest = Oldest
national-col-national-id = National id
national-col-counted = Counted at
national-col-also = Also in custody at (not counted)
national-all = All sites
national-files = Where each site's figures come from
national-no-disagreements = No person is in custody at more than one site.
national-disagreements = { $count ->
    [one] 1 person is in custody at more than one site: counted once, at the newer record
   *[other] { $count } people are in custody at more than one site: each counted once, at the newer record
}
national-differs = The records also differ in: { $what }.
national-not-warden = { $file }: a SQLite database, but not a warden one; name each site's warden database (a restored copy)
national-not-a-database = { $file }: not a warden database (not SQLite, or damaged); restore the site's copy again
national-older-schema = { $file }: made by an older warden (schema { $found }; this one reads { $known }); install this warden at that site (it brings the file up to date when it starts) and restore its copy again
national-shared-facility = facility { $code } is in both { $first } and { $second }: two copies of one site, or two sites holding one facility; name each site once
national-out-is-a-site = --out names one of the site files; name another file
national-pdf-needs-file = a PDF needs a file: add --out FILE
national-out-is-the-database = --out { $file }: that is headquarters' database itself (or its -wal/-shm); name another file
national-bad-date = { $option }: '{ $value }' is not a date (YYYY-MM-DD)
national-period-backwards = --to: the period ends before --from
national-progress = Reading site { $done } of { $total }
national-written = warden national: written to { $file }
demo-no-such-site = no facility '{ $code }' in this country's demo; its codes are { $codes }
national-sites-unreadable = Cannot read the sites folder { $dir }: { $why }
national-sites-none = No site files (*.db) in { $dir }.
national-refused = Not allowed: { $why }.
national-reading = Reading the site files and making the roll-up: { $seconds } s. Esc stops.
national-read-lost = The roll-up stopped without a result; see the log.
national-sites-empty = no site files (*.db) in it; put each site's restored copy there

# `warden print --help`: what each value means
cli-report-placements = Current placements that break a hard rule
cli-report-overcrowding = Occupancy and overcrowding by facility, region and nation (or by unit with --facility)
cli-report-segregation = Everyone in segregation now, with the days so far, and ended placements past 15 days
cli-report-reviews = Classification and assessment reviews overdue and due by the end of the period
cli-report-classification = People in custody by custody level, from final assessments
cli-report-remand = Days on remand by facility
cli-report-mandela = Mandela Rules compliance: separation breaches, segregation past 15 days, late classification
cli-report-roster = A facility's programme sessions for the week, each with its group
cli-report-unlock = Who leaves which unit for a programme on a day (--day, --unit), with alerts
cli-report-attendance = The registers of a day's sessions (--day): marks recorded, boxes to tick where not
cli-report-participation = Places, completions, withdrawals, waiting and attendance by programme
cli-report-timetable = One person's programme sessions for the week, with court dates (--prisoner)
cli-report-past-release = Everyone in custody whose expected release date has passed (detention past release is unlawful)
cli-report-court = Who goes to which court on a day (--day, today or later), grouped by court: the escorts' copy
cli-report-remand-limit = People on remand longer than the statutory limit for their offence class, for legal-aid referral
cli-format-text = 80-column plain text with form feeds between pages
cli-format-pdf = PDF with an embedded font
cli-format-csv = CSV (RFC 4180, UTF-8) of the report's table
cli-paper-a4 = A4 (210 x 297 mm)
cli-paper-letter = US Letter (8.5 x 11 in)
cli-national-overcrowding = Occupancy against certified places, by site
cli-national-remand-limit = People on remand past the statutory limit, by site
cli-national-classification = People in custody by custody level, by site
cli-national-mandela = Mandela Rules compliance: separation, segregation, late classification, held past release
cli-national-participation = Programmes: places, completions, withdrawals, waiting, attendance
cli-national-releases = Releases due in the period and people held past their date
# A list that could not be read; { $what } is one of the list-what-* words, written as this sentence needs it.
list-cannot-read = Cannot read { $what }: { $error }
estate-what-facilities = the estate
estate-what-units = the units
estate-what-cells = the cells
estate-what-occupants = the occupants
occupancy-what-board = the occupancy board
users-what = the accounts
unplaced-what = who is waiting
unlock-what = the unlock list
register-what = the register
