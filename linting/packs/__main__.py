"""`python -m replydesk.linting.packs`: print the table of every pack key (the README's, generated from the schema)."""
from replydesk.linting.packs import Pack
from replydesk.linting.schema import reference_markdown

print(reference_markdown(Pack), end="")
