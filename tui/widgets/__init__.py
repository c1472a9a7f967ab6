"""Widgets the screens share: the queue table, the draft editor, the findings panel, the header."""
