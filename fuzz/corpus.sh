# Sourced by bench/fuzz/run.sh (the long runs) and fuzz/smoke.sh (the test command's short ones),
# from the repository root: where a fuzz target's starting inputs and dictionary come from, in
# one place.
#   fuzz_seed_corpus TARGET DIR   copies the seeds fuzz/corpus/TARGET/ into DIR (created) and,
#                                 for the pipeline target, the engine's validation cases (one
#                                 corpus with tests/engine/validation_cases, issue 10 §6)
#   fuzz_dict_args TARGET         fills the array FUZZ_DICT with -dict=fuzz/TARGET.dict if any

fuzz_seed_corpus() {
  local target=$1 dir=$2
  mkdir -p "$dir"
  cp -r "fuzz/corpus/$target/." "$dir/"
  if [[ $target == pipeline ]]; then cp tests/engine/validation_cases/*.yaml "$dir/"; fi
}

fuzz_dict_args() {
  FUZZ_DICT=()
  if [[ -f "fuzz/$1.dict" ]]; then FUZZ_DICT=(-dict="fuzz/$1.dict"); fi
}
