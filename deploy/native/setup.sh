#!/usr/bin/env bash
# Provisions the native TensorFlow backend (@tensorflow/tfjs-node, or tfjs-node-gpu with --gpu) from package registries alone: libtensorflow 2.9.1 comes out of the TensorFlow Python wheel, the addon is built from source.
#
# usage: deploy/native/setup.sh [--gpu] [--rebuild]   (npm run setup:native [-- --gpu])
#
# Why it looks like this:
# - tfjs-node 4.22 links libtensorflow 2.9.1 and its install step downloads it (and a prebuilt
#   addon) from a site that locked-down hosts cannot reach. The 2.9.1 Python wheel carries the same
#   build of the C and eager C API, exported from tensorflow/python/_pywrap_tensorflow_internal.so
#   (the wheel has no libtensorflow_cc.so.2 before 2.12) next to libtensorflow_framework.so.2.
# - That library also holds the Python bindings and is linked "bind now", so it cannot load
#   outside a Python process unless every Python C API symbol it names resolves. We build a small
#   stub library defining exactly those symbols (generated from the library's own relocations);
#   the C API never calls them, and a stub that is called aborts with the symbol's name.
# - Everything is cached (wheels, extracted libraries, the staged and built package) under
#   $BELLWETHER_CACHE/native (default ~/.cache/bellwether/native), keyed by variant, tfjs-node
#   version, libtensorflow version, Node ABI and arch, so a rerun after `npm ci` takes seconds.
# - The package is copied into node_modules without touching package.json or the lock file, and
#   without its own @tensorflow/tfjs, so it registers into the project's tfjs-core.
set -euo pipefail

TFJS_NODE_VERSION=4.22.0
TF_VERSION=2.9.1
# The wheel's Python tag only selects a file; its C API does not depend on Python.
WHEEL_PYTHON=3.10
WHEEL_PLATFORM=manylinux2014_x86_64
# CUDA 11 / cuDNN 8 runtime for --gpu. TF 2.9.1 was built against CUDA 11.2 and cuDNN 8.1; it loads
# these by soname (libcudart.so.11.0, libcublas.so.11, libcudnn.so.8, ...), and CUDA 11 minor-version
# and cuDNN 8 minor-version compatibility let the newer 11.x / 8.x runtimes stand in.
# Each wheel is pinned by hash (pip's hash-checking mode): a mirror must serve exactly these files.
CUDA_WHEELS=(
  "nvidia-cuda-runtime-cu11==11.8.89 --hash=sha256:92d04069a987e1fbc9213f8376d265df0f7bb42617d44f5eda1f496acea7f2d1"
  "nvidia-cublas-cu11==11.11.3.6 --hash=sha256:60252822adea5d0b10cd990a7dc7bedf7435f30ae40083c7a624a85a43225abc"
  "nvidia-cufft-cu11==10.9.0.58 --hash=sha256:e21037259995243cc370dd63c430d77ae9280bedb68d5b5a18226bfc92e5d748"
  "nvidia-curand-cu11==10.3.0.86 --hash=sha256:cd4cffbf78bb06580206b4814d5dc696d1161c902aae37b2bba00056832379e6"
  "nvidia-cusolver-cu11==11.4.1.48 --hash=sha256:ea9fb1ad8c644ca9ed55af13cc39af3b7ba4c3eb5aef18471fe1fe77d94383cb"
  "nvidia-cusparse-cu11==11.7.5.86 --hash=sha256:8d7cf1628fd8d462b5d2ba6678fae34733a48ecb80495b9c68672ec6a6dde5ef"
  "nvidia-cudnn-cu11==8.6.0.163 --hash=sha256:add207b5fb149cfa02919b8f413364ff4ed348a202f6ae3d7922ae5303fa38a3"
)
TF_WHEEL_CPU="tensorflow-cpu==$TF_VERSION --hash=sha256:6666ddeae45e1f41da788cb4bdea3435aba16edb0bc17b7ac00631c7c9eb052e"
TF_WHEEL_GPU="tensorflow==$TF_VERSION --hash=sha256:add2f4e55fd7209a5cb01d815364adc9827184d74a83c2f1616c72be2e85c8b7"

