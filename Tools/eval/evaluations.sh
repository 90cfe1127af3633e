# The (source, split) evaluations of docs/EVALUATION.md, one list for Tools/eval/run.sh (every
# model) and Tools/eval/intervals.sh (the MLP over seeds). Sourced, not run.
# name | `losscast eval` arguments
evaluations=(
  "steplaw-dense-by-size|--source steplaw-dense --split by-size --models chinchilla,chinchilla-gamma,mlp,transformer --ensemble 3"
  "steplaw-dense-by-compute|--source steplaw-dense --split by-compute --models chinchilla,mlp"
  "steplaw-moe-by-size|--source steplaw-moe --split by-size --models chinchilla,mlp"
  "steplaw-moe-by-source|--source steplaw-dense --source steplaw-moe --split by-source --test-source steplaw-moe --models chinchilla,mlp"
  "olmo-ladder-1b|--source olmo-ladder --split by-size --threshold 1e9 --models chinchilla,mpl,mlp,transformer"
  "olmo-ladder-by-compute|--source olmo-ladder --split by-compute --models chinchilla,mpl,mlp"
  "multipowerlaw-random|--source multipowerlaw --split random --models chinchilla,mpl,mlp"
  "gadre2024-by-size|--source gadre2024 --split by-size --models chinchilla,mlp"
  "gadre2024-grid-by-size|--source gadre2024-grid --split by-size --models chinchilla,mlp"
  "chinchilla-epoch-by-size|--source chinchilla-epoch --split by-size --models chinchilla,mlp"
  "sldbench-data-constrained-by-size|--source sldbench-data-constrained --split by-size --models chinchilla,mlp"
  "sldbench-vocab-by-size|--source sldbench-vocab --split by-size --models chinchilla,mlp"
  "sldbench-moe-by-size|--source sldbench-moe --split by-size --models chinchilla,mlp"
  "sldbench-domain-mixture-random|--source sldbench-domain-mixture --split random --models chinchilla,mlp"
  "sldbench-lr-by-size|--source sldbench-lr --split by-size --models chinchilla,mlp"
)
