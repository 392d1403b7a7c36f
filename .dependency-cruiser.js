// @ts-check
/**
 * The layers of src/, lowest first. A folder may import its own layer and the
 * layers below it, never one above; the folders of a layer marked `isolated`
 * (the stores, the features) never import one another. A folder that no
 * layer names is a feature: a new module needs no line here. `npm run lint`
 * runs these rules.
 */
const LAYERS = [
  { name: 'config', folders: ['config'] },
  { name: 'common', folders: ['common'] },
  { name: 'database', folders: ['database'] },
  // The account store (users as stored, no routes, no authentication) and the mail outbox: neither imports the other.
  { name: 'stores', folders: ['users', 'mail'], isolated: true },
  // The shared authentication layer every feature builds on: src/auth/index.ts for every module, src/auth/internal.ts for this service's own.
  { name: 'auth', folders: ['auth'] },
];
const NAMED_FOLDERS = LAYERS.flatMap((layer) => layer.folders);

/** main.ts, app.module.ts and the other entry points: they wire everything, and nothing imports them. */
const ENTRY_POINTS = '^src/[^/]+\\.ts$';
/** Every folder of src/ that no layer names: account, login, admin, a team's projects... */
const FEATURES = `^src/(?!(${NAMED_FOLDERS.join('|')})/)[^/]+/`;

const anyOf = (folders) => `^src/(${folders.join('|')})/`;

const layerRules = LAYERS.flatMap((layer, index) => {
  const above = LAYERS.slice(index + 1).flatMap((higher) => higher.folders);
  const rules = [
    {
      name: `${layer.name}-imports-no-layer-above`,
      comment: `${layer.folders.join(', ')} may import neither ${[...above, 'a feature'].join(', ')} nor an entry point`,
      severity: 'error',
      from: { path: anyOf(layer.folders) },
      to: { path: [...(above.length > 0 ? [anyOf(above)] : []), FEATURES, ENTRY_POINTS] },
    },
  ];
  if (layer.isolated) {
    for (const folder of layer.folders) {
      rules.push({
        name: `${folder}-imports-no-sibling`,
        comment: `${folder} builds on the layers below, never on another folder of its own layer (${layer.name})`,
        severity: 'error',
        from: { path: `^src/${folder}/` },
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
    ...layerRules,
    {
      name: 'features-import-no-feature',
      comment: 'A feature (any folder of src/ that no layer names) builds on the layers, never on another feature',
      severity: 'error',
      from: { path: '^src/([^/]+)/', pathNot: anyOf(NAMED_FOLDERS) },
      to: { path: FEATURES, pathNot: '^src/$1/' },
    },
    {
      name: 'auth-only-through-its-entries',
      comment:
        'Outside src/auth/, import auth from src/auth/index.ts (what any module may use) or src/auth/internal.ts (what this service’s features also use), never a file of its subfolders',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/auth/' },
      to: { path: '^src/auth/', pathNot: '^src/auth/(index|internal)\\.ts$' },
    },
    {
      name: 'other-teams-only-through-the-public-door',
      comment: 'Another team’s module (test/fixtures/) imports the service from src/auth/index.ts alone',
      severity: 'error',
      from: { path: '^test/fixtures/' },
      to: { path: '^src/', pathNot: '^src/auth/index\\.ts$' },
    },
    {
      name: 'the-public-door-opens-no-internal',
      comment: 'src/auth/index.ts is what another team may use: it re-exports no service of this one (those are internal.ts’s)',
      severity: 'error',
      from: { path: '^src/auth/index\\.ts$' },
      to: { path: '^src/auth/internal\\.ts$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['\\.spec\\.ts$', '^test/(?!fixtures/)', '^bench/'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
