"""Mock interview: a whole round of questions in a row, with follow-ups and a round report."""
