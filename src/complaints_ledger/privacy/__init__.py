"""Personal data: per-subject encryption, crypto-shredding, retention, pseudonyms.

See docs/privacy.md.
"""
