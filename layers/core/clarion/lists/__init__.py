"""Lists: named, static sets of profiles that a campaign can target (XtremePush's user lists)."""
