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
