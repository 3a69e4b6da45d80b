"""emulate: emulation regulations as data."""
