import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

function section(title: string): string {
  const start = README.indexOf(`\n## ${title}\n`);
  if (start === -1) throw new Error(`README.md has no section "${title}"`);
  const end = README.indexOf('\n## ', start + 1);
  return README.slice(start, end === -1 ? undefined : end);
}

/** Every folder under src/, as `src/a/b/`. */
function sourceFolders(folder = 'src'): string[] {
  return readdirSync(join(ROOT, folder), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((entry) => [`${folder}/${entry.name}/`, ...sourceFolders(`${folder}/${entry.name}`)]);
}

/**
 * The folders of the modules of other teams: those AppModule imports below
 * its marker line. They are features by default, and the map describes the
 * service's own folders only.
 */
function otherTeamsFolders(): string[] {
  const appModule = readFileSync(join(ROOT, 'src', 'app.module.ts'), 'utf8');
  const marker = appModule.indexOf('// Modules of other teams');
  if (marker === -1) throw new Error('src/app.module.ts has lost its marker line for the modules of other teams');
  const names = appModule.slice(marker, appModule.indexOf(']', marker)).match(/^\s*(\w+),/gm) ?? [];
  return names.map((line) => {
    const name = line.trim().replace(',', '');
    const from = new RegExp(`import \\{[^}]*\\b${name}\\b[^}]*\\} from '\\./([\\w-]+)/`).exec(appModule);
    if (!from) throw new Error(`AppModule imports ${name} from no folder of src/`);
    return `src/${from[1]}/`;
  });
}

/** The folders the Layout map names under src/: each line `<indent><name>/`, nested by two spaces a level. */
function mappedFolders(): string[] {
  const map = /```\n([\s\S]*?)```/.exec(section('Layout'))?.[1] ?? '';
  const path: string[] = [];
  const folders: string[] = [];
  for (const line of map.split('\n')) {
    const entry = /^( *)([\w.-]+)\/(?:\s|$)/.exec(line);
    if (!entry) continue;
    const depth = entry[1].length / 2;
    path.length = depth;
    path[depth] = entry[2];
    if (path[0] === 'src' && depth > 0) folders.push(`${path.join('/')}/`);
  }
  return folders;
}

describe('README', () => {
  it('stays what a newcomer reads on the first day: about 300 lines, the rest in docs/', () => {
    expect(README.split('\n').length).toBeLessThanOrEqual(300);
  });

  it('Layout names every folder under src/ but those of other teams’ modules, and none that does not exist', () => {
    // dto/ folders are a feature's request and response classes: named by the convention, not one by one.
    const teams = otherTeamsFolders();
    const actual = sourceFolders().filter((folder) => !folder.endsWith('/dto/') && !teams.some((team) => folder.startsWith(team)));
    expect(mappedFolders().sort()).toEqual(actual.sort());
  });

  it('leads to every page of docs/ (itself or through a page it links), and every page it links exists', () => {
    const pages = readdirSync(join(ROOT, 'docs')).filter((file) => file.endsWith('.md'));
    const linked = [...README.matchAll(/\]\(docs\/([\w.-]+\.md)\)/g)].map((match) => match[1]);
    const reachable = new Set(linked);
    // A page may be linked from a page the README links instead (bad-inputs.md from testing.md).
    for (const page of linked) {
      const text = readFileSync(join(ROOT, 'docs', page), 'utf8');
      for (const [, target] of text.matchAll(/\]\(([\w.-]+\.md)(?:#[\w-]+)?\)/g)) reachable.add(target);
    }
    expect(new Set(linked)).toEqual(new Set(linked.filter((page) => pages.includes(page))));
    expect(reachable).toEqual(new Set(pages));
  });

  it('shows the pictures the account pages’ journey takes, each of a file that exists', () => {
    const pictures = [...README.matchAll(/<img src="(docs\/[\w./-]+\.png)"/g)].map((match) => match[1]);
    expect(pictures.sort()).toEqual(
      ['account', 'confirm-email', 'register', 'reset-password', 'sign-in', 'verify-email'].map((page) => `docs/account-pages/${page}.png`),
    );
    for (const picture of pictures) expect(readdirSync(join(ROOT, 'docs', 'account-pages'))).toContain(picture.split('/').pop());
  });

  it('every page of docs/ written here links back to the README, and its links to other pages resolve', () => {
    const shared = ['api.md', 'security.md', 'bad-inputs.md'];
    for (const page of readdirSync(join(ROOT, 'docs')).filter((file) => file.endsWith('.md') && !shared.includes(file))) {
      const text = readFileSync(join(ROOT, 'docs', page), 'utf8');
      expect({ page, linksBack: text.includes('](../README.md)') }).toEqual({ page, linksBack: true });
      for (const [, target] of text.matchAll(/\]\(((?:\.\.\/)?[\w./-]+\.md)(?:#[\w-]+)?\)/g)) {
        const resolved = target.startsWith('../') ? join(ROOT, target.slice(3)) : join(ROOT, 'docs', target);
        expect({ page, target, exists: readdirSync(join(resolved, '..')).includes(resolved.split('/').pop()!) }).toEqual({
          page,
          target,
          exists: true,
        });
      }
    }
  });
});
