"""The Streamlit interface: pages, sidebar, strings and caches (see app.py)."""
