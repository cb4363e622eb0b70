"""scripts/outage_check.py passes: PostgreSQL stopped and started for real under gunicorn.

The script starts a throwaway PostgreSQL cluster of its own, so this test runs whatever
DATABASE_URL the suite uses. It is skipped only where PostgreSQL's initdb is not installed;
CI has it, and also runs the script directly.
"""

import importlib.util
import subprocess
import sys

import pytest
from django.conf import settings

SCRIPT = settings.BASE_DIR / "scripts" / "outage_check.py"
_spec = importlib.util.spec_from_file_location("outage_check", SCRIPT)
outage_check = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(outage_check)

pytestmark = pytest.mark.outage


@pytest.mark.skipif(
    not (outage_check.pg_bin() / "initdb").exists(), reason="PostgreSQL's initdb is not installed"
)
def test_pages_answer_503_while_postgresql_is_stopped_and_200_once_it_is_back():
    result = subprocess.run(
        [sys.executable, str(SCRIPT)],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=settings.BASE_DIR,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "All checks passed." in result.stdout
    assert "FAIL" not in result.stdout
