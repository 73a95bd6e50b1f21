"""Evaluation stage: metrics, plots and reports for trained models (`lyricgenre evaluate`)."""
