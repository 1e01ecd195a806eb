"""History: every saved attempt, newest first, and the results of any one of them."""

from __future__ import annotations

import streamlit as st

from app_pages.common import open_store_or_stop, show_attempt
from rehearse.results_view import attempts_frame

store = open_store_or_stop()
st.title("History")
attempts = store.list_attempts()
if not attempts:
    st.info("No attempts yet: rehearse an answer and it will be listed here.")
    st.stop()

st.caption(f"{len(attempts)} attempts, stored in {store.home}.")
st.dataframe(attempts_frame(attempts), hide_index=True, width="stretch")
chosen = st.selectbox(
    "Open an attempt",
    attempts,
    format_func=lambda attempt: f"#{attempt.id} · {attempt.created_at[:10]} · {attempt.question}",
    key="history_attempt",
)
if chosen is not None:
    show_attempt(store, chosen)