say() { printf 'setup-native: %s\n' "$*" >&2; }
die() {
  printf 'setup-native: error: %s\n' "$*" >&2
  exit 1
}

variant=cpu
rebuild=0
for arg in "$@"; do
  case "$arg" in
  --gpu) variant=gpu ;;
  --rebuild) rebuild=1 ;;
  -h | --help)
    sed -n '2,4p' "$0" | sed 's/^# \{0,1\}//'
    exit 0
    ;;
  *) die "unknown argument '$arg' (use --gpu, --rebuild)" ;;
  esac
done

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
project="$(cd "$here/../.." && pwd)"
if [[ $variant == gpu ]]; then
  package=@tensorflow/tfjs-node-gpu
  wheel_name=tensorflow
  wheel_pin=$TF_WHEEL_GPU
else
  package=@tensorflow/tfjs-node
  wheel_name=tensorflow-cpu
  wheel_pin=$TF_WHEEL_CPU
fi
started=$SECONDS

# ---- preconditions ---------------------------------------------------------------------------
[[ $(uname -s) == Linux && $(uname -m) == x86_64 ]] || die "only Linux x86_64 is supported (the wheel's platform)"
for tool in node npm python3 gcc g++ make readelf nm ldd flock; do
  command -v "$tool" >/dev/null || die "'$tool' is required (Debian: build-essential binutils python3)"
done
python3 -m pip --version >/dev/null 2>&1 || die "python3 -m pip is required to fetch the TensorFlow wheel"
core_json="$project/node_modules/@tensorflow/tfjs-core/package.json"
[[ -f $core_json ]] || die "node_modules/@tensorflow/tfjs-core is missing: run npm ci first"
core_version="$(node -p "require('$core_json').version")"
[[ $core_version == "$TFJS_NODE_VERSION" ]] ||
  die "the project's @tensorflow/tfjs-core is $core_version; tfjs-node $TFJS_NODE_VERSION needs $TFJS_NODE_VERSION"

# node-gyp must build against headers on disk: fetching them is another download this host cannot do.
node_prefix="${npm_config_nodedir:-$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")}"
[[ -f $node_prefix/include/node/node_api.h && -f $node_prefix/include/node/common.gypi ]] ||
  die "Node headers not found under $node_prefix/include/node (install the distribution's Node dev headers)"
node_gyp="${npm_config_node_gyp:-}"
if [[ -z $node_gyp || ! -f $node_gyp ]]; then
  npm_dir="$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")"
  node_gyp="$npm_dir/node_modules/node-gyp/bin/node-gyp.js"
fi
[[ -f $node_gyp ]] || die "node-gyp not found (it ships with npm); set npm_config_node_gyp to its node-gyp.js"

cache="${BELLWETHER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/bellwether}/native"
abi="node-abi$(node -p process.versions.modules)-napi$(node -p process.versions.napi)-$(uname -m)"
tf_dir="$cache/libtensorflow-$TF_VERSION-$variant"
stage="$cache/stage/$variant-tfjs-node-$TFJS_NODE_VERSION-tf$TF_VERSION-$abi"
mkdir -p "$cache"
# One provisioning at a time per cache: a second run waits instead of racing on the same folders.
exec 9>"$cache/.lock"
flock 9
say "variant $variant, package $package@$TFJS_NODE_VERSION, cache $cache"

# pip download in hash-checking mode: one requirement line per argument, written to a file.
pip_download() {
  local dest="$1" reqs
  shift
  mkdir -p "$dest"
  reqs="$dest/requirements.txt"
  printf '%s\n' "$@" >"$reqs"
  python3 -m pip download --quiet --no-deps --only-binary=:all: --python-version "$WHEEL_PYTHON" \
    --platform "$WHEEL_PLATFORM" --require-hashes --dest "$dest" -r "$reqs"
}

