/** Command run by deploy/pretrained/setup.sh: converts one ONNX encoder into the project's encoder format in a folder. */
import { parseArgs } from 'node:util';
import { convertOnnx } from './convert-onnx.ts';
import { DATA_FILE, MANIFEST_FILE, writeEncoderWeights } from './encoder-weights.ts';
import { readOnnx } from './onnx-reader.ts';

const usage =
  'usage: convert-cli.ts <model.onnx> <out-dir> --id <id> --package <g:a:v> --sha256 <hex>';
const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { id: { type: 'string' }, package: { type: 'string' }, sha256: { type: 'string' } },
});
const [onnxFile, outDir] = positionals;
if (!onnxFile || !outDir || !values.id || !values.package || !values.sha256) {
  console.error(usage);
  process.exit(2);
}
const started = performance.now();
const { config, tensors, dequantized } = convertOnnx(await readOnnx(onnxFile));
const source = { id: values.id, package: values.package, sha256: values.sha256, dequantized };
await writeEncoderWeights(outDir, { source, config, tensors });
const params = [...tensors.values()].reduce((n, t) => n + t.values.length, 0);
console.error(
  `convert: ${values.id}: ${config.layers} layers, hidden ${config.hidden}, ${config.heads} heads, ` +
    `${(params / 1e6).toFixed(1)}M parameters${dequantized ? ' (dequantized)' : ''} → ` +
    `${MANIFEST_FILE} + ${DATA_FILE} in ${Math.round(performance.now() - started)} ms`,
);
