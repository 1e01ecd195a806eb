"""Pages of the Streamlit app: they draw widgets and call rehearse; the analysis lives in rehearse/."""
