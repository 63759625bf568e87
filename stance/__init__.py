"""stance: who takes which stance toward whom, and which sentences make claims."""

__version__ = "0.1.0"

from stance.model import StanceModel, load  # noqa: E402
from stance.records import DocumentResult, Party, SentenceResult, Stance  # noqa: E402
from stance.storage import ModelFolderError  # noqa: E402

__all__ = ["DocumentResult", "ModelFolderError", "Party", "SentenceResult", "Stance", "StanceModel", "load", "__version__"]
