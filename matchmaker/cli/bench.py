"""``matchmaker bench api|match|notify|quality|scale|search``: measured numbers, as ratios against a baseline in the same run."""

from __future__ import annotations

import click

from matchmaker.cli.running import run, settings_from_env

__all__ = ["bench"]


def parse_sizes(text: str) -> list[tuple[int, int]]:
    """``"5000x1000,50000x10000"`` → [(5000, 1000), (50000, 10000)]."""
    sizes = []
    for part in text.split(","):
        demands, _, partners = part.strip().lower().partition("x")
        sizes.append((int(demands), int(partners)))
    return sizes


@click.group()
def bench() -> None:
    """Benchmarks on synthetic data in a separate bench database."""


@bench.command("api")
@click.option("--demands", type=click.IntRange(1000, 2_000_000), default=100_000, show_default=True)
@click.option("--clients", type=click.IntRange(1, 256), default=32, show_default=True)
@click.option("--seconds", type=click.FloatRange(1, 600), default=10, show_default=True)
@click.option(
    "--client",
    type=click.Choice(["auto", "wrk", "httpx"]),
    default="auto",
    show_default=True,
    help="Load generator: wrk when installed (auto), else httpx.",
)
def bench_api(demands: int, clients: int, seconds: float, client: str) -> None:
    """Drive the read API from concurrent clients; /health is the floor."""
    from matchmaker.bench_api import run_api_bench

    settings = settings_from_env()
    table = run(
        run_api_bench(
            settings, demands=demands, clients=clients, seconds=seconds, client=client,
            progress=lambda line: click.echo(line, err=True),
        )
    )  # fmt: skip
    click.echo(table)


@bench.command("match")
@click.option(
    "--sizes", default="5000x1000,50000x10000", show_default=True, help="DEMANDSxPARTNERS,…"
)
@click.option("--repeat", type=click.IntRange(1, 20), default=3, show_default=True)
def bench_match(sizes: str, repeat: int) -> None:
    """Time each phase of a round and compare the algorithms and solvers."""
    from matchmaker.bench_match import run_match_bench

    try:
        parsed = parse_sizes(sizes)
    except ValueError:
        raise click.BadParameter(
            "expected DEMANDSxPARTNERS,… such as 5000x1000", param_hint="--sizes"
        ) from None
    settings = settings_from_env()
    report = run(
        run_match_bench(
            settings, sizes=parsed, repeat=repeat, progress=lambda line: click.echo(line, err=True)
        )
    )
    click.echo(report)


@bench.command("quality")
@click.option(
    "--algorithm",
    type=click.Choice(["optimal", "coverage", "stable", "greedy"]),
    default="optimal",
    show_default=True,
)
@click.option(
    "--min-score", type=click.FloatRange(0, 1), default=None, help="Default: the round's."
)
@click.option("--seed", type=click.IntRange(0, 2**31 - 1), default=1, show_default=True)
@click.option("--verbose", is_flag=True, help="Also list every poor proposal and missed need.")
def bench_quality(algorithm: str, min_score: float | None, seed: int, verbose: bool) -> None:
    """Run the default round on the demo data and hold it to the judged pairs."""
    from matchmaker.bench_quality import run_quality_bench
    from matchmaker.models.rounds import RoundRequest, Scope

    request = RoundRequest(scope=Scope(), algorithm=algorithm, dry_run=True, seed=seed)  # type: ignore[arg-type]
    if min_score is not None:
        request.min_score = min_score
    click.echo(run(run_quality_bench(settings_from_env(), request=request, verbose=verbose)))


@bench.command("scale")
@click.option(
    "--profile",
    type=click.Choice(["county", "city", "province"]),
    default="city",
    show_default=True,
    help="The synthetic marketplace to run on (see `seed --synthetic --profile`).",
)
@click.option(
    "--whole/--no-whole",
    default=None,
    help="Also solve the round whole (default: but for the province, whose whole solve does not "
    "fit in 24 GB).",
)
def bench_scale(profile: str, whole: bool | None) -> None:
    """A round over a whole city or province: whole on 1 worker, split by district on 1 and 2."""
    from matchmaker.bench_scale import run_scale_bench

    report = run(
        run_scale_bench(
            settings_from_env(),
            profile=profile,
            whole=profile != "province" if whole is None else whole,
            progress=lambda line: click.echo(line, err=True),
        )
    )
    click.echo(report)


@bench.command("notify")
@click.option("--demands", type=click.IntRange(100, 1_000_000), default=5000, show_default=True)
@click.option("--partners", type=click.IntRange(10, 200_000), default=1000, show_default=True)
@click.option("--messages", type=click.IntRange(10, 100_000), default=2000, show_default=True)
@click.option("--repeat", type=click.IntRange(1, 20), default=3, show_default=True)
def bench_notify(demands: int, partners: int, messages: int, repeat: int) -> None:
    """What telling people costs: a round's notifications ÷ its write; the outbox ÷ bare posts."""
    from matchmaker.bench_notify import run_notify_bench

    table = run(
        run_notify_bench(
            settings_from_env(), demands=demands, partners=partners, messages=messages,
            repeat=repeat, progress=lambda line: click.echo(line, err=True),
        )
    )  # fmt: skip
    click.echo(table)


@bench.command("search")
@click.option(
    "--demands", type=click.IntRange(0, 2_000_000), default=0, show_default=True,
    help="Also time the board's search statements on this many synthetic needs (0: skip).",
)  # fmt: skip
def bench_search(demands: int) -> None:
    """Hold the search to the judged queries on the demo data: recall, precision, top result;
    with --demands, the board's search statements before and now, in one run."""
    from matchmaker.bench_search import run_latency_bench, run_search_bench

    settings = settings_from_env()
    click.echo(run(run_search_bench(settings)))
    if demands:
        progress = lambda line: click.echo(line, err=True)  # noqa: E731
        click.echo("\n" + run(run_latency_bench(settings, demands, progress)))