# Every step ends by writing a stamp, so an interrupted run redoes only the unfinished step.
fetch_wheel() {
  local dir="$cache/wheels/$variant"
  if ! compgen -G "$dir/${wheel_name//-/_}-$TF_VERSION-*.whl" >/dev/null; then
    say "fetching the $wheel_name $TF_VERSION wheel with pip (≈200 MB cpu, ≈500 MB gpu)"
    mkdir -p "$dir"
    pip_download "$dir" "$wheel_pin" || die "pip could not fetch $wheel_name==$TF_VERSION (or its hash differs)"
  fi
  wheel="$(compgen -G "$dir/${wheel_name//-/_}-$TF_VERSION-*.whl" | head -n1)"
}

# Extracts named members (or members under a prefix ending in '/') of a wheel into a folder.
unzip_members() {
  python3 - "$@" <<'PY'
import sys, zipfile, os, shutil
wheel, dest, *wanted = sys.argv[1:]
with zipfile.ZipFile(wheel) as z:
    for info in z.infolist():
        name = info.filename
        if name.endswith('/') or not any(name == w or (w.endswith('/') and name.startswith(w)) for w in wanted):
            continue
        out = os.path.join(dest, name)
        os.makedirs(os.path.dirname(out), exist_ok=True)
        with z.open(info) as src, open(out, 'wb') as dst:
            shutil.copyfileobj(src, dst)
        os.chmod(out, 0o755 if name.endswith(('.so', '.2')) or '.so.' in name else 0o644)
PY
}

# Lays out deps/include and deps/lib the way tfjs-node's binding.gyp expects them.
prepare_libtensorflow() {
  [[ -f $tf_dir/.done ]] && return 0
  fetch_wheel
  say "extracting libtensorflow $TF_VERSION and the C headers from $(basename "$wheel")"
  rm -rf "$tf_dir" "$tf_dir.tmp"
  local tmp="$tf_dir.tmp"
  mkdir -p "$tmp/lib" "$tmp/include"
  unzip_members "$wheel" "$tmp/wheel" tensorflow/python/_pywrap_tensorflow_internal.so \
    tensorflow/libtensorflow_framework.so.2 tensorflow/include/tensorflow/c/ \
    tensorflow/include/tensorflow/core/platform/ctstring.h \
    tensorflow/include/tensorflow/core/platform/ctstring_internal.h
  mv "$tmp/wheel/tensorflow/python/_pywrap_tensorflow_internal.so" "$tmp/lib/"
  mv "$tmp/wheel/tensorflow/libtensorflow_framework.so.2" "$tmp/lib/"
  mv "$tmp/wheel/tensorflow/include/tensorflow" "$tmp/include/"
  rm -rf "$tmp/wheel"
  # The binding links -ltensorflow -ltensorflow_framework; the soname it records is the library's own.
  ln -s _pywrap_tensorflow_internal.so "$tmp/lib/libtensorflow.so"
  ln -s _pywrap_tensorflow_internal.so "$tmp/lib/libtensorflow.so.2"
  ln -s libtensorflow_framework.so.2 "$tmp/lib/libtensorflow_framework.so"
  build_python_stub "$tmp"
  check_symbols "$tmp"
  run_probe "$tmp"
  mv "$tmp" "$tf_dir"
  touch "$tf_dir/.done"
}

# Defines the Python C API symbols the library names: calls (PLT slots) become functions that
# abort loudly, addresses of Python's global objects become zeroed storage.
build_python_stub() {
  local dir="$1" relocs
  relocs="$(readelf -W -r "$dir/lib/_pywrap_tensorflow_internal.so" |
    awk '$3 ~ /R_X86_64_(JUMP_SLOT|GLOB_DAT)/ && $5 ~ /^_?Py/ {print $3, $5}' | sort -u)"
  [[ -n $relocs ]] || die "no Python symbols found in the wheel's library; the stub recipe does not fit it"
  local objects functions
  objects="$(awk '$1 == "R_X86_64_GLOB_DAT" {print $2}' <<<"$relocs" | grep -E '(_Type|Struct)$|^PyExc_' | sort -u)"
  functions="$(awk '{print $2}' <<<"$relocs" | sort -u | comm -23 - <(printf '%s\n' "$objects"))"
  {
    echo '/* Generated by deploy/native/setup.sh: Python symbols libtensorflow names but never uses from C. */'
    echo '#include <stdio.h>'
    echo '#include <stdlib.h>'
    echo 'static void called(const char *name) {'
    echo '  fprintf(stderr, "libtensorflow called the Python C API (%s), absent outside Python\n", name);'
    echo '  abort();'
    echo '}'
    while read -r name; do echo "void $name(void) { called(\"$name\"); }"; done <<<"$functions"
    while read -r name; do echo "char $name[512] __attribute__((aligned(64)));"; done <<<"$objects"
  } >"$dir/lib/bw_pystub.c"
  gcc -shared -fPIC -O1 -Wl,-soname,libbw_pystub.so -o "$dir/lib/libbw_pystub.so" "$dir/lib/bw_pystub.c" ||
    die "could not compile the Python stub"
  say "python stub: $(wc -l <<<"$functions") functions, $(wc -l <<<"$objects") objects"
}

