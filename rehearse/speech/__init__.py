"""Speech in: decoding audio, recording it, and the recogniser's words as our own types."""
