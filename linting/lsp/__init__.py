"""The language server (`replydesk lsp`): the linter in VS Code, Neovim, Helix, Emacs and any LSP client.

`analysis` decides what a file is and lints it as `replydesk lint` would
(no LSP types there); `encoding` converts offsets to the client's
positions; `server` is the protocol, on pygls; `ruledocs` writes the rule
pages the diagnostics link to. Imported only by `replydesk lsp`.
"""
