"""Who may see what: the users file and its command line (`users`, `cli`), failed sign-in
throttling (`throttle`), and the Streamlit sign-in gate every page passes (`session`)."""
