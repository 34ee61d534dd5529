"""What the three Kivy apps share: tasks, clocks, window options, settings errors, the app base."""
