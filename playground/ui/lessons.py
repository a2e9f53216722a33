"""Lessons: one-click presets, each a question and what to watch for.

A lesson sets every setting but the engine (and how the page looks) to its default, then its
own values, and starts a fresh run; the widgets and the URL follow. The tests train each
lesson's setup and check that what it tells the student to watch for does happen.
"""
from dataclasses import dataclass

import streamlit as st

from .. import inspect, plots
from ..data import FEATURES
from ..i18n import N_, _
from ..settings import SETTINGS
from . import preset
from .chart import chart
from .classroom import may_change, shown
from .state import forget_drawing, on_run, page_state, request_new_run
from .safe import guarded, section

CHART_EVERY = 1.0  # seconds between redraws of a lesson's chart while the run plays
CHART_HEIGHT = 260
KEPT = ("engine", "show_test", "discretize", "presentation", "classroom", "lang", "challenge")


@dataclass(frozen=True)
class Lesson:
    key: str
    title: str       # title, question and watch are marked for translation: shown with _()
    question: str
    watch: str
    settings: dict
    chart: str = ""  # a chart the lesson shows beside its text: "gradients" (each layer's gradient size)


LESSONS = (
    Lesson("xor", N_("XOR, no hidden layer"), N_("Can a network without a hidden layer learn XOR?"),
           N_("Press Play. The boundary stays a straight line, and the training loss stays near 0.69 (ln 2, what "
              "a coin toss scores): one line cannot put opposite corners on the same side. Then add a hidden "
              "layer, or the input feature x1*x2, and play again."),
           {"dataset": "xor", "layers": 0}),
    Lesson("sigmoid", N_("Six sigmoid layers"), N_("Why does a deep stack of sigmoids learn so slowly?"),
           N_("Press Play and watch the chart above, Gradient size per layer, on a log scale. Going back, each "
              "sigmoid multiplies the gradient by at most 0.25, so layer 1's gradient is ten thousand times smaller "
              "than the output layer's, or less: the layers marked vanishing hardly learn, and their weights stay "
              "where they started. Then try tanh or relu."),
           {"layers": 6, **{f"width_{i}": 4 for i in range(1, 7)}, "activation": "sigmoid"}, chart="gradients"),
    Lesson("explode", N_("Learning rate 3"), N_("What happens when each step is far too large?"),
           N_("Press Play. Each step (one per epoch: the batch is the whole training set) overshoots further than "
              "the last: the loss climbs epoch after epoch, ten times higher each time, until it is too large to "
              "compute and training stops with a message. Go back, choose a learning rate of 0.03, and play again."),
           {"dataset": "plane", "output": "linear", "loss": "mse", "learning_rate": 3.0, "batch_size": 250,
            "speed": 0.1}),
    Lesson("spiral", N_("The spiral"), N_("Can a small network with inputs x1 and x2 learn the spiral?"),
           N_("Press Play: accuracy stalls far below 100%, as the boundary cannot wind around. Pin this run, "
              "then add the inputs sin(x1) and sin(x2), or use three layers of 8 neurons with Adam, and compare."),
           {"dataset": "spiral"}),
    Lesson("l1", N_("L1 drives weights to 0"), N_("What does an L1 penalty do to the weights?"),
           N_("Press Play and watch layer 1's weights: most weights gather in a spike at 0. L1 pulls every "
              "weight toward 0 by the same step, and the inputs this circle does not need (it needs x1² and x2²) "
              "stay there. Switch to L2: weights shrink but do not reach 0."),
           {"features": list(FEATURES), "layers": 1, "width_1": 8, "regularization": "l1", "penalty_rate": 0.01}),
    Lesson("zeros", N_("All weights at zero"), N_("Why not start at zero?"),
           N_("Press Play and watch the network view: in each layer every neuron draws the same picture, and "
              "accuracy stalls near 60%. Starting equal, the neurons of a layer compute the same output, get the "
              "same gradient and take the same step, so they stay equal, and the layer works as one neuron. (With "
              "tanh or relu they would not even move: f(0) = 0 sends no gradient back.) Then choose the initial "
              "weights glorot_uniform and play again: random weights break the tie."),
           {"init": "zeros", "activation": "sigmoid", "learning_rate": 1.0}),
)
BY_KEY = {lesson.key: lesson for lesson in LESSONS}


def values(lesson):
    """Every setting a lesson sets: the defaults, then the lesson's own."""
    defaults = {x.key: list(x.default) if x.key == "features" else x.default for x in SETTINGS if x.key not in KEPT}
    return {**defaults, **lesson.settings}


@guarded(N_("the lessons"))
def start(key):
    """Sets a lesson's settings and asks for a fresh run, paused."""
    s = st.session_state
    for name, value in values(BY_KEY[key]).items():
        s[name] = value
    page_state().lesson = key
    forget_drawing()
    request_new_run()


@guarded(N_("the lessons"))
def close():
    page_state().lesson = None


def lessons_sidebar():
    """The chosen lesson's question and what to watch for (it folds), then the list of lessons and the
    tutorial's example, which stays reachable while a lesson runs. Under classroom mode a button that
    would change a hidden setting is not drawn."""
    sb = st.sidebar
    lesson = BY_KEY.get(page_state().lesson)
    if lesson is not None:
        with sb.expander(_("Lesson: {title}").format(title=_(lesson.title)), expanded=True, icon=":material/school:"):
            st.markdown(f"**{_(lesson.question)}**")
            if lesson.chart == "gradients":
                gradient_chart()
            st.markdown(_(lesson.watch))
            st.button(_("Close the lesson"), key="lesson_close", on_click=close)
    lessons = shown("lessons") and may_change(values(LESSONS[0]))
    if not lessons and not may_change(preset.SETTINGS_CHANGED):
        return
    with sb.expander(_("Lessons and examples"), icon=":material/school:"):
        if lessons:
            for item in LESSONS:
                st.button(_(item.title), key=f"lesson_{item.key}", on_click=start, args=(item.key,),
                          help=_(item.question), width="stretch")
        preset.preset_button()


def gradient_chart():
    """Each layer's gradient size, epoch by epoch, the vanishing layers marked: in the lesson's box, on the first
    screen. While the run plays it follows the run, redrawn every CHART_EVERY seconds (the page's script runs only
    on an action, and the live view draws only the boundary, the network and the curves)."""
    run = page_state().run
    if run is None:
        return
    with st.container(key="lesson_gradients"), section(N_("the lesson's chart")):
        st.fragment(run_every=CHART_EVERY if run.snapshot.active else None)(_gradient_chart)()


def _gradient_chart():
    run = page_state().run
    if run is None:
        return
    health = (on_run(run.latest_health) if run.snapshot.active else None) or run.snapshot.health
    norms = health["norms"]
    weak = inspect.vanishing_layers(norms[-1]) if len(norms) else []
    chart(plots.gradient_sizes_figure(health["epochs"], norms, weak, inspect.VANISHING), key="chart_lesson_gradients",
          height=CHART_HEIGHT)
    if weak and norms[-1][0] > 0:
        times = float(f"{norms[-1][-1] / norms[-1][0]:.2g}")  # two significant digits: 1/240,000
        st.caption(_("Vanishing now: layers {layers}. Layer 1's gradient is 1/{times:,.0f} of the output "
                     "layer's.").format(layers=_(", ").join(str(layer) for layer in weak), times=times))
