#!/usr/bin/env python3
"""The Python equivalent of the `obs -Command` forecast timed by bench/ObsScaling.Compare (process-level row).

One whole forecast, start-up included: read the paper's base-benchmark and post-training CSVs (pandas), join them
on Model, drop rows without GSM8K-CoT, split at FLOPs (1E21) <= 84 (no FLOPs -> test), impute the seven non-GSM8K
benchmarks on the train rows (test rows with the frozen train model), PCA on the train rows, fit the
sigmoid-with-floor law on PC-1..3 with curve_fit (the paper's solver), forecast the test rows and print them.

Usage: /usr/bin/python3 bench/compare/forecast.py <data-folder>
"""
import os
import sys

import numpy as np
import pandas as pd

from reference import fit_sigmoid_floor, mse, pca_impute, perform_pca, project, sigmoid_floor

METRICS = ["MMLU", "ARC-C", "HellaSwag", "Winograd", "TruthfulQA", "XWinograd", "HumanEval"]
TARGET = "gsm8k_cot_8_exact_match,flexible-extract"


def main():
    data = sys.argv[1]
    base = pd.read_csv(os.path.join(data, "base_llm_benchmark_eval.csv"))
    post = pd.read_csv(os.path.join(data, "base_llm_post_training_eval.csv"))
    df = base.merge(post, on="Model")
    df = df[df[TARGET].notna()].reset_index(drop=True)
    test = ~(df["FLOPs (1E21)"].to_numpy(float) <= 84.0)
    train, held = df[~test].reset_index(drop=True), df[test].reset_index(drop=True)
    imp = pca_impute(train[METRICS].to_numpy(float), held[METRICS].to_numpy(float))
    pca = perform_pca(imp["train"], 5)
    x_train = project(pca, imp["train"])[:, :3]
    x_test = project(pca, imp["test"])[:, :3]
    p = fit_sigmoid_floor(x_train, train[TARGET].to_numpy(float))
    y_test = held[TARGET].to_numpy(float)
    predicted = sigmoid_floor(x_test, *p)
    print(f"TRAIN_MSE={mse(p, x_train, train[TARGET].to_numpy(float))!r}")
    print(f"TEST_MSE={float(np.mean((predicted - y_test) ** 2))!r}")
    for model, value in zip(held["Model"], predicted):
        print(f"FORECAST {model}={float(value)!r}")


if __name__ == "__main__":
    main()
