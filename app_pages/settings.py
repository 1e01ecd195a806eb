"""Settings: the thresholds the analysis judges against, the speech model, and where attempts are kept."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from app_pages.common import CURRENT_ATTEMPT_KEY, SETTINGS_KEY, analysis_options, open_store_or_stop
from rehearse.analysis.analysis import AnalysisOptions
from rehearse.analysis.conciseness import ConcisenessOptions
from rehearse.analysis.pacing import PacingOptions
from rehearse.errors import ModelError, RehearseError, StoreError
from rehearse.history.settings import save_settings, settings_path
from rehearse.speech.transcribe import resolve_model_path

CONFIRM_DELETE_KEY = "confirm_delete_all"
DELETED_KEY = "deleted_attempts"
MARGIN_LABEL = "On target within ± this % of the question's target"
# One standard for length: the question's target, widened by this margin, is what the length card,
# the length tip, the saved verdict and History's "inside the target length" all judge against.
LENGTH_EXPLAINED = (
    "Each question has its own target length, shown when you choose it (a story about 1:30, "
    "a direct answer about 1:00). An answer this close to it counts as on target: the Length card, "
    "the length tip and History all use this one band."
)


def check_model_folder(folder: str) -> None:
    """Refuse a folder that holds no speech model, in the app's words (the engine's name a command option)."""
    try:
        resolve_model_path(folder)
    except ModelError as error:
        raise ModelError(
            f"The model folder {Path(folder).expanduser()} is not a CTranslate2 Whisper model folder: it has"
            " no model.bin. Choose the folder that holds model.bin, or leave the field empty to use the"
            " bundled model."
        ) from error


def threshold(column: DeltaGenerator, label: str, value: float, *, minimum: float, maximum: float) -> float:
    return column.number_input(
        label, min_value=minimum, max_value=maximum, step=5.0, format="%.0f", value=float(value)
    )


store = open_store_or_stop()
options = analysis_options()
st.title("Settings")
st.caption(
    f"Settings are kept in {settings_path(store.home)} and apply to the answers you analyse from now on."
)


with st.form("settings"):
    st.markdown("#### Pace (words per minute)")
    slow_column, fast_column = st.columns(2)
    slow = threshold(slow_column, "Slow below", options.pacing.slow_below_wpm, minimum=1.0, maximum=400.0)
    fast = threshold(fast_column, "Fast above", options.pacing.fast_above_wpm, minimum=1.0, maximum=400.0)
    st.markdown("#### Answer length")
    st.caption(LENGTH_EXPLAINED)
    margin = st.number_input(
        MARGIN_LABEL,
        min_value=5.0,
        max_value=90.0,
        step=5.0,
        format="%.0f",
        value=float(round(options.conciseness.target_tolerance * 100)),
    )
    st.markdown("#### Speech model")
    model_path = st.text_input(
        "Model folder (a CTranslate2 Whisper model; leave empty for the bundled one)",
        value=options.transcribe.model_path,
    )
    saved = st.form_submit_button("Save settings", type="primary")

if saved:
    try:
        if model_path.strip():
            check_model_folder(model_path.strip())
        new_options = replace(
            options,
            pacing=replace(options.pacing, slow_below_wpm=slow, fast_above_wpm=fast),
            conciseness=replace(options.conciseness, target_tolerance=margin / 100),
            transcribe=replace(options.transcribe, model_path=model_path.strip()),
        )
    except RehearseError as error:
        st.error(str(error))
    else:
        try:
            save_settings(store.home, new_options)
        except StoreError as error:
            st.error(f"{error} They apply until this browser tab is closed.")
        else:
            st.success("Saved. The next analysis uses these settings, also after a restart.")
        st.session_state[SETTINGS_KEY] = new_options

if st.button("Reset to defaults"):
    try:
        save_settings(store.home, AnalysisOptions())
    except StoreError as error:
        st.error(str(error))
    st.session_state[SETTINGS_KEY] = AnalysisOptions()
    st.rerun()

st.markdown("#### Where your attempts are kept")
try:
    model_in_use = resolve_model_path(analysis_options().transcribe.model_path or None)
except RehearseError as error:
    model_in_use = f"not found: {error}"
st.markdown(f"Data directory: `{store.home}`  \nSpeech model: `{model_in_use}`")
st.caption(
    f"Set the REHEARSE_HOME environment variable before starting the app to keep attempts elsewhere. "
    f"Defaults: pace {PacingOptions.slow_below_wpm:g}–{PacingOptions.fast_above_wpm:g} words/min, "
    f"length within ±{ConcisenessOptions.target_tolerance:.0%} of the question's target."
)

st.markdown("#### Delete your data")
st.caption(
    "Removes every recording, transcript and analysis, and your saved settings, from this computer."
    " This cannot be undone."
)
if DELETED_KEY in st.session_state:
    st.success(f"Deleted {st.session_state.pop(DELETED_KEY)} attempts and their recordings.")
if st.button("Delete all my recordings…", icon=":material/delete_forever:"):
    st.session_state[CONFIRM_DELETE_KEY] = True
if st.session_state.get(CONFIRM_DELETE_KEY):
    count = len(store.list_attempts())
    st.warning(f"Delete all {count} attempts and their recordings from {store.home}? This cannot be undone.")
    confirm_column, cancel_column = st.columns(2)
    if confirm_column.button("Yes, delete everything", type="primary"):
        try:
            st.session_state[DELETED_KEY] = store.delete_all()
        except StoreError as error:
            st.error(str(error))
        else:
            st.session_state.pop(CONFIRM_DELETE_KEY)
            st.session_state.pop(CURRENT_ATTEMPT_KEY, None)
            st.session_state[SETTINGS_KEY] = AnalysisOptions()  # the saved settings went too
            st.rerun()
    if cancel_column.button("Cancel"):
        st.session_state.pop(CONFIRM_DELETE_KEY)
        st.rerun()
