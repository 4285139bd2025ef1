"""The monthly oversight bulletin (工作通报), generated from the warehouse.

`make.make(month, town_code)` builds the content (`content.build`: plain data from the
queries), renders its charts (`charts`), writes the .docx from the office's template (`word`)
and, if asked, the PDF (`pdf`). The CLI (`python -m oversight bulletin`, `cli.py`) and the 通报
page (pages/bulletin.py) both call it. docs/bulletin.md describes the structure and rules.
Nothing is imported here, so the CLI can quiet Streamlit before the queries load.
"""
