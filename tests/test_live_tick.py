"""Under a class, the live part redraws less often, and one run paused and played again does not
change every session's pace back and forth."""
from playground.ui.live import TICKS, tick


def test_one_session_is_redrawn_more_than_twice_a_second_and_a_class_less_often():
    assert 1 / tick(1) > 2
    assert tick(3) == tick(1)
    assert tick(4) == tick(6) == 2 * tick(1)
    assert tick(6) < tick(7) == tick(12) < tick(13) == tick(40) == TICKS[-1][1]


def test_a_slower_pace_stays_until_the_class_is_a_session_below_its_level():
    assert tick(7) == 1.8
    assert tick(6, current=1.8) == 1.8  # one session paused: the pace stays
    assert tick(5, current=1.8) == 0.9  # two: it quickens
    assert tick(3, current=0.9) == 0.9 and tick(2, current=0.9) == 0.45
    assert tick(7, current=0.45) == 1.8  # a pace slows down at once
