"""The case queue as plain files, with no Textual in sight.

A queue is a directory (`cases/<id>.json`, `drafts/<id>.txt`, optional
`replydesk.toml`); these modules load, sort, filter, lock, save and
recover it, so the desk, the importer and tests share one model.
"""
