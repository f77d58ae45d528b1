# Test data helpers, re-exported for the tests that import them from here; the fixtures
# themselves come from the plugin timpora.testing (see the root conftest.py).
from timpora.testing import NGUYEN, TAN, ZHANG, Cast, Facts, crossing, stay_permit

__all__ = ["NGUYEN", "TAN", "ZHANG", "Cast", "Facts", "crossing", "stay_permit"]
