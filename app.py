"""The rehearse web app: ``streamlit run app.py`` serves it on http://127.0.0.1:8501 only."""

import contextlib
import threading

import streamlit as st

from app_pages.common import keep_widget_state
from rehearse.analysis.analysis import warm_up
from rehearse.errors import RehearseError


def _warm_up_quietly() -> None:
    # A missing model is reported where it matters, when the candidate analyses an answer.
    with contextlib.suppress(RehearseError):
        warm_up()


@st.cache_resource
def start_warm_up() -> threading.Thread:
    """Load the models in the background once per server, while the candidate picks a question."""
    thread = threading.Thread(target=_warm_up_quietly, name="rehearse-warm-up", daemon=True)
    thread.start()
    return thread


# An emoji icon is drawn in the page; a ":material/...:" page icon is fetched from fonts.gstatic.com.
st.set_page_config(page_title="Rehearse", page_icon="🎤", layout="wide")
keep_widget_state()
start_warm_up()
page = st.navigation(
    [
        st.Page("app_pages/rehearse.py", title="Rehearse", icon=":material/mic:", default=True),
        st.Page("app_pages/prepare.py", title="Prepare", icon=":material/checklist:"),
        st.Page("app_pages/mock.py", title="Mock interview", icon=":material/record_voice_over:"),
        st.Page("app_pages/history.py", title="History", icon=":material/history:"),
        st.Page("app_pages/settings.py", title="Settings", icon=":material/settings:"),
    ]
)
page.run()
