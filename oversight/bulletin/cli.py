"""`python -m oversight bulletin MONTH [--town CODE] [--out FILE.docx] [--pdf] [--db PATH]`.

Writes the month's bulletin (工作通报) as .docx, and with --pdf the PDF beside it. Exit codes:
0 written; 1 the .docx was written but the PDF could not be made; 2 nothing could be written
(no warehouse, an unknown township, a month without reports, a chart that cannot be drawn).
Errors are one line on stderr, in Chinese and English, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from datetime import date
from pathlib import Path

from streamlit import logger as streamlit_logger

EXIT_OK, EXIT_NO_PDF, EXIT_USAGE = 0, 1, 2
_MONTH = re.compile(r"^(\d{4})-?(\d{1,2})$")


def _month(text: str) -> date:
    m = _MONTH.match(text.strip())
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise argparse.ArgumentTypeError(f"月份应为 YYYY-MM / a month as YYYY-MM: {text!r}")
    return date(int(m.group(1)), int(m.group(2)), 1)


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    """Arguments of the `bulletin` subcommand."""
    parser.add_argument("month", type=_month, metavar="MONTH", help="通报月份 YYYY-MM / the month, YYYY-MM")
    parser.add_argument("--town", metavar="CODE", help="乡镇(街道)代码或名称（默认全县）/ township code or name")
    parser.add_argument("--out", type=Path, metavar="FILE.docx", help="输出文件 / output file")
    parser.add_argument("--pdf", action="store_true", help="同时生成 PDF / also write the PDF")
    parser.add_argument("--lang", choices=("zh", "en"), default="zh", help="语言 / language (zh)")
    parser.add_argument(
        "--db", type=Path, help="仓库文件（默认 $OVERSIGHT_DB 或 data/warehouse.duckdb）/ warehouse file"
    )


STEPS = {
    "content": "读取数据 / reading the figures …",
    "charts": "绘制图表 / drawing the charts …",
    "document": "写入文档 / writing the document …",
    "pdf": "转换 PDF / converting to PDF …",
}


def default_name(scope: str, month: date) -> str:
    """工作通报_全县_2026-09.docx, 工作通报_新政镇_2026-09.docx."""
    return f"工作通报_{scope}_{month:%Y-%m}.docx"


def _fail(message: str, code: int = EXIT_USAGE) -> int:
    print(message, file=sys.stderr)
    return code


def _town_code(text: str | None) -> str | None:
    """A township's code from its code or name; ValueError when the registry has neither."""
    if not text:
        return None
    from oversight.queries.common import communities

    reg = communities()[["town_code", "town_name"]].drop_duplicates()
    hit = reg[(reg["town_code"] == text) | (reg["town_name"] == text)]
    if hit.empty:
        raise ValueError(f"名录中没有该乡镇(街道) / no such township in the registry: {text}")
    return str(hit["town_code"].iloc[0])


def run(args: argparse.Namespace) -> int:
    """Write the bulletin; see the module docstring for exit codes."""
    if args.db is not None:
        os.environ["OVERSIGHT_DB"] = str(args.db)
    # st.cache_data notes "No runtime found" outside a Streamlit app: expected here, not news
    os.environ.setdefault("STREAMLIT_LOGGER_LEVEL", "error")  # read when Streamlit parses its config
    streamlit_logger.set_log_level("error")
    from core.paths import db_path
    from oversight.bulletin.make import ChartError, PdfError, make
    from oversight.db import WarehouseError

    db = db_path()
    if not db.is_file():
        return _fail(f"找不到数据仓库文件 / warehouse not found: {db.name}（--db 或 $OVERSIGHT_DB）")
    try:
        town = _town_code(args.town)
        if args.out is not None and args.out.suffix.lower() != ".docx":
            return _fail(f"输出文件应以 .docx 结尾 / the output file must end in .docx: {args.out.name}")
        if args.out is not None and not args.out.parent.is_dir():
            return _fail(f"输出文件夹不存在 / no such folder: {args.out.parent}")
        made = make(args.month, town, args.lang, progress=lambda step: print(STEPS[step], file=sys.stderr))
    except ValueError as e:
        msg = str(e)
        if msg.startswith("no monthly reports"):
            msg = f"该月没有月度报表 / no monthly reports for {args.month:%Y-%m}"
        return _fail(msg)
    except (WarehouseError, ChartError, FileNotFoundError) as e:
        return _fail(f"无法生成通报 / cannot write the bulletin: {e}")
    out = args.out or Path(default_name(made.bulletin.scope, args.month))
    out.write_bytes(made.docx)
    print(out)
    if not args.pdf:
        return EXIT_OK
    from oversight.bulletin.pdf import to_pdf

    print(STEPS["pdf"], file=sys.stderr)
    try:
        pdf = to_pdf(made.docx)
    except PdfError as e:
        return _fail(f"已生成 .docx，未能生成 PDF / the .docx is written, the PDF is not: {e}", EXIT_NO_PDF)
    out.with_suffix(".pdf").write_bytes(pdf)
    print(out.with_suffix(".pdf"))
    return EXIT_OK
