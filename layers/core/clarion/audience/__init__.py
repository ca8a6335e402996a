"""Audience data: the attribute and tag catalogues, attribute values on profiles and their counts, tag hits."""
