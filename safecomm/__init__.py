"""safecomm: is a community ready to be certified as a 安全社区? Grade its evidence, explain why.

Library use, no CLI needed::

    from safecomm import load_evidence, load_scheme, assess
    result = assess(load_evidence("evidence.yaml"), load_scheme())
    print(result.verdict.verdict)
"""

from .assessment import Assessment
from .engine import assess
from .evidence import Evidence
from .loading import InputError, Problem, load_evidence
from .scheme import Scheme, load_scheme

__version__ = "0.1.0"
__all__ = ["Assessment", "Evidence", "InputError", "Problem", "Scheme", "assess", "load_evidence", "load_scheme"]
