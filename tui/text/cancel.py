"""The exception a cancelled sentence split raises.

Its own module so that the UI can name it without importing the splitter
(regexes, ctypes and the splitter's caches are not needed for the first frame).
"""


class SplitCancelled(Exception):
    """A split was abandoned because its ``should_stop`` said so."""
