# warden's English messages. One message per key; `{ $name }` is an argument the code fills in.
# Keys are grouped by where they are seen; keep each sentence within 80 columns once filled in.

## The catalogue's own check (src/i18n.rs)
i18n-selftest = Hello, { $name }

## Need-to-know (src/domain/auth.rs): the one note shown where a rule built on restricted data stops a person
## who may not see that data. It must never name the assessment, its level or its existence.
handling-security-placement = security placement: ask a supervisor
