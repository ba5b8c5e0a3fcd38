"""Network errors in words: "The host name could not be found", not "[Errno -2]"."""

from __future__ import annotations

#: Fragments of the operating system's messages, and what they mean for people.
_REASONS = (
    (
        ("[Errno -2]", "Name or service not known", "nodename nor servname", "[Errno 8]"),
        "the host name could not be found",
    ),
    (
        ("[Errno -3]", "Temporary failure in name resolution"),
        "the host name could not be looked up (is the network up?)",
    ),
    (("[Errno 111]", "Connection refused", "[Errno 61]"), "the server refused the connection"),
    (("[Errno 101]", "Network is unreachable", "[Errno 51]"), "the network is unreachable"),
    (("[Errno 113]", "No route to host", "[Errno 65]"), "there is no route to the host"),
    (("[Errno 104]", "Connection reset"), "the server closed the connection"),
    (("CERTIFICATE_VERIFY_FAILED", "certificate verify failed"), "its certificate is not trusted"),
    (("timed out",), "the connection timed out"),
)


def describe_network_error(error: BaseException) -> str:
    """Return why a connection failed, in words, with the system's text in brackets."""
    text = str(error) or type(error).__name__
    for fragments, reason in _REASONS:
        if any(fragment in text for fragment in fragments):
            return f"{reason} ({text})"
    return text
