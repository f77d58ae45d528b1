# The English interface keeps Indonesian conventions for dates and numbers (1.000.000).
from timpora.formats.id.formats import *  # noqa: F403
