"""Enterprise innovation score engine (企业创新积分制): the model as data, evaluation with an explanation for
every point, cohort rank and tier, what-if and vectorised batch.

Pure Python with numpy; imports nothing from Django so it can be tested, benchmarked and run on its own.
"""

from .engine import Cohort, evaluate, evaluate_batch, score_batch
from .explain import BatchResult
from .loader import ModelLoadError, default_model, load_model, model_from_dict
from .model import Indicator, ScoreModel, Scoring
from .profile import ProfileError, ScoreProfile, schema
from .results import Evaluation, IndicatorResult, Position
from .whatif import hints

__all__ = [
    "BatchResult", "Cohort", "Evaluation", "Indicator", "IndicatorResult", "ModelLoadError", "Position", "ProfileError",
    "ScoreModel", "ScoreProfile", "Scoring", "default_model", "evaluate", "evaluate_batch", "hints", "score_batch",
    "load_model", "model_from_dict", "schema",
]
