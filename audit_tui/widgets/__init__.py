"""Widgets of the interface; ThemeScores is shared by the interview and the dashboard."""
