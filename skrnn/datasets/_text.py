"""Plain texts for character- and word-level language models."""

from __future__ import annotations

from sklearn.utils import Bunch

from ._base import _load_descr, _read_text


def load_hamlet() -> Bunch:
    """Load the text of Shakespeare's *Hamlet*, a corpus for character-level models.

    The play as one string of 175,176 characters (ASCII, 66 distinct characters,
    ``\\n`` line endings): a title line, the act and scene headings, each speaker's
    name on a line of its own followed by the speech, and the stage directions.
    The text is in the public domain.

    Read more in the DESCR text, ``load_hamlet().DESCR``.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with the following attributes.

        data : str
            The text of the play.
        DESCR : str
            Description of the data set: source, license.

    Examples
    --------
    >>> from skrnn.datasets import load_hamlet
    >>> hamlet = load_hamlet()
    >>> len(hamlet.data), len(set(hamlet.data))
    (175176, 66)
    >>> hamlet.data.splitlines()[1]
    'The Tragedy of Hamlet, Prince of Denmark'
    """
    return Bunch(data=_read_text("hamlet.txt.xz"), DESCR=_load_descr("hamlet.rst"))
