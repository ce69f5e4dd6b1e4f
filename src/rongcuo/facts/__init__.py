"""The filing model: facts that may each be unknown (:mod:`.model`), and reading a filing
from YAML or JSON with located problems (:mod:`.filings`: ``parse_filing``, ``load_filing``).
"""
