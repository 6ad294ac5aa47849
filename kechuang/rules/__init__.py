"""Policy engine (政策计算器, 免申即享): rules as data, evaluation with traces, what-if and batch.

Pure Python; imports nothing from Django so it can be tested, benchmarked and run from the command line alone.
"""

from .batch import evaluate_batch
from .engine import Evaluation, MeasureResult, evaluate
from .facts import Profile, ProfileError
from .loader import RuleLoadError, load_policies
from .model import Measure, Policy, RuleSet
from .whatif import Hint, what_if

__all__ = [
    "Evaluation",
    "Hint",
    "Measure",
    "MeasureResult",
    "Policy",
    "Profile",
    "ProfileError",
    "RuleLoadError",
    "RuleSet",
    "evaluate",
    "evaluate_batch",
    "load_policies",
    "what_if",
]
