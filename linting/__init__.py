"""The replydesk linter: text and case context in, findings out.

The core (document, context, packs model, rules, engine) is pure: no file
I/O, no terminal. `loading` reads packs, glossaries and config from disk
once; `cli` and `reporters` sit around it. Import submodules directly;
this package imports nothing heavy on purpose.
"""
