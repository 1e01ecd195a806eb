"""Measuring the analyzers: labelled sets, quoted accuracy, its spread, and the benchmark."""
