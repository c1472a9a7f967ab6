"""PLACEHOLDER: family not written yet."""
RULES = ()


def check(inp):
    return ()
