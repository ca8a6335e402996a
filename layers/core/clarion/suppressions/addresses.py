"""The one form of an address a suppression is stored and looked up under."""

from clarion.subscribers.validation import check_email, check_phone


def normalized(channel: str, address: str) -> str:
    """An email trimmed and lower-cased (as the profile's contact index keys it), a phone checked as E.164; raises
    ValueError saying what is wrong."""
    if channel == "email":
        return check_email(address.strip().lower())
    return check_phone(address.strip())
