"""Test-session settings.

``SCIPY_ARRAY_API=1`` must be set before SciPy is imported for scikit-learn's
array-API conformance check (``check_array_api_input`` with NumPy) to run
instead of being skipped.
"""

import os

os.environ.setdefault("SCIPY_ARRAY_API", "1")
os.environ.setdefault("MPLBACKEND", "Agg")
