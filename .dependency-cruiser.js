// @ts-check
/**
 * The layers of src/, lowest first. A folder may import its own layer and the
 * layers below it, never one above; the folders of a layer marked `isolated`
 * (the features, the stores) never import one another. `npm run lint` runs these rules.
 */
const LAYERS = [
  { name: 'config', folders: ['config'] },
  { name: 'common', folders: ['common'] },
  { name: 'database', folders: ['database'] },
  // The account store (users as stored, no routes, no authentication) and the mail outbox: neither imports the other.
  { name: 'stores', folders: ['users', 'mail'], isolated: true },
  // The shared authentication layer every feature builds on, and its public surface (src/auth/index.ts).
  { name: 'auth', folders: ['auth'] },
  { name: 'features', folders: ['account', 'login', 'recovery', 'two-factor', 'passkeys', 'admin', 'health', 'docs'], isolated: true },
];

/** main.ts, app.module.ts and the other entry points: they wire everything, and nothing imports them. */
const ENTRY_POINTS = '^src/[^/]+\\.ts$';

const folderPath = (folder) => `^src/${folder}/`;
const anyOf = (folders) => `^src/(${folders.join('|')})/`;

const layerRules = LAYERS.flatMap((layer, index) => {
  const above = LAYERS.slice(index + 1).flatMap((higher) => higher.folders);
  const rules = [
    {
      name: `${layer.name}-imports-no-layer-above`,
      comment: `${layer.folders.join(', ')} may import neither ${above.join(', ') || 'another layer'} nor an entry point`,
      severity: 'error',
      from: { path: anyOf(layer.folders) },
      to: { path: above.length > 0 ? [anyOf(above), ENTRY_POINTS] : ENTRY_POINTS },
    },
  ];
  if (layer.isolated) {
    for (const folder of layer.folders) {
      rules.push({
        name: `${folder}-imports-no-sibling`,
        comment: `${folder} builds on the layers below, never on another folder of its own layer (${layer.name})`,
        severity: 'error',
        from: { path: folderPath(folder) },
        to: { path: anyOf(layer.folders.filter((other) => other !== folder)) },
      });
    }
  }
  return rules;
});

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'Files that import each other in a loop: one of them is in the wrong place',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'every-folder-has-a-layer',
      comment: 'A new folder under src/ takes its place in a layer of .dependency-cruiser.js before it lands',
      severity: 'error',
      from: { path: '^src/', pathNot: [anyOf(LAYERS.flatMap((layer) => layer.folders)), ENTRY_POINTS] },
      to: {},
    },
    ...layerRules,
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['\\.spec\\.ts$', '^test/', '^bench/'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
