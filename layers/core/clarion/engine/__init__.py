"""The delivery engine between the API and the senders: triggers accept work, the dispatcher fans it out."""
