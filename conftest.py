# The fixtures shared by every test (the cast, facts, reference data) live in timpora/testing.py.
pytest_plugins = ["timpora.testing"]
