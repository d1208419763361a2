"""The range keys are chosen for, as the window keeps it: a range test's is saved
and wins over a take's; in kiosk mode it belongs to the current singer only."""

from __future__ import annotations

from PySide6.QtCore import QSettings

from ui.singer_range import FROM_TAKE, FROM_TEST, HIGH_KEY, LOW_KEY, SingerRange


def ini(tmp_path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


def test_a_tested_range_is_saved_and_a_later_take_does_not_replace_it(qapp, tmp_path):
    kept = SingerRange(ini(tmp_path))
    changes = []
    kept.changed.connect(lambda: changes.append(kept.saved()))
    kept.take_measured(55, 67)
    assert kept.saved() == (55, 67, FROM_TAKE) and kept.tested() is None
    kept.use_test(45, 64)
    kept.take_measured(57, 69)                     # the next take's range is only heard
    assert kept.tested() == (45, 64)
    assert changes == [(55, 67, FROM_TAKE), (45, 64, FROM_TEST)]
    kept.settings.sync()
    assert SingerRange(ini(tmp_path)).tested() == (45, 64)   # the next start uses it too
    kept.forget()
    assert kept.saved() is None
    kept.settings.sync()
    assert SingerRange(ini(tmp_path)).saved() is None


def test_a_range_saved_before_range_tests_existed_counts_as_a_take(qapp, tmp_path):
    settings = ini(tmp_path)
    settings.setValue(LOW_KEY, 50)
    settings.setValue(HIGH_KEY, 62)
    assert SingerRange(settings).saved() == (50, 62, FROM_TAKE)
    assert SingerRange(settings).tested() is None


def test_kiosk_keeps_a_range_test_for_the_current_singer_only(qapp, tmp_path):
    settings = ini(tmp_path)
    kept = SingerRange(settings, kiosk=True)
    kept.take_measured(55, 67)                     # takes are never kept in a kiosk
    assert kept.saved() is None
    kept.use_test(45, 64)
    assert kept.tested() == (45, 64)
    settings.sync()
    assert settings.allKeys() == []                # nothing about the singer on disk
    kept.forget_singer()                           # the idle reset: the next singer starts afresh
    assert kept.tested() is None and kept.saved() is None
