"""What the report scripts of scripts/bench.d share (report.py, scaling-report.py): how a size
is counted and named, and the head of their Markdown tables."""


def count_of(size):
    """'10k' -> 10000, '1m' -> 1000000, '500' -> 500."""
    size = size.lower()
    if size.endswith("k"):
        return int(size[:-1]) * 1000
    if size.endswith("m"):
        return int(size[:-1]) * 1000000
    return int(size)


def count_label(n):
    """10000 -> '10k', 1000000 -> '1M'; '?' for None."""
    if n is None:
        return "?"
    if n % 1000000 == 0:
        return f"{n // 1000000}M"
    if n % 1000 == 0:
        return f"{n // 1000}k"
    return str(n)


def table_head(columns):
    """The first two lines of a Markdown table: `columns` are titles, a title ending in ':' is
    right-aligned (numbers); the ':' is not shown."""
    titles = [c[:-1] if c.endswith(":") else c for c in columns]
    return ["| " + " | ".join(titles) + " |",
            "|" + "".join("---:|" if c.endswith(":") else "---|" for c in columns)]
