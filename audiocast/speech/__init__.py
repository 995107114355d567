"""Speech: engines behind one small interface, voice profiles, and the synthesis cache."""
