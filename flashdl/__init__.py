"""flashdl: spaced-repetition flashcards for deep learning, with live NumPy demos."""

__version__ = "0.1.0"
