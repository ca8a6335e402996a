"""The HTTP boundary every API function shares."""
