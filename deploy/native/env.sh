# Source this (`. deploy/native/env.sh`) before running with tensorflow-gpu: it puts the CUDA 11 / cuDNN 8 libraries that setup.sh --gpu laid out on the library path, and gives the CUDA JIT cache room.
#
# tfjs-node-gpu finds them without this (libtensorflow_framework's runpath is $ORIGIN and they sit
# beside it); the path is for anything else in the process that loads CUDA by name.
_bw_native_root="$(cd "$(dirname "${BASH_SOURCE[0]:-$0}")/../.." && pwd)"
_bw_native_lib="$_bw_native_root/node_modules/@tensorflow/tfjs-node-gpu/deps/lib"
if [ -d "$_bw_native_lib" ]; then
  export LD_LIBRARY_PATH="$_bw_native_lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
else
  echo "env.sh: $_bw_native_lib is missing: run npm run setup:native -- --gpu" >&2
fi
# TF 2.9.1 ships no kernels for GPUs newer than compute capability 8.x: the driver compiles its PTX
# on first use, which takes long; a large JIT cache keeps that to the first run.
export CUDA_CACHE_MAXSIZE="${CUDA_CACHE_MAXSIZE:-4294967296}"
unset _bw_native_root _bw_native_lib
