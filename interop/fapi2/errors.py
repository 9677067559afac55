"""The one error of this client: a check against the server's behaviour failed."""


class InteropFailure(Exception):
    """The server answered something a FAPI 2.0 client must not accept; the message names the check."""


def check(condition, message, *details):
    """Raises `InteropFailure(message)` with `details` appended unless `condition` holds (never stripped like assert)."""
    if not condition:
        suffix = "".join(" | " + (d if isinstance(d, str) else repr(d))[:500] for d in details)
        raise InteropFailure(message + suffix)
