"""Song cards: one suggested song (key, fit, reasons) or one hum-search result."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
)

from app.hum_search import HumHit
from app.key_fit import KeyFit
from app.suggest import Suggestion

MINUS = "\u2212"


def key_words(fit: KeyFit) -> str:
    """"Original key", "Key +3", "Key −2 · octave down" — translated."""
    if fit.key_shift == 0:
        key = QCoreApplication.translate("SongCards", "Original key")
    else:
        sign = "+" if fit.key_shift > 0 else MINUS
        key = QCoreApplication.translate("SongCards", "Key {0}").format(f"{sign}{abs(fit.key_shift)}")
    if fit.octave < 0:
        return key + " · " + QCoreApplication.translate("SongCards", "octave down")
    if fit.octave > 0:
        return key + " · " + QCoreApplication.translate("SongCards", "octave up")
    return key


def gender_words(gender: str | None) -> str:
    return {"female": QCoreApplication.translate("SongCards", "female singer"), "male": QCoreApplication.translate("SongCards", "male singer"),
            "mixed": QCoreApplication.translate("SongCards", "mixed voices")}.get(gender or "", QCoreApplication.translate("SongCards", "singer unknown"))


def reason_words(s: Suggestion, tested: bool = False) -> list[str]:
    """Why a song is suggested, in the UI's language (the data of ``s.reasons``);
    ``tested``: the keys were chosen for the singer's tested range."""
    out = []
    if s.singer:
        out.append(QCoreApplication.translate("SongCards", "voice like {0}, {1:.2f}").format(s.singer, s.similarity))
    if s.fit.in_range >= 0.95:
        out.append(QCoreApplication.translate("SongCards", "fits your tested range in this key") if tested
                   else QCoreApplication.translate("SongCards", "fits your range in this key"))
    elif tested:
        out.append(QCoreApplication.translate("SongCards", "{0:.0%} of the tune in your tested range").format(
            s.fit.in_range))
    else:
        out.append(QCoreApplication.translate("SongCards", "{0:.0%} of the tune in your range").format(s.fit.in_range))
    return out


def time_words(seconds: float) -> str:
    s = round(seconds)
    return f"{s // 60}:{s % 60:02d}"


class _Card(QFrame):
    open_requested = Signal(int)

    def __init__(self, song_id: int, parent=None) -> None:
        super().__init__(parent)
        self.song_id = song_id
        self.setObjectName("songCard")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        # Never squeezed below its natural height: the list scrolls instead.
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        row = QHBoxLayout(self)
        self.rank_label = QLabel("")
        self.rank_label.setObjectName("cardRank")
        self.rank_label.setFixedWidth(44)
        row.addWidget(self.rank_label, 0, Qt.AlignmentFlag.AlignTop)
        self.body = QVBoxLayout()
        self.body.setSpacing(4)
        row.addLayout(self.body, 1)
        button = QPushButton(QCoreApplication.translate("SongCards", "Song page"))
        button.setMinimumSize(120, 44)
        button.clicked.connect(lambda: self.open_requested.emit(self.song_id))
        row.addWidget(button, 0, Qt.AlignmentFlag.AlignVCenter)

    def _title(self, rank: int, title: str, subtitle: str) -> None:
        self.rank_label.setText(str(rank))
        self.title_label = QLabel(title)
        self.title_label.setObjectName("cardTitle")
        self.title_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        sub = QLabel(subtitle)
        sub.setObjectName("cardSubtitle")
        self.body.addWidget(self.title_label)
        self.body.addWidget(sub)


class SuggestionCard(_Card):
    """A suggested song: title, artist, singer gender, key in words, fit bar, reasons
    (``tested``: the key was chosen for the singer's tested range)."""

    def __init__(self, rank: int, s: Suggestion, parent=None, *, tested: bool = False) -> None:
        super().__init__(s.song_id, parent)
        self.suggestion = s
        self._title(rank, s.title, f"{s.artist} · {gender_words(s.singer_gender)}")
        self.key_label = QLabel(key_words(s.fit))
        self.key_label.setObjectName("cardKey")
        self.fit_bar = QProgressBar()
        self.fit_bar.setRange(0, 100)
        self.fit_bar.setValue(round(100 * s.fit.in_range))
        self.fit_bar.setFormat(QCoreApplication.translate("SongCards", "%p% in your range"))
        self.fit_bar.setFixedWidth(220)
        self.reasons_label = reasons = QLabel(" · ".join(reason_words(s, tested)), wordWrap=True)
        reasons.setObjectName("cardReasons")
        line = QHBoxLayout()
        line.addWidget(self.key_label)
        line.addSpacing(16)
        line.addWidget(self.fit_bar)
        line.addStretch(1)
        self.body.addLayout(line)
        self.body.addWidget(reasons)


class HumResultCard(_Card):
    """A hum-search result: title, artist, confidence, where in the song it matched."""

    def __init__(self, rank: int, hit: HumHit, confident: bool, parent=None) -> None:
        super().__init__(hit.song_id, parent)
        self.hit = hit
        self._title(rank, hit.title, hit.artist)
        self.confidence_bar = QProgressBar()
        self.confidence_bar.setRange(0, 100)
        self.confidence_bar.setValue(round(100 * hit.score))
        self.confidence_bar.setFormat(QCoreApplication.translate("SongCards", "%p% sure") if confident else QCoreApplication.translate("SongCards", "%p% — a guess"))
        self.confidence_bar.setFixedWidth(220)
        where = QLabel(QCoreApplication.translate("SongCards", "matched at {0} into the song").format(time_words(hit.start_s)))
        where.setObjectName("cardReasons")
        line = QHBoxLayout()
        line.addWidget(self.confidence_bar)
        line.addSpacing(16)
        line.addWidget(where)
        line.addStretch(1)
        self.body.addLayout(line)
