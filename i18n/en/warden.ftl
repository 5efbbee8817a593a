# warden's English messages. One message per key; `{ $name }` is an argument the code fills in.
# Keys are grouped by where they are seen; keep each sentence within 80 columns once filled in.

## The catalogue's own check (src/i18n.rs)
i18n-selftest = Hello, { $name }

## What stored text may hold (src/domain/text.rs)
text-refused = a control or text-direction character ({ $code }) is not accepted

## Typing and pasting (src/tui/app.rs, src/tui/widgets/input.rs)
input-refused = Not typed: a control or text-direction character ({ $code }) is not accepted.
