"""The page under AppTest, for the tests of its parts."""
import json

from streamlit.testing.v1 import AppTest


def app(timeout=60, **query):
    """The page after its first run, opened with `query` as the URL's parameters."""
    at = AppTest.from_file("../app.py", default_timeout=timeout)
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


def charts(at):
    """{key: figure} of every live chart on the page."""
    found = {}
    for element in at.get("component_instance"):
        key = json.loads(element.proto.json_args)["key"]
        found[key] = json.loads(next(a.bytes for a in element.proto.special_args if a.key == "figure"))
    return found
