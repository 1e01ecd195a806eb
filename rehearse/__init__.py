"""rehearse: local, private rehearsal of job-interview answers."""

import os

# ONNX Runtime (the voice detector inside faster-whisper) otherwise sends usage telemetry to
# mobile.events.data.microsoft.com from its native code and keeps a device id under ~/.cache.
# It reads this variable when it loads, so it is set before any rehearse module can import it.
os.environ["ORT_DISABLE_TELEMETRY"] = "1"