# The binding must find every TF_*/TFE_* function it calls exported by the wheel's libraries.
check_symbols() {
  local dir="$1" src="$cache/npm/${package#@tensorflow/}-$TFJS_NODE_VERSION"
  unpack_tfjs_node_sources "$src"
  local used inline exported missing
  used="$(grep -ohE '\bTFE?_[A-Za-z0-9_]+ *\(' "$src"/binding/*.cc "$src"/binding/*.h | tr -d ' (' | sort -u)"
  # Helper classes of the binding and functions the headers define inline are not library symbols.
  inline="$( (grep -ohE '(class|struct) TFE?_[A-Za-z0-9_]+' "$src"/binding/*.h | awk '{print $2}'
    grep -rhE 'inline .*\bTFE?_[A-Za-z0-9_]+ *\(' "$dir/include" | grep -oE '\bTFE?_[A-Za-z0-9_]+ *\(' | tr -d ' (') | sort -u)"
  exported="$(nm -D --defined-only "$dir/lib/_pywrap_tensorflow_internal.so" "$dir/lib/libtensorflow_framework.so.2" |
    awk 'NF == 3 {sub(/@.*/, "", $3); print $3}' | grep -E '^TFE?_' | sort -u)"
  used="$(comm -23 <(printf '%s\n' "$used") <(printf '%s\n' "$inline"))"
  missing="$(comm -23 <(printf '%s\n' "$used") <(printf '%s\n' "$exported"))"
  {
    echo "binding calls $(wc -l <<<"$used") TF_/TFE_ functions; the wheel's libraries export $(wc -l <<<"$exported")"
    echo "missing: ${missing:-none}"
  } | tee "$dir/symbols.txt" | while read -r line; do say "nm: $line"; done
  [[ -z $missing ]] || die "BLOCKED: the wheel's library does not export what the binding calls: $(tr '\n' ' ' <<<"$missing")"
}

# Loads the libraries in a plain C program and runs one eager op: proves the stub suffices.
run_probe() {
  local dir="$1"
  gcc -O1 -I"$dir/include" -o "$dir/probe" "$here/probe.c" -L"$dir/lib" -Wl,-rpath,"\$ORIGIN/lib" \
    -Wl,--no-as-needed -ltensorflow -ltensorflow_framework -lbw_pystub || die "could not compile the load probe"
  local out
  out="$(TF_CPP_MIN_LOG_LEVEL=2 "$dir/probe" 2>&1)" || die "BLOCKED: libtensorflow from the wheel does not load or run: $out"
  printf '%s\n' "$out" >"$dir/probe.txt"
  say "probe: $(tr '\n' ';' <<<"$out")"
}

