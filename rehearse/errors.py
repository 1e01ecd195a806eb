"""One exception family: every message is written for the candidate, not for a developer."""


class RehearseError(Exception):
    """Base of every error rehearse raises on purpose; ``str(error)`` is shown to the user."""


class ParameterError(RehearseError):
    """An option or setting has a value that cannot work."""


class AudioError(RehearseError):
    """The recording cannot be used: missing, empty, not audio, damaged, too short or too long."""


class NoSpeechError(AudioError):
    """The recording decodes but contains no speech to analyse."""


class ModelError(RehearseError):
    """The speech or language model cannot be found or loaded."""


class RecordingError(RehearseError):
    """The microphone cannot be used."""


class StoreError(RehearseError):
    """The local attempt history cannot be read or written."""


class DocumentError(RehearseError):
    """A job description, values text or notes cannot be read or used."""


class EmptyDocumentError(DocumentError):
    """The text holds nothing to read: an empty paste, or a file with no words in it."""


class TooLongDocumentError(DocumentError):
    """The text is far longer than any job description."""


class ScannedPdfError(DocumentError):
    """The PDF holds pictures of pages and no text (a scan)."""


class DamagedDocumentError(DocumentError):
    """The file is damaged or is not of the type its name says (a corrupt DOCX or PDF)."""


class OtherLanguageError(DocumentError):
    """The text is not in English, the only language rehearse reads."""


class InterviewError(RehearseError):
    """An interview being prepared cannot be set up as given (no company, a date that is not a date)."""
