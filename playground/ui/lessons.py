"""Lessons: one-click presets, each a question and what to watch for.

A lesson sets every setting but the engine (and how the page looks) to its default, then its
own values, and starts a fresh run; the widgets and the URL follow. The tests train each
lesson's setup and check that what it tells the student to watch for does happen.
"""
from dataclasses import dataclass

import streamlit as st

from ..data import FEATURES
from .controls import shown
from .settings import SETTINGS

KEPT = ("engine", "show_test", "discretize", "classroom")


@dataclass(frozen=True)
class Lesson:
    key: str
    title: str
    question: str
    watch: str
    settings: dict


LESSONS = (
    Lesson("xor", "XOR, no hidden layer", "Can a network without a hidden layer learn XOR?",
           "Press Play. The boundary stays a straight line, and the training loss stays near 0.69 (ln 2, what "
           "a coin toss scores): one line cannot put opposite corners on the same side. Then add a hidden "
           "layer, or the input feature x1*x2, and play again.",
           {"dataset": "xor", "layers": 0}),
    Lesson("sigmoid", "Six sigmoid layers", "Why does a deep stack of sigmoids learn so slowly?",
           "Press Play and watch the weight histograms: layer 1's weights stay where they started while the "
           "last layers' move. Going back, each sigmoid multiplies the gradient by at most 0.25, so the first "
           "layers hardly learn (vanishing gradients). Then try tanh or relu.",
           {"layers": 6, **{f"width_{i}": 4 for i in range(1, 7)}, "activation": "sigmoid"}),
    Lesson("explode", "Learning rate 3", "What happens when each step is far too large?",
           "Press Play. Each step overshoots further than the last: the loss explodes within an epoch or two "
           "and training stops with a message. Go back, choose a learning rate of 0.03, and play again.",
           {"dataset": "plane", "output": "linear", "loss": "mse", "learning_rate": 3.0}),
    Lesson("spiral", "The spiral", "Can a small network with inputs x1 and x2 learn the spiral?",
           "Press Play: accuracy stalls far below 100%, as the boundary cannot wind around. Pin this run, "
           "then add the inputs sin(x1) and sin(x2), or use three layers of 8 neurons with Adam, and compare.",
           {"dataset": "spiral"}),
    Lesson("l1", "L1 drives weights to 0", "What does an L1 penalty do to the weights?",
           "Press Play and watch layer 1's weight histogram: most weights gather in a spike at 0. L1 pulls every "
           "weight toward 0 by the same step, and the inputs this circle does not need (it needs x1² and x2²) "
           "stay there. Switch to L2: weights shrink but do not reach 0.",
           {"features": list(FEATURES), "layers": 1, "width_1": 8, "regularization": "l1", "penalty_rate": 0.01}),
)
BY_KEY = {lesson.key: lesson for lesson in LESSONS}


def values(lesson):
    """Every setting a lesson sets: the defaults, then the lesson's own."""
    defaults = {x.key: list(x.default) if x.key == "features" else x.default for x in SETTINGS if x.key not in KEPT}
    return {**defaults, **lesson.settings}


def start(key):
    """Sets a lesson's settings and asks for a fresh run, paused."""
    s = st.session_state
    for name, value in values(BY_KEY[key]).items():
        s[name] = value
    s.lesson = key
    s.run_key = None   # a new run even if the settings were already these
    s.playing = False


def close():
    st.session_state.lesson = None


def lessons_sidebar():
    """The lesson buttons, and the chosen lesson's question and what to watch for."""
    sb = st.sidebar
    lesson = BY_KEY.get(st.session_state.get("lesson"))
    if lesson is not None:
        sb.info(f"**{lesson.question}**\n\n{lesson.watch}")
        sb.button("Close the lesson", key="lesson_close", on_click=close)
    if not shown("lessons"):
        return
    with sb.expander("Lessons: one click, one question", expanded=lesson is None):
        for item in LESSONS:
            st.button(item.title, key=f"lesson_{item.key}", on_click=start, args=(item.key,),
                      help=item.question, width="stretch")
