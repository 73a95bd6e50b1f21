"""The benchmark scripts run end to end on the tiny exported model and print what the README quotes."""

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

pytestmark = pytest.mark.slow

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


def _run(script: str, *args: str) -> str:
    command = [sys.executable, str(BENCHMARKS / script), *args]
    return subprocess.run(command, capture_output=True, text=True, check=True, timeout=300).stdout


def test_bench_runtime_reports_every_goal(exported, dataset, trained):
    line = _run(
        "bench_runtime.py",
        "--model",
        str(exported),
        "--data",
        str(dataset),
        "--songs",
        "16",
        "--single",
        "10",
        "--batch-size",
        "8",
        "--torch-model",
        str(trained["ensemble"]),
        "--rounds",
        "2",
        "--json",
    )
    result = json.loads(line)
    assert len(result["speedup_per_round"]) == 2 and min(result["speedup_per_round"]) > 0
    low, high = result["speedup_ci95"]
    assert 0 < low <= high
    goals = ("int8_vs_fp32_speedup", "songs_per_s", "p50_ms", "p95_ms", "model_mb", "rss_mb", "cold_start_s")
    for key in (*goals, "int8_vs_torch_fp32_speedup", "torch_fp32_songs_per_s", "limit_fraction"):
        assert result[key] > 0, key
    assert result["batch_independent_max_diff"] <= 1e-5


def test_bench_runtime_runs_without_arguments_on_the_shipped_model():
    """A fresh checkout has no dataset and no export folder: the shipped model on synthetic lyrics."""
    line = _run("bench_runtime.py", "--songs", "8", "--single", "4", "--batch-size", "4", "--rounds", "1", "--json")
    result = json.loads(line)
    assert result["model"].endswith("default_model") and "int8_vs_fp32_speedup" not in result
    for key in ("songs_per_s", "p50_ms", "p95_ms", "cold_start_s", "model_mb", "rss_mb", "matmul_integer_gmac_per_s"):
        assert result[key] > 0, key
    assert result["batch_independent_max_diff"] <= 1e-5 and "limit_fraction" in result


