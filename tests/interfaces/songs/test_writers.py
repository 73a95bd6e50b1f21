"""RecordWriter and the output-format table, on their own (the CLI tests cover them through `main()` too)."""

import csv
import io
import json

import pytest

from lyricgenre.errors import UserError
from lyricgenre.interfaces.songs import writers
from lyricgenre.interfaces.songs.writers import OUTPUT_FORMATS, RecordFormat, RecordWriter

RECORD = {"row": 1, "id": "a", "families": ["rock"], "genres": ["hard rock"], "scores": {"hard rock": 0.8}}


def test_each_format_writes_the_records_and_renames_into_place(tmp_path):
    for suffix in (".jsonl", ".csv"):
        out = tmp_path / f"out{suffix}"
        with RecordWriter(out, io.StringIO()) as writer:
            writer.write(RECORD)
            assert not out.exists()  # a temporary until complete
        text = out.read_text()
        first = json.loads(text) if suffix == ".jsonl" else next(csv.DictReader(io.StringIO(text)))
        assert first["id"] == "a" and str(first["row"]) == "1"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv", "out.jsonl"]


def test_a_failed_run_leaves_the_earlier_output_and_no_temporary(tmp_path):
    out = tmp_path / "out.jsonl"
    out.write_text("earlier\n")
    with pytest.raises(RuntimeError), RecordWriter(out, io.StringIO()) as writer:
        writer.write(RECORD)
        raise RuntimeError("the run failed")
    assert out.read_text() == "earlier\n" and [p.name for p in tmp_path.iterdir()] == ["out.jsonl"]


def test_a_journal_is_on_disk_under_its_name_record_by_record(tmp_path):
    out = tmp_path / "report.csv"
    writer = RecordWriter(out, io.StringIO(), journal=True)
    writer.write(RECORD)
    assert "hard rock" in out.read_text()  # before the writer is closed
    writer.close(success=False)
    with pytest.raises(UserError, match="must be .jsonl or .csv"):
        RecordWriter(tmp_path / "report.parquet", io.StringIO(), journal=True)


def test_standard_output_gets_json_or_lines_for_people():
    stream = io.StringIO()
    with RecordWriter(None, stream) as writer:
        writer.write(RECORD)
    assert json.loads(stream.getvalue())["genres"] == ["hard rock"]
    stream = io.StringIO()
    with RecordWriter(None, stream, lines=lambda record: f"{record['id']}: {', '.join(record['genres'])}") as writer:
        writer.write(RECORD)
    assert stream.getvalue() == "a: hard rock\n"


def test_an_output_format_is_one_writer_class_and_one_table_line(tmp_path, monkeypatch):
    class TsvRecords(RecordFormat):
        description = "tab-separated genres"

        def write(self, record: dict) -> None:
            self.handle.write(f"{record['id']}\t{'|'.join(record['genres'])}\n")

    monkeypatch.setitem(OUTPUT_FORMATS, ".tsv", TsvRecords)
    with RecordWriter(tmp_path / "out.tsv", io.StringIO()) as writer:
        writer.write(RECORD)
    assert (tmp_path / "out.tsv").read_text() == "a\thard rock\n"
    assert ".tsv" in writers.output_formats_help()


def test_unsupported_outputs_and_empty_inputs_are_one_line_errors(tmp_path):
    with pytest.raises(UserError, match="unsupported output type; use .jsonl or .csv or .parquet"):
        RecordWriter(tmp_path / "out.xml", io.StringIO())
    writer = RecordWriter(tmp_path / "out.jsonl", io.StringIO())
    with pytest.raises(UserError, match="no songs in this file"):
        writer.check_not_empty(tmp_path / "in.csv")
