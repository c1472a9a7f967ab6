"""The operator desk (Textual). Imports nothing on purpose: `replydesk lint` must not pay for Textual."""
