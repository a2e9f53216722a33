"""Every plotly chart of the page has its numbers one key away (ui/chart.py): a "Table of values" popover beside it,
listing what a mouse reads by hovering."""
import numpy as np

from playground import plots
from playground.ui.chart import MOST_ROWS, figure_table


def test_a_line_chart_lists_each_series_points_and_a_long_one_evenly_spaced_ones():
    epochs = np.arange(1000, dtype=np.float32)
    figure = {"data": [{"type": "scatter", "x": epochs, "y": epochs / 10, "name": "train"},
                       {"type": "scatter", "x": epochs[:3], "y": np.array([1.5, np.nan, 0.25]), "name": "test"}],
              "layout": {}}
    rows, thinned = figure_table(figure)
    train = [r for r in rows if r["series"] == "train"]
    assert thinned and len(train) == MOST_ROWS and train[0] == {"series": "train", "x": "0", "y": "0"}
    assert train[-1] == {"series": "train", "x": "999", "y": "99.9"}
    assert [r for r in rows if r["series"] == "test"] == [
        {"series": "test", "x": "0", "y": "1.5"}, {"series": "test", "x": "1", "y": "—"},
        {"series": "test", "x": "2", "y": "0.25"}]


def test_a_heatmap_lists_its_cells_and_panels_are_named_by_their_axis_title():
    figure = {"data": [{"type": "heatmap", "x": ["0.01", "0.1"], "y": ["1", "2"], "z": [[0.5, 0.25], [None, 0.125]]}],
              "layout": {}}
    rows, _ = figure_table(figure)
    assert {"x": "0.1", "y": "1", "value": "0.25"} in rows and {"x": "0.01", "y": "2", "value": ""} in rows
    weights = plots.weight_histograms([(np.ones((2, 3)), np.zeros(3)), (np.ones((3, 1)), np.zeros(1))],
                                      [(np.full((2, 3), 0.5), np.zeros(3)), (np.full((3, 1), 2.0), np.zeros(1))],
                                      columns=2)
    rows, _ = figure_table(weights)
    assert len({r["panel"] for r in rows}) == 2                     # one per layer
    assert sorted({r["x"] for r in rows if r["series"] == "now"}) == ["0.5", "2"]


def test_a_picture_lists_the_words_written_on_it():
    sheet = np.zeros((8, 16), np.uint8)
    figure = plots.image_grid_figure(sheet, (8, 8), 2, np.array([3, 5]), np.array([3, 1]), ["0", "1", "2", "3", "4", "5"])
    rows, _ = figure_table(figure)
    assert [r["label"] for r in rows] == ["3 / 3", "1 / 5"]


def test_the_page_puts_a_table_beside_the_weights_chart(app):
    at = app()
    at.button(key="step").click().run()
    tables = [d.value for d in at.dataframe]
    weights = [t for t in tables if len(t) and "series" in t.columns and set(t["series"]) >= {"start", "now"}]
    assert weights, [list(t.columns) for t in tables]
    run_weights = np.concatenate([W.ravel() for W, _ in at.session_state.page.run.weights()])
    shown = weights[0][weights[0]["series"] == "now"]["x"].astype(float)
    assert np.allclose(np.sort(shown), np.sort(run_weights), atol=5e-4 * np.abs(run_weights).max())