unpack_tfjs_node_sources() {
  local src="$1"
  [[ -f $src/package.json ]] && return 0
  mkdir -p "$cache/npm"
  local tarball
  tarball="$(cd "$cache/npm" && npm pack --silent "$package@$TFJS_NODE_VERSION")" ||
    die "npm could not fetch $package@$TFJS_NODE_VERSION"
  rm -rf "$src.tmp"
  mkdir -p "$src.tmp"
  tar -xzf "$cache/npm/$tarball" -C "$src.tmp" --strip-components=1
  mv "$src.tmp" "$src"
}

# CUDA / cuDNN runtime libraries from their registry wheels, flattened into one folder.
prepare_cuda() {
  local dir="$cache/cuda11"
  [[ -f $dir/.done ]] && return 0
  say "fetching CUDA 11 / cuDNN 8 runtime wheels with pip (≈2 GB): ${CUDA_WHEELS[*]}"
  mkdir -p "$dir/wheels"
  pip_download "$dir/wheels" "${CUDA_WHEELS[@]}" || die "pip could not fetch the CUDA wheels (or a hash differs)"
  rm -rf "$dir/lib" "$dir/x"
  mkdir -p "$dir/lib"
  local w
  for w in "$dir"/wheels/*.whl; do unzip_members "$w" "$dir/x" nvidia/; done
  # Only the CUDA libraries: the runtime wheel also carries an OpenCL loader nobody here needs.
  find "$dir/x" -name 'lib*.so*' -type f ! -name 'libOpenCL*' -exec mv -t "$dir/lib" {} +
  rm -rf "$dir/x"
  local soname
  for soname in libcudart.so.11.0 libcublas.so.11 libcublasLt.so.11 libcufft.so.10 libcurand.so.10 \
    libcusolver.so.11 libcusparse.so.11 libcudnn.so.8; do
    [[ -f $dir/lib/$soname ]] || die "the CUDA wheels lack $soname (TF $TF_VERSION loads it by that name)"
  done
  touch "$dir/.done"
}

# npm installs the package and its dependencies into the stage; its install script (the download)
# is skipped, the addon is built here against the wheel's libraries.
stage_and_build() {
  [[ -f $stage/.done && $rebuild == 0 ]] && return 0
  rm -rf "$stage"
  mkdir -p "$stage"
  say "installing $package@$TFJS_NODE_VERSION into the stage (scripts off: no download)"
  (cd "$stage" && echo '{"private":true}' >package.json &&
    npm install --silent --ignore-scripts --no-audit --no-fund --no-package-lock \
      "$package@$TFJS_NODE_VERSION") || die "npm could not install $package@$TFJS_NODE_VERSION into the stage"
  local pkg="$stage/node_modules/$package"
  mkdir -p "$pkg/deps"
  cp -a "$tf_dir/include" "$pkg/deps/include"
  mkdir -p "$pkg/deps/lib"
  local f
  for f in "$tf_dir"/lib/*.so* "$tf_dir"/lib/libbw_pystub.so; do
    if [[ -L $f ]]; then cp -a "$f" "$pkg/deps/lib/"; else ln -f "$f" "$pkg/deps/lib/" 2>/dev/null || cp "$f" "$pkg/deps/lib/"; fi
  done
  if [[ $variant == gpu ]]; then
    # libtensorflow_framework's runpath is $ORIGIN, so CUDA libraries beside it load without
    # LD_LIBRARY_PATH; env.sh sets it anyway for tools that look elsewhere.
    for f in "$cache"/cuda11/lib/*; do ln -f "$f" "$pkg/deps/lib/" 2>/dev/null || cp "$f" "$pkg/deps/lib/"; done
  fi
  # The addon path node-pre-gyp will look for at run time (lib/napi-vN/tfjs_binding.node).
  local binding napi module_dir
  binding="$(cd "$pkg" && node -p "require('@mapbox/node-pre-gyp').find(require('path').resolve('package.json'))")"
  napi="$(sed -E 's|.*/napi-v([0-9]+)/.*|\1|' <<<"$binding")"
  module_dir="$(dirname "$binding")"
  say "building the addon with node-gyp (napi $napi, headers $node_prefix/include/node): a minute or two"
  (cd "$pkg" && LDFLAGS="-Wl,--no-as-needed -L$pkg/deps/lib -lbw_pystub" nice -n 10 node "$node_gyp" rebuild \
    --nodedir="$node_prefix" --jobs=2 --module_name=tfjs_binding --module_path="$module_dir" \
    --napi_build_version="$napi" >"$stage/build.log" 2>&1) ||
    die "node-gyp build failed; log: $stage/build.log ($(tail -n 3 "$stage/build.log" | tr '\n' ' '))"
  [[ -f $binding ]] || die "the build did not produce $binding"
  local unresolved
  unresolved="$(ldd "$binding" | grep 'not found' || true)"
  [[ -z $unresolved ]] || die "the addon's libraries do not resolve: $unresolved"
  ldd "$binding" | grep -E 'tensorflow|pystub' | sed 's/^\s*/ldd: /' | while read -r line; do say "$line"; done
  touch "$stage/.done"
}

