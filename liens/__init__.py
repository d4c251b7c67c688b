"""liens: from a community's interaction records to answers about its ties and its members."""

__version__ = "0.1.0"
