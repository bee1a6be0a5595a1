"""Strip a folder of JSON Lines shards with datatrove: JsonlReader -> BoilerplateFormatter -> JsonlWriter.

    pip install 'arabic-news-stripper[datatrove]' orjson   # orjson: datatrove's JSON Lines reader and writer
    python examples/datatrove_pipeline.py IN_DIR OUT_DIR --tasks 8 --workers 2
    python examples/datatrove_pipeline.py --demo           # two small shards in a temporary folder

Each task reads its share of the input files, strips the text field of every document and writes one
output shard; records keep their other fields (datatrove carries them as metadata and
`expand_metadata=True` puts them back at the top level). The same pipeline list runs unchanged on
`SlurmPipelineExecutor` or `RayPipelineExecutor` (see the README).
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import tempfile
from pathlib import Path

from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.readers import JsonlReader
from datatrove.pipeline.writers import JsonlWriter

from stripper.integrations.datatrove import BoilerplateFormatter

EXAMPLE_PAGE = Path(__file__).resolve().parent.parent / "data" / "examples" / "news-page.txt"
#: Documents per shard in --demo.
DEMO_DOCS = 3


def build_pipeline(source: str, target: str, text_key: str = "text", keep: list[str] | None = None,
                   threshold: float | None = None) -> list[object]:
    """The three steps: read JSON Lines, strip the text, write JSON Lines (gzip) shards."""
    return [
        JsonlReader(source, text_key=text_key, glob_pattern="*.jsonl*"),
        BoilerplateFormatter(keep=keep or (), threshold=threshold),
        JsonlWriter(target, output_filename="${rank}.jsonl.gz", expand_metadata=True),
    ]


def write_demo_shards(folder: Path) -> None:
    """Two gzipped shards of the bundled example page, so the demo needs no data of yours."""
    page = EXAMPLE_PAGE.read_text(encoding="utf-8")
    folder.mkdir(parents=True, exist_ok=True)
    for shard in range(2):
        with gzip.open(folder / f"shard-{shard}.jsonl.gz", "wt", encoding="utf-8") as fh:
            for i in range(DEMO_DOCS):
                fh.write(json.dumps({"id": f"{shard}-{i}", "text": page, "shard": shard}, ensure_ascii=False) + "\n")


def main(argv: list[str] | None = None) -> int:
    """Run the pipeline locally over IN_DIR into OUT_DIR, or over demo shards with --demo."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("input", nargs="?", help="folder of .jsonl / .jsonl.gz files")
    parser.add_argument("output", nargs="?", help="folder for the cleaned shards")
    parser.add_argument("--demo", action="store_true", help="run on two small shards of the bundled example page")
    parser.add_argument("--tasks", type=int, default=2, help="tasks (each takes a share of the input files)")
    parser.add_argument("--workers", type=int, default=-1, help="tasks run at once (default: all)")
    parser.add_argument("--text-key", default="text", help="record field holding the text")
    parser.add_argument("--keep", action="append", default=[], help="junk label to keep; repeatable")
    parser.add_argument("--threshold", type=float, default=None, help="junk threshold in (0, 1]")
    parser.add_argument("--logs", default=None, help="datatrove logging folder (default: OUT_DIR/../logs)")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="stripper-datatrove-") as tmp:
        if args.demo:
            source, target = Path(tmp) / "in", Path(tmp) / "out"
            write_demo_shards(source)
        elif args.input and args.output:
            source, target = Path(args.input), Path(args.output)
        else:
            parser.error("give IN_DIR and OUT_DIR, or --demo")
        logs = Path(args.logs) if args.logs else (Path(tmp) / "logs" if args.demo else target.parent / "logs")
        executor = LocalPipelineExecutor(
            pipeline=build_pipeline(str(source), str(target), args.text_key, args.keep, args.threshold),
            tasks=args.tasks,
            workers=args.workers,
            logging_dir=str(logs),
        )
        executor.run()
        if args.demo:
            first = sorted(target.glob("*.jsonl.gz"))[0]
            with gzip.open(first, "rt", encoding="utf-8") as fh:
                record = json.loads(fh.readline())
            print(f"\n{first.name}, document {record['id']}:\n\n{record['text']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
