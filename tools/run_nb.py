#!/usr/bin/python3
"""Execute Jupyter notebooks headless with nbclient and store their outputs.

Usage:
  run_nb.py [--out-dir DIR | --inplace] [--kernel deno] [--timeout S] [--cwd DIR] NB.ipynb...

Why not `jupyter nbconvert --execute`: the Deno kernel (2.9.6) sometimes publishes
execute_result/display_data just after it reports `status: idle`, and nbclient stops reading at
idle, so those outputs are lost (10-20% of cells in a probe). GraceClient keeps reading IOPub for
GRACE_S after idle, which kept every output in repeated runs, for 0.1 s per cell.

Notebooks run in the order given; the first failing one stops the run (exit 1) with a message that
names the notebook and the cell. Each notebook's wall time is printed. Run it with /usr/bin/python3:
Debian's nbclient/nbformat live there, not in a pyenv python3.
"""
import argparse
import asyncio
import os
import pathlib
import sys
import tempfile
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionComplete, CellExecutionError, CellTimeoutError

GRACE_S = 0.1


class GraceClient(NotebookClient):
    """nbclient client that keeps reading IOPub for GRACE_S after the kernel goes idle."""

    async def _async_poll_output_msg(self, parent_msg_id, cell, cell_index):
        assert self.kc is not None
        done = False
        while True:
            get = self.kc.iopub_channel.get_msg(timeout=None)
            try:
                msg = await (asyncio.wait_for(get, GRACE_S) if done else get)
            except asyncio.TimeoutError:
                return
            if msg["parent_header"].get("msg_id") != parent_msg_id:
                continue
            try:
                self.process_message(msg, cell, cell_index)
            except CellExecutionComplete:
                done = True


class NotebookFailed(Exception):
    """A notebook stopped at a cell; the message names both."""


def describe_cell(nb, index):
    """'cell 5 (code cell 3, id abc): <first line>' for messages people can act on."""
    cell = nb.cells[index]
    code_no = sum(1 for c in nb.cells[: index + 1] if c.cell_type == "code")
    first = next((ln for ln in cell.source.splitlines() if ln.strip()), "").strip()
    if len(first) > 80:
        first = first[:77] + "..."
    cid = cell.get("id")
    ident = f", id {cid}" if cid else ""
    return f"cell {index + 1} (code cell {code_no}{ident}): {first}"


def write_atomic(nb, dest):
    """Writes via a temp file + rename so an interrupted run never leaves half a notebook."""
    dest = pathlib.Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".tmp", dir=dest.parent)
    os.close(fd)
    try:
        nbformat.write(nb, tmp)
        os.replace(tmp, dest)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def run_one(path, dest, kernel, timeout, cwd):
    """Executes one notebook; writes it to dest (also on failure, unless dest is the source)."""
    nb = nbformat.read(path, as_version=4)
    state = {"index": None}

    def on_cell_execute(cell, cell_index, **_):
        state["index"] = cell_index

    client = GraceClient(
        nb,
        kernel_name=kernel,
        timeout=timeout,
        resources={"metadata": {"path": str(cwd or pathlib.Path(path).parent)}},
        on_cell_execute=on_cell_execute,
    )
    try:
        client.execute()
    except (CellExecutionError, CellTimeoutError) as e:
        where = describe_cell(nb, state["index"]) if state["index"] is not None else "a cell"
        if pathlib.Path(dest).resolve() != pathlib.Path(path).resolve():
            write_atomic(nb, dest)
        kind = "timed out" if isinstance(e, CellTimeoutError) else "failed"
        raise NotebookFailed(f"{path}: {where} {kind}\n{e}") from None
    except Exception as e:  # kernel died, kernel not found, ...
        where = describe_cell(nb, state["index"]) if state["index"] is not None else "startup"
        raise NotebookFailed(f"{path}: {where}: {type(e).__name__}: {e}") from None
    write_atomic(nb, dest)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    where = ap.add_mutually_exclusive_group(required=True)
    where.add_argument("--out-dir", help="write executed notebooks here (same file names)")
    where.add_argument("--inplace", action="store_true", help="overwrite the notebooks")
    ap.add_argument("--kernel", default="deno", help="kernel name (default: deno)")
    ap.add_argument("--timeout", type=float, default=-1,
                    help="per-cell timeout in seconds; <= 0 means none (default)")
    ap.add_argument("--cwd", help="kernel working directory (default: the notebook's folder)")
    ap.add_argument("notebooks", nargs="+")
    args = ap.parse_args(argv)
    timeout = int(args.timeout) if args.timeout and args.timeout > 0 else None

    total0 = time.monotonic()
    for path in args.notebooks:
        dest = path if args.inplace else os.path.join(args.out_dir, os.path.basename(path))
        t0 = time.monotonic()
        try:
            run_one(path, dest, args.kernel, timeout, args.cwd)
        except NotebookFailed as e:
            print(f"FAILED {e}", file=sys.stderr, flush=True)
            print(f"notebook {path} failed after {time.monotonic() - t0:.1f} s", flush=True)
            return 1
        print(f"executed {path} -> {dest} in {time.monotonic() - t0:.1f} s", flush=True)
    if len(args.notebooks) > 1:
        print(f"{len(args.notebooks)} notebooks in {time.monotonic() - total0:.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
