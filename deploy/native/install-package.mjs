// Copies a staged tfjs-node(-gpu) package into the project's node_modules with only the dependencies that tfjs already brings left out, so the native backend registers into the project's own tfjs-core.
//
// usage: node install-package.mjs <stage-prefix> <package-name> <project-root>
// The stage prefix is an npm prefix where the package was installed and built. Libraries under
// deps/lib are hard-linked (they are hundreds of MB); everything else is copied.

import fs from 'node:fs';
import path from 'node:path';

const [stage, name, project] = process.argv.slice(2);
if (stage === undefined || name === undefined || project === undefined) {
  console.error('usage: node install-package.mjs <stage-prefix> <package-name> <project-root>');
  process.exit(2);
}

const stageModules = path.join(stage, 'node_modules');
const source = path.join(stageModules, name);
const target = path.join(project, 'node_modules', name);

/** The project provides these (one shared tfjs-core instance is the whole point). */
const fromProject = (dep) => dep.startsWith('@tensorflow/');

function readManifest(dir) {
  return JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
}

/** Finds where Node would resolve `dep` from `dir` inside the stage. */
function locate(dep, dir) {
  for (let at = dir; at.startsWith(stage); at = path.dirname(at)) {
    const candidate = path.join(at, 'node_modules', dep);
    if (fs.existsSync(path.join(candidate, 'package.json'))) return candidate;
    if (at === path.dirname(at)) break;
  }
  throw new Error(`${dep} (needed under ${dir}) is missing from the stage ${stage}`);
}

/** Top-level stage packages the package needs, transitively; nested ones travel with their parent. */
function closure() {
  const hoisted = new Set();
  const seen = new Set();
  const queue = [source];
  while (queue.length > 0) {
    const dir = queue.shift();
    if (dir === undefined || seen.has(dir)) continue;
    seen.add(dir);
    const manifest = readManifest(dir);
    const deps = { ...manifest.dependencies, ...manifest.optionalDependencies };
    for (const dep of Object.keys(deps)) {
      if (fromProject(dep)) continue;
      let found;
      try {
        found = locate(dep, dir);
      } catch (error) {
        if (dep in (manifest.optionalDependencies ?? {})) continue;
        throw error;
      }
      if (
        path.dirname(found) === stageModules ||
        path.dirname(path.dirname(found)) === stageModules
      ) {
        hoisted.add(dep);
      }
      queue.push(found);
    }
  }
  return [...hoisted].sort();
}

function linkOrCopy(from, to) {
  try {
    fs.linkSync(from, to);
  } catch {
    fs.copyFileSync(from, to);
  }
}

/** deps/lib holds symlinks (sonames) and large libraries: keep links, hard-link files. */
function copyLibDir(from, to) {
  fs.mkdirSync(to, { recursive: true });
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const src = path.join(from, entry.name);
    const dst = path.join(to, entry.name);
    if (entry.isSymbolicLink()) fs.symlinkSync(fs.readlinkSync(src), dst);
    else if (entry.isDirectory()) copyLibDir(src, dst);
    else linkOrCopy(fs.realpathSync(src), dst);
  }
}

const deps = closure();
const projectTfjs = readManifest(path.join(project, 'node_modules', '@tensorflow', 'tfjs'));
const wanted = readManifest(source).dependencies?.['@tensorflow/tfjs'];
if (wanted !== undefined && wanted !== projectTfjs.version) {
  throw new Error(
    `${name} wants @tensorflow/tfjs ${wanted}, the project has ${projectTfjs.version}`,
  );
}

fs.rmSync(target, { recursive: true, force: true });
fs.cpSync(source, target, {
  recursive: true,
  verbatimSymlinks: true,
  filter: (src) =>
    src !== path.join(source, 'deps', 'lib') &&
    !src.includes(`${path.sep}build${path.sep}Release${path.sep}obj`),
});
copyLibDir(path.join(source, 'deps', 'lib'), path.join(target, 'deps', 'lib'));
const nested = path.join(target, 'node_modules');
fs.rmSync(path.join(nested, '@tensorflow'), { recursive: true, force: true });
for (const dep of deps) {
  fs.cpSync(path.join(stageModules, dep), path.join(nested, dep), {
    recursive: true,
    verbatimSymlinks: true,
  });
}
console.log(`installed ${name} into ${target} with ${deps.length} nested dependencies`);
