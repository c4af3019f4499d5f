#!/usr/bin/env bash
# Fuzzes one target with afl-fuzz through SharpFuzz for a bounded time, then replays what it found.
#   fuzz/run.sh photo|catalog|container [SECONDS]   (default 600)
# Not part of CI. Installs afl++ (Debian) and SharpFuzz's instrumenter (NuGet tool, pinned) if missing.
# Results: .build/fuzz/TARGET/findings (afl's output), summary printed at the end.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
target=${1:?usage: fuzz/run.sh photo|catalog|container [SECONDS]}
seconds=${2:-600}

command -v afl-fuzz >/dev/null || { apt-get update -qq && apt-get install -y -qq afl++; }
tools=.build/tools
[ -x "$tools/sharpfuzz" ] || dotnet tool install SharpFuzz.CommandLine --version 2.3.0 --tool-path "$tools" >/dev/null

out=.build/fuzz/$target
rm -rf "$out"
dotnet publish fuzz/FaceAtlas.Fuzz -c Release -o "$out/bin" -v quiet -nologo
# Our own assemblies get afl's edge counters; the decoders and SQLite are native and report crashes, not coverage.
for dll in FaceAtlas.Vision FaceAtlas.Core FaceAtlas.Storage; do
  "$tools/sharpfuzz" "$out/bin/$dll.dll" >/dev/null
done
# Instrumented code writes to afl's shared memory, absent outside afl: seeds and replays use the plain build.
plain=.build/bin/FaceAtlas.Fuzz/release/FaceAtlas.Fuzz.dll
dotnet "$plain" seeds "$target" "$out/seeds"

# dotnet itself is not instrumented (SharpFuzz instruments the assemblies), hence SKIP_BIN_CHECK.
AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1 \
  afl-fuzz -i "$out/seeds" -o "$out/findings" -V "$seconds" -t 5000 -m none -- dotnet "$out/bin/FaceAtlas.Fuzz.dll" "$target" \
  > "$out/afl.log" 2>&1 || { tail -30 "$out/afl.log"; exit 1; }

# The catalog target's scratch files (afl ends the target with a kill, so it cannot tidy up itself).
rm -f "${TMPDIR:-/tmp}"/faceatlas-fuzz-*.db*

stats=$out/findings/default/fuzzer_stats
echo "fuzz $target: $(awk -F' *: ' '/^(run_time|execs_done|execs_per_sec|corpus_count|saved_crashes|saved_hangs) /{printf "%s=%s ", $1, $2}' "$stats")"
shopt -s nullglob
found=("$out"/findings/default/crashes/id:* "$out"/findings/default/hangs/id:*)
if [ ${#found[@]} -gt 0 ]; then
  echo "replaying ${#found[@]} findings, one line each; equal lines are one bug:"
  dotnet "$plain" replay "$target" "${found[@]}" > "$out/replay.log" || true
  sed 's/ \[id:.*\]$//' "$out/replay.log" | sort | uniq -c | sort -rn | head -20
fi
