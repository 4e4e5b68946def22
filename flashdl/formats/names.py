"""The format names ``flashdl import --format`` accepts. Kept free of imports: the argument
parser reads it on every start."""

#: ``tsv`` is CSV with a tab separator; ``quizlet`` is term<TAB>definition.
FORMATS = ("auto", "toml", "csv", "tsv", "quizlet", "md", "apkg")
