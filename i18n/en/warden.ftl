# warden's English messages. One message per key; `{ $name }` is an argument the code fills in.
# Keys are grouped by where they are seen; keep each sentence within 80 columns once filled in.

## The catalogue's own check (src/i18n.rs)
i18n-selftest = Hello, { $name }

## Cases, sentences and the expected release (src/domain/sentence.rs)
case-required = required
case-too-long = at most { $max } characters (this has { $count })
case-expires-before-issued = expires before the warrant was issued ({ $issued })
case-sentence-ends-before-start = ends on or before its start ({ $start })
case-sentence-before-committal = starts before the person was committed on this case ({ $committed })
case-relation-self = a sentence cannot run with or after itself
case-relation-unknown = { $case } names a case that is not this person's or has no sentence
case-relation-cycle = consecutive sentences point at each other: { $cases }
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