def _bench_runtime_module():
    spec = importlib.util.spec_from_file_location("bench_runtime", BENCHMARKS / "bench_runtime.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_paired_rounds_run_each_batch_through_every_model_in_turning_order():
    calls = []
    models = [lambda batch, name=name: calls.append((name, batch[0])) for name in ("int8", "fp32")]
    totals = _bench_runtime_module().paired_rounds(models, [["a"], ["b"]], rounds=2)
    assert totals.shape == (2, 2) and (totals >= 0).all()
    first_round = [("int8", "a"), ("fp32", "a"), ("fp32", "b"), ("int8", "b")]
    second_round = [("fp32", "a"), ("int8", "a"), ("int8", "b"), ("fp32", "b")]  # each batch's order turned too
    assert calls[2:] == first_round + second_round  # after the warm-up


def test_speedup_interval_brackets_the_ratio_and_is_exact_without_noise():
    interval = _bench_runtime_module().speedup_interval
    fast = np.array([1.0, 1.0, 1.0, 1.0])
    assert interval(fast, 2 * fast) == (2.0, 2.0)
    low, high = interval(fast, np.array([1.8, 2.2, 1.9, 2.1]))
    assert low < 2.0 < high and high - low < 0.4


def test_bench_runtime_rejects_zero_rounds(exported):
    command = [sys.executable, str(BENCHMARKS / "bench_runtime.py"), "--model", str(exported), "--rounds", "0"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "--rounds must be at least 1" in result.stderr


def test_windows_tradeoff_scores_each_setting_on_validation(exported, dataset):
    rows = json.loads(
        _run(
            "windows_tradeoff.py", "--model", str(exported), "--data", str(dataset), "--settings", "64x1,32x2", "--json"
        )
    )
    assert [row["setting"] for row in rows] == ["64x1", "32x2"]
    assert all(0 <= row["f1_micro"] <= 1 and row["songs_per_s"] > 0 for row in rows)


def test_excerpt_length_scores_each_excerpt_and_the_whole_songs(exported, dataset):
    arguments = ["--model", str(exported), "--data", str(dataset), "--words", "1,40", "--json"]
    rows = json.loads(_run("excerpt_length.py", *arguments))
    assert [row["words"] for row in rows] == [1, 40, "whole song"]
    assert all(0 <= row["f1_micro"] <= 1 and 0 <= row["f1_macro"] <= 1 for row in rows)
    assert rows[0]["f1_micro"] < rows[2]["f1_micro"]  # one word tells the synthetic styles apart less well


def test_raw_lyrics_finds_the_source_texts_and_scores_each_version(exported, dataset):
    arguments = ["--model", str(exported), "--data", str(dataset), "--raw", str(dataset.parents[1] / "raw")]
    rows = json.loads(_run("raw_lyrics.py", *arguments, "--json"))
    assert [row["text"] for row in rows] == ["dataset (cleaned)", "source text as is", "source text, clean_lyrics"]
    validation = pd.read_parquet(dataset).query("split == 'validation'")
    assert all(row["songs"] == len(validation) for row in rows)  # every song found in its source again
    assert 0 < rows[0]["differing_from_dataset"] < len(validation)  # the "[Chorus]"/"[Verse 1]" sources
    assert rows[2]["f1_micro"] == rows[0]["f1_micro"]  # cleaning the source text gives the dataset's text back
    assert all(0 <= row["f1_micro"] <= 1 and 0 <= row["f1_macro"] <= 1 for row in rows)


def test_quantisation_variants_time_every_recipe_against_fp32(exported, trained, dataset):
    arguments = ["--model", str(exported), "--data", str(dataset), "--songs", "8", "--repeats", "1", "--json"]
    result = json.loads(_run("quantisation_variants.py", *arguments, "--trained", str(trained["ensemble"])))
    masked_add = {"masked-add-fp32", "masked-add-int8"}
    assert set(result) == {"fp32", "int8", "fused-fp32", "fused-int8", "int8-skip-ln-fused"} | masked_add
    assert result["fp32"]["speedup_vs_fp32"] == 1.0 and result["fp32"]["max_logit_diff"] == 0.0
    assert result["fused-fp32"]["max_logit_diff"] < 0.01  # fusion alone must not change the model
    assert result["masked-add-fp32"]["max_logit_diff"] < 1e-4  # where the mask goes must not either
    assert abs(result["int8-skip-ln-fused"]["max_logit_diff"] - result["int8"]["max_logit_diff"]) < 0.05
    assert all(row["ms_per_song"] > 0 for row in result.values())


def test_recipe_search_trains_and_judges_each_recipe_with_the_member(dataset, trained, tmp_path):
    base = tmp_path / "base.json"
    base.write_text(json.dumps({"epochs": 1, "batch_size": 8, "max_length": 48, "max_windows": 2}))
    grid = tmp_path / "grid.json"
    grid.write_text(json.dumps({"seed-1": {"seed": 1}, "seed-2-lr": {"seed": 2, "lr_encoder": 1e-4}}))
    arguments = ["--grid", str(grid), "--member", str(trained["tfidf"]), "--out", str(tmp_path / "search")]
    arguments += ["--data", str(dataset), "--base-config", str(base), "--workers", "2", "--set", "threads=1"]
    output = _run("recipe_search.py", *arguments).splitlines()  # training progress lines, then one per recipe
    lines = [json.loads(line) for line in output if line.startswith('{"recipe"')]
    saved = json.loads((tmp_path / "search" / "results.json").read_text())
    assert [row["recipe"] for row in saved] == ["seed-1", "seed-2-lr"]  # grid order; printed as they finish
    assert sorted(lines, key=lambda row: row["recipe"]) == saved
    assert saved[1]["settings"]["lr_encoder"] == 1e-4 and saved[1]["settings"]["threads"] == 1
    for row in saved:
        assert sum(row["ensemble_weights"]) == pytest.approx(1.0)
        assert 0 <= row["ensemble"]["f1_micro"] <= 1 and 0 <= row["transformer"]["f1_macro"] <= 1
        assert (tmp_path / "search" / f"{row['recipe']}-ensemble" / "model.json").is_file()


def test_server_memory_sends_a_chunked_body_and_large_requests(exported):
    arguments = ["--model", str(exported), "--chunked-mb", "20", "--large", "4", "--characters", "200000", "--json"]
    result = json.loads(_run("server_memory.py", *arguments))
    assert result["chunked_body_status"] == 413 and result["chunked_mb_sent"] <= 20
    assert result["large_statuses"] == {"200": 4} and result["server_rss_mb"] > 0
    assert {"chunked_peak_growth_mb", "large_peak_growth_mb", "large_growth_after_mb"} <= set(result)


def test_load_test_runs_against_the_server(exported):
    arguments = ["--model", str(exported), "--requests", "40", "--concurrency", "4", "--json"]
    result = json.loads(_run("load_test.py", *arguments))
    assert result["requests"] == 40 and result["errors"] == 0 and result["requests_per_s"] > 0


def test_tag_library_times_a_dry_run_two_writes_and_missing(exported_baseline, dataset):
    line = _run(
        "tag_library.py", "--files", "6", "--size-mb", "0.1", "--model", str(exported_baseline), "--data", str(dataset)
    )
    result = json.loads(line)
    for name in ("dry_run", "first_write", "second_write", "missing"):
        assert result[name]["s"] > 0 and result[name]["files_per_s"] > 0, name
    assert result["second_write_unchanged"] == 6  # the first write left nothing to change
    assert result["missing_files"] == result["missing_would_write"] == 6  # one artist: all its files emptied
    assert result["missing_vs_dry_run"] > 0


def test_explain_faithfulness_compares_named_and_random_lines(exported, dataset):
    arguments = ["--model", str(exported), "--data", str(dataset), "--songs", "6", "--min-lines", "5", "--json"]
    result = json.loads(_run("explain_faithfulness.py", *arguments))
    assert result["songs"] >= 1 and result["cost_ratio"] > 1 and 0 <= result["share_above_random"] <= 1
    assert result["named_drop"] >= 0


def test_fast_option_reports_speed_and_accuracy_of_both_readings(exported, dataset):
    rows = json.loads(
        _run("fast_option.py", "--model", str(exported), "--data", str(dataset), "--rounds", "1", "--json")
    )
    assert [row["reading"] for row in rows] == ["default", "fast"]
    for row in rows:
        assert row["songs_per_s"] > 0 and 0 <= row["f1_micro"] <= 1 and 0 <= row["pooled_family_macro"] <= 1


def test_resume_memory_finds_every_complete_record_of_both_formats():
    result = json.loads(_run("resume_memory.py", "--records", "2000", "--json"))
    assert result["records"] == 2000 and result["baseline_mib"] > 0
    for kind in ("jsonl", "csv"):  # the half-written last record is not counted
        assert result[kind]["done"] == 2000 and result[kind]["output_mib"] > 0 and "peak_growth_mib" in result[kind]


def test_pooled_memory_runs_both_ways_on_songs_made_up_for_it(exported_baseline):
    result = json.loads(_run("pooled_memory.py", "--songs", "300", "--model", str(exported_baseline), "--json"))
    assert result["songs"] == 300 and result["streamed_mib"] > 0 and result["pooled_mib"] > 0
    assert result["input_kb_per_song"] > 1.5  # songs about as long as the dataset's
