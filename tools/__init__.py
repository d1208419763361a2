"""Developer tools that are not part of the installed app (they may need extras such as music21)."""
