/**
 * posebench's layers, checked by dependency-cruiser on real module resolution (`npm run lint`,
 * part of `npm test`). Only runtime imports count: `verbatimModuleSyntax` makes every type-only import
 * an `import type`, which TypeScript erases, so what is checked is what ends up in each process and
 * in the renderer's bundle.
 *
 * Layers, lowest first; each may import only the ones it lists (ARCHITECTURE.md explains them):
 */
const LAYERS = {
  core: { path: '^src-main/core/', may: [] },
  formats: { path: '^src-main/formats/', may: ['core'] },
  evaluation: { path: '^src-main/evaluation/', may: ['core'] },
  store: { path: '^src-main/store/', may: ['core'] },
  datasets: { path: '^src-main/datasets/', may: ['core', 'formats', 'evaluation'] },
  inference: { path: '^src-main/inference/', may: ['core', 'formats'] },
  export: { path: '^src-main/export/', may: ['core', 'formats', 'datasets', 'store'] },
  demo: { path: '^src-main/demo/', may: ['core', 'formats'] },
  workbench: { path: '^src-main/workbench/', may: ['core', 'formats', 'evaluation', 'store', 'datasets', 'inference', 'export', 'demo'] },
  api: { path: '^src-main/api/', may: ['core'] },
  engine: { path: '^src-main/engine/', may: ['core', 'formats', 'evaluation', 'store', 'datasets', 'inference', 'export', 'demo', 'workbench', 'api'] },
  hosts: { path: '^src-main/hosts/', may: ['core', 'formats', 'evaluation', 'store', 'datasets', 'inference', 'export', 'demo', 'workbench', 'api', 'engine'] },
  cli: {
    path: '^src-main/cli/',
    may: ['core', 'formats', 'evaluation', 'store', 'datasets', 'inference', 'export', 'demo', 'workbench', 'api', 'engine', 'hosts'],
  },
};

/** The only files of src-main the renderer may import (and so reach): the contract and plain core tables. */
const RENDERER_MAY_REACH = '^src-main/(api/contract\\.ts|core/(joints|types|geometry)\\.ts)$';

/** Native modules (and Electron), each allowed in one place only. */
const NATIVE = {
  'better-sqlite3': { where: '^src-main/store/', why: "SQLite is the store layer's" },
  'onnxruntime-node': { where: '^src-main/inference/runtime/', why: "ONNX Runtime is the inference runtime's" },
  sharp: {
    where:
      '^src-main/(inference/runtime/(image-decode|image-worker)\\.ts|engine/background/(thumbnails/thumbnails|crop-preparation/crop-prepare-worker)\\.ts|demo/)',
    why: 'image decoding, thumbnails and the demo generator only',
  },
  electron: { where: '^src-main/hosts/electron/', why: 'only the Electron host may load electron (it cannot load under plain Node)' },
};

const names = Object.keys(LAYERS);
const layerRules = names.map((name) => {
  const layer = LAYERS[name];
  const forbidden = names.filter((other) => other !== name && !layer.may.includes(other));
  return {
    name: `layer-${name}`,
    comment: `${name} may import only ${layer.may.join(', ') || 'itself'}`,
    severity: 'error',
    from: { path: layer.path },
    to: {
      path: forbidden
        .map((other) => LAYERS[other].path)
        .concat('^src-renderer/')
        .join('|'),
    },
  };
});

const nativeRules = Object.entries(NATIVE).map(([module, { where, why }]) => ({
  name: `native-${module}`,
  comment: `${module}: ${why}`,
  severity: 'error',
  from: { pathNot: `${where}|^test/|^bin/|\\.config\\.ts$` },
  // (^|/): a copy of the tree inside the project (the planted-violation test) resolves to ../node_modules/…
  to: { path: `(^|/)node_modules/${module}/` },
}));

module.exports = {
  forbidden: [
    ...layerRules,
    ...nativeRules,
    {
      name: 'renderer-imports',
      comment: "the renderer takes from src-main only the API contract and the core's plain tables and types",
      severity: 'error',
      from: { path: '^src-renderer/' },
      to: { path: '^src-main/', pathNot: RENDERER_MAY_REACH },
    },
    {
      name: 'renderer-reach',
      comment: 'nothing the renderer bundles may reach the Node core, Node built-ins, native modules or zod',
      severity: 'error',
      from: { path: '^src-renderer/' },
      to: {
        path: `^src-main/|(^|/)node_modules/(better-sqlite3|onnxruntime-node|sharp|electron|ws|zod)/|^(node:)?(${require('node:module')
          .builtinModules.filter((m) => !m.startsWith('_'))
          .join('|')})$`,
        pathNot: RENDERER_MAY_REACH,
        reachable: true,
      },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'an import that does not resolve is a typo or a missing dependency',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'no-circular-across-layers',
      comment: 'cycles between modules make the layer order meaningless',
      severity: 'error',
      from: { path: '^src-' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(out|dist|node_modules)/' },
    tsPreCompilationDeps: false,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.json'],
    },
  },
};
