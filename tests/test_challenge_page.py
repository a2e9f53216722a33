"""Challenges on the page (AppTest): choose one, follow the attempt, break a limit, make one for a link."""
from playground import challenges
from waits import until


def banner(at):
    found = [e.value for kind in ("success", "info", "warning", "error") for e in getattr(at, kind)]
    return " ".join(found)


def train(at, epochs):
    run = at.session_state.page.run
    run.step(epochs, wait=30)
    until(lambda: not run.refresh().active, 30, f"the run still trains, {epochs} epochs asked", 0.1)
    at.run()


def test_choosing_a_challenge_imposes_its_data_and_the_link_carries_it(app):
    at = app()
    assert at.selectbox(key="challenge").options[0] == "No challenge"
    at.selectbox(key="challenge").select("spiral12").run()
    assert at.session_state.dataset == "spiral" and at.session_state.noise == 0.1
    assert at.query_params["challenge"] == "spiral12" and at.session_state.page.run.dataset.name == "spiral"
    assert any("at most 12 hidden neurons" in c.value for c in at.caption)
    at.selectbox(key="challenge").select("").run()
    assert "challenge" not in at.query_params and not at.exception


def test_a_known_solution_is_solved_and_the_banner_says_when(app):
    solution = challenges.BY_KEY["xor"]
    at = app(challenge="xor", **{key: str(value) for key, value in solution.data.items()}, layers="0",
             features="x1*x2")
    train(at, solution.epochs)
    assert "Solved at epoch" in banner(at) and "0 hidden neurons" in banner(at)


def test_breaking_a_limit_does_not_count_and_says_which(app):
    at = app(challenge="xor", dataset="xor", noise="0")
    train(at, 2)
    assert "does not count" in banner(at) and "hidden layers: 2" in banner(at)


def test_a_changed_imposed_setting_is_named_by_its_label(app):
    at = app(challenge="xor", dataset="xor", noise="0", layers="0", features="x1*x2")
    at.select_slider(key="noise").set_value(0.1).run()
    train(at, 2)
    assert "does not count" in banner(at) and r"Noise: 0\.1 where" in banner(at), banner(at)


def test_a_teacher_makes_a_challenge_from_the_current_setup_and_its_link_opens_it(app):
    at = app(tool="challenge", dataset="moons", layers="1", width_1="5")
    at.selectbox(key="challenge_metric").select("accuracy").run()
    at.number_input(key="challenge_target").set_value(0.95).run()
    at.number_input(key="challenge_epochs").set_value(40).run()
    at.button(key="challenge_make").click().run()
    code = at.query_params["challenge"]
    made = challenges.from_link(code)
    assert made.data["dataset"] == "moons" and made.goal.target == 0.95 and made.epochs == 40
    assert made.max_neurons == 5 and not at.exception
    opened = app(**dict(at.query_params))
    assert opened.session_state.challenge == code and not opened.warning
    assert any("within 40 epochs" in c.value for c in opened.caption)


def test_a_tampered_challenge_in_a_link_is_refused_with_the_usual_warning(app):
    at = app(challenge="eyJ2IjoiMSJ9" + "A" * 600)
    assert "`challenge`" in at.warning[0].value and at.session_state.challenge == ""
    assert not at.exception
