#!/usr/bin/env python3
"""The candidates `losscast demo` ranks: a proposed 1.2B-parameter Marin run (the model shape
of Marin's 1.2B runs, 24B tokens, about 20 per parameter) trained with each of the eleven
optimizers, each with every optimizer setting Marin's sweep tried at its largest training
size (300M; the learning rate, weight decay, betas, warmup and the optimizer's own extras,
as they were tuned at the smaller scale). Only losscast_bench/train is read, never val/.

    python3 Tools/demo/optimizer_candidates.py ../shared/datasets/losscast_bench/train > Logs/demo/optimizers_1b.jsonl
"""
import glob
import json
import sys

train = sys.argv[1] if len(sys.argv) > 1 else "../shared/datasets/losscast_bench/train"
model = {"arch": "transformer", "n_layers": 32, "d_model": 1536, "n_heads": 24, "d_ff": 4096, "vocab_size": 32000,
         "activation": "swiglu", "norm_type": "rmsnorm", "rope": True}
batch_tokens, tokens = 524288, 24_159_191_040
settings = {}
for path in sorted(glob.glob(f"{train}/ncpl_marin*/config.json")):
    recipe = json.load(open(path))
    if recipe.get("n_params") != 3e8:
        continue
    optimizer = recipe["optimizer"]
    schedule = {key: recipe["schedule"][key] for key in ("lr_schedule", "warmup_steps", "final_lr_ratio") if key in recipe["schedule"]}
    key = json.dumps([optimizer, schedule], sort_keys=True)
    settings.setdefault(key, (optimizer, schedule))
for optimizer, schedule in sorted(settings.values(), key=lambda pair: json.dumps(pair, sort_keys=True)):
    candidate = {"model": model, "optimizer": optimizer,
                 "data": {"dataset": "dolma", "tokenizer": "EleutherAI/gpt-neox-20b", "eval_dataset": "c4_en", "seq_len": 2048,
                          "batch_tokens": batch_tokens, "tokens_total": tokens},
                 "schedule": dict(schedule, total_steps=tokens // batch_tokens),
                 "n_params": 1.2e9, "source": "ncpl-marin"}
    print(json.dumps(candidate, sort_keys=True))
