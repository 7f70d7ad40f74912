"""pytest configuration for the integration tests; run them with run.sh."""

import pytest

import support as s


def pytest_configure(config):
    missing = s.missing_env()
    if missing:
        pytest.exit("tests/integration needs the environment that "
                    "tests/integration/run.sh sets up (missing: "
                    + ", ".join(missing) + "); run that script instead", returncode=2)


@pytest.fixture
def prefs():
    """Set preferences with prefs(section, name, value); every preference row
    is removed afterwards and the test waits until the service shows the
    defaults again, so later tests start from the fixture state."""
    yield s.set_pref
    s.restore_default_prefs()
