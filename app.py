"""Neural Playground: `streamlit run app.py`.

Streamlit runs this file as the page's script (then its __name__ is "__main__"). `streamlit run` first
imports it as a module to find `app`: the server, which serves the page and, on the same port, the
live view's channel (playground/ui/channel.py).
"""
import streamlit as st

if __name__ == "__main__":
    st.set_page_config(page_title="Neural Playground", page_icon="🧠", layout="wide")

    from playground.ui import main, setup

    setup()
    main()
else:
    from playground.ui.channel import MIDDLEWARE, ROUTES

    app = st.App(__file__, routes=ROUTES, middleware=MIDDLEWARE)