report_gpu_libs() {
  local lib="$project/node_modules/$package/deps/lib" f missing
  # Without an NVIDIA driver libcuda.so.1 is absent; every other dependency must resolve here.
  for f in "$lib"/libcu*.so.*; do
    missing="$(ldd "$f" | grep 'not found' | grep -v 'libcuda\.so' || true)"
    [[ -z $missing ]] || die "$(basename "$f") has unresolved dependencies: $missing"
  done
  say "gpu: CUDA 11 / cuDNN 8 libraries resolve in $lib (tfjs-node-gpu finds them via \$ORIGIN)"
  say "gpu: for anything else that loads CUDA by name: . deploy/native/env.sh"
}

# Loads the installed package through the project's resolution and checks it shares tfjs-core.
verify_install() {
  (cd "$project" && TF_CPP_MIN_LOG_LEVEL=2 node --input-type=module -e "
    import { createRequire } from 'node:module';
    const require = createRequire(process.cwd() + '/');
    const tf = await import('@tensorflow/tfjs');
    const native = require('$package');
    const same = require.resolve('@tensorflow/tfjs-core', { paths: [require.resolve('$package')] })
      === require.resolve('@tensorflow/tfjs-core');
    if (!same) throw new Error('$package resolved its own @tensorflow/tfjs-core');
    await tf.setBackend('tensorflow');
    const got = tf.matMul(tf.tensor2d([1, 2, 3, 4], [2, 2]), tf.tensor2d([1, 2, 3, 4], [2, 2])).dataSync();
    if (got.join() !== '7,10,15,22') throw new Error('matmul gave ' + got.join());
    console.log('backend ' + tf.getBackend() + ', tfjs-core ' + tf.version_core + ', gpu device ' + tf.backend().isUsingGpuDevice);
  ") || die "the installed $package does not load; see the error above"
}

prepare_libtensorflow
[[ $variant == gpu ]] && prepare_cuda
stage_and_build
installed="$project/node_modules/$package"
if [[ $rebuild == 0 && -f $installed/.bellwether-stage && $(cat "$installed/.bellwether-stage") == "$stage" ]]; then
  say "node_modules already holds this build of $package"
else
  say "copying the built package into node_modules (package.json and the lock file are untouched)"
  node "$here/install-package.mjs" "$stage" "$package" "$project" | while read -r line; do say "$line"; done
  printf '%s\n' "$stage" >"$installed/.bellwether-stage"
fi
[[ $variant == gpu ]] && report_gpu_libs
loaded="$(verify_install)"
say "load check: $loaded"
say "done in $((SECONDS - started)) s"
