"""Screening many filings: the streaming screen engine (:mod:`.screen`), without its CLI."""
