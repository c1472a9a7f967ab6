"""The bundled demo queue (24 cases across Coupang, Amazon, TikTok Shop and Shopee).

Timestamps in the files are absolute and were written as if "now" were
ANCHOR; the installer shifts them by (first-run time - ANCHOR) so the
countdowns show the intended mix (overdue, due within 2 h, days left).
Snapshot tests use the files unshifted with a clock fixed at ANCHOR.
"""
ANCHOR = "2024-05-20T12:00:00+09:00"
