"""The rehearse web app: ``streamlit run app.py`` serves it on http://127.0.0.1:8501 only."""

import streamlit as st

from app_pages.common import keep_widget_state

st.set_page_config(page_title="Rehearse", page_icon=":material/mic:", layout="wide")
keep_widget_state()
page = st.navigation(
    [
        st.Page("app_pages/rehearse.py", title="Rehearse", icon=":material/mic:", default=True),
        st.Page("app_pages/history.py", title="History", icon=":material/history:"),
        st.Page("app_pages/settings.py", title="Settings", icon=":material/settings:"),
    ]
)
page.run()
