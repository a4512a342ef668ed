"""workers/sim must stay pure Python: importing every module loads neither Django nor Celery."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import importlib, pkgutil, sys
import workers.sim as sim
for module in pkgutil.walk_packages(sim.__path__, "workers.sim."):
    importlib.import_module(module.name)
from workers.sim.scenarios import all_scenarios
assert all_scenarios(), "no scenario registered"
print(" ".join(sorted({n.split(".")[0] for n in sys.modules} & {"django", "celery", "channels", "kombu"})))
"""


def test_importing_the_simulations_loads_no_framework():
    done = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, env={"PATH": "/usr/bin:/bin"}
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""
