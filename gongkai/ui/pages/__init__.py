"""One module per page; each is run as a page script by st.navigation and exposes render(view)."""
