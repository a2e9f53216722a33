"""What measures the playground, apart from the playground itself.

`python -m playground.bench` (__main__.py) runs timing.py: the engines side by side; with `--browser`,
page.py: the page playing in Chromium; with `--class`, classroom.py: one server carrying a class. browser.py
starts a Streamlit server in a subprocess and Debian's Chromium, for these and for the browser tests.
"""
