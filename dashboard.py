"""总览 Overview: the entry page of the dashboard."""

from __future__ import annotations

import streamlit as st

from oversight.frame import page_setup, tr

f = page_setup("overview")
st.title(tr("page.overview"))
