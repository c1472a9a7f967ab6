"""The desk's screens: queue, case, glossary, help, and modal dialogs."""
